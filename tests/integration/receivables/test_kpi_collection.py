"""Collection speed (DOMAIN.md §3): DSO simple and countback, best possible DSO, ADD, CEI, days to pay, losses."""

from __future__ import annotations

import datetime as dt

import pytest
from builders import inv, pay, write_rows

from riskcore.receivables import kpi


def test_simple_dso_is_ar_over_90_days_of_sales_times_90(store):
    # DOMAIN.md check value: AR 30 000, sales over 90 days 60 000 -> 30 000 / 60 000 x 90 = 45 days
    write_rows(store, [inv("F1", "2025-03-21", "2025-04-20", 60000)], [pay("P1", "F1", "2025-03-25", 30000)])
    snap = kpi.snapshot(store.cursor(), dt.date(2025, 3, 31))
    assert snap["total_outstanding"] == 30000.0
    assert snap["dso_simple_90"] == pytest.approx(45.0)
    # countback: March (31 days to D) sold 60 000 >= AR 30 000 -> 31 x 30 000 / 60 000 = 15.5 days
    assert snap["dso_countback"] == pytest.approx(15.5)


def test_best_possible_dso_and_average_days_delinquent_match_domain_check_values(store, configured):
    # DOMAIN.md: AR 15 000, not due 4 000, sales 10 000 over 30 days -> DSO 45, BPDSO 12, ADD 33
    configured(kpi={"dso_days": 30})
    write_rows(
        store,
        [
            inv("F1", "2025-06-10", "2025-07-10", 10000),  # the 30 days' sales; 4 000 left, not due
            inv("F2", "2025-03-01", "2025-03-31", 11000),  # overdue, sold before the window
        ],
        [pay("P1", "F1", "2025-06-20", 6000)],
    )
    snap = kpi.snapshot(store.cursor(), dt.date(2025, 6, 30))
    assert (snap["total_outstanding"], snap["not_due"]) == (15000.0, 4000.0)
    assert snap["dso_simple_90"] == pytest.approx(45.0)  # 15 000 / 10 000 x 30
    assert snap["bpdso_90"] == pytest.approx(12.0)  # 4 000 / 10 000 x 30
    assert snap["add_90"] == pytest.approx(33.0)  # 45 - 12


def test_cei_matches_the_domain_check_value_as_a_fraction(store):
    # DOMAIN.md: AR_begin 6 200, S 3 630, AR_end 6 340, not due 3 590 -> 3 490 / 6 240 = 55.9 %
    # D = 2025-06-30, D - 90 = 2025-04-01: F1 (6 200) is the whole AR then; 3 450 is collected on it;
    # F2 (3 630) is the sales of the 90 days, 40 collected, 3 590 left not due; AR_end 2 750 + 3 590.
    write_rows(
        store,
        [inv("F1", "2025-01-15", "2025-02-14", 6200), inv("F2", "2025-06-20", "2025-07-20", 3630)],
        [pay("P1", "F1", "2025-05-15", 3450), pay("P2", "F2", "2025-06-25", 40)],
    )
    snap = kpi.snapshot(store.cursor(), dt.date(2025, 6, 30))
    assert (snap["total_outstanding"], snap["not_due"]) == (6340.0, 3590.0)
    assert snap["cei_90"] == pytest.approx(3490 / 6240)
    assert round(snap["cei_90"], 3) == 0.559


COUNTBACK_D = dt.date(2025, 3, 15)


@pytest.mark.parametrize(
    ("invoices", "payments", "expected"),
    [
        pytest.param(
            # AR 25 000: March 1-15 sold 10 000 -> 15 days, 15 000 left; February sold 20 000 ->
            # 28 x 15 000 / 20 000 = 21 days; 15 + 21 = 36
            [
                inv("J", "2025-01-10", "2025-02-09", 30000),
                inv("F", "2025-02-10", "2025-03-12", 20000),
                inv("M", "2025-03-05", "2025-04-04", 10000),
            ],
            [pay("PJ", "J", "2025-02-20", 30000), pay("PF", "F", "2025-03-10", 5000)],
            36.0,
            id="stops_inside_a_month",
        ),
        pytest.param(
            # AR 27 000: March 1-15 sold 10 000 -> 15 days; February sold 5 000 - 8 000 <= 0 -> stop at 15
            [
                inv("O", "2025-01-10", "2025-02-09", 20000),
                inv("F", "2025-02-10", "2025-03-12", 5000),
                inv("AV", "2025-02-12", "2025-02-12", -8000),
                inv("M", "2025-03-05", "2025-04-04", 10000),
            ],
            [],
            15.0,
            id="stops_at_a_month_without_positive_sales",
        ),
        pytest.param(
            # nothing sold from 1 March to D: the countback is undefined
            [inv("F", "2025-02-10", "2025-03-12", 5000)],
            [],
            None,
            id="no_sales_in_the_current_month",
        ),
    ],
)
def test_countback_dso_consumes_calendar_months_newest_first(store, invoices, payments, expected):
    write_rows(store, invoices, payments)
    value = kpi.snapshot(store.cursor(), COUNTBACK_D)["dso_countback"]
    assert value == (pytest.approx(expected) if expected is not None else None)


def test_countback_dso_stops_after_the_configured_number_of_months(store, configured):
    # at most 2 months: AR 70 000 > March (10 000, 15 days) + February (20 000, 28 days) -> 43 days
    configured(kpi={"countback_max_months": 2})
    write_rows(
        store,
        [inv("D", "2024-12-10", "2025-01-09", 40000), inv("F", "2025-02-10", "2025-03-12", 20000),
         inv("M", "2025-03-05", "2025-04-04", 10000)],
    )  # fmt: skip
    assert kpi.snapshot(store.cursor(), COUNTBACK_D)["dso_countback"] == pytest.approx(43.0)


def test_opening_balances_are_open_items_but_not_sales(store):
    # O1 is an opening balance (à-nouveau) of 40 000: AR 70 000, sales still 60 000 -> 70/60 x 90 = 105
    write_rows(
        store,
        [inv("O1", "2025-01-01", "2025-01-01", 40000, opening=True), inv("F1", "2025-03-21", "2025-04-20", 60000)],
        [pay("P1", "F1", "2025-03-25", 30000)],
    )
    snap = kpi.snapshot(store.cursor(), dt.date(2025, 3, 31))
    assert snap["total_outstanding"] == 70000.0
    assert snap["dso_simple_90"] == pytest.approx(105.0)


BEHAVIOUR_INVOICES = [
    inv("A1", "2025-01-01", "2025-01-31", 1000),  # settled 02-10: 40 days to pay, 10 late
    inv("A2", "2025-02-01", "2025-03-03", 3000),  # settled 03-23 by its 2nd payment: 50 days, 20 late
    inv("A3", "2025-03-01", "2025-03-31", 2000),  # settled 03-25, early: 24 days, 0 late
    inv("A4", "2025-04-01", "2025-05-01", 5000),  # partly paid: not settled
    inv("A5", "2024-05-01", "2024-05-31", 4000),  # settled 2024-06-15, before the window
    inv("A6", "2025-05-01", "2025-05-31", 1500),  # settled after D
    inv("A7", "2025-01-10", "2025-03-11", 2500),  # settled 03-20: 69 days (> 60), 9 late
]
BEHAVIOUR_PAYMENTS = [
    pay("P1", "A1", "2025-02-10", 1000),
    pay("P2a", "A2", "2025-02-20", 1000),
    pay("P2b", "A2", "2025-03-23", 2000),
    pay("P3", "A3", "2025-03-25", 2000),
    pay("P4", "A4", "2025-05-10", 1000),
    pay("P5", "A5", "2024-06-15", 4000),
    pay("P6", "A6", "2025-07-05", 1500),
    pay("P7", "A7", "2025-03-20", 2500),
]


def test_days_to_pay_and_days_late_are_weighted_by_amount_over_invoices_settled_in_the_year(store):
    write_rows(store, BEHAVIOUR_INVOICES, BEHAVIOUR_PAYMENTS)
    snap = kpi.snapshot(store.cursor(), dt.date(2025, 6, 30))
    # settled in (2024-06-30, 2025-06-30]: A1, A2, A3, A7 = 8 500
    # days to pay (1 000 x 40 + 3 000 x 50 + 2 000 x 24 + 2 500 x 69) / 8 500 = 410 500 / 8 500
    assert snap["weighted_days_to_pay_365"] == pytest.approx(410500 / 8500)
    # days late (1 000 x 10 + 3 000 x 20 + 0 + 2 500 x 9) / 8 500 = 92 500 / 8 500
    assert snap["avg_days_late_365"] == pytest.approx(92500 / 8500)
    assert snap["invoices_paid_over_60_days_365"] == 1  # A7


def test_days_to_pay_are_undefined_without_settled_invoices(store):
    write_rows(store, [inv("F1", "2025-03-21", "2025-04-20", 600)])
    snap = kpi.snapshot(store.cursor(), dt.date(2025, 3, 31))
    assert (snap["weighted_days_to_pay_365"], snap["avg_days_late_365"]) == (None, None)


def test_loss_rate_is_the_open_amount_at_write_off_over_the_years_sales(store):
    write_rows(
        store,
        [
            inv("L1", "2024-09-01", "2024-10-01", 1000, write_off_date="2025-02-01"),  # 400 paid first -> 600 lost
            inv("L2", "2025-01-10", "2025-02-09", 11000),
            inv("L3", "2024-01-01", "2024-01-31", 2000, write_off_date="2024-05-01"),  # before the year
        ],
        [
            pay("P1", "L1", "2024-10-15", 400),
            pay("P2", "L1", "2025-03-01", 100),  # recovered after the write-off: the loss stays 600
            pay("P3", "L2", "2025-02-01", 11000),
        ],
    )
    # sales in (2024-06-30, 2025-06-30]: L1 1 000 + L2 11 000 = 12 000; 600 / 12 000 = 5 %
    assert kpi.snapshot(store.cursor(), dt.date(2025, 6, 30))["loss_rate_12m"] == pytest.approx(0.05)


def test_collection_ratios_are_none_without_sales(store):
    write_rows(store, [inv("F1", "2024-01-10", "2024-02-09", 500)])
    snap = kpi.snapshot(store.cursor(), dt.date(2025, 6, 30))
    assert snap["total_outstanding"] == 500.0
    assert (snap["dso_simple_90"], snap["bpdso_90"], snap["add_90"], snap["loss_rate_12m"]) == (None, None, None, None)
