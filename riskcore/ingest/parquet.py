"""Parquet files through pyarrow, with typed columns written as the text reader would see them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from riskcore.errors import LedgerError
from riskcore.ingest.excel import float_text
from riskcore.ingest.raw import RawTable, tidy, unique_headers


def _timestamp_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """ISO date, with ` HH:MM:SS` only where the time is not midnight (local time for zoned values)."""
    if column.type.tz is not None:
        column = pc.local_timestamp(column)
    seconds = column.cast(pa.timestamp("s", tz=None), safe=False)
    day = pc.strftime(seconds, format="%Y-%m-%d")
    midnight = pc.equal(seconds.cast(pa.date32()).cast(pa.timestamp("s")), seconds)
    return pc.if_else(midnight, day, pc.strftime(seconds, format="%Y-%m-%d %H:%M:%S"))


def _float_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Whole floats as `12`, others without binary noise; the rare exponent form rewritten plainly."""
    text = pc.cast(pc.round(column.cast(pa.float64()), 9), pa.string())
    odd = pc.or_(pc.match_substring(text, "e"), pc.equal(text, "-0"))
    if not pc.any(odd).as_py():
        return text
    values = column.cast(pa.float64()).to_pylist()
    return pa.chunked_array([pa.array([None if v is None else float_text(v) for v in values], pa.string())])


def column_text(column: pa.ChunkedArray) -> pd.Series:
    """One Parquet column as str cells ("" for null)."""
    kind = column.type
    if pa.types.is_dictionary(kind):
        column = column.cast(kind.value_type)
        kind = column.type
    if pa.types.is_timestamp(kind):
        text = _timestamp_text(column)
    elif pa.types.is_floating(kind):
        text = _float_text(column)
    else:
        text = pc.cast(column, pa.string())
    return pd.Series(pc.utf8_trim_whitespace(pc.fill_null(text, "")).to_pandas(), dtype="str")


def read_parquet_table(path: Path, file_name: str | None = None) -> RawTable:
    """A Parquet file as a RawTable; rows are numbered as if a header were row 1."""
    name = file_name or path.name
    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        raise LedgerError("parse.unreadable_parquet", file=name, error=str(exc)) from exc
    columns = {}
    for position, header in enumerate(unique_headers(table.column_names)):
        try:
            columns[header] = column_text(table.column(position))
        except (pa.ArrowNotImplementedError, pa.ArrowInvalid) as exc:
            field = table.schema.field(position)
            raise LedgerError("parse.unsupported_column", file=name, column=field.name, type=str(field.type)) from exc
    frame = pd.DataFrame(columns, index=pd.RangeIndex(table.num_rows))
    if not len(frame.columns):
        raise LedgerError("parse.no_header", file=name)
    return RawTable(name, tidy(frame), 2)
