"""Score rules of DOMAIN.md §7, grades, the training target and reason wording, worked by hand.

Config values used (config.yaml): grade cut-offs A 80, B 65, C 50, D 35; 91+ days past due caps
at D; fewer than 3 settled invoices -> default score 50; late_days 30.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from riskcore import features, scoring
from riskcore.scoring import Reason

LOCALES = Path(scoring.__file__).parent / "locales"


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
    assert scoring.grade_of(score) == grade


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
    outcome = scoring.apply_rules(model_score, settled, max_dpd, status)
    assert (outcome.score, outcome.grade, outcome.rules) == (score, grade, rules)
    assert len(outcome.reasons) == len(rules)


def test_rule_reasons_carry_their_figures():
    outcome = scoring.apply_rules(85.0, 2, 120, "active")
    assert outcome.reasons[0] == Reason("scoring.rule_few_settled", {"count": 2, "min": 3, "score": 50})
    assert outcome.reasons[1] == Reason("scoring.rule_91_plus", {"days": 120, "grade": "D"})
    assert outcome.reasons[1].text("en") == "an invoice is 120 days past due: grade D at best"
    assert outcome.reasons[1].text("fr") == "une facture est échue depuis 120 jours : note D au mieux"


def _plain(text: str) -> str:
    """Babel's narrow and non-breaking spaces as plain spaces, so expected strings can be typed."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


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
