"""Client names that are formulas, HTML or Markdown come out literally: board report (XLSX, HTML),
dunning letters (PDF) and the CLI's CSV files, which are the UI's (riskcore.reporting.exports)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest
from builders import inv, write_rows
from pypdf import PdfReader

from riskcore import cli
from riskcore.credit.table import score_table
from riskcore.dunning import letters, pdf
from riskcore.receivables import legal
from riskcore.reporting import board, exports

AS_OF = dt.date(2025, 3, 15)
FORMULA = '=HYPERLINK("http://x","y")'
SCRIPT = "<script>alert(1)</script>"
BOLD = "**x**"
LINK = "[a](javascript:alert(1))"


@pytest.fixture
def ledger(store):
    """C1..C4 each owe one invoice of 1 000 due 31/01/2025 (43 days past due on 15/03: 31-60 days);
    C1 also has F5, 93 959,14 due 31/03 (not due), and C2 a credit note of -300 (unapplied credit)."""
    invoices = [
        inv(f"F{i}", dt.date(2025, 1, 1), dt.date(2025, 1, 31), 1000.0, client_id=f"C{i}") for i in range(1, 5)
    ] + [
        inv("F5", dt.date(2025, 3, 1), dt.date(2025, 3, 31), 93959.14, client_id="C1"),
        inv("AV1", dt.date(2025, 3, 1), dt.date(2025, 3, 1), -300.0, client_id="C2"),
    ]
    clients = [
        {"client_id": "C1", "name": FORMULA},
        {"client_id": "C2", "name": SCRIPT},
        {"client_id": "C3", "name": BOLD},
        {"client_id": "C4", "name": LINK},
    ]
    write_rows(store, invoices, [], clients)
    return store


def test_the_xlsx_board_report_writes_a_formula_name_as_text_and_amounts_as_euros(ledger, tmp_path):
    out = board.board_report(ledger, AS_OF, tmp_path / "report.xlsx", "en")
    sheet = openpyxl.load_workbook(out)["Clients"]
    header = [c.value for c in sheet[1]]
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    name, balance = header.index("Name"), header.index("Balance")
    assert rows["C1"][name].data_type == "s" and rows["C1"][name].value == "'" + FORMULA  # not a live formula
    assert rows["C2"][name].value == SCRIPT and rows["C3"][name].value == BOLD and rows["C4"][name].value == LINK
    # C1: 1 000 + 93 959,14 = 94 959,14, a number in euros to the cent
    assert rows["C1"][balance].data_type == "n" and rows["C1"][balance].value == 94959.14
    assert "€" in rows["C1"][balance].number_format
    # C2: 1 000 - 300 = 700
    assert rows["C2"][balance].value == 700
    kpis = {r[0].value: r[1] for r in openpyxl.load_workbook(out)["Key figures"].iter_rows(min_row=2)}
    # outstanding 4 000 + 93 959,14 - 300 = 97 659,14; overdue rate a percentage
    assert kpis["Total outstanding"].value == 97659.14 and "€" in kpis["Total outstanding"].number_format
    assert kpis["Overdue rate"].number_format.endswith("%")


def test_the_html_board_report_shows_html_and_markdown_names_as_text(ledger, tmp_path):
    html = board.board_report(ledger, AS_OF, tmp_path / "report.html", "en").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and SCRIPT not in html
    assert "=HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)" in html
    assert f'">{BOLD}</td>' in html and f'">{LINK}</td>' in html  # plain text in HTML: no Markdown there


def test_a_dunning_letter_prints_the_debtor_name_as_written(ledger):
    for client_id, name in (("C2", SCRIPT), ("C3", BOLD), ("C4", LINK)):
        letter = letters.letter_for(ledger.cursor(), client_id, "reminder_letter", AS_OF)
        reader = PdfReader(io.BytesIO(pdf.render(letter)))
        text = " ".join(page.extract_text() for page in reader.pages)
        assert name in text


def _rows(path, lang) -> list[list[str]]:
    sep, _ = exports.csv_convention(lang)
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline=""), delimiter=sep))


def test_legal_table_csv_in_french_has_semicolons_decimal_commas_and_is_the_export_of_the_table(ledger, tmp_path):
    table = legal.d441_6_table(ledger.cursor(), AS_OF)
    path = str(ledger.path)
    ledger.close()  # the CLI opens the workspace itself
    out = tmp_path / "d441.csv"
    assert cli.main(["--lang", "fr", "legal-table", "--db", path, "--as-of", str(AS_OF), "--csv", str(out)]) == 0
    assert out.read_bytes() == exports.csv_bytes(table, "fr")  # the same function as the UI's downloads
    rows = {r[0]: r for r in _rows(out, "fr")}
    # 31-60 days: the four invoices of 1 000 (the credit note and F5 are not overdue)
    assert rows["d31_60"][1:3] == ["4", "4000,00"]


def test_score_csv_of_the_cli_is_the_export_of_the_score_table(ledger, tmp_path):
    expected = exports.csv_bytes(score_table(ledger, AS_OF, "en"), "en")
    path = str(ledger.path)
    ledger.close()
    out = tmp_path / "scores.csv"
    assert cli.main(["score", "--db", path, "--as-of", str(AS_OF), "--csv", str(out)]) == 0
    assert out.read_bytes() == expected
    table = pd.read_csv(out, encoding="utf-8-sig")
    # C1 owes 94 959,14: to the cent, not 94959.14000000001
    assert table.set_index("client_id").loc["C1", "outstanding"] == 94959.14
