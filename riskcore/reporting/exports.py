"""Every CSV and XLSX file Encours writes: UI downloads, CLI `--csv` and the board report's workbook.

One writer so that the same table gives the same file wherever it is exported from:

- cells of text that a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, a
  tab or a carriage return) get a leading `'` (OWASP "CSV injection"); numbers stay numbers, so a
  credit note of -300 is the number -300, never the text `'-300`;
- amounts are rounded to the cent (`93959.14`, not `93959.14000000001`), other numbers lose the
  binary noise past 9 decimals;
- XLSX cells are typed: amounts in the currency's format, shares as percentages, dates as dates;
  every text is written as a string, never as a formula or a link;
- CSV follows the reader's convention: `;` and a decimal comma in French, `,` and `.` in English,
  UTF-8 with a BOM so that Excel reads the accents. Dates are ISO (`2025-12-31`), which every
  spreadsheet reads as a date whatever its locale (`31/12/2025` is a day-first date in Excel FR
  and a text in Excel US). Thousands are not grouped: a grouped number does not read back as one.

A column's kind comes from its name (`balance` is an amount, `due_date` a date); a column of
another name is typed cell by cell from its values.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from riskcore import config
from riskcore.access.auth import User, require
from riskcore.i18n import fmt_amount, fmt_number

AMOUNTS = frozenset({
    "amount", "step_amount", "amount_at_risk", "promise_amount", "outstanding", "open_amount", "balance",
    "not_due", "d1_30", "d31_60", "d61_90", "d91_plus", "overdue", "overdue_amount", "total_outstanding",
    "credit_limit", "suggested_limit", "headroom", "insured_limit", "revenue_12m", "disputed_amount",
    "previous_limit", "new_limit", "penalty", "indemnity", "total_due", "exposure", "ht_amount", "provision",
    "paid_amount", "penalty_base", "balance_ht", "balance_ttc",
})  # fmt: skip
PCTS = frozenset(
    {"utilisation", "share", "cumulative_share", "p_late", "p_score", "overdue_rate", "cei", "pct_revenue"}
)
DATES = frozenset({
    "invoice_date", "last_action_date", "broken_promise", "event_date", "made_on", "due_date", "settle_date",
    "last_dunning_date", "action_date", "promise_date", "payment_date", "write_off_date", "month_end",
})  # fmt: skip
DATETIMES = frozenset({"proposed_at", "decided_at", "imported_at"})
INTEGERS = frozenset({
    "invoices", "steps", "open_disputes", "disputes", "invoice_count", "clients", "rows", "rejected", "rank",
    "days_to_pay", "days_late", "rows_read", "rows_loaded", "rows_rejected", "terms_days", "payment_terms_days",
    "settled_invoices", "days_since_invoice", "days_past_due", "max_days_past_due",
})  # fmt: skip
DECIMALS = {"median_age_days": 0, "score": 0, "days_late_12m": 1, "days_late_trend": 1, "avg_days_late": 1,
            "weighted_days_late": 1}  # fmt: skip
_BUCKET = re.compile(r"^d\d+_(\d+|plus)$")  # aging buckets of any configured edges (charts.is_bucket)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # OWASP: what a spreadsheet may take for a formula


@dataclass(frozen=True)
class Kind:
    """How a column's cells are written: `amount`, `pct` (a fraction), `date`, `datetime`, `integer`,
    `number` (with `decimals` shown in XLSX) or `text`; `auto` types each cell from its value."""

    name: str
    decimals: int = 2


AMOUNT, PCT, DATE, DATETIME = Kind("amount", 2), Kind("pct", 1), Kind("date"), Kind("datetime")
INTEGER, NUMBER, TEXT, AUTO = Kind("integer", 0), Kind("number", 2), Kind("text"), Kind("auto")


def kind_of(column: str) -> Kind:
    """The kind of a column from its name (AUTO when the name says nothing)."""
    if column in AMOUNTS or _BUCKET.match(column):
        return AMOUNT
    if column in PCTS:
        return PCT
    if column in DATES:
        return DATE
    if column in DATETIMES:
        return DATETIME
    if column in INTEGERS:
        return INTEGER
    if column in DECIMALS:
        return Kind("number", DECIMALS[column])
    return AUTO


def neutralised(text: str) -> str:
    """`text` with a leading `'` when a spreadsheet would take it for a formula (`=1+1` -> `'=1+1`)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@dataclass(frozen=True)
class Sheet:
    """One table to export: `frame` with `headers` (column -> header shown) and `kinds` (column -> Kind,
    or one Kind per row for a column of mixed figures); columns not named get `kind_of` their name."""

    name: str
    frame: pd.DataFrame
    headers: Mapping[str, str] = field(default_factory=dict)
    kinds: Mapping[str, Kind | Sequence[Kind]] = field(default_factory=dict)

    def columns(self) -> list[tuple[str, str, list[Kind]]]:
        """(column, header, one Kind per row) for each column."""
        out = []
        for column in self.frame.columns:
            kind = self.kinds.get(column, kind_of(str(column)))
            per_row = [kind] * len(self.frame) if isinstance(kind, Kind) else list(kind)
            out.append((column, self.headers.get(column, str(column)), per_row))
        return out


# --- cells -----------------------------------------------------------------------------------------


def _missing(value: object) -> bool:
    """None, NaN, NaT and pd.NA (a list is a value: the worklist's invoice ids)."""
    return not isinstance(value, (list, tuple, np.ndarray)) and bool(pd.isna(value))


def _plain(value: float) -> float:
    """A float without binary noise past 9 decimals, and without a negative zero."""
    rounded = round(value, 9)
    return 0.0 if rounded == 0 else rounded


def cell(value: object, kind: Kind) -> tuple[str, object]:
    """A cell as (type, value): `blank`, `text` (neutralised str), `number` (float) or `date` (datetime).

    Amounts are rounded to the cent, integers to the unit; a text in a number column stays text.
    """
    if _missing(value):
        return "blank", None
    if isinstance(value, (list, tuple, np.ndarray)):  # the worklist's invoice ids
        return "text", neutralised(" ".join(str(v) for v in value))
    if isinstance(value, (bool, np.bool_, str)):
        return "text", neutralised(str(value))
    if isinstance(value, (dt.date, np.datetime64)):  # pd.Timestamp and dt.datetime are dates too
        stamp = pd.Timestamp(value)
        if stamp.tzinfo is not None:
            stamp = stamp.tz_localize(None)
        if kind.name == "date" or (kind.name != "datetime" and stamp == stamp.normalize()):
            return "date", dt.datetime.combine(stamp.date(), dt.time())
        return "datetime", stamp.to_pydatetime()
    if isinstance(value, (int, np.integer)) and kind.name not in ("amount", "pct"):
        return "number", int(value)  # exact, even past 2**53 (an id the export kept as a number)
    if isinstance(value, (int, float, Decimal, np.integer, np.floating)):
        number = float(value)
        if number in (float("inf"), float("-inf")):
            return "blank", None
        if kind.name == "amount":
            number = float(f"{number:.2f}")  # correctly rounded to the cent, as the tables show it
        elif kind.name == "integer":
            number = float(round(number))
        return "number", _plain(number)
    return "text", neutralised(str(value))


def _csv_text(kind: str, value: object, cell_kind: Kind, decimal: str) -> str:
    if kind == "blank":
        return ""
    if kind == "text":
        return str(value)
    if kind == "date":
        return value.date().isoformat()  # type: ignore[union-attr]
    if kind == "datetime":
        return value.isoformat(sep=" ", timespec="seconds")  # type: ignore[union-attr]
    if isinstance(value, int):
        return str(value)
    number = float(value)  # type: ignore[arg-type]
    if cell_kind.name == "amount":
        text = f"{number:.2f}"
    elif number.is_integer():
        text = str(int(number))
    else:
        text = repr(number)
        if "e" in text:
            text = np.format_float_positional(number, trim="-")
    return text.replace(".", decimal)


# --- CSV -------------------------------------------------------------------------------------------


def csv_convention(lang: str) -> tuple[str, str]:
    """(field separator, decimal mark) of the reader's spreadsheet: `;` and `,` in French, `,` and `.` else."""
    return (";", ",") if lang == "fr" else (",", ".")


def csv_bytes(
    frame: pd.DataFrame,
    lang: str,
    *,
    headers: Mapping[str, str] | None = None,
    kinds: Mapping[str, Kind | Sequence[Kind]] | None = None,
) -> bytes:
    """`frame` as CSV in `lang`'s convention, UTF-8 with a BOM, one `\\n` per line."""
    sep, decimal = csv_convention(lang)
    sheet = Sheet("", frame, headers or {}, kinds or {})
    columns = sheet.columns()
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\n")
    # the csv module quotes a field holding `\n` but not one holding a lone `\r`, which a
    # spreadsheet takes for a line end: such a row has every field quoted
    quoted = csv.writer(buffer, delimiter=sep, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow([neutralised(header) for _, header, _ in columns])
    data = [frame[column].tolist() for column, _, _ in columns]
    for i in range(len(frame)):
        row = []
        for values, (_, _, per_row) in zip(data, columns, strict=True):
            kind, value = cell(values[i], per_row[i])
            row.append(_csv_text(kind, value, per_row[i], decimal))
        (quoted if any("\r" in field for field in row) else writer).writerow(row)
    return buffer.getvalue().encode("utf-8-sig")


def write_csv(path: Path, frame: pd.DataFrame, lang: str, **options: object) -> int:
    """Write `frame` to `path` as `csv_bytes` does; returns the number of rows written."""
    Path(path).write_bytes(csv_bytes(frame, lang, **options))  # type: ignore[arg-type]
    return len(frame)


# --- XLSX ------------------------------------------------------------------------------------------

_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")  # characters Excel refuses in a sheet name


def sheet_name(name: str) -> str:
    """`name` as Excel accepts it: without `[]:*?/\\`, at most 31 characters, never empty."""
    return _SHEET_NAME.sub(" ", name).strip("' ")[:31] or "Sheet"


def currency_format(lang: str, decimals: int = 2) -> str:
    """The XLSX number format of an amount, the symbol where `lang` writes it: `#,##0.00 "€"` (fr), `"€"#,##0.00` (en)."""
    zero = fmt_number(0, lang, decimals)
    prefix, _, suffix = fmt_amount(0, lang, config.get().app.currency, decimals).partition(zero)
    number = "#,##0" + ("." + "0" * decimals if decimals else "")

    def quoted(text: str) -> str:
        text = text.replace("\xa0", " ").replace("\u202f", " ")
        return f'"{text}"' if text else ""

    return f"{quoted(prefix)}{number}{quoted(suffix)}"


def _formats(book: xlsxwriter.Workbook, lang: str) -> dict[tuple[str, int], object]:
    cache: dict[tuple[str, int], object] = {}

    def get(kind: str, decimals: int) -> object:
        key = (kind, decimals)
        if key not in cache:
            fraction = "." + "0" * decimals if decimals else ""
            code = {
                "amount": lambda: currency_format(lang, decimals),
                "pct": lambda: f"0{fraction}%",
                "date": lambda: "dd/mm/yyyy",
                "datetime": lambda: "dd/mm/yyyy hh:mm",
                "integer": lambda: "#,##0",
                "number": lambda: f"#,##0{fraction}",
            }.get(kind, lambda: "General")()
            cache[key] = book.add_format({"num_format": code})
        return cache[key]

    return get  # type: ignore[return-value]


def _number_format(kind: str, cell_kind: Kind) -> tuple[str, int]:
    if kind in ("date", "datetime"):
        return kind, 0
    if cell_kind.name in ("amount", "pct", "integer", "number"):
        return cell_kind.name, cell_kind.decimals
    return "general", 0


def write_sheets(target: Path | io.BytesIO, sheets: Sequence[Sheet], lang: str) -> None:
    """`sheets` as one XLSX workbook at `target` (a path or a buffer), header row frozen and filtered."""
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    with xlsxwriter.Workbook(target, options) as book:
        fmt = _formats(book, lang)
        bold = book.add_format({"bold": True})
        for sheet in sheets:
            ws = book.add_worksheet(sheet_name(sheet.name))
            columns = sheet.columns()
            for c, (column, header, per_row) in enumerate(columns):
                ws.write_string(0, c, neutralised(header), bold)
                width = len(header)
                for r, value in enumerate(sheet.frame[column].tolist(), start=1):
                    kind, value = cell(value, per_row[r - 1])
                    style = fmt(*_number_format(kind, per_row[r - 1]))
                    if kind == "text":
                        ws.write_string(r, c, value, style)
                        width = max(width, len(value))
                    elif kind == "number":
                        ws.write_number(r, c, value, style)
                        width = max(width, 14)
                    elif kind in ("date", "datetime"):
                        ws.write_datetime(r, c, value, style)
                        width = max(width, 16 if kind == "datetime" else 11)
                ws.set_column(c, c, min(max(width, 8), 50) + 2)
            ws.freeze_panes(1, 0)
            if columns:
                ws.autofilter(0, 0, max(len(sheet.frame), 1), len(columns) - 1)


def xlsx_bytes(
    frame: pd.DataFrame,
    sheet: str,
    lang: str,
    *,
    headers: Mapping[str, str] | None = None,
    kinds: Mapping[str, Kind | Sequence[Kind]] | None = None,
) -> bytes:
    """`frame` as a one-sheet XLSX workbook."""
    buffer = io.BytesIO()
    write_sheets(buffer, [Sheet(sheet, frame, headers or {}, kinds or {})], lang)
    return buffer.getvalue()


def for_user(user: User, fmt: str, frame: pd.DataFrame, lang: str, **options: object) -> bytes:
    """A download of `frame` for `user` (the `export` permission): "csv" or "xlsx" (`sheet=` its sheet name).

    The frame is what the user reads (a sales rep's is already their own clients only).
    """
    require(user, "export")
    if fmt == "csv":
        return csv_bytes(frame, lang, **options)  # type: ignore[arg-type]
    sheet = str(options.pop("sheet", "export"))
    return xlsx_bytes(frame, sheet, lang, **options)  # type: ignore[arg-type]
