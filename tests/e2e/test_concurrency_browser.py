"""The app and other writers at once (issue 14, acceptance 3), in a real browser.

A real `streamlit run` serves a workspace holding a ledger of the user's own (the demo's rows, seed
42, 60 clients, 2 years, marked as the user's so an import adds to it rather than replacing the
demo), in the demo mode of sign-in (no accounts). While chromium reads it, a CLI import runs in
another process and two credit managers edit the same limit from this one, through riskcore.
"""

from __future__ import annotations

import hashlib
import importlib.util
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import (
    BY_PATH,
    E2E_MARKS,
    assert_no_error,
    metric_value,
    open_screen,
    wait_for_page,
)

from riskcore import demo
from riskcore.access import audit
from riskcore.access.auth import CLI_USER, User
from riskcore.credit import limits
from riskcore.errors import DecisionError
from riskcore.storage.store import Store, set_meta

pytestmark = E2E_MARKS

ROOT = Path(__file__).resolve().parents[2]
# The server helpers of this folder's conftest.py, loaded from its file: `from conftest import …`
# finds whichever conftest.py pytest imported last under that name.
_spec = importlib.util.spec_from_file_location("e2e_servers", Path(__file__).with_name("conftest.py"))
servers = sys.modules.setdefault("e2e_servers", importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(servers)

HEADER = "N° facture;Code client;Date facture;Échéance;Montant TTC"
CLIENT = "C0001"  # the demo's first client: a limit of 8 000 € (seed 42)
# Ten sessions on 2 cores: the overview (every KPI of the ledger) alternates with the client file's
# picker, a light page, so that a round of ten takes tens of seconds rather than minutes.
PAGES = [BY_PATH[p] for p in ("overview", "client")]


def invoices_file(path: Path, rows: list[str]) -> Path:
    path.write_bytes(("\r\n".join([HEADER, *rows]) + "\r\n").encode("cp1252"))
    return path


def cli_import(path: Path, db: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "riskcore", "import", str(path), "--db", str(db)],
        cwd=ROOT, env=servers.server_env(db, "en"), capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def imported_or_busy(result: subprocess.CompletedProcess, db: Path, rows: int) -> bool:
    """True when the import loaded its `rows` rows; False when it said, in one line, that the workspace
    stayed busy past storage.busy_timeout_seconds (then it wrote nothing). Anything else fails."""
    if result.returncode == 2 and "busy" in result.stderr:
        assert result.stderr.strip().splitlines() == [
            f"The workspace {db} is busy (another program is writing to it); try again in a moment."
        ]
        print(f"\nthe import found the workspace busy: {result.stderr.strip()}")
        return False
    assert result.returncode == 0, result.stderr
    assert f"rows read {rows}, loaded {rows}, rejected 0" in result.stdout
    return True


def navigate(pages: list, rounds: int) -> None:
    """Every tab navigates at once (a rerun each on the server), alternating the screens of PAGES."""
    for i, page in enumerate(pages):
        page.goto(PAGES[(i + rounds) % len(PAGES)].url, wait_until="commit")


def wait_all(pages: list, rounds: int) -> None:
    for i, page in enumerate(pages):
        wait_for_page(page, PAGES[(i + rounds) % len(PAGES)].fr)
        assert_no_error(page)


def euros(card: str) -> int:
    """`6 640 272 €` (French, no decimals) as 6640272."""
    return int(card.removesuffix("€").replace(" ", ""))


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator[servers.Server]:
    folder = tmp_path_factory.mktemp("e2e-concurrency")
    db = folder / "encours.duckdb"
    store = Store(db)
    demo.load_demo(store, seed=42, clients=60, years=2)
    with store.transaction() as cur:
        set_meta(cur, "dataset", "user")
    store.close()
    try:
        proc, server = servers.start_server(db, folder / "streamlit.log")
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield server
    finally:
        servers.stop(proc)


@pytest.fixture
def tabs(request, browser, app) -> Iterator:
    """`tabs(n)`: n tabs of their own browser context (each its own Streamlit session), closed at the end."""
    opened = []

    def open_tabs(n: int) -> list:
        for _ in range(n):
            opened.append(servers.new_tab(browser, app.url))
        return [tab for _, tab in opened[-n:]]

    yield open_tabs
    for context, tab in opened:
        servers.close_tab(request, context, tab)


def test_a_cli_import_while_the_app_is_up_shows_in_the_app(app, tabs, tmp_path):
    (page,) = tabs(1)
    overview = BY_PATH["overview"]
    open_screen(page, overview, "fr")
    before = euros(metric_value(page, "Encours"))
    # Three new unpaid invoices of the 15/10/2026, before the ledger's last date (30/10/2026, the
    # as-of date), so they are outstanding at it: 1 000 + 2 500 + 500 = 4 000 €.
    csv = invoices_file(
        tmp_path / "factures.csv",
        [f"E1;{CLIENT};15/10/2026;14/11/2026;1000,00", f"E2;{CLIENT};15/10/2026;14/11/2026;2500,00",
         f"E3;{CLIENT};15/10/2026;14/11/2026;500,00"],
    )  # fmt: skip
    done: list[subprocess.CompletedProcess] = []
    importing = threading.Thread(target=lambda: done.append(cli_import(csv, app.db)))
    importing.start()
    page.reload(wait_until="commit")  # a rerun of the page while the import runs: one of them waits
    wait_for_page(page, overview.fr)
    importing.join(timeout=300)
    (result,) = done
    # amounts in whole euros: the card's rounding keeps the same cents
    expected = before + 4000 if imported_or_busy(result, app.db, rows=3) else before
    page.reload(wait_until="commit")
    wait_for_page(page, overview.fr)
    assert euros(metric_value(page, "Encours")) == expected
    assert_no_error(page)


def test_ten_sessions_read_while_an_import_and_two_limit_edits_write(app, tabs, tmp_path):
    pages = tabs(10)
    start = audit.utc_now()
    # 4 invoices G0…G3 of 100,00 € of clients C0010…C0013
    csv = invoices_file(
        tmp_path / "factures2.csv", [f"G{i};C00{10 + i};20/10/2026;19/11/2026;100,00" for i in range(4)]
    )
    store = Store(app.db, scoped=True)  # like the app's: holds the file only for each unit of work
    limit_before = credit_limit(store)
    both_read = threading.Barrier(2)
    results: dict[str, object] = {}

    def edit(user: User, new_limit: float) -> None:
        with store.hold():
            seen = limits.version(store.cursor(), CLIENT)  # the version each edit starts from
        both_read.wait()  # both have read it before either saves
        try:  # a cut never waits for approval: a credit manager's is applied at once
            results[user.name] = limits.propose(store, user, CLIENT, new_limit, "concurrent edit", seen=seen)
        except DecisionError as exc:
            results[user.name] = exc

    writers = [
        threading.Thread(target=lambda: results.__setitem__("import", cli_import(csv, app.db))),
        threading.Thread(target=edit, args=(User("cm1", "credit_manager"), limit_before - 1000)),
        threading.Thread(target=edit, args=(User("cm2", "credit_manager"), limit_before - 2000)),
    ]
    rounds = 0
    navigate(pages, rounds)  # ten reruns under way on the server…
    for writer in writers:  # …when the writers start
        writer.start()
    while True:
        wait_all(pages, rounds)
        if not any(w.is_alive() for w in writers):
            break
        rounds += 1
        navigate(pages, rounds)
    rounds += 1  # once more after the last write: every session reads the new data version
    navigate(pages, rounds)
    wait_all(pages, rounds)
    for writer in writers:
        writer.join()

    imported = imported_or_busy(results["import"], app.db, rows=4)
    refused = {name: r for name, r in results.items() if isinstance(r, DecisionError)}
    applied = {name: r for name, r in results.items() if isinstance(r, limits.Decision)}
    assert len(refused) == 1 and len(applied) == 1, results
    ((loser, error),), ((winner, decision),) = refused.items(), applied.items()
    assert error.key == "limits.conflict"
    assert error.params["user"] == winner and winner in error.message("en")  # names who changed it meanwhile
    assert decision.status == "applied"
    # the winner's cut, 1 000 or 2 000 € off the limit read before
    assert credit_limit(store) == decision.new_limit and decision.new_limit in (
        limit_before - 1000,
        limit_before - 2000,
    )
    with store.hold():
        con = store.cursor()
        written = con.execute("SELECT count(*), sum(amount) FROM invoices WHERE invoice_id LIKE 'G%'").fetchall()
        logged = con.execute(
            "SELECT action, user_name, entity_id FROM audit_log WHERE at_utc >= $start", {"start": start}
        ).fetchall()
    store.close()
    assert written == ([(4, 400)] if imported else [(0, None)])  # 4 x 100,00 €, or nothing
    # one audit row per write made, none for the refused edit: the import (by the CLI's system
    # account, of the file's sha256) and the applied limit
    expected = [("limit_apply", winner, CLIENT)]
    if imported:
        expected.append(("import", CLI_USER.name, hashlib.sha256(csv.read_bytes()).hexdigest()))
    assert sorted(logged) == sorted(expected)
    assert loser not in {user for _, user, _ in logged}


def credit_limit(store: Store) -> float:
    with store.hold():
        rows = store.cursor().execute("SELECT credit_limit FROM clients WHERE client_id = $c", {"c": CLIENT}).fetchall()
    return float(rows[0][0])


def tables_of(db: Path, *, skip: tuple[str, ...] = ()) -> dict[str, list[tuple]]:
    """Every table of the workspace file `db` with all its rows, in a stable order (waiting for the file)."""
    store = Store(db, scoped=True)
    try:
        with store.hold():
            con = store.cursor()
            names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
            return {n: con.execute(f"SELECT * FROM {n} ORDER BY ALL").fetchall() for n in names if n not in skip}
    finally:
        store.close()


def test_a_backup_taken_while_the_app_runs_restores_to_identical_tables(app, tabs, tmp_path):
    (page,) = tabs(1)
    open_screen(page, BY_PATH["overview"], "fr")
    copy = tmp_path / "while-running.duckdb"
    done = subprocess.run(
        [sys.executable, "-m", "riskcore", "backup", "--db", str(app.db), "--out", str(copy)],
        cwd=ROOT, env=servers.server_env(app.db, "en"), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    page.reload(wait_until="commit")  # the app reads on while and after the copy is taken
    wait_for_page(page, BY_PATH["overview"].fr)
    saved = tables_of(copy)
    # the workspace has one row more than its copy: the backup's own audit row, written after the copy
    now = tables_of(app.db, skip=("audit_log",))
    assert {n: rows for n, rows in saved.items() if n != "audit_log"} == now
    # break the workspace (delete the client's invoices), then restore the copy while the app runs
    store = Store(app.db, scoped=True)
    with store.transaction() as cur:
        cur.execute("DELETE FROM invoices WHERE client_id = $c", {"c": CLIENT})
    store.close()
    restored = subprocess.run(
        [sys.executable, "-m", "riskcore", "restore", "--db", str(app.db), "--from", str(copy), "--confirm", "Encours"],
        cwd=ROOT, env=servers.server_env(app.db, "en"), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert restored.returncode == 0, restored.stderr
    after = tables_of(app.db, skip=("audit_log", "meta"))
    # every table of the copy is back as it was (the audit log keeps what was written since; meta
    # carries the data version, which the restore bumps so that every session reads it anew)
    assert after == {n: rows for n, rows in saved.items() if n not in ("audit_log", "meta")}
    page.reload(wait_until="commit")
    wait_for_page(page, BY_PATH["overview"].fr)
    assert_no_error(page)
