"""config.yaml is validated at start; a bad value names its key and value."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
import yaml

from riskcore import config
from riskcore.errors import ConfigError


@pytest.fixture(scope="module")
def raw() -> dict:
    return yaml.safe_load(config.DEFAULT_PATH.read_text(encoding="utf-8"))


def test_shipped_config_loads_into_frozen_dataclasses(raw):
    cfg = config.parse(raw)
    assert cfg.import_.max_reject_rate == 0.05
    assert cfg.aging.bucket_edges == (30, 60, 90)
    assert cfg.limits.grade_factors == {"A": 1.5, "B": 1.2, "C": 1.0, "D": 0.5, "E": 0.0}
    assert cfg.legal.ecb_rates[0] == config.DatedRate(dt.date(2022, 1, 1), 0.0)
    with pytest.raises(AttributeError):
        cfg.kpi.dso_days = 30  # frozen


@pytest.mark.parametrize(
    ("path", "value", "named"),
    [
        (("kpi", "dso_days"), -3, "kpi.dso_days"),
        (("kpi", "dso_days"), "ninety", "kpi.dso_days"),
        (("import", "max_reject_rate"), 1.5, "import.max_reject_rate"),
        (("aging", "bucket_edges"), [60, 30, 90], "aging.bucket_edges"),
        (("app", "default_language"), "de", "app.default_language"),
        (("scoring", "grade_cutoffs"), {"A": 50, "B": 65, "C": 50, "D": 35}, "scoring.grade_cutoffs"),
        (("limits", "grade_factors"), {"A": 1.5}, "limits.grade_factors"),
        (("limits", "rounding_step"), 0, "limits.rounding_step"),
        (("legal", "ecb_rates"), [{"from": dt.date(2024, 1, 1), "rate": 4.5}], "legal.ecb_rates[0].rate"),
        (("legal", "ecb_rates"), [{"rate": 0.045}], "legal.ecb_rates[0].from"),
        (("auth", "max_failures"), 0, "auth.max_failures"),
        (("storage", "busy_timeout_seconds"), -1, "storage.busy_timeout_seconds"),
        # accounts live in the workspace now (encours users add): a users list left in config.yaml is named
        (("users",), [{"name": "ana", "role": "admin"}], "users"),
    ],
)
def test_bad_value_names_the_key_and_the_value(raw, path, value, named):
    bad = copy.deepcopy(raw)
    node = bad
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    with pytest.raises(ConfigError) as err:
        config.parse(bad)
    assert named in str(err.value)
    assert named in err.value.message("fr")


def test_unknown_key_is_refused_with_its_name(raw):
    bad = copy.deepcopy(raw)
    bad["kpi"]["dso_dayz"] = 90
    with pytest.raises(ConfigError, match=r"kpi\.dso_dayz"):
        config.parse(bad)


def test_unreadable_file_is_a_config_error(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("kpi: [unclosed", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"config\.yaml"):
        config.load(path)


def test_workspace_path_follows_encours_db(raw, monkeypatch, tmp_path):
    monkeypatch.setenv("ENCOURS_DB", str(tmp_path / "w.duckdb"))
    assert config.parse(raw).db_path == tmp_path / "w.duckdb"


def test_relative_workspace_path_is_under_the_project(raw, monkeypatch):
    monkeypatch.delenv("ENCOURS_DB", raising=False)
    assert config.parse(raw).db_path == config.ROOT / "data" / "encours.duckdb"
