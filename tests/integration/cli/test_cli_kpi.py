"""`python -m riskcore kpi` and `legal-table`: every DESIGN.md key, a readable table, exit codes."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from design_contract import DESIGN_KEYS

from riskcore import demo
from riskcore.receivables import kpi, legal
from riskcore.storage.store import Store, last_date, write_ledger

ROOT = Path(__file__).resolve().parents[3]
YEAR_END = dt.date(2025, 12, 31)


def run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "ENCOURS_LANG": "en"}
    env.pop("ENCOURS_DEBUG", None)
    env.pop("ENCOURS_CONFIG", None)
    return subprocess.run(
        [sys.executable, "-m", "riskcore", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """A demo workspace file and what the core computes on it, closed so that the CLI can open it."""
    path = tmp_path_factory.mktemp("cli") / "w.duckdb"
    store = Store(path)
    frames = demo.generate(seed=5, clients=30, years=1)
    with store.transaction() as cur:
        write_ledger(cur, frames)
    con = store.cursor()
    as_of = last_date(con)
    expected = {"snapshot": kpi.snapshot(con, as_of), "d441_6": legal.d441_6_table(con, YEAR_END)}
    store.close()
    return path, expected


def test_kpi_json_prints_every_design_key_as_computed_by_the_core(workspace):
    path, expected = workspace
    done = run("kpi", "--db", str(path), "--json")
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    assert set(DESIGN_KEYS) <= set(printed)
    assert set(printed["aging"]) == {"not_due", "d1_30", "d31_60", "d61_90", "d91_plus"}
    snap = expected["snapshot"]
    assert printed["as_of"] == snap["as_of"].isoformat()  # the last date in the data
    for key in DESIGN_KEYS[1:]:
        assert printed[key] == snap[key], key


def test_kpi_json_at_a_given_date(workspace):
    path, _ = workspace
    done = run("kpi", "--db", str(path), "--as-of", "2026-03-31", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["as_of"] == "2026-03-31"


@pytest.mark.parametrize(
    ("lang", "texts"),
    [("en", ["Total outstanding", "DSO (countback)", "91 days and more"]), ("fr", ["Encours total", "Taux d'échu"])],
)
def test_kpi_without_json_prints_a_readable_table_in_the_language(workspace, lang, texts):
    path, expected = workspace
    done = run("--lang", lang, "kpi", "--db", str(path))
    assert done.returncode == 0, done.stderr
    for text in texts:
        assert text in done.stdout
    if lang == "fr":
        # French number format: narrow no-break or no-break space between thousands, decimal comma, € after
        whole, cents = f"{expected['snapshot']['total_outstanding']:.2f}".split(".")
        assert f",{cents}\xa0€" in done.stdout
        assert whole[-3:] in done.stdout


def test_kpi_on_an_empty_workspace_exits_2_with_one_line(tmp_path):
    done = run("kpi", "--db", str(tmp_path / "empty.duckdb"), "--json")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_legal_table_json_carries_brackets_basis_and_disputed_disclosure(workspace):
    path, expected = workspace
    done = run("legal-table", "--db", str(path), "--as-of", YEAR_END.isoformat(), "--json")
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    table = expected["d441_6"]
    assert printed["basis"] == "TTC"
    assert printed["disputed_excluded"] == table.attrs["disputed_excluded"]
    assert [row["bracket"] for row in printed["brackets"]] == ["d1_30", "d31_60", "d61_90", "d91_plus", "total"]
    assert [row["amount"] for row in printed["brackets"]] == table["amount"].tolist()


def test_legal_table_text_and_csv(workspace, tmp_path):
    path, _ = workspace
    done = run("legal-table", "--db", str(path), "--as-of", YEAR_END.isoformat())
    assert done.returncode == 0, done.stderr
    assert "Code de commerce D441-6" in done.stdout and "91 days and more" in done.stdout
    out = tmp_path / "d441.csv"
    done = run("legal-table", "--db", str(path), "--as-of", YEAR_END.isoformat(), "--csv", str(out))
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8-sig").splitlines()[0] == "bracket,invoices,amount,pct_revenue"
