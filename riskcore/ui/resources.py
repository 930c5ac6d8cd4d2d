"""The workspace of this server process, opened once (and given the demo ledger when new)."""

from __future__ import annotations

import duckdb
import streamlit as st

from riskcore import config, demo
from riskcore.i18n import t
from riskcore.storage.store import Store, open_store


@st.cache_resource(show_spinner=False)
def _workspace(db: str) -> Store:
    store = open_store(db)
    demo.ensure_workspace(store)  # a fresh workspace opens on the demo ledger (DESIGN.md)
    return store


def workspace(lang: str) -> Store:
    """The Store of config storage.path / ENCOURS_DB, shared by every session of this process."""
    path = str(config.get().db_path)
    try:
        with st.spinner(t("ui.frame.opening", lang)):
            return _workspace(path)
    except duckdb.IOException:  # another process (a CLI import, a second server) holds the file
        st.error(t("ui.frame.locked", lang, path=path), icon=":material/lock:")
        st.stop()
        raise
