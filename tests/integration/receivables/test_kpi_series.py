"""Month-end series (issue 4 §3): outstanding, overdue, DSO, countback and behaviour at each month end."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from builders import inv

from riskcore import demo
from riskcore.receivables import kpi
from riskcore.storage import schema
from riskcore.storage.store import write_frame, write_ledger

END = dt.date(2025, 3, 15)


@pytest.fixture
def ledger(store):
    invoices = [
        inv("F1", "2025-01-10", "2025-02-09", 1000),  # 400 paid 02-20, the rest open
        inv("F2", "2025-02-15", "2025-03-17", 2000),  # open, not due until 03-17
        inv("F3", "2024-12-01", "2024-12-31", 500, write_off_date="2025-02-10"),
        inv("F4", "2025-01-05", "2025-02-04", 800),  # settled 02-14: 40 days to pay, 10 late
    ]
    payments = [
        {"payment_id": "P1", "client_id": "A", "invoice_id": "F1", "payment_date": "2025-02-20", "amount": 400},
        {"payment_id": "P4", "client_id": "A", "invoice_id": "F4", "payment_date": "2025-02-14", "amount": 800},
        {"payment_id": "U1", "client_id": "A", "invoice_id": None, "payment_date": "2025-02-25", "amount": 100},
    ]
    with store.transaction() as cur:
        write_frame(cur, schema.CLIENTS, pd.DataFrame([{"client_id": "A", "name": "Alpha"}]))
        write_frame(cur, schema.INVOICES, pd.DataFrame(invoices))
        write_frame(cur, schema.PAYMENTS, pd.DataFrame(payments))
    return store


def test_series_points_are_month_ends_and_the_end_date_itself(ledger):
    frame = kpi.monthly_series(ledger.cursor(), END, months=3)
    assert frame["month_end"].tolist() == [dt.date(2025, 1, 31), dt.date(2025, 2, 28), END]
    assert list(frame.columns) == [
        "month_end", "total_outstanding", "overdue_amount", "overdue_rate", "dso_simple_90", "dso_countback",
        "weighted_days_to_pay", "avg_days_late",
    ]  # fmt: skip


def test_series_default_is_twenty_four_points(ledger):
    frame = kpi.monthly_series(ledger.cursor(), END)
    assert len(frame) == 24
    assert frame["month_end"].iloc[0] == dt.date(2023, 4, 30)


def test_series_values_worked_out_by_hand(ledger):
    rows = kpi.monthly_series(ledger.cursor(), END, months=3).set_index("month_end")
    jan, feb, mar = rows.loc[dt.date(2025, 1, 31)], rows.loc[dt.date(2025, 2, 28)], rows.loc[END]
    # 01-31: F1 1 000 + F4 800 not due, F3 500 overdue (written off only on 02-10)
    assert (jan["total_outstanding"], jan["overdue_amount"]) == (2300.0, 500.0)
    assert jan["overdue_rate"] == pytest.approx(500 / 2300)
    assert jan["dso_simple_90"] == pytest.approx(90.0)  # sales since 2024-11-02: 1 000 + 800 + 500 = AR
    assert jan["dso_countback"] == pytest.approx(62.0)  # Jan 1 800 -> 31 days, 500 left; Dec 500 -> 31 days
    assert pd.isna(jan["weighted_days_to_pay"])  # nothing settled yet
    # 02-28: F1 600 overdue, F2 2 000 not due, F3 written off, F4 paid, 100 unapplied
    assert (feb["total_outstanding"], feb["overdue_amount"]) == (2500.0, 600.0)
    assert feb["dso_simple_90"] == pytest.approx(2500 / 4300 * 90)  # sales since 2024-11-30: 4 300
    assert feb["dso_countback"] == pytest.approx(28 + 31 * 500 / 1800)  # Feb 2 000, then Jan 1 800
    assert (feb["weighted_days_to_pay"], feb["avg_days_late"]) == (pytest.approx(40.0), pytest.approx(10.0))
    # 03-15: same position (F2 due 03-17); nothing sold from 1 March: countback undefined
    assert (mar["total_outstanding"], mar["overdue_amount"]) == (2500.0, 600.0)
    assert mar["dso_simple_90"] == pytest.approx(2500 / 3800 * 90)  # sales since 2024-12-15: 3 800
    assert pd.isna(mar["dso_countback"])


def test_series_agrees_with_the_snapshot_at_every_month_end(store):
    frames = demo.generate(seed=3, clients=15, years=1)
    with store.transaction() as cur:
        write_ledger(cur, frames)
    con = store.cursor()
    end = frames["invoices"]["invoice_date"].max().date()
    series = kpi.monthly_series(con, end, months=12)
    pairs = {
        "dso_simple_90": "dso_simple_90",
        "dso_countback": "dso_countback",
        "weighted_days_to_pay": "weighted_days_to_pay_365",
        "avg_days_late": "avg_days_late_365",
    }
    for row in series.to_dict("records"):
        snap = kpi.snapshot(con, row["month_end"])
        assert (row["total_outstanding"], row["overdue_amount"]) == (snap["total_outstanding"], snap["overdue_amount"])
        for column, key in pairs.items():
            # undefined values are NaN in the frame and None in the snapshot
            expected = snap[key]
            assert pd.isna(row[column]) if expected is None else row[column] == pytest.approx(expected), column
