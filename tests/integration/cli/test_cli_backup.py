"""`encours backup` and `restore` on the demo workspace (issue 14 §7): same rows, and back again.

The CLI runs as `python -m riskcore` in a subprocess; the test reads the files back with a
read-only DuckDB connection once the command has released them.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest
from cli_support import encours

from riskcore import demo
from riskcore.storage.store import Store

ROOT = Path(__file__).resolve().parents[3]
DELETED = 25  # invoices deleted between the backup and the restore
PASSWORD = "correct horse battery"  # 21 characters, over auth.min_password_length (12)


def sql(path: Path, query: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(query).fetchall()
    finally:
        con.close()


def every_table(path: Path) -> dict[str, list[tuple]]:
    """Every table of the file (duckdb_tables()) and its rows in one order."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY table_name").fetchall()]
        return {name: con.execute(f'SELECT * FROM "{name}" ORDER BY ALL').fetchall() for name in names}
    finally:
        con.close()


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    """The demo workspace (seed 42, 60 clients, 2 years), closed; each test works on a copy."""
    path = tmp_path_factory.mktemp("backup") / "demo.duckdb"
    store = Store(path)
    demo.load_demo(store, seed=42, clients=60, years=2)
    store.close()
    return path


@pytest.fixture
def workspace(pristine, tmp_path) -> Path:
    path = tmp_path / "workspace.duckdb"
    shutil.copyfile(pristine, path)
    return path


@pytest.fixture
def backups(configured, tmp_path) -> Path:
    """The folder config storage.backups_dir points at for the test (not the project's data/)."""
    folder = tmp_path / "backups"
    configured(storage={"backups_dir": str(folder)})
    return folder


def delete_invoices(path: Path, n: int) -> None:
    store = Store(path)
    with store.transaction() as cur:
        cur.execute(
            f"DELETE FROM invoices WHERE invoice_id IN (SELECT invoice_id FROM invoices ORDER BY ALL LIMIT {n})"
        )
    store.close()


def test_a_backup_holds_every_table_with_the_same_rows(workspace, tmp_path):
    before = every_table(workspace)
    out = tmp_path / "copies" / "backup.duckdb"  # a folder that does not exist yet
    done = encours("backup", "--db", workspace, "--out", out)
    assert done.returncode == 0, done.stderr
    size = out.stat().st_size
    assert done.stdout == f"backup written: {out} ({size:,} bytes)\n"  # en_GB groups thousands with commas
    copy = every_table(out)
    assert {"clients", "invoices", "payments", "users", "audit_log", "meta"} <= set(copy)
    assert len(copy["clients"]) == 60 and copy["invoices"]
    for name in before:
        assert copy[name] == before[name], name
    assert set(copy) == set(before)
    assert [p.name for p in out.parent.iterdir()] == ["backup.duckdb"]  # no .partial left beside it
    # the backup itself is audited in the workspace, after the copy (so not in it)
    [(source, after)] = sql(workspace, "SELECT source, after_json FROM audit_log WHERE action = 'backup'")
    assert (source, json.loads(after)) == ("cli", {"file": str(out)})


def test_a_backup_never_overwrites_its_own_workspace(workspace):
    done = encours("backup", "--db", workspace, "--out", workspace)
    assert done.returncode == 2
    assert done.stderr == (
        f"the backup cannot be written over the workspace itself ({workspace}): choose another --out file\n"
    )


def test_a_restore_brings_back_the_invoices_and_keeps_the_audit_rows_written_since(workspace, tmp_path, backups):
    [(invoices, total)] = sql(workspace, "SELECT count(*), sum(amount) FROM invoices")
    copy = tmp_path / "backup.duckdb"
    assert encours("backup", "--db", workspace, "--out", copy).returncode == 0
    delete_invoices(workspace, DELETED)
    assert sql(workspace, "SELECT count(*) FROM invoices") == [(invoices - DELETED,)]
    added = encours("users", "add", "dora", "--role", "viewer", "--db", workspace, "--password-stdin",
                    stdin=PASSWORD + "\n")  # fmt: skip
    assert added.returncode == 0, added.stderr  # an account and an audit row the backup does not hold

    done = encours("restore", "--db", workspace, "--from", copy, "--confirm", "Encours")
    assert done.returncode == 0, done.stderr
    restored, saved_line = done.stdout.splitlines()
    assert restored.startswith(f"restored from {copy}: 60 clients, {invoices} invoices")
    assert sql(workspace, "SELECT count(*), sum(amount) FROM invoices") == [(invoices, total)]
    # the automatic backup: the workspace as it was, 25 invoices short
    saved = Path(saved_line.removeprefix("the workspace as it was is saved in "))
    assert [p for p in backups.iterdir()] == [saved]
    assert sql(saved, "SELECT count(*) FROM invoices") == [(invoices - DELETED,)]
    # accounts and the audit log stay as they are: the account and rows written since the backup remain
    assert sql(workspace, "SELECT name FROM users") == [("dora",)]
    actions = [a for (a,) in sql(workspace, "SELECT action FROM audit_log ORDER BY audit_id")]
    assert actions == ["demo_load", "backup", "user_add", "workspace_restore"]
    [(source, after)] = sql(workspace, "SELECT source, after_json FROM audit_log WHERE action = 'workspace_restore'")
    assert (source, json.loads(after)) == ("cli", {"from": str(copy), "backup": str(saved)})


@pytest.mark.parametrize("confirm", [["--confirm", "encours"], []], ids=["wrong", "missing"])
def test_a_restore_without_the_workspace_name_changes_nothing(workspace, tmp_path, backups, confirm):
    copy = tmp_path / "backup.duckdb"
    assert encours("backup", "--db", workspace, "--out", copy).returncode == 0
    delete_invoices(workspace, DELETED)
    before = every_table(workspace)
    done = encours("restore", "--db", workspace, "--from", copy, *confirm)
    assert done.returncode == 2
    assert done.stderr == "Type the workspace name “Encours” exactly to confirm.\n"
    assert every_table(workspace) == before  # the audit log too: nothing done, nothing audited
    assert not backups.exists()


def test_a_restore_from_a_file_that_is_not_a_workspace_is_refused(workspace, tmp_path, backups):
    notes = tmp_path / "notes.txt"
    notes.write_text("not a workspace\n", encoding="utf-8")
    [(invoices,)] = sql(workspace, "SELECT count(*) FROM invoices")
    done = encours("restore", "--db", workspace, "--from", notes, "--confirm", "Encours")
    assert done.returncode == 2
    assert done.stderr == f"{notes} is not an Encours backup (a DuckDB workspace file).\n"
    assert sql(workspace, "SELECT count(*) FROM invoices") == [(invoices,)]
    assert sql(workspace, "SELECT count(*) FROM audit_log WHERE action = 'workspace_restore'") == [(0,)]
