"""AppTest fixtures: a real workspace file per test (ENCOURS_DB), caches cleared around each test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from riskcore import demo
from riskcore.storage.store import Store, clear_ledger, open_store


@pytest.fixture(autouse=True)
def navigation_mode(monkeypatch):
    """Run app.py first on every AppTest run, as a real server does once app.py has run.

    AppTest re-detects the `pages/` folder before each run and would then run a page file on
    its own (Streamlit's first multipage mode), dropping the clicks of that run.
    """
    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        PagesManager.uses_pages_directory = False  # what st.navigation in app.py sets
        original(self, *args, **kwargs)

    monkeypatch.setattr(PagesManager, "__init__", init)


def clear_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


def _workspace(path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    monkeypatch.setenv("ENCOURS_DB", str(path))
    monkeypatch.setenv("ENCOURS_LANG", "en")  # the app opens in English: the tests read English labels
    clear_caches()
    return open_store(path)


@pytest.fixture
def empty_workspace(tmp_path, monkeypatch) -> Iterator[Store]:
    """A cleared workspace (the app does not put the demo into it): nothing to show yet."""
    store = _workspace(tmp_path / "workspace.duckdb", monkeypatch)
    with store.transaction() as cur:
        clear_ledger(cur)
    yield store
    clear_caches()
    store.close()


@pytest.fixture
def demo_workspace(tmp_path, monkeypatch) -> Iterator[Store]:
    """A small demo ledger (60 clients, 2 years) so each test stays fast."""
    store = _workspace(tmp_path / "workspace.duckdb", monkeypatch)
    demo.load_demo(store, clients=60, years=2)
    yield store
    clear_caches()
    store.close()


@pytest.fixture(scope="module")
def shared_demo(tmp_path_factory) -> Iterator[Store]:
    """One small demo ledger for the read-only page tests of a module (the model is trained once)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        store = _workspace(tmp_path_factory.mktemp("demo") / "workspace.duckdb", monkeypatch)
        demo.load_demo(store, clients=60, years=2)
        yield store
        clear_caches()
        store.close()


@pytest.fixture
def demo_pages(shared_demo) -> Store:
    """The shared demo ledger with Streamlit's caches cleared before the test."""
    clear_caches()
    return shared_demo
