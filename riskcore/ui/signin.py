"""The sign-in gate: nothing but a sign-in form until a workspace account signs in; the demo banner.

The session's sign-in lives in `st.session_state` on the server (never in the address nor a cookie)
as {name, role, person, signed_in_at, last_seen}, times naive UTC as the audit log keeps them. On
every run the account is read again (a disabled account is signed out at once, a new role applies)
and a session idle longer than auth.idle_minutes is signed out. The checks, the lockout and their
audit rows are riskcore.access.signin's; this module draws the form and keeps the session.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from riskcore import config
from riskcore.access import audit, signin
from riskcore.access.auth import User
from riskcore.errors import EncoursError
from riskcore.i18n import has, t
from riskcore.storage.store import Store
from riskcore.ui import nav
from riskcore.ui.fmt import literal

SIGNED_IN = "_encours_signed_in"  # a plain key, not a widget's: it survives page switches
_NOTICE = "_encours_signin_notice"  # why the form shows again: expired, ended or signed_out
# What a new sign-in keeps of the session before it: the reader's language, nothing of the last user.
_KEPT = ("lang", "_encours_lang")


def role_name(role: str, lang: str) -> str:
    """A role in words (`ui.role.<role>`); a role config.yaml adds without a message keeps its code."""
    return t(f"ui.role.{role}", lang) if has(f"ui.role.{role}", lang) else role


def _forget_session() -> None:
    """Drop everything the session kept (filters, choices, messages) but its language."""
    for key in list(st.session_state.keys()):
        if key not in _KEPT:
            del st.session_state[key]


def _start(user: User) -> None:
    _forget_session()  # the previous reader's filters and messages are not the new one's
    now = audit.utc_now()
    st.session_state[SIGNED_IN] = {
        "name": user.name,
        "role": user.role,
        "person": user.person,
        "signed_in_at": now,
        "last_seen": now,
    }


def _end(store: Store, user: User, why: str, lang: str) -> None:
    """Sign `user` out (audited), forget the session and say why on the form."""
    try:
        signin.sign_out(store, user)
    except EncoursError as exc:  # a busy workspace: the session ends all the same, unrecorded
        st.error(exc.message(lang), icon=":material/error:")
    _forget_session()
    st.session_state[_NOTICE] = why


def _signed_in(store: Store, lang: str) -> User | None:
    """The session's user as the workspace has them now, or None (never signed in, expired, disabled)."""
    state = st.session_state.get(SIGNED_IN)
    if not state:
        return None
    user = User(state["name"], state["role"], person=state["person"])
    now = audit.utc_now()
    if signin.expired(state["last_seen"], now):
        _end(store, user, "expired", lang)
        return None
    current = signin.current(store.cursor(), user)
    if current is None:  # disabled (or gone) since the last click
        _end(store, user, "ended", lang)
        return None
    st.session_state[SIGNED_IN] = {**state, "role": current.role, "person": current.person, "last_seen": now}
    return current


def _sidebar(store: Store, user: User, lang: str) -> None:
    box = st.sidebar.container(border=True, key="signin.who")
    box.markdown(t("ui.signin.signed_in_as", lang, name=literal(user.name), role=role_name(user.role, lang)))
    if box.button(t("ui.signin.sign_out", lang), key="signin.sign_out", icon=":material/logout:"):
        _end(store, user, "signed_out", lang)
        st.rerun()


def _notice(lang: str) -> None:
    why = st.session_state.pop(_NOTICE, None)
    if why == "expired":
        st.warning(t("ui.signin.expired", lang, minutes=config.get().auth.idle_minutes), icon=":material/timer_off:")
    elif why == "ended":
        st.warning(t("ui.signin.ended", lang), icon=":material/person_off:")
    elif why == "signed_out":
        st.info(t("ui.signin.signed_out", lang), icon=":material/logout:")


def _form(store: Store, lang: str) -> None:
    """The sign-in form; a correct sign-in starts the session and reruns, a refusal says why."""
    _, middle, _ = st.columns([1, 2, 1])
    with middle:
        st.title(t("ui.signin.title", lang))
        st.markdown(t("ui.signin.intro", lang))
        _notice(lang)
        with st.form("signin.form"):
            name = st.text_input(t("ui.signin.name", lang), key="signin.name", autocomplete="username")
            password = st.text_input(
                t("ui.signin.password", lang), key="signin.password", type="password", autocomplete="current-password"
            )
            submitted = st.form_submit_button(
                t("ui.signin.submit", lang), key="signin.submit", type="primary", icon=":material/login:"
            )
        if not submitted:
            return
        try:
            # the same message for a wrong password and an unknown name; the lockout its own
            user = signin.sign_in(store, name, password)
        except EncoursError as exc:
            st.error(exc.message(lang), icon=":material/lock:")
            return
    _start(user)
    st.rerun()


def _pages_without_menu(lang: str) -> None:
    """Register the pages with no menu (a deep link survives the sign-in); none of them runs.

    The first run of a server process is in Streamlit's `pages/` folder mode (see frame.context):
    the widgets drawn then would lose their first interaction, so run again in st.navigation's mode.
    """
    folder_mode = bool(PagesManager.uses_pages_directory)
    nav.navigation(lang, menu=False)  # sets st.navigation's mode for the process
    if folder_mode:
        st.rerun()


def gate(store: Store, lang: str) -> User:
    """The signed-in user of this session, with their name, role and a sign-out button in the sidebar.

    Anyone else sees the sign-in form alone and the run stops there: no sidebar data, no page.
    """
    user = _signed_in(store, lang)
    if user is not None:
        _sidebar(store, user, lang)
        return user
    _pages_without_menu(lang)
    _form(store, lang)
    st.stop()
    raise AssertionError  # st.stop() does not return


def without_accounts(store: Store, lang: str) -> None:
    """No account in the workspace: the demo banner on top of the page, or a refusal (auth.demo_mode false)."""
    db = literal(str(store.path))
    if not config.get().auth.demo_mode:
        _pages_without_menu(lang)
        st.error(t("access.no_users", lang, db=db), icon=":material/lock:")
        st.stop()
    # Not st.warning: the pages' own warnings stay the only ones (tests count them); a bordered
    # box with the warning icon, above the page's title, on every page.
    with st.container(border=True, key="demo_banner"):
        st.markdown(f":orange[:material/warning:] {t('ui.demo.banner', lang, db=str(store.path).replace('`', ''))}")
