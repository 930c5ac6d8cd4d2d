"""Shared fixtures: a real DuckDB workspace file per test, small canonical ledgers."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
import yaml

from riskcore import config

# The CLI and catalogues follow config.yaml's language; tests pin it so messages are predictable.
os.environ.setdefault("ENCOURS_LANG", "en")
# No test may open the developer's workspace (data/encours.duckdb, or the ENCOURS_DB of their shell):
# whatever opens the default workspace gets a throwaway file. Tests that need one set their own.
os.environ["ENCOURS_DB"] = str(Path(tempfile.mkdtemp(prefix="encours-tests-")) / "default.duckdb")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def configured(tmp_path, monkeypatch):
    """Run with config.yaml changed in some keys (a real file, read through ENCOURS_CONFIG)."""

    def apply(**sections: dict) -> None:
        raw = yaml.safe_load(config.DEFAULT_PATH.read_text(encoding="utf-8"))
        for section, values in sections.items():
            raw[section].update(values)
        path = tmp_path / "config.yaml"
        path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
        monkeypatch.setenv("ENCOURS_CONFIG", str(path))
        config.get.cache_clear()

    yield apply
    config.get.cache_clear()


@pytest.fixture
def store(tmp_path):
    """A fresh, empty workspace in a real DuckDB file."""
    from riskcore.storage.store import Store

    s = Store(tmp_path / "workspace.duckdb")
    yield s
    s.close()
