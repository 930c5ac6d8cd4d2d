"""Issue 14 §8, DOMAIN.md §2: an unapplied credit note is a credit of its client on its own line beside
unapplied cash, never aged into a bucket (nor into another client's), never overdue; the buckets minus
the two lines equal the total outstanding, in the aging balance, `kpi --json` and the board report."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from builders import inv, pay, write_rows
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riskcore.receivables import kpi
from riskcore.receivables.filters import Filters
from riskcore.storage.store import Store, clear_ledger

ROOT = Path(__file__).resolve().parents[3]
D = dt.date(2025, 6, 30)
BUCKETS = ["not_due", "d1_30", "d31_60", "d61_90", "d91_plus"]

# Worked out by hand at D = 2025-06-30:
#   F1  A  1 000 due 2024-10-31, unpaid                  -> 242 days past due: d91_plus 1 000
#   AV1 B   -300 credit note of 2024-11-15, applied to nothing -> unapplied credit 300 (not in 91+)
#   F2  B    200 due 2025-07-15                          -> not due 200
#   F3  A    600 due 2025-06-20, AV2 (-150, A) applied to it on 2025-06-10 (+150 on F3, -150 on AV2)
#                                                        -> open 450, 10 days: d1_30; AV2 open 0
#   P1  A    100 of unapplied cash on 2025-05-01         -> unapplied cash 100
# buckets 200 + 450 + 1 000 = 1 650; total = 1 650 - 100 - 300 = 1 250
# balances: A 1 000 + 450 - 100 = 1 350; B 200 - 300 = -100
INVOICES = [
    inv("F1", "2024-10-01", "2024-10-31", 1000, client_id="A"),
    inv("AV1", "2024-11-15", "2024-11-15", -300, client_id="B"),
    inv("F2", "2025-06-15", "2025-07-15", 200, client_id="B"),
    inv("F3", "2025-05-21", "2025-06-20", 600, client_id="A"),
    inv("AV2", "2025-06-10", "2025-06-10", -150, client_id="A"),
]
PAYMENTS = [
    pay("C1", "F3", "2025-06-10", 150, client_id="A"),
    pay("C2", "AV2", "2025-06-10", -150, client_id="A"),
    pay("P1", None, "2025-05-01", 100, client_id="A"),
]
CLIENTS = [{"client_id": "A", "name": "Alpha", "segment": "PME"}, {"client_id": "B", "name": "Beta", "segment": "GE"}]


@pytest.fixture
def ledger(store):
    write_rows(store, INVOICES, PAYMENTS, clients=CLIENTS)
    return store


def test_another_clients_credit_note_does_not_reduce_the_91_plus_bucket(ledger):
    frame = kpi.aging(ledger.cursor(), D)
    # the issue: AV1 (-300, B) used to show 91+ as 700
    assert frame.set_index("bucket")["amount"].to_dict() == {
        "not_due": 200.0, "d1_30": 450.0, "d31_60": 0.0, "d61_90": 0.0, "d91_plus": 1000.0,
    }  # fmt: skip
    assert frame.set_index("bucket")["invoices"].to_dict() == {
        "not_due": 1, "d1_30": 1, "d31_60": 0, "d61_90": 0, "d91_plus": 1,
    }  # fmt: skip
    assert frame.attrs == {
        "unapplied_cash": 100.0,
        "unapplied_credits": 300.0,
        "credit_notes": 1,
        "total_outstanding": 1250.0,
    }


def test_buckets_minus_unapplied_cash_and_credits_equal_the_total_outstanding(ledger):
    con = ledger.cursor()
    snap = kpi.snapshot(con, D)
    assert snap["aging"] == {"not_due": 200.0, "d1_30": 450.0, "d31_60": 0.0, "d61_90": 0.0, "d91_plus": 1000.0}
    assert (snap["unapplied_cash"], snap["unapplied_credits"], snap["total_outstanding"]) == (100.0, 300.0, 1250.0)
    assert sum(snap["aging"].values()) - snap["unapplied_cash"] - snap["unapplied_credits"] == snap["total_outstanding"]
    # not due 200; overdue 450 + 1 000 = 1 450, never less a credit note; rate 1 450 / 1 250 = 1.16
    assert (snap["not_due"], snap["overdue_amount"]) == (200.0, 1450.0)
    assert snap["overdue_rate"] == pytest.approx(1450 / 1250)
    # the client balances net each client's own credit only: A 1 350, B -100 (sum 1 250)
    balances = kpi.by_client(con, D).set_index("client_id")["balance"].to_dict()
    assert balances == {"A": 1350.0, "B": -100.0}


def test_seniority_aging_leaves_the_credit_note_apart_too(ledger):
    frame = kpi.aging(ledger.cursor(), D, basis="invoice")
    # days since the invoice date: F2 15 (1-30), F3 40 (31-60), F1 272 (91+); AV1 (227 days) not aged
    assert frame.set_index("bucket")["amount"].to_dict() == {
        "not_due": 0.0, "d1_30": 200.0, "d31_60": 450.0, "d61_90": 0.0, "d91_plus": 1000.0,
    }  # fmt: skip
    assert (frame.attrs["unapplied_credits"], frame.attrs["total_outstanding"]) == (300.0, 1250.0)


def test_a_filter_keeps_only_its_clients_credit_notes(ledger):
    con = ledger.cursor()
    pme, ge = Filters(segment=("PME",)), Filters(segment=("GE",))
    # A alone: buckets 450 + 1 000, its cash 100, no credit left (AV2 applied): 1 350
    assert kpi.aging(con, D, pme).attrs == {
        "unapplied_cash": 100.0, "unapplied_credits": 0.0, "credit_notes": 0, "total_outstanding": 1350.0,
    }  # fmt: skip
    # B alone: not due 200, AV1 300 apart: -100
    frame = kpi.aging(con, D, ge)
    assert frame["amount"].sum() == 200.0 and frame.attrs["unapplied_credits"] == 300.0
    assert kpi.snapshot(con, D, ge)["total_outstanding"] == frame.attrs["total_outstanding"] == -100.0


def test_before_its_date_the_credit_note_is_not_there(ledger):
    # at 2024-11-14: F1 alone, 14 days past due (1-30); AV1 is issued the next day
    frame = kpi.aging(ledger.cursor(), dt.date(2024, 11, 14))
    assert frame.set_index("bucket")["amount"]["d1_30"] == 1000.0
    assert frame.attrs["unapplied_credits"] == 0.0 and frame.attrs["total_outstanding"] == 1000.0


def test_kpi_json_prints_the_unapplied_credits_and_the_same_aging(ledger, tmp_path):
    path = ledger.path
    ledger.close()  # the CLI opens the file itself
    env = {**os.environ, "ENCOURS_LANG": "en"}
    env.pop("ENCOURS_CONFIG", None)
    done = subprocess.run(
        [sys.executable, "-m", "riskcore", "kpi", "--db", str(path), "--as-of", D.isoformat(), "--json"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    assert printed["aging"]["d91_plus"] == 1000.0
    assert (printed["unapplied_cash"], printed["unapplied_credits"], printed["total_outstanding"]) == (
        100.0,
        300.0,
        1250.0,
    )


def test_the_board_report_shows_the_aging_of_the_snapshot(ledger, tmp_path):
    from riskcore.reporting.board import board_report

    out = board_report(ledger, D, tmp_path / "board.html", "en")
    html = out.read_text(encoding="utf-8")
    aging = html.split("<h2>Aging balance</h2>")[1].split("</table>")[0]
    assert "€1,000.00" in aging and "€700.00" not in aging  # 91 days and more: F1 alone
    assert "Unapplied credit notes (deducted)" in html


# --- property: the lines reconcile at every date, on random ledgers with credit notes -------------

DAY0 = dt.date(2024, 1, 1)
cents = st.integers(min_value=1, max_value=300_000).map(lambda c: c / 100)
offsets = st.integers(min_value=0, max_value=200)


@st.composite
def ledgers(draw):
    """Up to 8 invoices or credit notes of 3 clients, some paid or applied in part, and unapplied cash."""
    invoices, payments = [], []
    for i in range(draw(st.integers(min_value=1, max_value=8))):
        client = draw(st.sampled_from("ABC"))
        day = DAY0 + dt.timedelta(days=draw(offsets))
        amount = draw(cents) * (-1 if draw(st.booleans()) else 1)
        invoices.append(inv(f"F{i}", day, day + dt.timedelta(days=draw(st.sampled_from([0, 30, 60]))), amount,
                            client_id=client))  # fmt: skip
        if draw(st.booleans()):
            part = round(amount * draw(st.sampled_from([0.25, 0.5, 1.0])), 2)
            payments.append(pay(f"P{i}", f"F{i}", day + dt.timedelta(days=draw(offsets)), part, client_id=client))
    for k in range(draw(st.integers(min_value=0, max_value=2))):
        payments.append(pay(f"U{k}", None, DAY0 + dt.timedelta(days=draw(offsets)), draw(cents),
                            client_id=draw(st.sampled_from("ABC"))))  # fmt: skip
    return invoices, payments


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ledger=ledgers(), as_of=offsets.map(lambda n: DAY0 + dt.timedelta(days=n)))
def test_buckets_minus_both_lines_equal_the_total_at_every_date(store: Store, ledger, as_of):
    invoices, payments = ledger
    with store.transaction() as cur:
        clear_ledger(cur)
    write_rows(store, invoices, payments, clients=[{"client_id": c} for c in "ABC"])
    con = store.cursor()
    frame, snap = kpi.aging(con, as_of), kpi.snapshot(con, as_of)
    lines = frame.attrs
    assert (
        round(frame["amount"].sum() - lines["unapplied_cash"] - lines["unapplied_credits"], 2)
        == lines["total_outstanding"]
    )
    assert lines["total_outstanding"] == snap["total_outstanding"]
    assert (lines["unapplied_cash"], lines["unapplied_credits"]) == (snap["unapplied_cash"], snap["unapplied_credits"])
    # no bucket holds a credit note: each is a sum of invoices' open amounts, none negative here
    assert (frame["amount"] >= 0).all() and lines["unapplied_credits"] >= 0
