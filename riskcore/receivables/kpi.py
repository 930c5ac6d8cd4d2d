"""Receivables KPIs at any date D (DOMAIN.md §2-4), reconstructed from dates, never from a status.

The SQL lives in riskcore/receivables/sql/ and its macros (riskcore/storage/macros/kpi_*.sql); every
setting (bucket edges, windows, thresholds) is read from config.yaml and bound as a parameter.
Most figures come from one pass over the ledger, `client_position.sql` (riskcore.receivables.position),
which returns one row of additive figures per client: the snapshot sums it, the per-client table,
concentration and the views of riskcore.receivables.breakdowns are views of it. The snapshot's aging
buckets and the lines beside them (unapplied credits, unapplied cash) are those of `aging`, the aging
balance's. This module is the one entry point of the KPIs: it also offers the names of those two
modules that callers use.
Turning figures into text is riskcore.reporting.text's job.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from riskcore import config
from riskcore.errors import EncoursError
from riskcore.receivables import legal
from riskcore.receivables.breakdowns import breakdown, dispute_reasons, doubtful_provisions, late_payer_segments
from riskcore.receivables.filters import NO_FILTERS, Filters
from riskcore.receivables.position import (
    bucket_edges,
    bucket_names,
    client_table,
    month_end,
    months_before,
    position,
    segment_names,
)
from riskcore.storage import store
from riskcore.storage.store import Cursor

AGING_BASES = ("due", "invoice")
CONCENTRATION_BASES = ("outstanding", "revenue")
CONCENTRATION_LEVELS = ("client", "group", "sector")

__all__ = [  # the KPIs callers read as kpi.<name>, those of the position and breakdowns modules included
    "AGING_BASES", "CONCENTRATION_BASES", "CONCENTRATION_LEVELS", "Concentration", "aging", "assumed_terms",
    "breakdown", "bucket_names", "by_client", "concentration", "dispute_reasons", "doubtful_provisions",
    "invoice_flags", "late_payer_segments", "month_end", "monthly_series", "months_before", "open_items",
    "payment_history", "segment_names", "snapshot",
]  # fmt: skip


def _cents(value: float) -> float:
    return round(float(value), 2) + 0.0  # + 0.0 turns -0.0 into 0.0


def _ratio(num: float, den: float, positive: bool = True) -> float | None:
    """num / den, or None when the denominator makes it meaningless (<= 0, or 0 if not `positive`)."""
    if den > 0 or (not positive and den != 0):
        return float(num) / float(den)
    return None


# --- the per-client table ---------------------------------------------------------------------


def by_client(con: Cursor, as_of: dt.date, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """One row per client in the filter at `as_of` (also with a zero balance): balance, buckets, behaviour, limits."""
    return client_table(position(con, as_of, filters))


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
    return _concentration(position(con, as_of, filters), column, level)


# --- the snapshot -----------------------------------------------------------------------------


def _countback(con: Cursor, as_of: dt.date, ar: float, filters: Filters) -> float | None:
    rows = store.query(
        con, "countback", as_of=as_of, ar=ar, max_months=config.get().kpi.countback_max_months, **filters.params()
    )
    value = rows["dso_countback"].iloc[0]
    return None if pd.isna(value) else float(value)


def cei(pos: pd.DataFrame, not_due: float | None = None) -> float | None:
    """CEI over kpi.dso_days of the clients of `pos` (a `position` frame), as a fraction (DOMAIN.md §3).

    `not_due`: the not-due amount of their open invoices when the caller has it from `aging` (which
    leaves credit notes out of every bucket); else the position's first bucket.
    """
    if not_due is None:
        not_due = _cents(pos[bucket_names(config.get().aging.bucket_edges)[0]].sum())
    ar_prior, sales, total = (
        float(pos["balance_prior"].sum()),
        float(pos["sales_dso"].sum()),
        _cents(pos["balance"].sum()),
    )
    return _ratio(ar_prior + sales - total, ar_prior + sales - not_due, positive=False)


def snapshot(con: Cursor, as_of: dt.date, filters: Filters = NO_FILTERS) -> dict:
    """Every KPI of DESIGN.md `kpi --json` at `as_of` (amounts rounded to cents, rates as fractions, days)."""
    cfg = config.get()
    n_days = cfg.kpi.dso_days
    pos = position(con, as_of, filters)
    names = bucket_names(cfg.aging.bucket_edges)
    # the buckets and their two lines as the aging balance shows them: credit notes apart, never aged
    lines = aging(con, as_of, filters)
    buckets = {bucket: _cents(amount) for bucket, amount in zip(lines["bucket"], lines["amount"], strict=True)}
    total = _cents(pos["balance"].sum())
    not_due = buckets[names[0]]
    sales = float(pos["sales_dso"].sum())
    dso = _ratio(total * n_days, sales)
    bpdso = _ratio(not_due * n_days, sales)
    settled = float(pos["settled_amount"].sum())
    outstanding = _concentration(pos, "balance", "client")
    revenue = _concentration(pos, "revenue_12m", "client")
    late = pos[(pos["overdue"] > 0) & ~pos["non_credit"]]  # cash takings are not chased
    snap = {
        "as_of": as_of,
        "total_outstanding": total,
        "not_due": not_due,
        "overdue_amount": _cents(sum(buckets[n] for n in names[1:])),
        "overdue_rate": _ratio(sum(buckets[n] for n in names[1:]), total),
        "unapplied_cash": _cents(pos["unapplied"].sum()),
        "unapplied_credits": lines.attrs["unapplied_credits"],
        "aging": buckets,
        "dso_simple_90": dso,
        "dso_countback": _countback(con, as_of, total, filters),
        "bpdso_90": bpdso,
        "add_90": dso - bpdso if dso is not None and bpdso is not None else None,
        # CEI as a fraction like every rate of kpi --json: DOMAIN.md's 55.9 % is 0.559 here
        "cei_90": cei(pos, not_due),
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


# --- aging, open items, series ----------------------------------------------------------------


def aging(con: Cursor, as_of: dt.date, filters: Filters = NO_FILTERS, basis: str = "due") -> pd.DataFrame:
    """Open amount and count of invoices per bucket at `as_of`, by days past due or seniority; every bucket, in order.

    The lines shown beside the buckets are in `attrs`, as positive amounts deducted (DOMAIN.md §2):
    `unapplied_credits` (what is left of the credit notes not applied to an invoice: they are never
    aged nor netted into a bucket; `credit_notes` counts them) and `unapplied_cash`; `total_outstanding`
    is the buckets minus those two lines.
    """
    if basis not in AGING_BASES:
        raise EncoursError("kpi.bad_choice", name="basis", value=basis, expected=", ".join(AGING_BASES))
    names = bucket_names(bucket_edges())
    rows = store.query(con, "aging", as_of=as_of, basis=basis, edges=bucket_edges(), names=names, **filters.params())
    frame = pd.DataFrame({"bucket": names}).merge(rows, on="bucket", how="left")
    frame = frame.assign(amount=frame["amount"].fillna(0.0).round(2), invoices=frame["invoices"].fillna(0).astype(int))
    lines = rows.set_index("bucket")
    cash, credits = (_cents(lines["amount"].get(name, 0.0)) for name in ("unapplied_cash", "unapplied_credits"))
    frame.attrs.update(
        unapplied_cash=cash,
        unapplied_credits=credits,
        credit_notes=int(lines["invoices"].get("unapplied_credits", 0)),
        total_outstanding=_cents(frame["amount"].sum() - cash - credits),
    )
    return frame


def open_items(
    con: Cursor, as_of: dt.date, filters: Filters = NO_FILTERS, client_id: str | None = None
) -> pd.DataFrame:
    """Every open item at `as_of` (one client's when `client_id` is given), most days past due first."""
    names = bucket_names(bucket_edges())
    return store.query(
        con, "open_items", as_of=as_of, edges=bucket_edges(), names=names, client_id=client_id, **filters.params()
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
    return bool(store.value(con, "assumed_terms"))
