"""The Cash forecast and Model pages in a real browser, on results saved beforehand (riskcore.credit.stored).

The workspace is a small demo ledger written by the test, its forecast, backtests and model card
computed and saved before `streamlit run` starts, as an administrator would have done once: the
pages then only read them. The weekly forecast is downloaded as Excel and read back with openpyxl.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from browser_support import BY_PATH, E2E_MARKS, LANGS, assert_no_error, open_screen, screenshot
from conftest import close_tab, new_tab, start_server, stop

from riskcore import demo
from riskcore.access.auth import demo_user
from riskcore.credit import model, stored
from riskcore.storage.store import open_store

pytestmark = E2E_MARKS
FORECAST, MODEL = BY_PATH["forecast"], BY_PATH["model"]


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, dict]]:
    """A server on a small demo workspace whose derived results were computed and saved before it started."""
    tmp = tmp_path_factory.mktemp("e2e-insight")
    db = tmp / "encours.duckdb"
    store = open_store(db)
    demo.load_demo(store, clients=60, years=2)
    admin, as_of = demo_user("admin"), model.default_as_of(store)
    forecast = stored.compute_forecast(store, admin, as_of, 13)  # 13: config forecast.weeks, the page's default
    stored.compute_forecast_backtest(store, admin, 13)
    stored.compute_backtest(store, admin)
    model.fit_model(store, as_of)  # the card the Model page reads
    version = store.data_version()
    store.close()
    try:
        proc, server = start_server(db, tmp / "streamlit.log")
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield server, {"version": version, "weekly": forecast.weekly}
    finally:
        stop(proc)
    # The server changed nothing the results depend on: they are still those of its data version.
    assert open_store(db).data_version() == version


@pytest.fixture
def tab(request: pytest.FixtureRequest, browser, saved) -> Iterator[object]:
    context, page = new_tab(browser, saved[0].url)
    yield page
    close_tab(request, context, page)


def charts(page) -> int:
    return page.locator('[data-testid="stPlotlyChart"]').count()  # open_screen waited for each to draw


@pytest.mark.parametrize("lang", LANGS)
def test_forecast_page_shows_the_saved_forecast_and_its_backtest(tab, artifacts: Path, lang: str) -> None:
    open_screen(tab, FORECAST, lang)
    assert_no_error(tab)
    # weekly cash-in and backtest WAPE by week: two charts, drawn from the saved files
    assert charts(tab) >= 2
    assert tab.locator(".st-key-forecast-compute").count() == 0  # saved: no compute button
    screenshot(tab, artifacts / f"{lang}-forecast-saved.png")


@pytest.mark.parametrize("lang", LANGS)
def test_model_page_shows_the_card_and_the_saved_backtest(tab, artifacts: Path, lang: str) -> None:
    open_screen(tab, MODEL, lang)
    assert_no_error(tab)
    assert charts(tab) == 4  # AUC and Brier by origin, calibration, lift
    assert tab.locator(".st-key-model-compute_backtest").count() == 0
    screenshot(tab, artifacts / f"{lang}-model-saved.png")


def test_the_weekly_forecast_downloads_as_excel_with_number_cells(tab, saved) -> None:
    open_screen(tab, FORECAST, "fr")
    with tab.expect_download() as download:
        tab.locator(".st-key-forecast-weekly_export-xlsx button").click()
    book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=False))
    headers = [c.value for c in rows[0]]
    assert headers[:4] == ["Semaine", "Début de semaine", "Fin de semaine", "Attendu"]  # ui.col.* in French
    assert len(rows) == 1 + 13  # a header and the 13 weeks
    first = rows[1][headers.index("Attendu")]
    # A number cell, not text, holding the saved figure of week 1 to the cent.
    assert first.data_type == "n" and isinstance(first.value, float | int)
    assert first.value == pytest.approx(float(saved[1]["weekly"]["expected"].iloc[0]), abs=0.005)
