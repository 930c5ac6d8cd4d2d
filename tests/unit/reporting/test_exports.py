"""Exports a finance team can open: formulas neutralised, numbers kept as numbers, cents, typed cells.

Every file is read back as a spreadsheet or a script would: XLSX with openpyxl, CSV with the csv module.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest

from riskcore.reporting import exports

HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "+33 1 23",
    "-x",
    "@SUM(A1)",
    "\tcmd",
    "\rcmd",
]


def book(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def csv_rows(data: bytes, lang: str) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8 accents
    sep, _ = exports.csv_convention(lang)
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=sep))


@pytest.mark.parametrize("name", HOSTILE)
def test_a_client_name_a_spreadsheet_would_run_comes_back_as_text_with_a_quote(name):
    frame = pd.DataFrame({"client_id": ["C1"], "name": [name]})
    cell = book(exports.xlsx_bytes(frame, "Clients", "en")).active["B2"]
    assert cell.data_type == "s"  # a string cell: Excel shows it, never evaluates it
    # a carriage return is stored as OOXML's `_x000D_` (Excel shows a CR; openpyxl reads the escape as is)
    assert cell.value == "'" + name.replace("\r", "_x000D_")
    for lang in ("fr", "en"):
        assert csv_rows(exports.csv_bytes(frame, lang), lang)[1] == ["C1", "'" + name]


def test_a_formula_in_a_column_of_amounts_is_text_and_the_amounts_beside_it_numbers():
    frame = pd.DataFrame({"balance": [-300.0, "=1+1"]})
    sheet = book(exports.xlsx_bytes(frame, "s", "en")).active
    assert (sheet["A2"].data_type, sheet["A2"].value) == ("n", -300)
    assert (sheet["A3"].data_type, sheet["A3"].value) == ("s", "'=1+1")


def test_harmless_text_is_written_as_it_is():
    frame = pd.DataFrame({"name": ["Dupont & Fils", "C-1 SARL", "Éric 100 %", "a=b"]})
    sheet = book(exports.xlsx_bytes(frame, "s", "fr")).active
    assert [sheet.cell(r, 1).value for r in range(2, 6)] == ["Dupont & Fils", "C-1 SARL", "Éric 100 %", "a=b"]


def test_a_credit_note_stays_a_negative_number_in_both_files():
    frame = pd.DataFrame({"client_id": ["C1"], "balance": [-300.0]})
    cell = book(exports.xlsx_bytes(frame, "s", "fr")).active["B2"]
    assert cell.data_type == "n" and cell.value == -300
    # an amount column has its cents: -300,00 in French, -300.00 in English, no leading quote
    assert csv_rows(exports.csv_bytes(frame, "fr"), "fr")[1] == ["C1", "-300,00"]
    assert csv_rows(exports.csv_bytes(frame, "en"), "en")[1] == ["C1", "-300.00"]


def test_amounts_are_rounded_to_the_cent_without_float_noise():
    # 93959.14000000001 is what a sum of floats gives for 93 959,14 €: the file says 93959.14
    frame = pd.DataFrame({"balance": [93959.14000000001, 0.1 + 0.2, 1234.567, -0.001]})
    sheet = book(exports.xlsx_bytes(frame, "s", "en")).active
    # 0.1 + 0.2 = 0.30000000000000004 -> 0.3; 1234.567 -> 1234.57; -0.001 -> 0 (no "-0.00")
    assert [sheet.cell(r, 1).value for r in range(2, 6)] == [93959.14, 0.3, 1234.57, 0]
    rows = csv_rows(exports.csv_bytes(frame, "fr"), "fr")
    assert [r[0] for r in rows[1:]] == ["93959,14", "0,30", "1234,57", "0,00"]


def test_other_numbers_lose_only_the_binary_noise():
    frame = pd.DataFrame({"ratio": [0.1 + 0.2, 12.5], "invoices": [3, 12]})
    rows = csv_rows(exports.csv_bytes(frame, "fr"), "fr")
    assert rows[1:] == [["0,3", "3"], ["12,5", "12"]]


def test_xlsx_cells_carry_currency_percent_date_and_integer_formats():
    frame = pd.DataFrame(
        {
            "balance": [1500.0],
            "utilisation": [0.25],
            "due_date": [dt.date(2025, 12, 31)],
            "proposed_at": [dt.datetime(2025, 12, 31, 14, 5)],
            "invoices": [3],
        }
    )
    row = [c for c in book(exports.xlsx_bytes(frame, "s", "fr")).active[2]]
    balance, utilisation, due, proposed, invoices = row
    assert balance.value == 1500 and "€" in balance.number_format and "0.00" in balance.number_format
    assert utilisation.value == 0.25 and utilisation.number_format.endswith("%")
    assert due.is_date and due.value == dt.datetime(2025, 12, 31) and due.number_format == "dd/mm/yyyy"
    assert proposed.is_date and proposed.value == dt.datetime(2025, 12, 31, 14, 5)
    assert invoices.value == 3 and invoices.number_format == "#,##0"


def test_the_euro_sign_sits_where_each_language_writes_it():
    assert exports.currency_format("fr") == '#,##0.00" €"'  # 1 234,50 €
    assert exports.currency_format("en") == '"€"#,##0.00'  # €1,234.50


def test_csv_follows_the_reader_convention_with_dates_in_iso():
    frame = pd.DataFrame({"client_id": ["C1"], "balance": [1234.5], "due_date": [dt.date(2025, 12, 31)]})
    assert exports.csv_bytes(frame, "fr") == "\ufeffclient_id;balance;due_date\nC1;1234,50;2025-12-31\n".encode()
    assert exports.csv_bytes(frame, "en") == "\ufeffclient_id,balance,due_date\nC1,1234.50,2025-12-31\n".encode()


def test_headers_are_translated_and_missing_values_are_empty_cells():
    frame = pd.DataFrame({"client_id": ["C1"], "balance": [None], "due_date": [pd.NaT]})
    headers = {"client_id": "Client", "balance": "Solde", "due_date": "Échéance"}
    assert csv_rows(exports.csv_bytes(frame, "fr", headers=headers), "fr") == [
        ["Client", "Solde", "Échéance"],
        ["C1", "", ""],
    ]
    sheet = book(exports.xlsx_bytes(frame, "s", "fr", headers=headers)).active
    assert [c.value for c in sheet[1]] == ["Client", "Solde", "Échéance"]
    assert sheet["B2"].value is None and sheet["C2"].value is None


def test_a_column_of_mixed_figures_takes_one_kind_per_row():
    frame = pd.DataFrame({"indicator": ["Outstanding", "Overdue rate"], "value": [1500.004, 0.6667]})
    kinds = {"value": [exports.AMOUNT, exports.PCT]}
    sheet = book(exports.xlsx_bytes(frame, "s", "en", kinds=kinds)).active
    assert sheet["B2"].value == 1500 and "€" in sheet["B2"].number_format  # 1 500,004 -> 1 500,00
    assert sheet["B3"].value == 0.6667 and sheet["B3"].number_format.endswith("%")


def test_a_sheet_name_excel_would_refuse_is_made_acceptable():
    data = exports.xlsx_bytes(pd.DataFrame({"a": [1]}), "Limits [2025/12]: a name longer than 31 characters", "en")
    assert book(data).sheetnames == ["Limits  2025 12   a name longer"]
