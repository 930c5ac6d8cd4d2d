"""The score table of the `score` command (DESIGN.md): each client's score beside its limits.

It joins the scores (riskcore.credit.scores) and the suggested limits built on them
(riskcore.credit.limits), so it sits above both.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from riskcore.credit import limits
from riskcore.credit.scores import client_scores
from riskcore.storage.store import Store

TABLE_COLUMNS = ["client_id", "score", "grade", "p_late", "suggested_limit", "credit_limit", "outstanding", "reasons"]


def score_table(store: Store, as_of: dt.date, lang: str | None = None) -> pd.DataFrame:
    """DESIGN.md `score` output, riskiest first: score, grade, p_late, limits, outstanding, reasons as text.

    Parameters
    ----------
    store
        The workspace.
    as_of
        The date the clients are scored and their balances taken at.
    lang
        The language of the reasons (`fr`, `en`; None: the default language), joined by "; ".

    Returns
    -------
    pandas.DataFrame
        TABLE_COLUMNS, one row per scored client, by score then client_id.
    """
    scores = client_scores(store, as_of)
    suggested = limits.suggest(store.cursor(), scores, as_of)
    table = scores.merge(suggested, on="client_id", how="left")
    table["reasons"] = ["; ".join(r.text(lang) for r in reasons) for reasons in table["reasons"]]
    return table.sort_values(["score", "client_id"]).reset_index(drop=True)[TABLE_COLUMNS]
