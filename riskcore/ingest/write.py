"""Writing a checked batch, inside the import's transaction: restated payments out, each table's
rows completed from the stored ones and written, each file recorded in `imports` and told of its
credit notes left unapplied.
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from riskcore import config
from riskcore.access import audit
from riskcore.access.auth import User
from riskcore.ingest.report import Amount
from riskcore.ingest.validate import Batch, Checked, Written
from riskcore.storage import schema, store
from riskcore.storage.imports import stored_columns


def write_batch(cur: store.Cursor, batch: Batch, files: list[Checked], replacing_demo: bool, user: User) -> None:
    """Write every frame of `batch` and record each of `files`, in `cur`'s transaction.

    A batch replacing the demo first empties the workspace; an open-items snapshot or a FEC first
    removes the stored payments it restates, a payments file the excess split off the payments it
    imports again (their excess is worked out anew).
    """
    if replacing_demo:
        store.clear_ledger(cur)  # the user's own files replace the demo
    if batch.open_invoices:
        # A new open-items snapshot restates what was paid: its own payments replace the old ones.
        _delete_payments(cur, "ingest_delete_open_payments", "open:" + pd.concat(batch.open_invoices))
    for clients, first, last in batch.restated:
        _delete_payments(cur, "ingest_delete_restated_payments", clients, first=first, last=last)
    paid = [w.frame["payment_id"] for w in _from_files(batch, schema.PAYMENTS) if w.checked.kind == "payments"]
    if paid and not replacing_demo:
        _delete_payments(cur, "ingest_delete_excess_payments", pd.concat(paid))
    for table in schema.LEDGER_TABLES:
        parts = [
            _complete(cur, table, w.frame, w.provided, use_db=not replacing_demo)
            for w in batch.out
            if w.table is table and not w.frame.empty
        ]
        if parts:
            frame = pd.concat(parts, ignore_index=True).drop_duplicates(list(table.key), keep="last")
            store.write_frame(cur, table, frame)
    _note_unapplied_credit_notes(cur, batch)
    now = dt.datetime.now().replace(microsecond=0)
    for checked in files:
        store.run(
            cur,
            "ingest_record_import",
            sha=checked.sha256,
            name=checked.file_name,
            kind=checked.kind,
            rows=checked.rows_read - checked.issues.rejected_count(),
            rejected=checked.issues.rejected_count(),
            mapping=json.dumps(checked.match.mapping, ensure_ascii=False),
            at=now,
            by=user.name,
        )
        audit.write(
            cur, user, "import", entity="file", entity_id=checked.sha256,
            after={"file": checked.file_name, "kind": checked.kind, "rows_read": checked.rows_read,
                   "rows_rejected": checked.issues.rejected_count(), "replacing_demo": replacing_demo},
        )  # fmt: skip
    store.set_meta(cur, "dataset", "user")


def _from_files(batch: Batch, table: schema.Table) -> list[Written]:
    """The frames of `batch` into `table` that hold a file's rows (not the rows the import makes up)."""
    return [w for w in batch.out if w.table is table and w.checked is not None and not w.frame.empty]


def _note_unapplied_credit_notes(cur: store.Cursor, batch: Batch) -> None:
    """Tell each invoices file or FEC how many of its credit notes no payment applies to an invoice.

    DOMAIN.md §2: such a credit note is an unapplied credit of its client, shown beside unapplied
    cash and never aged; the note gives their count and what is left of them, once the batch is written.
    """
    for written in _from_files(batch, schema.INVOICES):
        notes = written.frame.loc[pd.to_numeric(written.frame["amount"]) < 0, "invoice_id"]
        if notes.empty:
            continue
        with store.registered(cur, _ingest_ids=pd.DataFrame({"id": notes.astype("str")})):
            ((count, amount),) = store.rows(cur, "ingest_unapplied_credit_notes")
        if count:
            params = {"file": written.checked.file_name, "count": int(count), "amount": Amount(float(amount))}
            written.checked.notes.append(("note_unapplied_credit_notes", params))


def _delete_payments(cur: store.Cursor, statement: str, ids: pd.Series, **params: object) -> None:
    """Run the delete `statement` on the payments of `ids` (ingest/sql), before a restatement."""
    with store.registered(cur, _ingest_ids=pd.DataFrame({"id": ids.astype("str")})):
        store.run(cur, statement, **params)


_DEFAULTS = {
    "clients": {"status": "active", "doubtful": False, "non_credit": False, "placeholder": False},
    "invoices": {"due_date_assumed": False, "disputed": False, "opening": False},
}


def _complete(
    cur: store.Cursor, table: schema.Table, frame: pd.DataFrame, provided: set[str], *, use_db: bool
) -> pd.DataFrame:
    """All columns of `table`: those the file lacks keep the stored row's values, else a default."""
    frame = frame.reset_index(drop=True)
    key = table.key[0]
    missing = [c for c in table.column_names if c not in provided]
    if missing and use_db:
        stored = stored_columns(cur, table, frame[key], missing)
        for col in missing:
            frame[col] = frame[key].map(stored[col]) if not stored.empty else None
    defaults = {**_DEFAULTS.get(table.name, {})}
    if table is schema.INVOICES:
        defaults["currency"] = config.get().app.currency
    return _conform(table, frame, defaults)


def _conform(table: schema.Table, frame: pd.DataFrame, defaults: dict[str, object]) -> pd.DataFrame:
    """Each column in one dtype per SQL type, so frames from different files concatenate cleanly."""
    out = {}
    for col in table.columns:
        values = frame[col.name] if col.name in frame else pd.Series(None, index=frame.index, dtype="object")
        if col.sql_type in ("DATE", "TIMESTAMP"):
            values = pd.to_datetime(values, errors="coerce")
        elif col.sql_type == schema.MONEY:
            values = pd.to_numeric(values, errors="coerce").astype("float64").round(2)
        elif col.sql_type == "INTEGER":
            values = pd.to_numeric(values, errors="coerce").astype("Int64")
        elif col.sql_type == "BOOLEAN":
            values = values.astype("boolean")
        else:
            values = values.astype("str").where(values.notna())
        if col.name in defaults:
            values = values.fillna(defaults[col.name])
        out[col.name] = values
    return pd.DataFrame(out, index=frame.index)
