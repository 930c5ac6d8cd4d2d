"""Documents and lettering of a FEC: invoices and credit notes, and what settled each of them.

Inside a lettering group (client, EcritureLet) the oldest credits settle the oldest debits;
what a group leaves over is unapplied cash, and a write-off that closes an invoice dates it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

_DOC_KINDS = ("inv", "open_dr", "cn", "open_cr")
_ID_SUFFIX = {"inv": "F", "open_dr": "AN", "cn": "AV", "open_cr": "AN-AV"}


def documents(valid: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One invoice or credit note per (client, PieceRef, PieceDate, kind); lines get its index."""
    doc = valid["kind"].isin(_DOC_KINDS)
    d = valid[doc].assign(invoice_date=lambda f: f["date"].where(f["opening"], np.minimum(f["date"], f["doc_date"])))
    keys = ["client_id", "piece", "doc_date", "kind"]
    grouped = d.groupby(keys, sort=True)
    items = grouped.agg(
        cents=("cents", "sum"), invoice_date=("invoice_date", "min"), opening=("opening", "first"),
        journal=("journal", "first"), entry=("entry", "first"),
    ).reset_index()  # fmt: skip
    # an opening item keeps its original piece date for its terms, so its age stays honest
    items["due_base"] = items["invoice_date"].where(
        ~items["opening"], np.minimum(items["doc_date"], items["invoice_date"])
    )
    items["invoice_id"] = _document_ids(items)
    item = pd.Series(-1, index=valid.index)
    item[doc] = grouped.ngroup()
    return items, valid.assign(item=item)


def _document_ids(items: pd.DataFrame) -> pd.Series:
    """PieceRef as the invoice id, qualified by client, date and kind only where it repeats."""
    ids = items["piece"].where(items["piece"].ne(""), items["journal"] + "-" + items["entry"])
    qualifiers = (
        lambda f: "-" + f["client_id"] + "-" + f["doc_date"].dt.strftime("%Y%m%d"),
        lambda f: "-" + f["kind"].map(_ID_SUFFIX),
    )
    for qualifier in qualifiers:
        repeated = ids.duplicated(keep=False)
        if not repeated.any():
            return ids
        ids = ids.where(~repeated, ids[repeated] + qualifier(items[repeated]))
    repeated = ids.duplicated(keep=False)
    return ids.where(~repeated, ids + "-" + ids.groupby(ids).cumcount().add(1).astype("str"))


def allocation_parts(valid: pd.DataFrame, items: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Debit and credit parts of each lettering group (client, EcritureLet), with their dates."""
    lettered = valid[valid["letter"].ne("")]
    lettered = lettered.assign(gid=lettered.groupby(["client_id", "letter"], sort=False).ngroup())
    docs = lettered[lettered["item"] >= 0]
    parts = docs.groupby(["gid", "item"], sort=False)["cents"].sum().reset_index()
    parts["date"] = items["invoice_date"].to_numpy()[parts["item"]]
    debits = parts[parts["cents"] > 0].rename(columns={"item": "ref"})
    doc_credits = parts[parts["cents"] < 0].rename(columns={"item": "ref"}).assign(ckind="doc")
    cash = lettered[lettered["item"] < 0]
    cash_credits = pd.DataFrame(
        {"gid": cash["gid"], "ref": cash.index, "cents": cash["cents"], "date": cash["date"], "ckind": cash["kind"]}
    )
    credits = pd.concat([doc_credits, cash_credits], ignore_index=True)
    credits["cents"] = -credits["cents"]
    return debits.reset_index(drop=True), credits


def allocate(debits: pd.DataFrame, credits: pd.DataFrame) -> pd.DataFrame:
    """Oldest credits settle oldest debits inside each group: gid, d_ref, ckind, c_ref, cents.

    Each side covers an interval of its group's running total; a debit and a credit share
    the overlap of their intervals, found as the segments between all interval ends.
    """
    d = debits.sort_values(["gid", "date", "ref"], kind="stable")
    c = credits.sort_values(["gid", "date", "ref"], kind="stable")
    d = d.assign(end=d.groupby("gid")["cents"].cumsum())
    c = c.assign(end=c.groupby("gid")["cents"].cumsum())
    matched = np.minimum(d.groupby("gid")["cents"].sum(), c.groupby("gid")["cents"].sum()).dropna().astype("int64")
    points = pd.concat([d[["gid", "end"]], c[["gid", "end"]]], ignore_index=True)
    points = points.merge(matched.rename("matched").reset_index(), on="gid")
    points["end"] = np.minimum(points["end"], points["matched"])
    points = points.drop_duplicates(["gid", "end"]).sort_values(["gid", "end"])
    points["start"] = points.groupby("gid")["end"].shift(fill_value=0)
    segments = points[points["end"] > points["start"]].sort_values("end")
    empty = {"gid": [], "d_ref": [], "ckind": [], "c_ref": [], "cents": []}
    if segments.empty:
        return pd.DataFrame(empty).astype({"gid": "int64", "d_ref": "int64", "c_ref": "int64", "cents": "int64"})
    segments = pd.merge_asof(segments, _ends(d, "d_ref"), on="end", by="gid", direction="forward")
    segments = pd.merge_asof(segments, _ends(c, "c_ref", "ckind"), on="end", by="gid", direction="forward")
    segments["cents"] = (segments["end"] - segments["start"]).astype("int64")
    return segments[["gid", "d_ref", "ckind", "c_ref", "cents"]].reset_index(drop=True)


def _ends(side: pd.DataFrame, ref: str, *extra: str) -> pd.DataFrame:
    return side[["gid", "end", "ref", *extra]].rename(columns={"ref": ref}).sort_values("end")


def payment_rows(valid: pd.DataFrame, items: pd.DataFrame, alloc: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Payment rows (allocated, unapplied, credit notes applied) and the write-off date per item."""
    invoice_ids = items["invoice_id"].to_numpy()
    cash = valid[valid["kind"].isin(["pay", "wo"])]
    cash_key = _cash_keys(cash)
    settle_by = _lettering_dates(valid)
    written_off, wo_dates = _write_offs(alloc, items, valid)
    paid = alloc[(alloc["ckind"] != "doc") & ~written_off]
    line = valid[["client_id", "letter", "date"]].loc[paid["c_ref"]]
    cap = np.full(len(line), np.datetime64("NaT"), dtype="datetime64[s]")
    if len(settle_by):
        cap = settle_by.reindex(pd.MultiIndex.from_frame(line[["client_id", "letter"]])).to_numpy(dtype="datetime64[s]")
    allocated = pd.DataFrame(
        {
            "payment_id": cash_key.loc[paid["c_ref"]].to_numpy() + ">" + invoice_ids[paid["d_ref"]],
            "client_id": line["client_id"].to_numpy(), "invoice_id": invoice_ids[paid["d_ref"]],
            "payment_date": np.fmin(line["date"].to_numpy(), cap), "cents": paid["cents"].to_numpy(),
        }
    )  # fmt: skip
    spent = alloc[alloc["ckind"] != "doc"].groupby("c_ref")["cents"].sum()
    left = -cash["cents"] - spent.reindex(cash.index, fill_value=0)
    unapplied = pd.DataFrame(
        {"payment_id": cash_key, "client_id": cash["client_id"], "invoice_id": None, "payment_date": cash["date"],
         "cents": left}
    )[left > 0]  # fmt: skip
    payments = pd.concat([allocated, unapplied, _credit_notes_applied(alloc, items)], ignore_index=True)
    payments["payment_id"] = _unique(payments["payment_id"])
    payments["amount"] = payments["cents"] / 100
    return payments, wo_dates


def _cash_keys(cash: pd.DataFrame) -> pd.Series:
    """A stable id per payment line: journal, entry number, rank of the line in its entry."""
    rank = cash.groupby(["journal", "entry"], sort=False).cumcount().add(1).astype("str")
    return cash["journal"] + "-" + cash["entry"] + "-" + rank


def _lettering_dates(valid: pd.DataFrame) -> pd.Series:
    """DateLet per lettering group: the latest date its payments can have settled anything."""
    lettered = valid[valid["letter"].ne("") & valid["date_let"].notna()]
    return lettered.groupby(["client_id", "letter"])["date_let"].max()


def _write_offs(alloc: pd.DataFrame, items: pd.DataFrame, valid: pd.DataFrame) -> tuple[np.ndarray, pd.Series]:
    """Write-off allocations that close an invoice for good: the invoice is written off on that date.

    A write-off that leaves part of the invoice open stays a plain credit, so the open items
    still equal the account balance.
    """
    settled = alloc.groupby("d_ref")["cents"].sum()
    closed = settled.reindex(alloc["d_ref"]).to_numpy() >= items["cents"].to_numpy()[alloc["d_ref"]]
    is_wo = (alloc["ckind"] == "wo").to_numpy() & closed
    dates = valid["date"].reindex(alloc["c_ref"][is_wo]).to_numpy()
    wo_dates = pd.Series(dates, index=alloc["d_ref"][is_wo].to_numpy()).groupby(level=0).max()
    return is_wo, wo_dates.reindex(items.index)


def _credit_notes_applied(alloc: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    """A credit note applied to an invoice: +x on the invoice and -x on the credit note, same day."""
    docs = alloc[alloc["ckind"] == "doc"]
    invoice, note = items.iloc[docs["d_ref"]], items.iloc[docs["c_ref"]]
    date = np.maximum(invoice["invoice_date"].to_numpy(), note["invoice_date"].to_numpy())
    pair = note["invoice_id"].to_numpy() + ">" + invoice["invoice_id"].to_numpy()
    common = {"client_id": invoice["client_id"].to_numpy(), "payment_date": date}
    on_invoice = pd.DataFrame(
        {"payment_id": pair + "+", "invoice_id": invoice["invoice_id"].to_numpy(), "cents": docs["cents"].to_numpy()}
        | common
    )
    on_note = pd.DataFrame(
        {"payment_id": pair + "-", "invoice_id": note["invoice_id"].to_numpy(), "cents": -docs["cents"].to_numpy()}
        | common
    )
    return pd.concat([on_invoice, on_note], ignore_index=True)


def _unique(ids: pd.Series) -> pd.Series:
    repeated = ids.duplicated(keep=False)
    if not repeated.any():
        return ids
    return ids.where(~repeated, ids + "#" + ids.groupby(ids).cumcount().add(1).astype("str"))
