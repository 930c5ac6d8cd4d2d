"""Concentration (DOMAIN.md §4): top-N shares, HHI, Pareto count and the top-3 warning."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from riskcore.receivables import kpi
from riskcore.storage import schema
from riskcore.storage.store import write_frame

D = dt.date(2025, 6, 30)

# Balances at D, each from one open invoice not yet due (issued within the year, so also revenue):
#   A 50 000 (group G1, sector S1), B 20 000 (G1, S2), C 15 000 (S1), D 10 000 (S2), E 5 000 (S1),
#   F -3 000 (an unapplied credit note, S2), G 0 (its 1 000 invoice is paid).
CLIENTS = [
    {"client_id": "A", "name": "Alpha", "group_id": "G1", "sector": "S1"},
    {"client_id": "B", "name": "Bravo", "group_id": "G1", "sector": "S2"},
    {"client_id": "C", "name": "Charlie", "sector": "S1"},
    {"client_id": "D", "name": "Delta", "sector": "S2"},
    {"client_id": "E", "name": "Echo", "sector": "S1"},
    {"client_id": "F", "name": "Foxtrot", "sector": "S2"},
    {"client_id": "G", "name": "Golf", "sector": "S1"},
]
AMOUNTS = {"A": 50000, "B": 20000, "C": 15000, "D": 10000, "E": 5000, "F": -3000, "G": 1000}


@pytest.fixture
def ledger(store):
    invoices = pd.DataFrame(
        [{"invoice_id": f"F{c}", "client_id": c, "invoice_date": "2025-06-01", "due_date": "2025-07-01",
          "amount": a} for c, a in AMOUNTS.items()]
    )  # fmt: skip
    payments = pd.DataFrame(
        [{"payment_id": "PG", "client_id": "G", "invoice_id": "FG", "payment_date": "2025-06-20", "amount": 1000}]
    )
    with store.transaction() as cur:
        write_frame(cur, schema.CLIENTS, pd.DataFrame(CLIENTS))
        write_frame(cur, schema.INVOICES, invoices)
        write_frame(cur, schema.PAYMENTS, payments)
    return store


def test_top_n_shares_hhi_and_pareto_on_positive_balances(ledger):
    snap = kpi.snapshot(ledger.cursor(), D)
    # positive balances 100 000: shares 0.50, 0.20, 0.15, 0.10, 0.05; F's negative balance is left out
    assert snap["total_outstanding"] == 97000.0
    assert snap["clients_with_outstanding"] == 5
    assert snap["top1_share"] == pytest.approx(0.50)
    assert snap["top3_share"] == pytest.approx(0.85)
    assert snap["top5_share"] == pytest.approx(1.0)
    assert snap["top10_share"] == pytest.approx(1.0)  # fewer than 10 clients: all of them
    assert snap["hhi_outstanding"] == pytest.approx(3250.0)  # 50² + 20² + 15² + 10² + 5²
    assert snap["pareto_80_count"] == 3  # 0.50, 0.70, 0.85 >= 0.80
    assert snap["top3_warning"] is True  # 0.85 >= 0.40


def test_top3_revenue_share_uses_twelve_months_of_sales_per_client(ledger):
    # revenue: A 50 000, B 20 000, C 15 000, D 10 000, E 5 000, G 1 000 (F's credit note is negative)
    # top 3 = 85 000 / 101 000
    assert kpi.snapshot(ledger.cursor(), D)["top3_revenue_share_12m"] == pytest.approx(85000 / 101000)


def test_concentration_by_group_counts_a_client_without_group_as_its_own_group(ledger):
    result = kpi.concentration(ledger.cursor(), D, level="group")
    # G1 = A + B = 70 000, C 15 000, D 10 000, E 5 000 -> shares 0.70, 0.15, 0.10, 0.05
    assert result.shares[1] == pytest.approx(0.70)
    assert result.hhi == pytest.approx(5250.0)  # 70² + 15² + 10² + 5²
    assert result.pareto_count == 2  # 0.70, 0.85
    assert list(result.curve["key"]) == ["G1", "C", "D", "E"]
    assert list(result.curve["name"]) == ["G1", "Charlie", "Delta", "Echo"]
    assert list(result.curve.columns) == ["rank", "key", "name", "amount", "share", "cumulative_share"]


def test_concentration_by_sector_nets_balances_within_the_sector(ledger):
    result = kpi.concentration(ledger.cursor(), D, level="sector")
    # S1 = A + C + E (+ G 0) = 70 000, S2 = B + D + F = 27 000; HHI = (7 000/97)² + (2 700/97)²
    assert result.curve["amount"].tolist() == [70000.0, 27000.0]
    assert result.hhi == pytest.approx((7000 / 97) ** 2 + (2700 / 97) ** 2)


def test_concentration_on_revenue_by_client(ledger):
    result = kpi.concentration(ledger.cursor(), D, basis="revenue")
    assert result.shares[3] == pytest.approx(85000 / 101000)
    assert result.curve["key"].tolist() == ["A", "B", "C", "D", "E", "G"]


@pytest.mark.parametrize(("argument", "value"), [("basis", "margin"), ("level", "region")])
def test_concentration_refuses_unknown_choices(ledger, argument, value):
    with pytest.raises(ValueError, match=argument):
        kpi.concentration(ledger.cursor(), D, **{argument: value})


def test_no_warning_and_pareto_of_eight_when_ten_clients_weigh_the_same(store):
    clients = pd.DataFrame([{"client_id": f"C{i}", "name": f"C{i}"} for i in range(10)])
    invoices = pd.DataFrame(
        [{"invoice_id": f"F{i}", "client_id": f"C{i}", "invoice_date": "2025-06-01", "due_date": "2025-07-01",
          "amount": 1000} for i in range(10)]
    )  # fmt: skip
    with store.transaction() as cur:
        write_frame(cur, schema.CLIENTS, clients)
        write_frame(cur, schema.INVOICES, invoices)
    snap = kpi.snapshot(store.cursor(), D)
    assert snap["top3_share"] == pytest.approx(0.30)
    assert snap["top3_warning"] is False
    assert snap["pareto_80_count"] == 8  # eight tenths reach 80 %, even with float sums
    assert snap["hhi_outstanding"] == pytest.approx(1000.0)  # 10 x 10²


def test_concentration_of_an_empty_ledger_is_zero(store):
    snap = kpi.snapshot(store.cursor(), D)
    assert (snap["top1_share"], snap["hhi_outstanding"], snap["pareto_80_count"], snap["top3_warning"]) == (
        0.0,
        0.0,
        0,
        False,
    )
