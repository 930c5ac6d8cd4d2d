"""Client score with reasons (issue 5 §2–3, DOMAIN.md §7).

A calibrated probability that a new invoice is paid more than `scoring.late_days` late,
learnt from point-in-time invoice features (riskcore.credit.features); a regularised logistic
regression and gradient-boosted trees compete on the last ~20 % of the training period.
Score = 100 × (1 − p), graded A–E by config, then the rules of DOMAIN.md §7. Every score
carries its reasons: the rules that fired and the client's main drivers.

The fitted model (skops) and its JSON card live beside the workspace, one folder per as-of
date (`<db>.models/<as_of>_late<N>/`); a model is retrained when the data version, the as-of
date, the lateness threshold or the feature list differs from its card, and kept in memory
per (workspace, data version, as-of) so repeated calls are instant. Training and prediction
run on one thread (see `_one_thread`).
"""

from __future__ import annotations

import datetime as dt
import json
import platform
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import sklearn
import skops
import skops.io as sio
from sklearn.calibration import CalibratedClassifierCV
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, brier_score_loss, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from riskcore import config, i18n
from riskcore.credit import features
from riskcore.errors import EncoursError
from riskcore.storage import store as store_mod
from riskcore.storage.store import Store

CARD_VERSION = 2  # bump when the features or the training change: older cards are retrained
MAX_STORED_MODELS = 6  # fitted models kept per workspace, most recently fitted first
MAX_TRAIN_ROWS = 250_000  # most recent usable invoices; keeps 1 M-invoice ledgers within the time budget
MIN_TRAIN_ROWS = 30  # fewer, or fewer than MIN_CLASS_ROWS of a class: the smoothed base rate
MIN_CLASS_ROWS = 5
MIN_VALIDATION_ROWS = 50  # fewer in the last 20 %: one logistic regression, uncalibrated
VALIDATION_SHARE = 0.2
DRIVER_MIN_EFFECT = 0.10  # log-odds a group must move to be named as a driver
MAX_DRIVERS = 3
TRUSTED_PREFIXES = ("sklearn.", "numpy.", "scipy.", "builtins.", "collections.")

SCORE_COLUMNS = [
    "client_id", "score", "grade", "p_late", "p_recent", "p_score", "reasons", "rules", "settled_invoices",
]  # fmt: skip
TABLE_COLUMNS = ["client_id", "score", "grade", "p_late", "suggested_limit", "credit_limit", "outstanding", "reasons"]


# --- reasons ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    """A message key of scoring.yaml / limits.yaml and its raw values, worded on display."""

    key: str
    params: dict = field(default_factory=dict)

    def text(self, lang: str | None = None) -> str:
        """The reason in `lang`, amounts, shares and day counts formatted for that language."""
        return i18n.t(self.key, lang, **{k: _fmt(k, v, lang) for k, v in self.params.items()})


def _fmt(name: str, value: object, lang: str | None) -> object:
    """Format a parameter by its name: *amount* as money, share as %, factor and AUC with decimals."""
    if isinstance(value, str) or value is None:
        return value
    if "amount" in name:
        return i18n.fmt_amount(float(value), lang, config.get().app.currency, decimals=0)
    if name == "share":
        return i18n.fmt_pct(float(value), lang, decimals=0)
    return i18n.fmt_number(float(value), lang, decimals=_DECIMALS.get(name, 0))


_DECIMALS = {"factor": 2, "auc": 3, "threshold": 2}  # other numbers are day and invoice counts


# --- the model -------------------------------------------------------------------------------


def _candidates() -> dict[str, Callable[[], Any]]:
    """The competing models, unfitted."""
    return {
        # newton-cholesky: a few exact steps, fast when rows far outnumber features
        "logistic": lambda: make_pipeline(
            StandardScaler(), LogisticRegression(C=0.5, solver="newton-cholesky", max_iter=200)
        ),
        "gradient_boosting": lambda: HistGradientBoostingClassifier(
            learning_rate=0.08,
            max_iter=300,
            max_leaf_nodes=31,
            min_samples_leaf=40,
            l2_regularization=1.0,
            early_stopping=True,
            n_iter_no_change=20,
            random_state=0,
        ),
    }


def _prior(y: pd.Series) -> DummyClassifier:
    """The base rate smoothed by one pseudo case of each class: (late + 1) / (n + 2)."""
    pseudo = pd.Series([0, 1], dtype="int64")
    target = pd.concat([y.reset_index(drop=True), pseudo], ignore_index=True)
    frame = pd.DataFrame(0.0, index=range(len(target)), columns=list(features.FEATURES))
    return DummyClassifier(strategy="prior").fit(frame, target)


def _metrics(y: pd.Series, p: np.ndarray) -> dict[str, float | None]:
    both = y.nunique() == 2
    return {
        "auc": float(roc_auc_score(y, p)) if both else None,
        "brier": float(brier_score_loss(y, p, labels=[0, 1])) if len(y) else None,
        "accuracy": float(accuracy_score(y, (p >= 0.5).astype(int))) if len(y) else None,
    }


def _one_thread() -> threadpool_limits:
    """Fit and predict on one thread: on a shared two-core server, OpenMP's threads fight the other
    work (gradient boosting on 250 000 rows took 63 s with two threads against 4 s with one, measured
    under load); one thread is also what a busy Streamlit server can spare."""
    return threadpool_limits(limits=1)


def _train(X: pd.DataFrame, y: pd.Series, dates: pd.Series) -> tuple[Any, dict]:
    """Choose by time-split validation, then calibrate on that validation part.

    Returns the fitted model (predict_proba) and what the card says about its training.
    """
    with _one_thread():
        return _select(X, y, dates)


def _select(X: pd.DataFrame, y: pd.Series, dates: pd.Series) -> tuple[Any, dict]:
    late = int(y.sum())
    if len(y) < MIN_TRAIN_ROWS or min(late, len(y) - late) < MIN_CLASS_ROWS:
        return _prior(y), {"model": "prior", "calibration": None, "validation": None}
    start = dates.min() + (dates.max() - dates.min()) * (1 - VALIDATION_SHARE)
    valid = (dates >= start).to_numpy()
    if valid.sum() < MIN_VALIDATION_ROWS or y[valid].nunique() < 2 or y[~valid].nunique() < 2:
        model = _candidates()["logistic"]().fit(X, y)
        return model, {"model": "logistic", "calibration": None, "validation": None}
    fitted, results = {}, {}
    for name, make in _candidates().items():
        fitted[name] = make().fit(X[~valid], y[~valid])
        results[name] = _metrics(y[valid], fitted[name].predict_proba(X[valid])[:, 1])
    best = max(results, key=lambda k: (results[k]["auc"], k == "logistic"))  # a tie goes to the simpler model
    # Sigmoid, not isotonic: isotonic steps give many clients the same score and ties blur the ranking.
    method = "sigmoid"
    model = CalibratedClassifierCV(FrozenEstimator(fitted[best]), method=method).fit(X[valid], y[valid])
    validation = {
        "from": start.date().isoformat(),
        "rows": int(valid.sum()),
        "base_rate": float(y[valid].mean()),
        "candidates": results,
        "calibrated_brier_in_sample": _metrics(y[valid], model.predict_proba(X[valid])[:, 1])["brier"],
    }
    return model, {"model": best, "calibration": method, "validation": validation}


def _base(model: Any) -> Any | None:
    """The uncalibrated model whose log-odds explain a score; None for the base rate."""
    if isinstance(model, DummyClassifier):
        return None
    if isinstance(model, CalibratedClassifierCV):
        return model.estimator.estimator
    return model


@dataclass(frozen=True)
class _Fitted:
    model: Any
    card: dict


def _late_days(late_days: int | None) -> int:
    days = config.get().scoring.late_days if late_days is None else late_days
    if days < 0:
        raise ValueError(f"late_days must be >= 0, got {days}")
    return days


_LOCK = threading.RLock()
_MODELS: dict[tuple, _Fitted] = {}
_SCORES: dict[tuple, pd.DataFrame] = {}
_INVOICE_FEATURES: dict[tuple, pd.DataFrame] = {}
_CLIENT_FEATURES: dict[tuple, pd.DataFrame] = {}


def _remember(cache: dict, key: tuple, value: object, size: int = 8) -> None:
    cache[key] = value
    while len(cache) > size:
        cache.pop(next(iter(cache)))


def _invoice_features(store: Store, late_days: int, as_of: dt.date | None = None) -> pd.DataFrame:
    """Invoice features do not depend on the as-of date (each is as of its invoice): one per data version.

    With `as_of`, the same pass also yields the client features at that date, kept for client_scores.
    """
    key = (str(store.path), store.data_version(), late_days)
    with _LOCK:
        if key not in _INVOICE_FEATURES:
            invoices, clients = features.all_features(store.cursor(), as_of, late_days)
            _remember(_INVOICE_FEATURES, key, invoices, size=1)
            if clients is not None:
                _remember(_CLIENT_FEATURES, (*key, as_of), clients)
        return _INVOICE_FEATURES[key]


def _client_features(store: Store, as_of: dt.date, late_days: int) -> pd.DataFrame:
    key = (str(store.path), store.data_version(), late_days, as_of)
    with _LOCK:
        if key not in _CLIENT_FEATURES:
            _remember(_CLIENT_FEATURES, key, features.client_features(store.cursor(), as_of, late_days))
        return _CLIENT_FEATURES[key]


def _training_set(feats: pd.DataFrame, rows: pd.Series, y: pd.Series) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """The usable rows, most recent MAX_TRAIN_ROWS by invoice date, as (X, y, invoice dates)."""
    chosen = feats[rows].sort_values(["invoice_date", "obs_id"]).tail(MAX_TRAIN_ROWS)
    return (
        features.matrix(chosen).reset_index(drop=True),
        y[chosen.index].reset_index(drop=True),
        chosen["invoice_date"].reset_index(drop=True),
    )


def _versions() -> dict[str, str]:
    return {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "duckdb": duckdb.__version__,
        "pandas": pd.__version__,
        "numpy": np.__version__,
        "skops": skops.__version__,
    }


def _fit_at(store: Store, as_of: dt.date, late_days: int) -> _Fitted:
    """Train on every invoice whose outcome is known at the end of `as_of`."""
    feats = _invoice_features(store, late_days, as_of)
    usable, y = features.labels(feats, as_of, late_days)
    X, target, dates = _training_set(feats, usable, y)
    model, info = _train(X, target, dates)
    card = {
        "card_version": CARD_VERSION,
        "created_at": dt.datetime.now().isoformat(timespec="seconds"),
        "as_of": as_of.isoformat(),
        "data_version": store.data_version(),
        "late_days": late_days,
        "training_window": {
            "first_invoice": dates.min().date().isoformat() if len(dates) else None,
            "last_invoice": dates.max().date().isoformat() if len(dates) else None,
            "outcomes_known_by": as_of.isoformat(),
            "max_rows": MAX_TRAIN_ROWS,
        },
        "n_train": len(target),
        "base_rate": float(target.mean()) if len(target) else None,
        "features": list(features.FEATURES),
        **info,
        "versions": _versions(),
    }
    return _Fitted(model, card)


# --- persistence -----------------------------------------------------------------------------


def _folder(store: Store, as_of: dt.date, late_days: int) -> Path:
    """Where the model fitted as of `as_of` is kept: `<workspace>.models/<as_of>_late<N>/`."""
    return Path(str(store.path) + ".models") / f"{as_of.isoformat()}_late{late_days}"


def _save(store: Store, fitted: _Fitted, as_of: dt.date, late_days: int) -> None:
    folder = _folder(store, as_of, late_days)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / "model.skops.tmp"
    sio.dump(fitted.model, tmp)
    tmp.replace(folder / "model.skops")
    (folder / "card.json.tmp").write_text(json.dumps(fitted.card, indent=2), encoding="utf-8")
    (folder / "card.json.tmp").replace(folder / "card.json")
    kept = sorted(folder.parent.iterdir(), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in kept[MAX_STORED_MODELS:]:  # as-of dates looked at long ago
        shutil.rmtree(old, ignore_errors=True)


def _read_card(store: Store, as_of: dt.date, late_days: int) -> dict | None:
    path = _folder(store, as_of, late_days) / "card.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _load(store: Store, as_of: dt.date, late_days: int) -> _Fitted | None:
    """The stored model if its card matches this data version, as-of date and threshold."""
    card = _read_card(store, as_of, late_days)
    wanted = (CARD_VERSION, store.data_version(), as_of.isoformat(), late_days)
    if (
        card is None
        or (card.get("card_version"), card.get("data_version"), card.get("as_of"), card.get("late_days")) != wanted
    ):
        return None
    if card.get("features") != list(features.FEATURES):  # written by another version of the code
        return None
    path = _folder(store, as_of, late_days) / "model.skops"
    try:
        untrusted = sio.get_untrusted_types(file=path)
        if any(not name.startswith(TRUSTED_PREFIXES) for name in untrusted):
            return None  # not a file this module wrote: retrain rather than load it
        return _Fitted(sio.load(path, trusted=untrusted), card)
    except Exception:  # a truncated or foreign file: retraining is always possible
        return None


def _fitted(store: Store, as_of: dt.date, late_days: int | None = None, force: bool = False) -> _Fitted:
    days = _late_days(late_days)
    key = (str(store.path), store.data_version(), as_of, days)
    with _LOCK:
        if not force and key in _MODELS:
            return _MODELS[key]
        fitted = None if force else _load(store, as_of, days)
        if fitted is None:
            fitted = _fit_at(store, as_of, days)
            _save(store, fitted, as_of, days)
        _remember(_MODELS, key, fitted)
        return fitted


def _default_as_of(store: Store) -> dt.date:
    as_of = store_mod.last_date(store.cursor())
    if as_of is None:
        raise EncoursError("scoring.empty_ledger")
    return as_of


def fit_model(store: Store, as_of: dt.date | None = None, force: bool = False) -> dict:
    """(Re)train the model as of `as_of` (default: the last date of the ledger); returns its card."""
    return dict(_fitted(store, as_of or _default_as_of(store), force=force).card)


def model_card(store: Store, as_of: dt.date | None = None) -> dict | None:
    """The JSON card of the model scoring as of `as_of` (default: the ledger's last date), None if not fitted."""
    as_of = as_of or store_mod.last_date(store.cursor())
    return None if as_of is None else _read_card(store, as_of, _late_days(None))


# --- client scores ---------------------------------------------------------------------------


def grade_of(score: float) -> str:
    """The grade A–E of a score by scoring.grade_cutoffs (the minimum score of each grade)."""
    cutoffs = config.get().scoring.grade_cutoffs
    for grade in config.GRADES[:-1]:
        if score >= cutoffs[grade]:
            return grade
    return config.GRADES[-1]


def _ceiling(grade: str) -> float:
    """The highest score shown with `grade` (one decimal), so that a capped grade caps the score."""
    index = config.GRADES.index(grade)
    if index == 0:
        return 100.0
    return config.get().scoring.grade_cutoffs[config.GRADES[index - 1]] - 0.1


def _worse(a: str, b: str) -> str:
    return max(a, b, key=config.GRADES.index)


def _drivers(model: Any, X: pd.DataFrame) -> pd.DataFrame:
    """Per client and feature group: log-odds moved by the client's values against the population's median.

    Positive means the client's own values raise its risk (adverse). Each group is switched to
    the median as a whole, so correlated features are measured together.
    """
    base = _base(model)
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
    if not adverse:
        return (Reason("scoring.due_lately_on_time", {"days": row["due_late_3m"]}),)
    if row["due_amount_prior"] <= 0:  # nothing fell due in the year before: no comparison to make
        return (Reason("scoring.due_lately_late_alone", {"days": row["due_late_3m"]}),)
    worse = row["due_late_3m"] - row["due_late_prior"] >= worsening
    params = {"days": row["due_late_3m"], "before": row["due_late_prior"]}
    return (Reason("scoring.due_lately_worsening" if worse else "scoring.due_lately_late", params),)


def _typical(row: dict) -> Reason:
    """The reason of a client close to the population on every driver: its lateness, plainly."""
    key = "scoring.typical" if row["settled_amount_12m"] > 0 else "scoring.typical_history"
    return Reason(key, {"days": row["days_late_12m"], "count": row["n_settled"]})


@dataclass(frozen=True)
class RuleOutcome:
    """A score after the rules of DOMAIN.md §7, with the reasons and codes of the rules that fired."""

    score: float
    grade: str
    reasons: tuple[Reason, ...]
    rules: tuple[str, ...]


@dataclass(frozen=True)
class RecentView:
    """The model's score of a client as if its last 3 months were its whole payment history.

    `outcomes`: invoices whose outcome became known in those 3 months (settled within late_days of
    the due date, or not), `late` of them late; `days`: amount-weighted days late of the invoices
    settled in those months, None when none was.
    """

    score: float
    outcomes: float
    late: float
    days: float | None


def apply_rules(
    model_score: float,
    settled_invoices: float,
    max_days_past_due: float,
    status: str | None,
    recent: RecentView | None = None,
) -> RuleOutcome:
    """DOMAIN.md §7 rules, in order: too little history, 91+ days past due, litigation or procedure.

    Between the first two, the early warning (config scoring.early_warning, README "Score"): with at
    least early_warning_min_outcomes outcomes known over the last 3 months, a recent view at least
    early_warning_min_points below the score replaces it. It only ever lowers a score.
    A capped grade caps the score just below the next grade's cut-off, so score and grade agree.
    """
    cfg = config.get().scoring
    score, reasons, fired = round(model_score, 1), [], []  # graded as shown, to one decimal
    if settled_invoices < cfg.min_settled_invoices:
        score = cfg.default_score
        fired.append("few_settled")
        params = {"count": settled_invoices, "min": cfg.min_settled_invoices, "score": cfg.default_score}
        reasons.append(Reason("scoring.rule_few_settled", params))
    if (
        cfg.early_warning
        and recent is not None
        and recent.outcomes >= cfg.early_warning_min_outcomes
        and score - round(recent.score, 1) >= cfg.early_warning_min_points
    ):
        score = round(recent.score, 1)
        fired.append("early_warning")
        # outcomes known in (R - 90, R] are those of invoices due late_days to late_days + 90 days ago
        params = {
            "late": recent.late,
            "count": recent.outcomes,
            "from_days": cfg.late_days,
            "to_days": cfg.late_days + 90,
            "late_days": cfg.late_days,
        }
        if recent.days is None:  # nothing settled in those months: all its lateness is still unpaid
            reasons.append(Reason("scoring.rule_early_warning_unpaid", params))
        else:
            reasons.append(Reason("scoring.rule_early_warning", {**params, "days": recent.days}))
    grade = grade_of(score)
    if max_days_past_due >= 91:  # named even when the grade is already worse: it is a fact the manager needs
        grade = _worse(grade, cfg.cap_grade_91_plus)
        fired.append("past_due_91_plus")
        reasons.append(Reason("scoring.rule_91_plus", {"days": max_days_past_due, "grade": cfg.cap_grade_91_plus}))
    if status in ("litigation", "collective_procedure"):
        # Payment of earlier debts is frozen by law (procedure) or contested in court (litigation):
        # lateness is certain, so the score is the floor, not merely the top of grade E.
        grade, score = "E", 0.0
        fired.append(status)
        reasons.append(Reason(f"scoring.rule_{status}", {}))
    return RuleOutcome(round(min(score, _ceiling(grade)), 1), grade, tuple(reasons), tuple(fired))


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


def client_scores(store: Store, as_of: dt.date) -> pd.DataFrame:
    """One row per scorable client at `as_of`: SCORE_COLUMNS.

    p_late is the calibrated model's probability; p_recent the same model's on the recent view
    (features.recent_view), which the early warning scores on when it fires; p_score the one the
    score rests on (p_recent under an early warning, else p_late), before the caps of the rules.

    Clients marked non_credit (cash takings) get no row.
    """
    key = (str(store.path), store.data_version(), as_of, repr(config.get().scoring))  # rules read the config
    with _LOCK:
        if key in _SCORES:
            return _SCORES[key].copy()
    fitted = _fitted(store, as_of)
    con = store.cursor()
    feats = _client_features(store, as_of, _late_days(None))
    status = dict(store_mod.query(con, "scoring_client_status").itertuples(index=False))
    X = features.matrix(feats)
    with _one_thread():
        p = fitted.model.predict_proba(X)[:, 1] if len(X) else np.empty(0)
        p_recent = fitted.model.predict_proba(features.matrix(features.recent_view(feats)))[:, 1] if len(X) else p
        drivers = _drivers(fitted.model, X)
    effects = drivers.to_numpy() if len(drivers.columns) else None
    median = feats.median(numeric_only=True).to_dict()
    no_model = [Reason("scoring.no_model", {})] if _base(fitted.model) is None else []
    rows = []
    for i, row in enumerate(feats.to_dict("records")):  # plain dicts: 20 000 clients in well under a second
        days = row["days_late_3m"] if row["settled_amount_3m"] > 0 else None
        recent = RecentView(100.0 * (1.0 - p_recent[i]), row["n_known_3m"], row["n_late_3m"], days)
        ruled = apply_rules(
            100.0 * (1.0 - p[i]), row["n_settled"], row["max_dpd"], status.get(row["client_id"]), recent
        )
        explained = (
            _explain(row, dict(zip(drivers.columns, effects[i], strict=True)), median) if effects is not None else []
        )
        reasons = (*ruled.reasons, *no_model, *explained) or (_typical(row),)
        rows.append(
            (
                row["client_id"],
                ruled.score,
                ruled.grade,
                float(p[i]),
                float(p_recent[i]),
                float(p_recent[i] if "early_warning" in ruled.rules else p[i]),
                reasons,
                ruled.rules,
                int(row["n_settled"]),
            )
        )
    table = pd.DataFrame(rows, columns=SCORE_COLUMNS)
    table["reasons"] = table["reasons"].astype(object)
    table["rules"] = table["rules"].astype(object)
    with _LOCK:
        _remember(_SCORES, key, table)
    return table.copy()


def score_table(store: Store, as_of: dt.date, lang: str | None = None) -> pd.DataFrame:
    """DESIGN.md `score` output, riskiest first: score, grade, p_late, limits, outstanding, reasons as text."""
    from riskcore.credit import limits  # limits builds on scores; imported here to keep the modules acyclic

    scores = client_scores(store, as_of)
    suggested = limits.suggest(store.cursor(), scores, as_of)
    table = scores.merge(suggested, on="client_id", how="left")
    table["reasons"] = ["; ".join(r.text(lang) for r in reasons) for reasons in table["reasons"]]
    return table.sort_values(["score", "client_id"]).reset_index(drop=True)[TABLE_COLUMNS]


# --- evaluation ------------------------------------------------------------------------------


def evaluate(store: Store, split_date: dt.date, late_days: int | None = None, lang: str | None = None) -> dict:
    """Time-split validation: train on outcomes known before `split_date`, test on invoices issued from it.

    Returns auc, brier, accuracy, n_train, n_test, base_rate_train, base_rate_test, model and
    warnings (in `lang`): AUC at or above scoring.leakage_auc_warning, fewer than
    scoring.min_evaluation_cases on a side, or no late invoice on a side.
    """
    days = _late_days(late_days)
    last = _default_as_of(store)
    feats = _invoice_features(store, days)
    known_before, y_train = features.labels(feats, split_date - dt.timedelta(days=1), days)
    X, target, dates = _training_set(feats, known_before, y_train)
    model, info = _train(X, target, dates)
    known_last, y_last = features.labels(feats, last, days)
    test = known_last & (feats["invoice_date"] >= pd.Timestamp(split_date))
    y_test = y_last[test]
    with _one_thread():
        p = model.predict_proba(features.matrix(feats[test]))[:, 1] if test.any() else np.empty(0)
    result = {
        **_metrics(y_test, p),
        "n_train": len(target),
        "n_test": int(test.sum()),
        "base_rate_train": float(target.mean()) if len(target) else None,
        "base_rate_test": float(y_test.mean()) if len(y_test) else None,
        "model": info["model"],
        "late_days": days,
        "split_date": split_date.isoformat(),
    }
    result["warnings"] = [w.text(lang) for w in _warnings(result, target, y_test)]
    return result


def _warnings(result: dict, y_train: pd.Series, y_test: pd.Series) -> list[Reason]:
    cfg = config.get().scoring
    out = []
    if result["auc"] is not None and result["auc"] >= cfg.leakage_auc_warning:
        out.append(Reason("scoring.warn_leakage", {"auc": result["auc"], "threshold": cfg.leakage_auc_warning}))
    for side, y in (("train", y_train), ("test", y_test)):
        if len(y) < cfg.min_evaluation_cases:
            out.append(Reason(f"scoring.warn_few_cases_{side}", {"count": len(y), "min": cfg.min_evaluation_cases}))
        if not (y == 1).any():
            out.append(Reason(f"scoring.warn_no_positive_{side}", {}))
    return out


__all__ = [
    "Reason",
    "RecentView",
    "RuleOutcome",
    "apply_rules",
    "client_scores",
    "evaluate",
    "fit_model",
    "grade_of",
    "model_card",
    "score_table",
]
