"""Cell values as finance exports write them: amounts, dates, flags and day counts."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from riskcore.ingest.parse import parse_amounts, parse_booleans, parse_dates, parse_integers

NBSP, NNBSP = "\u00a0", "\u202f"


def _one(parser, text: str):
    """Parse a one-cell column; the value and whether the cell was bad."""
    parsed = parser(pd.Series([text]))
    return parsed.values.iloc[0], bool(parsed.bad.iloc[0])


# ---------------------------------------------------------------------------------------------
# Amounts
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234.56", 1234.56),  # dot decimal
        ("1234,56", 1234.56),  # comma decimal
        ("1 234,56", 1234.56),  # space thousands
        (f"1{NBSP}234,56", 1234.56),  # no-break space thousands (Excel FR)
        (f"1{NNBSP}234,56", 1234.56),  # narrow no-break space thousands (babel / macOS FR)
        ("1.234,56", 1234.56),  # dot thousands, comma decimal
        ("1,234.56", 1234.56),  # comma thousands, dot decimal
        ("1'234.56", 1234.56),  # Swiss apostrophe thousands
        ("1.234.567,89", 1234567.89),  # two dot groups: 1 234 567 + 0,89
        ("1,234,567.89", 1234567.89),  # two comma groups
        ("1 234 567", 1234567.0),  # space thousands, no decimals
        ("(120,00)", -120.0),  # accounting parentheses
        ("120,00-", -120.0),  # trailing minus (SAP style)
        ("-120,5", -120.5),  # leading minus
        ("\u2212" + "5,00", -5.0),  # Unicode minus sign U+2212
        ("+12", 12.0),  # explicit plus
        ("12 €", 12.0),  # euro symbol after
        ("€12.5", 12.5),  # euro symbol before
        ("EUR 1 000,00", 1000.0),  # ISO code before
        ("1 000,00 eur", 1000.0),  # ISO code after, lower case
        ("0,5", 0.5),  # leading zero: never a thousands group
        ("1234,567", 1234.57),  # four digits before the comma: decimal, 1234.567 rounded to cents
        ("12,3456", 12.35),  # 12.3456 rounded to the cent
        ("-", 0.0),  # a spreadsheet's accounting format writes zero as a dash
        ("-0,00", 0.0),  # negative zero is zero
        ("  42  ", 42.0),  # padded cell
    ],
)
def test_parse_amounts_reads_each_writing(text, expected):
    value, bad = _one(parse_amounts, text)
    assert not bad
    assert value == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize(
    "text",
    [
        "abc",  # no digits
        "12a",  # letters after
        "1--2",  # two minus signs inside
        "-120-",  # minus at both ends
        "1.2.3",  # dot groups must have three digits
        "12,34,5",  # comma groups must have three digits
        "(12",  # unbalanced parenthesis
        "1 234,56,78",  # two decimal marks
    ],
)
def test_parse_amounts_flags_unreadable_values_as_bad(text):
    value, bad = _one(parse_amounts, text)
    assert bad
    assert math.isnan(value)


def test_parse_amounts_leaves_empty_cells_missing_but_not_bad():
    parsed = parse_amounts(pd.Series(["", "   ", None, "10"]))
    # "", blanks and None are missing values, not errors; "10" is 10.
    assert parsed.bad.tolist() == [False, False, False, False]
    assert parsed.values.isna().tolist() == [True, True, True, False]
    assert parsed.values.iloc[3] == 10.0


@pytest.mark.parametrize(
    ("column", "expected", "note"),
    [
        # "12,50" shows the comma as decimal mark, so "1,234" is 1.234, rounded to 1.23.
        (["1,234", "12,50"], [1.23, 12.5], None),
        # "1.234,50" uses dots for thousands, so the comma is the decimal mark again: 1.23.
        (["1,234", "1.234,50"], [1.23, 1234.5], None),
        # "12.50" shows the dot as decimal mark, so the comma of "1,234" groups thousands: 1234.
        (["1,234", "12.50"], [1234.0, 12.5], None),
        # Comma decimals proven by "12,50": the dot of "1.234" groups thousands: 1234.
        (["1.234", "12,50"], [1234.0, 12.5], None),
        # Dot decimals proven by "0.5": "1.234" is 1.234, rounded to 1.23.
        (["1.234", "0.5"], [1.23, 0.5], None),
        # Nothing proves either: a ledger has no three-decimal amounts, so thousands, with a note.
        (["1,234", "2,500", "300"], [1234.0, 2500.0, 300.0], "parse.ambiguous_thousands"),
        # Majority by rows: two rows of "1,00" (comma) outvote one row of "2.50" (dot).
        (["1,234", "1,00", "1,00", "2.50"], [1.23, 1.0, 1.0, 2.5], None),
    ],
)
def test_parse_amounts_decides_the_decimal_mark_per_column(column, expected, note):
    parsed = parse_amounts(pd.Series(column))
    assert parsed.values.tolist() == pytest.approx(expected)
    assert not parsed.bad.any()
    assert parsed.note == note


def test_parse_amounts_note_names_an_example_and_how_it_was_read():
    parsed = parse_amounts(pd.Series(["1,234", "7"]))
    # "1,234" with no evidence is read as 1234 (thousands).
    assert parsed.note == "parse.ambiguous_thousands"
    assert parsed.note_params == {"example": "1,234", "read_as": "1234"}


def test_parse_amounts_keeps_the_input_index_and_repeats_values_per_row():
    values = pd.Series(["1 000,00", "abc", "1 000,00", ""], index=[10, 11, 12, 13])
    parsed = parse_amounts(values)
    assert parsed.values.index.tolist() == [10, 11, 12, 13]
    assert parsed.bad[parsed.bad].index.tolist() == [11]  # only "abc"
    assert parsed.values.loc[[10, 12]].tolist() == [1000.0, 1000.0]
    assert parsed.values.dtype == "float64"


# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-01-31", "2025-01-31"),  # ISO
        ("2025-01-31 14:30:00", "2025-01-31"),  # ISO with time: the day is kept
        ("2025-01-31T14:30:00.123+01:00", "2025-01-31"),  # ISO with T, fraction and zone
        ("2025/01/31", "2025-01-31"),  # year first with slashes
        ("31/01/2025", "2025-01-31"),  # French slashes (day > 12 proves day-first)
        ("31.01.2025", "2025-01-31"),  # German/Swiss dots
        ("31-01-25", "2025-01-31"),  # two-digit year 25 -> 2025
        ("31/12/69", "2069-12-31"),  # 69 is the last two-digit year read as 20xx
        ("31/12/70", "1970-12-31"),  # 70 is read as 1970
        ("31/01/2025 08:15", "2025-01-31"),  # d/m/y with time
        ("20250131", "2025-01-31"),  # yyyymmdd (FEC)
        ("31-Jan-25", "2025-01-31"),  # English abbreviation (Excel dd-mmm-yy)
        ("31-janv.-25", "2025-01-31"),  # French abbreviation with its dot
        ("31 janvier 2025", "2025-01-31"),  # French month name
        ("28-févr-25", "2025-02-28"),  # accented abbreviation
        ("28 fevrier 2025", "2025-02-28"),  # accent left out
        ("15 AOÛT 2025", "2025-08-15"),  # upper case with circumflex
        ("15 aout 2025", "2025-08-15"),
        ("3 déc. 2025", "2025-12-03"),
        ("1er mars 2025", "2025-03-01"),  # French ordinal for the first day
        ("Jan 31, 2025", "2025-01-31"),  # English month-name first
        ("January 31st, 2025", "2025-01-31"),
        ("45688", "2025-01-31"),  # Excel serial: 45658 is 2025-01-01 (see the epoch test) + 30 days
        ("45688.75", "2025-01-31"),  # Excel serial with a time fraction
        ("29/02/2024", "2024-02-29"),  # leap day of a leap year
    ],
)
def test_parse_dates_reads_each_writing(text, expected):
    value, bad = _one(parse_dates, text)
    assert not bad
    assert value == pd.Timestamp(expected)


def test_parse_dates_excel_serial_counts_days_from_1899_12_30():
    # 1899-12-30 + 45658 days: 2 days to 1900-01-01, then 125 years to 2025-01-01 of which
    # 31 are leap years (1904..2024; 1900 is not): 2 + 125 * 365 + 31 = 45658.
    value, bad = _one(parse_dates, "45658")
    assert not bad
    assert value == pd.Timestamp("2025-01-01")


@pytest.mark.parametrize(
    "text",
    [
        "zz",  # not a date
        "31/02/2025",  # February has no 31st
        "29/02/2025",  # 2025 is not a leap year
        "32/01/2025",  # no day 32
        "13/13/2025",  # neither field can be the month
        "12345",  # five digits below the Excel serial range (1933)
        "99999",  # above it (2173)
        "31/12/9999",  # an ERP's 'no end' sentinel, not a ledger date
        "31 foo 2025",  # unknown month name
        "janvier 2025",  # no day
    ],
)
def test_parse_dates_flags_impossible_values_as_bad(text):
    value, bad = _one(parse_dates, text)
    assert bad
    assert pd.isna(value)


def test_parse_dates_returns_day_precision_datetimes_with_the_input_index():
    parsed = parse_dates(pd.Series(["2025-01-31 23:59:59", "", None], index=["a", "b", "c"]))
    assert parsed.values.dtype == "datetime64[ns]"
    assert parsed.values.index.tolist() == ["a", "b", "c"]
    assert parsed.values.iloc[0] == pd.Timestamp("2025-01-31")  # time of day dropped
    assert parsed.values.iloc[1:].isna().all()
    assert not parsed.bad.any()  # empty cells are missing, not bad


@pytest.mark.parametrize(
    ("column", "expected", "bad", "note"),
    [
        # Proven day-first: 13 cannot be a month, so 03/04 is the 3rd of April.
        (["03/04/2025", "13/04/2025"], ["2025-04-03", "2025-04-13"], [False, False], None),
        # Proven month-first: 13 in second place is a day, so 03/04 is the 4th of March.
        (["03/04/2025", "04/13/2025"], ["2025-03-04", "2025-04-13"], [False, False], "parse.month_first"),
        # Nothing proves either: read day-first (French), and say so.
        (["03/04/2025", "05/06/2025"], ["2025-04-03", "2025-06-05"], [False, False], "parse.ambiguous_day_month"),
        # Two cells prove day-first, one month-first: the minority cell is bad, not reread.
        (["13/04/2025", "14/04/2025", "04/13/2025"], ["2025-04-13", "2025-04-14", None], [False, False, True], None),
        # Majority month-first this time: the day-first cell is bad.
        (
            ["04/13/2025", "04/14/2025", "13/04/2025"],
            ["2025-04-13", "2025-04-14", None],
            [False, False, True],
            "parse.month_first",
        ),
        # Votes are rows, not distinct values: "04/13/2025" twice outweighs "13/04/2025" once.
        (
            ["13/04/2025", "04/13/2025", "04/13/2025"],
            [None, "2025-04-13", "2025-04-13"],
            [True, False, False],
            "parse.month_first",
        ),
        # Equal day and month (01/01) are the same either way: no note.
        (["01/01/2025", "02/02/2025"], ["2025-01-01", "2025-02-02"], [False, False], None),
        # ISO cells do not vote; the d/m/y cell alone is ambiguous.
        (["2025-12-01", "03/04/2025"], ["2025-12-01", "2025-04-03"], [False, False], "parse.ambiguous_day_month"),
    ],
)
def test_parse_dates_decides_day_month_order_per_column(column, expected, bad, note):
    parsed = parse_dates(pd.Series(column))
    got = [None if pd.isna(v) else str(v.date()) for v in parsed.values]
    assert got == expected
    assert parsed.bad.tolist() == bad
    assert parsed.note == note


def test_parse_dates_ambiguous_note_names_an_example_and_its_reading():
    parsed = parse_dates(pd.Series(["03/04/2025", "03/04/2025", "05/06/2025"]))
    # Day-first by default: 03/04/2025 is the 3rd of April.
    assert parsed.note == "parse.ambiguous_day_month"
    assert parsed.note_params == {"example": "03/04/2025", "read_as": "2025-04-03"}


def test_parse_dates_does_not_read_serials_in_a_yyyymmdd_column():
    # 45688 could be an Excel serial, but beside yyyymmdd values it is a malformed date.
    parsed = parse_dates(pd.Series(["20250131", "45688"]))
    assert parsed.values.iloc[0] == pd.Timestamp("2025-01-31")
    assert parsed.bad.tolist() == [False, True]


def test_parse_dates_maps_repeated_values_to_every_row():
    parsed = parse_dates(pd.Series(["31/01/2025", "bad", "31/01/2025"] * 3))
    # 9 rows: positions 1, 4, 7 hold "bad"; the 6 others are 2025-01-31.
    assert parsed.bad[parsed.bad].index.tolist() == [1, 4, 7]
    assert (parsed.values.dropna() == pd.Timestamp("2025-01-31")).sum() == 6


# ---------------------------------------------------------------------------------------------
# Flags and day counts
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("oui", True),
        ("OUI", True),
        ("non", False),
        ("Non", False),
        ("yes", True),
        ("no", False),
        ("o", True),
        ("n", False),
        ("y", True),
        ("Y", True),
        ("1", True),
        ("0", False),
        ("true", True),
        ("FALSE", False),
        ("vrai", True),
        ("faux", False),
        ("x", True),
        ("X", True),
    ],
)
def test_parse_booleans_reads_each_writing(text, expected):
    value, bad = _one(parse_booleans, text)
    assert not bad
    assert value is expected or value == expected


def test_parse_booleans_reads_empty_as_no_in_a_column_of_ticks():
    parsed = parse_booleans(pd.Series(["x", "", "X", None]))
    # A column ticked with x: empty and missing cells are unticked, so False.
    assert parsed.values.tolist() == [True, False, True, False]
    assert not parsed.bad.any()


def test_parse_booleans_leaves_empty_missing_in_a_yes_no_column():
    parsed = parse_booleans(pd.Series(["oui", "", "non"]))
    assert parsed.values.iloc[0] is True or parsed.values.iloc[0] == True  # noqa: E712
    assert pd.isna(parsed.values.iloc[1])
    assert parsed.values.iloc[2] == False  # noqa: E712
    assert parsed.values.dtype == "boolean"


@pytest.mark.parametrize("text", ["peut-être", "2", "oui non", "nan"])
def test_parse_booleans_flags_other_words_as_bad(text):
    value, bad = _one(parse_booleans, text)
    assert bad
    assert pd.isna(value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30", 30),
        ("30 jours", 30),
        ("45 j", 45),
        ("45j", 45),
        ("60 days", 60),
        ("60 Days", 60),
        ("1 jour", 1),
        ("Net 30", 30),
        ("30.0", 30),
        ("30,00", 30),
        ("0", 0),
        ("-5", -5),
    ],
)
def test_parse_integers_reads_day_counts(text, expected):
    value, bad = _one(parse_integers, text)
    assert not bad
    assert value == expected


@pytest.mark.parametrize("text", ["trente", "30,5", "30 semaines", "x30", "30 jours fin de mois"])
def test_parse_integers_flags_other_values_as_bad(text):
    value, bad = _one(parse_integers, text)
    assert bad
    assert pd.isna(value)


def test_parse_integers_returns_nullable_integers():
    parsed = parse_integers(pd.Series(["30", ""]))
    assert parsed.values.dtype == "Int64"
    assert parsed.values.iloc[0] == 30
    assert pd.isna(parsed.values.iloc[1])
