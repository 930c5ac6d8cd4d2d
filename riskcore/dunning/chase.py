"""Dunning: who to chase first (the late payers page's ranking; actions are recorded by riskcore.dunning.records)."""

from __future__ import annotations

import pandas as pd


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
