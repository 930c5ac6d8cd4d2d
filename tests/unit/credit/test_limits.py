"""Suggested credit limit, utilisation alerts and the approval threshold (DOMAIN.md §7), worked by hand.

Config values used (config.yaml): grace_days 15; grade factors A 1.5, B 1.2, C 1.0, D 0.5, E 0;
max_limit 500 000; rounding_step 1 000; utilisation alerts 70 % and 90 %; approval above
50 000 or above +50 % of the previous limit.
"""

from __future__ import annotations

import pytest

from riskcore.credit import limits


@pytest.mark.parametrize(
    ("sales_12m", "terms", "grade", "insured", "expected"),
    [
        # 120 000 / 12 = 10 000 a month; (30 + 15) / 30 = 1.5; × 1.2 (B) = 18 000
        (120_000, 30, "B", None, 18_000),
        # 100 000 / 12 = 8 333.33; (60 + 15) / 30 = 2.5 -> 20 833.33; × 1.5 (A) = 31 250 -> down to 31 000
        (100_000, 60, "A", None, 31_000),
        # 36 000 / 12 = 3 000; × 1.5 = 4 500; × 0.5 (D) = 2 250 -> 2 000
        (36_000, 30, "D", None, 2_000),
        # 144 000 / 12 = 12 000; (45 + 15) / 30 = 2; × 1.0 (C) = 24 000 exactly: no step lost
        (144_000, 45, "C", None, 24_000),
        # 4 000 / 12 × 2.5 × 1.2 = 1 000 exactly, 999.9999… in floating point: still 1 000
        (4_000, 60, "B", None, 1_000),
        # grade E: factor 0 whatever the sales
        (900_000, 60, "E", None, 0),
        # no sales in 12 months: nothing to cover
        (0, 30, "A", None, 0),
        # credit notes above invoices: negative sales count as none
        (-5_000, 30, "A", None, 0),
    ],
)
def test_suggested_limit_multiplies_sales_terms_and_grade_then_rounds_down(sales_12m, terms, grade, insured, expected):
    assert limits.suggestion("C1", sales_12m, terms, grade, insured).amount == expected


def test_insured_limit_caps_the_suggestion_and_says_so():
    # 240 000 / 12 = 20 000; (45 + 15) / 30 = 2 -> 40 000; × 1.5 (A) = 60 000 > insured 25 000
    s = limits.suggestion("C1", 240_000, 45, "A", 25_000)
    assert s.amount == 25_000
    assert [r.key for r in s.reasons] == [
        "limits.monthly_sales",
        "limits.terms",
        "limits.grade_factor",
        "limits.capped_insured",
        "limits.rounded",
    ]


def test_insured_limit_above_the_suggestion_changes_nothing():
    # 120 000 / 12 × 1.5 × 1.2 = 18 000 < insured 50 000: no cap reason
    s = limits.suggestion("C1", 120_000, 30, "B", 50_000)
    assert s.amount == 18_000
    assert "limits.capped_insured" not in [r.key for r in s.reasons]


def test_maximum_limit_caps_very_large_accounts():
    # 6 000 000 / 12 = 500 000; × 2.5 (60 + 15 days) × 1.5 (A) = 1 875 000 > max 500 000
    s = limits.suggestion("C1", 6_000_000, 60, "A", None)
    assert s.amount == 500_000
    assert [r.key for r in s.reasons][-2:] == ["limits.capped_max", "limits.rounded"]


def test_every_factor_is_a_reason_with_its_value():
    s = limits.suggestion("C1", 120_000, 30, "B", None)
    params = {r.key: r.params for r in s.reasons}
    assert params["limits.monthly_sales"] == {"amount": 10_000}  # 120 000 / 12
    assert params["limits.terms"] == {"days": 30, "grace": 15, "factor": 1.5}  # (30 + 15) / 30
    assert params["limits.grade_factor"] == {"grade": "B", "factor": 1.2}
    assert params["limits.rounded"] == {"amount": 1_000}


def test_limit_reasons_read_in_french_and_english():
    s = limits.suggestion("C1", 120_000, 30, "B", None)
    terms = next(r for r in s.reasons if r.key == "limits.terms")
    # (30 + 15) / 30 = 1.5 months of sales, written with the language's decimal mark
    assert (
        terms.text("en")
        == "With 30 days of payment terms and 15 days of grace, the balance can reach 1.50 months of sales."
    )
    assert terms.text("fr") == (
        "Avec 30 jours de délai de paiement et 15 jours de tolérance, l'encours peut atteindre 1,50 mois d'achats."
    )


@pytest.mark.parametrize(
    ("outstanding", "limit", "utilisation", "level"),
    [
        (6_999, 10_000, 0.6999, "none"),  # below 70 %
        (7_000, 10_000, 0.70, "warn"),  # 70 % reached
        (8_999.99, 10_000, 0.899999, "warn"),
        (9_000, 10_000, 0.90, "high"),  # 90 % reached
        (10_000, 10_000, 1.0, "high"),  # exactly used up is not over
        (10_000.01, 10_000, 1.000001, "over"),
        (-500, 10_000, -0.05, "none"),  # a credit balance
        (5_000, None, None, "none"),  # no limit set: nothing to compare with
        (100, 0, None, "over"),  # a blocked account that still owes
        (0, 0, None, "none"),
    ],
)
def test_utilisation_alerts_at_70_and_90_percent_and_over_100(outstanding, limit, utilisation, level):
    got_utilisation, got_level = limits.alert(outstanding, limit)
    assert got_level == level
    if utilisation is None:
        assert got_utilisation is None
    else:
        assert got_utilisation == pytest.approx(utilisation)


@pytest.mark.parametrize(
    ("previous", "new", "needed"),
    [
        (None, 40_000, False),  # first limit, under 50 000
        (None, 50_000, False),  # 50 000 is not above 50 000
        (None, 50_001, True),  # first limit above the amount threshold
        (20_000, 30_000, False),  # +50 % exactly is not more than 50 %
        (20_000, 30_001, True),  # +50.005 %
        (40_000, 50_000, False),  # +25 %, and not above 50 000
        (40_000, 50_001, True),  # above the amount threshold
        (100_000, 80_000, False),  # a cut never waits
        (30_000, 30_000, False),  # unchanged
        (0, 1_000, True),  # lifting a blocked account is an unbounded increase
        (0, 0, False),
    ],
)
def test_approval_needed_above_the_amount_or_the_increase_threshold(previous, new, needed):
    assert limits.needs_approval(previous, new) is needed
