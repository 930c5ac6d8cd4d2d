"""Figures that rest on due dates derived from payment terms say so on every page (issue 3 §5)."""

from __future__ import annotations

import pytest
from apptest_support import app, run, texts

from riskcore.access.auth import CLI_USER
from riskcore.ingest import import_files

NOTE = "Some due dates were assumed from payment terms"


def _import(store, tmp_path, header: str, row: str) -> None:
    path = tmp_path / "factures.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    assert import_files(store, [path], user=CLI_USER).ok


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/aging.py"])
def test_a_ledger_without_due_dates_carries_the_assumed_terms_note(empty_workspace, tmp_path, page):
    # no due date column: 01/09/2026 + 30 days (config default terms) = 01/10/2026, flagged as assumed
    _import(empty_workspace, tmp_path, "N° facture;Code client;Date facture;Montant TTC", "F1;C1;01/09/2026;1200,00")
    at = app()
    run(at)
    at.switch_page(page)
    run(at)
    assert any(NOTE in text for text in texts(at))


def test_a_ledger_with_its_own_due_dates_has_no_such_note(empty_workspace, tmp_path):
    _import(
        empty_workspace,
        tmp_path,
        "N° facture;Code client;Date facture;Échéance;Montant TTC",
        "F1;C1;01/09/2026;30/09/2026;1200,00",
    )
    at = run(app())
    assert at.title[0].value == "Overview"
    assert not any(NOTE in text for text in texts(at))
