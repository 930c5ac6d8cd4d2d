"""`kpi --json` carries the collection KPIs (DOMAIN.md §9) under `collections`, consistent with `worklist --json`."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from builders import inv, pay, write_rows

from riskcore import cli
from riskcore.access.auth import CLI_USER
from riskcore.dunning import records
from riskcore.storage.store import Store

COLLECTION_KEYS = {
    "steps_due", "promises_kept_90", "promises_broken_90", "promise_kept_rate_90", "median_days_to_first_action_90",
    "cei_90_by_collector", "backlog_by_owner", "open_disputes_by_reason",
}  # fmt: skip


def _json(capsys, *args: str):
    assert cli.main(list(args)) == 0
    return json.loads(capsys.readouterr().out)


def test_kpi_json_adds_the_collection_kpis_consistent_with_the_worklist(db, capsys):
    printed = _json(capsys, "kpi", "--db", db, "--json")
    steps = _json(capsys, "worklist", "--db", db, "--json")
    figures = printed["collections"]
    assert set(figures) >= COLLECTION_KEYS
    assert printed["dunning_coverage_30"] is not None  # the coverage, in the snapshot itself
    assert figures["steps_due"] == len(steps) > 0
    backlog = figures["backlog_by_owner"]
    assert sum(b["steps"] for b in backlog.values()) == len(steps)
    for owner, b in backlog.items():
        mine = [r for r in steps if r["owner"] == owner]
        assert b["steps"] == len(mine)
        assert b["amount"] == pytest.approx(sum(r["step_amount"] for r in mine), abs=0.01)
    kept, broken = figures["promises_kept_90"], figures["promises_broken_90"]
    assert figures["promise_kept_rate_90"] == (pytest.approx(kept / (kept + broken)) if kept + broken else None)


def test_kpi_json_at_a_date_reads_the_worklist_of_that_date(db, capsys):
    printed = _json(capsys, "kpi", "--db", db, "--as-of", "2026-09-15", "--json")
    steps = _json(capsys, "worklist", "--db", db, "--as-of", "2026-09-15", "--json")
    assert printed["as_of"] == "2026-09-15"
    assert printed["collections"]["steps_due"] == len(steps)


D = dt.date(2025, 6, 30)  # the 90 days: promises whose date + 3 days of grace fell in (2025-04-01, 2025-06-30]


@pytest.fixture
def promises_db(tmp_path):
    """Four clients, four promises: one kept and one broken in the 90 days, one broken before, one pending."""
    path = tmp_path / "promises.duckdb"
    store = Store(path)
    invoices = [
        inv("A1", "2025-04-01", "2025-05-01", 1000, client_id="A"),
        inv("B1", "2025-04-01", "2025-05-01", 2000, client_id="B"),
        inv("C1", "2025-01-01", "2025-01-31", 300, client_id="C"),
        inv("E1", "2025-05-01", "2025-05-31", 400, client_id="E"),
    ]
    payments = [
        pay("PA1", "A1", "2025-05-22", 1000, client_id="A"),  # A: 1 000 by 2025-05-23 (20 May + 3): kept
        pay("PB1", "B1", "2025-06-02", 500, client_id="B"),  # B: 500 of 2 000 by 2025-06-04: broken on 06-05
    ]
    write_rows(store, invoices, payments)

    def promise(client_id: str, made_on: str, promise_date: str, amount: float, invoice_ids: list[str]) -> None:
        made, by = dt.date.fromisoformat(made_on), dt.date.fromisoformat(promise_date)
        records.record_promise(store, CLI_USER, client_id, made, by, amount, invoice_ids)

    promise("A", "2025-05-10", "2025-05-20", 1000, ["A1"])
    promise("B", "2025-05-10", "2025-06-01", 2000, ["B1"])
    promise("C", "2025-02-05", "2025-02-15", 300, ["C1"])  # broken on 2025-02-19: before the 90 days
    promise("E", "2025-06-20", "2025-06-29", 400, ["E1"])  # pending until 2025-07-02
    store.close()
    return str(path)


def test_kpi_json_promise_kept_rate_over_a_hand_built_ledger(promises_db, capsys):
    printed = _json(capsys, "kpi", "--db", promises_db, "--as-of", D.isoformat(), "--json")
    figures = printed["collections"]
    # in the 90 days: A kept, B broken; C broke before them, E is still pending -> 1 / (1 + 1)
    assert (figures["promises_kept_90"], figures["promises_broken_90"]) == (1, 1)
    assert figures["promise_kept_rate_90"] == 0.5
    steps = _json(capsys, "worklist", "--db", promises_db, "--as-of", D.isoformat(), "--json")
    assert figures["steps_due"] == len(steps)
