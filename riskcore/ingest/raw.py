"""A file read as a table of strings, before any column is understood.

Every reader (text, spreadsheet, Parquet) ends here, so the mapping and validation layers
see one shape whatever the source: str cells, header names made unique, and row numbers
as the user sees them in the file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

# How many rows at the top of a file may hold titles, notes or blank lines above the header.
HEADER_SEARCH_ROWS = 30

# A cell that reads as a number, an amount or a date rather than as a column name.
_NUMERIC_CELL = re.compile(r"^[\s\d.,'+\-−()/:€$£%]*\d[\s\d.,'+\-−()/:€$£%]*$")


@dataclass(frozen=True)
class RawTable:
    """A file as read: str cells ("" when empty), header names unique, rows numbered as in the file.

    The frame's index labels are row offsets from `first_row`, so `row_number(label)` is the row
    the user sees in the file. Blank rows are dropped, keeping the labels of the others, and a
    quoted text value spanning several lines pushes the following rows down as in the file.
    """

    file_name: str
    frame: pd.DataFrame
    first_row: int
    sheet: str | None = None
    encoding: str | None = None
    delimiter: str | None = None

    def row_number(self, index: int) -> int:
        """The file row (1-based, header counted) of the frame row labelled `index`."""
        return self.first_row + int(index)


def unique_headers(cells: Sequence[str]) -> list[str]:
    """Header cells stripped; a blank one named `col_<position>`, a repeated one `<name>_<n>`."""
    names: list[str] = []
    seen: set[str] = set()
    for position, cell in enumerate(cells, start=1):
        base = str(cell).strip() or f"col_{position}"
        name, n = base, 1
        while name in seen:
            n += 1
            name = f"{base}_{n}"
        seen.add(name)
        names.append(name)
    return names


def _is_text(cell: str) -> bool:
    return bool(cell) and not _NUMERIC_CELL.match(cell)


def header_index(rows: Sequence[Sequence[str]]) -> int | None:
    """Position of the header among the top rows, skipping titles and blank rows; None if none.

    A title (often a merged cell) shows as a row with one non-empty cell. The header is the first
    row with at least two non-empty cells, mostly text (a column name is not a number or a date),
    and at least half as wide as the widest top row, so a `Company: ACME` line above a nine-column
    table is not taken for the header.
    """
    top = [[str(c).strip() for c in row] for row in rows[:HEADER_SEARCH_ROWS]]
    filled = [sum(1 for c in row if c) for row in top]
    widest = max(filled, default=0)
    for i, row in enumerate(top):
        n = filled[i]
        if n < 2 or n * 2 < widest:
            continue
        texts = sum(1 for c in row if _is_text(c))
        if texts * 2 > n:
            return i
    return None


def tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop blank rows (keeping the others' labels) and columns with neither a name nor a value.

    Expects every cell a str. A trailing delimiter on every line or a formatted but empty
    spreadsheet column would otherwise show as an empty `col_<n>` column.
    """
    filled = frame.ne("")
    keep_columns = [
        name for i, name in enumerate(frame.columns) if not (name == f"col_{i + 1}" and not filled[name].any())
    ]
    frame = frame.loc[:, keep_columns]
    filled = filled.loc[:, keep_columns]
    if len(frame) and not filled.any(axis=1).all():
        frame = frame.loc[filled.any(axis=1)]
    return frame
