"""French payment-terms law applied to the ledger (DOMAIN.md §5).

L441-10 I (terms caps, invoices paid more than 60 days after their date), L441-10 II (late-payment
penalties at the ECB rate + 10 points, floored at 3 × the legal interest rate, half-year by
half-year), D441-5 (40 € recovery indemnity per invoice paid late) and the D441-6 table of the
management report. Rates and amounts come from config.yaml `legal.*`, never from constants.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from riskcore import config
from riskcore.config import DatedRate
from riskcore.errors import EncoursError
from riskcore.receivables.filters import NO_FILTERS, Filters
from riskcore.storage import store
from riskcore.storage.store import Cursor

# D441-6 and its arrêté fix the lateness brackets of the table (1-30, 31-60, 61-90, 91+ days):
# they are law, not a setting, so they do not follow config aging.bucket_edges.
D441_6_EDGES = (30, 60, 90)
D441_6_NAMES = ("not_due", "d1_30", "d31_60", "d61_90", "d91_plus")
BASES = ("TTC", "HT")
# Penalty rate tables start here; no receivable of the product's users is older.
RATE_BASE_YEAR = 1990
YEAR_DAYS = 365


def half_year_start(day: dt.date) -> dt.date:
    """1 January or 1 July of the half-year holding `day`."""
    return dt.date(day.year, 1 if day.month <= 6 else 7, 1)


def _rate_in_force(rates: tuple[DatedRate, ...], day: dt.date) -> float:
    """The dated rate in force on `day`; before the first date, the first rate (the oldest known)."""
    rate = rates[0].rate
    for entry in rates:
        if entry.start <= day:
            rate = entry.rate
    return rate


def penalty_rate(day: dt.date) -> float:
    """L441-10 II rate for `day`: ECB rate of its half-year + margin, never below multiple × legal rate."""
    legal = config.get().legal
    start = half_year_start(day)  # the rate of 1 January applies to H1, that of 1 July to H2
    ecb = _rate_in_force(legal.ecb_rates, start)
    floor = legal.legal_rate_floor_multiple * _rate_in_force(legal.legal_interest_rates, start)
    return max(ecb + legal.penalty_margin_points, floor)


@dataclass(frozen=True)
class RateTable:
    """Penalty rates per half-year from RATE_BASE_YEAR, and the rate-days accrued before each one."""

    base_year: int
    cum: tuple[float, ...]
    rates: tuple[float, ...]

    def params(self) -> dict[str, object]:
        """Bind values for the `rate_days` / `late_penalty` SQL macros."""
        return {"hy_base": self.base_year, "hy_cum": list(self.cum), "hy_rate": list(self.rates)}


def rate_table(until: dt.date) -> RateTable:
    """Half-year penalty rates from RATE_BASE_YEAR to the end of `until`'s year (SQL splits on them)."""
    cum: list[float] = []
    rates: list[float] = []
    accrued = 0.0
    for year in range(RATE_BASE_YEAR, until.year + 1):
        for start, end in ((dt.date(year, 1, 1), dt.date(year, 7, 1)), (dt.date(year, 7, 1), dt.date(year + 1, 1, 1))):
            rate = penalty_rate(start)
            cum.append(accrued)
            rates.append(rate)
            accrued += (end - start).days * rate / YEAR_DAYS
    return RateTable(RATE_BASE_YEAR, tuple(cum), tuple(rates))


def penalties(
    con: Cursor,
    as_of: dt.date,
    filters: Filters = NO_FILTERS,
    client_id: str | None = None,
    window_days: int | None = None,
) -> pd.DataFrame:
    """Per invoice paid late in the window (default kpi.behaviour_window_days) or open overdue at `as_of`.

    Columns: invoice_id, client_id, name, amount, penalty_base (the open amount while open),
    due_date, settle_date (None while open), days_late, penalty (split at half-year boundaries),
    indemnity (D441-5, per invoice).
    """
    cfg = config.get()
    window = cfg.kpi.behaviour_window_days if window_days is None else window_days
    return store.query(
        con,
        "penalties",
        as_of=as_of,
        window_start=as_of - dt.timedelta(days=window),
        client_id=client_id,
        indemnity=cfg.legal.recovery_indemnity,
        **rate_table(as_of).params(),
        **filters.params(),
    )


def terms_breaches(con: Cursor, as_of: dt.date, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Clients whose terms exceed the L441-10 I caps (agreed terms, or due dates of the last 365 days)."""
    legal = config.get().legal
    return store.query(
        con,
        "terms_breaches",
        as_of=as_of,
        window_start=as_of - dt.timedelta(days=YEAR_DAYS),
        max_days=legal.max_terms_days,
        max_eom_days=legal.max_terms_eom_days,
        **filters.params(),
    )


def paid_over_60(con: Cursor, as_of: dt.date, filters: Filters = NO_FILTERS, window_days: int = 365) -> pd.DataFrame:
    """Invoices settled in the window more than legal.paid_over_days after their date, and open ones past it."""
    return store.query(
        con,
        "paid_over_limit",
        as_of=as_of,
        window_start=as_of - dt.timedelta(days=window_days),
        limit_days=config.get().legal.paid_over_days,
        **filters.params(),
    )


def d441_6_table(con: Cursor, as_of: dt.date, exclude_disputed: bool = True, basis: str = "TTC") -> pd.DataFrame:
    """The D441-6 table at `as_of`: overdue invoices per bracket, count, amount and % of the year's revenue.

    Rows d1_30, d31_60, d61_90, d91_plus and total; columns bracket, invoices, amount, pct_revenue
    (a fraction of S over the 365 days to `as_of`). Amounts TTC, or HT with config legal.vat_rate.
    df.attrs["disputed_excluded"] = {"invoices", "amount"} (what was left out), df.attrs["basis"].
    """
    if basis not in BASES:
        raise EncoursError("legal.bad_basis", value=basis, expected=", ".join(BASES))
    rows = store.query(
        con,
        "d441_6",
        as_of=as_of,
        year_start=as_of - dt.timedelta(days=YEAR_DAYS),
        edges=list(D441_6_EDGES),
        names=list(D441_6_NAMES),
    )
    revenue = float(rows["revenue"].iloc[0])
    if not exclude_disputed:
        rows["invoices"] += rows["disputed_invoices"]
        rows["amount"] += rows["disputed_amount"]
    divisor = 1.0 + config.get().legal.vat_rate if basis == "HT" else 1.0
    table = pd.DataFrame(
        {
            "bracket": [*rows["bracket"], "total"],
            "invoices": [*(int(n) for n in rows["invoices"]), int(rows["invoices"].sum())],
            "amount_ttc": [*rows["amount"], rows["amount"].sum()],
        }
    )
    # the same VAT divides amount and revenue, so the share is the TTC one; None without revenue
    table["pct_revenue"] = pd.Series([a / revenue if revenue > 0 else None for a in table["amount_ttc"]], dtype=object)
    table["amount"] = [round(a / divisor, 2) for a in table.pop("amount_ttc")]
    table = table[["bracket", "invoices", "amount", "pct_revenue"]]
    excluded = rows[["disputed_invoices", "disputed_amount"]].sum() if exclude_disputed else None
    table.attrs["disputed_excluded"] = {
        "invoices": int(excluded["disputed_invoices"]) if excluded is not None else 0,
        "amount": round(float(excluded["disputed_amount"]) / divisor, 2) if excluded is not None else 0.0,
    }
    table.attrs["basis"] = basis
    return table
