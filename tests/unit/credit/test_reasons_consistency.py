"""Every reason of the default demo agrees with its own figure and with the grade beside it (issue 15 §3).

The rules checked, over all scores of `riskcore.demo.load_demo` (seed 42, 400 clients, 3 years) at the
ledger's last date, as the `score` command computes them (riskcore.credit.scores.client_scores):

1. "on time or nearly" is only said of at most scoring.on_time_days (5) days late;
2. "pays like most clients" (scoring.typical) never goes with the best or the worst grade (A, E) nor
   with a rule that fired;
3. a comparison with the other clients holds against the population's median of its own figure
   (the median client_scores compares with): "better / less than most", "small", "little",
   "rarely", "short terms", "long history" on the better side, strictly; "pays N days late",
   "large balance", "long terms", "dunned", "disputed", "short history" on the worse side, strictly;
4. "nothing overdue" never stands beside an overdue amount or the 91+ days rule;
5. a client whose every reason is favourable and whom no rule touched is not graded E;
6. the demo has history enough to learn from: no score says "too little history" or "no model",
   so rules 1-5 are checked on the model's own reasons.
"""

from __future__ import annotations

import pytest

from riskcore import config, demo
from riskcore.credit import model
from riskcore.credit.scores import client_scores
from riskcore.storage.store import Store, last_date


@pytest.fixture(scope="module")
def demo_scores(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("sweep") / "workspace.duckdb")
    demo.load_demo(store)
    as_of = last_date(store.cursor())
    scores = client_scores(store, as_of)
    median = model.client_features(store, as_of, model.resolve_late_days(None)).median(numeric_only=True)
    yield scores, median
    store.close()


def _pairs(scores):
    """(client row, reason) for every reason shown."""
    return [(row, reason) for row in scores.itertuples() for reason in row.reasons]


# key -> (its parameter, the population's column, True when the wording puts the client below the median)
COMPARED = {
    "scoring.pays_better_than_most": ("days", "days_late_12m", True),
    "scoring.due_lately_less_late": ("days", "due_late_3m", True),
    "scoring.little_overdue": ("amount", "overdue_amount", True),
    "scoring.small_balance": ("amount", "open_amount", True),
    "scoring.rarely_dunned": ("count", "n_dunning", True),
    "scoring.short_terms": ("days", "terms_days", True),
    "scoring.long_history": ("count", "n_settled", False),  # more settled is the better side
    "scoring.pays_late": ("days", "days_late_12m", False),
    "scoring.pays_late_worsening": ("days", "days_late_12m", False),
    "scoring.pays_late_improving": ("days", "days_late_12m", False),
    "scoring.due_lately_late": ("days", "due_late_3m", False),
    "scoring.due_lately_worsening": ("days", "due_late_3m", False),
    "scoring.large_balance": ("amount", "open_amount", False),
    "scoring.long_terms": ("days", "terms_days", False),
    "scoring.dunned": ("count", "n_dunning", False),
    "scoring.disputes": ("count", "n_disputes", False),
    "scoring.short_history": ("count", "n_settled", True),
}

FAVOURABLE = {
    "scoring.pays_better_than_most", "scoring.due_lately_on_time", "scoring.due_lately_less_late",
    "scoring.nothing_overdue", "scoring.little_overdue", "scoring.small_balance", "scoring.long_history",
    "scoring.no_disputes", "scoring.rarely_dunned", "scoring.short_terms",
}  # fmt: skip


def test_the_demo_learns_from_its_history_so_the_model_reasons_are_the_ones_checked(demo_scores):
    scores, _ = demo_scores
    keys = {reason.key for _, reason in _pairs(scores)}
    assert not keys & {"scoring.rule_little_data", "scoring.no_model"}
    assert len(keys & set(COMPARED)) >= 10  # the comparisons of rule 3 do occur


def test_on_time_is_only_said_of_a_few_days_late(demo_scores):
    scores, _ = demo_scores
    bound = config.get().scoring.on_time_days
    said = [(row.client_id, reason.params["days"]) for row, reason in _pairs(scores) if "on time" in reason.text("en")]
    assert said  # the demo has clients paying their recent invoices on time
    assert [(client, days) for client, days in said if days > bound] == []


def test_pays_like_most_never_goes_with_an_extreme_grade_or_a_rule(demo_scores):
    scores, _ = demo_scores
    wrong = [
        (row.client_id, row.grade, row.rules)
        for row, reason in _pairs(scores)
        if "like most clients" in reason.text("en") and (row.grade in ("A", "E") or row.rules)
    ]
    assert wrong == []


def test_every_comparison_with_the_other_clients_holds_against_their_median(demo_scores):
    scores, median = demo_scores
    wrong = []
    for row, reason in _pairs(scores):
        if reason.key not in COMPARED:
            continue
        param, column, below = COMPARED[reason.key]
        value, middle = float(reason.params[param]), float(median[column])
        holds = value < middle if below else value > middle
        if not holds:
            wrong.append((row.client_id, reason.key, value, middle))
    assert wrong == []


def test_nothing_overdue_never_stands_beside_an_overdue_amount(demo_scores):
    scores, _ = demo_scores
    wrong = []
    for row in scores.itertuples():
        keys = {reason.key for reason in row.reasons}
        if "scoring.nothing_overdue" in keys and keys & {"scoring.overdue_now", "scoring.rule_91_plus"}:
            wrong.append(row.client_id)
    assert wrong == []


def test_a_client_with_only_favourable_reasons_and_no_rule_is_not_graded_e(demo_scores):
    scores, _ = demo_scores
    favourable_only = [
        row for row in scores.itertuples() if not row.rules and all(r.key in FAVOURABLE for r in row.reasons)
    ]
    assert favourable_only  # the demo has such clients: the rule is checked on real rows
    assert [row.client_id for row in favourable_only if row.grade == "E"] == []
