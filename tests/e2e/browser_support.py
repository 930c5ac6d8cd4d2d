"""Helpers of the browser tests: the screens, waiting for Streamlit, reading tables and cards."""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

CHROMIUM = Path("/usr/bin/chromium")
# Every browser test module: `pytestmark = E2E_MARKS`. Skipped only on a developer machine without
# chromium; under CI=true the browser fixture fails instead.
E2E_MARKS = [
    pytest.mark.e2e,
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
    Screen("forecast", "Prévision d'encaissements", "Cash forecast"),
    Screen("late_payers", "Retards", "Late payers"),
    Screen("client", "Fiche client", "Client file"),
    Screen("limits", "Limites de crédit", "Credit limits"),
    Screen("model", "Modèle", "Model"),
    Screen("collections", "Recouvrement", "Collections"),
    Screen("my_clients", "Mes clients", "My clients"),
    Screen("data", "Données", "Data"),
    Screen("users", "Utilisateurs", "Users"),
    Screen("audit", "Journal d'audit", "Audit log"),
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
    # Looked up afresh on each poll: the sidebar may draw the switch anew (a handle would keep the old one).
    try:
        page.wait_for_function(
            """(text) => {
          const label = document.querySelector('.st-key-lang [data-testid="stWidgetLabel"]');
          return !!label && label.innerText.trim() === text;
        }""",
            arg=SWITCH_LABEL[lang],
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
