"""Per-client views (DOMAIN.md §4): the client table, trend, segments, breakdowns, disputes, provisions."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from builders import inv

from riskcore.receivables import kpi
from riskcore.receivables.filters import Filters
from riskcore.storage import schema
from riskcore.storage.store import write_frame

D = dt.date(2025, 6, 30)  # recent window (2025-03-30, D], prior window (2024-06-30, 2025-03-30]

CLIENTS = [
    {"client_id": "A", "name": "Alpha", "segment": "PME", "sector": "4120A", "sales_rep": "Julie", "region": "IDF",
     "group_id": "G1", "credit_limit": 10000, "insured_limit": 8000, "status": "active"},
    {"client_id": "B", "name": "Bravo", "segment": "TPE", "sector": "4120A", "non_credit": True, "status": "active"},
    {"client_id": "C", "name": "Charlie", "segment": "ETI", "sector": "6201Z", "status": "litigation"},
    {"client_id": "E", "name": "Echo", "doubtful": True, "status": "active"},
    {"client_id": "F", "name": "Foxtrot", "status": "active"},
]  # fmt: skip


INVOICES = [
    inv(
        "A1", "2025-05-01", "2025-05-31", 4000, client_id="A", disputed=True, dispute_reason="prix"
    ),  # open, 30 days late
    inv("A2", "2025-06-15", "2025-07-15", 2000, client_id="A"),  # open, not due
    inv("A3", "2025-03-01", "2025-03-31", 1000, client_id="A"),  # settled 2025-04-30: 30 days late (recent)
    inv("A4", "2024-09-01", "2024-10-01", 3000, client_id="A"),  # settled 2024-10-06: 5 days late (prior)
    inv("A5", "2024-11-01", "2024-12-01", 1000, client_id="A"),  # settled 2024-12-16: 15 days late (prior)
    inv("B1", "2025-04-01", "2025-05-01", 500, client_id="B"),  # open, 60 days late
    inv("B2", "2025-01-01", "2025-01-31", 200, client_id="B"),  # settled 2025-04-01: 60 days late
    inv(
        "C1", "2024-12-01", "2024-12-31", 1200, client_id="C", disputed=True, dispute_reason="qualité"
    ),  # open, 181 days
    inv("C2", "2025-01-01", "2025-01-31", 600, client_id="C"),  # settled 2025-02-10: 10 days late
]
PAYMENTS = [
    {"payment_id": f"P{i}", "client_id": i[0], "invoice_id": i, "payment_date": day, "amount": amount}
    for i, day, amount in [
        ("A3", "2025-04-30", 1000),
        ("A4", "2024-10-06", 3000),
        ("A5", "2024-12-16", 1000),
        ("B2", "2025-04-01", 200),
        ("C2", "2025-02-10", 600),
    ]
]
DUNNING = [
    {"action_id": "D1", "client_id": "A", "action_date": "2025-05-01", "level": 1},
    {"action_id": "D2", "client_id": "A", "action_date": "2025-06-10", "level": 1},
    {"action_id": "D3", "client_id": "A", "action_date": "2025-06-10", "level": 2},  # same day: the higher level
    {"action_id": "D4", "client_id": "C", "action_date": "2025-07-05", "level": 4},  # after D: not known at D
]


@pytest.fixture
def ledger(store):
    with store.transaction() as cur:
        write_frame(cur, schema.CLIENTS, pd.DataFrame(CLIENTS))
        write_frame(cur, schema.INVOICES, pd.DataFrame(INVOICES))
        write_frame(cur, schema.PAYMENTS, pd.DataFrame(PAYMENTS))
        write_frame(cur, schema.DUNNING_ACTIONS, pd.DataFrame(DUNNING))
    return store


def test_by_client_lists_every_client_with_its_position_limits_and_behaviour(ledger):
    table = kpi.by_client(ledger.cursor(), D).set_index("client_id")
    assert list(table.index) == ["A", "B", "C", "E", "F"]  # also E and F, without any open item
    a = table.loc["A"]
    assert (a["balance"], a["not_due"], a["d1_30"], a["overdue"]) == (6000.0, 2000.0, 4000.0, 4000.0)
    assert a["max_days_past_due"] == 30  # A1 due 2025-05-31
    assert a["revenue_12m"] == 11000.0  # A1 4 000 + A2 2 000 + A3 1 000 + A4 3 000 + A5 1 000
    assert a["days_late_12m"] == pytest.approx(12.0)  # (1 000 x 30 + 3 000 x 5 + 1 000 x 15) / 5 000
    assert a["disputed_amount"] == 4000.0
    assert (a["utilisation"], a["headroom"], a["insured_limit"]) == (pytest.approx(0.6), 4000.0, 8000.0)
    assert pd.Timestamp(a["last_dunning_date"]).date() == dt.date(2025, 6, 10)
    # the cycle: A1 (due 2025-05-31) - 10 lead days = 2025-05-21; A2 (due 2025-07-15) is beyond D + 10.
    # D1 (2025-05-01) is before it; D2 and D3 (2025-06-10) are in it -> the highest, 2
    assert a["dunning_level"] == 2
    assert table.loc["F", "balance"] == 0.0
    assert pd.isna(table.loc["F", "utilisation"])  # no credit limit
    assert pd.isna(table.loc["C", "last_dunning_date"])  # its formal notice is dated after D


def test_days_late_trend_compares_the_last_three_months_with_the_nine_before(ledger):
    a = kpi.by_client(ledger.cursor(), D).set_index("client_id").loc["A"]
    # recent: A3, 30 days late; prior: (3 000 x 5 + 1 000 x 15) / 4 000 = 7.5; trend +22.5 >= 10
    assert a["days_late_prior"] == pytest.approx(7.5)
    assert a["days_late_trend"] == pytest.approx(22.5)
    assert bool(a["worsening"]) is True


def test_a_client_without_settled_invoices_in_a_window_has_no_trend(ledger):
    c = kpi.by_client(ledger.cursor(), D).set_index("client_id").loc["C"]
    # C2 settled 2025-02-10 (prior window) and nothing in the recent one
    assert pd.isna(c["days_late_trend"])
    assert bool(c["worsening"]) is False


def test_dunning_coverage_counts_late_payers_chased_in_the_last_30_days(ledger):
    # overdue at D: A (chased 2025-06-10), C (never, before D); B is a cash-takings account -> 1 / 2
    assert kpi.snapshot(ledger.cursor(), D)["dunning_coverage_30"] == pytest.approx(0.5)


def test_late_payer_segments_by_amount_weighted_days_late_leave_out_non_credit_accounts(ledger):
    frame = kpi.late_payer_segments(ledger.cursor(), D).set_index("segment")
    assert list(frame.index) == ["on_time", "d1_15", "d16_30", "d31_60", "d60_plus"]
    # A 12.0 and C 10.0 days late -> 1-15; B (60 days) is non_credit; E and F have no history
    assert frame.loc["d1_15"].to_dict() == {"clients": 2, "balance": 7200.0, "overdue": 5200.0, "revenue_12m": 12800.0}
    assert frame["clients"].sum() == 2


def test_breakdown_by_dunning_status(ledger):
    frame = kpi.breakdown(ledger.cursor(), D, "dunning_status").set_index("value")
    # A level 2 | B, C overdue never chased by D | E, F nothing overdue
    assert frame.loc["level_2", "clients"] == 1
    no_action = frame.loc["no_action"]
    assert (no_action["clients"], no_action["balance"], no_action["overdue"]) == (2, 1700.0, 1700.0)
    assert no_action["days_late_12m"] == pytest.approx(22.5)  # (200 x 60 + 600 x 10) / 800
    assert frame.loc["not_overdue", "clients"] == 2


def test_breakdown_by_dunning_status_counts_a_past_due_credit_note_as_nothing_overdue(ledger):
    with ledger.transaction() as cur:
        write_frame(cur, schema.CLIENTS, pd.DataFrame([{"client_id": "G", "name": "Golf", "status": "active"}]))
        write_frame(
            cur,
            schema.INVOICES,
            pd.DataFrame(
                [
                    inv("G1", "2025-04-01", "2025-05-01", -300, client_id="G"),  # credit note past due, never applied
                    inv("G2", "2025-06-20", "2025-07-20", 500, client_id="G"),  # open, not due at D
                ]
            ),
        )
    frame = kpi.breakdown(ledger.cursor(), D, "dunning_status").set_index("value")
    not_overdue = frame.loc["not_overdue"]
    # E, F (no invoices) and G (past due -300 <= 0): 3 clients; balance -300 + 500 = 200; overdue 0, not -300
    assert (not_overdue["clients"], not_overdue["balance"], not_overdue["overdue"]) == (3, 200.0, 0.0)
    # a credit note is never overdue (DOMAIN.md §2): G's own overdue is 0; its balance 500 - 300 = 200
    clients = kpi.by_client(ledger.cursor(), D).set_index("client_id")
    assert (clients.loc["G", "overdue"], clients.loc["G", "balance"]) == (0.0, 200.0)


def test_breakdown_by_segment_with_overdue_rate(ledger):
    frame = kpi.breakdown(ledger.cursor(), D, "segment")
    assert list(frame.columns) == ["value", "clients", "balance", "overdue", "overdue_rate", "days_late_12m"]
    pme = frame.set_index("value").loc["PME"]
    assert pme["overdue_rate"] == pytest.approx(4000 / 6000)
    assert frame["value"].tolist() == ["PME", "ETI", "TPE", None]  # by balance: 6 000, 1 200, 500, 0


def test_breakdown_refuses_an_unknown_dimension(ledger):
    with pytest.raises(ValueError, match="dimension"):
        kpi.breakdown(ledger.cursor(), D, "colour")


def test_dispute_reasons_count_open_disputed_invoices(ledger):
    frame = kpi.dispute_reasons(ledger.cursor(), D)
    assert frame.to_dict("records") == [
        {"reason": "prix", "invoices": 1, "amount": 4000.0},
        {"reason": "qualité", "invoices": 1, "amount": 1200.0},
    ]


def test_doubtful_clients_get_a_provision_on_the_balance_without_vat(ledger):
    frame = kpi.doubtful_provisions(ledger.cursor(), D).set_index("client_id")
    assert sorted(frame.index) == ["C", "E"]  # C in litigation, E flagged doubtful
    # C: 1 200 TTC / 1.20 = 1 000 HT, provisioned at 100 %
    assert frame.loc["C", ["balance_ttc", "balance_ht", "provision"]].tolist() == [1200.0, 1000.0, 1000.0]
    assert frame.loc["E", "provision"] == 0.0


def test_payment_history_lists_settled_invoices_with_days_to_pay_and_late(ledger):
    frame = kpi.payment_history(ledger.cursor(), "A", D)
    assert frame["invoice_id"].tolist() == ["A4", "A5", "A3"]  # by settle date
    a3 = frame.set_index("invoice_id").loc["A3"]
    # invoiced 2025-03-01, due 03-31, settled 04-30: 60 days to pay, 30 late, 30-day terms
    assert (a3["days_to_pay"], a3["days_late"], a3["terms_days"]) == (60, 30, 30)


def test_invoice_flags_are_open_invoices_past_sixty_days_from_their_date(ledger):
    frame = kpi.invoice_flags(ledger.cursor(), D)
    # B1 issued 2025-04-01 (90 days), C1 2024-12-01 (211 days); A1 is exactly 60 days old: not more
    assert sorted(frame["invoice_id"]) == ["B1", "C1"]


def test_filters_restrict_every_figure_to_the_kept_clients(ledger):
    con = ledger.cursor()
    only_pme = Filters(segment=("PME",))
    assert kpi.by_client(con, D, only_pme)["client_id"].tolist() == ["A"]
    snap = kpi.snapshot(con, D, only_pme)
    assert (snap["total_outstanding"], snap["overdue_amount"]) == (6000.0, 4000.0)
    assert kpi.aging(con, D, only_pme)["amount"].sum() == 6000.0
    assert kpi.open_items(con, D, Filters(sector=("6201Z",)))["invoice_id"].tolist() == ["C1"]
