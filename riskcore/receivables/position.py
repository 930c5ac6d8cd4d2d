"""The per-client position at a date D (DOMAIN.md §2-4): the one pass over the ledger the KPIs are views of.

`client_position.sql` returns one row of additive figures per client; `position` binds its windows
and settings from config.yaml, `client_table` derives the per-client columns of `kpi.by_client`.
The bucket and segment names and the calendar helpers every KPI shares live here too.
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
from collections.abc import Sequence

import pandas as pd

from riskcore import config
from riskcore.config.collections import lead_days
from riskcore.errors import ConfigError
from riskcore.receivables import legal
from riskcore.receivables.filters import Filters
from riskcore.storage import store
from riskcore.storage.store import Cursor

YEAR_DAYS = 365  # DOMAIN.md §3-4: revenue "12 months" is S(D - 365, D]
MAX_BUCKET_EDGES = 6  # the bucket_index macro counts at most six edges (and client_position has b0..b6)


# --- names and dates --------------------------------------------------------------------------


def bucket_names(edges: Sequence[int]) -> list[str]:
    """Aging bucket names for config aging.bucket_edges: [30, 60, 90] -> not_due, d1_30, ..., d91_plus."""
    if len(edges) > MAX_BUCKET_EDGES:
        raise ConfigError(
            "config.bad_value", key="aging.bucket_edges", value=repr(list(edges)), expected="at most 6 edges"
        )
    names, low = ["not_due"], 1
    for edge in edges:
        names.append(f"d{low}_{edge}")
        low = edge + 1
    return [*names, f"d{low}_plus"]


def segment_names(edges: Sequence[int]) -> list[str]:
    """Late-payer segments for kpi.late_segment_edges: [0, 15, 30, 60] -> on_time, d1_15, d16_30, d31_60, d60_plus."""
    names = ["on_time"]
    names += [f"d{low + 1}_{high}" for low, high in itertools.pairwise(edges)]
    return [*names, f"d{edges[-1]}_plus"]


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier, clamped to the month's end (31 May - 3 -> 28/29 Feb)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def month_end(day: dt.date) -> dt.date:
    """The last day of `day`'s month."""
    return dt.date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def bucket_edges() -> list[int]:
    """The configured aging bucket edges (config aging.bucket_edges), as bound to the SQL."""
    return list(config.get().aging.bucket_edges)


# --- the per-client position ------------------------------------------------------------------


def position(con: Cursor, as_of: dt.date, filters: Filters) -> pd.DataFrame:
    """client_position.sql at `as_of`, bucket columns named after the buckets."""
    cfg = config.get()
    k = cfg.kpi
    names = bucket_names(cfg.aging.bucket_edges)
    windows = {
        "prior": as_of - _days(k.dso_days),
        "year_start": as_of - _days(YEAR_DAYS),
        "window_start": as_of - _days(k.behaviour_window_days),
        "recent_start": months_before(as_of, k.trend_recent_months),
        "trend_start": months_before(as_of, k.trend_recent_months + k.trend_prior_months),
    }
    frame = store.query(
        con,
        "client_position",
        as_of=as_of,
        edges=bucket_edges(),
        horizon=min(windows.values()),
        paid_over_days=cfg.legal.paid_over_days,
        coverage_start=as_of - _days(k.dunning_coverage_days),
        lead_days=lead_days(cfg.collections.scenarios),  # the dunning cycle's start (DOMAIN §9)
        **windows,
        **legal.rate_table(as_of).params(),
        **filters.params(),
    )
    unused = [f"b{i}" for i in range(len(names), MAX_BUCKET_EDGES + 1)]
    return frame.drop(columns=unused).rename(columns={f"b{i}": name for i, name in enumerate(names)})


def weighted(num: pd.Series, den: pd.Series) -> pd.Series:
    """Amount-weighted averages per row, NaN where nothing was settled."""
    return (num / den.where(den > 0)).astype(float)


def client_table(pos: pd.DataFrame) -> pd.DataFrame:
    """The per-client columns of `kpi.by_client` computed from the position."""
    cfg = config.get()
    names = bucket_names(cfg.aging.bucket_edges)
    recent = weighted(pos["recent_days_late"], pos["recent_amount"])
    prior = weighted(pos["earlier_days_late"], pos["earlier_amount"])
    limit = pos["credit_limit"].where(pos["credit_limit"] > 0)
    table = pos.assign(
        days_late_12m=weighted(pos["settled_days_late"], pos["settled_amount"]),
        days_late_prior=prior,
        days_late_trend=recent - prior,
        worsening=(recent - prior >= cfg.kpi.worsening_days).fillna(False).astype(bool),
        utilisation=(pos["balance"] / limit).astype(float),
        headroom=(pos["credit_limit"] - pos["balance"]).astype(float),
    )
    columns = [
        "client_id", "name", "sector", "segment", "sales_rep", "region", "group_id", "status", "non_credit",
        "balance", *names, "overdue", "max_days_past_due", "revenue_12m", "days_late_12m", "days_late_prior",
        "days_late_trend", "worsening", "disputed_amount", "last_dunning_date", "dunning_level",
        "credit_limit", "utilisation", "headroom", "insured_limit",
    ]  # fmt: skip
    return table[columns].reset_index(drop=True)
