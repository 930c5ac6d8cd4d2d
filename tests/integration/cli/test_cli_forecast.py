"""`encours forecast` (issue 15 scope 6-7): the weekly cash-in forecast as text, JSON and CSV, and its backtest."""

from __future__ import annotations

import csv
import json

import pytest
from cli_support import encours


@pytest.fixture(scope="module")
def forecast(db):
    done = encours("forecast", "--db", db, "--weeks", "6", "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_json_has_one_row_per_week_and_the_totals_add_up(forecast):
    weekly = forecast["weekly"]
    assert [w["week"] for w in weekly] == [1, 2, 3, 4, 5, 6]
    for w in weekly:
        assert w["low"] <= w["expected"] <= w["high"]
    summary = forecast["summary"]
    # every open euro is expected within the 6 weeks, later (or never), or shown apart
    parts = summary["expected_in_horizon"] + summary["beyond_horizon"] + summary["apart_amount"]
    assert parts == pytest.approx(summary["open_amount"], abs=0.05)
    assert sum(w["expected"] for w in weekly) == pytest.approx(summary["expected_in_horizon"], abs=0.05)


def test_the_csv_follows_the_french_convention(db, tmp_path):
    out = tmp_path / "forecast.csv"
    done = encours("forecast", "--db", db, "--weeks", "4", "--csv", str(out), lang="fr")
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert len(rows) == 1 + 4  # a header and four weeks
    # the same seeded forecast as JSON: week 1's expected amount, written with a decimal comma
    week1 = json.loads(encours("forecast", "--db", db, "--weeks", "4", "--json").stdout)["weekly"][0]["expected"]
    cell = rows[1][rows[0].index("expected")]
    assert "," in cell and float(cell.replace(",", ".")) == pytest.approx(week1, abs=0.005)


def test_the_backtest_compares_with_the_naive_forecast(db):
    done = encours("forecast", "--db", db, "--backtest", "--origins", "2", "--weeks", "4", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert set(result["wape_1_4"]) == {"model", "naive"}
    assert 0 <= result["coverage"] <= 1
    text = encours("forecast", "--db", db, "--backtest", "--origins", "2", "--weeks", "4")
    assert text.returncode == 0 and text.stdout.startswith("Forecast backtest")


def test_a_bad_horizon_is_one_line(db):
    done = encours("forecast", "--db", db, "--weeks", "500")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_command_has_a_help_page(lang):
    from riskcore.cli import build_parser

    done = encours("--help", lang=lang)
    assert done.returncode == 0 and "forecast" in done.stdout, done.stderr
    commands = build_parser()._subparsers._group_actions[0].choices  # every subcommand, users' own included
    for name in commands:
        page = encours(name, "--help", lang=lang)
        assert page.returncode == 0 and "Traceback" not in page.stderr, (name, page.stderr)
