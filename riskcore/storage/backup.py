"""A consistent copy of a workspace while other processes use it, and bringing one back.

A backup holds the file (no other process can write meanwhile), checkpoints it so the database
file alone holds every committed row, and copies it: the copy is a workspace itself, its tables
identical. A restore brings back the tables of a backup in one transaction of the live workspace,
except the ones named in `keep` (accounts and the audit log stay as they are now).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import duckdb

from riskcore.errors import StorageError
from riskcore.storage import connection, schema
from riskcore.storage.store import Store, set_meta

RESTORED = (*schema.ALL_TABLES,)


def backup(store: Store, out: Path) -> Path:
    """Copy the workspace to `out` (written beside, then renamed: a reader never sees half a file)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with store.hold(), store._lock:
        cur = store.cursor()
        cur.execute("CHECKPOINT")
        cur.close()
        partial = out.with_name(out.name + ".partial")
        try:
            shutil.copyfile(store.path, partial)
            os.replace(partial, out)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise connection.classify(exc, out) or exc from None
    return out


def _prepared_copy(source: Path) -> Path:
    """A migrated private copy of the backup `source` (refused when it is not a workspace)."""
    if not source.is_file():
        raise StorageError("storage.no_backup", path=str(source))
    fd, name = tempfile.mkstemp(suffix=".duckdb", prefix="encours-restore-")
    os.close(fd)
    copy = Path(name)
    shutil.copyfile(source, copy)
    try:
        con = duckdb.connect(str(copy))
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        con.close()
        if "meta" not in tables or "invoices" not in tables:
            raise StorageError("storage.not_a_backup", path=str(source))
        Store(copy).close()  # brings an older backup to the current schema
    except duckdb.Error:
        copy.unlink(missing_ok=True)
        raise StorageError("storage.not_a_backup", path=str(source)) from None
    except BaseException:
        copy.unlink(missing_ok=True)
        raise
    return copy


def check(source: Path) -> None:
    """StorageError unless `source` is a workspace file a restore can read (checked before anything is done)."""
    copy = _prepared_copy(Path(source))
    copy.unlink(missing_ok=True)
    Path(str(copy) + ".wal").unlink(missing_ok=True)


def restore_into(store: Store, source: Path, write_extra=None) -> dict[str, int]:
    """Replace every table of RESTORED with the backup's rows, in one transaction; rows per table.

    `write_extra(cur)` runs in the same transaction (the caller's audit row).
    """
    copy = _prepared_copy(Path(source))
    counts: dict[str, int] = {}
    try:
        with store.hold():
            con = store.cursor()
            con.execute("ATTACH $path AS restored (READ_ONLY)", {"path": str(copy)})
            try:
                with store.transaction() as cur:
                    for table in RESTORED:
                        cur.execute(f"DELETE FROM main.{table.name}")
                        cur.execute(f"INSERT INTO main.{table.name} BY NAME SELECT * FROM restored.{table.name}")
                        counts[table.name] = cur.execute(f"SELECT count(*) FROM main.{table.name}").fetchall()[0][0]
                    dataset = cur.execute("SELECT value FROM restored.meta WHERE key = 'dataset'").fetchall()
                    set_meta(cur, "dataset", dataset[0][0] if dataset else "restored")
                    for sequence, table, column in (
                        ("decision_seq", schema.LIMIT_DECISIONS, "decision_id"),
                        ("import_seq", schema.IMPORTS, "import_id"),
                    ):  # the next number stays above every restored one
                        cur.execute(
                            f"SELECT max(nextval('{sequence}')) FROM range("
                            f"(SELECT coalesce(max({column}), 0) FROM main.{table.name}))"
                        )
                    if write_extra is not None:
                        write_extra(cur)
            finally:
                con.execute("DETACH restored")
                con.close()
    finally:
        copy.unlink(missing_ok=True)
        Path(str(copy) + ".wal").unlink(missing_ok=True)
    return counts
