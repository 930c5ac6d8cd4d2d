"""The shared frame: workspace, sidebar (language, role, as-of date, filters) and the page context.

app.py calls `render()` once per run before the page; every page then calls `context()`
and receives the same values, so a filter or the as-of date applies to all pages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import fields

import streamlit as st

from riskcore import config
from riskcore.access import users
from riskcore.access.auth import DEMO_USERS, PERSONAL_ROLES, User, demo_user
from riskcore.i18n import LANGUAGES, default_language, t
from riskcore.receivables.filters import DIMENSIONS, Filters, visible_to
from riskcore.storage.store import Store
from riskcore.ui import cached, signin
from riskcore.ui.context import Context

_ACTIVE: ContextVar[Context | None] = ContextVar("encours_context", default=None)
LANGUAGE_NAMES = {"fr": "Français", "en": "English"}
_LANG = "_encours_lang"  # kept apart from the widget's own state, which Streamlit may drop


def language() -> str:
    """The session's language: `?lang=fr|en` when the session opens, then the sidebar switch."""
    if _LANG not in st.session_state:
        wanted = st.query_params.get("lang")
        st.session_state[_LANG] = wanted if wanted in LANGUAGES else default_language()
    return st.session_state[_LANG]


def _remember_language() -> None:
    st.session_state[_LANG] = st.session_state["lang"]
    st.query_params["lang"] = st.session_state["lang"]  # the address keeps the language when shared


def _language_switch() -> str:
    lang = language()
    st.session_state["lang"] = lang
    st.sidebar.radio(
        t("ui.sidebar.language", lang),
        LANGUAGES,
        format_func=LANGUAGE_NAMES.__getitem__,
        horizontal=True,
        key="lang",
        on_change=_remember_language,
    )
    return lang


def _person(store: Store, role: str, lang: str) -> str | None:
    """Demo mode, as a sales rep or a collector: which one (the names the clients file gives)."""
    if role not in PERSONAL_ROLES:
        return None
    names = cached.people(str(store.path), store.data_version()).get(role, ())
    if not names:
        return None
    key = f"sidebar.person.{role}"
    kept = st.session_state.get(f"_encours_person.{role}")  # a plain key: it survives page switches
    if st.session_state.get(key) not in names:
        st.session_state[key] = kept if kept in names else names[0]
    name = st.sidebar.selectbox(t(f"ui.sidebar.person_{role}", lang), names, key=key)
    st.session_state[f"_encours_person.{role}"] = name
    return name


def _demo_user(store: Store, lang: str) -> User:
    """No account yet: the demo banner and the "view as" switch (auth.demo_mode false: a refusal, then a stop)."""
    signin.without_accounts(store, lang)
    # Re-set the role when the language changes: otherwise the browser keeps showing the role's
    # name in the previous language (the widget keeps its key, so its value is not re-sent).
    role = st.session_state.get("sidebar.view_as") or st.session_state.get("_encours_role") or "admin"
    if st.session_state.get("_view_as_lang") != lang or "sidebar.view_as" not in st.session_state:
        st.session_state["sidebar.view_as"] = role
    st.session_state["_view_as_lang"] = lang
    role = st.sidebar.selectbox(
        t("ui.sidebar.view_as", lang),
        tuple(DEMO_USERS),
        format_func=lambda r: t(f"ui.role.{r}", lang),
        key="sidebar.view_as",
        help=t("ui.sidebar.view_as_help", lang),
    )
    st.session_state["_encours_role"] = role  # a plain key: it survives page switches
    return demo_user(role, _person(store, role, lang))


def _user(store: Store, lang: str) -> User:
    """The reader of this run: once the workspace has an account, the signed-in one (else the
    sign-in form alone and a stop, riskcore.ui.signin); without accounts, the demo's "view as"."""
    return signin.gate(store, lang) if users.count(store.cursor()) > 0 else _demo_user(store, lang)


def _as_of(store: Store, version: int, lang: str) -> dt.date | None:
    """The as-of date: the last date in the data unless the reader picked another one."""
    last = cached.last_date(str(store.path), version)
    if last is None:
        return None
    # Follow the data's last date after an import, unless the reader chose a date of their own.
    previous_default = st.session_state.get("_as_of_default")
    kept = st.session_state.get("_as_of_kept")  # a plain key: it survives page switches
    if kept is None or (previous_default != last and kept == previous_default):
        kept = last
    if st.session_state.get("sidebar.as_of") in (None, previous_default) or "sidebar.as_of" not in st.session_state:
        # Streamlit may drop a widget's state on a page switch; date_input would then show today.
        st.session_state["sidebar.as_of"] = kept
    st.session_state["_as_of_default"] = last
    chosen = st.sidebar.date_input(
        t("ui.sidebar.as_of", lang),
        min_value=dt.date(last.year - 30, 1, 1),
        max_value=dt.date(last.year + 5, 12, 31),
        format="DD/MM/YYYY",
        key="sidebar.as_of",
        help=t("ui.sidebar.as_of_help", lang),
    )
    st.session_state["_as_of_kept"] = chosen
    return chosen


def _filters(store: Store, version: int, lang: str) -> Filters:
    options = cached.filter_options(str(store.path), version)
    chosen = {f.name: tuple(st.session_state.get(f"sidebar.filter.{f.name}") or ()) for f in fields(Filters)}
    label = t("ui.sidebar.filters", lang)
    if any(chosen.values()):
        label = t("ui.sidebar.filters_active", lang, n=sum(bool(v) for v in chosen.values()))
    with st.sidebar.expander(label, expanded=False):
        picked = {}
        for dim in DIMENSIONS:
            picked[dim] = tuple(
                st.multiselect(
                    t(f"ui.dimension.{dim}", lang),
                    options.get(dim, ()),
                    key=f"sidebar.filter.{dim}",
                    placeholder=t("ui.sidebar.all", lang),
                )
            )
    return Filters(**picked)


def render(store: Store) -> Context:
    """Draw the shared sidebar and remember the page context of this run."""
    head = st.sidebar.container()
    lang = _language_switch()
    version = store.data_version()
    head.markdown(f"### {config.get().app.workspace_name}")
    if store.is_demo():
        head.badge(t("ui.sidebar.demo_badge", lang), icon=":material/science:", color="orange")
    user = _user(store, lang)
    as_of = _as_of(store, version, lang)
    filters = visible_to(user, _filters(store, version, lang))  # a sales rep: their own clients only
    return Context(store=store, version=version, lang=lang, user=user, as_of=as_of, filters=filters)


@contextmanager
def active(ctx: Context) -> Iterator[None]:
    """Make `ctx` the context of the page that runs inside this block (app.py wraps the navigation)."""
    token = _ACTIVE.set(ctx)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def context() -> Context:
    """The context app.py computed for this run."""
    ctx = _ACTIVE.get()
    if ctx is None:
        # Streamlit treats a `pages/` folder beside app.py as a multipage app of the first kind until
        # app.py has called st.navigation once in the process (AppTest resets that on every run): a
        # request for /data then runs pages/data.py alone. Switch to st.navigation's mode and rerun,
        # which runs app.py first.
        from streamlit.runtime.pages_manager import PagesManager

        PagesManager.uses_pages_directory = False
        st.rerun()
    return ctx
