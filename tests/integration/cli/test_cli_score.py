"""`python -m riskcore score` and `evaluate` (issue 5 §5–6, DESIGN.md CLI table) on a real workspace."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from riskcore import cli
from riskcore.credit.table import TABLE_COLUMNS


def test_score_json_has_one_row_per_client_with_the_design_columns(db, capsys):
    assert cli.main(["score", "--db", db, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 60  # the demo's 60 clients, none of them cash takings
    assert list(rows[0]) == TABLE_COLUMNS
    assert all(isinstance(r["reasons"], str) and r["reasons"] for r in rows)
    assert [r["score"] for r in rows] == sorted(r["score"] for r in rows)  # riskiest first
    # a client without a credit limit has null, which JSON can carry (NaN it cannot)
    assert all(r["credit_limit"] is None or isinstance(r["credit_limit"], float) for r in rows)


def test_score_speaks_the_language_asked(db, capsys):
    cli.main(["--lang", "fr", "score", "--db", db, "--json"])
    french = " ".join(r["reasons"] for r in json.loads(capsys.readouterr().out))
    assert "jours" in french and " days " not in french


def test_score_csv_writes_the_table(db, tmp_path, capsys):
    out = tmp_path / "scores.csv"
    assert cli.main(["score", "--db", db, "--as-of", "2026-06-30", "--csv", str(out)]) == 0
    table = pd.read_csv(out)
    assert list(table.columns) == TABLE_COLUMNS
    assert len(table) == 60
    assert str(out) in capsys.readouterr().out


def test_evaluate_json_prints_the_metrics_and_both_base_rates(db, capsys):
    assert cli.main(["evaluate", "--db", db, "--split-date", "2026-03-01", "--json"]) == 0
    captured = capsys.readouterr()
    result = json.loads(captured.out)
    for key in ("auc", "brier", "accuracy", "n_train", "n_test", "base_rate_train", "base_rate_test"):
        assert key in result
    assert 0 < result["base_rate_train"] < 1 and 0 < result["base_rate_test"] < 1


def test_evaluate_warns_on_stderr_when_a_side_is_too_small(db, capsys):
    # a split 10 days before the end: invoices issued since are not yet due + 30 days, so none to test
    assert cli.main(["evaluate", "--db", db, "--split-date", "2026-10-21"]) == 0
    captured = capsys.readouterr()
    assert "n_test: 0" in captured.out
    assert "base_rate_train:" in captured.out and "base_rate_test:" in captured.out
    assert "the test set holds 0 invoices, fewer than 50" in captured.err
    assert "the test set holds no invoice paid late" in captured.err


def test_late_days_changes_the_target(db, capsys):
    cli.main(["evaluate", "--db", db, "--split-date", "2026-03-01", "--late-days", "0", "--json"])
    any_late = json.loads(capsys.readouterr().out)["base_rate_test"]
    cli.main(["evaluate", "--db", db, "--split-date", "2026-03-01", "--late-days", "60", "--json"])
    very_late = json.loads(capsys.readouterr().out)["base_rate_test"]
    assert any_late > very_late  # more invoices are a day late than 60 days late


def test_score_on_an_empty_workspace_is_a_one_line_error(tmp_path, capsys):
    assert cli.main(["score", "--db", str(tmp_path / "empty.duckdb"), "--json"]) == 2
    assert capsys.readouterr().err.strip().count("\n") == 0


NOTE_EN = "Some due dates were assumed from payment terms"


@pytest.fixture(scope="module")
def no_due_dates(tmp_path_factory):
    """A ledger whose export has no due date column (as a FEC): due = invoice date + 30 days of default terms."""
    folder = tmp_path_factory.mktemp("terms")
    invoices = folder / "factures.csv"
    rows = [f"F{i};C{i % 3};{1 + i:02d}/0{1 + i % 6}/2026;{100 * (i + 1)},00" for i in range(12)]
    invoices.write_text("N° facture;Code client;Date facture;Montant TTC\n" + "\n".join(rows) + "\n", encoding="utf-8")
    path = folder / "workspace.duckdb"
    assert cli.main(["import", str(invoices), "--db", str(path)]) == 0
    return str(path)


def test_score_says_on_stderr_when_days_late_rest_on_assumed_due_dates(no_due_dates, capsys):
    assert cli.main(["score", "--db", no_due_dates, "--json"]) == 0
    captured = capsys.readouterr()
    assert len(json.loads(captured.out)) == 3  # stdout stays pure JSON: clients C0, C1, C2
    assert NOTE_EN in captured.err
    cli.main(["--lang", "fr", "score", "--db", no_due_dates, "--json"])
    assert "Certaines échéances ont été déduites des délais de paiement" in capsys.readouterr().err


def test_evaluate_says_it_too_and_a_ledger_with_its_own_due_dates_does_not(no_due_dates, db, capsys):
    cli.main(["evaluate", "--db", no_due_dates, "--split-date", "2026-04-01", "--json"])
    assert NOTE_EN in capsys.readouterr().err
    cli.main(["score", "--db", db, "--json"])  # the demo carries its due dates
    cli.main(["evaluate", "--db", db, "--split-date", "2026-03-01", "--json"])
    assert NOTE_EN not in capsys.readouterr().err
