"""Receivables KPIs at any date D (DOMAIN.md §2-4), reconstructed from dates, never from a status.

The SQL lives in riskcore/sql/ and its macros (riskcore/storage/macros/kpi_*.sql); every setting
(bucket edges, windows, thresholds) is read here from config.yaml and bound as a parameter.
Most figures come from one pass over the ledger, `client_position.sql`, which returns one row
of additive figures per client: the snapshot sums it, the per-client table, breakdowns,
segments, concentration and provisions are views of it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from riskcore import config
from riskcore.errors import ConfigError, EncoursError
from riskcore.i18n import fmt_amount, fmt_date, fmt_number, fmt_pct, has, t
from riskcore.receivables import legal
from riskcore.receivables.filters import NO_FILTERS, Filters
from riskcore.storage import store
from riskcore.storage.store import Cursor

YEAR_DAYS = 365  # DOMAIN.md §3-4: revenue "12 months" is S(D - 365, D]
MAX_BUCKET_EDGES = 6  # the bucket_index macro counts at most six edges (and client_position has b0..b6)
AGING_BASES = ("due", "invoice")
CONCENTRATION_BASES = ("outstanding", "revenue")
CONCENTRATION_LEVELS = ("client", "group", "sector")
BREAKDOWN_DIMENSIONS = ("sector", "sales_rep", "region", "group_id", "segment", "dunning_status")
DOUBTFUL_STATUSES = ("litigation", "collective_procedure")

AMOUNT_KEYS = (
    "total_outstanding", "not_due", "overdue_amount", "unapplied_cash", "disputed_amount",
    "late_penalties_due", "recovery_indemnities_due",
)  # fmt: skip
RATE_KEYS = (
    "overdue_rate", "cei_90", "top1_share", "top3_share", "top5_share", "top10_share",
    "top3_revenue_share_12m", "dunning_coverage_30", "loss_rate_12m",
)  # fmt: skip
DAYS_KEYS = ("dso_simple_90", "dso_countback", "bpdso_90", "add_90", "weighted_days_to_pay_365", "avg_days_late_365")
COUNT_KEYS = ("clients_with_outstanding", "pareto_80_count", "invoices_paid_over_60_days_365")


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


def _cents(value: float) -> float:
    return round(float(value), 2) + 0.0  # + 0.0 turns -0.0 into 0.0


def _ratio(num: float, den: float, positive: bool = True) -> float | None:
    """num / den, or None when the denominator makes it meaningless (<= 0, or 0 if not `positive`)."""
    if den > 0 or (not positive and den != 0):
        return float(num) / float(den)
    return None


def _edges() -> list[int]:
    return list(config.get().aging.bucket_edges)


# --- the per-client position ------------------------------------------------------------------


def _position(con: Cursor, as_of: dt.date, filters: Filters) -> pd.DataFrame:
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
        edges=_edges(),
        horizon=min(windows.values()),
        paid_over_days=cfg.legal.paid_over_days,
        coverage_start=as_of - _days(k.dunning_coverage_days),
        **windows,
        **legal.rate_table(as_of).params(),
        **filters.params(),
    )
    unused = [f"b{i}" for i in range(len(names), MAX_BUCKET_EDGES + 1)]
    return frame.drop(columns=unused).rename(columns={f"b{i}": name for i, name in enumerate(names)})


def _weighted(num: pd.Series, den: pd.Series) -> pd.Series:
    """Amount-weighted averages per row, NaN where nothing was settled."""
    return (num / den.where(den > 0)).astype(float)


def _client_table(pos: pd.DataFrame) -> pd.DataFrame:
    """The per-client columns of `by_client` computed from the position."""
    cfg = config.get()
    names = bucket_names(cfg.aging.bucket_edges)
    recent = _weighted(pos["recent_days_late"], pos["recent_amount"])
    prior = _weighted(pos["earlier_days_late"], pos["earlier_amount"])
    limit = pos["credit_limit"].where(pos["credit_limit"] > 0)
    table = pos.assign(
        days_late_12m=_weighted(pos["settled_days_late"], pos["settled_amount"]),
        days_late_prior=prior,
        days_late_trend=recent - prior,
        worsening=(recent - prior >= cfg.kpi.worsening_days).fillna(False).astype(bool),
        utilisation=(pos["balance"] / limit).astype(float),
        headroom=(pos["credit_limit"] - pos["balance"]).astype(float),
    )
    columns = [
        "client_id", "name", "sector", "segment", "sales_rep", "region", "group_id", "status", "non_credit",
        "balance", *names, "overdue", "max_days_past_due", "revenue_12m", "days_late_12m", "days_late_prior",
        "days_late_trend", "worsening", "disputed_amount", "last_dunning_date", "last_dunning_level",
        "credit_limit", "utilisation", "headroom", "insured_limit",
    ]  # fmt: skip
    return table[columns].reset_index(drop=True)


def by_client(con: Cursor, as_of: dt.date, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """One row per client in the filter at `as_of` (also with a zero balance): balance, buckets, behaviour, limits."""
    return _client_table(_position(con, as_of, filters))


# --- concentration ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Concentration:
    """Top-N shares, HHI and Pareto count of the positive amounts (DOMAIN.md §4)."""

    shares: dict[int, float]
    hhi: float
    pareto_count: int
    warning: bool
    curve: pd.DataFrame  # rank, key, name, amount, share, cumulative_share


def _concentration(pos: pd.DataFrame, column: str, level: str) -> Concentration:
    """Concentration of `column` (balance or revenue_12m) over clients, groups or sectors."""
    k = config.get().kpi
    if level == "client":
        keys, names = pos["client_id"], pos["name"]
    elif level == "group":
        keys = pos["group_id"].fillna(pos["client_id"])  # a client without a group is its own group
        names = keys.where(pos["group_id"].notna(), pos["name"])
    else:
        keys = pos["sector"].fillna("")
        names = keys
    grouped = (
        pd.DataFrame({"key": keys.astype(str), "name": names, "amount": pos[column].astype(float)})
        .groupby("key", sort=False)
        .agg(name=("name", "first"), amount=("amount", "sum"))
        .reset_index()
    )
    curve = grouped[grouped["amount"] > 0].sort_values(["amount", "key"], ascending=[False, True])
    total = float(curve["amount"].sum())
    curve = curve.assign(
        rank=np.arange(1, len(curve) + 1),
        share=curve["amount"] / total if total > 0 else 0.0,
    )
    curve["cumulative_share"] = curve["share"].cumsum()
    cumulative = curve["cumulative_share"].to_numpy()
    shares = {n: float(cumulative[min(n, len(cumulative)) - 1]) if len(cumulative) else 0.0 for n in {*k.top_n, 3}}
    # the fewest keys carrying the Pareto share (a hair of tolerance for float sums reaching exactly 80 %)
    reached = np.flatnonzero(cumulative >= k.pareto_share - 1e-12)
    return Concentration(
        shares=dict(sorted(shares.items())),
        hhi=float(((100 * curve["share"]) ** 2).sum()),
        pareto_count=int(reached[0] + 1) if len(reached) else 0,
        warning=shares[3] >= k.concentration_warning_top3,
        curve=curve[["rank", "key", "name", "amount", "share", "cumulative_share"]].reset_index(drop=True),
    )


def concentration(
    con: Cursor, as_of: dt.date, basis: str = "outstanding", level: str = "client", filters: Filters = NO_FILTERS
) -> Concentration:
    """Concentration at `as_of` of outstanding (positive balances) or revenue (12 months), by client, group or sector."""
    if basis not in CONCENTRATION_BASES:
        raise EncoursError("kpi.bad_choice", name="basis", value=basis, expected=", ".join(CONCENTRATION_BASES))
    if level not in CONCENTRATION_LEVELS:
        raise EncoursError("kpi.bad_choice", name="level", value=level, expected=", ".join(CONCENTRATION_LEVELS))
    column = "balance" if basis == "outstanding" else "revenue_12m"
    return _concentration(_position(con, as_of, filters), column, level)


# --- the snapshot -----------------------------------------------------------------------------


def _countback(con: Cursor, as_of: dt.date, ar: float, filters: Filters) -> float | None:
    rows = store.query(
        con, "countback", as_of=as_of, ar=ar, max_months=config.get().kpi.countback_max_months, **filters.params()
    )
    value = rows["dso_countback"].iloc[0]
    return None if pd.isna(value) else float(value)


def snapshot(con: Cursor, as_of: dt.date, filters: Filters = NO_FILTERS) -> dict:
    """Every KPI of DESIGN.md `kpi --json` at `as_of` (amounts rounded to cents, rates as fractions, days)."""
    cfg = config.get()
    n_days = cfg.kpi.dso_days
    pos = _position(con, as_of, filters)
    names = bucket_names(cfg.aging.bucket_edges)
    aging = {name: _cents(pos[name].sum()) for name in names}
    total = _cents(pos["balance"].sum())
    not_due = aging[names[0]]
    sales = float(pos["sales_dso"].sum())
    dso = _ratio(total * n_days, sales)
    bpdso = _ratio(not_due * n_days, sales)
    ar_prior = float(pos["balance_prior"].sum())
    settled = float(pos["settled_amount"].sum())
    outstanding = _concentration(pos, "balance", "client")
    revenue = _concentration(pos, "revenue_12m", "client")
    late = pos[(pos["overdue"] > 0) & ~pos["non_credit"]]  # cash takings are not chased
    snap = {
        "as_of": as_of,
        "total_outstanding": total,
        "not_due": not_due,
        "overdue_amount": _cents(pos[names[1:]].to_numpy().sum()),
        "overdue_rate": _ratio(sum(aging[n] for n in names[1:]), total),
        "unapplied_cash": _cents(pos["unapplied"].sum()),
        "aging": aging,
        "dso_simple_90": dso,
        "dso_countback": _countback(con, as_of, total, filters),
        "bpdso_90": bpdso,
        "add_90": dso - bpdso if dso is not None and bpdso is not None else None,
        # CEI as a fraction like every rate of kpi --json: DOMAIN.md's 55.9 % is 0.559 here
        "cei_90": _ratio(ar_prior + sales - total, ar_prior + sales - not_due, positive=False),
        "weighted_days_to_pay_365": _ratio(pos["settled_days_to_pay"].sum(), settled),
        "avg_days_late_365": _ratio(pos["settled_days_late"].sum(), settled),
        "clients_with_outstanding": int((pos["balance"] > 0).sum()),
        **{f"top{n}_share": share for n, share in outstanding.shares.items() if n in cfg.kpi.top_n},
        "hhi_outstanding": outstanding.hhi,
        "top3_revenue_share_12m": revenue.shares[3],
        "disputed_amount": _cents(pos["disputed_amount"].sum()),
        "dunning_coverage_30": float(late["dunned_recently"].mean()) if len(late) else None,
        "loss_rate_12m": _ratio(pos["written_off"].sum(), pos["sales_window"].sum()),
        "invoices_paid_over_60_days_365": int(pos["paid_over_limit"].sum()),
        "late_penalties_due": _cents(pos["penalties"].sum()),
        "recovery_indemnities_due": _cents(pos["indemnities"].sum() * cfg.legal.recovery_indemnity),
        "assumed_terms": bool(pos["assumed_terms"].any()),
        "top3_warning": outstanding.warning,
        "pareto_80_count": outstanding.pareto_count,
    }
    return {key: _plain(value) for key, value in snap.items()}


def _plain(value: object) -> object:
    """numpy scalars as Python ones, so the snapshot prints as JSON and compares plainly."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def format_value(key: str, value: object, lang: str) -> str:
    """One snapshot value as a reader sees it: an amount, a rate, days or a count, in `lang`."""
    if value is None:
        return t("kpi.not_available", lang)
    if key in AMOUNT_KEYS:
        return fmt_amount(value, lang, config.get().app.currency)
    if key in RATE_KEYS:
        return fmt_pct(value, lang)
    if key in DAYS_KEYS:
        return t("kpi.days", lang, days=fmt_number(value, lang, 1))
    return fmt_number(value, lang, 0 if key in COUNT_KEYS else 1)


def label(key: str, lang: str) -> str:
    """The name of a snapshot key (or of an aging bucket) in `lang`."""
    for prefix in ("kpi.label.", "kpi.bucket."):
        if has(prefix + key, lang):
            return t(prefix + key, lang)
    return key


def render_text(snap: dict, lang: str) -> str:
    """The snapshot as a readable two-column table in `lang`."""
    currency = config.get().app.currency
    rows: list[tuple[str, str]] = []
    for key, value in snap.items():
        if key in ("as_of", "assumed_terms", "top3_warning"):
            continue
        if key == "aging":
            rows.append((label("aging", lang), ""))
            for bucket, amount in value.items():
                rows.append(("  " + label(bucket, lang), fmt_amount(amount, lang, currency)))
            continue
        rows.append((label(key, lang), format_value(key, value, lang)))
    width = max(len(name) for name, _ in rows)
    lines = [t("kpi.title", lang, date=fmt_date(snap["as_of"], lang)), ""]
    lines += [f"{name.ljust(width)}  {text}".rstrip() for name, text in rows]
    if snap.get("assumed_terms"):
        lines += ["", t("kpi.note_assumed_terms", lang)]
    if snap.get("top3_warning"):
        lines += ["", t("kpi.note_top3_warning", lang, share=fmt_pct(snap.get("top3_share"), lang))]
    return "\n".join(lines)


# --- aging, open items, series ----------------------------------------------------------------


def aging(con: Cursor, as_of: dt.date, filters: Filters = NO_FILTERS, basis: str = "due") -> pd.DataFrame:
    """Open amount and count per bucket at `as_of`, by days past due or by seniority; every bucket, in order."""
    if basis not in AGING_BASES:
        raise EncoursError("kpi.bad_choice", name="basis", value=basis, expected=", ".join(AGING_BASES))
    names = bucket_names(_edges())
    rows = store.query(con, "aging", as_of=as_of, basis=basis, edges=_edges(), names=names, **filters.params())
    frame = pd.DataFrame({"bucket": names}).merge(rows, on="bucket", how="left")
    return frame.assign(amount=frame["amount"].fillna(0.0).round(2), invoices=frame["invoices"].fillna(0).astype(int))


def open_items(
    con: Cursor, as_of: dt.date, filters: Filters = NO_FILTERS, client_id: str | None = None
) -> pd.DataFrame:
    """Every open item at `as_of` (one client's when `client_id` is given), most days past due first."""
    names = bucket_names(_edges())
    return store.query(
        con, "open_items", as_of=as_of, edges=_edges(), names=names, client_id=client_id, **filters.params()
    )


def monthly_series(con: Cursor, end: dt.date, months: int = 24, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Outstanding, overdue, DSO and payment behaviour at each month end up to `end` (the last point), in one query."""
    k = config.get().kpi
    points = [month_end(months_before(end.replace(day=1), back)) for back in range(months - 1, 0, -1)] + [end]
    frame = store.query(
        con,
        "monthly_series",
        points=points,
        last=end,
        dso_days=k.dso_days,
        window_days=k.behaviour_window_days,
        max_months=k.countback_max_months,
        **filters.params(),
    )
    frame["month_end"] = pd.to_datetime(frame["month_end"]).dt.date
    for column in ("total_outstanding", "overdue_amount"):
        frame[column] = frame[column].round(2)
    return frame


# --- segments and breakdowns ------------------------------------------------------------------


def late_payer_segments(con: Cursor, as_of: dt.date, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Clients per amount-weighted days late over the behaviour window (kpi.late_segment_edges).

    Every segment is listed; clients with nothing settled in the window and cash-takings
    accounts (non_credit) are left out.
    """
    edges = list(config.get().kpi.late_segment_edges)
    names = segment_names(edges)
    table = _client_table(_position(con, as_of, filters))
    rated = table[~table["non_credit"] & table["days_late_12m"].notna()]
    segment = pd.cut(rated["days_late_12m"], bins=[-np.inf, *edges, np.inf], labels=names, right=True)
    grouped = (
        rated.assign(segment=segment.astype(str))
        .groupby("segment")
        .agg(
            clients=("client_id", "count"),
            balance=("balance", "sum"),
            overdue=("overdue", "sum"),
            revenue_12m=("revenue_12m", "sum"),
        )
    )
    frame = grouped.reindex(names).fillna(0).rename_axis("segment").reset_index()
    frame["clients"] = frame["clients"].astype(int)
    return frame.round({"balance": 2, "overdue": 2, "revenue_12m": 2})


def _dunning_status(pos: pd.DataFrame) -> pd.Series:
    """not_overdue, no_action (overdue, never dunned by D) or level_<n> of the last action."""
    level = pos["last_dunning_level"]
    status = np.where(
        pos["overdue"] <= 0,
        "not_overdue",
        np.where(level.isna(), "no_action", "level_" + level.fillna(0).astype(int).astype(str)),
    )
    return pd.Series(status, index=pos.index)


def breakdown(con: Cursor, as_of: dt.date, dimension: str, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Outstanding, overdue and days late per value of a client dimension (or dunning status)."""
    if dimension not in BREAKDOWN_DIMENSIONS:
        raise EncoursError(
            "kpi.bad_choice", name="dimension", value=dimension, expected=", ".join(BREAKDOWN_DIMENSIONS)
        )
    pos = _position(con, as_of, filters)
    pos = pos.assign(dunning_status=_dunning_status(pos))
    if dimension == "dunning_status":  # a credit balance (unapplied credit notes) is nothing overdue, not -x
        pos = pos.assign(overdue=pos["overdue"].clip(lower=0))
    grouped = (
        pos.groupby(dimension, dropna=False, sort=False)
        .agg(
            clients=("client_id", "count"),
            balance=("balance", "sum"),
            overdue=("overdue", "sum"),
            settled_amount=("settled_amount", "sum"),
            settled_days_late=("settled_days_late", "sum"),
        )
        .reset_index()
        .rename(columns={dimension: "value"})
    )
    grouped["overdue_rate"] = _weighted(grouped["overdue"], grouped["balance"])
    grouped["days_late_12m"] = _weighted(grouped["settled_days_late"], grouped["settled_amount"])
    grouped["value"] = grouped["value"].astype(object).where(grouped["value"].notna(), None)
    frame = grouped.sort_values(["balance", "clients"], ascending=False)
    frame = frame[["value", "clients", "balance", "overdue", "overdue_rate", "days_late_12m"]]
    return frame.round({"balance": 2, "overdue": 2}).reset_index(drop=True)


def dispute_reasons(con: Cursor, as_of: dt.date, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Open disputed invoices at `as_of` per reason (None when no reason was given): count and amount."""
    names = bucket_names(_edges())
    return store.query(con, "disputes", as_of=as_of, edges=_edges(), names=names, **filters.params())


def doubtful_provisions(con: Cursor, as_of: dt.date, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Doubtful clients (flagged, in litigation or collective procedure) and a provision on the HT balance (PCG 416)."""
    rules = config.get().legal
    pos = _position(con, as_of, filters)
    doubtful = pos[pos["doubtful"] | pos["status"].isin(DOUBTFUL_STATUSES)]
    balance_ht = (doubtful["balance"] / (1 + rules.vat_rate)).round(2)
    return pd.DataFrame(
        {
            "client_id": doubtful["client_id"],
            "name": doubtful["name"],
            "status": doubtful["status"],
            "balance_ttc": doubtful["balance"].round(2),
            "balance_ht": balance_ht,
            "provision": (balance_ht.clip(lower=0) * rules.provision_rate_doubtful).round(2),
        }
    ).reset_index(drop=True)


# --- invoice-level views ----------------------------------------------------------------------


def payment_history(con: Cursor, client_id: str, as_of: dt.date) -> pd.DataFrame:
    """Each invoice of the client settled by `as_of`: dates, amount, days to pay, days late, terms."""
    return store.query(con, "payment_history", client_id=client_id, as_of=as_of)


def invoice_flags(con: Cursor, as_of: dt.date, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Invoices open at `as_of` more than legal.paid_over_days after their date (L441-10 I alerts)."""
    flagged = legal.paid_over_60(con, as_of, filters)
    columns = ["invoice_id", "client_id", "name", "invoice_date", "due_date", "open_amount", "days_since_invoice"]
    return flagged.loc[flagged["is_open"], columns].reset_index(drop=True)


def assumed_terms(con: Cursor) -> bool:
    """Whether any invoice's due date was derived from payment terms (a FEC has none): figures say so."""
    return bool(con.execute("SELECT coalesce(bool_or(due_date_assumed), false) FROM invoices").fetchall()[0][0])
