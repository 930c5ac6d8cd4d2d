"""Cash-in forecast (issue 15 §6): when each invoice open at a date will be paid, summed by week.

Each invoice open at the as-of date gets a distribution of its payment week over the horizon, plus
"later or never", from the weekly payment hazard fitted on the history known at that date
(riskcore.credit.forecast_hazard: a discrete-time survival model, so invoices still open count too).
Promises to pay pending at the as-of date override the model for what they cover (`_promised`).
Disputed invoices and those of clients in litigation, collective procedure or marked doubtful are
shown apart, outside the weekly figures, with what is expected beyond the horizon. The interval of
each week comes from a seeded simulation of the per-invoice distributions (`simulate`), since
per-invoice intervals do not add up. The backtest is riskcore.credit.forecast_backtest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import ndtri

from riskcore import config
from riskcore.credit import forecast_hazard as hazard
from riskcore.credit.model import one_thread
from riskcore.errors import EncoursError
from riskcore.receivables.breakdowns import DOUBTFUL_STATUSES
from riskcore.storage import store as store_mod
from riskcore.storage.store import Cursor, Store


@dataclass(frozen=True)
class Forecast:
    """A cash-in forecast at `summary["as_of"]`; amounts in the ledger currency, rounded to cents.

    weekly: week (1..n), week_start, week_end, expected, low, high (the interval of summary["interval"]),
        promised (the part of `expected` from pending promises).
    by_client: client_id, name, open_amount, expected, low, high (over the horizon), beyond_horizon,
        apart_amount, promised_amount; one row per client with an open invoice, largest expected first.
    client_weeks: client_id, week, week_start, expected (rows with something expected).
    apart: invoice_id, client_id, name, invoice_date, due_date, days_past_due, open_amount, reason
        (disputed, litigation, collective_procedure, doubtful), dispute_reason.
    items: one row per open invoice: invoice_id, client_id, due_date, days_past_due, open_amount, basis
        (model, promise or the reason it is apart), promised_amount, promise_week, p_in_horizon,
        expected_in_horizon, median_week (first week by which it is paid with probability 1/2, else NaN).
    summary: as_of, weeks, open_amount = expected_in_horizon + beyond_horizon + apart_amount, the
        interval of the horizon's total, never_collected (beyond_horizon + apart_amount), promises, model.
    """

    weekly: pd.DataFrame
    by_client: pd.DataFrame
    client_weeks: pd.DataFrame
    apart: pd.DataFrame
    items: pd.DataFrame
    summary: dict


def cash_in(store: Store, as_of: dt.date | None = None, weeks: int | None = None, seed: int | None = None) -> Forecast:
    """Weekly expected cash-in from the invoices open at `as_of` (default: the ledger's last date).

    `weeks` defaults to config forecast.weeks (at most forecast.max_weeks); `seed` (default
    forecast.seed) makes the simulated interval reproducible.
    """
    weeks = check_weeks(weeks)
    with store.hold():
        con = store.cursor()
        as_of = as_of or store_mod.last_date(con)
        if as_of is None:
            raise EncoursError("forecast.empty_ledger")
        ledger, promises = load(con, as_of)
    return forecast_at(ledger, promises, as_of, weeks, seed)


def check_weeks(weeks: int | None) -> int:
    """`weeks`, or config forecast.weeks; EncoursError when outside 1..forecast.max_weeks."""
    cfg = config.get().forecast
    weeks = cfg.weeks if weeks is None else weeks
    if isinstance(weeks, bool) or not isinstance(weeks, int) or not 1 <= weeks <= cfg.max_weeks:
        raise EncoursError("forecast.bad_weeks", value=weeks, max=cfg.max_weeks)
    return weeks


def load(con: Cursor, as_of: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The invoices (forecast_invoices.sql) and promises (forecast_promises.sql) as known at `as_of`."""
    cfg = config.get()
    ledger = store_mod.query(con, "forecast_invoices", as_of=as_of, default_terms=cfg.import_.default_terms_days)
    grace = cfg.collections.promise_grace_days
    return ledger, store_mod.query(con, "forecast_promises", as_of=as_of, grace_days=grace)


# --- promises to pay -----------------------------------------------------------------------------


def kept_rate(promises: pd.DataFrame, as_of: dt.date) -> tuple[float, int, str]:
    """(rate, resolved, source): kept / resolved among promises whose deadline fell in the window before
    `as_of` (DOMAIN.md §9), or config forecast.promise_kept_rate while fewer than min_resolved_promises."""
    cfg = config.get().forecast
    each = promises.drop_duplicates("promise_id")
    deadline = pd.to_datetime(each["deadline"]).dt.date
    start = as_of - dt.timedelta(days=cfg.promise_window_days)
    resolved = each[(deadline < as_of) & (deadline >= start)]
    kept = int((resolved["paid"] >= resolved["amount"] - 0.005).sum())
    if len(resolved) < cfg.min_resolved_promises:
        return cfg.promise_kept_rate, len(resolved), "default"
    return kept / len(resolved), len(resolved), "history"


def _promised(promises: pd.DataFrame, open_ids: pd.Series, room: np.ndarray, as_of: dt.date, weeks: int) -> tuple:
    """What pending promises cover: (amount per open invoice, its promise's week 1..weeks+1, pending count).

    A promise is pending at `as_of` while not kept (paid on its invoices since it was made below its
    amount) and its deadline not passed. What it still expects (amount - paid) goes to its invoices open
    and not apart (`room`: their open amounts, 0 for the others), oldest first in the ledger's order,
    at most their open amount; earlier promise dates first. Its week: that of its date, the first one
    when the date has passed (within the grace days), weeks + 1 (beyond the horizon) when later.
    """
    covered, week = np.zeros(len(room)), np.zeros(len(room), dtype=np.int64)
    if promises.empty:
        return covered, week, 0
    position = pd.Series(np.arange(len(open_ids)), index=open_ids.to_numpy())
    each = promises.drop_duplicates("promise_id")
    deadline = pd.to_datetime(each["deadline"]).dt.date
    pending = each[(each["paid"] < each["amount"] - 0.005) & (deadline >= as_of)]
    left = room.copy()
    for promise in pending.itertuples(index=False):  # a few per client at most
        ids = promises.loc[promises["promise_id"] == promise.promise_id, "invoice_id"].dropna()
        rows = np.sort(position.reindex(ids).dropna().astype(np.int64).to_numpy())
        wanted = promise.amount - promise.paid
        ahead = (pd.Timestamp(promise.promise_date).date() - as_of).days
        for row in rows:
            take = min(wanted, left[row])
            if take <= 0.005:
                continue
            covered[row] += take
            left[row] -= take
            wanted -= take
            week[row] = week[row] or min(max((ahead - 1) // 7 + 1, 1), weeks + 1)
    return covered, week, len(pending)


# --- simulation ----------------------------------------------------------------------------------


def simulate(amounts: np.ndarray, probs: np.ndarray, groups: np.ndarray, draws: int, seed: int,
             correlation: float = 0.0) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Simulated totals: (draws x columns of `probs`) per draw and week, and (draws x groups) within the horizon.

    Item i (amount `amounts[i]`) is paid in column k with probability probs[i, k] (the last column:
    later or never); `groups` numbers each item's group 0, 1, ... (every number used). Items of a group (a client) share a common factor, a Gaussian copula: item i
    draws x_i = √c·Z_group + √(1-c)·ε_i and is paid in the first column whose cumulative probability
    Φ(x_i) does not exceed, so a client's invoices tend to come early or late together (`correlation`
    c; 0: independently). Compared with Φ⁻¹ of the cumulative probabilities, computed once; drawn in
    blocks of draws, so memory stays bounded whatever the ledger.
    """
    with one_thread():  # BLAS threads fighting a busy server cost more than they bring here
        return _simulate(amounts, probs, groups, draws, seed, correlation)


def _simulate(amounts: np.ndarray, probs: np.ndarray, groups: np.ndarray, draws: int, seed: int,
              correlation: float) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    rng = np.random.default_rng(seed)
    n, columns = probs.shape
    if n == 0:  # nothing open: every draw is 0
        return np.zeros((draws, columns)), np.zeros((draws, 0))
    order = np.argsort(groups, kind="stable")  # by group, so that a group's items are one slice
    amounts, groups = amounts[order].astype(np.float64), groups[order]
    bounds = ndtri(np.clip(np.cumsum(probs[order], axis=1)[:, :-1], 0.0, 1.0)).astype(np.float32)
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    member = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, n]))  # each item's group, numbered 0..
    weekly = np.zeros((draws, columns))
    by_group = np.zeros((draws, len(starts)))
    block = max(1, min(draws, 2_000_000 // n))
    common_part, own_part = np.float32(np.sqrt(correlation)), np.float32(np.sqrt(1.0 - correlation))
    total = amounts.sum()
    for first in range(0, draws, block):
        m = min(block, draws - first)
        x = own_part * rng.standard_normal((m, n), dtype=np.float32)
        if correlation > 0:
            x += common_part * rng.standard_normal((m, len(starts)), dtype=np.float32)[:, member]
        # after[:, k]: what each draw pays after column k (x above the bound of the first k + 1 columns)
        after = np.column_stack([(x > bounds[:, k]) @ amounts for k in range(columns - 1)])
        weekly[first : first + m] = np.column_stack([np.full(m, total), after]) - np.column_stack([after, np.zeros(m)])
        within = np.where(x <= bounds[:, -1], amounts, 0.0)
        by_group[first : first + m] = np.add.reduceat(within, starts, axis=1)
    return weekly, by_group


# --- the forecast --------------------------------------------------------------------------------


def apart_reason(ledger: pd.DataFrame) -> np.ndarray:
    """Why each invoice is kept out of the weekly figures: its client's status (litigation,
    collective_procedure), doubtful (client marked so), disputed, or "" (counted)."""
    status = ledger["status"].to_numpy(object)
    reason = np.where(ledger["disputed"].fillna(False).to_numpy(bool), "disputed", "")
    reason = np.where(ledger["doubtful"].astype(bool).to_numpy(), "doubtful", reason)
    return np.where(np.isin(status, DOUBTFUL_STATUSES), status, reason).astype(object)


def forecast_at(ledger: pd.DataFrame, promises: pd.DataFrame, as_of: dt.date, weeks: int,
                seed: int | None = None) -> Forecast:  # fmt: skip
    """The forecast at `as_of` from the frames of `load(con, as_of)` (the backtest calls it per origin)."""
    cfg = config.get().forecast
    seed = cfg.seed if seed is None else seed
    day = int((np.datetime64(as_of, "D") - hazard.EPOCH).astype(np.int64))
    life = hazard.lives(ledger)
    behaviour = hazard.Behaviour(life)
    fitted = hazard.fit(life, day, behaviour)
    reason = apart_reason(ledger)
    open_rows = np.flatnonzero(life["open"] > 0.005)
    counted = open_rows[reason[open_rows] == ""]
    probs = hazard.distribution(fitted, life, counted, day, weeks, behaviour)
    room = np.zeros(len(ledger))
    room[counted] = life["open"][counted]
    covered, week, pending = _promised(promises, ledger["invoice_id"], room, as_of, weeks)
    rate, resolved, source = kept_rate(promises, as_of)
    # what a promise covers is paid in its week with the kept rate, else as the model says
    point = np.zeros_like(probs)
    point[np.arange(len(counted)), np.maximum(week[counted], 1) - 1] = 1.0
    kept = rate * point + (1.0 - rate) * probs
    promised, rest = covered[counted], life["open"][counted] - covered[counted]
    per_invoice = rest[:, None] * probs + promised[:, None] * kept  # expected cash per invoice and week
    amounts = np.concatenate([rest, promised])
    use = amounts > 0.005
    groups = pd.factorize(np.concatenate([life["code"][counted]] * 2)[use])[0]
    draws, by_group = simulate(amounts[use], np.vstack([probs, kept])[use], groups, cfg.simulations, seed,
                               cfg.client_correlation)  # fmt: skip
    lo, hi = (1.0 - cfg.interval) / 2, (1.0 + cfg.interval) / 2
    starts = [as_of + dt.timedelta(days=1 + 7 * k) for k in range(weeks)]
    weekly = pd.DataFrame(
        {
            "week": np.arange(1, weeks + 1),
            "week_start": starts,
            "week_end": [s + dt.timedelta(days=6) for s in starts],
            "expected": per_invoice[:, :weeks].sum(axis=0),
            "low": np.quantile(draws[:, :weeks], lo, axis=0),
            "high": np.quantile(draws[:, :weeks], hi, axis=0),
            "promised": (promised[:, None] * rate * point)[:, :weeks].sum(axis=0),
        }
    )
    horizon = draws[:, :weeks].sum(axis=1)
    items = _items(ledger, life, day, reason, open_rows, counted, per_invoice, covered, week, weeks)
    frames = _by_client(items, ledger, counted, per_invoice, by_group, groups, use, lo, hi, starts)
    open_amount = float(life["open"][open_rows].sum())
    apart = items[items["basis"].isin(["disputed", "doubtful", *DOUBTFUL_STATUSES])]
    expected = float(per_invoice[:, :weeks].sum())
    summary = {
        "as_of": as_of, "weeks": weeks, "first_week_start": starts[0], "invoices": len(open_rows),
        "open_amount": round(open_amount, 2), "expected_in_horizon": round(expected, 2),
        "low_in_horizon": round(float(np.quantile(horizon, lo)), 2),
        "high_in_horizon": round(float(np.quantile(horizon, hi)), 2),
        "beyond_horizon": round(float(per_invoice[:, weeks].sum()), 2),
        "apart_amount": round(float(apart["open_amount"].sum()), 2),
        "disputed_amount": round(float(apart.loc[apart["basis"] == "disputed", "open_amount"].sum()), 2),
        "doubtful_amount": round(float(apart.loc[apart["basis"] != "disputed", "open_amount"].sum()), 2),
        "never_collected": round(float(per_invoice[:, weeks].sum() + apart["open_amount"].sum()), 2),
        "promised_amount": round(float(promised.sum()), 2), "pending_promises": pending,
        "promise_kept_rate": rate, "promise_rate_source": source, "resolved_promises": resolved,
        "interval": cfg.interval, "simulations": cfg.simulations, "seed": seed,
        "model": {"kind": "hazard" if fitted.model is not None else "constant", "rows": fitted.rows,
                  "events": fitted.events, "history_weeks": cfg.history_weeks},
    }  # fmt: skip
    weekly[["expected", "low", "high", "promised"]] = weekly[["expected", "low", "high", "promised"]].round(2)
    return Forecast(weekly, frames[0], frames[1], frames[2], items, summary)


def _items(ledger: pd.DataFrame, life: dict, day: int, reason: np.ndarray, open_rows: np.ndarray,
           counted: np.ndarray, per_invoice: np.ndarray, covered: np.ndarray, week: np.ndarray,
           weeks: int) -> pd.DataFrame:  # fmt: skip
    """One row per open invoice: how it is forecast (see Forecast.items)."""
    frame = ledger.iloc[open_rows][["invoice_id", "client_id", "name", "invoice_date", "due_date"]]
    frame = frame.reset_index(drop=True)
    frame["days_past_due"] = day - life["due"][open_rows]
    frame["open_amount"] = life["open"][open_rows].round(2)
    frame["basis"] = np.where(reason[open_rows] == "", "model", reason[open_rows])
    frame["dispute_reason"] = ledger["dispute_reason"].iloc[open_rows].to_numpy()
    at = pd.Series(np.arange(len(open_rows)), index=open_rows)[counted].to_numpy()
    frame.loc[at[covered[counted] > 0.005], "basis"] = "promise"
    frame["promised_amount"] = covered[open_rows].round(2)
    frame["promise_week"] = pd.array(np.where(week[open_rows] > 0, week[open_rows], 0), dtype="Int64")
    frame.loc[frame["promise_week"] == 0, "promise_week"] = pd.NA
    p = np.full((len(open_rows), weeks + 1), np.nan)
    p[at] = per_invoice / life["open"][counted][:, None]
    frame["p_in_horizon"] = p[:, :weeks].sum(axis=1)
    frame["expected_in_horizon"] = (frame["open_amount"] * frame["p_in_horizon"]).round(2)
    reached = np.cumsum(np.nan_to_num(p[:, :weeks]), axis=1) >= 0.5
    frame["median_week"] = np.where(reached.any(axis=1), reached.argmax(axis=1) + 1.0, np.nan)
    return frame


def _by_client(items: pd.DataFrame, ledger: pd.DataFrame, counted: np.ndarray, per_invoice: np.ndarray,
               by_group: np.ndarray, groups: np.ndarray, use: np.ndarray, lo: float, hi: float,
               starts: list[dt.date]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:  # fmt: skip
    """(by_client, client_weeks, apart) of Forecast."""
    weeks = len(starts)
    clients = ledger["client_id"].to_numpy()[counted]
    expected = pd.DataFrame(per_invoice, columns=[*range(1, weeks + 1), "beyond"]).assign(client_id=clients)
    sums = expected.groupby("client_id").sum()
    # the simulated horizon totals of each group (a client of the counted invoices), by client id
    group_client = pd.Series(np.concatenate([clients] * 2)[use]).groupby(groups).first()
    bounds = pd.DataFrame(
        {"low": np.quantile(by_group, lo, axis=0), "high": np.quantile(by_group, hi, axis=0)},
        index=group_client.reindex(range(by_group.shape[1])).to_numpy(),
    )
    apart_mask = ~items["basis"].isin(["model", "promise"])
    by_client = items.groupby("client_id").agg(name=("name", "first"), open_amount=("open_amount", "sum"))
    by_client["expected"] = sums[list(range(1, weeks + 1))].sum(axis=1).reindex(by_client.index).fillna(0.0)
    by_client = by_client.join(bounds).fillna({"low": 0.0, "high": 0.0})
    by_client["beyond_horizon"] = sums["beyond"].reindex(by_client.index).fillna(0.0)
    by_client["apart_amount"] = items[apart_mask].groupby("client_id")["open_amount"].sum()
    by_client["promised_amount"] = items.groupby("client_id")["promised_amount"].sum()
    by_client = by_client.fillna({"apart_amount": 0.0}).round(2).reset_index()
    by_client = by_client.sort_values(["expected", "client_id"], ascending=[False, True], ignore_index=True)
    long = sums.drop(columns="beyond").reset_index().melt("client_id", var_name="week", value_name="expected")
    long["week"] = long["week"].astype(int)
    long["week_start"] = [starts[w - 1] for w in long["week"]]
    client_weeks = long[long["expected"] > 0.005].sort_values(["client_id", "week"], ignore_index=True)
    client_weeks = client_weeks[["client_id", "week", "week_start", "expected"]].round({"expected": 2})
    columns = ["invoice_id", "client_id", "name", "invoice_date", "due_date", "days_past_due", "open_amount"]
    apart = items.loc[apart_mask, columns].assign(reason=items.loc[apart_mask, "basis"],
                                                  dispute_reason=items.loc[apart_mask, "dispute_reason"])  # fmt: skip
    return by_client, client_weeks, apart.reset_index(drop=True)
