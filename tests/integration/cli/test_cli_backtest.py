"""`encours evaluate --backtest` (issue 15 scope 1, acceptance 1): per-origin and pooled figures for the
model and both baselines, as JSON and as text; and the one-line refusals."""

from __future__ import annotations

import json

import pytest
from cli_support import encours

PREDICTORS = {"model", "logistic", "client_rate", "overall_rate"}
FIGURES = {"auc", "brier", "log_loss", "lift_top_decile", "calibration"}


@pytest.fixture(scope="module")
def backtest(db):
    done = encours("evaluate", "--db", db, "--backtest", "--origins", "3", "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_every_origin_and_the_pool_have_the_model_and_both_baselines(backtest):
    assert len(backtest["origins"]) == 3
    for part in [*backtest["origins"], backtest["pooled"]]:
        assert set(part["predictors"]) == PREDICTORS
        for figures in part["predictors"].values():
            assert set(figures) >= FIGURES
            assert len(figures["calibration"]) == 10  # ten bins of the predicted probability
    # the pool is the origins together: its invoices are the sum of theirs
    assert backtest["pooled"]["n"] == sum(o["n"] for o in backtest["origins"])
    # the overall rate ranks no invoice above another within an origin: AUC 0.5 there
    assert {o["predictors"]["overall_rate"]["auc"] for o in backtest["origins"]} == {0.5}
    assert 0 <= backtest["pooled"]["predictors"]["model"]["auc"] <= 1


def test_the_text_shows_the_pool_and_one_line_per_origin(db, backtest):
    done = encours("evaluate", "--db", db, "--backtest", "--origins", "3")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Rolling backtest: 3 monthly origins")
    for origin in backtest["origins"]:
        assert any(line.startswith(str(origin["origin"])) for line in lines)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "evaluate needs --split-date DATE (one time split) or --backtest (rolling origins)"),
        (("--backtest", "--origins", "0"), "not a whole number >= 1: 0"),
        (("--backtest", "--horizon-days", "10"), "--horizon-days 10 is shorter than --late-days"),
    ],
)
def test_bad_arguments_get_one_line_and_exit_2(db, args, message):
    extra = ("--late-days", "30") if "--horizon-days" in args else ()
    done = encours("evaluate", "--db", db, *args, *extra)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr
