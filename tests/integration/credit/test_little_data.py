"""Scores on a ledger too small to learn from (issue 15 §3), and inactive clients (issue 15 §4).

The ledger: 5 clients C1-C5, 20 invoices each of 1 000 € (100 invoices), issued every 30 days from
2024-01-05 (invoice k on 2024-01-05 + 30 k), due 30 days later, each paid in full 0, 10, 25, 45
and 70 days after its due date (C1 to C5) when that day is on or before the as-of date 2025-08-01.

Worked by hand at 2025-08-01 with late_days 30:
- an outcome is known when due + 30 <= 2025-08-01, i.e. invoice date <= 2025-06-02: k = 0..17
  (k = 17 is 2024-01-05 + 510 = 2025-05-29; k = 18 is 2025-06-28), 18 per client, 90 in all, from
  5 clients: below min_training_outcomes 300 and min_training_clients 30;
- late (settled more than 30 days after due): all 18 of C4 and of C5, 36; the smoothed base rate is
  (36 + 1) / (90 + 2) = 37 / 92 = 0.40217;
- C5 settles invoices due on or before 2025-08-01 - 70 = 2025-05-23, i.e. issued on or before
  2025-04-23: k = 0..15 (2024 is a leap year: k = 15 is 2025-03-30, k = 16 2025-04-29), 16 settled;
  unpaid and past due: k = 16, 17, 18 (due 2025-05-29, 06-28, 07-28), 3 000 €, the oldest
  2025-08-01 - 2025-05-29 = 64 days.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from riskcore import cli
from riskcore.credit.scores import client_scores, rankable
from riskcore.credit.table import score_table
from riskcore.storage.store import Store
from tests.builders import inv, pay, write_rows

AS_OF = dt.date(2025, 8, 1)
LATENESS = {"C1": 0, "C2": 10, "C3": 25, "C4": 45, "C5": 70}


def _ledger(extra_invoices=(), clients=None) -> tuple[list, list, list | None]:
    invoices, payments = [], []
    for client, late in LATENESS.items():
        for k in range(20):
            issued = dt.date(2024, 1, 5) + dt.timedelta(days=30 * k)
            due = issued + dt.timedelta(days=30)
            paid = due + dt.timedelta(days=late)
            invoice_id = f"{client}-{k:02d}"
            invoices.append(inv(invoice_id, issued, due, 1000.0, client_id=client))
            if paid <= AS_OF:
                payments.append(pay(f"P{invoice_id}", invoice_id, paid, 1000.0, client_id=client))
    return [*invoices, *extra_invoices], payments, clients


@pytest.fixture
def little(tmp_path):
    store = Store(tmp_path / "little.duckdb")
    write_rows(store, *_ledger())
    yield store
    store.close()


def test_every_client_gets_the_default_score_and_says_why(little):
    scores = client_scores(little, AS_OF).set_index("client_id")
    assert len(scores) == 5
    # before issue 15 §3 the model fitted on these 90 outcomes graded C4 and C5 E (scores 2.4 and
    # 0.5) and C1-C3 A; now the default score 50 (grade C) for each, only the rules may move it
    assert scores["score"].tolist() == [50.0] * 5
    assert scores["grade"].tolist() == ["C"] * 5
    assert all(rules == ("little_data",) for rules in scores["rules"])
    first = scores.loc["C5", "reasons"][0]
    assert first.key == "scoring.rule_little_data"
    assert first.params == {"outcomes": 90, "clients": 5, "min_outcomes": 300, "min_clients": 30, "score": 50.0}
    assert first.text("en").startswith("too little history in the workspace to learn from: 90 invoice outcomes")
    assert first.text("fr").startswith("historique de l'espace trop court pour en apprendre : 90 issues")
    # the probabilities are the base rate 37 / 92, the same for everybody: nothing per client to trust
    assert scores["p_late"].tolist() == pytest.approx([37 / 92] * 5)
    assert scores["p_score"].tolist() == pytest.approx([37 / 92] * 5)


def test_on_little_data_the_reasons_are_plain_facts_never_comparisons(little):
    scores = client_scores(little, AS_OF).set_index("client_id")
    c5 = [(r.key.removeprefix("scoring."), r.params) for r in scores.loc["C5", "reasons"][1:]]
    # C5: 70 days late on each of its 16 settled invoices; 3 overdue, the oldest 64 days (see the docstring)
    assert c5 == [
        ("lateness_fact", {"days": 70.0, "count": 16.0}),
        ("overdue_now", {"count": 3.0, "amount": 3000.0, "days": 64.0}),
    ]
    assert (
        scores.loc["C5", "reasons"][1].text("en") == "pays 70 days late on average over 12 months, 16 invoices settled"
    )
    # C1 pays on its due dates and owes nothing overdue: its one fact is its lateness, 0 days
    assert [r.key for r in scores.loc["C1", "reasons"]] == ["scoring.rule_little_data", "scoring.lateness_fact"]
    keys = {r.key for reasons in scores["reasons"] for r in reasons}
    assert not keys & {"scoring.typical", "scoring.pays_better_than_most", "scoring.due_lately_on_time"}


def test_on_little_data_the_suggested_limit_is_the_default_grades(little):
    table = score_table(little, AS_OF, "en").set_index("client_id")
    # 13 invoices of 1 000 € issued in the 12 months to 2025-08-01 (k = 7..19, from 2024-08-02):
    # 13 000 / 12 = 1 083 € a month; (30 + 15) / 30 = 1.5 months of exposure: 1 625 €; grade C
    # factor 1.0, rounded down to the 1 000 € step: 1 000 € (12 invoices, 1 500 €, would give the same).
    # Before issue 15 §3: 0 € for C4 and C5 (grade E) and 1 625 x 1.5 = 2 437 -> 2 000 € for C1-C3 (A).
    assert table["suggested_limit"].tolist() == [1000.0] * 5
    assert table["reasons"].str.startswith("too little history in the workspace").all()


def test_the_cli_score_output_carries_the_little_data_reason(little, capsys):
    assert cli.main(["score", "--db", str(little.path), "--as-of", AS_OF.isoformat(), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 5
    assert all("a model needs 300 from 30" in row["reasons"] for row in rows)


def test_the_rules_still_apply_on_little_data(tmp_path):
    # one more C5 invoice, issued 2024-12-03 and due 2025-01-02, never paid: 2025-08-01 - 2025-01-02 =
    # 211 days past due, so D at best: the default 50 is held just below C's cut-off, 49.9
    store = Store(tmp_path / "rules.duckdb")
    stuck = inv("C5-stuck", dt.date(2024, 12, 3), dt.date(2025, 1, 2), 500.0, client_id="C5")
    clients = [{"client_id": c, "name": c, "status": "litigation" if c == "C3" else "active"} for c in LATENESS]
    write_rows(store, *_ledger([stuck], clients))
    scores = client_scores(store, AS_OF).set_index("client_id")
    assert (scores.loc["C5", "score"], scores.loc["C5", "grade"]) == (49.9, "D")
    assert scores.loc["C5", "rules"] == ("little_data", "past_due_91_plus")
    assert (scores.loc["C3", "score"], scores.loc["C3", "grade"]) == (0.0, "E")  # litigation: the floor
    assert scores.loc["C1", "score"] == 50.0
    store.close()


@pytest.mark.parametrize(
    ("outcomes", "clients", "little_data"),
    [
        # the ledger has exactly 90 outcomes from 5 clients: a threshold it reaches lets the model score
        (90, 5, False),
        (91, 5, True),
        (90, 6, True),
    ],
)
def test_the_thresholds_decide_when_the_model_may_score(little, configured, outcomes, clients, little_data):
    configured(scoring={"min_training_outcomes": outcomes, "min_training_clients": clients})
    scores = client_scores(little, AS_OF)
    assert all(("little_data" in rules) is little_data for rules in scores["rules"])
    if not little_data:  # the model's own grades come back, and differ between clients
        assert scores["score"].nunique() == 5


def test_a_client_with_nothing_open_and_no_invoice_for_12_months_is_flagged_inactive(tmp_path):
    # as of 2025-08-01, 12 months back is 2024-08-01
    invoices = [
        inv("X1", dt.date(2024, 6, 1), dt.date(2024, 7, 1), 100.0, client_id="X"),  # last 14 months ago, paid
        inv("Y1", dt.date(2024, 8, 1), dt.date(2024, 8, 31), 100.0, client_id="Y"),  # exactly 12 months ago, paid
        inv("Z1", dt.date(2024, 8, 2), dt.date(2024, 9, 1), 100.0, client_id="Z"),  # 1 day inside the 12 months
        inv("W1", dt.date(2023, 6, 1), dt.date(2023, 7, 1), 100.0, client_id="W"),  # old but still open
    ]
    payments = [
        pay("PX", "X1", dt.date(2024, 7, 1), 100.0, client_id="X"),
        pay("PY", "Y1", dt.date(2024, 8, 31), 100.0, client_id="Y"),
        pay("PZ", "Z1", dt.date(2024, 9, 1), 100.0, client_id="Z"),
    ]
    store = Store(tmp_path / "inactive.duckdb")
    write_rows(store, invoices, payments)
    scores = client_scores(store, AS_OF).set_index("client_id")
    assert scores["inactive"].to_dict() == {"W": False, "X": True, "Y": True, "Z": False}
    # still scored (the few_settled default here), only left out of the worst-score rankings
    assert scores["score"].notna().all()
    assert sorted(rankable(scores.reset_index())["client_id"]) == ["W", "Z"]
    store.close()
