"""The lines of a FEC on client accounts: amounts in cents, dates, client, and each line's kind.

A line is an invoice, a credit note, a payment, a write-off or an opening item, told apart by
its journal, its sign and the other accounts of its entry (PCG numbering, DOMAIN.md §6).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from riskcore.errors import LedgerError
from riskcore.ingest.problems import Problem

CLIENT_PREFIXES = ("411", "413", "416", "418", "419")  # PCG client accounts, 419 advances received
REVENUE_PREFIX = "70"
WRITE_OFF_PREFIXES = ("654", "6714")  # pertes sur créances irrécouvrables
OPENING_JOURNALS = frozenset({"AN", "ANO", "RAN", "AND"})
_OPENING_LABEL = r"(?:^|[^a-z])(?:[aà][\s\-]*nouveaux?|reports?)(?:[^a-z]|$)"
_SALES_LABEL = r"vente|sales"


# --- parsing values -------------------------------------------------------------------------------


def parse_dates(values: pd.Series) -> pd.Series:
    """AAAAMMJJ dates (and the dd/mm/yyyy or ISO forms some exports write); NaT if unreadable."""
    codes, uniques = pd.factorize(values)
    uniques = pd.Series(uniques, dtype="str")
    parsed = pd.to_datetime(uniques, format="%Y%m%d", errors="coerce")
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d.%m.%Y"):
        missing = parsed.isna() & uniques.ne("")
        if not missing.any():
            break
        parsed[missing] = pd.to_datetime(uniques[missing], format=fmt, errors="coerce")
    out = parsed.to_numpy(dtype="datetime64[s]")
    return pd.Series(np.where(codes >= 0, out[np.maximum(codes, 0)], np.datetime64("NaT")), index=values.index)


def _parse_cents(values: pd.Series) -> pd.Series:
    """Decimal-comma amounts, zero-padded or not, as float cents (NaN if unreadable, 0 if empty)."""
    number = pd.to_numeric(values.str.replace(",", ".", regex=False).where(values.ne(""), "0"), errors="coerce")
    odd = number.isna()
    if odd.any():  # thousands separators, a trailing minus: the slow way, for those values only
        number = number.where(~odd, _parse_odd_amounts(values[odd]))
    return (number * 100).round()


def _parse_odd_amounts(values: pd.Series) -> pd.Series:
    text = values.str.replace(r"[\s\u00a0\u202f']", "", regex=True)
    both = text.str.contains(",", regex=False) & text.str.contains(".", regex=False)
    if both.any():  # 1.234,56: the dot groups thousands
        text = text.where(~both, text.str.replace(".", "", regex=False))
    negative = text.str.endswith("-")
    text = text.where(~negative, "-" + text.str.rstrip("-")).str.replace(",", ".", regex=False)
    return pd.to_numeric(text.where(text.ne(""), "0"), errors="coerce")


def _signed_cents(lines: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Debit minus credit in cents per line, and the column to blame where it is unreadable."""
    if {"debit", "credit"} <= set(lines.columns) and lines["debit"].ne("").any() | lines["credit"].ne("").any():
        debit, credit = _parse_cents(lines["debit"]), _parse_cents(lines["credit"])
        blame = pd.Series(np.where(debit.isna(), "Debit", np.where(credit.isna(), "Credit", "")), index=lines.index)
        return debit - credit, blame
    amount = _parse_cents(lines["montant"])
    first = lines["sens"].str.upper().str[:1]
    sign = pd.Series(np.select([first.isin(["D", "+", "1"]), first.isin(["C", "-"])], [1.0, -1.0], np.nan),
                     index=lines.index)  # fmt: skip
    blame = pd.Series(np.where(amount.isna(), "Montant", np.where(sign.isna(), "Sens", "")), index=lines.index)
    return amount * sign, blame


# --- client lines ---------------------------------------------------------------------------------


def client_lines(
    lines: pd.DataFrame, dates: pd.Series, file: str, collective: bool, problems: list, notes: list
) -> pd.DataFrame:
    """The lines on client accounts, with their client, amount in cents and validity."""
    mask = lines["comptenum"].str.startswith(CLIENT_PREFIXES)
    if not mask.any():
        raise LedgerError("fec.no_client_lines", file=file)
    c = lines[mask]
    aux = c["compauxnum"].ne("")
    if not aux.any():
        if not collective:
            raise LedgerError("fec.no_sub_ledger", file=file)
        notes.append(("fec.collective_as_client", {"accounts": c["comptenum"].nunique()}))
    elif not aux.all():
        problems += _lines_without_sub_account(c[~aux], file)
    cents, blame = _signed_cents(c)
    out = pd.DataFrame(
        {
            "row": c["row"], "journal": c["journalcode"], "journal_lib": c["journallib"],
            "entry": _entry_numbers(c),
            "date": dates[mask], "account": c["comptenum"],
            "client_id": c["compauxnum"].where(aux, c["comptenum"]),
            "name": c["compauxlib"].where(aux, c["comptelib"]), "piece": c["pieceref"],
            "doc_date": parse_dates(c["piecedate"]), "label": c["ecriturelib"], "cents": cents,
            "letter": c["ecriturelet"], "date_let": parse_dates(c["datelet"]),
        }
    )  # fmt: skip
    out["doc_date"] = out["doc_date"].fillna(out["date"])
    bad_date, bad_amount = out["date"].isna(), out["cents"].isna()
    problems += _row_problems(out[bad_date], c.loc[bad_date, "ecrituredate"], "EcritureDate", "fec_bad_date", file)
    for column in ("Debit", "Credit", "Montant", "Sens"):
        which = bad_amount & ~bad_date & blame.eq(column)
        source = c.loc[which, column.lower()]
        problems += _row_problems(out[which], source, column, "fec_bad_amount", file)
    out["valid"] = ~bad_date & ~bad_amount & out["cents"].ne(0)
    return out


def _row_problems(rows: pd.DataFrame, values: pd.Series, column: str, code: str, file: str) -> list[Problem]:
    return [Problem(file, int(r), column, str(v), code) for r, v in zip(rows["row"], values, strict=True)]


def _lines_without_sub_account(lines: pd.DataFrame, file: str) -> list[Problem]:
    """One warning per collective account used without CompAuxNum: it becomes a client of its own."""
    per_account = lines.groupby("comptenum", sort=True)["row"].agg(["min", "size"])
    return [
        Problem(file, int(first), "CompAuxNum", account, "fec_no_sub_account",
                {"account": account, "lines": int(n)}, severity="warning")
        for account, first, n in zip(per_account.index, per_account["min"], per_account["size"], strict=True)
    ]  # fmt: skip


def classify(ledger: pd.DataFrame, lines: pd.DataFrame, first: pd.Timestamp) -> pd.DataFrame:
    """Each client line's kind: invoice, credit note, payment, write-off, or opening item."""
    opening = ledger["journal"].str.upper().isin(OPENING_JOURNALS)
    first_day = ledger[ledger["date"].eq(first)]
    labels = (first_day["label"] + " | " + first_day["journal_lib"]).str.lower()
    opening[labels.index] |= labels.str.contains(_OPENING_LABEL, regex=True)
    sales = ledger["journal"].isin(_sales_journals(lines))
    entries = _entries_touching(lines, WRITE_OFF_PREFIXES)
    write_off = pd.MultiIndex.from_frame(ledger[["journal", "entry"]]).isin(entries)
    debit = ledger["cents"] > 0
    kind = np.select(
        [opening & debit, opening, debit, sales, write_off],
        ["open_dr", "open_cr", "inv", "cn", "wo"],
        "pay",
    )
    return ledger.assign(kind=kind, opening=opening.to_numpy())


def _sales_journals(lines: pd.DataFrame) -> set[str]:
    """Journals whose client credits are credit notes: named for sales, or mostly revenue entries."""
    revenue = lines["comptenum"].str.startswith(REVENUE_PREFIX)
    per_entry = pd.DataFrame({"journal": lines["journalcode"], "entry": lines["ecriturenum"], "revenue": revenue})
    share = per_entry.groupby(["journal", "entry"], sort=False)["revenue"].any().groupby(level=0).mean()
    labels = lines.drop_duplicates("journalcode").set_index("journalcode")["journallib"].str.lower()
    named = labels.str.contains(_SALES_LABEL, regex=True) | labels.index.str.upper().str.match(r"^V[ET]")
    chosen = set(share.index[share > 0.5]) | set(labels.index[named])
    return chosen - {j for j in chosen if j.upper() in OPENING_JOURNALS}


def _entries_touching(lines: pd.DataFrame, prefixes: tuple[str, ...]) -> pd.MultiIndex:
    hit = lines[lines["comptenum"].str.startswith(prefixes)]
    return pd.MultiIndex.from_arrays([hit["journalcode"], _entry_numbers(hit)])


def _entry_numbers(lines: pd.DataFrame) -> pd.Series:
    """EcritureNum, or the line number for a line that lacks it (an entry of its own)."""
    number = lines["ecriturenum"]
    missing = number.eq("")
    if not missing.any():
        return number
    return number.where(~missing, "L" + lines["row"].astype("str"))
