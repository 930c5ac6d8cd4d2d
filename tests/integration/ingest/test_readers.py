"""Dropped files read into tables of strings: encodings, delimiters, spreadsheets, Parquet, row numbers."""

from __future__ import annotations

import codecs
import datetime as dt
import re
import zipfile
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import xlsxwriter

from riskcore.errors import LedgerError
from riskcore.ingest.parse import parse_amounts
from riskcore.ingest.raw import header_index, unique_headers
from riskcore.ingest.readers import read_table, read_text_lines
from riskcore.ingest.text import decode_bytes, sniff_delimiter

FRENCH = "Client;Montant;Date\nCafé €;1 234,56;31/01/2025\nŒuvre;12,00;01/02/2025\n"


def _write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


# ---------------------------------------------------------------------------------------------
# Encodings
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (FRENCH.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + FRENCH.encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + FRENCH.encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + FRENCH.encode("utf-16-be"), "utf-16"),
        (FRENCH.encode("utf-16-le"), "utf-16-le"),  # no BOM: NUL bytes on odd positions
        (FRENCH.encode("utf-16-be"), "utf-16-be"),  # no BOM: NUL bytes on even positions
        (FRENCH.encode("cp1252"), "cp1252"),  # € is 0x80, Œ 0x8C: only cp1252 has them there
        (FRENCH.encode("iso8859_15"), "iso8859_15"),  # € is 0xA4, Œ 0xBC
    ],
)
def test_read_table_decodes_each_encoding(tmp_path, data, encoding):
    raw = read_table(_write(tmp_path, "export.csv", data))
    assert raw.encoding == encoding
    assert list(raw.frame.columns) == ["Client", "Montant", "Date"]  # no BOM left on "Client"
    assert raw.frame["Client"].tolist() == ["Café €", "Œuvre"]


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        ("é€".encode("cp1252"), "é€", "cp1252"),  # b"\xe9\x80"
        ("é€".encode("iso8859_15"), "é€", "iso8859_15"),  # b"\xe9\xa4"
        ("Réglé".encode("cp1252"), "Réglé", "cp1252"),  # é is 0xE9 in both: cp1252 is the default
        ("Sœur".encode("cp1252"), "Sœur", "cp1252"),  # œ is 0x9C in cp1252
        ("Sœur".encode("iso8859_15"), "Sœur", "iso8859_15"),  # œ is 0xBD in ISO-8859-15
        ("Réglé".encode(), "Réglé", "utf-8"),
    ],
)
def test_decode_bytes_tells_cp1252_from_iso8859_15(data, text, encoding):
    assert decode_bytes(data, "f.csv") == (text, encoding)


def test_decode_bytes_refuses_binary_content():
    with pytest.raises(LedgerError) as error:
        decode_bytes(b"\x00\x01\x02\x00\x00\x00\xff\x00\x10\x00\x00", "photo.csv")
    assert error.value.key == "parse.binary_file"
    assert "photo.csv" in error.value.message("fr")


# ---------------------------------------------------------------------------------------------
# Delimiters, quotes, line ends
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [";", ",", "\t", "|"])
def test_read_table_sniffs_each_delimiter_and_respects_quotes(tmp_path, delimiter):
    d = delimiter
    text = f'Client{d}Nom{d}Montant\nC1{d}"Dupont{d} Fils"{d}10\nC2{d}Martin{d}20\n'
    raw = read_table(_write(tmp_path, "export.csv", text.encode()))
    assert raw.delimiter == delimiter
    # The quoted delimiter stays inside the name: three columns, not four.
    assert raw.frame.values.tolist() == [["C1", f"Dupont{d} Fils", "10"], ["C2", "Martin", "20"]]


def test_sniff_delimiter_reads_a_french_file_with_decimal_commas_as_semicolons():
    # Splitting on "," gives 1 field on the header and 3 on each data row; ";" gives 3 everywhere.
    text = "Client;Montant;TVA\nA;1234,56;246,91\nB;12,00;2,40\nC;3,5;0,70\n"
    assert sniff_delimiter(text) == ";"


def test_sniff_delimiter_ignores_commas_inside_quotes():
    # Quoted "Dupont, Fils" would add a comma field on a naive split; the csv reader keeps it whole.
    text = 'id,name,amount\n1,"Dupont, Fils",10\n2,"A; B",20\n'
    assert sniff_delimiter(text) == ","


@pytest.mark.parametrize(("line_end", "name"), [("\n", "LF"), ("\r\n", "CRLF"), ("\r", "CR")])
def test_read_table_reads_each_line_end_with_the_same_row_numbers(tmp_path, line_end, name):
    text = line_end.join(["Client;Montant", "A;1", "", "B;2"]) + line_end
    raw = read_table(_write(tmp_path, f"{name}.csv", text.encode()))
    assert raw.frame.values.tolist() == [["A", "1"], ["B", "2"]]
    # Header line 1, A line 2, blank line 3 dropped, B line 4.
    assert [raw.row_number(i) for i in raw.frame.index] == [2, 4]


def test_read_table_numbers_a_bad_value_on_the_third_data_line_as_row_four(tmp_path):
    path = _write(tmp_path, "factures.csv", b"Facture;Montant\nF1;10,00\nF2;20,00\nF3;abc\nF4;40,00\n")
    raw = read_table(path)
    parsed = parse_amounts(raw.frame["Montant"])
    # Line 1 header, F1 line 2, F2 line 3, F3 (the 3rd data line) line 4.
    assert [raw.row_number(i) for i in parsed.bad[parsed.bad].index] == [4]


def test_read_table_skips_title_lines_and_follows_multiline_quoted_values(tmp_path):
    text = 'Balance âgée au 31/12/2025\n\nClient,Commentaire\nA,ok\n\nB,"deux\nlignes"\nC,fin\n'
    raw = read_table(_write(tmp_path, "balance.csv", text.encode()))
    assert list(raw.frame.columns) == ["Client", "Commentaire"]
    assert raw.first_row == 4  # title line 1, blank line 2, header line 3
    # A on line 4, blank line 5, B on lines 6-7 (quoted line break), C on line 8.
    assert [raw.row_number(i) for i in raw.frame.index] == [4, 6, 8]
    assert raw.frame["Commentaire"].tolist() == ["ok", "deux\nlignes", "fin"]


@pytest.mark.parametrize(
    ("text", "rows"),
    [
        # No blank line: the pyarrow reader. A on line 2, B on lines 3-4, C on line 5.
        ('Client,Note\nA,ok\nB,"deux\nlignes"\nC,fin\n', [2, 3, 5]),
        # A blank line (pandas reader): A line 2, blank 3, B lines 4-5, C line 6.
        ('Client,Note\nA,ok\n\nB,"deux\nlignes"\nC,fin\n', [2, 4, 6]),
        # A short row (pandas reader, padding it): A line 2, B lines 3-5 (two breaks), C line 6.
        ('Client,Note,Extra\nA,ok,1\nB,"trois\nlignes\nici",2\nC\n', [2, 3, 6]),
    ],
)
def test_read_table_row_numbers_follow_quoted_line_breaks_with_either_parser(tmp_path, text, rows):
    raw = read_table(_write(tmp_path, "notes.csv", text.encode()))
    assert raw.frame["Client"].tolist() == ["A", "B", "C"]
    assert [raw.row_number(i) for i in raw.frame.index] == rows


def test_read_table_keeps_every_cell_a_stripped_str(tmp_path):
    raw = read_table(_write(tmp_path, "e.csv", b"a;b;c\n 1 ;;\n2;x\n"))
    # Short row "2;x" is padded with "", padding spaces are stripped, nothing is NaN.
    assert raw.frame.values.tolist() == [["1", "", ""], ["2", "x", ""]]
    assert all(isinstance(v, str) for v in raw.frame.to_numpy().ravel())


def test_read_table_names_blank_and_repeated_headers_uniquely(tmp_path):
    raw = read_table(_write(tmp_path, "h.csv", b"Client;;Client;Montant;\nA;x;B;1;\n"))
    # Position 2 is blank -> col_2; the second Client -> Client_2; the trailing empty column
    # (blank header, no value) is dropped.
    assert list(raw.frame.columns) == ["Client", "col_2", "Client_2", "Montant"]
    assert raw.frame.values.tolist() == [["A", "x", "B", "1"]]


def test_read_table_reports_a_row_with_more_values_than_the_header(tmp_path):
    lines = ["Client;Montant;Date"] + [f"C{i:04d};{i},00;31/01/2025" for i in range(3000)] + ["X;1;2;3"]
    path = _write(tmp_path, "long.csv", ("\n".join(lines) + "\n").encode())
    with pytest.raises(LedgerError) as error:
        read_table(path)
    # Header line 1, 3000 data lines 2..3001, the four-value line is 3002.
    assert error.value.key == "parse.too_many_fields"
    assert error.value.params == {"file": "long.csv", "row": 3002, "expected": 3, "found": 4}


def test_read_table_reads_tab_separated_text_saved_as_xls(tmp_path):
    # Many ERPs "export to Excel" as tab-separated text under an .xls name.
    raw = read_table(_write(tmp_path, "export.xls", "Client\tMontant\nCafé\t12,50\n".encode("cp1252")))
    assert (raw.delimiter, raw.encoding, raw.sheet) == ("\t", "cp1252", None)
    assert raw.frame.values.tolist() == [["Café", "12,50"]]


def test_read_text_lines_decodes_and_normalises_line_ends(tmp_path):
    path = _write(tmp_path, "FEC.txt", codecs.BOM_UTF8 + "JournalCode|EcritureLib\r\nVE|Facture été\r\n".encode())
    assert read_text_lines(path) == ("JournalCode|EcritureLib\nVE|Facture été\n", "utf-8-sig")


@pytest.mark.parametrize(
    ("name", "data", "key"),
    [
        ("ledger.pdf", b"%PDF-1.4", "parse.unsupported_format"),
        ("ledger.csv", b"", "parse.empty_file"),
        ("ledger.csv", b"1\n2\n3\n", "parse.no_header"),  # one column of numbers: no header row
        ("ledger.csv", b"\n\n  \n", "parse.no_header"),
        ("ledger.xls", b"<html><body><table><tr><td>1</td></tr></table></body></html>", "parse.markup_export"),
        ("ledger.xlsx", b"PK\x03\x04not really a zip", "parse.unreadable_workbook"),
        ("ledger.parquet", b"PAR1 truncated", "parse.unreadable_parquet"),
    ],
)
def test_read_table_refuses_unreadable_files_with_a_message_naming_the_file(tmp_path, name, data, key):
    with pytest.raises(LedgerError) as error:
        read_table(_write(tmp_path, name, data))
    assert error.value.key == key
    assert name in error.value.message("en")
    assert name in error.value.message("fr")


def test_read_table_names_the_file_as_the_user_gave_it(tmp_path):
    path = _write(tmp_path, "upload-3f9a.tmp", b"")
    with pytest.raises(LedgerError) as error:
        read_table(path, file_name="Grand livre.csv")
    assert error.value.key == "parse.empty_file"
    assert error.value.params["file"] == "Grand livre.csv"


def test_read_table_refuses_a_missing_file(tmp_path):
    with pytest.raises(LedgerError) as error:
        read_table(tmp_path / "absent.csv")
    assert error.value.key == "parse.file_not_found"


# ---------------------------------------------------------------------------------------------
# Spreadsheets
# ---------------------------------------------------------------------------------------------


def _workbook(path):
    """Sheet 1 empty; sheet 2 'Factures' with a merged title, a blank row, then the table."""
    book = xlsxwriter.Workbook(path)
    book.add_worksheet("Vide")
    sheet = book.add_worksheet("Factures")
    date, stamp = book.add_format({"num_format": "dd/mm/yyyy"}), book.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    sheet.merge_range("A1:F1", "Balance âgée au 31/01/2025", book.add_format({"bold": True}))  # row 1
    sheet.write_row("A3", ["Client", "Date", "Montant", "Payé", "Saisie", "Note"])  # row 2 blank, header row 3
    sheet.write("A4", "C001")
    sheet.write_datetime("B4", dt.datetime(2025, 1, 31), date)
    sheet.write_number("C4", 1234.56)
    sheet.write_boolean("D4", True)
    sheet.write_datetime("E4", dt.datetime(2025, 1, 31, 14, 30), stamp)
    sheet.write("F4", "  à revoir ")
    sheet.write_row("A5", ["C002", "31/01/2025", 12.0, False])  # a date typed as text, a whole float
    sheet.write_row("A7", ["C003", None, 0.1 + 0.2])  # row 6 blank; 0.30000000000000004 in binary
    clients = book.add_worksheet("Clients")
    clients.write_row("A1", ["Code", "Nom"])
    clients.write_row("A2", ["C001", "Café des Arts"])
    book.close()
    return path


def test_read_table_finds_the_header_below_a_merged_title_in_the_first_non_empty_sheet(tmp_path):
    raw = read_table(_workbook(tmp_path / "balance.xlsx"))
    assert raw.sheet == "Factures"  # "Vide" holds nothing
    assert list(raw.frame.columns) == ["Client", "Date", "Montant", "Payé", "Saisie", "Note"]
    assert raw.first_row == 4  # header on spreadsheet row 3
    assert raw.frame.values.tolist() == [
        ["C001", "2025-01-31", "1234.56", "true", "2025-01-31 14:30:00", "à revoir"],
        ["C002", "31/01/2025", "12", "false", "", ""],
        ["C003", "", "0.3", "", "", ""],
    ]
    # C001 on row 4, C002 on row 5, row 6 blank, C003 on row 7.
    assert [raw.row_number(i) for i in raw.frame.index] == [4, 5, 7]


def test_read_table_reads_the_named_sheet(tmp_path):
    raw = read_table(_workbook(tmp_path / "balance.xlsx"), sheet="Clients")
    assert raw.sheet == "Clients"
    assert raw.first_row == 2
    assert raw.frame.values.tolist() == [["C001", "Café des Arts"]]


def test_read_table_lists_the_sheets_when_the_named_one_is_missing(tmp_path):
    with pytest.raises(LedgerError) as error:
        read_table(_workbook(tmp_path / "balance.xlsx"), sheet="Feuil1")
    assert error.value.key == "parse.unknown_sheet"
    assert error.value.params["sheets"] == "Vide, Factures, Clients"
    assert "Feuil1" in error.value.message("fr")


def test_read_table_skips_a_key_value_block_narrower_than_the_table(tmp_path):
    path = tmp_path / "aged.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet()
    sheet.write_row("A1", ["Société", "ACME SA"])  # two text cells, but the table is 5 wide
    sheet.write_row("A2", ["Édité le", "31/01/2025"])
    sheet.write_row("A4", ["Client", "Facture", "Date", "Échéance", "Solde"])
    sheet.write_row("A5", ["C1", "F1", "2025-01-02", "2025-02-01", 100])
    book.close()
    raw = read_table(path)
    assert list(raw.frame.columns) == ["Client", "Facture", "Date", "Échéance", "Solde"]
    assert raw.first_row == 5


def test_read_table_refuses_a_workbook_whose_sheets_are_all_empty(tmp_path):
    path = tmp_path / "vide.xlsx"
    book = xlsxwriter.Workbook(path)
    book.add_worksheet("A")
    book.add_worksheet("B")
    book.close()
    with pytest.raises(LedgerError) as error:
        read_table(path)
    assert error.value.key == "parse.empty_workbook"


_ODS_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet><table:table table:name="Feuille1">
<table:table-row><table:table-cell office:value-type="string"><text:p>Titre</text:p></table:table-cell></table:table-row>
<table:table-row>
 <table:table-cell office:value-type="string"><text:p>Client</text:p></table:table-cell>
 <table:table-cell office:value-type="string"><text:p>Date</text:p></table:table-cell>
 <table:table-cell office:value-type="string"><text:p>Montant</text:p></table:table-cell>
</table:table-row>
<table:table-row>
 <table:table-cell office:value-type="string"><text:p>Café</text:p></table:table-cell>
 <table:table-cell office:value-type="date" office:date-value="2025-01-31"><text:p>31/01/2025</text:p></table:table-cell>
 <table:table-cell office:value-type="float" office:value="1234.5"><text:p>1 234,50</text:p></table:table-cell>
</table:table-row>
</table:table></office:spreadsheet></office:body></office:document-content>"""
_ODS_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"""


def test_read_table_reads_an_opendocument_spreadsheet(tmp_path):
    # A minimal ODF package as LibreOffice writes it: "mimetype" first and stored, then the XML.
    path = tmp_path / "balance.ods"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        package.writestr("META-INF/manifest.xml", _ODS_MANIFEST, compress_type=zipfile.ZIP_DEFLATED)
        # LibreOffice writes no whitespace between elements, and calamine expects none.
        package.writestr("content.xml", re.sub(r">\s+<", "><", _ODS_CONTENT), compress_type=zipfile.ZIP_DEFLATED)
    raw = read_table(path)
    assert raw.sheet == "Feuille1"
    assert raw.first_row == 3  # title row 1, header row 2
    assert raw.frame.values.tolist() == [["Café", "2025-01-31", "1234.5"]]


# ---------------------------------------------------------------------------------------------
# Parquet
# ---------------------------------------------------------------------------------------------


def test_read_table_writes_parquet_values_as_the_text_reader_would(tmp_path):
    table = pa.table(
        {
            "Client": ["C1", None],
            "Date": pa.array([dt.date(2025, 1, 31), None], pa.date32()),
            "Saisie": pa.array([dt.datetime(2025, 1, 31), dt.datetime(2025, 2, 1, 9, 5, 7)], pa.timestamp("ns")),
            "Montant": [1234.56, 12.0],
            "Lignes": pa.array([3, None], pa.int64()),
            "Exact": pa.array([Decimal("10.50"), Decimal("-1.00")], pa.decimal128(9, 2)),
            "Payé": [True, False],
            "Devise": pa.array(["EUR", "EUR"]).dictionary_encode(),
        }
    )
    pq.write_table(table, tmp_path / "ledger.parquet")
    raw = read_table(tmp_path / "ledger.parquet")
    assert raw.first_row == 2
    # Midnight timestamps lose their time; whole floats lose ".0"; nulls become "".
    assert raw.frame.values.tolist() == [
        ["C1", "2025-01-31", "2025-01-31", "1234.56", "3", "10.50", "true", "EUR"],
        ["", "", "2025-02-01 09:05:07", "12", "", "-1.00", "false", "EUR"],
    ]


# ---------------------------------------------------------------------------------------------
# Header helpers
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([["Client", "Montant"], ["A", "1"]], 0),
        ([["Balance", ""], ["", ""], ["Client", "Montant"]], 2),  # title, blank, header
        ([["2025", "1 234,56"], ["Client", "Montant"]], 1),  # numbers are not column names
        ([["Client", "31/01/2025", "12,00"], ["Client", "Date", "Montant"]], 1),  # mostly values
        ([["1", "2"], ["3", "4"]], None),
    ],
)
def test_header_index_finds_the_first_row_of_column_names(rows, expected):
    assert header_index(rows) == expected


def test_unique_headers_strips_and_numbers_repeats():
    # Blank 3rd header -> col_3; "Montant" repeated -> Montant_2, then Montant_3.
    assert unique_headers([" Client ", "Montant", "", "Montant", "Montant"]) == [
        "Client",
        "Montant",
        "col_3",
        "Montant_2",
        "Montant_3",
    ]


def test_read_table_ignores_blank_lines_at_the_end(tmp_path):
    raw = read_table(_write(tmp_path, "fin.csv", b"Client;Montant\nA;1\nB;2\n\n\n\n"))
    # A on line 2, B on line 3; the three blank lines after them make no rows.
    assert raw.frame.values.tolist() == [["A", "1"], ["B", "2"]]
    assert [raw.row_number(i) for i in raw.frame.index] == [2, 3]
