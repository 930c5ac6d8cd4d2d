"""A FEC file as lines of text: its encoding, separator and columns, each line's number in the file.

The file is decoded to UTF-8 once and read by Arrow as strings; a line of the wrong width is
reported as a problem with its line number rather than stopping the import.
"""

from __future__ import annotations

import codecs
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from riskcore.errors import LedgerError
from riskcore.ingest.problems import Problem
from riskcore.ingest.text import decode_bytes

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


def is_fec(headers: list[str]) -> bool:
    """True for a FEC header: its key columns in any case, with Debit/Credit or Montant/Sens."""
    if len(headers) == 1:
        headers = headers[0].split(_separator(headers[0]) or "\t")
    names = {_norm(h) for h in headers}
    return set(_REQUIRED) <= names and any(set(pair) <= names for pair in _AMOUNT_PAIRS)


@dataclass(frozen=True)
class Source:
    """The data lines of a FEC as read, with how the file was written."""

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


def read_source(path: Path, file: str) -> Source:
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
    return Source(lines, rows_read, tuple(problems), encoding, sep)


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
