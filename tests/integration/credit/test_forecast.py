"""Cash-in forecast and its backtest (issue 15 §6-7, acceptance 3), on real DuckDB workspaces.

The hand ledger below holds 3 payments over 28 invoice-weeks of history (fewer than
forecast.min_training_events = 20): the hazard is then one weekly rate h = (payments + 1) / (rows + 2),
which lets every weekly figure be worked out by hand, censored weeks and all.
"""

from __future__ import annotations

import datetime as dt
import shutil

import numpy as np
import pytest
import yaml
from builders import inv, pay, write_rows

from riskcore import config, demo
from riskcore.access.auth import demo_user
from riskcore.credit import forecast, forecast_backtest
from riskcore.dunning.records import record_promise
from riskcore.errors import ConfigError, EncoursError
from riskcore.receivables import kpi
from riskcore.storage.store import Store

D = dt.date
AS_OF = D(2025, 6, 30)
ADMIN = demo_user("admin")

# Invoice-weeks of history at 30/06/2025: week q runs over (as_of - 7q, as_of - 7q + 7]; an invoice is
# in it when issued and not closed by the day before it starts.
#   A-1  issued 01/01 (180 days before): q <= 25; paid 10/02 (140 days before): q >= 21 -> 5 rows, 1 paid
#   A-2  issued 03/03 (119 days): q <= 17; paid 25/04 (66 days): q >= 10              -> 8 rows, 1 paid
#   B-2  issued 01/04 (90 days): q <= 12; paid 05/05 (56 days): q >= 9                -> 4 rows, 1 paid
#   A-10 issued 16/05 (45 days): q <= 6, open (its payment on 03/07 is after as_of)   -> 6 rows, censored
#   A-11 issued 20/06 (10 days): q <= 1, open (paid 15/07)                            -> 1 row, censored
#   A-12 issued 01/06 (29 days): q <= 4, open 400 (200 paid 10/06)                    -> 4 rows, censored
# B-1 (disputed) and the litigation client L stay out of the history. 28 rows, 3 paid: h = 4/30 = 2/15.
H = 2 / 15
COUNTED = 1_000 + 2_500 + 400  # open at as_of
APART = 700 + 1_200  # B-1 disputed, L-1 of a client in litigation


def _hand_ledger(store: Store) -> None:
    clients = [
        {"client_id": "A", "name": "Alpha"},
        {"client_id": "B", "name": "Beta"},
        {"client_id": "L", "name": "Lex", "status": "litigation"},
    ]
    write_rows(
        store,
        invoices=[
            inv("A-1", D(2025, 1, 1), D(2025, 1, 31), 1_000),
            inv("A-2", D(2025, 3, 3), D(2025, 4, 2), 2_000),
            inv("A-10", D(2025, 5, 16), D(2025, 6, 15), 1_000),
            inv("A-11", D(2025, 6, 20), D(2025, 7, 20), 2_500),
            inv("A-12", D(2025, 6, 1), D(2025, 7, 1), 600),
            inv("A-CN", D(2025, 6, 5), D(2025, 6, 5), -300),  # an unapplied credit note: not an invoice to collect
            inv("A-20", D(2025, 7, 5), D(2025, 8, 4), 900),  # issued after as_of
            inv("B-1", D(2025, 5, 1), D(2025, 5, 31), 700, client_id="B", disputed=True),
            inv("B-2", D(2025, 4, 1), D(2025, 5, 1), 500, client_id="B"),
            inv("L-0", D(2025, 1, 10), D(2025, 2, 9), 800, client_id="L"),
            inv("L-1", D(2025, 2, 1), D(2025, 3, 3), 1_200, client_id="L"),
        ],
        payments=[
            pay("p1", "A-1", D(2025, 2, 10), 1_000),
            pay("p2", "A-2", D(2025, 4, 25), 2_000),
            pay("p3", "A-12", D(2025, 6, 10), 200),
            pay("p4", "B-2", D(2025, 5, 5), 500, client_id="B"),
            pay("p5", "L-0", D(2025, 3, 1), 800, client_id="L"),
            # after as_of: a forecast at 30/06 must not see them
            pay("p6", "A-10", D(2025, 7, 3), 1_000),
            pay("p7", "B-1", D(2025, 7, 10), 700, client_id="B"),
            pay("p8", "A-11", D(2025, 7, 15), 2_500),
            pay("p9", "A-20", D(2025, 7, 25), 900),
        ],
        clients=clients,
    )


@pytest.fixture
def hand(store):
    _hand_ledger(store)
    return store


def test_weekly_cash_plus_later_plus_apart_is_the_open_balance(hand):
    fc = forecast.cash_in(hand, AS_OF)
    s = fc.summary
    assert s["model"]["kind"] == "constant" and (s["model"]["rows"], s["model"]["events"]) == (28, 3)
    # open at 30/06: A-10 1 000 + A-11 2 500 + A-12 400 + B-1 700 + L-1 1 200 = 5 800 (the credit note is not an invoice)
    assert s["open_amount"] == 5_800.00
    assert s["apart_amount"] == 1_900.00
    # week k: 3 900 x h (1 - h)^(k-1): week 1 3 900 x 2/15 = 520.00, week 2 3 900 x 26/225 = 450.67
    assert fc.weekly["expected"].iloc[0] == pytest.approx(520.00, abs=0.01)
    assert fc.weekly["expected"].iloc[1] == pytest.approx(450.67, abs=0.01)
    # later or never: 3 900 x (13/15)^13 = 3 900 x 0.155623 = 606.93
    assert s["beyond_horizon"] == pytest.approx(COUNTED * (13 / 15) ** 13, abs=0.01)
    assert s["beyond_horizon"] == pytest.approx(606.93, abs=0.01)
    total = fc.weekly["expected"].sum() + s["beyond_horizon"] + s["apart_amount"]
    assert total == pytest.approx(5_800.00, abs=0.05)  # 13 weekly figures rounded to cents
    assert s["never_collected"] == pytest.approx(606.93 + 1_900.00, abs=0.01)
    assert list(fc.weekly["week_start"].iloc[[0, 12]]) == [D(2025, 7, 1), D(2025, 9, 23)]  # 1/7 + 12 x 7 days


def test_disputed_invoice_and_litigation_clients_invoices_go_apart(hand):
    fc = forecast.cash_in(hand, AS_OF)
    apart = fc.apart.set_index("invoice_id")
    assert sorted(apart.index) == ["B-1", "L-1"]
    assert apart.loc["B-1", "reason"] == "disputed" and apart.loc["B-1", "open_amount"] == 700.00
    assert apart.loc["L-1", "reason"] == "litigation" and apart.loc["L-1", "open_amount"] == 1_200.00
    assert (fc.summary["disputed_amount"], fc.summary["doubtful_amount"]) == (700.00, 1_200.00)
    clients = fc.by_client.set_index("client_id")
    # nothing of B or L in the weekly figures: B's expected is 0, L's whole balance is apart
    assert clients.loc["B", "expected"] == 0.0 and clients.loc["L", "expected"] == 0.0
    assert clients.loc["L", "apart_amount"] == 1_200.00
    assert set(fc.client_weeks["client_id"]) == {"A"}
    # A's invoices: 3 900 x (1 - (13/15)^13) = 3 900 - 606.93 = 3 293.07 within the horizon
    assert clients.loc["A", "expected"] == pytest.approx(3_293.07, abs=0.02)


def test_pending_promise_puts_its_invoice_in_its_week_with_the_observed_kept_rate(hand, configured):
    configured(forecast={"min_resolved_promises": 2})
    # resolved before 30/06: kept (A-1 paid 10/02, by 08/02 + 3 days of grace) and broken (A-2 paid
    # 25/04, after 15/04 + 3): an observed rate of 1/2
    record_promise(hand, ADMIN, "A", D(2025, 2, 1), D(2025, 2, 8), 1_000, ["A-1"])
    record_promise(hand, ADMIN, "A", D(2025, 4, 10), D(2025, 4, 15), 2_000, ["A-2"])
    # pending at 30/06: 2 500 on A-11 by 10/07, 10 days ahead: week 2 (08/07 - 14/07)
    record_promise(hand, ADMIN, "A", D(2025, 6, 25), D(2025, 7, 10), 2_500, ["A-11"])
    fc = forecast.cash_in(hand, AS_OF)
    s = fc.summary
    assert (s["promise_kept_rate"], s["promise_rate_source"], s["resolved_promises"]) == (0.5, "history", 2)
    assert (s["pending_promises"], s["promised_amount"]) == (1, 2_500.00)
    # week 2: 1/2 x 2 500 in its week, + (1/2 x 2 500 + 1 400 unpromised) x h (1 - h) = 1 250 + 2 650 x 26/225
    assert fc.weekly["expected"].iloc[1] == pytest.approx(1_250 + 2_650 * 26 / 225, abs=0.01)  # 1 556.22
    assert fc.weekly["promised"].iloc[1] == 1_250.00
    # week 1: only the model, on 1/2 x 2 500 + 1 400 = 2 650: 2 650 x 2/15 = 353.33
    assert fc.weekly["expected"].iloc[0] == pytest.approx(353.33, abs=0.01)
    item = fc.items.set_index("invoice_id").loc["A-11"]
    assert (item["basis"], item["promise_week"]) == ("promise", 2)
    # the identity still holds: the promise moves cash between weeks, never creates any
    total = fc.weekly["expected"].sum() + s["beyond_horizon"] + s["apart_amount"]
    assert total == pytest.approx(5_800.00, abs=0.05)


def test_a_promise_with_no_history_uses_the_configured_rate(hand):
    record_promise(hand, ADMIN, "A", D(2025, 6, 25), D(2025, 7, 10), 2_500, ["A-11"])
    fc = forecast.cash_in(hand, AS_OF)
    # no resolved promise: config forecast.promise_kept_rate = 0.75; week 2 gets 0.75 x 2 500 = 1 875
    # + (0.25 x 2 500 + 1 400) x 26/225 = 2 025 x 26/225 = 234.00
    assert fc.summary["promise_rate_source"] == "default"
    assert fc.weekly["expected"].iloc[1] == pytest.approx(2_109.00, abs=0.01)


def test_forecast_at_an_origin_reads_no_payment_after_it(hand):
    # the ledger holds payments on and B-1 after 30/06 and an invoice issued after it;
    # seen, they would close A-10 and A-11 (open balance 2 300, not 5 800) and add payments to the history
    fc = forecast.cash_in(hand, AS_OF)
    assert fc.summary["open_amount"] == 5_800.00
    assert (fc.summary["model"]["rows"], fc.summary["model"]["events"]) == (28, 3)
    # the naive forecast: A's median days late over what it settled by 30/06: A-1 10, A-2 23 -> 16.5
    # (with A-10 paid 18 days late on 03/07 it would be 18): A-10 due 15/06 + 16.5 -> week 1; A-12
    # due 01/07 + 16.5 = 17.5 days ahead -> week 3; A-11 due 20/07 + 16.5 = 36.5 days ahead -> week 6
    ledger, _ = forecast.load(hand.cursor(), AS_OF)
    items = fc.items[fc.items["basis"] == "model"].sort_values("invoice_id")
    assert list(items["invoice_id"]) == ["A-10", "A-11", "A-12"]
    assert list(forecast_backtest.naive_weeks(ledger, items, AS_OF, 13)) == [1, 6, 3]


def test_backtest_scores_the_forecast_against_the_cash_received(hand):
    # a 3-week horizon: the last month end with 3 weeks of ledger after it (which ends 25/07) is 30/06.
    # Received on A-10, A-11, A-12: week 1 1 000 (03/07), week 3 2 500 (15/07); B-1's 700 on 10/07 is
    # apart, A-20 was not open at the origin.
    result = forecast_backtest.backtest(hand, origins=1, weeks=3)
    assert [(o["origin"], o["weeks"]) for o in result["origins"]] == [("2025-06-30", 3)]
    rows = result["rows"]
    assert [r["actual"] for r in rows] == [1_000.00, 0.00, 2_500.00]
    # forecast 3 900 x h (1-h)^(k-1): 520.00, 450.67, 390.58; naive: 1 000, 0, 400
    assert [r["naive"] for r in rows] == [1_000.00, 0.00, 400.00]
    # WAPE: (480 + 450.67 + 2 109.42) / 3 500 = 0.8686; naive (0 + 0 + 2 100) / 3 500 = 0.6
    assert result["wape_horizon"]["model"] == pytest.approx(0.8686, abs=1e-4)
    assert result["wape_horizon"]["naive"] == pytest.approx(0.6, abs=1e-9)
    assert result["beats_naive"]["horizon"] is False


def test_simulated_interval_holds_the_expected_value():
    # 100 paid in week 1 with probability 1/2 (else later), 200 surely in week 1: week 1 totals 200
    # or 300, half the time each; mean 250, 10 % quantile 200, 90 % quantile 300
    probs = np.array([[0.5, 0.0, 0.5], [1.0, 0.0, 0.0]])
    for correlation, groups in ((0.0, np.array([0, 1])), (0.5, np.array([0, 0]))):
        draws, by_group = forecast.simulate(np.array([100.0, 200.0]), probs, groups, 4_000, 7, correlation)
        week1 = draws[:, 0]
        assert set(np.unique(week1)) == {200.0, 300.0}
        assert np.quantile(week1, 0.1) == 200.0 and np.quantile(week1, 0.9) == 300.0
        # mean 250 within 4 standard errors: sd 50 / sqrt(4 000) = 0.79
        assert abs(week1.mean() - 250.0) < 3.2
        assert np.allclose(by_group.sum(axis=1), week1)  # nothing in week 2: the horizon total is week 1


# --- the demo ledger ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("forecast") / "demo.duckdb"
    s = Store(path)
    demo.load_demo(s, clients=60)
    yield s
    s.close()


def test_demo_forecast_adds_up_and_its_interval_holds_the_expected_value(small_demo):
    as_of = D(2026, 3, 31)
    fc = forecast.cash_in(small_demo, as_of)
    s = fc.summary
    assert s["model"]["kind"] == "hazard"
    # the open balance is that of the receivables' open items (positive ones: credit notes are not collected)
    items = kpi.open_items(small_demo.cursor(), as_of)
    assert s["open_amount"] == pytest.approx(items.loc[items["open_amount"] > 0, "open_amount"].sum(), abs=0.01)
    total = fc.weekly["expected"].sum() + s["beyond_horizon"] + s["apart_amount"]
    assert total == pytest.approx(s["open_amount"], abs=0.1)
    assert ((fc.weekly["low"] <= fc.weekly["expected"]) & (fc.weekly["expected"] <= fc.weekly["high"])).all()
    assert fc.by_client["expected"].sum() == pytest.approx(s["expected_in_horizon"], abs=0.5)
    # the same seed gives the same interval
    assert forecast.cash_in(small_demo, as_of).weekly.equals(fc.weekly)


def test_demo_forecast_at_an_origin_equals_the_one_on_the_ledger_cut_there(small_demo, tmp_path):
    # a leak of anything dated after the origin would make the two differ
    origin = D(2026, 3, 31)
    cut_path = tmp_path / "cut.duckdb"
    small_demo.close()
    shutil.copy(small_demo.path, cut_path)
    cut = Store(cut_path)
    with cut.transaction() as cur:
        cur.execute("DELETE FROM payments WHERE payment_date > $d", {"d": origin})
        cur.execute("DELETE FROM invoices WHERE invoice_date > $d", {"d": origin})
        cur.execute("UPDATE invoices SET write_off_date = NULL WHERE write_off_date > $d", {"d": origin})
        cur.execute("DELETE FROM dispute_events WHERE event_date > $d", {"d": origin})
    assert (
        cut.cursor().execute("SELECT count(*) FROM payments").fetchall()[0][0]
        < small_demo.cursor().execute("SELECT count(*) FROM payments").fetchall()[0][0]
    )
    full, truncated = forecast.cash_in(small_demo, origin), forecast.cash_in(cut, origin)
    cut.close()
    assert full.weekly.equals(truncated.weekly)
    assert full.summary == truncated.summary


def test_demo_backtest_reports_its_keys(small_demo):
    result = forecast_backtest.backtest(small_demo, origins=3)
    assert set(result) >= {
        "weeks", "interval", "origins", "by_week", "wape_1_4", "wape_horizon", "coverage", "beats_naive",
        "client_wape_1_4", "client_wape_horizon", "rows",
    }  # fmt: skip
    assert [o["weeks"] for o in result["origins"]] == [13, 13, 13]
    assert [w["week"] for w in result["by_week"]] == list(range(1, 14))
    assert len(result["rows"]) == 3 * 13
    assert 0.0 <= result["coverage"] <= 1.0
    for key in ("wape_1_4", "wape_horizon", "client_wape_1_4", "client_wape_horizon"):
        assert set(result[key]) == {"model", "naive"} and all(v >= 0 for v in result[key].values())
    # cash received on the invoices forecast cannot exceed what was open on them at the origin
    for origin in result["origins"]:
        assert origin["actual"] <= origin["open_amount"] - origin["apart_amount"] + 0.01
    # origins are the month ends with 13 weeks of ledger after them, the last of them first... in order
    origins = [dt.date.fromisoformat(o["origin"]) for o in result["origins"]]
    assert origins == sorted(origins) and all((o + dt.timedelta(days=1)).day == 1 for o in origins)


@pytest.mark.parametrize("weeks", [0, 53, 2.5, True])
def test_bad_weeks_are_refused_with_the_value(hand, weeks):
    with pytest.raises(EncoursError, match="weeks"):
        forecast.cash_in(hand, AS_OF, weeks=weeks)


def test_a_ledger_with_nothing_open_forecasts_nothing(store):
    write_rows(
        store,
        invoices=[inv("X-1", D(2025, 1, 1), D(2025, 1, 31), 500)],
        payments=[pay("q1", "X-1", D(2025, 2, 3), 500)],
    )
    fc = forecast.cash_in(store, AS_OF)
    # the one invoice was paid on 03/02: nothing open, nothing expected, nothing apart
    assert (fc.summary["open_amount"], fc.summary["expected_in_horizon"], fc.summary["never_collected"]) == (0, 0, 0)
    assert fc.weekly["expected"].eq(0).all() and fc.weekly["high"].eq(0).all()
    assert fc.by_client.empty and fc.apart.empty


@pytest.mark.parametrize(
    ("key", "value"), [("interval", 1.5), ("weeks", 60), ("client_correlation", 1.0), ("simulations", 10)]
)
def test_a_bad_forecast_setting_names_its_key(key, value):
    raw = yaml.safe_load(config.DEFAULT_PATH.read_text(encoding="utf-8"))
    raw["forecast"][key] = value
    with pytest.raises(ConfigError, match=rf"forecast\.{key}"):
        config.parse(raw)
