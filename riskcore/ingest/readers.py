"""One entry point from a dropped file to a RawTable, whatever format the export came in.

The suffix says which formats are accepted; the first bytes say how to read the file, because
accounting packages often write tab-separated text or HTML under an `.xls` name.
"""

from __future__ import annotations

from pathlib import Path

from riskcore.errors import LedgerError
from riskcore.ingest.excel import read_excel_table
from riskcore.ingest.parquet import read_parquet_table
from riskcore.ingest.raw import RawTable
from riskcore.ingest.text import decode_bytes, read_text_table

SUPPORTED = (".csv", ".txt", ".tsv", ".xlsx", ".xls", ".ods", ".parquet")

_ZIP = b"PK\x03\x04"  # .xlsx and .ods are zip packages
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls
_PARQUET = b"PAR1"
_MARKUP = (b"<!doctype html", b"<html", b"<?xml", b"<table")


def _content_kind(path: Path) -> str:
    """`workbook`, `parquet`, `markup` or `text`, from the file's first bytes."""
    with path.open("rb") as handle:
        head = handle.read(512)
    if head.startswith((_ZIP, _OLE2)):
        return "workbook"
    if head.startswith(_PARQUET):
        return "parquet"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").lower().startswith(_MARKUP):
        return "markup"
    return "text"


def _checked(path: Path, name: str) -> None:
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED:
        raise LedgerError("parse.unsupported_format", file=name, suffix=suffix, formats=", ".join(SUPPORTED))
    if not path.is_file():
        raise LedgerError("parse.file_not_found", file=name)
    if path.stat().st_size == 0:
        raise LedgerError("parse.empty_file", file=name)


def read_table(path: Path, *, sheet: str | None = None, file_name: str | None = None) -> RawTable:
    """The file as a RawTable; `file_name` is the name the user gave it (an upload's temp path has another)."""
    path = Path(path)
    name = file_name or path.name
    _checked(path, name)
    kind = _content_kind(path)
    if kind == "markup":
        raise LedgerError("parse.markup_export", file=name)
    if kind == "workbook":
        return read_excel_table(path, sheet=sheet, file_name=name)
    if kind == "parquet":
        return read_parquet_table(path, file_name=name)
    return read_text_table(path, file_name=name)


def read_text_lines(path: Path) -> tuple[str, str]:
    """A text file's content decoded (BOM dropped, line ends turned to `\\n`) and its encoding."""
    path = Path(path)
    if not path.is_file():
        raise LedgerError("parse.file_not_found", file=path.name)
    data = path.read_bytes()
    if not data:
        raise LedgerError("parse.empty_file", file=path.name)
    text, encoding = decode_bytes(data, path.name)
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding
