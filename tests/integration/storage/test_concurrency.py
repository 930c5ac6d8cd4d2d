"""Two processes on one workspace: a writer waits for the other to let go, then says it is busy.

The other process is real: a small Python script that opens the file with duckdb.connect (which
takes DuckDB's lock on it) and sleeps, or tries once to open it and says whether it could.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from riskcore.access import audit
from riskcore.access.auth import CLI_USER
from riskcore.errors import StorageError
from riskcore.storage.store import Store

ROOT = Path(__file__).resolve().parents[3]

# Holds the workspace for argv[2] seconds, saying so once it has it.
HOLDER = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
con.close()
"""
# Tries once to open the workspace: "opened" (and it read it) or "locked" (DuckDB's lock conflict).
OPENER = """
import sys, duckdb
try:
    con = duckdb.connect(sys.argv[1])
except duckdb.IOException as exc:
    print("locked" if "lock" in str(exc).lower() else f"error: {exc}")
else:
    con.execute("SELECT count(*) FROM audit_log").fetchall()
    con.close()
    print("opened")
"""


@pytest.fixture
def workspace(tmp_path) -> Path:
    """A fresh workspace file, created and let go."""
    path = tmp_path / "workspace.duckdb"
    Store(path).close()
    return path


@pytest.fixture
def hold(workspace) -> Iterator:
    """Start a process holding the workspace for `seconds`; it is killed at the end if still running."""
    started: list[subprocess.Popen] = []

    def start(seconds: float) -> subprocess.Popen:
        proc = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(workspace), str(seconds)], stdout=subprocess.PIPE, text=True
        )
        started.append(proc)
        assert proc.stdout.readline().strip() == "holding"
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)


def other_process_opens(path: Path) -> str:
    done = subprocess.run([sys.executable, "-c", OPENER, str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def probe_rows(store: Store) -> int:
    with store.hold():
        return store.cursor().execute("SELECT count(*) FROM audit_log WHERE action = 'probe'").fetchall()[0][0]


def write_probe(store: Store) -> None:
    """One small write: an audit row, no ledger change."""
    with store.transaction(ledger=False) as cur:
        audit.write(cur, CLI_USER, "probe", entity="test")


def test_a_write_waits_for_the_other_process_then_succeeds(workspace, hold):
    store = Store(workspace, scoped=True)  # let go after opening: the holder can take the file
    holder = hold(3)
    before = store.waited
    write_probe(store)
    # The holder sleeps 3 s after taking the file and the write starts right after: it waited about
    # 3 s. 0.8 x 3 = 2.4 s is only a floor showing it did wait (no upper bound: a loaded machine).
    assert store.waited - before > 2.4
    assert holder.wait(timeout=30) == 0  # the holder ran to its end: the write did not break its lock
    assert probe_rows(store) == 1
    store.close()


def test_a_write_past_the_busy_timeout_says_busy_and_writes_nothing(workspace, hold, configured):
    configured(storage={"busy_timeout_seconds": 1})  # 1 s, below the holder's 20 s
    store = Store(workspace, scoped=True)
    holder = hold(20)
    with pytest.raises(StorageError) as caught:
        write_probe(store)
    assert caught.value.key == "storage.busy"
    assert "is busy" in caught.value.message("en") and str(workspace) in caught.value.message("en")
    holder.kill()
    holder.wait(timeout=30)
    assert probe_rows(store) == 0  # the refused write left nothing
    store.close()


def test_the_cli_says_busy_in_one_line_when_the_file_stays_held(workspace, hold, configured):
    configured(storage={"busy_timeout_seconds": 1})  # ENCOURS_CONFIG is set for the subprocess too
    hold(20)
    env = {**os.environ, "ENCOURS_LANG": "en"}
    env.pop("ENCOURS_DEBUG", None)
    done = subprocess.run(
        [sys.executable, "-m", "riskcore", "kpi", "--db", str(workspace)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        f"The workspace {workspace} is busy (another program is writing to it); try again in a moment."
    ]


def test_a_scoped_store_lets_another_process_open_the_file_between_units_of_work(workspace):
    store = Store(workspace, scoped=True)
    assert other_process_opens(workspace) == "opened"  # open, but no unit of work holds it
    with store.hold():
        assert other_process_opens(workspace) == "locked"  # held for this unit of work
    write_probe(store)
    assert other_process_opens(workspace) == "opened"  # a transaction is a unit of work: let go after it
    store.close()


def test_an_unscoped_store_holds_the_file_until_closed(workspace):
    store = Store(workspace)  # the CLI's: held for the whole command
    write_probe(store)
    assert other_process_opens(workspace) == "locked"
    store.close()
    assert other_process_opens(workspace) == "opened"
