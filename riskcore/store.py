"""The workspace DuckDB: schema and migrations, one connection per process, one write lock.

Reads take their own cursor (`store.cursor()`); every write goes through
`store.transaction()`, which holds the write lock, runs in one DuckDB transaction (all
rows or none) and bumps the data version that Streamlit caches key on.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

from riskcore import schema

Cursor = duckdb.DuckDBPyConnection
SQL_DIR = Path(__file__).parent / "sql"
SCHEMA_VERSION = 1


def _create_table(table: schema.Table) -> str:
    cols = ",\n  ".join(f"{c.name} {c.sql_type}{' NOT NULL' if c.required else ''}" for c in table.columns)
    return f"CREATE TABLE IF NOT EXISTS {table.name} (\n  {cols},\n  PRIMARY KEY ({', '.join(table.key)})\n)"


# Versioned migrations: append, never edit one that has shipped.
MIGRATIONS: dict[int, list[str]] = {
    1: [
        *(_create_table(t) for t in schema.ALL_TABLES),
        "CREATE SEQUENCE IF NOT EXISTS import_seq START 1",
        "CREATE SEQUENCE IF NOT EXISTS decision_seq START 1",
    ],
}


class Store:
    """One workspace database file, opened once per process."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._con = duckdb.connect(str(self.path))
        self._lock = threading.RLock()
        self._migrate()

    # --- connection ------------------------------------------------------------------------
    def cursor(self) -> Cursor:
        """A cursor of its own for one request or thread (DuckDB: one cursor per thread)."""
        return self._con.cursor()

    def close(self) -> None:
        with self._lock:
            self._con.close()
        _STORES.pop(str(self.path.resolve()), None)

    @contextmanager
    def transaction(self) -> Iterator[Cursor]:
        """One write: under the lock, in one transaction, bumping the data version on commit."""
        with self._lock:
            cur = self._con.cursor()
            cur.execute("BEGIN TRANSACTION")
            try:
                yield cur
                cur.execute(
                    "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) WHERE key = 'data_version'"
                )
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            finally:
                cur.close()

    # --- meta ------------------------------------------------------------------------------
    def meta(self, key: str, default: str | None = None) -> str | None:
        rows = self.cursor().execute("SELECT value FROM meta WHERE key = $key", {"key": key}).fetchall()
        return rows[0][0] if rows else default

    def data_version(self) -> int:
        return int(self.meta("data_version", "0") or 0)

    def is_demo(self) -> bool:
        return self.meta("dataset") == "demo"

    def is_empty(self) -> bool:
        rows = (
            self.cursor().execute("SELECT (SELECT count(*) FROM invoices) + (SELECT count(*) FROM clients)").fetchall()
        )
        return rows[0][0] == 0

    # --- schema ----------------------------------------------------------------------------
    def _migrate(self) -> None:
        with self._lock:
            cur = self._con.cursor()
            cur.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
            rows = cur.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
            current = int(rows[0][0]) if rows else 0
            for version in sorted(v for v in MIGRATIONS if v > current):
                cur.execute("BEGIN TRANSACTION")
                for statement in MIGRATIONS[version]:
                    cur.execute(statement)
                set_meta(cur, "schema_version", str(version))
                cur.execute("COMMIT")
            cur.execute("INSERT OR IGNORE INTO meta VALUES ('data_version', '0')")
            for path in sorted((SQL_DIR / "macros").glob("*.sql")):
                cur.execute(path.read_text(encoding="utf-8"))
            cur.close()


_STORES: dict[str, Store] = {}
_STORES_LOCK = threading.Lock()


def open_store(path: str | Path | None = None) -> Store:
    """The process-wide Store of `path` (default: config storage.path or ENCOURS_DB)."""
    if path is None:
        from riskcore import config

        path = config.get().db_path
    key = str(Path(path).resolve())
    with _STORES_LOCK:
        if key not in _STORES:
            _STORES[key] = Store(path)
        return _STORES[key]


def set_meta(cur: Cursor, key: str, value: str) -> None:
    cur.execute("INSERT OR REPLACE INTO meta VALUES ($key, $value)", {"key": key, "value": value})


@cache
def sql(name: str) -> str:
    """The text of riskcore/sql/<name>.sql."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def query(con: Cursor, name: str, **params: object) -> pd.DataFrame:
    """Run riskcore/sql/<name>.sql with its $parameters bound; the result as a frame."""
    return con.execute(sql(name), params).df()


def write_frame(cur: Cursor, table: schema.Table, frame: pd.DataFrame, *, replace: bool = True) -> int:
    """Insert `frame` (canonical columns) into `table`; rows whose key exists are replaced.

    Exports are snapshots, so re-importing an invoice id updates it. Columns absent from
    the frame are NULL; values are cast to the table's SQL types by DuckDB.
    """
    if frame.empty:
        return 0
    names = table.column_names
    missing = [c for c in names if c not in frame.columns]
    frame = frame.assign(**{c: None for c in missing})[names]
    cur.register("_incoming", frame)
    try:
        select = ", ".join(f"CAST({c} AS {col.sql_type}) AS {c}" for c, col in zip(names, table.columns, strict=True))
        verb = "INSERT OR REPLACE" if replace else "INSERT"
        cur.execute(f"{verb} INTO {table.name} ({', '.join(names)}) SELECT {select} FROM _incoming")
    finally:
        cur.unregister("_incoming")
    return len(frame)


def write_ledger(cur: Cursor, frames: dict[str, pd.DataFrame], *, replace: bool = True) -> None:
    """Write every ledger table `frames` holds (keyed by table name), clients first, in `cur`'s transaction."""
    for table in schema.LEDGER_TABLES:
        if table.name in frames:
            write_frame(cur, table, frames[table.name], replace=replace)


def clear_ledger(cur: Cursor) -> None:
    """Remove every ledger row, decision and import record (the workspace becomes empty)."""
    for table in (*schema.LEDGER_TABLES, schema.LIMIT_DECISIONS, schema.IMPORTS):
        cur.execute(f"DELETE FROM {table.name}")
    set_meta(cur, "dataset", "empty")


def last_date(con: Cursor) -> object:
    """The last date anywhere in the ledger (the default as-of date), or None when empty."""
    rows = con.execute(
        """SELECT max(d) FROM (
             SELECT max(invoice_date) AS d FROM invoices
             UNION ALL SELECT max(write_off_date) FROM invoices
             UNION ALL SELECT max(payment_date) FROM payments
             UNION ALL SELECT max(action_date) FROM dunning_actions)"""
    ).fetchall()
    return rows[0][0]
