"""French law (DOMAIN.md §5): L441-10 caps and penalties, D441-5 indemnities, the D441-6 table."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from builders import inv, pay, write_rows

# --- penalty rate ---------------------------------------------------------------------------------
from riskcore.receivables import kpi, legal


@pytest.mark.parametrize(
    ("day", "rate"),
    [
        (dt.date(2024, 3, 1), 0.1521),  # H1 2024: ECB 4.50 + 10 = 14.50 < floor 3 x 5.07 = 15.21
        (dt.date(2024, 8, 15), 0.1476),  # H2 2024: ECB 4.25 + 10 = 14.25 < floor 3 x 4.92 = 14.76
        (dt.date(2025, 9, 1), 0.1215),  # H2 2025: ECB 2.15 + 10 = 12.15 > floor 3 x 2.76 = 8.28
        (dt.date(2023, 6, 30), 0.1250),  # H1 2023 (rate of 1 January): 2.50 + 10, not the July 4.00
        (dt.date(2019, 5, 1), 0.1000),  # before the first dated rate: the oldest known (0 + 10 > 3 x 0.76)
    ],
)
def test_penalty_rate_is_the_half_years_ecb_rate_plus_ten_points_floored_at_three_legal_rates(day, rate):
    assert legal.penalty_rate(day) == pytest.approx(rate)


def test_penalty_rate_follows_the_config(configured):
    configured(legal={"penalty_margin_points": 0.05})
    # H2 2025: ECB 2.15 + 5 = 7.15 < floor 3 x 2.76 = 8.28
    assert legal.penalty_rate(dt.date(2025, 9, 1)) == pytest.approx(0.0828)


# --- penalties and indemnities --------------------------------------------------------------------

D = dt.date(2025, 6, 30)
PENALTY_INVOICES = [
    inv("L1", "2024-05-21", "2024-06-20", 10000),  # paid 2024-07-10: 20 days late across 1 July 2024
    inv("L2", "2025-05-21", "2025-06-20", 1000),  # 300 paid 06-25, 700 open and overdue at D
    inv("L3", "2025-04-01", "2025-05-01", 2000),  # paid on time
    inv("L4", "2024-03-01", "2024-03-31", 500),  # paid late on 2024-05-10, before the 365 days
    inv("AV", "2025-05-01", "2025-05-01", -400),  # an unapplied credit note bears no penalty
]
PENALTY_PAYMENTS = [
    pay("P1", "L1", "2024-07-10", 10000),
    pay("P2", "L2", "2025-06-25", 300),
    pay("P3", "L3", "2025-04-30", 2000),
    pay("P4", "L4", "2024-05-10", 500),
]


def test_penalties_run_from_the_day_after_due_and_split_at_half_year_boundaries(store):
    write_rows(store, PENALTY_INVOICES, PENALTY_PAYMENTS)
    frame = legal.penalties(store.cursor(), D).set_index("invoice_id")
    assert sorted(frame.index) == ["L1", "L2"]
    l1 = frame.loc["L1"]
    # June 21-30 2024: 10 days at 15.21 % (floor), July 1-10: 10 days at 14.76 % (floor)
    # 10 000 x (10 x 0.1521 + 10 x 0.1476) / 365 = 29 970 / 365 = 82.1096
    assert l1["penalty"] == pytest.approx(29970 / 365)
    assert (l1["days_late"], l1["indemnity"]) == (20, 40.0)
    assert pd.Timestamp(l1["settle_date"]).date() == dt.date(2024, 7, 10)
    l2 = frame.loc["L2"]
    # open: 700 left, June 21-30 2025 = 10 days at 13.15 % (ECB 3.15 + 10 > 3 x 3.71)
    assert l2["penalty"] == pytest.approx(700 * 10 * 0.1315 / 365)
    assert (l2["penalty_base"], l2["days_late"]) == (700.0, 10)
    assert pd.isna(l2["settle_date"])


def test_open_penalties_keep_running_into_the_next_half_year(store):
    write_rows(store, PENALTY_INVOICES, PENALTY_PAYMENTS)
    l2 = legal.penalties(store.cursor(), dt.date(2025, 7, 20), client_id="A").set_index("invoice_id").loc["L2"]
    # 10 days in June at 13.15 % + 20 days in July at 12.15 % on 700: 700 x 3.745 / 365
    assert l2["penalty"] == pytest.approx(700 * (10 * 0.1315 + 20 * 0.1215) / 365)
    assert l2["days_late"] == 30


def test_snapshot_sums_penalties_and_forty_euro_indemnities(store):
    write_rows(store, PENALTY_INVOICES, PENALTY_PAYMENTS)
    snap = kpi.snapshot(store.cursor(), D)
    # 82.1096 (L1) + 700 x 10 x 0.1315 / 365 = 2.5219 (L2) -> 84.63; two invoices x 40 €
    assert snap["late_penalties_due"] == 84.63
    assert snap["recovery_indemnities_due"] == 80.0


# --- L441-10 I caps -------------------------------------------------------------------------------


def test_terms_breaches_flag_agreed_terms_and_due_dates_above_the_caps(store):
    clients = [
        {"client_id": "T1", "name": "T1", "payment_terms_days": 60, "terms_end_of_month": False},  # at the cap
        {"client_id": "T2", "name": "T2", "payment_terms_days": 75, "terms_end_of_month": False},  # above 60
        {"client_id": "T3", "name": "T3", "payment_terms_days": 45, "terms_end_of_month": True},  # at the cap
        {"client_id": "T4", "name": "T4", "payment_terms_days": 60, "terms_end_of_month": True},  # above 45 EOM
        {"client_id": "T5", "name": "T5", "payment_terms_days": 30, "terms_end_of_month": False},
        {"client_id": "T6", "name": "T6", "payment_terms_days": 30, "terms_end_of_month": False},
    ]
    # an invoice of 2025-01-15 may fall due at the latest on 2025-03-31: + 60 days = 03-16,
    # + 45 days = 03-01 then end of month = 03-31, end of month 01-31 + 45 days = 03-17
    invoices = [
        inv("I1", "2025-01-15", "2025-03-31", 100, client_id="T1"),  # at the latest legal date
        inv("I5", "2025-01-15", "2025-04-01", 100, client_id="T5"),  # one day beyond
        inv("I6", "2025-01-15", "2025-06-01", 100, client_id="T6", due_date_assumed=True),  # assumed: not checked
    ]
    write_rows(store, invoices, clients=clients)
    frame = legal.terms_breaches(store.cursor(), D).set_index("client_id")
    assert sorted(frame.index) == ["T2", "T4", "T5"]
    assert frame.loc["T5", ["terms_over_cap", "invoices_over_cap", "max_invoice_terms_days"]].tolist() == [
        False,
        1,
        76,
    ]
    assert bool(frame.loc["T4", "terms_over_cap"]) is True


def test_paid_over_60_flags_settled_invoices_and_open_ones_past_sixty_days(store):
    write_rows(
        store,
        [
            inv("S61", "2025-03-01", "2025-03-31", 100),  # paid 05-01: 61 days after its date
            inv("S60", "2025-03-01", "2025-03-31", 100),  # paid 04-30: exactly 60 days
            inv("O61", "2025-04-30", "2025-05-30", 100),  # open at D, 61 days old
            inv("O59", "2025-05-02", "2025-06-01", 100),  # open at D, 59 days old
        ],
        [pay("P1", "S61", "2025-05-01", 100), pay("P2", "S60", "2025-04-30", 100)],
    )
    frame = legal.paid_over_60(store.cursor(), D).set_index("invoice_id")
    assert sorted(frame.index) == ["O61", "S61"]
    assert frame.loc["O61", ["is_open", "days_since_invoice"]].tolist() == [True, 61]
    assert frame.loc["S61", ["is_open", "days_since_invoice"]].tolist() == [False, 61]


# --- D441-6 ---------------------------------------------------------------------------------------

YEAR_END = dt.date(2025, 12, 31)
D441_INVOICES = [
    inv("G1", "2025-11-16", "2025-12-16", 1200),  # 15 days late: 1-30
    inv("G2", "2025-10-16", "2025-11-15", 2400),  # 600 paid, 1 800 left, 46 days late: 31-60
    inv("G3", "2025-09-01", "2025-10-01", 600),  # 91 days late: 91+
    inv("G4", "2025-09-20", "2025-10-20", 3000, disputed=True, dispute_reason="qualité"),  # 72 days, disputed
    inv("G5", "2025-12-16", "2026-01-15", 900),  # not due
    inv("AV", "2025-11-01", "2025-11-01", -500),  # a credit note is not an unpaid invoice
    inv("G6", "2025-03-01", "2025-03-31", 52400),  # paid: only revenue
    inv("O", "2025-01-01", "2025-01-01", 5000, opening=True),  # opening balance, paid: not revenue
]
D441_PAYMENTS = [
    pay("P2", "G2", "2025-11-20", 600),
    pay("P6", "G6", "2025-03-31", 52400),
    pay("PO", "O", "2025-02-01", 5000),
]
# revenue of the year: 1 200 + 2 400 + 600 + 3 000 + 900 - 500 + 52 400 = 60 000


def test_d441_6_table_counts_overdue_invoices_per_bracket_with_share_of_revenue(store):
    write_rows(store, D441_INVOICES, D441_PAYMENTS)
    table = legal.d441_6_table(store.cursor(), YEAR_END)
    assert table.to_dict("records") == [
        {"bracket": "d1_30", "invoices": 1, "amount": 1200.0, "pct_revenue": pytest.approx(0.02)},
        {"bracket": "d31_60", "invoices": 1, "amount": 1800.0, "pct_revenue": pytest.approx(0.03)},
        {"bracket": "d61_90", "invoices": 0, "amount": 0.0, "pct_revenue": pytest.approx(0.0)},
        {"bracket": "d91_plus", "invoices": 1, "amount": 600.0, "pct_revenue": pytest.approx(0.01)},
        {"bracket": "total", "invoices": 3, "amount": 3600.0, "pct_revenue": pytest.approx(0.06)},
    ]
    assert table.attrs == {"disputed_excluded": {"invoices": 1, "amount": 3000.0}, "basis": "TTC"}


def test_d441_6_table_excluding_vat_divides_amounts_but_not_shares(store):
    write_rows(store, D441_INVOICES, D441_PAYMENTS)
    table = legal.d441_6_table(store.cursor(), YEAR_END, basis="HT").set_index("bracket")
    assert table["amount"].tolist() == [1000.0, 1500.0, 0.0, 500.0, 3000.0]  # TTC / 1.20
    assert table.loc["total", "pct_revenue"] == pytest.approx(0.06)
    assert table.attrs["disputed_excluded"] == {"invoices": 1, "amount": 2500.0}


def test_d441_6_table_can_keep_disputed_invoices(store):
    write_rows(store, D441_INVOICES, D441_PAYMENTS)
    table = legal.d441_6_table(store.cursor(), YEAR_END, exclude_disputed=False).set_index("bracket")
    assert table.loc["d61_90", ["invoices", "amount"]].tolist() == [1, 3000.0]
    assert table.loc["total", "pct_revenue"] == pytest.approx(6600 / 60000)
    assert table.attrs["disputed_excluded"] == {"invoices": 0, "amount": 0.0}


def test_d441_6_table_refuses_an_unknown_basis(store):
    with pytest.raises(ValueError, match="HT"):
        legal.d441_6_table(store.cursor(), YEAR_END, basis="net")
