"""Delimited text exports (CSV, TSV, TXT): encoding, delimiter and header found, cells as str.

Decoding happens in Python, not in DuckDB: DuckDB reads only UTF-8 offline, and accounting
packages still write Windows-1252 or ISO-8859-15. The decoded text is re-encoded to UTF-8
bytes for pyarrow's CSV reader (pandas' C parser when blank lines or ragged rows need it), which
read bytes several times faster than a str buffer.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
from charset_normalizer import from_bytes

from riskcore.errors import LedgerError
from riskcore.ingest.raw import RawTable, header_index, tidy, unique_headers

DELIMITERS = (";", ",", "\t", "|")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# The single-byte encodings of Western European exports, the only ones charset-normalizer may pick:
# left free, it reads short French files as cp1250, mac_latin2 or even johab.
_WESTERN = ["cp1252", "iso8859_15"]
# Bytes 0x80-0x9F are C1 control codes in ISO-8859-15, never in real text, but printable in
# cp1252 (€ is 0x80, œ 0x9C, Š 0x8A). Without them, these bytes are ISO-8859-15's own letters
# (€ 0xA4, Š 0xA6, š 0xA8, Ž 0xB4, ž 0xB8, Œ 0xBC, œ 0xBD, Ÿ 0xBE) where cp1252 has rare signs.
_C1 = re.compile(rb"[\x80-\x9f]")
_ISO8859_15_ONLY = re.compile(rb"[\xa4\xa6\xa8\xb4\xb8\xbc\xbd\xbe]")
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")
_SNIFF_CHARS = 65536
_PANDAS_LINE = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def _utf16_without_bom(head: bytes) -> str | None:
    """`utf-16-le`/`-be` when NUL bytes sit on one parity, as in UTF-16 Latin text; else None."""
    even, odd = head[0::2].count(0), head[1::2].count(0)
    half = len(head) // 2
    if half and odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if half and even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def _lines_with_high_bytes(data: bytes, most: int) -> list[bytes]:
    """Up to `most` lines holding a non-ASCII byte: where cp1252 and ISO-8859-15 can differ.

    Found byte by byte, then widened to the line, because a line-matching regex backtracks
    over every ASCII line and took 25 s on a 1-million-line file with accents only in its header.
    """
    lines: list[bytes] = []
    pos = 0
    while len(lines) < most:
        found = _HIGH_BYTE.search(data, pos)
        if found is None:
            break
        start = data.rfind(b"\n", 0, found.start()) + 1
        end = data.find(b"\n", found.start())
        end = len(data) if end < 0 else end
        lines.append(data[start:end])
        pos = end + 1
    return lines


def _western_encoding(data: bytes) -> str:
    """cp1252 or ISO-8859-15, picked by charset-normalizer then checked on the bytes that differ."""
    sample = b"\n".join(_lines_with_high_bytes(data, 200))
    best = from_bytes(sample, cp_isolation=_WESTERN).best()
    # charset-normalizer returns cp1252 for ISO-8859-15 text too (both decode it without a mess),
    # so the bytes where the two differ decide.
    if _C1.search(data):
        return "cp1252"
    if _ISO8859_15_ONLY.search(data):
        return "iso8859_15"
    return best.encoding if best is not None else "cp1252"


def decode_bytes(data: bytes, file_name: str) -> tuple[str, str]:
    """The text of a file and the encoding it was read with (BOM, UTF-16, UTF-8, cp1252, ISO-8859-15)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise LedgerError("parse.undecodable", file=file_name, encoding=encoding) from exc
    head = data[:4096]
    if b"\x00" in head:
        encoding = _utf16_without_bom(head[: len(head) // 2 * 2])
        if encoding is None:
            raise LedgerError("parse.binary_file", file=file_name)
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            raise LedgerError("parse.undecodable", file=file_name, encoding=encoding) from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    encoding = _western_encoding(data)
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as exc:
        raise LedgerError("parse.undecodable", file=file_name, encoding=encoding) from exc


def _normalise_line_ends(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _head(text: str) -> str:
    """The first complete lines of the text, line ends normalised, for sniffing."""
    head = _normalise_line_ends(text[:_SNIFF_CHARS])
    if len(text) > _SNIFF_CHARS and "\n" in head:
        head = head[: head.rindex("\n")]
    return head


def sniff_delimiter(text: str) -> str:
    """The delimiter among `;` `,` tab `|` that splits the first lines into the most equal rows.

    Fields are split as a CSV reader would, so quoted delimiters do not count. For each candidate,
    the usual field count (at least 2) of the non-blank rows is found, and the candidate giving
    that count on most rows wins; a tie goes to the earlier candidate, `;` first (the French
    default). A `;` file with decimal commas has a header without commas, which settles it.
    """
    head = _head(text)
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        try:
            rows = list(csv.reader(io.StringIO(head), delimiter=delimiter))[:100]
        except csv.Error:  # a field over the csv module's size limit: not this delimiter's table
            continue
        counts = [len(row) for row in rows if any(cell.strip() for cell in row)]
        wide = [n for n in counts if n >= 2]
        if not wide:
            continue
        usual = max(set(wide), key=lambda n: (wide.count(n), n))
        score = (counts.count(usual), usual)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _split_lines(head: str, delimiter: str) -> list[list[str]]:
    """Each physical line of the head split on its own (title lines hold no multi-line quotes)."""
    return [next(csv.reader([line], delimiter=delimiter), []) for line in head.split("\n")]


def _parse_fast(body: bytes, delimiter: str, width: int) -> pd.DataFrame | None:
    """pyarrow's multi-threaded reader, about 2.5 times faster than pandas' on a million rows.

    It skips blank lines, which would shift the row numbers, and refuses rows of another width
    than the first: in both cases None, and pandas reads the file instead.
    """
    if body.startswith(b"\n") or b"\n\n" in body:
        return None
    try:
        table = pacsv.read_csv(
            io.BytesIO(body),
            read_options=pacsv.ReadOptions(autogenerate_column_names=True),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={f"f{i}": pa.string() for i in range(width)},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:
        return None
    if table.num_columns != width:
        return None
    frame = table.to_pandas()
    frame.columns = list(range(width))
    return frame


def _parse(body: bytes, delimiter: str, width: int, file_name: str, line_offset: int) -> pd.DataFrame:
    """Every record as str cells, the header included, short rows padded with ""."""
    fast = _parse_fast(body, delimiter, width)
    if fast is not None:
        return fast
    try:
        return pd.read_csv(
            io.BytesIO(body),
            sep=delimiter,
            header=None,
            names=list(range(width)),
            dtype=str,
            na_filter=False,
            keep_default_na=False,
            skip_blank_lines=False,
            index_col=False,
            quotechar='"',
            encoding="utf-8",
            engine="c",
        )
    except pd.errors.ParserError as exc:
        found = _PANDAS_LINE.search(str(exc))
        if found is None:
            raise LedgerError("parse.unreadable_text", file=file_name, error=str(exc)) from exc
        raise LedgerError(
            "parse.too_many_fields",
            file=file_name,
            row=int(found.group(2)) + line_offset,
            expected=int(found.group(1)),
            found=int(found.group(3)),
        ) from exc


def _row_offsets(frame: pd.DataFrame, lines: int) -> pd.Index:
    """Index labels that follow the file's lines even when quoted values hold line breaks."""
    if lines <= len(frame):
        return pd.RangeIndex(len(frame))
    breaks = np.zeros(len(frame), dtype=np.int64)
    for column in frame.columns:
        breaks += frame[column].str.count("\n").to_numpy(dtype=np.int64)
    return pd.Index(np.arange(len(frame)) + np.cumsum(breaks) - breaks)


def read_text_table(path: Path, file_name: str | None = None) -> RawTable:
    """A delimited text file as a RawTable: encoding and delimiter sniffed, title lines skipped."""
    name = file_name or path.name
    text, encoding = decode_bytes(path.read_bytes(), name)
    head = _head(text)
    delimiter = sniff_delimiter(head)
    try:
        start = header_index(_split_lines(head, delimiter))
        if start is None:
            raise LedgerError("parse.no_header", file=name)
        table_head = io.StringIO("\n".join(head.split("\n")[start:]))
        width = max(len(row) for row in csv.reader(table_head, delimiter=delimiter))
    except csv.Error as exc:
        raise LedgerError("parse.unreadable_text", file=name, error=str(exc)) from exc
    body = text.encode("utf-8")
    del text  # the str and its UTF-8 copy of a large file should not both live on
    if b"\r" in body:
        body = body.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    offset = 0
    for _ in range(start):
        offset = body.index(b"\n", offset) + 1
    if offset:
        body = body[offset:]
    if body.endswith(b"\n\n"):  # blank lines at the end number nothing; dropping them keeps the fast reader
        body = body.rstrip(b"\n") + b"\n"
    lines = body.count(b"\n") + (0 if body.endswith(b"\n") else 1)
    frame = _parse(body, delimiter, width, name, start)
    del body
    header = frame.iloc[0].tolist()
    header_breaks = sum(str(cell).count("\n") for cell in header)
    frame = frame.iloc[1:]
    frame.columns = unique_headers(header)
    for column in frame.columns:
        frame[column] = frame[column].str.strip()
    frame.index = _row_offsets(frame, lines - 1 - header_breaks)
    first_row = start + 2 + header_breaks
    return RawTable(name, tidy(frame), first_row, encoding=encoding, delimiter=delimiter)
