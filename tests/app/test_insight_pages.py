"""The Cash forecast and Model pages: nothing computed on view, a click computes and saves, both languages."""

from __future__ import annotations

import pytest
from apptest_support import RAW_KEY, app, run, texts

from riskcore.access.auth import demo_user
from riskcore.credit import model, stored
from riskcore.ui import nav

FORECAST, MODEL = nav.BY_PATH["forecast"], nav.BY_PATH["model"]


def open_page(spec: nav.PageSpec, lang: str):
    at = app()
    run(at)
    if at.radio(key="lang").value != lang:
        at.radio(key="lang").set_value(lang)
        run(at)
    at.switch_page(spec.file)
    return run(at)


def charts(at) -> list:
    return at.get("plotly_chart")


def frames(at) -> list:
    return list(at.dataframe)


def no_raw_key(at) -> None:
    assert [text for text in texts(at) if RAW_KEY.search(text)] == []


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_forecast_page_shows_a_button_then_the_saved_forecast_once_computed(demo_workspace, lang):
    as_of = model.default_as_of(demo_workspace)
    assert stored.forecast_for(demo_workspace, as_of, 13) is None  # nothing saved on a fresh workspace

    at = open_page(FORECAST, lang)
    assert at.title[0].value == nav.title(FORECAST, lang)
    # Opening the page computed nothing: still no saved forecast, a button instead, no chart.
    assert stored.forecast_for(demo_workspace, as_of, 13) is None
    assert charts(at) == []
    no_raw_key(at)

    at.button(key="forecast.compute").click()
    run(at)
    saved = stored.forecast_for(demo_workspace, as_of, 13)
    assert saved is not None and len(saved.weekly) == 13  # the default horizon, config forecast.weeks
    assert len(charts(at)) == 1  # the weekly cash-in chart (the backtest is not run yet)
    # weekly, by client, apart: three tables
    assert len(frames(at)) == 3
    weekly = frames(at)[0].value
    assert len(weekly) == 13 and {"en": "Expected", "fr": "Attendu"}[lang] in weekly.columns  # ui.col.expected
    no_raw_key(at)
    # The backtest stays a button: it is not run with the forecast.
    assert at.button(key="forecast.compute_backtest") is not None


def test_forecast_backtest_is_computed_on_click_and_shown_with_its_chart(demo_workspace):
    at = open_page(FORECAST, "en")
    at.button(key="forecast.compute_backtest").click()
    run(at)
    assert stored.forecast_backtest_for(demo_workspace, 13) is not None
    # Only the backtest was asked for: its chart and table, and the forecast's button still there.
    assert len(charts(at)) == 1
    assert len(frames(at)) == 1
    assert any("WAPE" in m.label for m in at.metric)
    no_raw_key(at)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_model_page_shows_the_card_and_runs_the_backtest_on_click(demo_workspace, lang):
    at = open_page(MODEL, lang)
    assert at.title[0].value == nav.title(MODEL, lang)
    assert stored.backtest_for(demo_workspace) is None
    assert charts(at) == []
    # config scoring.late_days is 30: the target sentence names it
    assert any("30" in m.value and "late_days" in m.value for m in at.markdown)
    no_raw_key(at)

    at.button(key="model.compute_backtest").click()
    run(at)
    result = stored.backtest_for(demo_workspace)
    assert result is not None and len(result["origins"]) == 12  # stored.BACKTEST_ORIGINS
    # AUC and Brier by origin, calibration, lift
    assert len(charts(at)) == 4
    # pooled (4 predictors) and by origin (12 months)
    assert [len(f.value) for f in frames(at)] == [4, 12]
    no_raw_key(at)


def test_a_viewer_sees_the_backtest_button_disabled(demo_workspace):
    at = app()
    run(at)
    at.selectbox(key="sidebar.view_as").set_value("viewer")
    run(at)
    at.switch_page(MODEL.file)
    run(at)
    assert at.button(key="model.compute_backtest").disabled


def test_a_saved_result_of_an_older_data_version_is_not_shown(demo_workspace):
    admin = demo_user("admin")
    as_of = model.default_as_of(demo_workspace)
    stored.compute_forecast(demo_workspace, admin, as_of, 4)
    assert stored.forecast_for(demo_workspace, as_of, 4) is not None
    old = stored.folder(demo_workspace)
    with demo_workspace.transaction():
        pass  # a ledger write: the data version moves on by one
    assert stored.forecast_for(demo_workspace, as_of, 4) is None
    # Saving one of the new version drops the old version's folder: nothing would read it again.
    stored.compute_forecast(demo_workspace, admin, as_of, 4)
    assert stored.forecast_for(demo_workspace, as_of, 4) is not None
    assert not old.exists()
