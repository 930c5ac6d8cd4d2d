"""The canonical clients and invoices a FEC gives: terms, due dates, doubtful and cash-sale clients."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from riskcore.storage import schema

DOUBTFUL_PREFIX = "416"  # PCG: clients douteux ou litigieux
_NON_CREDIT_LABEL = re.compile(
    r"\b(?:caisse|esp[eèé]ces|cb|carte|ch[eèé]ques?|clients?\s+divers|comptoir)\b", re.IGNORECASE
)
# "Giraud Comptoir SARL" is a company, not the shop's till: a legal form rules the label out
_LEGAL_FORM = re.compile(r"\b(?:sa|sas|sasu|sarl|eurl|snc|sci|scop|gie|selarl|selas|scp|ltd|gmbh|inc|llc|bv|srl)\b",
                         re.IGNORECASE)  # fmt: skip
MIN_SAME_DAY_DEBITS = 2  # one prepaid invoice does not make a cash-takings account
_DAY = np.timedelta64(1, "D")


def _terms(client_ids: pd.Series, clients: pd.DataFrame | None, default_days: int) -> tuple[pd.Series, pd.Series]:
    """Per-client terms from the clients file, else the default (L441-10 I: 30 days)."""
    days = pd.Series(np.nan, index=client_ids.index)
    eom = pd.Series(False, index=client_ids.index)
    if clients is not None and not clients.empty and "client_id" in clients.columns:
        known = clients.drop_duplicates("client_id").set_index("client_id")
        if "payment_terms_days" in known.columns:
            days = client_ids.map(pd.to_numeric(known["payment_terms_days"], errors="coerce"))
        if "terms_end_of_month" in known.columns:
            eom = is_true(client_ids.map(is_true(known["terms_end_of_month"])))
    return days.fillna(default_days).astype("int64"), eom


def is_true(values: pd.Series) -> pd.Series:
    """A yes/no column of any dtype (bool, boolean, float, object) as plain bool; missing is False."""
    return values.astype("object").eq(True).astype(bool)


def _due_dates(base: pd.Series, days: pd.Series, end_of_month: pd.Series) -> np.ndarray:
    """Base date + terms days; end-of-month terms then move to the month's end (DOMAIN.md §1)."""
    due = base.to_numpy(dtype="datetime64[D]") + days.to_numpy().astype("timedelta64[D]")
    month_end = (due.astype("datetime64[M]") + 1).astype("datetime64[D]") - _DAY
    return np.where(end_of_month.to_numpy(), month_end, due)


def invoice_rows(
    items: pd.DataFrame, wo_dates: pd.Series, clients: pd.DataFrame | None, default_days: int
) -> pd.DataFrame:
    """One invoice or credit note per document, due at its client's terms (assumed: a FEC has no due dates)."""
    days, eom = _terms(items["client_id"], clients, default_days)
    return pd.DataFrame(
        {
            "invoice_id": items["invoice_id"], "client_id": items["client_id"],
            "invoice_date": items["invoice_date"].to_numpy(dtype="datetime64[D]"),
            "due_date": _due_dates(items["due_base"], days, eom), "due_date_assumed": True,
            "amount": items["cents"] / 100, "cents": items["cents"].astype("int64"),
            "write_off_date": wo_dates.to_numpy(dtype="datetime64[D]"), "opening": items["opening"].astype(bool),
        }
    )  # fmt: skip


def client_rows(valid: pd.DataFrame, known: pd.DataFrame | None) -> pd.DataFrame:
    """One row per client of the sub-ledger; a known client keeps the columns of its clients file."""
    named = valid[valid["name"].ne("")]
    doubtful = valid["account"].str.startswith(DOUBTFUL_PREFIX).groupby(valid["client_id"]).any()
    out = pd.DataFrame(
        {"name": named.groupby("client_id")["name"].last().reindex(doubtful.index, fill_value=""), "doubtful": doubtful}
    )
    same_day = _settled_same_day(valid).reindex(out.index, fill_value=False).astype(bool)
    takings = out["name"].str.contains(_NON_CREDIT_LABEL) & ~out["name"].str.contains(_LEGAL_FORM)
    out["non_credit"] = takings | same_day
    out = out.rename_axis("client_id").reset_index()
    out["placeholder"] = False
    if known is None or known.empty or "client_id" not in known.columns:
        return out
    # a client of the clients file keeps its columns (terms, limits, sector) when the FEC is written
    known = known.drop_duplicates("client_id").set_index("client_id").reindex(out["client_id"]).reset_index()
    for flag in ("doubtful", "non_credit"):
        if flag in known.columns:
            out[flag] = out[flag] | is_true(known[flag])
    if "name" in known.columns:
        out["name"] = known["name"].where(known["name"].notna() & known["name"].ne(""), out["name"])
    return known.drop(columns=["name", "doubtful", "non_credit", "placeholder"], errors="ignore").join(
        out.drop(columns="client_id")
    )


def _settled_same_day(valid: pd.DataFrame) -> pd.Series:
    """Clients whose every day with a debit has at least as much credit that same day."""
    running = valid[~valid["opening"]]
    day = (
        running.assign(debit=running["cents"].clip(lower=0), credit=(-running["cents"]).clip(lower=0))
        .groupby(["client_id", "date"])[["debit", "credit"]]
        .sum()
    )
    debit_days = day[day["debit"] > 0]
    ok = (debit_days["credit"] >= debit_days["debit"]).groupby(level=0).agg(["all", "size"])
    return ok["all"] & (ok["size"] >= MIN_SAME_DAY_DEBITS)


def canonical(frame: pd.DataFrame, table: schema.Table) -> pd.DataFrame:
    """Exactly the table's columns, in order, missing ones NULL."""
    return frame.reindex(columns=table.column_names).reset_index(drop=True)
