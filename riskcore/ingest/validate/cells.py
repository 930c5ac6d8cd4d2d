"""Each mapped column of a file parsed to its type; a cell that does not parse is a problem."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from riskcore.ingest.mapping.headers import HeaderMatch
from riskcore.ingest.mapping.kinds import columns
from riskcore.ingest.mapping.vocabulary import level_words, terms_text
from riskcore.ingest.parse import parse_amounts, parse_booleans, parse_dates, parse_integers
from riskcore.ingest.raw import RawTable
from riskcore.ingest.validate.issues import Issues, Note, as_mask
from riskcore.storage import schema

_PARSERS: dict[str, tuple[Callable, str]] = {
    "DATE": (parse_dates, "bad_date"),
    schema.MONEY: (parse_amounts, "bad_amount"),
    "INTEGER": (parse_integers, "bad_integer"),
    "BOOLEAN": (parse_booleans, "bad_boolean"),
}


def clean_text(text: pd.Series) -> pd.Series:
    """Cells as stripped text; an empty cell is missing."""
    stripped = text.astype("str").str.strip()
    return stripped.mask(stripped.eq(""))


def typed(values: pd.Series, sql_type: str) -> pd.Series:
    """The parser's values in the dtype the checks compare: datetime64, float, nullable bool/int."""
    if sql_type == "DATE":
        return pd.to_datetime(values, errors="coerce")
    if sql_type == schema.MONEY:
        return pd.to_numeric(values, errors="coerce").astype("float64")
    if sql_type == "INTEGER":
        return pd.to_numeric(values, errors="coerce").astype("Int64")
    return values.astype("boolean")


def _fix_level(values: pd.Series, bad: pd.Series, text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Dunning steps given as words (`Mise en demeure`) or `Relance 2`."""
    words = level_words(text)
    digits = pd.to_numeric(text.str.extract(r"\b([1-5])\b", expand=False), errors="coerce")
    values = values.fillna(words.astype("Int64")).fillna(digits.astype("Int64"))
    return values, values.isna() & clean_text(text).notna()


def _fix_terms(values: pd.Series, bad: pd.Series, text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Terms written as text (`45 jours fin de mois`): the days; the end of month is read later."""
    days, _ = terms_text(text)
    values = values.fillna(days.astype("Int64"))
    return values, values.isna() & clean_text(text).notna()


_FIXES = {"level": _fix_level, "payment_terms_days": _fix_terms}
# Optional columns whose bad value is dropped with a warning rather than rejecting the row.
_SOFT = {"level", "payment_terms_days", "terms_end_of_month", "doubtful", "non_credit", "opening"}


def read_columns(raw: RawTable, match: HeaderMatch, issues: Issues, notes: list[Note]) -> pd.DataFrame:
    """Parse each mapped column to its type; unreadable cells become problems naming the header."""
    types = columns(match.kind)
    out: dict[str, pd.Series] = {}
    for col, header in match.mapping.items():
        text = raw.frame[header].reset_index(drop=True)
        if types[col] not in _PARSERS or col == "disputed":
            out[col] = clean_text(text) if col != "disputed" else text
            continue
        parser, code = _PARSERS[types[col]]
        parsed = parser(text)
        values, bad = typed(parsed.values.reset_index(drop=True), types[col]), as_mask(parsed.bad)
        if col in _FIXES:
            values, bad = _FIXES[col](values, pd.Series(bad), text)
        if parsed.note:
            notes.append((parsed.note, {**parsed.note_params, "file": issues.file_name, "column": header}))
        soft = col in _SOFT
        issues.add(code, bad, column=header, values=text, severity="warning" if soft else "error")
        out[col] = values.mask(pd.Series(as_mask(bad))) if soft else values
    return pd.DataFrame(out, index=pd.RangeIndex(len(raw.frame)))
