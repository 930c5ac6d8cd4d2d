"""A score's reasons in plain words (issue 5 §3, DOMAIN.md §7).

The model's drivers of a client are the feature groups (riskcore.credit.features.GROUPS) that move
its log-odds most against the population's median; each is worded with the client's own figures,
never with a window's fallback value. With the reasons of the rules that fired, they are what a
client's score says about itself.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from riskcore import config
from riskcore.credit import features
from riskcore.messages import Reason

DRIVER_MIN_EFFECT = 0.10  # log-odds a group must move to be named as a driver
MAX_DRIVERS = 3


def drivers(base: Any | None, X: pd.DataFrame) -> pd.DataFrame:
    """Per client and feature group: log-odds moved by the client's values against the population's median.

    Positive means the client's own values raise its risk (adverse). Each group is switched to
    the median as a whole, so correlated features are measured together.

    Parameters
    ----------
    base
        The uncalibrated model whose `decision_function` gives the log-odds
        (riskcore.credit.model.explaining), None when the base rate scores (no drivers then).
    X
        The model matrix of the clients (riskcore.credit.features.matrix).

    Returns
    -------
    pandas.DataFrame
        One row per row of `X`, one column per group of GROUPS; no columns without a model.
    """
    if base is None or X.empty:
        return pd.DataFrame(index=X.index)
    median = X.median()
    variants = [X]
    for cols in features.GROUPS.values():
        variant = X.copy()
        variant[list(cols)] = median[list(cols)].to_numpy()
        variants.append(variant)
    logits = np.asarray(base.decision_function(pd.concat(variants, ignore_index=True))).reshape(len(variants), len(X))
    return pd.DataFrame((logits[0] - logits[1:]).T, index=X.index, columns=list(features.GROUPS))


def client_reasons(
    row: dict,
    rule_reasons: tuple[Reason, ...],
    effects: dict[str, float] | None,
    median: dict[str, float],
    no_model: bool,
    grade: str | None = None,
    little_data: bool = False,
) -> tuple[Reason, ...]:
    """The reasons shown with a client's score: the rules', then "no model", then its main drivers.

    A client none of these speaks for gets the plain reason of a typical client (its lateness),
    called typical only when its grade is not an extreme one. With too little history in the
    workspace (the `little_data` rule), the model's drivers are not named, since they were learnt
    from almost nothing: the client's own lateness and overdue items are stated as plain facts.

    Parameters
    ----------
    row
        The client's features (one row of riskcore.credit.features.client_features, as a dict).
    rule_reasons
        The reasons of the rules that fired (riskcore.credit.rules.apply_rules).
    effects
        The client's row of `drivers`, by group; None when there is no model to explain.
    median
        The population's median of each client figure, by column.
    no_model
        True when the base rate scores (too few outcomes to train on): said so.
    grade
        The client's grade after the rules; None reads as a middle one.
    little_data
        True when the workspace's history is too small to learn from (rules.TrainingSize).

    Returns
    -------
    tuple of Reason
        In the order shown.
    """
    if little_data:
        return (*rule_reasons, *_facts(row))
    explained = _explain(row, effects, median) if effects is not None else []
    said = [Reason("scoring.no_model", {})] if no_model else []
    return (*rule_reasons, *said, *explained) or (_typical(row, grade),)


def _facts(row: dict) -> tuple[Reason, ...]:
    """The client's lateness and overdue items, worded without any comparison with other clients."""
    facts = []
    if row["n_settled"] > 0:
        facts.append(_plain_lateness(row))
    if row["n_overdue"] > 0:
        params = {"count": row["n_overdue"], "amount": row["overdue_amount"], "days": row["max_dpd"]}
        facts.append(Reason("scoring.overdue_now", params))
    return tuple(facts)


def _driver_reasons(group: str, adverse: bool, row: dict) -> tuple[Reason, ...]:
    """Plain words for one driver, with the client's own figures; none when the figures are not facts.

    A window with nothing in it carries a fallback value in the features (the wider window's), which
    the model may use but a reason must not word as what happened in that window.
    """
    worsening = config.get().kpi.worsening_days
    if group == "lateness":
        return _lateness_reasons(adverse, row, worsening)
    if group == "due_lately":
        return _due_lately_reasons(adverse, row, worsening)
    if group == "overdue":
        if adverse:
            params = {"count": row["n_overdue"], "amount": row["overdue_amount"], "days": row["max_dpd"]}
            return (Reason("scoring.overdue_now", params),)
        if row["n_overdue"] == 0:
            return (Reason("scoring.nothing_overdue", {}),)
        return (Reason("scoring.little_overdue", {"amount": row["overdue_amount"]}),)
    if group == "history":
        key = "short_history" if adverse else "long_history"
        return (Reason(f"scoring.{key}", {"count": row["n_settled"], "months": row["tenure_days"] / 30.44}),)
    simple = {
        "exposure": ("large_balance", "small_balance", {"count": row["n_open"], "amount": row["open_amount"]}),
        "disputes": ("disputes", "no_disputes", {"count": row["n_disputes"]}),
        "dunning": ("dunned", "rarely_dunned", {"count": row["n_dunning"], "recent": row["n_dunning_90d"]}),
        "terms": ("long_terms", "short_terms", {"days": row["terms_days"]}),
    }
    bad, good, params = simple[group]
    return (Reason(f"scoring.{bad if adverse else good}", params),)


def _lateness_reasons(adverse: bool, row: dict, worsening: float) -> tuple[Reason, ...]:
    """Days late over 12 months (over the whole history when nothing was settled in them), the trend
    when something was settled over the last 3 months, and the write-offs counted in the figure."""
    days, recent = row["days_late_12m"], row["days_late_3m"]  # raw: text() rounds them
    if row["n_settled"] == 0:  # no days late at all: the outcomes and the overdue items speak instead
        return ()
    if row["settled_amount_12m"] <= 0:  # days_late_12m is then the whole history's figure
        main, written_off = Reason("scoring.pays_late_history", {"days": days}), row["n_written_off"]
    else:
        trend = recent - row["days_late_prior"] if row["settled_amount_3m"] > 0 and adverse else 0.0
        key = (
            "pays_better_than_most"
            if not adverse
            else "pays_late_worsening"
            if trend >= worsening
            else "pays_late_improving"
            if trend <= -worsening
            else "pays_late"
        )
        params = {"days": days} if key == "pays_better_than_most" else {"days": days, "recent": recent}
        main, written_off = Reason(f"scoring.{key}", params), row["n_written_off_12m"]
    if written_off > 0:  # an invoice written off counts as closed on that date: say so beside the figure
        return main, Reason("scoring.written_off_in_figure", {"count": written_off})
    return (main,)


def _due_lately_reasons(adverse: bool, row: dict, worsening: float) -> tuple[Reason, ...]:
    """Invoices due in the last 3 months, open ones at their lateness so far, against the year before."""
    if row["due_amount_3m"] <= 0:  # nothing fell due lately: the figures are the older history's
        return ()
    if not adverse:  # below the median, which may itself be far from on time
        on_time = row["due_late_3m"] <= config.get().scoring.on_time_days
        key = "scoring.due_lately_on_time" if on_time else "scoring.due_lately_less_late"
        return (Reason(key, {"days": row["due_late_3m"]}),)
    if row["due_amount_prior"] <= 0:  # nothing fell due in the year before: no comparison to make
        return (Reason("scoring.due_lately_late_alone", {"days": row["due_late_3m"]}),)
    worse = row["due_late_3m"] - row["due_late_prior"] >= worsening
    params = {"days": row["due_late_3m"], "before": row["due_late_prior"]}
    return (Reason("scoring.due_lately_worsening" if worse else "scoring.due_lately_late", params),)


def _typical(row: dict, grade: str | None) -> Reason:
    """The reason of a client close to the population on every driver: its lateness, plainly.

    "Like most clients" is not said beside the best or the worst grade, which no typical client gets
    (on a small or one-sided ledger the model may still put one there).
    """
    if grade in (config.GRADES[0], config.GRADES[-1]):
        return _plain_lateness(row)
    key = "scoring.typical" if row["settled_amount_12m"] > 0 else "scoring.typical_history"
    return Reason(key, {"days": row["days_late_12m"], "count": row["n_settled"]})


def _plain_lateness(row: dict) -> Reason:
    """Days late over 12 months, or over the whole history when nothing was settled in them, and the count settled."""
    key = "scoring.lateness_fact" if row["settled_amount_12m"] > 0 else "scoring.typical_history"
    return Reason(key, {"days": row["days_late_12m"], "count": row["n_settled"]})


# Per group, the client's figure that says which way it points and whether more of it is worse. A
# driver is named only when the model's direction agrees with it (a client is not told that having
# no dispute hurts its score because disputes happen to go with large, punctual accounts).
_DIRECTION = {
    "lateness": ("days_late_12m", True),
    "due_lately": ("due_late_3m", True),
    "overdue": ("overdue_amount", True),
    "exposure": ("open_amount", True),
    "history": ("n_settled", False),
    "disputes": ("n_disputes", True),
    "dunning": ("n_dunning", True),
    "terms": ("terms_days", True),
}


def _explain(row: dict, effects: dict[str, float], median: dict[str, float]) -> list[Reason]:
    """The client's main drivers: the groups that move its log-odds most, worded with its own figures."""
    kept = {}
    for group, effect in effects.items():
        column, more_is_worse = _DIRECTION[group]
        above = row[column] > median[column]
        below = row[column] < median[column]
        worse_side = above if more_is_worse else below
        better_side = below if more_is_worse else above
        if abs(effect) >= DRIVER_MIN_EFFECT and ((effect > 0 and worse_side) or (effect < 0 and better_side)):
            kept[group] = effect
    worded = (_driver_reasons(group, kept[group] > 0, row) for group in sorted(kept, key=lambda g: -abs(kept[g])))
    return [reason for reasons in [w for w in worded if w][:MAX_DRIVERS] for reason in reasons]
