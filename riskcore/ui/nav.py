"""The page registry: every screen, its section, title key and stable URL path, defined once.

app.py builds `st.navigation` from it and the AppTest smoke test reads it, so a page file
left out of this list fails that test.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from riskcore.i18n import t


@dataclass(frozen=True)
class PageSpec:
    """One screen: its file under pages/, the URL path end-to-end tests address, its section.

    The URL path is the file's stem: until st.navigation has run once in the server process,
    Streamlit serves a `pages/` folder by file name, so a first deep link must match a file.
    """

    file: str
    url_path: str
    section: str
    icon: str


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/overview.py", "overview", "steering", ":material/dashboard:"),
    PageSpec("pages/aging.py", "aging", "steering", ":material/calendar_month:"),
    PageSpec("pages/concentration.py", "concentration", "steering", ":material/pie_chart:"),
    PageSpec("pages/late_payers.py", "late_payers", "credit", ":material/schedule:"),
    PageSpec("pages/client.py", "client", "credit", ":material/person:"),
    PageSpec("pages/limits.py", "limits", "credit", ":material/tune:"),
    PageSpec("pages/collections.py", "collections", "collections", ":material/phone_in_talk:"),
    PageSpec("pages/my_clients.py", "my_clients", "collections", ":material/badge:"),
    PageSpec("pages/data.py", "data", "data", ":material/upload_file:"),
)
SECTIONS = ("steering", "credit", "collections", "data")
BY_PATH = {p.url_path: p for p in PAGES}


def title(spec: PageSpec, lang: str) -> str:
    """The page's translated title (`ui.page.<url_path>`)."""
    return t(f"ui.page.{spec.url_path.replace('-', '_')}", lang)


def navigation(lang: str) -> st.navigation:
    """`st.navigation` with its sections, titles in `lang`; the overview is the home page."""
    sections: dict[str, list] = {t(f"ui.section.{s}", lang): [] for s in SECTIONS}
    for spec in PAGES:
        page = st.Page(
            spec.file,
            title=title(spec, lang),
            icon=spec.icon,
            url_path=spec.url_path,
            default=spec is PAGES[0],
        )
        sections[t(f"ui.section.{spec.section}", lang)].append(page)
    return st.navigation(sections, position="sidebar")


def page_file(url_path: str) -> str:
    """The file of the page at `url_path`, for st.switch_page and st.page_link."""
    return BY_PATH[url_path].file
