"""Rolling-origin backtest of the scoring model and of the early warning (issue 15 §1–2).

At each monthly origin O (the first day of a month) the model is trained as the workspace would
have trained it the evening before: the same point-in-time invoice features
(riskcore.credit.features), the outcomes known by the end of O - 1 (features.labels: settled within
late_days of the due date, or known to be later), the same contest of candidates
(riskcore.credit.model.train). It scores the invoices issued in [O, next O), each on its features
the day before its date, as it would have seen them.

An invoice is measured when horizon_days have passed after its due date, at `as_of`. The label
is the model's target, settled more than late_days after the due date, so it is fixed at
due + late_days; the margin beyond (HORIZON_MARGIN_DAYS) leaves time for payments posted after
the day they were made, which would otherwise count as late. Every invoice waits the same
horizon, paid or not: measuring the settled ones earlier would keep the early payers of the last
months and leave out the late ones still open, so the base rate would read too low. Invoices not
yet measurable at `as_of` are left out and counted.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score

from riskcore import config
from riskcore.credit import features, model
from riskcore.credit.rules import RecentView, apply_rules
from riskcore.errors import EncoursError
from riskcore.storage.store import Store

# Payments are often posted at the month-end close, up to a month after they were made: one month
# beyond late_days before an unpaid invoice is counted late.
HORIZON_MARGIN_DAYS = 30
# The client-rate baseline: its known outcomes plus this many pseudo outcomes at the overall rate,
# (late + k * overall) / (n + k); a client with 5 known outcomes is half its own rate, half everyone's.
SMOOTHING_CASES = 5
CALIBRATION_BINS = 10  # equal-width bins of the predicted probability, [0, 0.1) ... [0.9, 1]
SEVERE_DAYS = 60  # the early warning's record: an invoice still unpaid this many days after its due date
WARNING_WINDOW_DAYS = 183  # a warning counts for a severe invoice within the 6 months after it
LEAD_EDGES = (30, 60, 90, 120, 150, WARNING_WINDOW_DAYS)  # lead-time histogram, days (upper edges)

# What is scored at each origin: the model as chosen, the logistic candidate trained alone the
# same way, and two baselines a credit manager has without any model.
PREDICTORS = ("model", "logistic", "client_rate", "overall_rate")


def rolling(
    store: Store,
    origins: int = 12,
    horizon_days: int | None = None,
    late_days: int | None = None,
    as_of: dt.date | None = None,
) -> dict:
    """The model, its logistic candidate and two baselines at `origins` monthly origins, and pooled.

    Parameters
    ----------
    store
        The workspace.
    origins
        How many monthly origins: the months up to the latest one holding an invoice measurable at
        `as_of` (so that the last origins are not empty), each starting a month of test invoices.
    horizon_days
        Days after its due date at which an invoice is measured; None: late_days + HORIZON_MARGIN_DAYS.
        At least late_days, since the outcome is only settled then.
    late_days
        The lateness threshold of the target; None reads config scoring.late_days.
    as_of
        The day the outcomes are read at; None: the ledger's last date.

    Returns
    -------
    dict
        JSON-ready: as_of, late_days, horizon_days, smoothing_cases; `origins`, one dict per origin
        (origin, test_until, n_train, base_rate_train, chosen, issued, unknown, n, base_rate and
        `predictors`: for each of PREDICTORS auc, brier, log_loss, lift_top_decile, calibration);
        `pooled`, the same figures over every origin's test invoices; `early_warning`, its record
        at the same origins and the months after, up to `as_of` (see warning_record). Figures that
        cannot be computed (one class, no rows) are None.
    """
    if origins < 1:
        raise ValueError(f"origins must be >= 1, got {origins}")
    days = model.resolve_late_days(late_days)
    horizon = days + HORIZON_MARGIN_DAYS if horizon_days is None else horizon_days
    if horizon < days:
        raise ValueError(f"horizon_days must be >= late_days ({days}), got {horizon}")
    end = as_of or model.default_as_of(store)
    feats = model.invoice_features(store, days)
    feats = feats[feats["invoice_date"] <= pd.Timestamp(end)]
    known = measurable(feats, end, horizon)
    starts = origin_dates(feats, known, origins, horizon)
    _, y_end = features.labels(feats, end, days)
    rows, parts, watch = [], [], {}
    for origin, until in zip(starts, [*starts[1:], _next_month(starts[-1])], strict=True):
        summary, scored, fitted = _at_origin(feats, known, y_end, origin, until, days)
        rows.append(summary)
        parts.append(scored)
        watch[origin] = warnings_at(store, fitted, origin, days)
    # the early warning needs no outcome of the month's invoices, only the severe invoices that follow
    # (known up to `end`): it is also watched in the months after the last origin, up to `end`
    origin = _next_month(starts[-1])
    while origin <= end:
        chosen, _ = model.train(*model.training_set(feats, *training_rows(feats, origin, days)))
        watch[origin] = warnings_at(store, chosen, origin, days)
        origin = _next_month(origin)
    pooled = pd.concat(parts, ignore_index=True)
    return {
        "as_of": end.isoformat(),
        "late_days": days,
        "horizon_days": horizon,
        "smoothing_cases": SMOOTHING_CASES,
        "origins": rows,
        "pooled": {
            "issued": sum(r["issued"] for r in rows),
            "unknown": sum(r["unknown"] for r in rows),
            **_figures_of(pooled),
        },
        "early_warning": warning_record(feats, watch, end),
    }


def measurable(feats: pd.DataFrame, as_of: dt.date, horizon_days: int) -> pd.Series:
    """Invoices whose outcome is read at `as_of`: horizon_days past their due date, paid or not."""
    return feats["due_date"] + pd.Timedelta(days=int(horizon_days)) <= pd.Timestamp(as_of)


def origin_dates(feats: pd.DataFrame, known: pd.Series, count: int, horizon_days: int) -> list[dt.date]:
    """The first days of the `count` months up to that of the latest measurable invoice, after the first invoice.

    EncoursError when there is none: no invoice issued after the first month is measurable yet.
    """
    first = feats["invoice_date"].min()
    last = feats.loc[known, "invoice_date"].max() if known.any() else first
    starts = [(last - pd.DateOffset(months=k)).replace(day=1) for k in range(count - 1, -1, -1)]
    starts = [start.date() for start in starts if start > first]
    if not starts:
        raise EncoursError("scoring.backtest_too_short", horizon=horizon_days)
    return starts


def training_rows(feats: pd.DataFrame, origin: dt.date, late_days: int) -> tuple[pd.Series, pd.Series]:
    """(usable, late) as the workspace knew them on the evening before `origin` (features.labels)."""
    return features.labels(feats, origin - dt.timedelta(days=1), late_days)


def client_rate(feats: pd.DataFrame, usable: pd.Series, y: pd.Series, clients: pd.Series) -> np.ndarray:
    """Baseline (a): each client's known late rate, smoothed, (late + k * overall) / (n + k), k = SMOOTHING_CASES.

    A client with no known outcome gets the overall rate (baseline b, see overall_rate).
    """
    overall = overall_rate(y[usable])
    by_client = pd.DataFrame({"client_id": feats.loc[usable, "client_id"], "late": y[usable]}).groupby("client_id")
    rate = (by_client["late"].sum() + SMOOTHING_CASES * overall) / (by_client["late"].count() + SMOOTHING_CASES)
    return clients.map(rate).fillna(overall).to_numpy(dtype="float64")


def overall_rate(y: pd.Series) -> float:
    """Baseline (b): the late rate of every known outcome; 0.5 with none, the model's own no-information prior."""
    return float(y.mean()) if len(y) else 0.5


def _at_origin(
    feats: pd.DataFrame, known: pd.Series, y_end: pd.Series, origin: dt.date, until: dt.date, days: int
) -> tuple[dict, pd.DataFrame, object]:
    """One origin: its summary, its scored test invoices (late and one column per predictor), its fitted model."""
    usable, y = training_rows(feats, origin, days)
    X, target, dates = model.training_set(feats, usable, y)
    chosen, info = model.train(X, target, dates)
    # the same fit when the contest chose it (both deterministic): trained again only when it lost
    logistic = chosen if info["model"] == "logistic" else model.train(X, target, dates, only="logistic")[0]
    issued = (feats["invoice_date"] >= pd.Timestamp(origin)) & (feats["invoice_date"] < pd.Timestamp(until))
    test = feats[issued & known]
    X_test = features.matrix(test)
    with model.one_thread():
        p_model = chosen.predict_proba(X_test)[:, 1] if len(test) else np.empty(0)
        p_logistic = logistic.predict_proba(X_test)[:, 1] if len(test) else np.empty(0)
    scored = pd.DataFrame(
        {
            "late": y_end[test.index].to_numpy(),
            "model": p_model,
            "logistic": p_logistic,
            "client_rate": client_rate(feats, usable, y, test["client_id"]),
            "overall_rate": np.full(len(test), overall_rate(y[usable])),
        }
    )
    summary = {
        "origin": origin.isoformat(),
        "test_until": (until - dt.timedelta(days=1)).isoformat(),
        "n_train": len(target),
        "base_rate_train": float(target.mean()) if len(target) else None,
        "chosen": info["model"],
        "issued": int(issued.sum()),
        "unknown": int((issued & ~known).sum()),
        **_figures_of(scored),
    }
    return summary, scored, chosen


def _figures_of(scored: pd.DataFrame) -> dict:
    y = scored["late"]
    return {
        "n": len(y),
        "base_rate": float(y.mean()) if len(y) else None,
        "predictors": {name: figures(y, scored[name].to_numpy()) for name in PREDICTORS},
    }


def figures(y: pd.Series, p: np.ndarray) -> dict:
    """AUC, Brier score, log loss, top-decile lift and calibration of probabilities `p` against `y` (1 = late)."""
    both = y.nunique() == 2
    return {
        "auc": float(roc_auc_score(y, p)) if both else None,
        "brier": float(brier_score_loss(y, p, labels=[0, 1])) if len(y) else None,
        "log_loss": float(log_loss(y, np.clip(p, 1e-15, 1 - 1e-15), labels=[0, 1])) if len(y) else None,
        "lift_top_decile": top_decile_lift(y.to_numpy(), p),
        "calibration": calibration(y.to_numpy(), p),
    }


def top_decile_lift(y: np.ndarray, p: np.ndarray) -> float | None:
    """Late rate of the riskiest tenth (by p) over the base rate; None with no rows or no late one.

    Exactly n / 10 invoices, a tie across the cut counted in proportion, so that a constant p (the
    overall-rate baseline) reads 1 rather than whatever order the ties happen to be in.
    """
    if not len(y) or not y.any():
        return None
    top = len(y) / 10
    taken = late = 0.0
    for value in np.unique(p)[::-1]:
        tied = p == value
        share = min(1.0, (top - taken) / tied.sum())
        taken += share * tied.sum()
        late += share * y[tied].sum()
        if taken >= top:
            break
    return float((late / top) / y.mean())


def calibration(y: np.ndarray, p: np.ndarray) -> list[dict]:
    """Per CALIBRATION_BINS equal-width bin of p: its bounds, n, mean predicted and observed late rate (None if empty)."""
    which = np.minimum((p * CALIBRATION_BINS).astype(int), CALIBRATION_BINS - 1)
    out = []
    for b in range(CALIBRATION_BINS):
        inside = which == b
        n = int(inside.sum())
        out.append(
            {
                "from": b / CALIBRATION_BINS,
                "to": (b + 1) / CALIBRATION_BINS,
                "n": n,
                "mean_predicted": float(p[inside].mean()) if n else None,
                "observed_rate": float(y[inside].mean()) if n else None,
            }
        )
    return out


# --- the early warning's record ---------------------------------------------------------------------


def warnings_at(store: Store, fitted: object, origin: dt.date, late_days: int) -> tuple[set[str], set[str]]:
    """(scored, warned): the clients with an invoice by the evening before `origin` and those of them
    under early warning then, with the model fitted then.

    The rule is riskcore.credit.rules.apply_rules as riskcore.credit.scores applies it; the later
    rules (91+ days, litigation) only cap the grade, so the client's status does not enter.
    """
    clients = features.client_features(store.cursor(), origin - dt.timedelta(days=1), late_days)
    if clients.empty:
        return set(), set()
    with model.one_thread():
        p = fitted.predict_proba(features.matrix(clients))[:, 1]
        p_recent = fitted.predict_proba(features.matrix(features.recent_view(clients)))[:, 1]
    warned = set()
    for i, row in enumerate(clients.to_dict("records")):
        days = row["days_late_3m"] if row["settled_amount_3m"] > 0 else None
        recent = RecentView(100.0 * (1.0 - p_recent[i]), row["n_known_3m"], row["n_late_3m"], days)
        if "early_warning" in apply_rules(100.0 * (1.0 - p[i]), row["n_settled"], row["max_dpd"], None, recent).rules:
            warned.add(row["client_id"])
    return set(clients.loc[clients["tenure_days"] > 0, "client_id"]), warned


def severe_dates(feats: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """(client_id, date): each invoice still unpaid SEVERE_DAYS after its due date, on that day, up to `as_of`."""
    on = feats["due_date"] + pd.Timedelta(days=SEVERE_DAYS)
    severe = (feats["settle_date"].isna() | (feats["settle_date"] > on)) & (on <= pd.Timestamp(as_of))
    return pd.DataFrame({"client_id": feats.loc[severe, "client_id"], "date": on[severe].dt.date})


def warning_record(feats: pd.DataFrame, watch: dict[dt.date, tuple[set[str], set[str]]], as_of: dt.date) -> dict:
    """Lead time and precision of the early warning at each origin (`watch`: origin -> (scored, warned) clients).

    Lead time, for each client whose invoices turn severe (SEVERE_DAYS unpaid after the due date):
    its first onset, a severe date with none in the WARNING_WINDOW_DAYS before, dated at least that
    window after the first origin so that the whole window is watched; the lead is that date minus
    the first origin within the window at which the warning fired (none: missed). Clients already
    severe throughout are counted apart (`already_severe`): a warning of change cannot be early there.
    Precision: of the warnings fired at least the window before `as_of`, the share followed by a
    severe date of the client within the window (from the origin on); `base_rate`, the same share
    over every client scored at those origins, warned or not, is what chance alone would give.
    """
    window = dt.timedelta(days=WARNING_WINDOW_DAYS)
    origins = sorted(watch)
    warned = {o: watch[o][1] for o in origins}
    severe = severe_dates(feats, as_of)
    by_client = severe.groupby("client_id")["date"].apply(sorted).to_dict() if len(severe) else {}
    leads, missed, already = [], 0, 0
    for client, dates in by_client.items():
        watched = [d for d in dates if d >= origins[0] + window]
        onset = next((d for d in watched if not any(d - window <= e < d for e in dates)), None)
        if onset is None:
            already += bool(watched)
            continue
        fired = [o for o in origins if onset - window <= o <= onset and client in warned[o]]
        if fired:
            leads.append((onset - fired[0]).days)
        else:
            missed += 1

    def followed(client: str, origin: dt.date) -> bool:
        return any(origin <= d <= origin + window for d in by_client.get(client, ()))

    closed = [o for o in origins if o + window <= as_of]
    fired = [(c, o) for o in closed for c in warned[o]]
    scored = [(c, o) for o in closed for c in watch[o][0]]
    hits = sum(followed(c, o) for c, o in fired)
    return {
        "enabled": bool(config.get().scoring.early_warning),
        "severe_days": SEVERE_DAYS,
        "window_days": WARNING_WINDOW_DAYS,
        "origins": [o.isoformat() for o in origins],
        "onsets": len(leads) + missed,
        "warned_before": len(leads),
        "share_warned": len(leads) / (len(leads) + missed) if leads or missed else None,
        "already_severe": already,
        "lead_days": _distribution(leads),
        "warnings": len(fired),
        "warnings_pending": sum(len(warned[o]) for o in origins if o not in closed),
        "warned_clients": len(set().union(*warned.values())),
        "followed": hits,
        "precision": hits / len(fired) if fired else None,
        "base_rate": sum(followed(c, o) for c, o in scored) / len(scored) if scored else None,
    }


def _distribution(leads: list[int]) -> dict:
    """Median, quartiles, the sorted values and a histogram of lead times in days (bins up to LEAD_EDGES)."""
    ordered = sorted(leads)
    histogram, low = [], 0
    for high in LEAD_EDGES:
        histogram.append({"from": low, "to": high, "n": sum(low <= v <= high for v in ordered)})
        low = high + 1
    return {
        "median": float(np.median(ordered)) if ordered else None,
        "quartiles": [float(q) for q in np.percentile(ordered, [25, 75])] if ordered else None,
        "values": ordered,
        "histogram": histogram,
    }


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
