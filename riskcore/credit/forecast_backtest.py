"""Backtest of the cash-in forecast (issue 15 §7): forecasts made at past month ends against the cash received.

At each origin (a month end), the forecast is made from what was known then (riskcore.credit.forecast
reads nothing dated after its as-of date), and compared week by week with the cash actually received
after it on the invoices it covered: those open at the origin and not shown apart (disputed, or of a
client in litigation, collective procedure or marked doubtful). Every payment row on those invoices
counts, credit notes applied to them included, since they too close the open amount the model
forecasts. The naive forecast beside it pays each of those invoices in full on its due date plus its
client's median days late over the invoices settled by the origin (0 for a client with none), in the
first week when that date has passed.

WAPE (weighted absolute percentage error) = Σ |actual − forecast| / Σ actual, over the origins for a
horizon week, and over the origins and weeks 1–4 and the whole horizon. Coverage: the share of
(origin, week) pairs whose actual lies inside the forecast's interval (config forecast.interval).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from riskcore import config
from riskcore.credit import forecast
from riskcore.credit import forecast_hazard as hazard
from riskcore.errors import EncoursError
from riskcore.storage import store as store_mod
from riskcore.storage.store import Store

COUNTED = ("model", "promise")


def origins_of(first: dt.date, last: dt.date, count: int, weeks: int) -> list[tuple[dt.date, int]]:
    """(origin, weeks evaluated): the last `count` month ends with `weeks` weeks of ledger after them.

    When the ledger holds fewer such month ends, the last `count` month ends with at least one whole
    week after them, each evaluated on the whole weeks the ledger has after it (at most `weeks`).
    Month ends before the ledger's first date are never origins.
    """
    ends, month = [], last.replace(day=1) - dt.timedelta(days=1)
    while month > first:
        ends.append(month)
        month = month.replace(day=1) - dt.timedelta(days=1)
    ends.reverse()
    full = [(end, weeks) for end in ends if end + dt.timedelta(days=7 * weeks) <= last]
    if len(full) >= count:
        return full[-count:]
    some = [(end, min(weeks, (last - end).days // 7)) for end in ends if end + dt.timedelta(days=7) <= last]
    return some[-count:]


def naive_weeks(ledger: pd.DataFrame, items: pd.DataFrame, origin: dt.date, weeks: int) -> np.ndarray:
    """The week (1..weeks, weeks + 1 beyond) the naive forecast pays each of `items` (invoice_id, client_id) in."""
    life = hazard.lives(ledger)
    day = int((np.datetime64(origin, "D") - hazard.EPOCH).astype(np.int64))
    done = life["settled"] & (life["close"] <= day)
    late = pd.Series(np.maximum(life["close"][done] - life["due"][done], 0), index=ledger["client_id"][done])
    median = late.groupby(level=0).median()
    due = pd.Series(life["due"], index=ledger["invoice_id"]).reindex(items["invoice_id"]).to_numpy()
    paid_on = due + median.reindex(items["client_id"]).fillna(0.0).to_numpy()
    return np.clip(np.ceil((paid_on - day) / 7.0), 1, weeks + 1).astype(np.int64)


def backtest(store: Store, origins: int | None = None, weeks: int | None = None, seed: int | None = None) -> dict:
    """Forecasts at the last `origins` month ends (config forecast.backtest_origins) against the cash received.

    Returns a dict ready for JSON: weeks, interval, origins (origin, weeks evaluated, open, apart,
    forecast, naive and actual amounts), by_week (week, model and naive WAPE, actual), wape_1_4 and
    wape_horizon ({model, naive}), coverage (share of weeks whose actual lies in the interval),
    beats_naive ({weeks_1_4, horizon}) and rows (origin, week, week_start, actual, expected, low,
    high, naive, inside), dates as ISO texts.
    """
    cfg = config.get().forecast
    weeks = forecast.check_weeks(weeks)
    count = cfg.backtest_origins if origins is None else origins
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise EncoursError("forecast.bad_origins", value=count)
    with store.hold():
        con = store.cursor()
        last = store_mod.last_date(con)
        first = store_mod.value(con, "forecast_first_date")
        if last is None or first is None:
            raise EncoursError("forecast.empty_ledger")
        chosen = origins_of(first, last, count, weeks)
        if not chosen:
            raise EncoursError("forecast.no_origin", weeks=weeks)
        rows, summaries, population, clients = [], [], [], []
        for origin, horizon in chosen:
            ledger, promises = forecast.load(con, origin)
            fc = forecast.forecast_at(ledger, promises, origin, horizon, seed)
            items = fc.items[fc.items["basis"].isin(COUNTED)]
            week = naive_weeks(ledger, items, origin, horizon)
            inside = week <= horizon
            naive = np.bincount(week[inside] - 1, items["open_amount"].to_numpy()[inside], horizon)
            population.append(items[["invoice_id", "client_id"]].assign(origin=pd.Timestamp(origin)))
            rows.append(fc.weekly.assign(origin=origin, naive=naive))
            clients.append(
                pd.concat(
                    [
                        fc.client_weeks.assign(kind="model"),
                        items[inside].assign(week=week[inside], expected=items["open_amount"], kind="naive"),
                    ]
                )[["client_id", "week", "expected", "kind"]].assign(origin=origin)
            )
            summaries.append((origin, horizon, fc.summary))
        frame = pd.concat(population, ignore_index=True)
        with store_mod.registered(con, forecast_items=frame):
            received = store_mod.query(con, "forecast_actuals", days=7 * weeks)
    gap = (pd.to_datetime(received["payment_date"]) - pd.to_datetime(received["origin"])).dt.days
    received = received.assign(origin=pd.to_datetime(received["origin"]).dt.date, week=(gap - 1) // 7 + 1)
    scores = _scores(pd.concat(rows, ignore_index=True), received, summaries, weeks, cfg.interval)
    return {**scores, **_client_scores(pd.concat(clients, ignore_index=True), received, chosen)}


def weeks_max(chosen: list[tuple[dt.date, int]]) -> int:
    """The longest horizon evaluated at any origin."""
    return max(horizon for _, horizon in chosen)


def _client_scores(forecasts: pd.DataFrame, received: pd.DataFrame, chosen: list[tuple[dt.date, int]]) -> dict:
    """Client WAPE: Σ over origins and clients of |actual − forecast| over weeks 1–4 and the horizon / Σ actual.

    The weekly WAPE nets one client's early payment against another's late one; this one does not,
    so it shows whether the cash is expected from the right clients (what a collector acts on).
    """
    horizon = pd.Series(dict(chosen))
    received = received[received["week"] <= horizon.reindex(received["origin"]).to_numpy()]
    out = {}
    for name, last in (("client_wape_1_4", 4), ("client_wape_horizon", weeks_max(chosen))):
        actual = received[received["week"] <= last].groupby(["origin", "client_id"])["amount"].sum()
        scores = {}
        for kind in ("model", "naive"):
            part = forecasts[(forecasts["kind"] == kind) & (forecasts["week"] <= last)]
            part = part.groupby(["origin", "client_id"])["expected"].sum()
            both = pd.concat([actual.rename("actual"), part.rename("forecast")], axis=1).fillna(0.0)
            total = both["actual"].sum()
            scores[kind] = float((both["actual"] - both["forecast"]).abs().sum() / total) if total > 0 else None
        out[name] = scores
    return out


def _scores(rows: pd.DataFrame, received: pd.DataFrame, summaries: list, weeks: int, interval: float) -> dict:
    """The backtest's figures from the weekly forecasts of every origin and the cash received."""
    actual = received.groupby(["origin", "week"])["amount"].sum()
    index = pd.MultiIndex.from_arrays([rows["origin"], rows["week"]])
    rows["actual"] = actual.reindex(index).fillna(0.0).to_numpy()
    rows["inside"] = (rows["low"] <= rows["actual"] + 0.005) & (rows["actual"] <= rows["high"] + 0.005)
    rows["err_model"] = (rows["actual"] - rows["expected"]).abs()
    rows["err_naive"] = (rows["actual"] - rows["naive"]).abs()

    def wape(part: pd.DataFrame) -> dict[str, float | None]:
        total = part["actual"].sum()
        return {name: float(part[f"err_{name}"].sum() / total) if total > 0 else None for name in ("model", "naive")}

    by_week = [
        {"week": int(w), **wape(part), "actual": round(float(part["actual"].sum()), 2)}
        for w, part in rows.groupby("week")
    ]
    first, whole = wape(rows[rows["week"] <= 4]), wape(rows)
    origins = [
        {
            "origin": origin.isoformat(), "weeks": horizon, "open_amount": s["open_amount"],
            "apart_amount": s["apart_amount"], "forecast": round(float(part["expected"].sum()), 2),
            "naive": round(float(part["naive"].sum()), 2), "actual": round(float(part["actual"].sum()), 2),
        }
        for (origin, horizon, s), (_, part) in zip(summaries, rows.groupby("origin", sort=True), strict=True)
    ]  # fmt: skip
    out_rows = rows[["origin", "week", "week_start", "actual", "expected", "low", "high", "naive", "inside"]]
    out_rows = out_rows.assign(
        origin=out_rows["origin"].map(dt.date.isoformat), week_start=out_rows["week_start"].map(dt.date.isoformat)
    ).round({"actual": 2, "naive": 2})

    def better(scores: dict) -> bool | None:
        return None if scores["model"] is None else bool(scores["model"] < scores["naive"])

    return {
        "weeks": weeks,
        "interval": interval,
        "origins": origins,
        "by_week": by_week,
        "wape_1_4": first,
        "wape_horizon": whole,
        "coverage": float(rows["inside"].mean()),
        "beats_naive": {"weeks_1_4": better(first), "horizon": better(whole)},
        "rows": out_rows.to_dict("records"),
    }
