"""The workspace DuckDB: schema and migrations, the file held per unit of work, one write lock.

Reads take their own cursor (`store.cursor()`); every write goes through
`store.transaction()`, which holds the write lock, runs in one DuckDB transaction (all
rows or none), brings the derived table invoice_paid up to date and bumps the data version
that Streamlit caches key on.

Several processes share one workspace (the app and a CLI import, two app servers): DuckDB lets one
process open the file at a time, so a process holds it only while it works. `store.hold()` marks a
unit of work (the app wraps each rerun in one; a transaction is one); a *scoped* store (the app's)
closes the file when the last unit of work of the process ends, so another process can take it. A
process that finds the file held waits (riskcore.storage.connection) and then says it is busy.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import duckdb
import pandas as pd

from riskcore.errors import StorageError
from riskcore.storage import connection, schema
from riskcore.storage.queries import (  # noqa: F401 (re-exported: callers write store.query(...))
    arrays,
    query,
    registered,
    relation,
    rows,
    run,
    statement,
    value,
)

Cursor = duckdb.DuckDBPyConnection
MACROS_DIR = Path(__file__).parent / "macros"
SCHEMA_VERSION = 5
SEQUENCES = ("import_seq", "decision_seq", "audit_seq")


def _create_table(table: schema.Table) -> str:
    cols = ",\n  ".join(f"{c.name} {c.sql_type}{' NOT NULL' if c.required else ''}" for c in table.columns)
    return f"CREATE TABLE IF NOT EXISTS {table.name} (\n  {cols},\n  PRIMARY KEY ({', '.join(table.key)})\n)"


# Versioned migrations: append, never edit one that has shipped.
MIGRATIONS: dict[int, list[str]] = {
    1: [
        *(_create_table(t) for t in schema.ALL_TABLES),
        *(f"CREATE SEQUENCE IF NOT EXISTS {name} START 1" for name in SEQUENCES),
    ],
    # invoice_paid (below): derived data, filled by refresh_invoice_paid on open and on every write
    2: [
        """CREATE TABLE IF NOT EXISTS invoice_paid (
  invoice_id VARCHAR, client_id VARCHAR, invoice_date DATE, due_date DATE, due_date_assumed BOOLEAN,
  amount DECIMAL(18,2), disputed BOOLEAN, dispute_reason VARCHAR, write_off_date DATE, opening BOOLEAN,
  paid DECIMAL(38,2), last_payment DATE
)""",
    ],
    # collections (issue 13): who chases a client and in which language, the type and note of an
    # action, and the records of promises, disputes and credit holds
    3: [
        "ALTER TABLE clients ADD COLUMN IF NOT EXISTS collector VARCHAR",
        "ALTER TABLE clients ADD COLUMN IF NOT EXISTS language VARCHAR",
        "ALTER TABLE dunning_actions ADD COLUMN IF NOT EXISTS action VARCHAR",
        "ALTER TABLE dunning_actions ADD COLUMN IF NOT EXISTS note VARCHAR",
        "ALTER TABLE dunning_actions ADD COLUMN IF NOT EXISTS recorded_at TIMESTAMP",
        *(_create_table(t) for t in schema.COLLECTION_TABLES),
    ],
    # the address dunning e-mails are sent to (issue 13: sending by SMTP when configured)
    4: ["ALTER TABLE clients ADD COLUMN IF NOT EXISTS email VARCHAR"],
    # access (issue 14): local accounts and the append-only audit log
    5: [*(_create_table(t) for t in schema.ACCESS_TABLES), "CREATE SEQUENCE IF NOT EXISTS audit_seq START 1"],
}

# invoice_paid: each invoice row (the columns the invoice_facts macro reads, typed as in
# schema.INVOICES) with the total of the payments allocated to it (DECIMAL(38,2), the type DuckDB's
# sum gives) and the date of the last one. A KPI at a date takes an invoice's payments from there
# unless one is dated after that date, instead of joining ~1M invoices to an aggregation of ~1M
# payments on every call. The table is a function of invoices and payments alone: the fingerprint
# of what it was built from (row counts and sums of row hashes, which no row order changes) is kept
# in meta, and every transaction rebuilds it before committing if the fingerprint moved. Checked
# there rather than in each write function, it also follows writes in plain SQL (ingest deletes the
# payments a restated export replaces) and, checked at open, a workspace an older version wrote.
_LEDGER_FINGERPRINT = """
SELECT format('{}:{}/{}:{}', i.n, i.h, p.n, p.h)
FROM (SELECT count(*) AS n,
             coalesce(sum(hash(invoice_id, client_id, invoice_date, due_date, due_date_assumed, amount, disputed,
                               dispute_reason, write_off_date, opening)), 0) AS h
      FROM invoices) AS i,
     (SELECT count(*) AS n, coalesce(sum(hash(invoice_id, payment_date, amount)), 0) AS h
      FROM payments
      WHERE invoice_id IS NOT NULL) AS p
"""
_FILL_INVOICE_PAID = """
INSERT INTO invoice_paid
SELECT i.invoice_id, i.client_id, i.invoice_date, i.due_date, i.due_date_assumed, i.amount, i.disputed,
       i.dispute_reason, i.write_off_date, i.opening, p.paid, p.last_payment
FROM invoices AS i
LEFT JOIN (SELECT invoice_id, sum(amount) AS paid, max(payment_date) AS last_payment
           FROM payments
           WHERE invoice_id IS NOT NULL
           GROUP BY invoice_id) AS p USING (invoice_id)
"""


class Store:
    """One workspace database file, opened by this process while a unit of work holds it."""

    def __init__(self, path: str | Path, *, create: bool = True, scoped: bool = False) -> None:
        self.path = Path(path)
        if not create and not self.path.exists():
            raise StorageError("storage.missing", path=str(self.path))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.scoped = scoped  # True: release the file whenever no unit of work holds it (the app)
        self.waited = 0.0  # seconds this process spent waiting for another one to release the file
        self._con: duckdb.DuckDBPyConnection | None = None
        self._holds = 0
        self._state = threading.Lock()  # guards _con and _holds
        self._lock = threading.RLock()  # one writer at a time within the process
        self._migrated = False
        with self.hold():  # open once now: migrations, and a bad file is reported at once
            pass

    # --- connection ------------------------------------------------------------------------
    def _open(self) -> duckdb.DuckDBPyConnection:
        from riskcore import config

        con, waited = connection.connect(self.path, config.get().storage.busy_timeout_seconds)
        self.waited += waited
        if not self._migrated:
            try:
                self._migrate(con)
            except BaseException as exc:
                con.close()
                error = connection.classify(exc, self.path)  # a truncated file fails on its first read
                if error is not None:
                    raise error from None
                raise
            self._migrated = True
        return con

    @contextmanager
    def hold(self) -> Iterator[Store]:
        """Keep the file open for the block (a unit of work); a scoped store lets it go after the last one."""
        with self._state:
            if self._con is None:
                self._con = self._open()
            self._holds += 1
        try:
            yield self
        finally:
            with self._state:
                self._holds -= 1
                if self._holds == 0 and self.scoped:
                    self._release()

    def _release(self) -> None:
        con, self._con = self._con, None
        if con is not None:
            con.close()  # closes its cursors too, and lets another process open the file

    def cursor(self) -> Cursor:
        """A cursor of its own for one request or thread (DuckDB: one cursor per thread).

        Valid while the unit of work it was taken in lasts (for a scoped store, the app's rerun).
        """
        with self._state:
            if self._con is None:
                self._con = self._open()
            return self._con.cursor()

    def close(self) -> None:
        with self._lock, self._state:
            self._release()
        _STORES.pop(str(self.path.resolve()), None)

    @contextmanager
    def transaction(self, *, ledger: bool = True) -> Iterator[Cursor]:
        """One write: under the lock, in one transaction, bumping the data version on commit.

        `ledger=False` for writes no figure depends on (accounts, sign-in events): the data version
        and invoice_paid are left alone, so the caches of every session stay warm.
        """
        with self.hold(), self._lock:
            cur = self._con.cursor()  # type: ignore[union-attr]
            cur.execute("BEGIN TRANSACTION")
            try:
                yield cur
                if ledger:
                    refresh_invoice_paid(cur)
                    cur.execute(
                        "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) WHERE key = 'data_version'"
                    )
                cur.execute("COMMIT")
            except BaseException as exc:
                self._abort(cur)
                error = connection.classify(exc, self.path) if isinstance(exc, duckdb.Error) else None
                if error is not None:
                    raise error from None
                raise
            finally:
                cur.close()

    def _abort(self, cur: Cursor) -> None:
        try:
            cur.execute("ROLLBACK")
        except duckdb.Error:  # a fatal error (a full disk) invalidated the database: reopen next time
            with self._state:
                self._release()

    # --- meta ------------------------------------------------------------------------------
    def meta(self, key: str, default: str | None = None) -> str | None:
        found = self.cursor().execute("SELECT value FROM meta WHERE key = $key", {"key": key}).fetchall()
        return found[0][0] if found else default

    def data_version(self) -> int:
        return int(self.meta("data_version", "0") or 0)

    def is_demo(self) -> bool:
        return self.meta("dataset") == "demo"

    def is_empty(self) -> bool:
        found = (
            self.cursor().execute("SELECT (SELECT count(*) FROM invoices) + (SELECT count(*) FROM clients)").fetchall()
        )
        return found[0][0] == 0

    # --- schema ----------------------------------------------------------------------------
    def _migrate(self, con: duckdb.DuckDBPyConnection) -> None:
        """Bring the file to SCHEMA_VERSION, invoice_paid up to date and the macros in (once per process)."""
        cur = con.cursor()
        cur.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
        found = cur.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
        current = int(found[0][0]) if found else 0
        for version in sorted(v for v in MIGRATIONS if v > current):
            cur.execute("BEGIN TRANSACTION")
            for sql in MIGRATIONS[version]:
                cur.execute(sql)
            set_meta(cur, "schema_version", str(version))
            cur.execute("COMMIT")
        cur.execute("INSERT OR IGNORE INTO meta VALUES ('data_version', '0')")
        cur.execute("BEGIN TRANSACTION")
        refresh_invoice_paid(cur)
        cur.execute("COMMIT")
        for path in sorted(MACROS_DIR.glob("*.sql")):
            cur.execute(path.read_text(encoding="utf-8"))
        cur.close()


_STORES: dict[str, Store] = {}
_STORES_LOCK = threading.Lock()


def open_store(path: str | Path | None = None, *, create: bool = True, scoped: bool = False) -> Store:
    """The process-wide Store of `path` (default: config storage.path or ENCOURS_DB).

    `create=False`: a missing file is StorageError storage.missing rather than a new workspace.
    `scoped=True`: the file is released between units of work (the app, sharing it with the CLI).
    """
    if path is None:
        from riskcore import config

        path = config.get().db_path
    key = str(Path(path).resolve())
    with _STORES_LOCK:
        if key not in _STORES:
            _STORES[key] = Store(path, create=create, scoped=scoped)
        elif scoped:
            _STORES[key].scoped = True  # the app's: whoever opened it first, it now lets the file go
        return _STORES[key]


def set_meta(cur: Cursor, key: str, text: str) -> None:
    cur.execute("INSERT OR REPLACE INTO meta VALUES ($key, $value)", {"key": key, "value": text})


def refresh_invoice_paid(cur: Cursor) -> None:
    """Rebuild invoice_paid in `cur`'s transaction if invoices or payments changed since it was built."""
    fingerprint = cur.execute(_LEDGER_FINGERPRINT).fetchall()[0][0]
    built_from = cur.execute("SELECT value FROM meta WHERE key = 'invoice_paid_of'").fetchall()
    if built_from and built_from[0][0] == fingerprint:
        return
    cur.execute("DELETE FROM invoice_paid")
    cur.execute(_FILL_INVOICE_PAID)
    set_meta(cur, "invoice_paid_of", fingerprint)


def row_count(con: Cursor, table: schema.Table) -> int:
    """How many rows `table` holds."""
    return con.execute(f"SELECT count(*) FROM {table.name}").fetchall()[0][0]


def next_value(cur: Cursor, sequence: str) -> int:
    """The next number of a sequence of the schema (`decision_seq`, `import_seq`)."""
    if sequence not in SEQUENCES:
        raise ValueError(f"unknown sequence {sequence}")
    return cur.execute(f"SELECT nextval('{sequence}')").fetchall()[0][0]


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
        _unregister(cur, "_incoming")
    return len(frame)


def _unregister(cur: Cursor, name: str) -> None:
    """Drop a registered frame; after a failed write (an aborted transaction) that fails too and must
    not hide the error that aborted it (a full disk)."""
    with suppress(duckdb.Error):
        cur.unregister(name)


def write_ledger(cur: Cursor, frames: dict[str, pd.DataFrame], *, replace: bool = True) -> None:
    """Write every ledger table `frames` holds (keyed by table name), clients first, in `cur`'s transaction."""
    for table in schema.LEDGER_TABLES:
        if table.name in frames:
            write_frame(cur, table, frames[table.name], replace=replace)


def clear_ledger(cur: Cursor) -> None:
    """Remove every ledger row, decision, import and collections record (the workspace becomes empty).

    Users and the audit log stay: a destructive action is itself audited, and the history it
    removes is in the backup taken before it (riskcore.access.workspace)."""
    for table in (*schema.LEDGER_TABLES, schema.LIMIT_DECISIONS, schema.IMPORTS, *schema.COLLECTION_TABLES):
        cur.execute(f"DELETE FROM {table.name}")
    set_meta(cur, "dataset", "empty")


def last_date(con: Cursor) -> object:
    """The last date anywhere in the ledger (the default as-of date), or None when empty."""
    found = con.execute(
        """SELECT max(d) FROM (
             SELECT max(invoice_date) AS d FROM invoices
             UNION ALL SELECT max(write_off_date) FROM invoices
             UNION ALL SELECT max(payment_date) FROM payments
             UNION ALL SELECT max(action_date) FROM dunning_actions)"""
    ).fetchall()
    return found[0][0]
