"""Position at a date (DOMAIN.md §2): open amounts, aging, unapplied cash, credit notes, write-offs."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from builders import inv, pay
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from riskcore.receivables import kpi
from riskcore.storage import schema
from riskcore.storage.store import clear_ledger, write_frame

D = dt.date(2025, 3, 31)


def write_ledger(store, invoices=(), payments=(), clients=None, dunning=()) -> None:
    """Write canonical rows (dicts) in one transaction; clients default to one per id used."""
    ids = sorted({r["client_id"] for r in (*invoices, *payments)})
    clients = clients if clients is not None else [{"client_id": c, "name": f"Client {c}"} for c in ids]
    with store.transaction() as cur:
        for table, rows in (
            (schema.CLIENTS, clients),
            (schema.INVOICES, invoices),
            (schema.PAYMENTS, payments),
            (schema.DUNNING_ACTIONS, dunning),
        ):
            write_frame(cur, table, pd.DataFrame(list(rows)))


# A ledger with one of each case, worked out by hand at D = 2025-03-31:
#   F1 A 1 000 due 2025-02-09, 400 paid 2025-02-20     -> open 600, 50 days past due: d31_60
#   F2 A 2 000 due 2025-03-31, credit note AV2 (-300) applied to it on 2025-03-06
#                                                       -> open 1 700, 0 days: not_due; AV2 open 0
#   F3 A   500 due 2024-12-15                           -> open 500, 106 days: d91_plus
#   F4 B   800 due 2025-03-22                           -> open 800, 9 days: d1_30
#   F5 B   300 due 2025-01-19                           -> open 300, 71 days: d61_90
#   F6 B   700 paid in full 2025-02-01                  -> not open
#   F7 B   900 due 2025-03-03, paid 2025-04-05 (after D) -> open 900, 28 days: d1_30
#   F8 A   400 issued 2025-04-02 (after D)              -> not open
#   F9 A 1 200 due 2024-10-31, written off 2025-03-01   -> not open at D (open before)
#   AV1 B  -250 credit note not applied, due 2025-03-10 -> unapplied credit 250, never aged (DOMAIN.md §2)
#   unapplied cash of B: 150 on 2025-03-20 (counted), 100 on 2025-04-10 (after D)
LEDGER_INVOICES = [
    inv("F1", "2025-01-10", "2025-02-09", 1000, client_id="A"),
    inv("F2", "2025-03-01", "2025-03-31", 2000, client_id="A"),
    inv("AV2", "2025-03-05", "2025-03-05", -300, client_id="A"),
    inv("F3", "2024-11-15", "2024-12-15", 500, client_id="A"),
    inv("F4", "2025-02-20", "2025-03-22", 800, client_id="B"),
    inv("F5", "2024-12-20", "2025-01-19", 300, client_id="B"),
    inv("F6", "2025-01-05", "2025-02-04", 700, client_id="B"),
    inv("F7", "2025-02-01", "2025-03-03", 900, client_id="B"),
    inv("F8", "2025-04-02", "2025-05-02", 400, client_id="A"),
    inv("F9", "2024-10-01", "2024-10-31", 1200, client_id="A", write_off_date="2025-03-01"),
    inv("AV1", "2025-03-10", "2025-03-10", -250, client_id="B"),
]
LEDGER_PAYMENTS = [
    pay("P1", "F1", "2025-02-20", 400, client_id="A"),
    pay("P2", "F2", "2025-03-06", 300, client_id="A"),
    pay("P3", "AV2", "2025-03-06", -300, client_id="A"),
    pay("P4", "F6", "2025-02-01", 700, client_id="B"),
    pay("P5", "F7", "2025-04-05", 900, client_id="B"),
    pay("P6", None, "2025-03-20", 150, client_id="B"),
    pay("P7", None, "2025-04-10", 100, client_id="B"),
]


@pytest.fixture
def ledger(store):
    write_ledger(store, LEDGER_INVOICES, LEDGER_PAYMENTS)
    return store


@pytest.mark.parametrize(
    ("bucket", "amount", "invoices"),
    [
        ("not_due", 1700.0, 1),  # F2 2 000 - 300 credit note applied
        ("d1_30", 1700.0, 2),  # F4 800 + F7 900 (AV1 is an unapplied credit, not aged)
        ("d31_60", 600.0, 1),  # F1 1 000 - 400
        ("d61_90", 300.0, 1),  # F5
        ("d91_plus", 500.0, 1),  # F3
    ],
)
def test_aging_puts_each_open_amount_in_its_days_past_due_bucket(ledger, bucket, amount, invoices):
    frame = kpi.aging(ledger.cursor(), D).set_index("bucket")
    assert list(frame.index) == ["not_due", "d1_30", "d31_60", "d61_90", "d91_plus"]
    assert frame.loc[bucket, "amount"] == amount
    assert frame.loc[bucket, "invoices"] == invoices


def test_total_outstanding_is_open_items_minus_unapplied_cash_dated_by_as_of(ledger):
    snap = kpi.snapshot(ledger.cursor(), D)
    # open invoices 1 700 + 1 700 + 600 + 300 + 500 = 4 800; unapplied cash 150 (the 100 of April is
    # after D); unapplied credit AV1 250: 4 800 - 150 - 250 = 4 400
    assert snap["unapplied_cash"] == 150.0
    assert snap["unapplied_credits"] == 250.0
    assert snap["total_outstanding"] == 4400.0
    assert snap["not_due"] == 1700.0
    # overdue 1 700 + 600 + 300 + 500 = 3 100 (a credit note is never overdue), rate 3 100 / 4 400
    assert snap["overdue_amount"] == 3100.0
    assert snap["overdue_rate"] == pytest.approx(3100 / 4400)
    assert sum(snap["aging"].values()) - snap["unapplied_cash"] - snap["unapplied_credits"] == snap["total_outstanding"]


def test_open_items_excludes_invoices_paid_before_as_of_written_off_or_issued_after(ledger):
    items = kpi.open_items(ledger.cursor(), D)
    # F6 paid 2025-02-01, F8 issued 2025-04-02, F9 written off 2025-03-01, AV2 fully applied
    assert sorted(items["invoice_id"]) == ["AV1", "F1", "F2", "F3", "F4", "F5", "F7"]
    f7 = items.set_index("invoice_id").loc["F7"]
    assert (f7["open_amount"], f7["days_past_due"], f7["bucket"]) == (900.0, 28, "d1_30")  # paid after D
    assert list(items.columns) == [
        "invoice_id", "client_id", "name", "invoice_date", "due_date", "due_date_assumed", "amount",
        "open_amount", "days_past_due", "bucket", "disputed", "dispute_reason",
    ]  # fmt: skip


def test_open_items_of_one_client(ledger):
    items = kpi.open_items(ledger.cursor(), D, client_id="B")
    assert sorted(items["invoice_id"]) == ["AV1", "F4", "F5", "F7"]


def test_an_earlier_as_of_date_is_reconstructed_from_dates_not_from_the_current_state(ledger):
    # at 2025-02-28: F9 not yet written off (1 200, 120 days past due), F2/AV1/AV2 not issued,
    # F1 open 600 (19 days), F3 500 (75 days), F5 300 (40 days), F6 paid,
    # F7 900 (due 03-03) and F4 800 (issued 02-20, due 03-22) not due
    frame = kpi.aging(ledger.cursor(), dt.date(2025, 2, 28)).set_index("bucket")["amount"]
    assert frame.to_dict() == {"not_due": 1700.0, "d1_30": 600.0, "d31_60": 300.0, "d61_90": 500.0, "d91_plus": 1200.0}


def test_aging_by_invoice_date_counts_seniority_instead_of_lateness(ledger):
    frame = kpi.aging(ledger.cursor(), D, basis="invoice").set_index("bucket")["amount"]
    # days since invoice date: F2 30 (AV1 21 is not aged) | F4 39, F7 58 | F1 80 | F3 136, F5 101
    assert frame.to_dict() == {"not_due": 0.0, "d1_30": 1700.0, "d31_60": 1700.0, "d61_90": 600.0, "d91_plus": 800.0}


def test_aging_refuses_an_unknown_basis(ledger):
    with pytest.raises(ValueError, match="basis"):
        kpi.aging(ledger.cursor(), D, basis="payment")


def test_client_balance_deducts_the_clients_own_unapplied_cash(ledger):
    table = kpi.by_client(ledger.cursor(), D).set_index("client_id")
    assert table.loc["A", "balance"] == 2800.0  # 600 + 1 700 + 500
    assert table.loc["B", "balance"] == 1600.0  # 800 + 300 + 900 - 250 - 150


@pytest.mark.parametrize(
    ("assumed_invoice", "expected"),
    [("F5", True), ("F6", False)],  # F5 is open at D, F6 was paid before D
)
def test_snapshot_says_when_an_open_item_has_assumed_terms(store, assumed_invoice, expected):
    rows = [{**r, "due_date_assumed": r["invoice_id"] == assumed_invoice} for r in LEDGER_INVOICES]
    write_ledger(store, rows, LEDGER_PAYMENTS)
    assert kpi.snapshot(store.cursor(), D)["assumed_terms"] is expected


def test_bucket_edges_come_from_config(store, configured):
    configured(aging={"bucket_edges": [15, 45]})
    write_ledger(store, LEDGER_INVOICES, LEDGER_PAYMENTS)
    frame = kpi.aging(store.cursor(), D).set_index("bucket")["amount"]
    # not due F2 1 700 | 1-15: F4 800 | 16-45: F7 900 (AV1 not aged) | 46+: F1 600, F5 300, F3 500
    assert frame.to_dict() == {"not_due": 1700.0, "d1_15": 800.0, "d16_45": 900.0, "d46_plus": 1400.0}


@pytest.mark.parametrize(
    ("edges", "names"),
    [
        ((30, 60, 90), ["not_due", "d1_30", "d31_60", "d61_90", "d91_plus"]),
        ((10,), ["not_due", "d1_10", "d11_plus"]),
    ],
)
def test_bucket_names_follow_the_edges(edges, names):
    assert kpi.bucket_names(edges) == names


def test_more_than_six_bucket_edges_is_a_config_error():
    with pytest.raises(ValueError, match=r"aging\.bucket_edges"):
        kpi.bucket_names([10, 20, 30, 40, 50, 60, 70])


# --- property: buckets plus the unapplied cash line equal the total, at every date -------------

DAY0 = dt.date(2024, 1, 1)
cents = st.integers(min_value=1, max_value=500_000).map(lambda c: c / 100)
offsets = st.integers(min_value=0, max_value=200)


@st.composite
def small_ledgers(draw):
    """Random ledgers of up to 3 clients: invoices and credit notes, partial, full and over-payments,
    credit notes applied, unapplied cash and write-offs, all dated within 200 days of DAY0."""
    invoices, payments = [], []
    for i in range(draw(st.integers(min_value=1, max_value=8))):
        client = draw(st.sampled_from("ABC"))
        day = DAY0 + dt.timedelta(days=draw(offsets))
        amount = draw(cents) * (-1 if draw(st.booleans()) and i % 3 == 2 else 1)
        write_off = day + dt.timedelta(days=draw(offsets)) if draw(st.integers(0, 5)) == 0 else None
        invoices.append(inv(f"F{i}", day, day + dt.timedelta(days=draw(st.sampled_from([0, 30, 45, 60]))),
                            amount, client_id=client, write_off_date=write_off))  # fmt: skip
        for j in range(draw(st.integers(min_value=0, max_value=2))):
            paid = round(abs(amount) * draw(st.sampled_from([0.3, 0.5, 1.0, 1.1])), 2) * (1 if amount > 0 else -1)
            when = day + dt.timedelta(days=draw(st.integers(min_value=-5, max_value=120)))
            payments.append(pay(f"P{i}_{j}", f"F{i}", when, paid, client_id=client))
    for k in range(draw(st.integers(min_value=0, max_value=2))):
        payments.append(pay(f"U{k}", None, DAY0 + dt.timedelta(days=draw(offsets)),
                            draw(cents), client_id=draw(st.sampled_from("ABC"))))  # fmt: skip
    return invoices, payments


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ledger=small_ledgers(), as_of=offsets.map(lambda n: DAY0 + dt.timedelta(days=n)))
# cases hypothesis found once: a payment dated before its invoice, and one after the invoice's write-off
@example(
    ledger=(
        [inv("F0", DAY0, DAY0, 10, client_id="A")],
        [pay("P0", "F0", DAY0 - dt.timedelta(days=1), 10, client_id="A")],
    ),
    as_of=DAY0,
)
@example(
    ledger=(
        [inv("F0", DAY0, DAY0, 10, client_id="A", write_off_date=DAY0 + dt.timedelta(days=1))],
        [pay("P0", "F0", DAY0, 10, client_id="A"), pay("P1", "F0", DAY0 + dt.timedelta(days=2), 0, client_id="A")],
    ),
    as_of=DAY0,
)
def test_buckets_minus_unapplied_cash_equal_total_outstanding_at_every_date(store, ledger, as_of):
    invoices, payments = ledger
    with store.transaction() as cur:
        clear_ledger(cur)
    write_ledger(store, invoices, payments, clients=[{"client_id": c} for c in "ABC"])
    con = store.cursor()
    snap = kpi.snapshot(con, as_of)
    aging = kpi.aging(con, as_of)
    lines = snap["unapplied_cash"] + snap["unapplied_credits"]
    assert round(sum(snap["aging"].values()) - lines, 2) == snap["total_outstanding"]
    assert round(aging["amount"].sum() - lines, 2) == snap["total_outstanding"]
    # and the month-end series, built from dated events instead of open items, agrees at each point,
    # also on days to pay when invoices are paid in several times, overpaid or paid after a write-off
    for point in kpi.monthly_series(con, as_of + dt.timedelta(days=60), months=4).to_dict("records"):
        at = kpi.snapshot(con, point["month_end"])
        assert (point["total_outstanding"], point["overdue_amount"]) == (at["total_outstanding"], at["overdue_amount"])
        for column, key in (
            ("weighted_days_to_pay", "weighted_days_to_pay_365"),
            ("avg_days_late", "avg_days_late_365"),
        ):
            assert pd.isna(point[column]) if at[key] is None else point[column] == pytest.approx(at[key]), column


def test_client_balance_macro_matches_the_client_table(ledger):
    rows = ledger.cursor().execute("SELECT client_id, balance FROM client_balance($d) ORDER BY 1", {"d": D}).fetchall()
    # the macro other modules use: A 2 800, B 1 600 (see the ledger above)
    assert [(c, float(b)) for c, b in rows] == [("A", 2800.0), ("B", 1600.0)]
