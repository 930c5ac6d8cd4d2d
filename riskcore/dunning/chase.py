"""Dunning: who to chase first, and recording a reminder, call or formal notice."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from riskcore.access import auth
from riskcore.access.auth import User
from riskcore.dunning.records import write_action
from riskcore.dunning.scenario import LEVEL_ACTIONS
from riskcore.errors import DecisionError
from riskcore.storage.store import Store

LEVELS = tuple(sorted(LEVEL_ACTIONS))  # reminder, second reminder, call, formal notice (mise en demeure), litigation


def chase_first(clients: pd.DataFrame, top: int = 25) -> pd.DataFrame:
    """Clients with overdue amounts, ranked by overdue × probability of late payment × max days past due.

    `clients` is the per-client table (kpi.by_client joined with scores: overdue, p_score,
    max_days_past_due). The probability is the one the client's score rests on (riskcore.credit.scores
    `p_score`: under an early warning, that of its recent months). A client without a score counts
    as certain to pay late (1), so that a new or unscored account is never ranked below a known good payer.
    """
    late = clients[clients["overdue"].fillna(0) > 0]
    priority = late["overdue"].astype(float) * late["p_score"].fillna(1.0) * late["max_days_past_due"].fillna(0)
    return late.assign(priority=priority).sort_values("priority", ascending=False).head(top)


def record_action(
    store: Store,
    user: User,
    client_id: str,
    action_date: dt.date,
    level: int,
    channel: str,
    invoice_id: str | None = None,
    outcome: str | None = None,
    promise_date: dt.date | None = None,
) -> str:
    """Add one dunning action (roles with `dunning` only) in one transaction; returns its id."""
    auth.require(user, "dunning")
    if level not in LEVELS:
        raise DecisionError("dunning.bad_level", value=level)
    if promise_date is not None and promise_date < action_date:
        raise DecisionError("dunning.promise_before_action", promise=promise_date, action=action_date)
    row = {"client_id": client_id, "invoice_id": invoice_id, "action_date": action_date, "level": level,
           "channel": channel, "outcome": outcome, "promise_date": promise_date, "action": LEVEL_ACTIONS[level]}  # fmt: skip
    return write_action(store, user, row)  # imported actions keep the ids of their files; this one gets its own
