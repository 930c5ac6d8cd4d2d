"""The workspace of this server process, and the unit of work each rerun holds it for."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from riskcore import config, demo
from riskcore.errors import StorageError
from riskcore.i18n import t
from riskcore.storage.store import Store, open_store


@st.cache_resource(show_spinner=False)
def _workspace(db: str) -> Store:
    # scoped: the file is let go between reruns, so a CLI import or a second server can write to it
    store = open_store(db, scoped=True)
    with store.hold():
        demo.ensure_workspace(store)  # a fresh workspace opens on the demo ledger (DESIGN.md)
    return store


@contextmanager
def session(lang: str) -> Iterator[Store]:
    """The Store of config storage.path / ENCOURS_DB, held open for this rerun (shared by every session).

    A workspace another process holds past storage.busy_timeout_seconds, a damaged or read-only file
    stop the page with their one-line message, never a traceback.
    """
    path = str(config.get().db_path)
    try:
        with st.spinner(t("ui.frame.opening", lang)):
            store = _workspace(path)
            held = store.hold()
            held.__enter__()
    except StorageError as exc:
        st.error(exc.message(lang), icon=":material/lock:")
        st.stop()
        raise
    try:
        yield store
    finally:
        held.__exit__(None, None, None)
