"""End-to-end fixtures: a real `streamlit run app.py` on a free port and Debian's chromium.

The server runs against a fresh workspace in a temporary directory, so it opens on the
demo ledger exactly as a new install does. Chromium is Debian's (/usr/bin/chromium);
Playwright's own browser downloads are never used. Without chromium the tests are skipped
on a developer machine (see the module mark in test_browser.py) and fail under CI=true.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
# A fresh workspace is filled with the demo ledger on the first page load; generous, bounded.
HEALTH_TIMEOUT_S = 60.0
VIEWPORT = {"width": 1440, "height": 900}


@dataclass(frozen=True)
class Server:
    """A running streamlit server: its base URL, workspace file and log file."""

    url: str
    db: Path
    log: Path

    def log_tail(self, lines: int = 40) -> str:
        """The end of the server's output, for failure messages."""
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(db: Path, lang: str = "fr") -> dict[str, str]:
    """The environment of the app: this workspace, this default language, the project's config."""
    env = {k: v for k, v in os.environ.items() if k not in ("ENCOURS_CONFIG", "ENCOURS_DEBUG")}
    env.update(ENCOURS_DB=str(db), ENCOURS_LANG=lang, PYTHONUNBUFFERED="1")
    return env


def wait_healthy(url: str, proc: subprocess.Popen, timeout_s: float) -> None:
    """Poll /_stcore/health until it answers "ok"; raise with the reason otherwise."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.read().decode().strip() == "ok":
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"streamlit did not answer /_stcore/health within {timeout_s:.0f} s")


def stop(proc: subprocess.Popen) -> None:
    """Terminate the server, then kill it if it does not stop within 10 s."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def start_server(db: Path, log: Path, lang: str = "fr") -> tuple[subprocess.Popen, Server]:
    """`streamlit run app.py` on a free port against `db`; returns once it is healthy."""
    port = free_port()
    cmd = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=server_env(db, lang), stdout=out, stderr=subprocess.STDOUT)
    server = Server(url=f"http://127.0.0.1:{port}", db=db, log=log)
    try:
        wait_healthy(server.url, proc, HEALTH_TIMEOUT_S)
    except RuntimeError as exc:
        stop(proc)
        raise RuntimeError(f"{exc}\n--- server log ---\n{server.log_tail()}") from None
    return proc, server


def _serve(tmp: Path) -> Iterator[Server]:
    """A server on a fresh workspace in `tmp`, stopped when the fixture ends; a failed start fails the test."""
    try:
        proc, srv = start_server(tmp / "encours.duckdb", tmp / "streamlit.log")
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield srv
    finally:
        stop(proc)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A real streamlit server on a fresh temporary workspace (it opens on the demo ledger)."""
    yield from _serve(tmp_path_factory.mktemp("e2e"))


@pytest.fixture
def fresh_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server of its own for a test that changes the workspace (an import replaces the demo)."""
    yield from _serve(tmp_path_factory.mktemp("e2e-own"))


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's chromium driven by Playwright; a missing chromium fails under CI=true."""
    if not CHROMIUM.exists():
        # Only reached with CI=true: the module mark skips these tests otherwise.
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (.ci/run does) to run the e2e suite")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def new_tab(browser, url: str) -> tuple[object, object]:
    """A browser context and tab on `url` with a desktop viewport; the tab records JavaScript errors."""
    context = browser.new_context(viewport=VIEWPORT, base_url=url)
    context.set_default_timeout(30_000)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.page_errors = errors  # read by tests: JavaScript errors in the page are defects too
    return context, tab


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """Keep each phase's report on the test item, so a fixture can tell the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def close_tab(request: pytest.FixtureRequest, context: object, tab: object) -> None:
    """Close the tab, first saving what it showed if the test failed (artifacts/FAILED-<test>.png)."""
    report = getattr(request.node, "report_call", None)
    try:
        if report is not None and report.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            name = "".join(c if c.isalnum() or c in "-_" else "-" for c in request.node.name)
            tab.screenshot(path=str(ARTIFACTS / f"FAILED-{name}.png"), timeout=10_000)
    finally:
        context.close()


@pytest.fixture
def page(request: pytest.FixtureRequest, browser, server: Server) -> Iterator[object]:
    """A fresh tab (its own Streamlit session) on the shared demo server."""
    context, tab = new_tab(browser, server.url)
    yield tab
    close_tab(request, context, tab)


@pytest.fixture
def own_page(request: pytest.FixtureRequest, browser, fresh_server: Server) -> Iterator[object]:
    """A fresh tab on a server of its own, for tests that write to the workspace."""
    context, tab = new_tab(browser, fresh_server.url)
    yield tab
    close_tab(request, context, tab)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """tests/e2e/artifacts/ (git-ignored): screenshots and timings."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
