"""Faults of the workspace file: an import killed half-way, and damaged, truncated, missing,
read-only or full workspaces, through the CLI and in the app.

Everything is real: `python -m riskcore` subprocesses killed with SIGKILL, a file of random bytes,
a workspace cut in half, an unprivileged user (as root a chmod stops nothing), and a file-size limit
(RLIMIT_FSIZE, with SIGXFSZ ignored) that makes DuckDB's writes fail with EFBIG as a full disk would.
"""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from riskcore import demo
from riskcore.errors import StorageError
from riskcore.storage.store import Store, set_meta

ROOT = Path(__file__).resolve().parents[3]
APP = ROOT / "app.py"
ROWS = 300_000  # about 3 s of import on 2 cores, 1 s of it writing: room for kills at distinct stages
HEADER = "N° facture;Code client;Date facture;Échéance;Montant TTC"
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def invoices_csv(path: Path, rows: int) -> Path:
    """`rows` new invoices K<n> of the demo's 60 clients, amounts cycling 1,00 … 100,00 €."""
    lines = [HEADER] + [f"K{i:06d};C{i % 60 + 1:04d};15/10/2026;14/11/2026;{i % 100 + 1},00" for i in range(rows)]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


def totals(path: Path) -> dict:
    """What a killed or failed write must not change: counts and sums, imports, the data version."""
    store = Store(path)  # opening replays or discards the WAL a killed process left
    try:
        con = store.cursor()

        def one(sql: str) -> tuple:
            return con.execute(sql).fetchall()[0]

        return {
            "invoices": one("SELECT count(*), coalesce(sum(amount), 0) FROM invoices"),
            "payments": one("SELECT count(*), coalesce(sum(amount), 0) FROM payments"),
            "clients": one("SELECT count(*) FROM clients")[0],
            "imports": con.execute("SELECT file_name, kind, rows FROM imports ORDER BY import_id").fetchall(),
            "data_version": store.data_version(),
        }
    finally:
        store.close()


def env() -> dict[str, str]:
    out = {**os.environ, "ENCOURS_LANG": "en"}
    out.pop("ENCOURS_DEBUG", None)
    return out


def riskcore(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "riskcore", *args], cwd=ROOT, env=env(), capture_output=True, text=True,
        timeout=300, **kwargs,
    )  # fmt: skip


def one_line(done: subprocess.CompletedProcess) -> str:
    """The CLI's one-line message of a refused command (exit 2, no traceback)."""
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


def message(key: str, path: Path) -> str:
    return StorageError(key, path=str(path)).message("en")


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    """The demo workspace (seed 42, 60 clients, 2 years), closed; each test works on a copy."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    store = Store(path)
    demo.load_demo(store, seed=42, clients=60, years=2)
    store.close()
    return path


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory) -> Path:
    return invoices_csv(tmp_path_factory.mktemp("csv") / "invoices.csv", ROWS)


def copy_of(demo_file: Path, folder: Path, dataset: str = "demo") -> Path:
    path = folder / "workspace.duckdb"
    shutil.copy(demo_file, path)
    if dataset != "demo":  # the demo's rows as the user's own ledger: an import adds to it
        store = Store(path)
        with store.transaction() as cur:
            set_meta(cur, "dataset", dataset)
        store.close()
    return path


# --- SIGKILL during an import ----------------------------------------------------------------------


def size(path: Path) -> int:
    return path.stat().st_size if path.exists() else -1


def start_import(csv: Path, db: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "riskcore", "import", str(csv), "--db", str(db)],
        cwd=ROOT, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def measure(csv: Path, db: Path) -> dict[str, float]:
    """A whole import's timeline: when the workspace is open (its WAL appears), when the file grows."""
    wal, start_size = Path(f"{db}.wal"), size(db)
    start, seen = time.monotonic(), {}
    proc = start_import(csv, db)
    while proc.poll() is None:
        now = time.monotonic() - start
        if wal.exists():
            seen.setdefault("open", now)
        if size(db) > start_size:
            seen.setdefault("write", now)
        time.sleep(0.005)
    assert proc.returncode == 0
    return {**seen, "end": time.monotonic() - start}


def kill_when(csv: Path, db: Path, ready: Callable[[float, int], bool]) -> float:
    """Start the import and SIGKILL it once `ready(seconds since start, bytes the file grew)` holds.

    Returns when it was killed, in seconds since its start (shown with `pytest -s`).
    """
    start, start_size = time.monotonic(), size(db)
    proc = start_import(csv, db)
    while proc.poll() is None and not ready(time.monotonic() - start, size(db) - start_size):
        time.sleep(0.002)
    assert proc.poll() is None, "the import ended before its kill point: use a bigger file"
    proc.send_signal(signal.SIGKILL)
    killed_at = time.monotonic() - start
    assert proc.wait(timeout=30) == -signal.SIGKILL
    return round(killed_at, 2)


@pytest.mark.parametrize("dataset", ["demo", "user"])
def test_an_import_killed_at_any_moment_leaves_the_previous_data(demo_file, big_csv, tmp_path, dataset):
    (tmp_path / "measure").mkdir()
    timeline = measure(big_csv, copy_of(demo_file, tmp_path / "measure", dataset))
    db = copy_of(demo_file, tmp_path, dataset)
    before, wal = totals(db), Path(f"{db}.wal")
    # Spread over the import: Python starting, the workspace just opened (its WAL appears), halfway
    # through reading and checking the file, then in the write itself (the file growing; the commit
    # comes only after about 5 MiB of growth for these 300 000 rows).
    kill_points = {
        "interpreter starting": lambda s, grew: s >= 0.3,
        "workspace open": lambda s, grew: wal.exists(),
        "reading the file": lambda s, grew: s >= (timeline["open"] + timeline["write"]) / 2,
        "first blocks written": lambda s, grew: grew >= 256 * 1024,
        "2 MiB written": lambda s, grew: grew >= 2 * 1024 * 1024,
    }
    killed_at = {}
    for point, ready in kill_points.items():
        killed_at[point] = kill_when(big_csv, db, ready)
        assert totals(db) == before, f"killed at {point}"  # no row, no imports entry, same data version
    assert riskcore("import", str(big_csv), "--db", str(db)).returncode == 0
    after = totals(db)
    # The file: 300 000 invoices K000000…K299999 (no demo invoice id starts with K), 3 000 cycles of
    # 1 + 2 + … + 100 = 5 050 €, so 15 150 000,00 €.
    added = (ROWS, Decimal("15150000.00"))
    if dataset == "demo":  # the user's first file replaces the demo (DESIGN.md): only its rows remain
        assert after["invoices"] == added
        assert after["payments"] == (0, 0)
        assert after["imports"] == [("invoices.csv", "invoices", ROWS)]
    else:
        assert after["invoices"] == (before["invoices"][0] + ROWS, before["invoices"][1] + added[1])
        assert after["payments"] == before["payments"]
        assert after["clients"] == before["clients"]  # the file's 60 clients are the demo's C0001…C0060
        assert after["imports"] == [*before["imports"], ("invoices.csv", "invoices", ROWS)]
    assert after["data_version"] == before["data_version"] + 1  # one transaction, one bump
    print(f"\nimport of {ROWS} rows ({dataset}): {json.dumps({k: round(v, 2) for k, v in timeline.items()})}")
    print(f"killed at: {json.dumps(killed_at)}")


# --- one-line messages of the CLI ------------------------------------------------------------------


def test_random_bytes_are_a_damaged_workspace_and_stay_untouched(tmp_path):
    path = tmp_path / "workspace.duckdb"
    content = random.Random(14).randbytes(1024 * 1024)
    path.write_bytes(content)
    assert one_line(riskcore("kpi", "--db", str(path))) == message("storage.corrupt", path)
    assert path.read_bytes() == content  # a damaged file is never overwritten: it may be rescued


def test_a_truncated_workspace_is_a_damaged_workspace(demo_file, tmp_path):
    path = copy_of(demo_file, tmp_path)
    os.truncate(path, size(path) // 2)
    assert one_line(riskcore("kpi", "--db", str(path))) == message("storage.corrupt", path)


def test_a_missing_workspace_is_named_and_not_created(tmp_path):
    path = tmp_path / "absent.duckdb"
    assert one_line(riskcore("kpi", "--db", str(path))) == message("storage.missing", path)
    assert not path.exists()


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder another user can read but not write (pytest's tmp_path is root's alone, mode 700)."""
    folder = Path(tempfile.mkdtemp(prefix="encours-ro-"))
    folder.chmod(0o755)
    yield folder
    for inside in (folder, *folder.iterdir()):
        inside.chmod(0o755)  # read_only_copy took the write bit away
    shutil.rmtree(folder)


def as_unprivileged(cmd: list[str]) -> list[str]:
    """`cmd` run by a user who cannot write the workspace: as root, nobody; otherwise this user."""
    return [*NOBODY, *cmd] if os.geteuid() == 0 else cmd


def read_only_copy(demo_file: Path, folder: Path) -> Path:
    path = folder / "workspace.duckdb"
    shutil.copy(demo_file, path)
    path.chmod(0o444)
    folder.chmod(0o555)  # neither the file nor its folder (the WAL goes beside it) can be written
    return path


def test_a_read_only_workspace_says_so(demo_file, shared_dir):
    # nobody runs the venv's python (the checkout and venv are world-readable; checked here first)
    probe = subprocess.run(as_unprivileged([sys.executable, "-c", "import riskcore"]), cwd=ROOT, capture_output=True)
    assert probe.returncode == 0, f"the unprivileged user cannot run {sys.executable}: {probe.stderr[-300:]}"
    path = read_only_copy(demo_file, shared_dir)
    done = subprocess.run(
        as_unprivileged([sys.executable, "-m", "riskcore", "kpi", "--db", str(path)]),
        cwd=ROOT, env={**env(), "HOME": str(shared_dir)}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert one_line(done) == message("storage.read_only", path)


def file_size_limit(limit: int) -> Callable[[], None]:
    """In the child: writes past `limit` bytes of any file fail with EFBIG, as on a full disk."""

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # else the kernel kills the writer
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_an_import_on_a_full_disk_says_so_and_keeps_the_previous_data(demo_file, big_csv, tmp_path):
    db = copy_of(demo_file, tmp_path, "user")
    before = totals(db)
    # 512 KiB more than the workspace: the 300 000 invoices need about 5 MiB more
    done = riskcore("import", str(big_csv), "--db", str(db), preexec_fn=file_size_limit(size(db) + 512 * 1024))
    assert one_line(done) == message("storage.disk_full", db)
    assert totals(db) == before


# --- the same faults in the app --------------------------------------------------------------------


@pytest.fixture
def app_on(monkeypatch) -> Iterator[Callable[[Path], AppTest]]:
    """Run the app once on a workspace file, Streamlit's caches cleared around it."""

    def run(path: Path) -> AppTest:
        monkeypatch.setenv("ENCOURS_DB", str(path))
        monkeypatch.setenv("ENCOURS_LANG", "en")
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_file(str(APP), default_timeout=90)
        at.run(timeout=90)
        return at

    yield run
    st.cache_data.clear()
    st.cache_resource.clear()


def test_the_app_shows_one_line_for_random_bytes(app_on, tmp_path):
    path = tmp_path / "workspace.duckdb"
    path.write_bytes(random.Random(14).randbytes(1024 * 1024))
    at = app_on(path)
    assert [e.value for e in at.exception] == []
    assert [e.value for e in at.error] == [message("storage.corrupt", path)]


def test_the_app_shows_one_line_for_a_truncated_workspace(app_on, demo_file, tmp_path):
    path = copy_of(demo_file, tmp_path)
    os.truncate(path, size(path) // 2)
    at = app_on(path)
    assert [e.value for e in at.exception] == []
    assert [e.value for e in at.error] == [message("storage.corrupt", path)]


# The app in a process of its own (another user, a file-size limit): AppTest, run by a script that
# prints the page's error and exception elements. With `import`, the script then imports argv[2]
# from the Data page as a reader does (the first run shows the overview).
APP_SCRIPT = """
import json, sys
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

init = PagesManager.__init__
def app_first(self, *args, **kwargs):  # as tests/app/conftest.py: app.py runs first on every run
    PagesManager.uses_pages_directory = False
    init(self, *args, **kwargs)
PagesManager.__init__ = app_first

at = AppTest.from_file(sys.argv[1], default_timeout=90)
at.run()
if len(sys.argv) > 2:
    at.switch_page("pages/data.py").run()
    with open(sys.argv[2], "rb") as f:
        at.file_uploader(key="data.upload").set_value([("invoices.csv", f.read(), "text/csv")])
    at.run()
    at.button(key="data.import").click().run()
print(json.dumps({"errors": [str(e.value) for e in at.error], "exceptions": [str(e.value) for e in at.exception]}))
"""


def app_process(cmd_prefix: list[str], db: Path, home: Path, *args: str, **kwargs) -> dict:
    done = subprocess.run(
        [*cmd_prefix, sys.executable, "-c", APP_SCRIPT, str(APP), *args], cwd=ROOT,
        env={**env(), "ENCOURS_DB": str(db), "HOME": str(home)}, capture_output=True, text=True, timeout=300,
        **kwargs,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_app_shows_one_line_for_a_read_only_workspace(demo_file, shared_dir):
    home = shared_dir / "home"  # Streamlit keeps a few files in ~/.streamlit
    home.mkdir()
    if os.geteuid() == 0:
        os.chown(home, 65534, 65534)
    path = read_only_copy(demo_file, shared_dir)
    seen = app_process(as_unprivileged([]), path, home)
    assert seen == {"errors": [message("storage.read_only", path)], "exceptions": []}


def test_an_import_in_the_app_on_a_full_disk_shows_one_line(demo_file, tmp_path):
    db = copy_of(demo_file, tmp_path, "user")
    before = totals(db)
    # 60 000 invoices: a 2.5 MB upload (under the limit) whose rows need about 1 MiB more in the workspace
    csv = invoices_csv(tmp_path / "invoices.csv", 60_000)
    limit = file_size_limit(size(db) + 512 * 1024)
    seen = app_process([], db, tmp_path, str(csv), preexec_fn=limit)
    assert seen == {"errors": [message("storage.disk_full", db)], "exceptions": []}
    assert totals(db) == before
