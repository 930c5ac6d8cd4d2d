"""The board report carries the workspace's figures, in the user's language, as HTML and XLSX."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pandas as pd
import pytest

from riskcore.storage import schema
from riskcore.storage.store import write_frame

AS_OF = dt.date(2025, 3, 15)


@pytest.fixture
def ledger(store):
    # C1: F1 1 000 due 31/01 (43 days past due on 15/03: bucket 31-60), F2 500 due 31/03 (not due)
    # -> outstanding 1 500, overdue 1 000; D441-6: one invoice of 1 000 in 31-60 days
    with store.transaction() as cur:
        write_frame(cur, schema.CLIENTS, pd.DataFrame({"client_id": ["C1"], "name": ["Dupont SA"]}))
        write_frame(
            cur,
            schema.INVOICES,
            pd.DataFrame(
                {
                    "invoice_id": ["F1", "F2"],
                    "client_id": ["C1", "C1"],
                    "invoice_date": [dt.date(2025, 1, 1), dt.date(2025, 3, 1)],
                    "due_date": [dt.date(2025, 1, 31), dt.date(2025, 3, 31)],
                    "amount": [1000.0, 500.0],
                }
            ),
        )
    return store


def _report(store, out, lang) -> subprocess.CompletedProcess:
    path = str(store.path)
    store.close()  # the CLI opens the workspace file in its own process
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "riskcore",
            "--lang",
            lang,
            "report",
            "--db",
            path,
            "--as-of",
            str(AS_OF),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_html_report_in_french_shows_the_outstanding_and_the_d441_6_line(ledger, tmp_path):
    out = tmp_path / "rapport.html"
    result = _report(ledger, out, "fr")
    assert result.returncode == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert "rapport du poste clients au 15/03/2025" in html
    assert "1\u202f500,00\u00a0€" in html  # total outstanding
    assert "Dupont SA" in html
    # the D441-6 line: 31 to 60 days, 1 invoice, 1 000,00 €
    assert '31 à 60 jours</td><td class="n">1</td><td class="n">1\u202f000,00\u00a0€' in html


def test_xlsx_report_in_english_has_a_sheet_per_part_with_numbers(ledger, tmp_path):
    out = tmp_path / "report.xlsx"
    result = _report(ledger, out, "en")
    assert result.returncode == 0, result.stderr
    sheets = pd.read_excel(out, sheet_name=None, engine="calamine")
    assert set(sheets) == {"Key figures", "Aging balance", "Clients", "D441-6", "Notes"}
    kpis = sheets["Key figures"].set_index("Indicator")["Value"]
    assert kpis["Total outstanding"] == 1500
    assert kpis["Overdue"] == 1000
    d441 = sheets["D441-6"].set_index("Lateness")
    assert d441.loc["31 to 60 days", "Invoices"] == 1
    assert d441.loc["31 to 60 days", "Amount"] == 1000


def test_a_report_that_is_neither_html_nor_xlsx_is_refused_in_one_line(ledger, tmp_path):
    result = _report(ledger, tmp_path / "report.pdf", "en")
    assert result.returncode == 2
    assert result.stderr.strip() == f"the report must be an .html or .xlsx file: {tmp_path / 'report.pdf'}"
