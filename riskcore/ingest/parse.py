"""Cell values as finance exports write them: amounts, dates, yes/no flags and day counts.

Every parser works on the column's distinct values, with vectorised string operations, then
maps the result back to the rows: a ledger of a million rows repeats its dates and flags a lot.
Where a column's format is ambiguous (`1,234`, `03/04/2025`), it is decided for the whole
column from the cells that prove it, never row by row, and the assumption is reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class ParsedColumn:
    """Parsed values (same index as the input; missing where empty or bad) and which cells were bad."""

    values: pd.Series
    bad: pd.Series
    note: str | None = None  # message key of an assumption the whole column was read under
    note_params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class _Distinct:
    codes: np.ndarray  # position of each row's value among `text`; -1 for a missing cell
    text: pd.Series  # distinct values, stripped
    rows: np.ndarray  # how many rows hold each distinct value


def _distinct(values: pd.Series) -> _Distinct:
    codes, uniques = pd.factorize(values)
    text = pd.Series(uniques, copy=False).astype("str").str.strip().reset_index(drop=True)
    rows = np.bincount(codes[codes >= 0], minlength=len(text))
    return _Distinct(codes, text, rows)


def _to_rows(distinct: _Distinct, per_value: np.ndarray, missing: object, index: pd.Index, dtype: object) -> pd.Series:
    """Spread one result per distinct value back to the rows; code -1 takes the appended `missing`."""
    extended = np.append(np.asarray(per_value, dtype=object if dtype in ("boolean", "Int64") else None), missing)
    return pd.Series(extended[distinct.codes], index=index, dtype=dtype)


def _result(
    distinct: _Distinct, values: np.ndarray, ok: np.ndarray, index: pd.Index, dtype: object, missing: object, **note
) -> ParsedColumn:
    empty = (distinct.text == "").to_numpy()
    bad = ~ok & ~empty
    return ParsedColumn(
        values=_to_rows(distinct, values, missing, index, dtype),
        bad=_to_rows(distinct, bad, False, index, bool),
        **note,
    )


# ---------------------------------------------------------------------------------------------
# Amounts
# ---------------------------------------------------------------------------------------------

# Currency marks, spaces (regular, no-break U+00A0, narrow no-break U+202F, thin U+2009) and
# apostrophes (Swiss thousands) carry no value. Patterns avoid \s and \d so that pandas hands
# them to pyarrow's RE2 instead of looping in Python's re over a million distinct amounts.
_AMOUNT_NOISE = "(?i)eur|usd|gbp|chf|[€$£ \t\u00a0\u202f\u2009'’]"
_MINUS = "[-−]"
_AMOUNT_FORMS = {
    "integer": "[0-9]+",
    # One separator followed by exactly three digits: thousands or decimals, the column decides.
    "ambiguous_comma": "[1-9][0-9]{0,2},[0-9]{3}",
    "ambiguous_dot": "[1-9][0-9]{0,2}[.][0-9]{3}",
    "decimal_comma": "[0-9]*,[0-9]+",
    "decimal_dot": "[0-9]*[.][0-9]+",
    "dot_thousands": "[0-9]{1,3}(?:[.][0-9]{3})+(?:,[0-9]+)?",  # 1.234.567 or 1.234,56: comma decimals
    "comma_thousands": "[0-9]{1,3}(?:,[0-9]{3})+(?:[.][0-9]+)?",  # 1,234,567 or 1,234.56: dot decimals
}


@dataclass(frozen=True)
class _AmountText:
    body: pd.Series  # digits and separators only
    negative: np.ndarray
    dash: np.ndarray  # a lone dash: zero in a spreadsheet's accounting format
    sign_ok: np.ndarray  # not `-120-`
    forms: dict[str, np.ndarray]


def _amount_text(text: pd.Series) -> _AmountText:
    """Each distinct value split into its sign and its digits-and-separators body, with its form."""
    s = text.str.replace(_AMOUNT_NOISE, "", regex=True)
    dash = s.str.fullmatch("[-−–—]").to_numpy(dtype=bool)
    paren = (s.str.startswith("(") & s.str.endswith(")")).to_numpy(dtype=bool)
    s = s.where(~paren, s.str.slice(1, -1))
    lead = s.str.match(_MINUS).to_numpy(dtype=bool)
    trail = s.str.contains(f"{_MINUS}$", regex=True).to_numpy(dtype=bool)
    body = s.str.replace(f"^(?:{_MINUS}|[+])|{_MINUS}$", "", regex=True)
    forms = {name: body.str.fullmatch(pattern).to_numpy(dtype=bool) for name, pattern in _AMOUNT_FORMS.items()}
    return _AmountText(body, paren | lead | trail, dash, ~(lead & trail), forms)


def _decimal_comma_column(forms: dict[str, np.ndarray], rows: np.ndarray) -> bool | None:
    """True if the column's unambiguous values use `,` as decimal mark, False if `.`, None if undecided.

    Votes are rows: `12,50`, `1234,5` and `1.234,56` or `1.234.567` (dot thousands) vote for the
    comma; `12.50` and `1,234.56` or `1,234,567` vote for the dot; the majority wins.
    """
    clear = ~(forms["ambiguous_comma"] | forms["ambiguous_dot"])
    comma_rows = rows[clear & (forms["decimal_comma"] | forms["dot_thousands"])].sum()
    dot_rows = rows[clear & (forms["decimal_dot"] | forms["comma_thousands"])].sum()
    if comma_rows == dot_rows:
        return None
    return bool(comma_rows > dot_rows)


def parse_amounts(values: pd.Series) -> ParsedColumn:
    """Amounts as float64 rounded to cents, from any of the usual French, English and Swiss writings.

    Accepted: `1234.56`, `1234,56`, `1 234,56` (space, U+00A0 or U+202F), `1.234,56`, `1,234.56`,
    `1'234.56`, negatives as `-120`, `(120,00)` or `120,00-`, a leading `+`, `€`/`EUR` anywhere,
    and a lone dash for zero (a spreadsheet's accounting format writes 0 so).
    A value like `1,234` or `1.234` (one separator, three digits) is read with the column's decimal
    mark, found on its unambiguous values (see `_decimal_comma_column`); when the column shows none,
    the separator is read as thousands, since ledgers do not carry amounts to three decimals,
    and the note `parse.ambiguous_thousands` says so.
    """
    distinct = _distinct(values)
    amounts = _amount_text(distinct.text)
    forms = amounts.forms
    decimal_comma = _decimal_comma_column(forms, distinct.rows)
    # Per value: is the comma its decimal mark? Unambiguous forms say so themselves.
    comma_marks = forms["decimal_comma"] | forms["dot_thousands"]
    comma_marks[forms["ambiguous_comma"]] = decimal_comma is True
    comma_marks[forms["ambiguous_dot"]] = decimal_comma is not False
    body = amounts.body
    plain = body.str.replace(",", "", regex=False).where(
        ~comma_marks, body.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    )
    number = pd.to_numeric(plain, errors="coerce").to_numpy(dtype=float)
    number = np.where(amounts.negative, -number, number)
    well_formed = np.logical_or.reduce(
        [forms[k] for k in ("integer", "decimal_comma", "decimal_dot", "dot_thousands", "comma_thousands")]
    )
    ok = (well_formed & amounts.sign_ok) | amounts.dash
    number = np.where(amounts.dash, 0.0, np.where(ok, number, np.nan))
    number = np.round(number, 2) + 0.0  # + 0.0 turns -0.0 into 0.0
    note = {}
    guessed = (forms["ambiguous_comma"] | forms["ambiguous_dot"]) & ok & (distinct.rows > 0)
    if decimal_comma is None and guessed.any():
        first = int(np.flatnonzero(guessed)[0])
        note = {
            "note": "parse.ambiguous_thousands",
            "note_params": {"example": distinct.text.iloc[first], "read_as": float_plain(number[first])},
        }
    return _result(distinct, number, ok, values.index, "float64", np.nan, **note)


def float_plain(value: float) -> str:
    """`1234` or `1234.5`: a number as shown in a note, without exponent or trailing zeros."""
    return np.format_float_positional(value, trim="-")


# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------

_MONTHS = {
    **dict.fromkeys(["jan", "janv", "janvier", "january"], 1),
    **dict.fromkeys(["feb", "february", "fev", "fév", "fevr", "févr", "fevrier", "février"], 2),
    **dict.fromkeys(["mar", "mars", "march"], 3),
    **dict.fromkeys(["apr", "april", "avr", "avril"], 4),
    **dict.fromkeys(["may", "mai"], 5),
    **dict.fromkeys(["jun", "june", "juin"], 6),
    **dict.fromkeys(["jul", "july", "juil", "juillet"], 7),
    **dict.fromkeys(["aug", "august", "aou", "aoû", "aout", "août"], 8),
    **dict.fromkeys(["sep", "sept", "september", "septembre"], 9),
    **dict.fromkeys(["oct", "october", "octobre"], 10),
    **dict.fromkeys(["nov", "november", "novembre"], 11),
    **dict.fromkeys(["dec", "déc", "december", "decembre", "décembre"], 12),
}
# A time of day after the date, with optional seconds, fraction and zone: dropped, dates are days.
_TIME = "[ t][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?(?: ?(?:z|[+-][0-9]{2}:?[0-9]{2}))?$"
_THREE_PARTS = r"^([^-]+)-([^-]+)-([^-]+)$"
_DATE_SEPARATORS = "[ \t\u00a0/.,-]+"  # 31/01/2025, 31.01.2025, 31 janv. 2025, Jan 31, 2025 all become 31-01-2025
_DAY = "[0-9]{1,2}"
_YEAR = "[0-9]{2}|[0-9]{4}"
_WORD = r"[a-zà-ÿ]+"
_EXCEL_EPOCH = np.datetime64("1899-12-30")  # serial 1 is 1900-01-01 after Excel's 1900 leap-year bug
_SERIAL_RANGE = (20000, 80000)  # 1954-10-03 to 2119-01-10: beyond, a 5-digit number is not a date


def _part(parts: pd.Series, k: int) -> pd.Series:
    return parts.str.replace(_THREE_PARTS, rf"\{k}", regex=True)


def _number(s: pd.Series) -> np.ndarray:
    return pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)


def _full_year(year: np.ndarray) -> np.ndarray:
    """Two-digit years: 00-69 are 2000-2069, 70-99 are 1970-1999."""
    return np.where(year < 70, year + 2000, np.where(year < 100, year + 1900, year))


@dataclass(frozen=True)
class _DateFields:
    year: np.ndarray
    month: np.ndarray
    day: np.ndarray
    first: np.ndarray  # numeric d/m/y forms: first and second field, order not yet known
    second: np.ndarray
    numeric_dmy: np.ndarray
    compact: np.ndarray
    serial: np.ndarray


def _date_fields(text: pd.Series) -> _DateFields:
    """Year, month and day of each distinct value in every written form but the day/month order."""
    s = text.str.lower().str.replace(_TIME, "", regex=True)
    compact = s.str.fullmatch("[0-9]{8}").to_numpy(dtype=bool)
    serial = s.str.fullmatch("[0-9]{5}(?:[.,][0-9]+)?").to_numpy(dtype=bool)
    parts = (
        s.str.replace("^1er([^a-z]|$)", r"1\1", regex=True)
        .str.replace(_DATE_SEPARATORS, "-", regex=True)
        .str.strip("-")
    )
    p0, p1, p2 = (_part(parts, k) for k in (1, 2, 3))
    p1 = p1.str.replace("^([0-9]{1,2})(?:st|nd|rd|th)$", r"\1", regex=True)
    three = parts.str.fullmatch(_THREE_PARTS).to_numpy(dtype=bool)
    is_ = {
        name: part.str.fullmatch(pattern).to_numpy(dtype=bool) & three
        for name, part, pattern in (
            ("y4", p0, "[0-9]{4}"),
            ("d0", p0, _DAY),
            ("w0", p0, _WORD),
            ("d1", p1, _DAY),
            ("w1", p1, _WORD),
            ("d2", p2, _DAY),
            ("y2", p2, _YEAR),
        )
    }
    n0, n1, n2 = _number(p0), _number(p1), _number(p2)
    month_of = {name: p.map(_MONTHS).to_numpy(dtype=float) for name, p in (("p0", p0), ("p1", p1))}
    iso = is_["y4"] & is_["d1"] & is_["d2"]
    numeric_dmy = is_["d0"] & is_["d1"] & is_["y2"]
    day_name_year = is_["d0"] & is_["w1"] & is_["y2"]
    name_day_year = is_["w0"] & is_["d1"] & is_["y2"]
    nan = np.full(len(s), np.nan)
    year = np.select([iso, numeric_dmy | day_name_year | name_day_year], [n0, _full_year(n2)], nan)
    month = np.select([iso, day_name_year, name_day_year], [n1, month_of["p1"], month_of["p0"]], nan)
    day = np.select([iso, day_name_year, name_day_year], [n2, n0, n1], nan)
    if compact.any():
        year = np.where(compact, _number(s.str.slice(0, 4)), year)
        month = np.where(compact, _number(s.str.slice(4, 6)), month)
        day = np.where(compact, _number(s.str.slice(6, 8)), day)
    return _DateFields(
        year, month, day, np.where(numeric_dmy, n0, nan), np.where(numeric_dmy, n1, nan), numeric_dmy, compact, serial
    )


def _assemble(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """datetime64[ns] from fields; NaT where a field is missing or the date does not exist (31/02)."""
    plausible = (year >= 1900) & (year <= 2199)
    parts = pd.DataFrame({"year": np.where(plausible, year, np.nan), "month": month, "day": day})
    return pd.to_datetime(parts, errors="coerce").to_numpy(dtype="datetime64[ns]")


def _day_month_order(fields: _DateFields, rows: np.ndarray) -> tuple[bool, np.ndarray, bool]:
    """Day-first or not for the whole column, the values contradicting it, and whether it was a guess.

    A value whose first field is over 12 proves day-first (31/01/2025); one whose second field is
    over 12 proves month-first (01/31/2025). The order with more proving rows wins (a tie goes to
    day-first, the French usage); values proving the other order are bad. With no proof at all,
    day-first is assumed.
    """
    day_first_proof = fields.numeric_dmy & (fields.first > 12) & (fields.second <= 12)
    month_first_proof = fields.numeric_dmy & (fields.second > 12) & (fields.first <= 12)
    day_votes, month_votes = rows[day_first_proof].sum(), rows[month_first_proof].sum()
    day_first = bool(month_votes <= day_votes)
    contradicting = month_first_proof if day_first else day_first_proof
    return day_first, contradicting, day_votes == 0 and month_votes == 0


def parse_dates(values: pd.Series) -> ParsedColumn:
    """Dates (datetime64[ns], time of day dropped) from ISO, d/m/y, yyyymmdd, month names or Excel serials.

    Day/month order of numeric d/m/y values is decided once for the column (`_day_month_order`);
    when nothing proves it, day-first is read and the note `parse.ambiguous_day_month` says so, or
    `parse.month_first` when the column proved month-first. Two-digit years 00-69 are 20xx.
    A five-digit number is an Excel serial day (20000-80000) unless the column holds yyyymmdd values.
    """
    distinct = _distinct(values)
    fields = _date_fields(distinct.text)
    day_first, contradicting, guessed = _day_month_order(fields, distinct.rows)
    dmy = fields.numeric_dmy
    month = np.where(dmy, fields.second if day_first else fields.first, fields.month)
    day = np.where(dmy, fields.first if day_first else fields.second, fields.day)
    dates = _assemble(fields.year, month, day)
    dates[contradicting] = np.datetime64("NaT")
    if fields.serial.any() and not (fields.compact & (distinct.rows > 0)).any():
        serial = np.floor(_number(distinct.text.str.replace(",", ".", regex=False)))
        in_range = fields.serial & (serial >= _SERIAL_RANGE[0]) & (serial <= _SERIAL_RANGE[1])
        days = np.where(in_range, serial, 0).astype("int64").astype("timedelta64[D]")
        dates = np.where(in_range, (_EXCEL_EPOCH + days).astype("datetime64[ns]"), dates)
    ok = ~np.isnat(dates)
    note = {}
    ambiguous = dmy & ok & (fields.first != fields.second) & (distinct.rows > 0)
    if guessed and ambiguous.any():
        first = int(np.flatnonzero(ambiguous)[0])
        note = {
            "note": "parse.ambiguous_day_month",
            "note_params": {"example": distinct.text.iloc[first], "read_as": str(dates[first])[:10]},
        }
    elif not day_first and (dmy & ok).any():
        first = int(np.flatnonzero(dmy & ok)[0])
        note = {
            "note": "parse.month_first",
            "note_params": {"example": distinct.text.iloc[first], "read_as": str(dates[first])[:10]},
        }
    return _result(distinct, dates, ok, values.index, "datetime64[ns]", np.datetime64("NaT"), **note)


# ---------------------------------------------------------------------------------------------
# Flags and day counts
# ---------------------------------------------------------------------------------------------

_TRUE = frozenset({"oui", "o", "yes", "y", "x", "1", "true", "vrai", "v", "t", "✓", "✔"})
_FALSE = frozenset({"non", "n", "no", "0", "false", "faux", "f"})
_TICKS = frozenset({"x", "✓", "✔"})


def parse_booleans(values: pd.Series) -> ParsedColumn:
    """Yes/no flags: oui/non, yes/no, o/n, y/n, 1/0, true/false, vrai/faux, and ticked `x` cells.

    In a column of ticks (`x`), an empty cell means no; elsewhere it is missing.
    """
    distinct = _distinct(values)
    lower = distinct.text.str.lower()
    truthy = lower.isin(_TRUE).to_numpy(dtype=bool)
    falsy = lower.isin(_FALSE).to_numpy(dtype=bool)
    empty = (lower == "").to_numpy(dtype=bool)
    ticks = bool((lower.isin(_TICKS).to_numpy(dtype=bool) & (distinct.rows > 0)).any())
    flags = np.full(len(lower), pd.NA, dtype=object)
    flags[truthy] = True
    flags[falsy | (empty & ticks)] = False
    missing = False if ticks else pd.NA
    return _result(distinct, flags, truthy | falsy, values.index, "boolean", missing)


# `30`, `30 jours`, `45 j`, `60 days`, `net 30`, `30.0`: a whole number of days.
_DAYS = "(?:net *)?([+-]?[0-9]+)(?:[.,]0+)? *(?:j|jr|jrs|jour|jours|d|day|days)?[.]?"


def parse_integers(values: pd.Series) -> ParsedColumn:
    """Whole numbers (Int64), a unit of days allowed after them: `30`, `30 jours`, `45 j`, `60 days`."""
    distinct = _distinct(values)
    lower = distinct.text.str.lower()
    ok = lower.str.fullmatch(_DAYS).to_numpy(dtype=bool)
    number = pd.to_numeric(lower.str.replace(rf"^{_DAYS}$", r"\1", regex=True), errors="coerce").to_numpy(dtype=float)
    counts = np.where(ok, number, np.nan)
    per_value = np.array([pd.NA if v != v else int(v) for v in counts], dtype=object)
    return _result(distinct, per_value, ok, values.index, "Int64", pd.NA)
