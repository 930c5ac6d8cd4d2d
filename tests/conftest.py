"""Shared fixtures: a real DuckDB workspace file per test, small canonical ledgers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# The CLI and catalogues follow config.yaml's language; tests pin it so messages are predictable.
os.environ.setdefault("ENCOURS_LANG", "en")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def store(tmp_path):
    """A fresh, empty workspace in a real DuckDB file."""
    from riskcore.store import Store

    s = Store(tmp_path / "workspace.duckdb")
    yield s
    s.close()
