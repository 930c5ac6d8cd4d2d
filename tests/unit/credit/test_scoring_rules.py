"""Score rules of DOMAIN.md §7, grades, the training target and reason wording, worked by hand.

Config values used (config.yaml): grade cut-offs A 80, B 65, C 50, D 35; 91+ days past due caps
at D; fewer than 3 settled invoices -> default score 50; late_days 30.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

import riskcore
from riskcore.credit import features
from riskcore.credit.reasons import _due_lately_reasons, _explain, _lateness_reasons
from riskcore.credit.rules import RecentView, apply_rules, grade_of
from riskcore.messages import Reason

LOCALES = Path(riskcore.__file__).parent / "locales"


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (100, "A"),
        (80, "A"),
        (79.9, "B"),
        (65, "B"),
        (64.9, "C"),
        (50, "C"),
        (49.9, "D"),
        (35, "D"),
        (34.9, "E"),
        (0, "E"),
    ],
)
def test_grade_is_the_best_grade_whose_cutoff_the_score_reaches(score, grade):
    assert grade_of(score) == grade


@pytest.mark.parametrize(
    ("model_score", "settled", "max_dpd", "status", "score", "grade", "rules"),
    [
        # nothing fires: the model's score and its grade
        (90.0, 10, 0, "active", 90.0, "A", ()),
        # 2 settled invoices < 3: the default 50, grade C, whatever the model says
        (85.0, 2, 0, "active", 50.0, "C", ("few_settled",)),
        (10.0, 0, 0, "active", 50.0, "C", ("few_settled",)),
        # 91 days past due caps A at D; the score follows, just below C's 50
        (85.0, 10, 91, "active", 49.9, "D", ("past_due_91_plus",)),
        # 90 days is not 91+
        (85.0, 10, 90, None, 85.0, "A", ()),
        # already E: the cap changes nothing but is still named
        (20.0, 10, 120, "active", 20.0, "E", ("past_due_91_plus",)),
        # litigation or collective procedure: E and the floor score
        (85.0, 10, 0, "litigation", 0.0, "E", ("litigation",)),
        (85.0, 1, 200, "collective_procedure", 0.0, "E", ("few_settled", "past_due_91_plus", "collective_procedure")),
        # a closed account is scored like an active one
        (70.0, 10, 0, "closed", 70.0, "B", ()),
    ],
)
def test_rules_override_the_model_in_domain_order(model_score, settled, max_dpd, status, score, grade, rules):
    outcome = apply_rules(model_score, settled, max_dpd, status)
    assert (outcome.score, outcome.grade, outcome.rules) == (score, grade, rules)
    assert len(outcome.reasons) == len(rules)


def test_rule_reasons_carry_their_figures():
    outcome = apply_rules(85.0, 2, 120, "active")
    assert outcome.reasons[0] == Reason("scoring.rule_few_settled", {"count": 2, "min": 3, "score": 50})
    assert outcome.reasons[1] == Reason("scoring.rule_91_plus", {"days": 120, "grade": "D"})
    assert outcome.reasons[1].text("en") == "an invoice is 120 days past due: grade D at best"
    assert outcome.reasons[1].text("fr") == "une facture est échue depuis 120 jours : note D au mieux"


def _plain(text: str) -> str:
    """Babel's narrow and non-breaking spaces as plain spaces, so expected strings can be typed."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


# Early warning (config: on, at least 3 outcomes known in 3 months, at least 5 points lower)
@pytest.mark.parametrize(
    ("model_score", "settled", "max_dpd", "recent", "score", "grade", "rules"),
    [
        # 3 outcomes, the recent view 20 is 65 points below 85: it replaces the score, grade E
        (85.0, 10, 0, (20.0, 3, 3), 20.0, "E", ("early_warning",)),
        # only 2 outcomes known in 3 months: too little to go on, the model's 85 stands
        (85.0, 10, 0, (20.0, 2, 2), 85.0, "A", ()),
        # 85 - 81 = 4 points < 5: a wobble, not a warning
        (85.0, 10, 0, (81.0, 4, 1), 85.0, "A", ()),
        # 85 - 80 = 5 points: exactly the threshold, the warning counts
        (85.0, 10, 0, (80.0, 4, 1), 80.0, "A", ("early_warning",)),
        # a better recent view never raises a score
        (40.0, 10, 0, (90.0, 6, 0), 40.0, "D", ()),
        # fewer than 3 settled: default 50 first, then the recent view 30 (20 points lower) wins
        (85.0, 2, 0, (30.0, 4, 4), 30.0, "E", ("few_settled", "early_warning")),
        # recent view 60 (grade C), then 91+ caps at D: 49.9
        (85.0, 10, 100, (60.0, 5, 5), 49.9, "D", ("early_warning", "past_due_91_plus")),
        # rounded as shown: 85.04 -> 85.0 and 80.04 -> 80.0, 5 points apart
        (85.04, 10, 0, (80.04, 3, 3), 80.0, "A", ("early_warning",)),
    ],
)
def test_early_warning_scores_on_recent_behaviour_when_clearly_worse(
    model_score, settled, max_dpd, recent, score, grade, rules
):
    view = RecentView(score=recent[0], outcomes=recent[1], late=recent[2], days=40.0)
    outcome = apply_rules(model_score, settled, max_dpd, "active", view)
    assert (outcome.score, outcome.grade, outcome.rules) == (score, grade, rules)


def test_early_warning_can_be_switched_off(configured):
    configured(scoring={"early_warning": False})
    view = RecentView(score=20.0, outcomes=6, late=6, days=70.0)
    assert apply_rules(85.0, 10, 0, "active", view).rules == ()


def test_early_warning_thresholds_come_from_config(configured):
    configured(scoring={"early_warning_min_outcomes": 2, "early_warning_min_points": 30})
    # 2 outcomes now suffice; 85 - 60 = 25 < 30 points is not enough, 85 - 50 = 35 is
    assert apply_rules(85.0, 10, 0, "active", RecentView(60.0, 2, 2, 40.0)).score == 85.0
    assert apply_rules(85.0, 10, 0, "active", RecentView(50.0, 2, 2, 40.0)).score == 50.0


def test_early_warning_reason_gives_the_window_and_figures_in_both_languages():
    outcome = apply_rules(85.0, 10, 0, "active", RecentView(20.0, 5, 4, 63.4))
    reason = outcome.reasons[0]
    # late_days 30: outcomes known in the last 90 days are those of invoices due 30 to 120 days ago
    assert reason == Reason(
        "scoring.rule_early_warning",
        {"late": 4, "count": 5, "from_days": 30, "to_days": 120, "late_days": 30, "days": 63.4},
    )
    assert reason.text("en") == (
        "early warning: 4 of its 5 invoices due 30 to 120 days ago went over 30 days late (paid late or still "
        "unpaid), and it pays 63 days late on average over the last 3 months: scored on this recent behaviour"
    )
    assert reason.text("fr") == (
        "alerte précoce : 4 de ses 5 factures échues il y a 30 à 120 jours ont dépassé 30 jours de retard "
        "(payées en retard ou encore impayées), et il paie avec 63 jours de retard en moyenne sur les 3 derniers "
        "mois : note fondée sur ce comportement récent"
    )


def test_early_warning_of_a_client_that_settled_nothing_lately_says_so_rather_than_a_days_figure():
    # no invoice settled over the 3 months: days late there is a fallback (the 12 months' figure), no fact
    outcome = apply_rules(60.0, 40, 0, "active", RecentView(10.0, 6, 6, None))
    assert outcome.score == 10.0 and outcome.rules == ("early_warning",)
    reason = outcome.reasons[0]
    assert reason.key == "scoring.rule_early_warning_unpaid" and "days" not in reason.params
    assert reason.text("en") == (
        "early warning: 6 of its 6 invoices due 30 to 120 days ago went over 30 days late (paid late or still "
        "unpaid), and it settled no invoice over the last 3 months: scored on this recent behaviour"
    )
    assert reason.text("fr").endswith(
        "et il n'a réglé aucune facture ces 3 derniers mois : note fondée sur ce comportement récent"
    )


# A client's figures as riskcore.credit.features gives them; each case below changes what its windows hold.
ROW = {
    "n_settled": 40.0, "n_written_off": 0.0, "n_written_off_12m": 0.0,
    "settled_amount_12m": 50_000.0, "settled_amount_3m": 9_000.0,
    "days_late_12m": 21.0, "days_late_3m": 38.0, "days_late_prior": 16.0,
    "due_amount_3m": 12_000.0, "due_amount_prior": 40_000.0, "due_late_3m": 30.0, "due_late_prior": 12.0,
}  # fmt: skip


def _lateness(adverse: bool = True, **changes) -> list[tuple[str, dict]]:
    worded = _lateness_reasons(adverse, ROW | changes, 10)  # kpi.worsening_days: 10
    return [(r.key.removeprefix("scoring."), r.params) for r in worded]


def test_lateness_is_worded_over_12_months_with_its_trend_when_both_windows_hold_settlements():
    # 38 days over the last 3 months against 16 in the 9 before: +22 >= 10, worsening
    assert _lateness() == [("pays_late_worsening", {"days": 21.0, "recent": 38.0})]
    assert _lateness(adverse=False) == [("pays_better_than_most", {"days": 21.0})]


def test_no_trend_is_claimed_when_nothing_was_settled_over_the_last_3_months():
    # days_late_3m is then the 12 months' figure standing in: 21 - 16 = +5 would be no fact of those months
    assert _lateness(settled_amount_3m=0.0, days_late_3m=21.0, days_late_prior=5.0) == [
        ("pays_late", {"days": 21.0, "recent": 21.0})
    ]


def test_a_client_with_nothing_settled_in_12_months_is_worded_on_its_whole_history():
    assert _lateness(settled_amount_12m=0.0, settled_amount_3m=0.0) == [("pays_late_history", {"days": 21.0})]
    text = Reason("scoring.pays_late_history", {"days": 211.4}).text("en")
    assert text == "paid 211 days late on average over its history (nothing settled in the last 12 months)"


def test_write_offs_in_the_figure_are_named_beside_it():
    # 12 months: 2 written off counted in the days late; the whole history (none settled in 12 months): 6
    assert _lateness(n_written_off=6.0, n_written_off_12m=2.0)[1] == ("written_off_in_figure", {"count": 2.0})
    worded = _lateness(settled_amount_12m=0.0, n_written_off=6.0, n_written_off_12m=0.0)
    assert worded[1] == ("written_off_in_figure", {"count": 6.0})
    assert len(_lateness(n_written_off=6.0)) == 1  # written off long ago, not in the 12 months' figure
    assert Reason("scoring.written_off_in_figure", {"count": 2}).text("fr") == (
        "dont 2 facture(s) passée(s) en perte sans paiement, comptée(s) comme réglée(s) à la date de passage en perte"
    )


def test_a_client_that_never_settled_an_invoice_has_no_days_late_to_word():
    assert _lateness(n_settled=0.0) == []


@pytest.mark.parametrize(
    ("changes", "adverse", "expected"),
    [
        # 30 days so far against 12 over the year before: +18 >= 10
        ({}, True, [("due_lately_worsening", {"days": 30.0, "before": 12.0})]),
        # below the median but 30 days late, more than scoring.on_time_days 5: not "on time" (issue 15 §3;
        # was due_lately_on_time before), only less late than most; 4 days late is on time or nearly
        ({}, False, [("due_lately_less_late", {"days": 30.0})]),
        ({"due_late_3m": 4.0}, False, [("due_lately_on_time", {"days": 4.0})]),
        # nothing fell due in the year before: its figure is a fallback, so no comparison
        ({"due_amount_prior": 0.0}, True, [("due_lately_late_alone", {"days": 30.0})]),
        # nothing fell due in the last 3 months: nothing to say of them
        ({"due_amount_3m": 0.0}, True, []),
    ],
)
def test_invoices_due_lately_are_worded_only_from_what_fell_due(changes, adverse, expected):
    worded = _due_lately_reasons(adverse, ROW | changes, 10)
    assert [(r.key.removeprefix("scoring."), r.params) for r in worded] == expected


def test_a_driver_that_cannot_be_worded_gives_its_place_to_the_next():
    # four adverse drivers, lateness first; nothing fell due lately, so "due lately" is skipped and
    # the three named are lateness (with its trend), overdue and dunning
    row = ROW | {"due_amount_3m": 0.0, "overdue_amount": 5_000.0, "n_overdue": 2.0, "max_dpd": 45.0,
                 "n_dunning": 9.0, "n_dunning_90d": 3.0, "open_amount": 1.0, "n_open": 1.0, "n_disputes": 0.0,
                 "terms_days": 30.0}  # fmt: skip
    median = {"days_late_12m": 5.0, "due_late_3m": 2.0, "overdue_amount": 0.0, "n_dunning": 1.0}
    effects = {"lateness": 0.9, "due_lately": 0.7, "overdue": 0.5, "dunning": 0.3}
    keys = [r.key.removeprefix("scoring.") for r in _explain(row, effects, median)]
    assert keys == ["pays_late_worsening", "overdue_now", "dunned"]


@pytest.mark.parametrize(
    ("key", "value"),
    [("early_warning_min_outcomes", 0), ("early_warning_min_points", -1)],
)
def test_bad_early_warning_thresholds_are_refused_with_their_key(configured, key, value):
    from riskcore import config
    from riskcore.errors import ConfigError

    configured(scoring={key: value})
    with pytest.raises(ConfigError) as caught:
        config.get()
    assert f"scoring.{key}" in caught.value.message("en")


def test_recent_view_reads_the_last_three_months_as_the_whole_history():
    # A client that paid 10 % of its outcomes late over 12 months (25 % all time) and 20 days late on
    # average, but 4 of its last 4 outcomes late and 60 days late lately.
    row = {
        "late_rate": 0.25, "late_rate_12m": 0.10, "late_rate_before_3m": 0.0, "late_rate_3m": 1.0,
        "n_known_3m": 4.0, "n_late_3m": 4.0, "share_late": 0.5,
        "avg_days_late": 12.0, "days_late_12m": 20.0, "days_late_prior": 5.0, "days_late_3m": 60.0,
        "due_late_prior": 8.0, "due_late_3m": 45.0, "max_dpd": 70.0,
    }  # fmt: skip
    view = features.recent_view(pd.DataFrame([row])).iloc[0]
    # every longer-history figure takes its 3-month counterpart...
    assert (view["late_rate"], view["late_rate_12m"], view["late_rate_before_3m"]) == (1.0, 1.0, 1.0)
    assert (view["avg_days_late"], view["days_late_12m"], view["days_late_prior"]) == (60.0, 60.0, 60.0)
    assert view["due_late_prior"] == 45.0
    # ...share_late (any lateness, no 3-month counterpart) and the open items stay as they were
    assert (view["share_late"], view["max_dpd"], view["n_known_3m"]) == (0.5, 70.0, 4.0)
    # so the trends read 0 in the model matrix: days late 60 - 60, due lately 45 - 45, and the
    # surprise (4 late - 4 x 1.0 expected) / sqrt(4 x 1.0 x 0 + 1) = 0
    assert (view["days_late_3m"] - view["days_late_prior"], view["due_late_3m"] - view["due_late_prior"]) == (0, 0)
    expected = view["n_known_3m"] * view["late_rate_before_3m"]
    assert view["n_late_3m"] - expected == 0


def test_reason_text_formats_amounts_and_days_per_language():
    reason = Reason("scoring.overdue_now", {"count": 3, "amount": 12345.6, "days": 45})
    assert _plain(reason.text("en")) == "€12,346 overdue on 3 invoice(s), the oldest 45 days past due"
    assert _plain(reason.text("fr")) == "12 346 € échus sur 3 facture(s), la plus ancienne depuis 45 jours"


def test_worsening_reason_rounds_days():
    reason = Reason("scoring.pays_late_worsening", {"days": 23.4, "recent": 41.6})
    expected = "pays 23 days late on average over 12 months, worsening (42 days over the last 3 months)"
    assert reason.text("en") == expected


@pytest.mark.parametrize("domain", ["scoring", "limits"])
def test_french_and_english_catalogues_have_the_same_messages(domain):
    en = yaml.safe_load((LOCALES / "en" / f"{domain}.yaml").read_text(encoding="utf-8"))
    fr = yaml.safe_load((LOCALES / "fr" / f"{domain}.yaml").read_text(encoding="utf-8"))
    assert set(en) == set(fr)
    for key in en:  # the same placeholders on both sides
        assert sorted(_fields(en[key])) == sorted(_fields(fr[key])), key


def _fields(text: str) -> list[str]:
    import string

    return [name for _, name, _, _ in string.Formatter().parse(text) if name]


def _invoice(due: str, settle: str | None) -> dict:
    return {"due_date": pd.Timestamp(due), "settle_date": pd.Timestamp(settle) if settle else pd.NaT}


@pytest.mark.parametrize(
    ("due", "settle", "known_by", "usable", "late"),
    [
        # due 31/01 + 30 days = 01/03 (2024 is a leap year): known on 01/03, not on 29/02
        ("2024-01-31", "2024-02-10", "2024-02-29", False, 0),
        ("2024-01-31", "2024-02-10", "2024-03-01", True, 0),
        # settled on the 30th day after the due date: on time for the target
        ("2024-01-31", "2024-03-01", "2024-03-01", True, 0),
        # 31 days after: late
        ("2024-01-31", "2024-03-02", "2024-06-30", True, 1),
        # still open 30 days after the due date: late, whatever happens later
        ("2024-01-31", None, "2024-03-01", True, 1),
        # settled late, after the cut-off: the label does not need that payment
        ("2024-01-31", "2024-09-01", "2024-03-05", True, 1),
    ],
)
def test_target_is_settled_more_than_late_days_after_due(due, settle, known_by, usable, late):
    frame = pd.DataFrame([_invoice(due, settle)])
    got_usable, got_late = features.labels(frame, pd.Timestamp(known_by).date(), 30)
    assert bool(got_usable.iloc[0]) is usable
    assert int(got_late.iloc[0]) == late


def test_negative_late_days_is_refused_with_its_value():
    with pytest.raises(ValueError, match="late_days must be >= 0, got -3"):
        features.labels(pd.DataFrame([_invoice("2024-01-31", None)]), pd.Timestamp("2024-03-01").date(), -3)
