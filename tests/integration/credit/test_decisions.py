"""Credit-limit decisions (issue 5 §4): who may propose, apply and approve, and every change kept.

Thresholds from config.yaml: approval above 50 000 or above +50 % of the previous limit.
Roles: viewer changes nothing; credit_manager proposes and applies within the threshold; admin
also approves above it, but never their own proposal.
"""

from __future__ import annotations

import pandas as pd
import pytest

from riskcore.access.auth import User
from riskcore.credit import limits
from riskcore.errors import DecisionError, PermissionDenied
from riskcore.storage import schema
from riskcore.storage.store import write_frame

MANAGER = User("claire.martin", "credit_manager")
ADMIN = User("paul.durand", "admin")
OTHER_ADMIN = User("anne.roux", "admin")
VIEWER = User("cfo", "viewer")


@pytest.fixture
def ledger(store):
    clients = pd.DataFrame(
        [
            {"client_id": "C1", "name": "Alpha", "credit_limit": 20_000},
            {"client_id": "C2", "name": "Beta", "credit_limit": None},
        ]
    )
    with store.transaction() as cur:
        write_frame(cur, schema.CLIENTS, clients)
    return store


def _limit(store, client_id):
    return (
        store.cursor()
        .execute("SELECT credit_limit FROM clients WHERE client_id = $c", {"c": client_id})
        .fetchall()[0][0]
    )


def test_a_change_within_the_threshold_is_applied_at_once(ledger):
    # 20 000 -> 28 000: +40 %, not above 50 000: no second person needed
    decision = limits.propose(ledger, MANAGER, "C1", 28_000, "orders up after the new contract", suggested_limit=27_000)
    assert (decision.status, decision.previous_limit, decision.new_limit) == ("applied", 20_000, 28_000)
    assert decision.decided_by == "claire.martin"
    assert _limit(ledger, "C1") == 28_000
    assert limits.pending(ledger.cursor()).empty


def test_above_the_threshold_a_second_person_approves(ledger):
    # 20 000 -> 60 000: above 50 000 (and +200 %): pending until an admin approves
    version = ledger.data_version()
    proposed = limits.propose(ledger, MANAGER, "C1", 60_000, "insurer raised its cover", suggested_limit=58_000)
    assert proposed.status == "pending"
    assert _limit(ledger, "C1") == 20_000  # nothing applied yet
    assert list(limits.pending(ledger.cursor())["decision_id"]) == [proposed.decision_id]
    assert ledger.data_version() == version + 1  # one write, one transaction

    approved = limits.decide(ledger, ADMIN, proposed.decision_id, approve=True, note="checked the insurer's letter")
    assert (approved.status, approved.decided_by) == ("applied", "paul.durand")
    assert _limit(ledger, "C1") == 60_000
    assert limits.pending(ledger.cursor()).empty
    history = limits.history(ledger.cursor(), "C1")
    row = history.iloc[0]
    assert (row["previous_limit"], row["new_limit"], row["suggested_limit"]) == (20_000, 60_000, 58_000)
    assert (row["proposed_by"], row["decided_by"], row["status"]) == ("claire.martin", "paul.durand", "applied")
    assert row["reason"] == "insurer raised its cover\n[paul.durand] checked the insurer's letter"


def test_an_admin_above_the_threshold_also_needs_a_second_person(ledger):
    proposed = limits.propose(ledger, ADMIN, "C1", 80_000, "group guarantee")
    assert proposed.status == "pending"
    with pytest.raises(DecisionError) as raised:
        limits.decide(ledger, ADMIN, proposed.decision_id, approve=True)
    assert raised.value.key == "limits.own_proposal"
    assert _limit(ledger, "C1") == 20_000
    assert limits.decide(ledger, OTHER_ADMIN, proposed.decision_id, approve=True).status == "applied"
    assert _limit(ledger, "C1") == 80_000


def test_a_rejected_proposal_leaves_the_limit(ledger):
    proposed = limits.propose(ledger, MANAGER, "C1", 100_000, "big tender")
    rejected = limits.decide(ledger, ADMIN, proposed.decision_id, approve=False, note="too exposed")
    assert (rejected.status, rejected.decided_by) == ("rejected", "paul.durand")
    assert _limit(ledger, "C1") == 20_000
    # only a pending proposal can be decided
    with pytest.raises(DecisionError) as raised:
        limits.decide(ledger, OTHER_ADMIN, proposed.decision_id, approve=True)
    assert raised.value.key == "limits.not_pending"


def test_a_viewer_cannot_propose_and_a_manager_cannot_approve(ledger):
    with pytest.raises(PermissionDenied):
        limits.propose(ledger, VIEWER, "C1", 10_000, "looks risky")
    proposed = limits.propose(ledger, MANAGER, "C1", 90_000, "seasonal peak")
    with pytest.raises(PermissionDenied):
        limits.decide(ledger, User("bob", "credit_manager"), proposed.decision_id, approve=True)
    assert limits.history(ledger.cursor(), "C1")["status"].tolist() == ["pending"]  # the viewer wrote nothing


@pytest.mark.parametrize(
    ("client_id", "new_limit", "reason", "key"),
    [
        ("C1", 10_000, "", "limits.reason_required"),
        ("C1", 10_000, "   ", "limits.reason_required"),
        ("C1", -1, "typo", "limits.bad_limit"),
        ("C1", float("nan"), "typo", "limits.bad_limit"),
        ("NOPE", 10_000, "new client", "limits.unknown_client"),
    ],
)
def test_bad_proposals_are_refused_and_write_nothing(ledger, client_id, new_limit, reason, key):
    version = ledger.data_version()
    with pytest.raises(DecisionError) as raised:
        limits.propose(ledger, MANAGER, client_id, new_limit, reason)
    assert raised.value.key == key
    assert limits.history(ledger.cursor()).empty
    assert ledger.data_version() == version  # rolled back: not even the version moved


def test_a_first_limit_and_a_cut_are_applied_and_every_change_is_kept(ledger):
    limits.propose(ledger, MANAGER, "C2", 15_000, "first order")  # no previous limit, under 50 000
    limits.propose(ledger, MANAGER, "C1", 5_000, "payments stopped")  # a cut never waits
    assert (_limit(ledger, "C2"), _limit(ledger, "C1")) == (15_000, 5_000)
    history = limits.history(ledger.cursor())
    assert sorted(history["client_id"]) == ["C1", "C2"]
    previous = history.set_index("client_id")["previous_limit"]
    assert pd.isna(previous["C2"])  # no limit before
    assert previous["C1"] == 20_000


def test_approval_records_the_limit_in_force_when_it_is_applied(ledger):
    # two proposals on C1: a pending increase, then a cut applied at once
    pending_one = limits.propose(ledger, MANAGER, "C1", 70_000, "new site")
    limits.propose(ledger, MANAGER, "C1", 15_000, "late payments")
    approved = limits.decide(ledger, ADMIN, pending_one.decision_id, approve=True)
    # the history shows the change actually made: from 15 000 (in force then) to 70 000
    assert (approved.previous_limit, approved.new_limit) == (15_000, 70_000)
    assert _limit(ledger, "C1") == 70_000
