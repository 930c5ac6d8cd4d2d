"""The CLI tests' workspace: the demo with 60 clients over 2 years, in a real DuckDB file."""

from __future__ import annotations

import pytest

from riskcore import demo
from riskcore.storage.store import Store


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    """The path of a module's own demo workspace (seed 42), closed so that the CLI opens it."""
    path = tmp_path_factory.mktemp("cli") / "workspace.duckdb"
    store = Store(path)
    demo.load_demo(store, seed=42, clients=60, years=2)
    store.close()
    return str(path)
