"""A canonical ledger written as a FEC: journals, entries, lettering and the 18 legal columns."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from riskcore.i18n import t
from riskcore.ingest.fec.frames import is_true
from riskcore.ingest.fec.source import FEC_COLUMNS
from riskcore.storage import schema


def write_fec(
    frames: dict[str, pd.DataFrame],
    path: Path,
    *,
    siren: str = "123456789",
    closing: dt.date | None = None,
    sep: str = "\t",
    encoding: str = "utf-8",
) -> Path:
    """Write a canonical ledger as a valid FEC; a directory gets the legal name SIREN + FEC + closing date.

    Sales journal VT: invoices debit 411 (416 for doubtful clients) against 706 and 44571,
    credit notes the other way; bank journal BQ: payments credit 411; OD: write-offs against
    654; AN: opening items. Lettering links each invoice with its payments and credit notes.
    """
    entries = _entries(frames, closing)
    entries = entries.join(_letters(entries))
    lines = _entry_lines(entries, sep)
    path = Path(path)
    if path.is_dir():
        last = closing or entries["date"].max().date()
        path = path / f"{siren}FEC{last:%Y%m%d}.txt"
    columns = [pa.array(lines[c].astype("str"), type=pa.string()) for c in FEC_COLUMNS]
    body = pc.binary_join_element_wise(*columns, sep).to_pylist()
    text = "\r\n".join([sep.join(FEC_COLUMNS), *body]) + "\r\n"
    path.write_bytes(text.encode(encoding, errors="replace"))
    return path


def _cents_of(amount: pd.Series) -> pd.Series:
    return (pd.to_numeric(amount.astype("float64")) * 100).round().astype("int64")


def _entries(frames: dict[str, pd.DataFrame], closing: dt.date | None) -> pd.DataFrame:
    """One row per accounting entry: journal, date, piece, client line amount and lettering node."""
    inv = frames["invoices"].reset_index(drop=True)
    pay = frames.get("payments", pd.DataFrame(columns=schema.PAYMENTS.column_names)).reset_index(drop=True)
    inv = inv.assign(cents=_cents_of(inv["amount"]), invoice_date=pd.to_datetime(inv["invoice_date"]),
                     node=np.arange(len(inv)))  # fmt: skip
    pay = pay.assign(cents=_cents_of(pay["amount"]), payment_date=pd.to_datetime(pay["payment_date"]))
    node_of = pd.Series(inv["node"].to_numpy(), index=inv["invoice_id"].to_numpy())
    pay["node"] = pay["invoice_id"].map(node_of).fillna(-1).astype("int64")
    pairs = _credit_note_pairs(pay, inv)
    opening = is_true(inv["opening"]) if "opening" in inv else pd.Series(False, index=inv.index)
    # opening items are entries of the fiscal year's first day; their piece keeps the invoice date
    day = np.maximum(_opening_day(inv["invoice_date"], opening, closing), inv["invoice_date"])
    sales = pd.DataFrame(
        {"journal": np.where(opening, "AN", "VT"), "date": inv["invoice_date"].where(~opening, day),
         "piece_date": inv["invoice_date"], "piece": inv["invoice_id"],
         "client_id": inv["client_id"], "cents": inv["cents"], "node": inv["node"],
         "kind": np.where(opening, "opening", np.where(inv["cents"] < 0, "credit_note", "invoice"))}
    )  # fmt: skip
    cash = pay[~pay.index.isin(pairs.index) & pay["cents"].ne(0)]
    bank = pd.DataFrame(
        {"journal": "BQ", "date": cash["payment_date"], "piece": cash["payment_id"], "client_id": cash["client_id"],
         "cents": -cash["cents"], "node": cash["node"], "kind": np.where(cash["cents"] > 0, "payment", "refund")}
    )  # fmt: skip
    entries = pd.concat([sales, bank, _write_off_entries(inv, pay)], ignore_index=True)
    entries = entries[entries["cents"].ne(0)].astype({"cents": "int64", "node": "int64"})
    entries["date"] = pd.to_datetime(entries["date"])
    entries["piece_date"] = pd.to_datetime(entries["piece_date"]).fillna(entries["date"])
    node = entries["node"].to_numpy(dtype="int64")
    components = _components(len(inv), pairs)
    entries["component"] = np.where(node >= 0, components[np.maximum(node, 0)], -1 - np.arange(len(entries)))
    return _with_clients(entries, frames.get("clients"))


def _opening_day(dates: pd.Series, opening: pd.Series, closing: dt.date | None) -> pd.Timestamp:
    """The first day of the fiscal year: the day after `closing` a year earlier, else January 1st."""
    if closing is not None:
        return pd.Timestamp(closing) + pd.Timedelta(days=1) - pd.DateOffset(years=1)
    running = dates[~opening]
    first = running.min() if len(running) else dates.max()
    return pd.Timestamp(year=first.year, month=1, day=1) if pd.notna(first) else pd.NaT


def _credit_note_pairs(pay: pd.DataFrame, inv: pd.DataFrame) -> pd.DataFrame:
    """Payment rows that apply a credit note (-x on it, +x on an invoice, same client and day).

    They move no cash: in a FEC they are the lettering of the credit note with the invoice.
    Returns the -x rows indexed as in `pay`, with the invoice node of their +x twin.
    """
    credit_notes = set(inv.loc[inv["cents"] < 0, "invoice_id"])
    key = ["client_id", "payment_date", "size"]
    neg = pay[(pay["cents"] < 0) & pay["invoice_id"].isin(credit_notes)].assign(size=lambda f: -f["cents"])
    pos = pay[(pay["cents"] > 0) & pay["node"].ge(0)].assign(size=lambda f: f["cents"])
    neg = neg.assign(n=neg.groupby(key).cumcount(), i=neg.index)
    pos = pos.assign(n=pos.groupby(key).cumcount(), i=pos.index)
    matched = neg.merge(pos, on=[*key, "n"], suffixes=("", "_twin"))
    both = pd.concat(
        [pd.DataFrame({"twin": matched["node_twin"].to_numpy(), "node": matched["node"].to_numpy()},
                      index=matched["i"].to_numpy()),
         pd.DataFrame({"twin": matched["node"].to_numpy(), "node": matched["node_twin"].to_numpy()},
                      index=matched["i_twin"].to_numpy())]
    )  # fmt: skip
    return both


def _components(n: int, pairs: pd.DataFrame) -> np.ndarray:
    """Lettering groups: invoices joined through the credit notes applied to them."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix((np.ones(len(pairs)), (pairs["node"].to_numpy(), pairs["twin"].to_numpy())), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return labels


def _write_off_entries(inv: pd.DataFrame, pay: pd.DataFrame) -> pd.DataFrame:
    """A credit on the client account for what remained open on the write-off date."""
    if "write_off_date" not in inv.columns:
        return pd.DataFrame(columns=["journal", "date", "piece", "client_id", "cents", "node", "kind"])
    written = inv[inv["write_off_date"].notna()].assign(write_off_date=lambda f: pd.to_datetime(f["write_off_date"]))
    before = pay.merge(written[["node", "write_off_date"]], on="node")
    before = before[before["payment_date"] <= before["write_off_date"]].groupby("node")["cents"].sum()
    left = written["cents"] - before.reindex(written["node"], fill_value=0).to_numpy()
    return pd.DataFrame(
        {"journal": "OD", "date": written["write_off_date"], "piece": written["invoice_id"],
         "client_id": written["client_id"], "cents": -left, "node": written["node"], "kind": "write_off"}
    )  # fmt: skip


def _with_clients(entries: pd.DataFrame, clients: pd.DataFrame | None) -> pd.DataFrame:
    """The client's name (its id when unknown) and account: 416 for a doubtful client, else 411."""
    known = pd.DataFrame(columns=["client_id", "name", "doubtful"])
    if clients is not None and not clients.empty:
        known = clients.reindex(columns=["client_id", "name", "doubtful"]).drop_duplicates("client_id")
    known = known.set_index("client_id")
    name = entries["client_id"].map(known["name"].astype("str"))
    is_doubtful = entries["client_id"].isin(known.index[known["doubtful"].eq(True)])
    return entries.assign(
        name=name.where(name.notna(), entries["client_id"]), account=np.where(is_doubtful, "416000", "411000")
    )


def _letters(entries: pd.DataFrame) -> pd.DataFrame:
    """EcritureLet per entry (groups of two or more entries), DateLet when the group nets to zero."""
    groups = entries.groupby(["client_id", "component"])
    size = groups["cents"].transform("size")
    net = groups["cents"].transform("sum")
    lettered = entries[(size > 1).to_numpy()]
    rank = lettered.groupby("client_id")["component"].rank(method="dense").astype("int64") - 1
    codes = np.array([_letter_code(i) for i in range(int(rank.max()) + 1 if len(rank) else 0)], dtype=object)
    letter = pd.Series("", index=entries.index, dtype="str")
    letter[lettered.index] = codes[rank.to_numpy()] if len(rank) else []
    last = groups["date"].transform("max")
    date_let = last.where((size > 1) & net.eq(0))
    return pd.DataFrame({"letter": letter, "date_let": date_let})


def _letter_code(n: int) -> str:
    """A, B, … Z, AA, AB, …: the lettering codes accounting software prints."""
    code = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        code = chr(65 + r) + code
    return code


_COUNTERPART = {  # kind: (account, is a sales/VAT split)
    "invoice": ("706000", True), "credit_note": ("706000", True), "write_off": ("654000", True),
    "payment": ("512000", False), "refund": ("512000", False), "opening": ("890000", False),
}  # fmt: skip


def _entry_lines(entries: pd.DataFrame, sep: str) -> pd.DataFrame:
    """The FEC lines of each entry: the client line, then its counterpart (HT and VAT for sales)."""
    from riskcore import config

    vat = config.get().legal.vat_rate
    e = entries.sort_values(["date", "journal", "kind", "piece"], kind="stable").reset_index(drop=True)
    e["num"] = e.groupby("journal").cumcount().add(1)
    split = e["kind"].map({k: v[1] for k, v in _COUNTERPART.items()}).astype(bool)
    gross = e["cents"].abs()
    net = np.where(split, np.round(gross / (1 + vat)), gross).astype("int64")
    client = e.assign(line=0, amount=e["cents"], compte=e["account"], aux=e["client_id"], auxlib=e["name"])
    counter = e.assign(line=1, amount=-np.sign(e["cents"]) * net, compte=e["kind"].map({k: v[0] for k, v in _COUNTERPART.items()}),
                       aux="", auxlib="", letter="", date_let=pd.NaT)  # fmt: skip
    tax = e[split & (gross != net)]
    tax = tax.assign(line=2, amount=-np.sign(tax["cents"]) * (gross - net)[tax.index], compte="445710", aux="",
                     auxlib="", letter="", date_let=pd.NaT)  # fmt: skip
    lines = pd.concat([client, counter, tax], ignore_index=True).sort_values(["date", "journal", "num", "line"])
    return _fec_fields(lines, sep)


_JOURNAL_LABELS = {"VT": "sales", "BQ": "bank", "OD": "misc", "AN": "opening"}
_ACCOUNT_LABELS = {
    "411000": "clients", "416000": "doubtful", "706000": "revenue", "445710": "vat", "512000": "bank",
    "654000": "bad_debts", "890000": "opening_balance",
}  # fmt: skip


def _fec_fields(lines: pd.DataFrame, sep: str) -> pd.DataFrame:
    """The 18 FEC columns as text: AAAAMMJJ dates, decimal-comma amounts, no separator inside a field."""
    day = _fec_date(lines["date"])
    piece_day = _fec_date(lines["piece_date"])
    label = lines["kind"].map({k: t(f"fec.write.{k}", "fr") for k in _COUNTERPART}) + " " + lines["piece"]
    amount = lines["amount"].astype("int64")
    out = pd.DataFrame(
        {
            "JournalCode": lines["journal"], "JournalLib": lines["journal"].map(_wording("journal", _JOURNAL_LABELS)),
            "EcritureNum": lines["num"].astype("str"), "EcritureDate": day, "CompteNum": lines["compte"],
            "CompteLib": lines["compte"].map(_wording("account", _ACCOUNT_LABELS)), "CompAuxNum": lines["aux"],
            "CompAuxLib": lines["auxlib"], "PieceRef": lines["piece"], "PieceDate": piece_day, "EcritureLib": label,
            "Debit": _fec_amount(amount.clip(lower=0)), "Credit": _fec_amount((-amount).clip(lower=0)),
            "EcritureLet": lines["letter"], "DateLet": _fec_date(lines["date_let"]), "ValidDate": day,
            "Montantdevise": "", "Idevise": "",
        }
    )  # fmt: skip
    for column in ("CompAuxLib", "PieceRef", "EcritureLib", "CompAuxNum"):
        out[column] = out[column].astype("str").str.replace(f"[{re.escape(sep)}\r\n]", " ", regex=True)
    return out


def _wording(kind: str, labels: dict[str, str]) -> dict[str, str]:
    return {code: t(f"fec.write.{kind}_{name}", "fr") for code, name in labels.items()}


def _fec_date(dates: pd.Series) -> pd.Series:
    days = pd.to_datetime(dates)
    codes, uniques = pd.factorize(days)
    text = np.append(pd.DatetimeIndex(uniques).strftime("%Y%m%d").to_numpy(dtype=object), "")
    return pd.Series(text[codes], index=dates.index)


def _fec_amount(cents: pd.Series) -> pd.Series:
    whole = (cents // 100).astype("str")
    return whole + "," + (cents % 100).astype("str").str.zfill(2)
