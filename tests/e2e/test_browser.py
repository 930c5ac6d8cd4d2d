"""The dashboard in a real browser: every page in both languages, an upload, a drill-down, timings.

A real `streamlit run app.py` serves a fresh temporary workspace (it opens on the demo
ledger) and Debian's chromium reads it through Playwright, as a user would. Screenshots
and the timings table land in tests/e2e/artifacts/ (git-ignored) for a human to look at.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from riskcore.ui import nav

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.e2e,
    # Skipped only on a developer machine without chromium; under CI=true the browser fixture fails instead.
    pytest.mark.skipif(
        not CHROMIUM.exists() and os.environ.get("CI") != "true",
        reason=f"{CHROMIUM} not installed (Debian package chromium); with CI=true this is a failure",
    ),
]

ROOT = Path(__file__).resolve().parents[2]
# t() shows the key itself when a catalogue lacks it: `ui.col.overdue_rate` on screen is a missing message.
DOMAINS = sorted(p.stem for p in (ROOT / "riskcore" / "locales" / "en").glob("*.yaml"))
RAW_KEY = re.compile(
    rf"(?<![.@/])\b(?:{'|'.join(DOMAINS)})\.(?!(?:yaml|yml|csv|xlsx|json|sql|py|parquet|duckdb)\b)[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*"
)
RUN_TIMEOUT_MS = 120_000  # one Streamlit run; the first one also writes the demo ledger into the workspace


@dataclass(frozen=True)
class Screen:
    """One page: its URL path and its title in each language, written out by hand."""

    path: str
    fr: str
    en: str

    def title(self, lang: str) -> str:
        return getattr(self, lang)

    @property
    def url(self) -> str:
        """Its address: Streamlit serves the default page (the overview) at `/` and nowhere else."""
        return "/" if self is SCREENS[0] else f"/{self.path}"


SCREENS = (
    Screen("overview", "Vue d'ensemble", "Overview"),
    Screen("aging", "Balance âgée", "Aging balance"),
    Screen("concentration", "Concentration", "Concentration"),
    Screen("late_payers", "Retards", "Late payers"),
    Screen("client", "Fiche client", "Client file"),
    Screen("limits", "Limites de crédit", "Credit limits"),
    Screen("collections", "Recouvrement", "Collections"),
    Screen("my_clients", "Mes clients", "My clients"),
    Screen("data", "Données", "Data"),
)
BY_PATH = {s.path: s for s in SCREENS}
LANGS = ("fr", "en")
LANGUAGE_NAMES = {"fr": "Français", "en": "English"}
SWITCH_LABEL = {
    "fr": "Langue",
    "en": "Language",
}  # ui.sidebar.language  # the switch shows each language in its own words

# True once the page's script run is over and the websocket is up (attributes set by Streamlit's frontend).
_IDLE = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
    && app.getAttribute('data-test-connection-state') === 'CONNECTED';
}"""
# True once the page shows `title` as its h1 and the run is over.
_SHOWS = (
    """(title) => {
  const h1 = [...document.querySelectorAll('[data-testid="stMain"] h1')].some(h => h.innerText.trim() === title);
  return h1 && ("""
    + _IDLE
    + """)();
}"""
)
# Everything is drawn: no loading skeleton left (charts and tables load their code lazily), every
# Plotly chart has its SVG.
_DRAWN = """() => document.querySelector('[data-testid="stSkeleton"]') === null
  && [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].every(c => c.querySelector('.main-svg') !== null)"""
# Every visible table has drawn its accessible copy (headers at least); grids off screen never do, and
# those in a closed expander or another tab are not shown at all.
_TABLES_DRAWN = """() => [...document.querySelectorAll('[data-testid="stDataFrame"]')]
  .filter(d => d.checkVisibility())
  .every(d => d.querySelector("table[role='grid'] thead th") !== null)"""
# Every text node of the app, one per line (textContent would glue a header to the next one).
_ALL_TEXT = """() => {
  const walk = document.createTreeWalker(document.querySelector('[data-testid="stApp"]'), NodeFilter.SHOW_TEXT);
  const out = [];
  while (walk.nextNode()) out.push(walk.currentNode.data);
  return out.join('\\n');
}"""
# The height of the whole page: Streamlit scrolls inside its main block, not the document.
_FULL_HEIGHT = """() => Math.max(window.innerHeight, ...[...document.querySelectorAll(
  '[data-testid="stMain"], [data-testid="stAppViewContainer"], [data-testid="stSidebarContent"]')]
  .map(e => e.scrollHeight))"""


def wait_for_page(page, title: str) -> None:
    """Wait until the page shows `title` as its h1 and Streamlit has finished running it."""
    try:
        page.wait_for_function(_SHOWS, arg=title, timeout=RUN_TIMEOUT_MS, polling="raf")
    except PlaywrightTimeout:
        raise AssertionError(f"page never showed {title!r} and went idle; it shows: {describe(page)}") from None


def wait_idle(page) -> None:
    """Wait until Streamlit's script run is over (after a widget interaction)."""
    try:
        page.wait_for_function(_IDLE, timeout=RUN_TIMEOUT_MS, polling="raf")
    except PlaywrightTimeout:
        raise AssertionError(f"the app never went idle; it shows: {describe(page)}") from None


def describe(page) -> str:
    """What the page shows now, for failure messages: URL, titles, run state and any exception."""
    return page.evaluate(
        """() => {
      const app = document.querySelector('[data-testid="stApp"]');
      const h1 = [...document.querySelectorAll('h1')].map(h => h.innerText.trim());
      const exc = [...document.querySelectorAll('[data-testid="stException"]')].map(e => e.innerText.slice(0, 600));
      return JSON.stringify({url: location.href, h1, state: app && app.getAttribute('data-test-script-state'),
        connection: app && app.getAttribute('data-test-connection-state'), exceptions: exc});
    }"""
    )


def wait_drawn(page) -> None:
    """Wait until no element is still a loading skeleton and every chart is drawn."""
    try:
        page.wait_for_function(_DRAWN, timeout=RUN_TIMEOUT_MS, polling="raf")
    except PlaywrightTimeout:
        raise AssertionError(f"the page never finished drawing; it shows: {describe(page)}") from None


def switch_language(page, lang: str, title: str) -> None:
    """Pick `lang` in the sidebar's language switch, as a user does, and wait for the page in that language."""
    switch = page.locator(".st-key-lang")
    switch.get_by_text(LANGUAGE_NAMES[lang], exact=True).click()
    # Some titles read the same in both languages: wait for the switch's own label to change first.
    label = switch.get_by_test_id("stWidgetLabel")
    try:
        page.wait_for_function(
            "([el, text]) => el.innerText.trim() === text", arg=[label.element_handle(), SWITCH_LABEL[lang]]
        )
    except PlaywrightTimeout:
        raise AssertionError(f"the language switch never read {SWITCH_LABEL[lang]!r}: {describe(page)}") from None
    wait_for_page(page, title)


@dataclass(frozen=True)
class Timing:
    """Seconds from navigation start to the title shown with the app idle, and to everything drawn."""

    ready_s: float
    drawn_s: float


def timed(page, title: str, start: float) -> Timing:
    """Wait for `title` and idle, then for the drawing to finish, timing both from `start`."""
    wait_for_page(page, title)
    ready = time.perf_counter() - start
    wait_drawn(page)
    return Timing(ready, time.perf_counter() - start)


def open_screen(page, screen: Screen, lang: str, query: str = "") -> Timing:
    """Load `screen` by its URL, then switch to `lang` in the sidebar if it is not the default (French).

    Returns the timing of the URL load (in French, before any switch).
    """
    start = time.perf_counter()
    page.goto(f"{screen.url}{query}", wait_until="commit")
    timing = timed(page, screen.fr, start)  # the server's default language is French (ENCOURS_LANG=fr)
    if lang != "fr":
        switch_language(page, lang, screen.title(lang))
        wait_drawn(page)
    return timing


def assert_no_error(page) -> None:
    """No exception box, no traceback text, no dialog (Streamlit's "Page not found"), no JavaScript error."""
    dialogs = page.get_by_role("dialog")
    assert dialogs.count() == 0, dialogs.first.inner_text()
    assert page.locator('[data-testid="stException"]').count() == 0, page.locator(
        '[data-testid="stException"]'
    ).first.inner_text()
    body = page.inner_text("body")
    assert "Traceback" not in body
    # textContent also holds chart SVG text and table cells drawn on canvas (their accessible copy).
    text = page.evaluate(_ALL_TEXT)
    assert sorted(set(RAW_KEY.findall(text))) == [], "message keys shown instead of their text"
    assert page.page_errors == []


def screenshot(page, path: Path) -> None:
    """A full-page screenshot: the viewport is stretched to the page's height while it is taken.

    With the whole page on screen every table is drawn, so the page is checked once more for errors
    and raw message keys: a table's text exists only once the grid has drawn it.
    """
    wait_drawn(page)
    size = page.viewport_size
    height = min(int(page.evaluate(_FULL_HEIGHT)), 12_000)
    page.set_viewport_size({"width": size["width"], "height": height})
    wait_drawn(page)  # elements scrolled into view may start loading now
    try:
        page.wait_for_function(_TABLES_DRAWN, timeout=30_000, polling="raf")
    except PlaywrightTimeout:
        raise AssertionError(f"a table was never drawn; the page shows: {describe(page)}") from None
    assert_no_error(page)
    # Two animation frames: the charts re-lay themselves out for the new size before the shot.
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)


def read_table(frame, headers: list[str]) -> list[dict[str, str]]:
    """The rows an st.dataframe shows, by header, from the grid's accessible table (the canvas has no text).

    The grid redraws its accessible copy a moment after the run ends (after a language switch, say):
    wait until it carries every one of `headers` and at least one row.
    """
    try:
        frame.page.wait_for_function(
            """([f, want]) => {
          const t = f.querySelector("table[role='grid']");
          if (!t || !t.querySelector('tbody tr')) return false;
          const heads = [...t.querySelectorAll('thead th')].map(th => th.innerText.trim());
          return want.every(h => heads.includes(h));
        }""",
            arg=[frame.element_handle(), headers],
            timeout=30_000,
        )
    except PlaywrightTimeout:
        raise AssertionError(f"the table never showed the columns {headers}: {describe(frame.page)}") from None
    return frame.evaluate(
        """f => {
      const t = f.querySelector("table[role='grid']");
      const heads = [...t.querySelectorAll('thead th')].map(th => th.innerText.trim());
      return [...t.querySelectorAll('tbody tr')].map(tr => Object.fromEntries(
        [...tr.querySelectorAll('td')].map((td, i) => [heads[i], td.innerText.trim()])));
    }"""
    )


def table_with_header(page, header: str):
    """The st.dataframe that has a column headed `header` (tables carry no addressable key)."""
    return page.locator('[data-testid="stDataFrame"]').filter(has=page.locator("th", has_text=header))


def metric_value(page, label: str) -> str:
    """The value of the st.metric card labelled `label`, spaces normalised (babel uses narrow no-break ones)."""
    exact = re.compile(rf"^\s*{re.escape(label)}\s*$")
    card = page.locator('[data-testid="stMetric"]').filter(
        has=page.get_by_test_id("stMetricLabel").filter(has_text=exact)
    )
    return normalise(card.get_by_test_id("stMetricValue").inner_text())


def normalise(text: str) -> str:
    """Narrow and ordinary no-break spaces as plain spaces, outer blanks stripped."""
    return text.replace("\u202f", " ").replace("\xa0", " ").strip()


def sidebar_link(page, screen: Screen):
    """The sidebar navigation link to `screen` (hrefs are absolute)."""
    origin = page.evaluate("() => location.origin")
    return page.locator(f'[data-testid="stSidebarNav"] a[href="{origin}{screen.url}"]')


def pick_first_client(page) -> None:
    """On the client file: choose the first client of the picker, as a user would."""
    page.locator(".st-key-client").get_by_role("combobox").click()
    page.get_by_role("option").first.click()
    page.wait_for_function("() => new URLSearchParams(location.search).has('client')", timeout=RUN_TIMEOUT_MS)
    wait_idle(page)


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


def as_of_caption(page) -> str:
    """The caption under the page title: `Au 30/10/2026 · tous les clients`."""
    return normalise(page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').first.inner_text())


def click_first_row(frame) -> None:
    """Select the first data row of a selectable st.dataframe by its row marker, as a user clicks it."""
    grid = frame.get_by_test_id("stDataFrameResizable")
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    assert box is not None
    # Glide draws a 35 px header, then 35 px rows; the row-marker column is the leftmost ~30 px.
    frame.page.mouse.click(box["x"] + 15, box["y"] + 35 + 17)


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
