"""The dashboard in a real browser: every page in both languages, an upload, a drill-down, timings.

A real `streamlit run app.py` serves a fresh temporary workspace (it opens on the demo
ledger) and Debian's chromium reads it through Playwright, as a user would. Screenshots
and the timings table land in tests/e2e/artifacts/ (git-ignored) for a human to look at.
"""

from __future__ import annotations

import json
import re
import statistics
import time
from pathlib import Path
from urllib.parse import unquote

import pytest
from browser_support import (
    BY_PATH,
    E2E_MARKS,
    LANGS,
    RUN_TIMEOUT_MS,
    SCREENS,
    Screen,
    Timing,
    as_of_caption,
    assert_no_error,
    click_first_row,
    metric_value,
    open_screen,
    pick_first_client,
    read_table,
    screenshot,
    sidebar_link,
    switch_language,
    table_with_header,
    timed,
    wait_for_page,
    wait_idle,
)

from riskcore.ui import nav

pytestmark = E2E_MARKS

# --- the pages ---------------------------------------------------------------------------------


def test_every_registered_page_is_visited_by_this_suite() -> None:
    # The app's registry and SCREENS name the same nine pages: a new page must get a title here.
    assert [p.url_path for p in nav.PAGES] == [s.path for s in SCREENS]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("screen", SCREENS, ids=lambda s: s.path)
def test_page_renders_its_translated_title_without_error(page, artifacts: Path, screen: Screen, lang: str) -> None:
    open_screen(page, screen, lang)
    if screen.path == "client":
        pick_first_client(page)  # an empty picker says little: show a real client file
    assert_no_error(page)
    assert page.locator('[data-testid="stMain"] h1').first.inner_text().strip() == screen.title(lang)
    screenshot(page, artifacts / f"{lang}-{screen.path}.png")


def test_deep_link_as_the_first_request_after_a_server_start_opens_that_page(own_page) -> None:
    # A bookmarked address is often the first request a restarted server gets: no "Page not found".
    late_payers = BY_PATH["late_payers"]
    open_screen(own_page, late_payers, "fr")
    assert_no_error(own_page)


def test_sidebar_language_switch_translates_the_page_and_follows_navigation(page) -> None:
    overview, data = BY_PATH["overview"], BY_PATH["data"]
    page.goto("/", wait_until="commit")
    wait_for_page(page, overview.fr)  # the server's default language is French (ENCOURS_LANG=fr)

    switch_language(page, "en", overview.en)
    # The navigation is translated too: the data page's link reads "Data".
    assert sidebar_link(page, data).inner_text().strip().endswith(data.en)

    sidebar_link(page, data).click()
    wait_for_page(page, data.en)  # the language stays English on the next page

    switch_language(page, "fr", data.fr)
    assert_no_error(page)


# --- an upload -----------------------------------------------------------------------------------

# A French accounting export: `;` separator, decimal comma, dd/mm/yyyy dates, two unknown clients.
INVOICES_CSV = (
    "N° facture;Code client;Date facture;Échéance;Montant TTC\n"
    "F-0001;CL-A;15/01/2026;14/02/2026;1 200,00\n"
    "F-0002;CL-A;01/02/2026;03/03/2026;800,50\n"
    "F-0003;CL-B;10/02/2026;12/03/2026;2 499,50\n"
)


def test_uploaded_invoices_file_is_imported_and_replaces_the_demo(own_page, tmp_path: Path, artifacts: Path) -> None:
    page, data, overview = own_page, BY_PATH["data"], BY_PATH["overview"]
    sample = tmp_path / "factures.csv"
    sample.write_text(INVOICES_CSV, encoding="utf-8")
    open_screen(page, data, "fr")

    page.locator(".st-key-data-upload input[type=file]").set_input_files(str(sample))
    import_button = page.locator(".st-key-data-import button")
    import_button.wait_for(state="visible", timeout=RUN_TIMEOUT_MS)  # shown once the file is read and mapped
    wait_idle(page)
    assert_no_error(page)
    import_button.click()

    page.get_by_text("Import terminé.", exact=True).wait_for(timeout=RUN_TIMEOUT_MS)
    wait_idle(page)
    assert_no_error(page)
    report = table_with_header(page, "Lignes chargées")
    # The report's row for the file: 3 rows read, 3 loaded, 0 rejected (the three invoice lines above).
    assert read_table(report, ["Fichier", "Type", "Lignes lues", "Lignes chargées", "Lignes rejetées"]) == [
        {
            "Fichier": "factures.csv",
            "Type": "factures",
            "Lignes lues": "3",
            "Lignes chargées": "3",
            "Lignes rejetées": "0",
        }
    ]
    screenshot(page, artifacts / "fr-data-import-report.png")

    sidebar_link(page, overview).click()
    wait_for_page(page, overview.fr)
    assert_no_error(page)
    # Outstanding: nothing is paid, 1 200,00 + 800,50 + 2 499,50 = 4 500,00 €, shown without decimals.
    assert metric_value(page, "Encours") == "4 500 €"
    # The demo ledger is gone, and so is its marker.
    assert page.locator('[data-testid="stSidebar"]').get_by_text("Données de démonstration").count() == 0
    screenshot(page, artifacts / "fr-overview-after-import.png")


# --- drill-down ----------------------------------------------------------------------------------


# Concentration table headers (ui.col.rank, ui.col.client_id, ui.col.name).
RANK = {"fr": "Rang", "en": "Rank"}
CLIENT = {"fr": "Client", "en": "Client"}
NAME = {"fr": "Raison sociale", "en": "Name"}


@pytest.mark.parametrize("lang", LANGS)
def test_selecting_a_client_on_concentration_opens_its_client_file(page, artifacts: Path, lang: str) -> None:
    concentration, client = BY_PATH["concentration"], BY_PATH["client"]
    open_screen(page, concentration, lang)
    as_of = as_of_caption(page)
    table = page.locator(".st-key-concentration-table")
    first = read_table(table, [RANK[lang], CLIENT[lang], NAME[lang]])[0]
    # The concentration table ranks clients by outstanding: its first row is rank 1.
    assert first[RANK[lang]] == "1"
    # The client column is a link to `client?client=<id>`; its accessible cell holds that address.
    client_id, name = unquote(first[CLIENT[lang]].rsplit("client=", 1)[-1]), first[NAME[lang]]
    assert re.fullmatch(r"C\d+", client_id), client_id  # demo client ids: C0001, C0002…

    click_first_row(table)
    wait_for_page(page, client.title(lang))
    # The client file has its own address, `client?client=<id>` (a same-document navigation).
    assert re.search(rf"/client\?(.*&)?client={re.escape(client_id)}(&|$)", page.url), page.url
    assert_no_error(page)
    # Same session, same as-of date and filters: the caption under the title is unchanged.
    assert as_of_caption(page) == as_of
    # The client file shows that client: its name as the header, its id as a badge.
    assert page.locator('[data-testid="stMain"] h2').first.inner_text().strip() == name
    assert page.locator('[data-testid="stMain"]').get_by_text(client_id, exact=True).count() >= 1
    screenshot(page, artifacts / f"{lang}-client-from-concentration.png")


# --- acceptance 3: time to first render (measured and written down, never asserted) ---------------

RUNS = 3  # measured loads per page after the warm-up; the median is reported


DEFINITIONS = {
    "first_url_*": "the warm-up load (cold caches only if no earlier test of the session opened the page)",
    "url_*": "page.goto(url) after that warm-up, until the event named by the suffix",
    "click_*": "click on the page's sidebar link, from the previous page, until the event named by the suffix",
    "*_ready_s": "the page's h1 title shows and Streamlit's script run is over (stApp notRunning)",
    "*_drawn_s": "ready, and no loading skeleton left and every Plotly chart has its SVG",
    "client": "URL loads open a client file (?client=); a sidebar click opens the client picker",
}


def measure_pages(page, lang: str = "fr", runs: int = RUNS) -> dict[str, dict[str, object]]:
    """Per page: timings of a URL load and of a sidebar click, after a warm-up; medians and every run."""
    client_query = ""
    first: dict[str, Timing] = {}
    for screen in SCREENS:  # warm-up: the first load fills Streamlit's caches for this data version
        first[screen.path] = open_screen(page, screen, lang)
        if screen.path == "client":
            pick_first_client(page)
            client_query = "?client=" + page.url.split("client=", 1)[1].split("&", 1)[0]
    loads: dict[str, list[Timing]] = {s.path: [] for s in SCREENS}
    clicks: dict[str, list[Timing]] = {s.path: [] for s in SCREENS}
    for _ in range(runs):
        for screen in SCREENS:
            loads[screen.path].append(open_screen(page, screen, lang, client_query if screen.path == "client" else ""))
        # In-app navigation, page after page from the data page (the last one loaded).
        for screen in SCREENS:
            start = time.perf_counter()
            sidebar_link(page, screen).click()
            clicks[screen.path].append(timed(page, screen.title(lang), start))
            assert_no_error(page)
    return {path: summary(first[path], loads[path], clicks[path]) for path in loads}


def summary(first: Timing, loads: list[Timing], clicks: list[Timing]) -> dict[str, object]:
    """The first (cold) load, then medians of each measure and every run, rounded to the millisecond."""
    out: dict[str, object] = {
        "first_url_ready_s": round(first.ready_s, 3),
        "first_url_drawn_s": round(first.drawn_s, 3),
    }
    for how, runs in (("url", loads), ("click", clicks)):
        for what in ("ready_s", "drawn_s"):
            values = [getattr(r, what) for r in runs]
            out[f"{how}_{what}"] = round(statistics.median(values), 3)
            out[f"{how}_{what}_runs"] = [round(v, 3) for v in values]
    return out


def timings_table(results: dict[str, dict[str, object]]) -> str:
    """The medians as a fixed-width text table."""
    heads = ("first_url_ready_s", "url_ready_s", "url_drawn_s", "click_ready_s", "click_drawn_s")
    lines = [f"{'page':<15}" + "".join(f"{h:>18}" for h in heads)]
    lines += [f"{path:<15}" + "".join(f"{r[h]:>18.3f}" for h in heads) for path, r in results.items()]
    return "\n".join(lines)


def test_time_to_first_render_of_every_page_is_measured_on_the_demo_ledger(page, artifacts: Path) -> None:
    results = measure_pages(page)
    # Every page was measured, each run a positive duration (a page that never renders times out instead).
    assert list(results) == [s.path for s in SCREENS]
    assert all(x > 0 for r in results.values() for k, v in r.items() if k.endswith("_runs") for x in v)
    out = {
        "ledger": "demo",
        "lang": "fr",
        "runs": RUNS,
        "statistic": "median",
        "definitions": DEFINITIONS,
        "pages": results,
    }
    (artifacts / "timings.json").write_text(json.dumps(out, indent=2), encoding="utf-8")
    print(f"\nTime to first render on the demo ledger, seconds, median of {RUNS} runs after a warm-up")
    print(timings_table(results))
