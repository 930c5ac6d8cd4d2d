"""Presentation rules of the dashboard: neutral zero changes, grouped counts, translated codes and names."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from apptest_support import app, run

from riskcore.access.auth import demo_user
from riskcore.receivables.filters import NO_FILTERS
from riskcore.reporting import charts
from riskcore.ui import fmt, tables, views, widgets
from riskcore.ui.context import Context

NNBSP, NBSP = "\u202f", "\xa0"


def context(lang: str) -> Context:
    """A page context for formatting only: no workspace is read."""
    return Context(store=None, version=0, lang=lang, user=demo_user("admin"), as_of=None, filters=NO_FILTERS)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("lang", "kind", "now", "before", "shown", "neutral"),
    [
        ("en", "days", 68.52, 68.49, "0.0 d", True),  # +0.03 d rounds to 0.0: no arrow, no colour
        ("fr", "days", 68.49, 68.52, "0,0 j", True),  # -0.03 d: no "-0,0" either
        ("fr", "amount", 100.4, 100.0, f"0{NBSP}€", True),  # +0.40 € rounds to 0 €
        ("en", "pct", 0.24905, 0.2490, "0.0 pts", True),  # +0.005 points
        ("en", "days", 70.0, 68.5, "+1.5 d", False),
        ("en", "amount", 90.0, 100.0, "-€10", False),
        ("fr", "pct", 0.249, 0.283, "-3,4 pts", False),  # (0.249 - 0.283) x 100 = -3.4 points
    ],
)
def test_a_change_that_rounds_to_zero_is_neutral(lang, kind, now, before, shown, neutral):
    ctx = context(lang)
    card = widgets.Card("total_outstanding", now, kind, month_ago=before)
    change = widgets._change(ctx, card, before)
    assert change == shown
    assert widgets.is_neutral(ctx, card, change) is neutral


def test_a_card_without_a_value_a_month_before_has_no_change():
    ctx = context("en")
    card = widgets.Card("total_outstanding", 10.0, "amount")
    assert widgets._change(ctx, card, None) is None
    assert widgets.is_neutral(ctx, card, None)


@pytest.mark.parametrize(
    ("lang", "shown"),
    [
        ("fr", f"15{NNBSP}657 facture(s) ouverte(s) à plus de 60 jours de leur date"),
        ("en", "15,657 open invoice(s) more than 60 days after their date"),
    ],
)
def test_alert_counts_carry_thousands_separators(lang, shown):
    assert widgets.alert_title(context(lang), "over_60_days", 15657, {}) == shown


@pytest.mark.parametrize(
    ("code", "lang", "label"),
    [
        ("4322A", "fr", "Plomberie, chauffage"),
        ("4322A", "en", "Plumbing and heating"),
        ("9999Z", "fr", "9999Z"),  # a code outside the table is shown as is
        (None, "en", "No sector"),
    ],
)
def test_sectors_read_as_activity_names(code, lang, label):
    assert charts.sector_label(code, lang) == label


def test_the_treemap_keeps_the_largest_tiles_of_each_sector_and_groups_the_rest():
    clients = pd.DataFrame(
        {
            "client_id": ["C1", "C2", "C3", "C4", "C5"],
            "name": ["Un", "Deux", "Trois", "Quatre", "Cinq"],
            "sector": ["4322A", "4322A", "4322A", "4322A", "6201Z"],
            "group_id": ["G1", "G1", None, None, None],
            "balance": [100.0, 50.0, 30.0, 10.0, 5.0],
        }
    )
    fig = charts.treemap(clients, "en", per_sector=2)
    tiles = dict(zip(fig.data[0].labels, fig.data[0].values, strict=True))
    # 4322A: G1 = 100 + 50 = 150, then Trois 30; Quatre (10) is the rest of the sector
    assert tiles["Plumbing and heating"] == 0.0
    assert (tiles["G1"], tiles["Trois"], tiles["Others (1)"]) == (150.0, 30.0, 10.0)
    assert tiles["Cinq"] == 5.0
    assert "4322A" not in tiles


@pytest.mark.parametrize(("lang", "suffix", "text"), [("fr", f"{NNBSP}%", f"15{NNBSP}%"), ("en", "%", "15%")])
def test_share_charts_write_percentages_as_the_language_does(lang, suffix, text):
    fig = charts.top_shares({1: 0.148, 3: 0.352}, lang, warning=0.4)
    assert fig.layout.yaxis.ticksuffix == suffix
    assert fig.data[0].text[0] == text  # 0.148 -> 15 %
    assert list(fig.data[0].y) == pytest.approx([14.8, 35.2])  # plotted in percent so the suffix reads right


@pytest.mark.parametrize(("value", "shown"), [(-14, ""), (0, ""), (15, "15"), (1234, f"1{NNBSP}234"), (None, "")])
def test_days_past_due_are_blank_for_an_invoice_not_yet_due(value, shown):
    assert tables._formatter("days_past_due", "fr", False)(value) == shown


@pytest.mark.parametrize(("lang", "shown"), [("fr", "31/10/2026 14:05"), ("en", "31/10/2026 14:05")])
def test_timestamps_show_the_date_and_the_time(lang, shown):
    assert fmt.datetime(lang)(dt.datetime(2026, 10, 31, 14, 5, 59)) == shown


@pytest.mark.parametrize(
    ("lang", "words"), [("fr", ["factures", "actions de relance"]), ("en", ["invoices", "dunning actions"])]
)
def test_import_kinds_are_words_not_codes(lang, words):
    assert list(tables._codes(pd.DataFrame({"kind": ["invoices", "dunning"]}), lang)["kind"]) == words


def test_dunning_statuses_follow_the_process_not_the_alphabet():
    statuses = ["level_5", "not_overdue", "level_10", "level_2", "no_action", "level_1"]
    assert sorted(statuses, key=views.dunning_order) == [
        "not_overdue",
        "no_action",
        "level_1",
        "level_2",
        "level_5",
        "level_10",
    ]


def test_role_names_follow_the_language_and_the_role_is_kept(demo_pages):
    at = run(app())
    at.selectbox(key="sidebar.view_as").set_value("credit_manager")
    run(at)
    at.radio(key="lang").set_value("en")
    run(at)
    assert at.selectbox(key="sidebar.view_as").options == [
        "CFO (viewer)",
        "Sales rep",
        "Collector",
        "Credit manager",
        "Administrator",
    ]
    assert at.selectbox(key="sidebar.view_as").value == "credit_manager"
    at.radio(key="lang").set_value("fr")
    run(at)
    assert "Administrateur" in at.selectbox(key="sidebar.view_as").options
    assert at.selectbox(key="sidebar.view_as").value == "credit_manager"
