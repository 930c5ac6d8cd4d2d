"""Table cells are formatted per language like riskcore.i18n, while their values stay numbers."""

from __future__ import annotations

import datetime as dt

import pytest

from riskcore.ui import fmt

NNBSP = "\u202f"  # babel's group separator in French


@pytest.mark.parametrize(
    ("lang", "decimals", "value", "shown"),
    [
        ("fr", 0, 1234567.4, f"1{NNBSP}234{NNBSP}567\xa0€"),
        ("fr", 2, -1234.5, f"-1{NNBSP}234,50\xa0€"),
        ("en", 0, 1234567.4, "€1,234,567"),
        ("en", 2, -1234.5, "-€1,234.50"),
        ("en", 0, -0.4, "€0"),  # rounds to zero: no minus sign
        ("fr", 0, None, ""),
        ("en", 0, float("nan"), ""),
    ],
)
def test_amount_cells_read_as_the_language_writes_money(lang, decimals, value, shown):
    assert fmt.amount(lang, decimals)(value) == shown


@pytest.mark.parametrize(
    ("lang", "value", "shown"),
    [("fr", 0.559, f"55,9{NNBSP}%"), ("en", 0.559, "55.9%"), ("fr", 1.5, f"150,0{NNBSP}%"), ("en", None, "")],
)
def test_share_cells_are_percentages(lang, value, shown):
    assert fmt.pct(lang)(value) == shown


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_date_cells_are_day_month_year_in_both_languages(lang):
    assert fmt.date(lang)(dt.date(2025, 12, 31)) == "31/12/2025"


def test_french_csv_exports_open_in_a_french_spreadsheet():
    import pandas as pd

    from riskcore.ui.tables import csv_bytes

    frame = pd.DataFrame({"Client": ["C1"], "Solde": [1234.5]})
    # BOM for Excel, `;` between fields and a decimal comma, as a French spreadsheet expects.
    assert csv_bytes(frame, "fr") == "\ufeffClient;Solde\nC1;1234,5\n".encode()
    assert csv_bytes(frame, "en") == "\ufeffClient,Solde\nC1,1234.5\n".encode()


def test_excel_exports_read_back_with_their_headers_and_numbers(tmp_path):
    import pandas as pd

    from riskcore.ui.tables import xlsx_bytes

    frame = pd.DataFrame({"Client": ["C1", "C2"], "Balance": [1234.5, -20.0]})
    path = tmp_path / "limits.xlsx"
    path.write_bytes(xlsx_bytes(frame, "a sheet name longer than thirty-one characters"))
    back = pd.read_excel(path, engine="calamine")
    assert list(back.columns) == ["Client", "Balance"]
    assert back["Balance"].tolist() == [1234.5, -20.0]
