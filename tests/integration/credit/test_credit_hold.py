"""A credit hold caps new limits (DOMAIN.md §9): no suggested limit above the current outstanding,
and no proposal raising the limit above it while the hold stands.

Config values used (config.yaml): grace_days 15, default terms 30 days, grade B factor 1.2,
rounding_step 1 000, approval above 50 000 or above +50 % of the previous limit.
Every client below sold 120 000 in the 12 months to D: 10 000 a month x (30 + 15) / 30 x 1.2 (B)
= 18 000 suggested without a hold.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from builders import inv, pay

from riskcore.access.auth import User
from riskcore.credit import limits
from riskcore.errors import DecisionError
from riskcore.storage import schema
from riskcore.storage.store import write_frame

D = dt.date(2025, 6, 30)
MANAGER = User("claire.martin", "credit_manager")
ADMIN = User("paul.durand", "admin")

CLIENTS = [
    {"client_id": "H", "name": "Held", "credit_limit": 10_000},
    {"client_id": "K", "name": "Lifted", "credit_limit": 10_000},
    {"client_id": "F", "name": "Later", "credit_limit": 5_000},
    {"client_id": "N", "name": "No limit", "credit_limit": None},
    {"client_id": "G", "name": "Credit balance", "credit_limit": 2_000},
]
INVOICES = [
    # H: 110 000 paid, 5 000 open, 5 000 of which 3 000 paid; 500 of unapplied cash
    # -> outstanding 5 000 + 2 000 - 500 = 6 500
    inv("H0", "2024-12-01", "2024-12-31", 110_000, client_id="H"),
    inv("H1", "2025-05-01", "2025-05-31", 5_000, client_id="H"),
    inv("H2", "2025-06-01", "2025-07-01", 5_000, client_id="H"),
    # K, F: 120 000, paid -> outstanding 0
    inv("K0", "2025-01-01", "2025-01-31", 120_000, client_id="K"),
    inv("F0", "2025-01-01", "2025-01-31", 120_000, client_id="F"),
    # N: 120 000 of which 116 000 paid -> outstanding 4 000
    inv("N0", "2025-01-01", "2025-01-31", 120_000, client_id="N"),
    # G: 120 000 paid, and 1 500 of unapplied cash -> outstanding -1 500
    inv("G0", "2025-01-01", "2025-01-31", 120_000, client_id="G"),
]
PAYMENTS = [
    pay("PH0", "H0", "2025-01-15", 110_000, client_id="H"),
    pay("PH2", "H2", "2025-06-20", 3_000, client_id="H"),
    pay("PH9", None, "2025-06-25", 500, client_id="H"),
    pay("PK0", "K0", "2025-01-31", 120_000, client_id="K"),
    pay("PF0", "F0", "2025-01-31", 120_000, client_id="F"),
    pay("PN0", "N0", "2025-02-28", 116_000, client_id="N"),
    pay("PG0", "G0", "2025-01-31", 120_000, client_id="G"),
    pay("PG9", None, "2025-03-01", 1_500, client_id="G"),
]


def _hold(hold_id, client_id, day, on_hold, recorded="2025-06-01 09:00") -> dict:
    return {"hold_id": hold_id, "client_id": client_id, "event_date": dt.date.fromisoformat(day), "on_hold": on_hold,
            "reason": "formal notice", "recorded_by": "claire.martin", "recorded_at": pd.Timestamp(recorded)}  # fmt: skip


HOLDS = [
    _hold("h1", "H", "2025-06-15", True),  # H: on hold since 2025-06-15
    _hold("h2", "K", "2025-06-01", True),  # K: held, then lifted on 2025-06-20
    _hold("h3", "K", "2025-06-20", False),
    _hold("h4", "F", "2025-07-10", True),  # F: held after D only
    _hold("h5", "N", "2025-06-10", True),  # N: on hold, no limit set
    _hold("h6", "G", "2025-06-10", True),  # G: on hold with a credit balance
]


@pytest.fixture
def ledger(store):
    with store.transaction() as cur:
        write_frame(cur, schema.CLIENTS, pd.DataFrame(CLIENTS))
        write_frame(cur, schema.INVOICES, pd.DataFrame(INVOICES))
        write_frame(cur, schema.PAYMENTS, pd.DataFrame(PAYMENTS))
        write_frame(cur, schema.CREDIT_HOLDS, pd.DataFrame(HOLDS))
    return store


def _limit(store, client_id):
    return store.cursor().execute("SELECT credit_limit FROM clients WHERE client_id = $c", {"c": client_id}).fetchall()


def test_the_clients_on_hold_at_a_date_and_their_outstanding(ledger):
    # at D: H (6 500), N (4 000), G (-1 500); K lifted on 2025-06-20, F held only from 2025-07-10
    assert limits.holds(ledger.cursor(), D) == {
        "H": (dt.date(2025, 6, 15), 6_500.0),
        "N": (dt.date(2025, 6, 10), 4_000.0),
        "G": (dt.date(2025, 6, 10), -1_500.0),
    }
    # on 2025-06-05, K was on hold (outstanding 0), H not yet
    assert set(limits.holds(ledger.cursor(), dt.date(2025, 6, 5))) == {"K"}
    # as things stand (no date): F's hold of 2025-07-10 counts too
    assert set(limits.holds(ledger.cursor(), None)) == {"H", "N", "G", "F"}


def test_a_client_on_hold_is_suggested_no_more_than_its_outstanding(ledger):
    scores = pd.DataFrame({"client_id": ["H", "K", "F", "N", "G"], "grade": ["B"] * 5})
    frame = limits.suggest(ledger.cursor(), scores, D).set_index("client_id")
    # H 18 000 capped at 6 500, rounded down to 6 000 like any suggestion; N 18 000 capped at 4 000;
    # G's credit balance caps it at 0; K (lifted) and F (held after D only): 18 000
    assert frame["suggested_limit"].to_dict() == {"H": 6_000.0, "K": 18_000.0, "F": 18_000.0, "N": 4_000.0, "G": 0.0}
    assert frame.loc["H", "outstanding"] == 6_500.0
    capped, rounded = frame.loc["H", "limit_reasons"][-2:]
    assert (capped.key, capped.params) == ("limits.capped_hold", {"amount": 6_500.0})
    assert rounded.key == "limits.rounded"
    assert "6,500" in capped.text("en") and "encours" in capped.text("fr")
    assert all(r.key != "limits.capped_hold" for r in frame.loc["K", "limit_reasons"])


def test_raising_the_limit_of_a_client_on_hold_above_its_outstanding_is_refused(ledger):
    with pytest.raises(DecisionError) as raised:
        limits.propose(ledger, MANAGER, "H", 12_000, "new order", as_of=D)
    error = raised.value
    assert error.key == "limits.on_hold"
    assert error.message("en") == (
        "client H is on credit hold since 2025-06-15: its limit cannot be raised above its outstanding, "
        "6500.00 (asked 12000.00)"
    )
    assert "bloqué depuis le 2025-06-15" in error.message("fr") and "6500.00" in error.message("fr")
    assert _limit(ledger, "H") == [(10_000,)]  # nothing written
    assert limits.history(ledger.cursor(), "H").empty


def test_a_client_on_hold_may_have_its_limit_cut(ledger):
    # 10 000 -> 6 000, below the outstanding 6 500: applied (a cut never waits)
    cut = limits.propose(ledger, MANAGER, "H", 6_000, "on hold: cut to the outstanding", as_of=D)
    assert (cut.status, cut.previous_limit, cut.new_limit) == ("applied", 10_000, 6_000)
    # 6 000 -> 6 500, up to the outstanding exactly: allowed (+8 %, applied at once)
    up = limits.propose(ledger, MANAGER, "H", 6_500, "back to the outstanding", as_of=D)
    assert (up.status, up.new_limit) == ("applied", 6_500)
    # 6 500 -> 6 500.01: above the outstanding
    with pytest.raises(DecisionError, match="on credit hold"):
        limits.propose(ledger, MANAGER, "H", 6_500.01, "one cent more", as_of=D)


def test_a_cut_that_stays_above_the_outstanding_is_still_allowed(ledger):
    # 10 000 -> 9 000: lowers the exposure although above 6 500 (only a raise is refused)
    assert limits.propose(ledger, MANAGER, "H", 9_000, "first cut", as_of=D).status == "applied"


def test_without_a_limit_any_new_one_above_the_outstanding_is_refused(ledger):
    # N has no limit: 4 000 (its outstanding) is allowed, 4 500 is not
    assert limits.propose(ledger, MANAGER, "N", 4_000, "limit at the outstanding", as_of=D).new_limit == 4_000
    with pytest.raises(DecisionError, match="on credit hold"):
        limits.propose(ledger, MANAGER, "N", 4_500, "a little more", as_of=D)


def test_a_credit_balance_allows_no_limit_above_zero(ledger):
    # G: outstanding -1 500 -> the cap is 0; 2 000 -> 0 is a cut, 2 000 -> 2 000 keeps it, 2 500 is refused
    with pytest.raises(DecisionError, match=r"0\.00 \(asked 2500\.00\)"):
        limits.propose(ledger, MANAGER, "G", 2_500, "more", as_of=D)
    assert limits.propose(ledger, MANAGER, "G", 2_000, "unchanged", as_of=D).status == "applied"


def test_the_hold_is_read_at_the_date_given_and_as_things_stand_by_default(ledger):
    # F: held only from 2025-07-10. At D, 5 000 -> 7 000 (+40 %) is applied at once ...
    assert limits.propose(ledger, MANAGER, "F", 7_000, "orders up", as_of=D).status == "applied"
    # ... as things stand, F is on hold with nothing outstanding: 7 000 -> 7 500 is refused
    with pytest.raises(DecisionError, match="on credit hold since 2025-07-10"):
        limits.propose(ledger, MANAGER, "F", 7_500, "orders up again")
    # K's hold was lifted: 10 000 -> 14 000 (+40 %) is applied
    assert limits.propose(ledger, MANAGER, "K", 14_000, "hold lifted").status == "applied"


def test_a_raise_proposed_before_a_hold_is_not_approved_while_it_stands(ledger):
    # K: 10 000 -> 60 000 waits for a second person (above 50 000); K is put on hold meanwhile
    proposed = limits.propose(ledger, MANAGER, "K", 60_000, "insurer raised its cover")
    assert proposed.status == "pending"
    with ledger.transaction() as cur:
        write_frame(cur, schema.CREDIT_HOLDS, pd.DataFrame([_hold("h7", "K", "2025-06-25", True, "2025-06-25 10:00")]))
    with pytest.raises(DecisionError) as raised:
        limits.decide(ledger, ADMIN, proposed.decision_id, approve=True)
    assert raised.value.key == "limits.on_hold"
    assert _limit(ledger, "K") == [(10_000,)]
    rejected = limits.decide(ledger, ADMIN, proposed.decision_id, approve=False, note="client on hold")
    assert rejected.status == "rejected"
