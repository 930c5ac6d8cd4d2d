"""The French FEC (Fichier des Écritures Comptables, LPF A47 A-1): its client sub-ledger as
canonical clients, invoices and payments, and a canonical ledger written as a FEC.

DOMAIN.md §6 lists the variants seen in real files; every one is read here. Amounts stay in
integer cents from parsing to reconciliation so that balances agree to the cent, and every
step is a vectorised pandas/numpy operation: a 2-million-line file is never looped over.
"""

from __future__ import annotations

import codecs
import datetime as dt
import io
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from riskcore.errors import LedgerError
from riskcore.i18n import fmt_amount, fmt_date, t
from riskcore.ingest.problems import Problem
from riskcore.ingest.text import decode_bytes
from riskcore.storage import schema

FEC_COLUMNS = (
    "JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "CompAuxNum",
    "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit", "EcritureLet", "DateLet",
    "ValidDate", "Montantdevise", "Idevise",
)  # fmt: skip
_NAMES = {c.lower(): c for c in (*FEC_COLUMNS, "Montant", "Sens")}
_REQUIRED = ("journalcode", "ecrituredate", "comptenum", "compauxnum", "pieceref")
_AMOUNT_PAIRS = (("debit", "credit"), ("montant", "sens"))
_READ = (
    "journalcode", "journallib", "ecriturenum", "ecrituredate", "comptenum", "comptelib", "compauxnum",
    "compauxlib", "pieceref", "piecedate", "ecriturelib", "debit", "credit", "montant", "sens",
    "ecriturelet", "datelet",
)  # fmt: skip
_SEPARATORS = ("\t", "|", ";")

CLIENT_PREFIXES = ("411", "413", "416", "418", "419")  # PCG client accounts, 419 advances received
DOUBTFUL_PREFIX = "416"  # PCG: clients douteux ou litigieux
REVENUE_PREFIX = "70"
WRITE_OFF_PREFIXES = ("654", "6714")  # pertes sur créances irrécouvrables
OPENING_JOURNALS = frozenset({"AN", "ANO", "RAN", "AND"})
_OPENING_LABEL = r"(?:^|[^a-z])(?:[aà][\s\-]*nouveaux?|reports?)(?:[^a-z]|$)"
_SALES_LABEL = r"vente|sales"
_NON_CREDIT_LABEL = re.compile(
    r"\b(?:caisse|esp[eèé]ces|cb|carte|ch[eèé]ques?|clients?\s+divers|comptoir)\b", re.IGNORECASE
)
# "Giraud Comptoir SARL" is a company, not the shop's till: a legal form rules the label out
_LEGAL_FORM = re.compile(r"\b(?:sa|sas|sasu|sarl|eurl|snc|sci|scop|gie|selarl|selas|scp|ltd|gmbh|inc|llc|bv|srl)\b",
                         re.IGNORECASE)  # fmt: skip
MIN_SAME_DAY_DEBITS = 2  # one prepaid invoice does not make a cash-takings account
_DAY = np.timedelta64(1, "D")


@dataclass(frozen=True)
class FecResult:
    """What a FEC holds about receivables, with the import's own reconciliation."""

    frames: dict[str, pd.DataFrame]  # canonical "clients", "invoices", "payments"
    problems: list[Problem]
    notes: list[tuple[str, dict]]  # message key + params, shown in the import summary
    rows_read: int
    reconciliation: pd.DataFrame  # client_id, ledger_balance, open_items_balance, difference
    last_entry_date: dt.date | None


def is_fec(headers: list[str]) -> bool:
    """True for a FEC header: its key columns in any case, with Debit/Credit or Montant/Sens."""
    if len(headers) == 1:
        headers = headers[0].split(_separator(headers[0]) or "\t")
    names = {_norm(h) for h in headers}
    return set(_REQUIRED) <= names and any(set(pair) <= names for pair in _AMOUNT_PAIRS)


def read_fec(
    path: Path,
    *,
    clients: pd.DataFrame | None = None,
    default_terms_days: int = 30,
    collective_as_client: bool = False,
    file_name: str | None = None,
) -> FecResult:
    """The client sub-ledger of a FEC as canonical frames, reconciled to the client accounts.

    Parameters: `clients` gives per-client terms (payment_terms_days, terms_end_of_month) and
    the columns kept for known clients; `collective_as_client` takes each collective client
    account as one client when the file has no sub-ledger.
    """
    path = Path(path)
    file = file_name or path.name
    source = _read_source(path, file)
    lines, problems = source.lines, list(source.problems)
    dates = _parse_dates(lines["ecrituredate"])
    if dates.isna().all():
        raise LedgerError("fec.no_dates", file=file)
    first, last = dates.min(), dates.max()
    notes: list[tuple[str, dict]] = [
        ("fec.read", {"file": file, "rows": source.rows_read, "encoding": source.encoding,
                      "separator": t("fec.separator_tab") if source.separator == "\t" else source.separator}),
    ]  # fmt: skip
    ledger = _client_lines(lines, dates, file, collective_as_client, problems, notes)
    ledger = _classify(ledger, lines, first)
    valid = ledger[ledger["valid"]].astype({"cents": "int64"})
    items, valid = _documents(valid)
    alloc = _allocate(*_allocation_parts(valid, items))
    payments, write_offs = _payments(valid, items, alloc)
    invoices = _invoices(items, write_offs, clients, default_terms_days)
    client_frame = _clients(valid, clients)
    reconciliation = _reconcile(ledger, invoices, payments, last)
    notes += _notes(valid, items, alloc, invoices, client_frame, reconciliation, clients, default_terms_days, last)
    frames = {
        "clients": _canonical(client_frame, schema.CLIENTS),
        "invoices": _canonical(invoices, schema.INVOICES),
        "payments": _canonical(payments, schema.PAYMENTS),
    }
    return FecResult(frames, problems, notes, source.rows_read, reconciliation, last.date())


# --- reading the file ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Source:
    lines: pd.DataFrame  # one row per data line: trimmed strings, `row` = line number in the file
    rows_read: int
    problems: tuple[Problem, ...]
    encoding: str
    separator: str


def _norm(header: str) -> str:
    return header.strip().lstrip("\ufeff").strip().strip('"').strip().lower()


def _separator(header: str) -> str | None:
    counts = {sep: header.count(sep) for sep in _SEPARATORS}
    best = max(counts, key=counts.get)
    return best if counts[best] else None


def _utf8_bytes(path: Path, file: str) -> tuple[bytes, str]:
    """The file as UTF-8 bytes with LF line ends, and the encoding it was written in."""
    raw = path.read_bytes()
    if raw.startswith(codecs.BOM_UTF8):
        raw, encoding = raw[len(codecs.BOM_UTF8) :], "utf-8-sig"
    elif raw.isascii() and b"\x00" not in raw[:4096]:
        encoding = "ascii"
    else:
        try:
            raw.decode("utf-8")  # the usual case: validated, and kept as bytes for Arrow
            encoding = "utf-8"
        except UnicodeDecodeError:
            text, encoding = decode_bytes(raw, file)  # UTF-16, Windows-1252 or ISO-8859-15
            raw = text.encode("utf-8")
    # CRLF and CR CR LF end in LF once every CR is gone; a file of CR alone gets LF instead
    raw = raw.replace(b"\r", b"") if b"\n" in raw else raw.replace(b"\r", b"\n")
    return raw, encoding


def _column_names(header: str, data: bytes, header_end: int, sep: str, file: str) -> list[str]:
    """Canonical lower-case names, padded for a trailing separator on the data lines."""
    names = [_norm(h) for h in header.split(sep)]
    missing = [_NAMES[c] for c in _REQUIRED if c not in names]
    if not any(set(pair) <= set(names) for pair in _AMOUNT_PAIRS):
        missing.append("Debit/Credit")
    if missing:
        raise LedgerError("fec.missing_columns", file=file, columns=", ".join(missing))
    end = data.find(b"\n", header_end + 1)
    first = data[header_end + 1 : end if end >= 0 else len(data)]
    width = max(len(names), first.count(sep.encode()) + 1)
    names += [""] * (width - len(names))
    seen: set[str] = set()
    for i, name in enumerate(names):
        names[i] = name if name and name not in seen else f"_extra{i}"
        seen.add(names[i])
    return names


def _read_source(path: Path, file: str) -> _Source:
    """Every data line of the file as trimmed strings; rows of the wrong width are reported."""
    data, encoding = _utf8_bytes(path, file)
    if not data or data.isspace():
        raise LedgerError("fec.empty", file=file)
    header_end = data.find(b"\n")
    header_end = header_end if header_end >= 0 else len(data)
    header = data[:header_end].decode("utf-8")
    sep = _separator(header)
    if sep is None:
        raise LedgerError("fec.missing_columns", file=file, columns=", ".join(FEC_COLUMNS))
    names = _column_names(header, data, header_end, sep, file)
    wanted = [n for n in names if n in _READ]
    bad: list[str] = []

    def skip(row: pacsv.InvalidRow) -> str:
        bad.append(row.text)
        return "skip"

    table = pacsv.read_csv(
        io.BytesIO(data),
        read_options=pacsv.ReadOptions(column_names=names, skip_rows=1),
        parse_options=pacsv.ParseOptions(
            delimiter=sep, quote_char='"' if header.lstrip().startswith('"') else False,
            ignore_empty_lines=True, invalid_row_handler=skip,
        ),
        convert_options=pacsv.ConvertOptions(
            include_columns=wanted, column_types=dict.fromkeys(wanted, pa.string()),
            strings_can_be_null=False, quoted_strings_can_be_null=False,
        ),
    )  # fmt: skip
    # space-padded fields: trim in Arrow, before pandas, on every column at once
    table = pa.table({n: pc.utf8_trim_whitespace(table[n]) for n in wanted})
    lines = table.to_pandas()
    for name in _READ:
        if name not in lines.columns:
            lines[name] = ""
    rows, problems = _line_numbers(data, sep, len(names), bool(bad), file)
    lines.insert(0, "row", rows if rows is not None else np.arange(2, len(lines) + 2))
    rows_read = len(lines) + len(bad)
    lines = lines[lines[wanted].ne("").any(axis=1)]  # a line of separators only is no entry
    return _Source(lines, rows_read, tuple(problems), encoding, sep)


def _line_numbers(data: bytes, sep: str, width: int, skipped_any: bool, file: str) -> tuple[np.ndarray | None, list]:
    """File line numbers of the rows read, exact even around blank lines and skipped rows."""
    blank = data.find(b"\n\n")
    if not skipped_any and (blank < 0 or not data[blank:].strip(b"\n")):
        return None, []  # one row per line after the header: row = index + 2
    buf = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(buf == 10)
    ends = np.append(ends, len(buf)) if not len(ends) or ends[-1] != len(buf) - 1 else ends
    starts = np.r_[0, ends[:-1] + 1]
    separators = np.r_[0, np.cumsum(buf == ord(sep))]
    fields = separators[ends] - separators[starts] + 1
    number = np.arange(1, len(ends) + 1)
    data_lines = (ends > starts) & (number > 1)
    read = data_lines & (fields == width)
    skipped = np.flatnonzero(data_lines & ~read)
    problems = [
        Problem(file, int(number[i]), None, data[starts[i] : ends[i]][:120].decode("utf-8", "replace"),
                "fec_bad_field_count", {"expected": width, "found": int(fields[i])})
        for i in skipped
    ]  # fmt: skip
    return number[read], problems


# --- parsing values -------------------------------------------------------------------------------


def _parse_dates(values: pd.Series) -> pd.Series:
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


def _client_lines(
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
            "doc_date": _parse_dates(c["piecedate"]), "label": c["ecriturelib"], "cents": cents,
            "letter": c["ecriturelet"], "date_let": _parse_dates(c["datelet"]),
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


def _classify(ledger: pd.DataFrame, lines: pd.DataFrame, first: pd.Timestamp) -> pd.DataFrame:
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


# --- documents and lettering ----------------------------------------------------------------------

_DOC_KINDS = ("inv", "open_dr", "cn", "open_cr")
_ID_SUFFIX = {"inv": "F", "open_dr": "AN", "cn": "AV", "open_cr": "AN-AV"}


def _documents(valid: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
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


def _allocation_parts(valid: pd.DataFrame, items: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
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


def _allocate(debits: pd.DataFrame, credits: pd.DataFrame) -> pd.DataFrame:
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


def _payments(valid: pd.DataFrame, items: pd.DataFrame, alloc: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
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


# --- canonical frames -----------------------------------------------------------------------------


def _terms(client_ids: pd.Series, clients: pd.DataFrame | None, default_days: int) -> tuple[pd.Series, pd.Series]:
    """Per-client terms from the clients file, else the default (L441-10 I: 30 days)."""
    days = pd.Series(np.nan, index=client_ids.index)
    eom = pd.Series(False, index=client_ids.index)
    if clients is not None and not clients.empty and "client_id" in clients.columns:
        known = clients.drop_duplicates("client_id").set_index("client_id")
        if "payment_terms_days" in known.columns:
            days = client_ids.map(pd.to_numeric(known["payment_terms_days"], errors="coerce"))
        if "terms_end_of_month" in known.columns:
            eom = _true(client_ids.map(_true(known["terms_end_of_month"])))
    return days.fillna(default_days).astype("int64"), eom


def _true(values: pd.Series) -> pd.Series:
    """A yes/no column of any dtype (bool, boolean, float, object) as plain bool; missing is False."""
    return values.astype("object").eq(True).astype(bool)


def _due_dates(base: pd.Series, days: pd.Series, end_of_month: pd.Series) -> np.ndarray:
    """Base date + terms days; end-of-month terms then move to the month's end (DOMAIN.md §1)."""
    due = base.to_numpy(dtype="datetime64[D]") + days.to_numpy().astype("timedelta64[D]")
    month_end = (due.astype("datetime64[M]") + 1).astype("datetime64[D]") - _DAY
    return np.where(end_of_month.to_numpy(), month_end, due)


def _invoices(
    items: pd.DataFrame, wo_dates: pd.Series, clients: pd.DataFrame | None, default_days: int
) -> pd.DataFrame:
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


def _clients(valid: pd.DataFrame, known: pd.DataFrame | None) -> pd.DataFrame:
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
            out[flag] = out[flag] | _true(known[flag])
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


def _canonical(frame: pd.DataFrame, table: schema.Table) -> pd.DataFrame:
    """Exactly the table's columns, in order, missing ones NULL."""
    return frame.reindex(columns=table.column_names).reset_index(drop=True)


# --- reconciliation and notes ---------------------------------------------------------------------


def _reconcile(
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


def _notes(
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


# --- writing a FEC ----------------------------------------------------------------------------------


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
    opening = _true(inv["opening"]) if "opening" in inv else pd.Series(False, index=inv.index)
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
