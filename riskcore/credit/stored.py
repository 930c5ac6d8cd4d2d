"""Derived results kept per data version: the cash-in forecast and the backtests (issue 15, DESIGN.md Storage).

They take seconds to minutes, so they are computed once, on request, and kept as files beside the
workspace, one folder per data version: `<workspace>.derived/<data_version>/`. A page only reads
them; a result of another data version is never returned, and saving one drops the folders of
older versions. Frames are written as Parquet and dicts as JSON (dates tagged so they read back as
dates), never pickled: a file that does not read back cleanly counts as not computed.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import uuid
from dataclasses import fields
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from riskcore.access.auth import User, require
from riskcore.credit import backtest, forecast_backtest
from riskcore.credit.forecast import Forecast, cash_in, check_weeks
from riskcore.storage.store import Store

FORMAT = 1  # bump when what is saved changes: results saved by another format are not read
FRAMES = tuple(f.name for f in fields(Forecast) if f.name != "summary")
BACKTEST_ORIGINS = 12  # monthly origins of the scoring backtest (issue 15 §1)


# --- JSON with dates ----------------------------------------------------------------------------


def _encode(value: object) -> object:
    """What json cannot write itself: numpy scalars as Python numbers, dates tagged as {"$date": ISO}."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    raise TypeError(f"cannot save a {type(value).__name__} as JSON")


def _decode(obj: dict) -> object:
    if obj.keys() == {"$date"}:
        return dt.date.fromisoformat(obj["$date"])
    if obj.keys() == {"$datetime"}:
        return dt.datetime.fromisoformat(obj["$datetime"])
    return obj


def _dump(value: object) -> str:
    # NaN is not JSON: allow_nan=False would refuse it, so None stands for it (the figures use None)
    return json.dumps(_clean(value), default=_encode, indent=1)


def _clean(value: object) -> object:
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"), object_hook=_decode)


# --- folders ------------------------------------------------------------------------------------


def root(store: Store) -> Path:
    """`<workspace>.derived/`: every saved result of this workspace, one folder per data version."""
    return Path(str(store.path) + ".derived")


def folder(store: Store) -> Path:
    """The folder of the workspace's current data version."""
    return root(store) / str(store.data_version())


def _forecast_name(as_of: dt.date, weeks: int) -> str:
    return f"forecast-{as_of.isoformat()}-{weeks}w"


def _save_dir(store: Store, version: int, name: str, write: Any) -> None:
    """Write `name` of `version` whole or not at all: into a temporary folder, then renamed into place."""
    base = root(store) / str(version)
    base.mkdir(parents=True, exist_ok=True)
    tmp = base / f".{name}.{uuid.uuid4().hex}"
    tmp.mkdir()
    try:
        write(tmp)
        (tmp / "stamp.json").write_text(_dump({"format": FORMAT, "data_version": version}), encoding="utf-8")
        target = base / name
        if target.exists():
            shutil.rmtree(target, ignore_errors=True)
        tmp.replace(target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    _drop_older(store, version)


def _drop_older(store: Store, version: int) -> None:
    """Remove the folders of data versions before `version`: nothing will ever read them again."""
    for old in root(store).iterdir():
        if old.is_dir() and old.name.isdigit() and int(old.name) < version:
            shutil.rmtree(old, ignore_errors=True)


def _read_dir(store: Store, name: str) -> Path | None:
    """The saved result `name` of the current data version, if whole and of this format."""
    path = folder(store) / name
    try:
        stamp = _load(path / "stamp.json")
    except (OSError, ValueError):
        return None
    if stamp != {"format": FORMAT, "data_version": store.data_version()}:
        return None
    return path


# --- the forecast -------------------------------------------------------------------------------


def forecast_for(store: Store, as_of: dt.date, weeks: int, user: User | None = None) -> Forecast | None:
    """The forecast saved for this data version, `as_of` and `weeks`, or None if not computed yet.

    `user`, when given, must hold `view` (every client's cash-in: not a sales rep's own-clients view).
    """
    if user is not None:
        require(user, "view")
    path = _read_dir(store, _forecast_name(as_of, check_weeks(weeks)))
    if path is None:
        return None
    try:
        frames = {name: pd.read_parquet(path / f"{name}.parquet") for name in FRAMES}
        return Forecast(**frames, summary=_load(path / "summary.json"))
    except (OSError, ValueError, KeyError):  # a damaged file: computing again is always possible
        return None


def compute_forecast(store: Store, user: User, as_of: dt.date, weeks: int) -> Forecast:
    """Compute the cash-in forecast (needs `view`), save it for this data version and return it."""
    require(user, "view")
    weeks = check_weeks(weeks)
    version = store.data_version()
    result = cash_in(store, as_of, weeks)

    def write(tmp: Path) -> None:
        for name in FRAMES:
            getattr(result, name).to_parquet(tmp / f"{name}.parquet", index=False)
        (tmp / "summary.json").write_text(_dump(result.summary), encoding="utf-8")

    _save_dir(store, version, _forecast_name(as_of, weeks), write)
    return result


# --- the backtests ------------------------------------------------------------------------------


def _dict_for(store: Store, name: str) -> dict | None:
    path = _read_dir(store, name)
    if path is None:
        return None
    try:
        return _load(path / "result.json")
    except (OSError, ValueError):
        return None


def _save_dict(store: Store, version: int, name: str, result: dict) -> None:
    text = _dump(result)  # before anything is written: a value JSON cannot hold fails here
    _save_dir(store, version, name, lambda tmp: (tmp / "result.json").write_text(text, encoding="utf-8"))


def backtest_for(store: Store) -> dict | None:
    """The scoring model's rolling backtest (riskcore.credit.backtest.rolling) saved for this data version."""
    return _dict_for(store, "backtest")


def compute_backtest(store: Store, user: User) -> dict:
    """Run the rolling backtest of the scoring model (manage_workspace: it takes a while), save and return it."""
    require(user, "manage_workspace")
    version = store.data_version()
    result = backtest.rolling(store, origins=BACKTEST_ORIGINS)
    _save_dict(store, version, "backtest", result)
    return _load_back(result)


def forecast_backtest_for(store: Store, weeks: int) -> dict | None:
    """The cash-in forecast's backtest over `weeks` (riskcore.credit.forecast_backtest) saved for this data version."""
    return _dict_for(store, f"forecast-backtest-{check_weeks(weeks)}w")


def compute_forecast_backtest(store: Store, user: User, weeks: int) -> dict:
    """Run the forecast's backtest over `weeks` (manage_workspace: it takes a while), save and return it."""
    require(user, "manage_workspace")
    weeks = check_weeks(weeks)
    version = store.data_version()
    result = forecast_backtest.backtest(store, weeks=weeks)
    _save_dict(store, version, f"forecast-backtest-{weeks}w", result)
    return _load_back(result)


def _load_back(result: dict) -> dict:
    """`result` as it reads back from its file, so a fresh result and a saved one look the same."""
    return json.loads(_dump(result), object_hook=_decode)


# --- what the backtest says, in sentences -------------------------------------------------------

# Two AUCs closer than this read as the same ranking: on ~1 500 pooled test invoices the standard
# error of an AUC near 0.8 is about 0.015 (Hanley & McNeil), so a smaller gap is noise.
SAME_AUC = 0.02
UNSTABLE_AUC_RANGE = 0.15  # month-to-month AUC spread beyond which one month's figure says little
CALIBRATION_MIN_BIN = 30  # invoices a calibration bin needs before its gap is read as the model's
CALIBRATION_GAP = 0.10  # observed minus predicted late rate, as a fraction, beyond which a bin is "off"


def model_findings(result: dict) -> dict[str, list[tuple[str, dict]]]:
    """What the rolling backtest `result` (backtest.rolling) says the model does well and where it is weak.

    Returns {"strong": [...], "weak": [...]}, each a list of (message key under ui.insight.finding,
    its raw figures): AUCs, Brier scores, shares as fractions, lift, day and client counts.
    """
    strong: list[tuple[str, dict]] = []
    weak: list[tuple[str, dict]] = []
    pooled = result["pooled"]["predictors"]
    months = len(result["origins"])
    auc, auc_client = pooled["model"]["auc"], pooled["client_rate"]["auc"]
    if auc is not None and auc_client is not None:
        figures = {"months": months, "auc": auc, "auc_client": auc_client}
        if auc - auc_client > SAME_AUC:
            strong.append(("ranks_better", figures))
        elif auc - auc_client >= -SAME_AUC:
            strong.append(("ranks_as_well", figures))
            weak.append(("adds_little", figures))
        else:
            weak.append(("ranks_worse", figures))
    brier, brier_overall = pooled["model"]["brier"], pooled["overall_rate"]["brier"]
    if brier is not None and brier_overall is not None:
        (strong if brier < brier_overall else weak).append(
            (
                "brier_better" if brier < brier_overall else "brier_worse",
                {"brier": brier, "brier_overall": brier_overall},
            )
        )
    bins = [b for b in pooled["model"]["calibration"] if b["n"] >= CALIBRATION_MIN_BIN]
    worst = max(bins, key=lambda b: abs(b["observed_rate"] - b["mean_predicted"]), default=None)
    if worst is not None:
        gap = abs(worst["observed_rate"] - worst["mean_predicted"])
        figures = {
            "low": worst["from"], "high": worst["to"], "observed": worst["observed_rate"],
            "predicted": worst["mean_predicted"], "n": worst["n"], "gap": gap, "min_n": CALIBRATION_MIN_BIN,
        }  # fmt: skip
        (weak if gap > CALIBRATION_GAP else strong).append(
            ("miscalibrated" if gap > CALIBRATION_GAP else "calibrated", figures)
        )
    if (lift := pooled["model"]["lift_top_decile"]) is not None:
        (strong if lift > 1 else weak).append(("lift", {"lift": lift}))
    monthly = [
        o["predictors"]["model"]["auc"] for o in result["origins"] if o["predictors"]["model"]["auc"] is not None
    ]
    if len(monthly) >= 2:
        figures = {"auc_low": min(monthly), "auc_high": max(monthly), "months": len(monthly)}
        unstable = max(monthly) - min(monthly) > UNSTABLE_AUC_RANGE
        (weak if unstable else strong).append(("unstable" if unstable else "stable", figures))
    _warning_findings(result["early_warning"], strong, weak)
    return {"strong": strong, "weak": weak}


def _warning_findings(record: dict, strong: list, weak: list) -> None:
    if record["onsets"]:
        figures = {
            "onsets": record["onsets"], "warned": record["warned_before"], "share": record["share_warned"],
            "days": record["lead_days"]["median"], "severe_days": record["severe_days"],
        }  # fmt: skip
        if not record["warned_before"]:
            weak.append(("warning_missed_all", figures))
        else:
            (strong if record["share_warned"] >= 0.5 else weak).append(("warning_lead", figures))
    if record["precision"] is not None and record["base_rate"] is not None:
        figures = {
            "precision": record["precision"],
            "base_rate": record["base_rate"],
            "severe_days": record["severe_days"],
        }
        better = record["precision"] > record["base_rate"]
        (strong if better else weak).append(("warning_precise" if better else "warning_imprecise", figures))
