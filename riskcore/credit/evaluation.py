"""Honest evaluation of the scoring model: train before a date, test on the invoices issued from it.

The AUC, Brier score and accuracy of the invoices issued from the split date, with warnings a
reader must see beside them: an AUC so high it suggests leakage, too few cases, no late invoice.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from riskcore import config
from riskcore.credit import features, model
from riskcore.messages import Reason
from riskcore.storage.store import Store


def evaluate(store: Store, split_date: dt.date, late_days: int | None = None, lang: str | None = None) -> dict:
    """Time-split validation: train on outcomes known before `split_date`, test on invoices issued from it.

    Returns auc, brier, accuracy, n_train, n_test, base_rate_train, base_rate_test, model and
    warnings (in `lang`): AUC at or above scoring.leakage_auc_warning, fewer than
    scoring.min_evaluation_cases on a side, or no late invoice on a side.

    Parameters
    ----------
    store
        The workspace.
    split_date
        The first day of the test period: training sees the outcomes known by the day before; the
        test takes the invoices issued from this day whose outcome is known at the ledger's last date.
    late_days
        The lateness threshold of the target (paid more than this many days late); None reads
        config scoring.late_days.
    lang
        The language of the warnings (`fr`, `en`; None: the default language).

    Returns
    -------
    dict
        auc, brier, accuracy (None when they cannot be computed), n_train, n_test, base_rate_train,
        base_rate_test, model (the one chosen), late_days, split_date (ISO) and warnings (texts).
    """
    days = model.resolve_late_days(late_days)
    last = model.default_as_of(store)
    feats = model.invoice_features(store, days)
    known_before, y_train = features.labels(feats, split_date - dt.timedelta(days=1), days)
    X, target, dates = model.training_set(feats, known_before, y_train)
    fitted, info = model.train(X, target, dates)
    known_last, y_last = features.labels(feats, last, days)
    test = known_last & (feats["invoice_date"] >= pd.Timestamp(split_date))
    y_test = y_last[test]
    with model.one_thread():
        p = fitted.predict_proba(features.matrix(feats[test]))[:, 1] if test.any() else np.empty(0)
    result = {
        **model.metrics(y_test, p),
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
