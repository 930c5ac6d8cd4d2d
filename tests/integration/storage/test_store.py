"""The workspace database: schema, one transaction per write, data version, upserts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest

from riskcore.storage import schema
from riskcore.storage import store as store_mod
from riskcore.storage.store import Store


def _invoice(invoice_id: str, amount: float) -> pd.DataFrame:
    return pd.DataFrame(
        {"invoice_id": [invoice_id], "client_id": ["C1"], "invoice_date": [dt.date(2025, 1, 2)], "amount": [amount]}
    )


def test_fresh_workspace_has_every_canonical_table_with_real_types(store):
    cols = (
        store.cursor().execute("SELECT table_name, column_name, data_type FROM information_schema.columns").fetchall()
    )
    types = {(t, c): d for t, c, d in cols}
    for table in schema.ALL_TABLES:
        for column in table.columns:
            assert (table.name, column.name) in types
    assert types[("invoices", "amount")] == "DECIMAL(18,2)"
    assert types[("invoices", "due_date")] == "DATE"
    assert store.meta("schema_version") == str(store_mod.SCHEMA_VERSION)


def test_each_committed_write_bumps_the_data_version_once(store):
    before = store.data_version()
    with store.transaction() as cur:
        store_mod.write_frame(cur, schema.INVOICES, _invoice("F1", 10))
        store_mod.write_frame(cur, schema.INVOICES, _invoice("F2", 20))
    assert store.data_version() == before + 1


def test_a_failed_write_leaves_rows_and_version_unchanged(store):
    with store.transaction() as cur:
        store_mod.write_frame(cur, schema.INVOICES, _invoice("F1", 10))
    version = store.data_version()
    with pytest.raises(RuntimeError), store.transaction() as cur:
        store_mod.write_frame(cur, schema.INVOICES, _invoice("F2", 20))
        raise RuntimeError("the file was refused half-way")
    assert store.cursor().execute("SELECT invoice_id FROM invoices").fetchall() == [("F1",)]
    assert store.data_version() == version


def test_rewriting_an_invoice_id_updates_it(store):
    with store.transaction() as cur:
        store_mod.write_frame(cur, schema.INVOICES, _invoice("F1", 10))
    with store.transaction() as cur:
        store_mod.write_frame(cur, schema.INVOICES, _invoice("F1", 1234.565))
    rows = store.cursor().execute("SELECT invoice_id, amount FROM invoices").fetchall()
    # 1234.565 rounds half away from zero to 1234.57 in DECIMAL(18,2)
    assert rows == [("F1", Decimal("1234.57"))]


def test_reopening_the_file_keeps_data_and_runs_no_migration_twice(tmp_path):
    path = tmp_path / "w.duckdb"
    first = Store(path)
    with first.transaction() as cur:
        store_mod.write_frame(cur, schema.INVOICES, _invoice("F1", 10))
    first.close()
    again = Store(path)
    assert again.cursor().execute("SELECT count(*) FROM invoices").fetchall() == [(1,)]
    assert again.data_version() == 1
    again.close()


def test_last_date_is_the_latest_date_in_any_ledger_table(store):
    with store.transaction() as cur:
        store_mod.write_frame(cur, schema.INVOICES, _invoice("F1", 10))
        store_mod.write_frame(
            cur,
            schema.PAYMENTS,
            pd.DataFrame(
                {
                    "payment_id": ["P1"],
                    "client_id": ["C1"],
                    "invoice_id": ["F1"],
                    "payment_date": [dt.date(2025, 3, 4)],
                    "amount": [10.0],
                }
            ),
        )
    assert store_mod.last_date(store.cursor()) == dt.date(2025, 3, 4)


def test_a_write_off_after_the_last_payment_moves_the_last_date(store):
    # invoice 02/01/2025, written off 30/06/2025: the ledger's last event is the write-off
    frame = _invoice("F1", 10).assign(write_off_date=[dt.date(2025, 6, 30)])
    with store.transaction() as cur:
        store_mod.write_frame(cur, schema.INVOICES, frame)
    assert store_mod.last_date(store.cursor()) == dt.date(2025, 6, 30)


def test_clear_ledger_empties_every_ledger_table(store):
    with store.transaction() as cur:
        store_mod.write_frame(cur, schema.INVOICES, _invoice("F1", 10))
    with store.transaction() as cur:
        store_mod.clear_ledger(cur)
    assert store.is_empty()
    assert store.meta("dataset") == "empty"


def test_open_store_returns_one_store_per_file(tmp_path):
    a = store_mod.open_store(tmp_path / "w.duckdb")
    b = store_mod.open_store(str(tmp_path / "w.duckdb"))
    assert a is b
    a.close()


def test_write_ledger_writes_the_tables_the_frames_hold_and_leaves_the_others(store):
    # clients and invoices given, payments and dunning absent: 1 client, 1 invoice, nothing else
    frames = {"clients": pd.DataFrame({"client_id": ["C1"]}), "invoices": _invoice("F1", 10)}
    with store.transaction() as cur:
        store_mod.write_ledger(cur, frames)
    counts = (
        store.cursor()
        .execute(
            "SELECT (SELECT count(*) FROM clients), (SELECT count(*) FROM invoices), (SELECT count(*) FROM payments)"
        )
        .fetchall()
    )
    assert counts == [(1, 1, 0)]
