"""Chasing late payers: who first, and recording an action with its author."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from riskcore.access.auth import User
from riskcore.dunning import chase, records
from riskcore.errors import DecisionError, PermissionDenied
from riskcore.storage import schema
from riskcore.storage.store import write_frame

MANAGER = User("marie@acme", "credit_manager")
CFO = User("paul@acme", "viewer")


def test_chase_first_ranks_by_overdue_times_probability_times_days_past_due():
    clients = pd.DataFrame(
        {
            "client_id": ["A", "B", "C", "D", "E"],
            "overdue": [10_000.0, 40_000.0, 5_000.0, 0.0, 2_000.0],
            "p_score": [0.9, 0.2, None, 0.99, 0.5],
            "max_days_past_due": [30, 20, 40, 90, None],
        }
    )
    ranked = chase.chase_first(clients)
    # A: 10 000 x 0.9 x 30 = 270 000; B: 40 000 x 0.2 x 20 = 160 000;
    # C: unscored counts as 1 -> 5 000 x 1 x 40 = 200 000; E: 2 000 x 0.5 x 0 = 0; D has nothing overdue
    assert list(ranked["client_id"]) == ["A", "C", "B", "E"]
    assert list(ranked["priority"]) == [270_000.0, 200_000.0, 160_000.0, 0.0]


def _client(store) -> None:
    with store.transaction() as cur:
        write_frame(cur, schema.CLIENTS, pd.DataFrame({"client_id": ["C1"], "name": ["Dupont SA"]}))


def test_a_credit_manager_records_an_action_with_her_name(store):
    _client(store)
    action_id = records.record_action(
        store, MANAGER, "C1", dt.date(2026, 3, 2), "formal_notice", channel="LRAR", outcome="reached"
    )
    rows = (
        store.cursor()
        .execute(
            "SELECT client_id, level, channel, action, outcome, recorded_by FROM dunning_actions WHERE action_id = $a",
            {"a": action_id},
        )
        .fetchall()
    )
    # a formal notice is level 4 of the dunning ladder (DOMAIN §9), recorded under her name
    assert rows == [("C1", 4, "LRAR", "formal_notice", "reached", "marie@acme")]


def test_a_viewer_cannot_record_an_action_and_nothing_is_written(store):
    _client(store)
    with pytest.raises(PermissionDenied):
        records.record_action(store, CFO, "C1", dt.date(2026, 3, 2), "reminder_email", channel="email")
    assert store.cursor().execute("SELECT count(*) FROM dunning_actions").fetchall() == [(0,)]


@pytest.mark.parametrize(
    ("client", "action", "outcome", "key"),
    [
        ("C1", "fax", None, "dunning.bad_action"),
        ("C1", "call", "promesse", "dunning.bad_outcome"),
        ("C9", "call", None, "dunning.unknown_client"),
    ],
)
def test_a_bad_action_is_refused_with_its_reason(store, client, action, outcome, key):
    _client(store)
    with pytest.raises(DecisionError) as err:
        records.record_action(store, MANAGER, client, dt.date(2026, 3, 2), action, channel="phone", outcome=outcome)
    assert err.value.key == key
    assert store.cursor().execute("SELECT count(*) FROM dunning_actions").fetchall() == [(0,)]


def test_a_promise_dated_before_it_was_made_is_refused(store):
    _client(store)
    with pytest.raises(DecisionError) as err:
        records.record_promise(store, MANAGER, "C1", dt.date(2026, 3, 2), dt.date(2026, 3, 1), 500.0)
    assert err.value.key == "dunning.promise_before_action"
    assert store.cursor().execute("SELECT count(*) FROM promises").fetchall() == [(0,)]
