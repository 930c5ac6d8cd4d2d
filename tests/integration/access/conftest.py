"""The access tests' workspace: two clients of two sales reps, in a real DuckDB file copied per test."""

from __future__ import annotations

import shutil

import pytest
from access_ledger import CLIENTS, INVOICES, PAYMENTS
from builders import write_rows

from riskcore.storage.store import Store, set_meta


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    path = tmp_path_factory.mktemp("access") / "template.duckdb"
    store = Store(path)
    write_rows(store, INVOICES, PAYMENTS, clients=CLIENTS)
    with store.transaction() as cur:
        set_meta(cur, "dataset", "user")  # the user's own data (not the demo)
    store.close()
    return path


@pytest.fixture
def workspace(template, tmp_path):
    """A fresh copy of the template workspace, opened; closed after the test."""
    path = tmp_path / "workspace.duckdb"
    shutil.copyfile(template, path)
    store = Store(path)
    yield store
    store.close()
