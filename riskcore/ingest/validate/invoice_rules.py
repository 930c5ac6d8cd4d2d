"""The batch rules of an invoices file: assumed due dates, paid and remaining columns, implied payments.

An invoices export may say what was paid (a settlement date, a paid or remaining amount)
rather than list payments; the ledger only knows payments, so those become payments here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from riskcore.errors import LedgerError
from riskcore.ingest.validate.files import Checked
from riskcore.ingest.validate.issues import as_mask
from riskcore.ingest.validate.stored import Ledger

MONEY_TOLERANCE = 0.005  # half a cent: amounts are compared after rounding to cents


def date_in_name(file_name: str) -> dt.date | None:
    """`balance_2025-10-31.csv`, `encours_20251031.xlsx`, `AR 31-10-2025.csv` -> that date."""
    patterns = (r"(20\d\d)[-_.]?(\d\d)[-_.]?(\d\d)", r"(\d\d)[-_.](\d\d)[-_.](20\d\d)")
    for order, pattern in enumerate(patterns):
        for found in re.finditer(pattern, file_name):
            y, m, d = found.groups() if order == 0 else found.groups()[::-1]
            try:
                return dt.date(int(y), int(m), int(d))
            except ValueError:
                continue
    return None


def assume_due_dates(c: Checked, clients: Callable[[], pd.DataFrame], terms_days: int) -> None:
    """A missing due date is the invoice date + the client's terms (DOMAIN.md §1), flagged assumed.

    `clients` gives the clients known so far (their terms), asked only when a due date is missing;
    `terms_days` is the default for a client without terms.
    """
    f = c.frame
    due = f["due_date"] if "due_date" in f else pd.Series(pd.NaT, index=f.index, dtype="datetime64[ns]")
    need = due.isna() & f["invoice_date"].notna()
    f["due_date_assumed"] = need.astype("boolean")
    f["due_date"] = due
    if not need.any():
        return
    terms = clients().set_index("client_id")
    days = pd.to_numeric(f["client_id"].map(terms["payment_terms_days"]), errors="coerce")
    days = days.fillna(terms_days).astype("float64")
    eom = as_mask(f["client_id"].map(terms["terms_end_of_month"]).eq(True))
    assumed = f["invoice_date"] + pd.to_timedelta(days, unit="D")
    # End of month terms: add the days, then move to the month's end (L441-10 I computation).
    assumed = assumed.mask(pd.Series(eom, index=f.index), assumed + pd.offsets.MonthEnd(0))
    f["due_date"] = due.mask(need, assumed)
    c.notes.append(("note_due_assumed", {"file": c.file_name, "count": int(need.sum()), "days": terms_days}))


def check_paid_columns(c: Checked) -> None:
    """A paid amount above its invoice, or a remaining amount below zero or above it, is refused."""
    f = c.frame
    sign = pd.Series(np.where(f["amount"] < 0, -1.0, 1.0), index=f.index)
    if "paid_amount" in f:
        over = f["paid_amount"] * sign > f["amount"].abs() + MONEY_TOLERANCE
        c.issues.add(
            "payment_exceeds_invoice",
            over,
            column=c.header("paid_amount"),
            values=c.source("paid_amount"),
            invoice=f["invoice_id"],
            invoice_amount=f["amount"],
            paid=f["paid_amount"],
        )
    if "remaining_amount" in f and "amount" in c.match.mapping:
        left = f["remaining_amount"] * sign
        bad = (left < -MONEY_TOLERANCE) | (left > f["amount"].abs() + MONEY_TOLERANCE)
        c.issues.add(
            "remaining_out_of_range",
            bad,
            column=c.header("remaining_amount"),
            values=c.source("remaining_amount"),
            invoice_amount=f["amount"],
        )


def implied_payments(
    c: Checked, f: pd.DataFrame, *, as_of: dt.date | None, ledger: Ledger, file_paid_invoices: pd.Index
) -> tuple[pd.Series | None, pd.DataFrame | None]:
    """Settlement dates and remaining amounts become payments: the ledger only knows payments.

    Parameters: `f` holds the valid rows of `c`; `as_of` dates an open-items snapshot (--as-of);
    `file_paid_invoices` are the invoices the batch's payments files pay.
    Returns the invoices of an open-items snapshot (whose earlier `open:` payments it replaces),
    or None, and the payments the rows imply, or None.
    """
    remaining = f.get("remaining_amount")
    if remaining is None and "paid_amount" in f and "settled_date" not in f:
        remaining = f["amount"] - f["paid_amount"].fillna(0.0)
    if remaining is not None:
        return _open_items(c, f, remaining, as_of)
    if "settled_date" in f:
        return None, _settlements(c, f, ledger, file_paid_invoices)
    return None, None


def _open_items(
    c: Checked, f: pd.DataFrame, remaining: pd.Series, as_of: dt.date | None
) -> tuple[pd.Series | None, pd.DataFrame | None]:
    has = remaining.notna()
    if not has.any():
        return None, None
    dates = _export_dates(c, f, as_of)
    if "settled_date" in f:
        dates = dates.mask(remaining.abs().le(MONEY_TOLERANCE) & f["settled_date"].notna(), f["settled_date"])
    paid = (f["amount"] - remaining).round(2)
    rows = has & paid.abs().gt(MONEY_TOLERANCE)
    payments = _generated(f[rows], "open:", dates[rows], paid[rows])
    c.notes.append(
        (
            "note_open_items",
            {"file": c.file_name, "count": int(has.sum()), "date": dates[has].max().date().isoformat()},
        )
    )
    return f.loc[has, "invoice_id"], payments


def _export_dates(c: Checked, f: pd.DataFrame, as_of: dt.date | None) -> pd.Series:
    """The open-items date: --as-of, else the export-date column, else a date in the file name."""
    if as_of is not None:
        return pd.Series(pd.Timestamp(as_of), index=f.index)
    column = f["export_date"] if "export_date" in f else pd.Series(pd.NaT, index=f.index, dtype="datetime64[ns]")
    named = date_in_name(c.file_name)
    fallback = pd.Timestamp(named) if named else column.max()
    if pd.isna(fallback):
        raise LedgerError("ingest.no_export_date", file=c.file_name)
    return column.fillna(fallback)


def _settlements(c: Checked, f: pd.DataFrame, ledger: Ledger, file_paid_invoices: pd.Index) -> pd.DataFrame | None:
    settled = f["settled_date"].notna()
    ids = f["invoice_id"]
    real = pd.Index(list(ledger.with_real_payments(ids[settled].unique()))).union(file_paid_invoices)
    rows = settled & ~ids.isin(real)
    amount = f["paid_amount"].fillna(f["amount"]) if "paid_amount" in f else f["amount"]
    payments = _generated(f[rows], "settle:", f.loc[rows, "settled_date"], amount[rows])
    if rows.any():
        c.notes.append(("note_settlements", {"file": c.file_name, "count": int(rows.sum())}))
    return payments


def _generated(f: pd.DataFrame, prefix: str, dates: pd.Series, amounts: pd.Series) -> pd.DataFrame | None:
    """The payment rows generated for invoices `f` (ids `<prefix><invoice>`); None when there are none."""
    if f.empty:
        return None
    return pd.DataFrame(
        {
            "payment_id": prefix + f["invoice_id"],
            "client_id": f["client_id"],
            "invoice_id": f["invoice_id"],
            "payment_date": dates,
            "amount": amounts,
        }
    )
