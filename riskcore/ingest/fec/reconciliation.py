"""The reconciliation of a FEC import to its client accounts, and the notes the user is shown."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd

from riskcore.i18n import fmt_amount, fmt_date


def reconcile(
    ledger: pd.DataFrame, invoices: pd.DataFrame, payments: pd.DataFrame, as_of: pd.Timestamp
) -> pd.DataFrame:
    """Per client: Σ debit − Σ credit of its accounts against open items − unapplied cash at `as_of`."""
    as_of = np.datetime64(as_of.date(), "D")
    balance = ledger[ledger["cents"].notna()].groupby("client_id")["cents"].sum()
    counted = (invoices["invoice_date"] <= as_of) & ~(invoices["write_off_date"] <= as_of)
    open_cents = invoices[counted].groupby("client_id")["cents"].sum()
    paid = payments[payments["payment_date"].to_numpy(dtype="datetime64[D]") <= as_of]
    live = paid["invoice_id"].isin(invoices.loc[counted, "invoice_id"]) | paid["invoice_id"].isna()
    received = paid[live].groupby("client_id")["cents"].sum()
    frame = pd.DataFrame({"ledger": balance, "open": open_cents}).fillna(0)
    frame["open"] = frame["open"].sub(received, fill_value=0)
    frame = frame.fillna(0).astype("int64")
    return pd.DataFrame(
        {
            "client_id": frame.index, "ledger_balance": frame["ledger"].to_numpy() / 100,
            "open_items_balance": frame["open"].to_numpy() / 100,
            "difference": (frame["ledger"] - frame["open"]).to_numpy() / 100,
        }
    ).reset_index(drop=True)  # fmt: skip


def _money(value: float) -> str:
    """An amount for a note, formatted in the default language as the import report's other notes."""
    return fmt_amount(Decimal(round(value * 100)).scaleb(-2))


def import_notes(
    valid: pd.DataFrame, items: pd.DataFrame, alloc: pd.DataFrame, invoices: pd.DataFrame, client_frame: pd.DataFrame,
    reconciliation: pd.DataFrame, clients: pd.DataFrame | None, default_days: int, last: pd.Timestamp,
) -> list[tuple[str, dict]]:  # fmt: skip
    """What the user must know about this FEC import, as message keys and their values."""
    notes: list[tuple[str, dict]] = []
    known = 0 if clients is None or "payment_terms_days" not in clients.columns else int(
        clients.loc[clients["client_id"].isin(client_frame["client_id"]), "payment_terms_days"].notna().sum()
    )  # fmt: skip
    notes.append(("fec.assumed_terms", {"invoices": len(invoices), "days": default_days, "clients_with_terms": known}))
    opening = items[items["opening"]]
    if len(opening):
        notes.append(("fec.opening_items", {"count": len(opening), "date": fmt_date(opening["invoice_date"].min()),
                                            "amount": _money(opening["cents"].sum() / 100)}))  # fmt: skip
    cash = valid[valid["kind"].isin(["pay", "wo"]) & valid["letter"].eq("")]
    if len(cash):
        notes.append(("fec.unlettered_credits", {"count": len(cash), "amount": _money(-cash["cents"].sum() / 100)}))
    lettered = valid[valid["letter"].ne("")]
    open_groups = int((lettered.groupby(["client_id", "letter"])["cents"].sum() != 0).sum())
    if open_groups:
        notes.append(("fec.open_lettering_groups", {"count": open_groups}))
    for flag, key in (("non_credit", "fec.non_credit"), ("doubtful", "fec.doubtful")):
        flagged = client_frame.loc[client_frame[flag].astype(bool), "client_id"]
        if len(flagged):
            notes.append((key, {"count": len(flagged), "clients": ", ".join(flagged.head(10))}))
    written = invoices["write_off_date"].notna().to_numpy()
    if written.any():  # the amount written off: what the write-off credits settled
        lost = alloc.loc[(alloc["ckind"] == "wo").to_numpy() & written[alloc["d_ref"]], "cents"].sum()
        notes.append(("fec.write_offs", {"count": int(written.sum()), "amount": _money(lost / 100)}))
    notes.append(_reconciliation_note(reconciliation, last))
    return notes


def _reconciliation_note(reconciliation: pd.DataFrame, last: pd.Timestamp) -> tuple[str, dict]:
    off = reconciliation[reconciliation["difference"].round(2) != 0]
    if off.empty:
        return "fec.reconciled", {"clients": len(reconciliation), "date": fmt_date(last),
                                  "balance": _money(reconciliation["ledger_balance"].sum())}  # fmt: skip
    examples = ", ".join(
        f"{c} ({_money(d)})" for c, d in zip(off["client_id"].head(5), off["difference"].head(5), strict=True)
    )
    return "fec.reconciliation_difference", {
        "clients": len(off), "date": fmt_date(last), "difference": _money(off["difference"].sum()), "examples": examples,
    }  # fmt: skip
