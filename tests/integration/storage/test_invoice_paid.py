"""invoice_paid, the per-invoice payment totals the KPIs read (riskcore.storage.store): up to date after every
kind of write, built for a workspace that predates it, and never a reason for a figure at a past
date to count a payment made after that date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from builders import inv, pay

from riskcore import demo
from riskcore.access.auth import CLI_USER
from riskcore.ingest import import_files
from riskcore.receivables import kpi
from riskcore.storage import schema
from riskcore.storage import store as store_mod
from riskcore.storage.store import Store, clear_ledger, write_frame

D = dt.date
INVOICES = "N° facture;Code client;Date facture;Échéance;Montant TTC"
PAYMENTS = "N° règlement;Code client;N° facture;Date de règlement;Montant"
OPEN_ITEMS = "N° facture;Code client;Date facture;Échéance;Montant TTC;Reste dû"
# What invoice_paid must hold: every invoice, its payments aggregated afresh from the payment rows.
FRESH = """
    SELECT i.invoice_id, sum(p.amount) AS paid, max(p.payment_date) AS last_payment
    FROM invoices AS i LEFT JOIN payments AS p USING (invoice_id)
    GROUP BY i.invoice_id
    ORDER BY i.invoice_id"""
KEPT = "SELECT invoice_id, paid, last_payment FROM invoice_paid ORDER BY invoice_id"


def write_csv(folder: Path, name: str, header: str, rows: list[str]) -> Path:
    path = folder / name
    path.write_bytes(("\r\n".join([header, *rows]) + "\r\n").encode("cp1252"))
    return path


def write(store: Store, invoices: list[dict], payments: list[dict]) -> None:
    """Client C1, the invoices and the payments, in one transaction through store.write_frame."""
    with store.transaction() as cur:
        write_frame(cur, schema.CLIENTS, pd.DataFrame([{"client_id": "C1", "name": "Dupont SA"}]))
        write_frame(cur, schema.INVOICES, pd.DataFrame(invoices))
        write_frame(cur, schema.PAYMENTS, pd.DataFrame(payments))


def kept(store: Store) -> list[tuple]:
    return store.cursor().execute(KEPT).fetchall()


def fresh(store: Store) -> list[tuple]:
    return store.cursor().execute(FRESH).fetchall()


def test_an_import_and_a_corrected_payments_file_keep_the_totals_of_each_invoice(store, tmp_path):
    invoices = write_csv(tmp_path, "factures.csv", INVOICES, [
        "F1;C1;02/01/2025;01/02/2025;1 000,00",
        "F2;C1;10/01/2025;09/02/2025;500,00",
        "F3;C1;20/01/2025;19/02/2025;80,00",
    ])  # fmt: skip
    payments = write_csv(tmp_path, "reglements.csv", PAYMENTS, [
        "R1;C1;F1;10/03/2025;400,00",
        "R2;C1;F1;20/06/2025;600,00",
        "R3;C1;F2;05/02/2025;200,00",
        "R4;C1;;01/03/2025;50,00",  # unapplied cash: no invoice's total
    ])  # fmt: skip
    assert import_files(store, [invoices, payments], user=CLI_USER).ok
    # F1: 400 + 600 = 1 000, last on 20/06; F2: 200 on 05/02; F3: nothing paid.
    assert kept(store) == [
        ("F1", Decimal("1000.00"), D(2025, 6, 20)),
        ("F2", Decimal("200.00"), D(2025, 2, 5)),
        ("F3", None, None),
    ]
    # The bank corrects R2: it paid F2, and 300 of it. F1 loses a payment it is not named for any more.
    correction = write_csv(tmp_path, "reglements_corriges.csv", PAYMENTS, ["R2;C1;F2;20/06/2025;300,00"])
    assert import_files(store, [correction], user=CLI_USER).ok
    # F1: R1 alone, 400 on 10/03; F2: 200 + 300 = 500, last on 20/06.
    assert kept(store) == [
        ("F1", Decimal("400.00"), D(2025, 3, 10)),
        ("F2", Decimal("500.00"), D(2025, 6, 20)),
        ("F3", None, None),
    ]
    assert kept(store) == fresh(store)


def test_a_payment_deleted_in_plain_sql_by_a_restated_open_items_export_leaves_no_total(store, tmp_path):
    first = write_csv(tmp_path, "encours_2025-09-30.csv", OPEN_ITEMS, ["F1;C1;02/01/2025;01/02/2025;1 000,00;400,00"])
    assert import_files(store, [first], user=CLI_USER).ok
    # 1 000 - 400 left = 600 paid, dated at the export.
    assert kept(store) == [("F1", Decimal("600.00"), D(2025, 9, 30))]
    # The next export says the whole 1 000 is due again (the payment bounced): the import deletes the
    # old open:F1 payment with a DELETE of its own and writes no payment.
    second = write_csv(tmp_path, "encours_2025-10-31.csv", OPEN_ITEMS, ["F1;C1;02/01/2025;01/02/2025;1 000,00;1 000"])
    assert import_files(store, [second], user=CLI_USER).ok
    assert store.cursor().execute("SELECT count(*) FROM payments").fetchall() == [(0,)]
    assert kept(store) == [("F1", None, None)] == fresh(store)


def test_any_write_in_a_transaction_is_seen_even_an_update_in_plain_sql(store):
    write(
        store,
        [inv("F1", D(2025, 1, 2), None, 1000, client_id="C1")],
        [pay("R1", "F1", D(2025, 2, 1), 250, client_id="C1")],
    )
    assert kept(store) == [("F1", Decimal("250.00"), D(2025, 2, 1))]
    with store.transaction() as cur:
        cur.execute("UPDATE payments SET amount = 260, payment_date = DATE '2025-02-03'")
        cur.execute("UPDATE invoices SET amount = 900, disputed = true")
    assert kept(store) == [("F1", Decimal("260.00"), D(2025, 2, 3))] == fresh(store)
    # the invoice columns are a copy too: the KPIs read the amount and the dispute flag from there
    assert store.cursor().execute("SELECT amount, disputed FROM invoice_paid").fetchall() == [(Decimal("900.00"), True)]


def test_a_failed_write_leaves_the_totals_as_they_were(store):
    write(store, [inv("F1", D(2025, 1, 2), None, 1000, client_id="C1")], [])
    with pytest.raises(RuntimeError), store.transaction() as cur:
        write_frame(cur, schema.PAYMENTS, pd.DataFrame([pay("R1", "F1", D(2025, 2, 1), 250, client_id="C1")]))
        raise RuntimeError("the file was refused half-way")
    assert kept(store) == [("F1", None, None)]


def test_the_demo_load_and_a_clear_keep_the_totals_equal_to_the_payments(store):
    demo.load_demo(store, seed=3, clients=30, years=1)
    totals = kept(store)
    assert len(totals) > 300 and any(paid is None for _, paid, _ in totals)  # paid and unpaid invoices
    assert totals == fresh(store)
    with store.transaction() as cur:
        clear_ledger(cur)
    assert kept(store) == []


def test_a_workspace_of_schema_version_1_gets_the_totals_on_open(tmp_path):
    # a workspace as the previous version left it: migration 1 only, rows written without invoice_paid
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    for statement in store_mod.MIGRATIONS[1]:
        con.execute(statement)
    con.execute("INSERT INTO meta VALUES ('schema_version', '1'), ('data_version', '7')")
    con.execute(
        "INSERT INTO invoices (invoice_id, client_id, invoice_date, amount) "
        "VALUES ('F1', 'C1', DATE '2025-01-02', 1000), ('F2', 'C1', DATE '2025-01-03', 300)"
    )
    con.execute(
        "INSERT INTO payments "
        "VALUES ('R1', 'C1', 'F1', DATE '2025-02-01', 700), ('R2', 'C1', 'F1', DATE '2025-03-01', 300)"
    )
    con.close()
    store = Store(path)
    try:
        assert (
            store.meta("schema_version") == "5"
        )  # migrations 2 (invoice_paid), 3 (collections), 4 (e-mail), 5 (access) ran
        # F1: 700 + 300 = 1 000, last on 01/03; F2: nothing paid. The data version does not move.
        assert kept(store) == [("F1", Decimal("1000.00"), D(2025, 3, 1)), ("F2", None, None)]
        assert store.data_version() == 7
    finally:
        store.close()


def test_the_copied_invoice_columns_have_the_types_of_the_invoices_table(store):
    types = dict(
        store.cursor()
        .execute("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'invoice_paid'")
        .fetchall()
    )
    for column in schema.INVOICES.columns:
        if column.name in types:
            assert types[column.name] == column.sql_type, column.name
    assert set(types) == {*schema.INVOICES.column_names, "paid", "last_payment"} - {"currency"}


# --- a date in the past never counts a later payment ------------------------------------------------
@pytest.fixture
def paid_in_two(store):
    """F1: 1 000 issued 02/01/2025, due 01/02/2025; 400 paid on 10/03, 600 on 20/06/2025.

    invoice_paid holds 1 000 and 20/06 for it, whatever the date asked.
    """
    invoices = [inv("F1", D(2025, 1, 2), D(2025, 2, 1), 1000, client_id="C1")]
    write(
        store,
        invoices,
        [pay("R1", "F1", D(2025, 3, 10), 400, client_id="C1"), pay("R2", "F1", D(2025, 6, 20), 600, client_id="C1")],
    )
    return store


@pytest.mark.parametrize(
    ("as_of", "prior", "expected"),
    [
        # both dates before the last payment: only R1 (10/03) counts at 31/03, nothing at 28/02
        (D(2025, 3, 31), D(2025, 2, 28), (Decimal("600.00"), Decimal("1000.00"), None, Decimal("400.00"), D(2025, 3, 10))),
        # the day before R2: still 600 open; at the prior date 09/03, R1 not yet paid
        (D(2025, 6, 19), D(2025, 3, 9), (Decimal("600.00"), Decimal("1000.00"), None, Decimal("400.00"), D(2025, 3, 10))),
        # R2 paid by as_of, after prior (30/06 - 90 days = 01/04): settled on 20/06, 600 open at prior
        (D(2025, 6, 30), D(2025, 4, 1), (Decimal("0.00"), Decimal("600.00"), D(2025, 6, 20), Decimal("1000.00"), D(2025, 6, 20))),
        # both dates after every payment: invoice_paid's totals as they are
        (D(2025, 12, 31), D(2025, 10, 2), (Decimal("0.00"), Decimal("0.00"), D(2025, 6, 20), Decimal("1000.00"), D(2025, 6, 20))),
        # prior after as_of (the macro does not assume the order): payments after as_of count at neither date
        (D(2025, 3, 31), D(2025, 12, 31), (Decimal("600.00"), Decimal("600.00"), None, Decimal("400.00"), D(2025, 3, 10))),
    ],
)  # fmt: skip
def test_invoice_facts_count_only_the_payments_dated_by_each_date(paid_in_two, as_of, prior, expected):
    rows = (
        paid_in_two.cursor()
        .execute(
            "SELECT open_amount, open_prior, settle_date, paid, last_payment FROM invoice_facts($as_of, $prior)",
            {"as_of": as_of, "prior": prior},
        )
        .fetchall()
    )
    assert rows == [expected]


def test_a_snapshot_in_the_past_ignores_the_later_payment(paid_in_two):
    snap = kpi.snapshot(paid_in_two.cursor(), D(2025, 3, 31))
    # 1 000 - 400 = 600 open, 31/03 - 01/02 = 58 days past due: bucket 31-60; nothing settled yet
    assert snap["total_outstanding"] == 600.0
    assert snap["aging"] == {"not_due": 0.0, "d1_30": 0.0, "d31_60": 600.0, "d61_90": 0.0, "d91_plus": 0.0}
    assert snap["weighted_days_to_pay_365"] is None
    items = kpi.open_items(paid_in_two.cursor(), D(2025, 6, 19))
    assert items[["invoice_id", "open_amount"]].values.tolist() == [["F1", 600.0]]
    # settled on 20/06: 169 days after 02/01, 139 days after 01/02
    later = kpi.snapshot(paid_in_two.cursor(), D(2025, 6, 30))
    assert later["total_outstanding"] == 0.0
    assert later["weighted_days_to_pay_365"] == 169.0 and later["avg_days_late_365"] == 139.0


def test_a_write_off_deducts_only_the_payments_dated_by_it(store):
    # W1: 1 000, 300 paid 01/03, written off 01/04, 200 more paid 01/05 (after it): loss 1 000 - 300 = 700.
    # W2: 500, 100 paid 01/02, written off 01/03: loss 400 (its only payment is before the write-off).
    write(
        store,
        [
            inv("W1", D(2025, 1, 2), D(2025, 2, 1), 1000, client_id="C1", write_off_date=D(2025, 4, 1)),
            inv("W2", D(2025, 1, 5), D(2025, 2, 4), 500, client_id="C1", write_off_date=D(2025, 3, 1)),
        ],
        [
            pay("R1", "W1", D(2025, 3, 1), 300, client_id="C1"),
            pay("R2", "W1", D(2025, 5, 1), 200, client_id="C1"),
            pay("R3", "W2", D(2025, 2, 1), 100, client_id="C1"),
        ],
    )
    # sales over the window: 1 000 + 500 = 1 500, so a loss rate of (700 + 400) / 1 500
    assert kpi.snapshot(store.cursor(), D(2025, 6, 30))["loss_rate_12m"] == 1100 / 1500
