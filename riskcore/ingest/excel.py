"""Spreadsheets (.xlsx, .xls, .ods) through calamine, with cells written as the text reader sees them.

DuckDB's Excel support is a network-fetched extension, so workbooks go through a Python reader.
Cells are turned into the strings a CSV export of the same sheet would hold in ISO form, so the
value parsers have one grammar to read whatever the source.

An .xlsx or .ods is a zip package: before calamine unpacks it, the sizes its members declare are
added up, and a package unpacking to more than config import.max_uncompressed_mb is refused (a
"zip bomb" of a few kilobytes can unpack to gigabytes and exhaust the server's memory).
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
from python_calamine import CalamineError, CalamineSheet, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from riskcore import config
from riskcore.errors import LedgerError
from riskcore.ingest.raw import RawTable, header_index, tidy, unique_headers


def float_text(value: float) -> str:
    """`12` for a whole number, `1234.56` otherwise: binary noise past 9 decimals dropped, no exponent."""
    if value != value or value in (float("inf"), float("-inf")):
        return ""
    rounded = round(value, 9)
    if rounded.is_integer():
        return str(int(rounded))
    text = repr(rounded)
    return np.format_float_positional(rounded, trim="-") if "e" in text else text


def cell_text(value: object) -> str:
    """One spreadsheet cell as text: ISO dates (time kept unless midnight), `true`/`false`, plain numbers."""
    kind = type(value)  # exact types first: this runs once per cell of the sheet
    if kind is str:
        return value.strip()
    if kind is float:
        return float_text(value)
    if value is None:
        return ""
    if kind is bool:
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value).strip()


def _is_worksheet(workbook: CalamineWorkbook, name: str) -> bool:
    meta = {m.name: m for m in workbook.sheets_metadata}.get(name)
    return meta is None or (meta.typ == SheetTypeEnum.WorkSheet and meta.visible == SheetVisibleEnum.Visible)


def _rows(sheet: CalamineSheet) -> list[list[str]]:
    """Every row from spreadsheet row 1, so list position + 1 is the row number the user sees."""
    if sheet.start is None:
        return []
    return [[cell_text(c) for c in row] for row in sheet.to_python(skip_empty_area=False)]


def _pick_sheet(workbook: CalamineWorkbook, sheet: str | None, file_name: str) -> tuple[str, list[list[str]]]:
    """The named sheet, else the first visible worksheet holding a value."""
    names = workbook.sheet_names
    if sheet is not None:
        if sheet not in names:
            raise LedgerError("parse.unknown_sheet", file=file_name, sheet=sheet, sheets=", ".join(names))
        return sheet, _rows(workbook.get_sheet_by_name(sheet))
    candidates = [n for n in names if _is_worksheet(workbook, n)] + [n for n in names if not _is_worksheet(workbook, n)]
    for name in candidates:
        rows = _rows(workbook.get_sheet_by_name(name))
        if any(any(row) for row in rows):
            return name, rows
    raise LedgerError("parse.empty_workbook", file=file_name)


MB = 1024 * 1024


def check_unpacked_size(path: Path, file_name: str | None = None) -> None:
    """Refuse a zip package (.xlsx, .ods) whose members unpack to more than import.max_uncompressed_mb.

    A file that is not a readable zip passes: calamine then says why it cannot be read.
    """
    limit = config.get().import_.max_uncompressed_mb
    try:
        with zipfile.ZipFile(path) as package:
            unpacked = sum(member.file_size for member in package.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    if unpacked > limit * MB:
        size = -(-unpacked // MB)  # rounded up: 500.2 MB is over a 500 MB cap, and reads as 501
        raise LedgerError("ingest.workbook_too_large", file=file_name or path.name, size=size, max=limit)


def read_excel_table(path: Path, sheet: str | None = None, file_name: str | None = None) -> RawTable:
    """A sheet of an .xlsx/.xls/.ods workbook as a RawTable; row numbers are the spreadsheet's."""
    name = file_name or path.name
    check_unpacked_size(path, name)
    try:
        with CalamineWorkbook.from_path(str(path)) as workbook:
            sheet_name, rows = _pick_sheet(workbook, sheet, name)
    except CalamineError as exc:
        raise LedgerError("parse.unreadable_workbook", file=name, error=str(exc)) from exc
    start = header_index(rows)
    if start is None:
        raise LedgerError("parse.no_header_sheet", file=name, sheet=sheet_name)
    width = max(len(row) for row in rows)
    header = rows[start] + [""] * (width - len(rows[start]))
    frame = pd.DataFrame(rows[start + 1 :], columns=unique_headers(header), dtype="str").fillna("")
    return RawTable(name, tidy(frame), start + 2, sheet=sheet_name)
