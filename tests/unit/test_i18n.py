"""Both languages say everything, and numbers and dates read as a French or English user expects."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from riskcore import i18n


def test_every_message_exists_in_both_languages():
    fr, en = set(i18n.catalogue("fr")), set(i18n.catalogue("en"))
    assert sorted(en - fr) == []
    assert sorted(fr - en) == []


def test_placeholders_match_between_languages():
    fr, en = i18n.catalogue("fr"), i18n.catalogue("en")
    field = re.compile(r"\{(\w+)")
    mismatched = [k for k in en if k in fr and set(field.findall(en[k])) != set(field.findall(fr[k]))]
    assert mismatched == []


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        # babel fr_FR groups with U+202F (narrow no-break space) and puts U+00A0 before the symbol
        ("fr", "1\u202f234\u202f567,89\u00a0€"),
        ("en", "€1,234,567.89"),
    ],
)
def test_amounts_follow_the_language(lang, expected):
    assert i18n.fmt_amount(1234567.89, lang) == expected


def test_whole_euro_amounts_keep_the_no_break_space_before_the_symbol():
    # 1 234 568 € : U+202F between thousands, U+00A0 before €, as with cents
    assert i18n.fmt_amount(1234567.89, "fr", decimals=0) == "1\u202f234\u202f568\u00a0€"
    assert i18n.fmt_amount(1234567.89, "en", decimals=0) == "€1,234,568"


def test_dates_and_rates_in_french():
    assert i18n.fmt_date(dt.date(2025, 12, 31), "fr") == "31/12/2025"
    assert i18n.fmt_pct(0.559, "fr") == "55,9\u202f%"
    assert i18n.fmt_pct(0.559, "en") == "55.9%"


def test_missing_values_format_as_empty_text():
    assert i18n.fmt_amount(None, "fr") == ""
    assert i18n.fmt_amount(float("nan"), "fr") == ""
    assert i18n.fmt_date(None, "fr") == ""


def test_unknown_key_falls_back_to_the_key_itself():
    assert i18n.t("nowhere.missing", "fr") == "nowhere.missing"
