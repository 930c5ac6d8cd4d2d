"""The page registry: every screen, its section, title key and stable URL path, defined once.

app.py builds `st.navigation` from it and the AppTest smoke test reads it, so a page file
left out of this list fails that test.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from riskcore.access.auth import User
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
    # The permission its menu entry is shown for; the page itself still asks riskcore (a URL can be typed).
    needs: str | None = None


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/overview.py", "overview", "steering", ":material/dashboard:"),
    PageSpec("pages/aging.py", "aging", "steering", ":material/calendar_month:"),
    PageSpec("pages/concentration.py", "concentration", "steering", ":material/pie_chart:"),
    PageSpec("pages/forecast.py", "forecast", "steering", ":material/payments:"),
    PageSpec("pages/late_payers.py", "late_payers", "credit", ":material/schedule:"),
    PageSpec("pages/client.py", "client", "credit", ":material/person:"),
    PageSpec("pages/limits.py", "limits", "credit", ":material/tune:"),
    PageSpec("pages/model.py", "model", "credit", ":material/model_training:"),
    PageSpec("pages/collections.py", "collections", "collections", ":material/phone_in_talk:"),
    PageSpec("pages/my_clients.py", "my_clients", "collections", ":material/badge:"),
    PageSpec("pages/data.py", "data", "data", ":material/upload_file:"),
    PageSpec("pages/users.py", "users", "admin", ":material/manage_accounts:", needs="manage_users"),
    PageSpec("pages/audit.py", "audit", "admin", ":material/policy:", needs="audit"),
)
SECTIONS = ("steering", "credit", "collections", "data", "admin")
BY_PATH = {p.url_path: p for p in PAGES}


def shown_to(spec: PageSpec, user: User | None) -> bool:
    """Whether the menu lists `spec` for `user` (nobody known yet: only the pages that need nothing)."""
    return spec.needs is None or (user is not None and user.can(spec.needs))


def title(spec: PageSpec, lang: str) -> str:
    """The page's translated title (`ui.page.<url_path>`)."""
    return t(f"ui.page.{spec.url_path.replace('-', '_')}", lang)


def navigation(lang: str, user: User | None = None, *, menu: bool = True) -> st.navigation:
    """`st.navigation` with its sections, titles in `lang`; the overview is the home page.

    Every page is registered for every reader, so that a typed address reaches the page and the
    page's own riskcore check answers it; a page `user` (default: the reader of this run) may not
    open is left out of the menu, and a section left with nothing to show loses its header.
    `menu=False` registers the pages without any menu: the sign-in screen, which runs none of them.
    """
    sections: dict[str, list] = {t(f"ui.section.{s}", lang): [] for s in SECTIONS}
    for spec in PAGES:
        shown = shown_to(spec, user)
        page = st.Page(
            spec.file,
            title=title(spec, lang),
            icon=spec.icon,
            url_path=spec.url_path,
            default=spec is PAGES[0],
            visibility="visible" if shown else "hidden",
        )
        section = spec.section if shown else PAGES[0].section  # a hidden page draws nothing under any header
        sections[t(f"ui.section.{section}", lang)].append(page)
    # expanded: Streamlit folds a menu of more than 10 pages behind "View more", hiding Data and Administration.
    return st.navigation(
        {k: v for k, v in sections.items() if v}, position="sidebar" if menu else "hidden", expanded=True
    )


def page_file(url_path: str) -> str:
    """The file of the page at `url_path`, for st.switch_page and st.page_link."""
    return BY_PATH[url_path].file
