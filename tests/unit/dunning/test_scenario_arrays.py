"""The twins over many clients (payer_profiles, next_steps) agree with the one-client rules case by case."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riskcore import config
from riskcore.config.collections import ACTIONS, ProfileRules
from riskcore.dunning.scenario import Done, OpenItem, next_step, next_steps, payer_profile, payer_profiles

DUE = dt.date(2026, 10, 1)
RULES = ProfileRules()  # risky grades D, E; 91+ days; new below 3 settled; chronic above 15 days
NAN = float("nan")


def day(n: int) -> dt.date:
    return DUE + dt.timedelta(days=n)


def _known(value: object) -> bool:
    return value is not None and bool(pd.notna(value))


def scalar_profile(grade, dpd, status, settled, late) -> str:
    """payer_profile called as worklist.profiles called it, one client at a time."""
    return payer_profile(
        grade=grade if isinstance(grade, str) else None,
        max_days_past_due=int(dpd) if _known(dpd) else 0,
        status=status if isinstance(status, str) else None,
        settled_invoices=int(settled) if _known(settled) else 0,
        weighted_days_late=float(late) if _known(late) else None,
        rules=RULES,
    )


def array_profiles(rows: list[tuple]) -> list[str]:
    grade, dpd, status, settled, late = (pd.Series(list(c), dtype="object") for c in zip(*rows, strict=True))
    found = payer_profiles(
        grade=grade,
        max_days_past_due=dpd,
        status=status,
        settled_invoices=settled,
        weighted_days_late=late,
        rules=RULES,
    )
    return list(found)


def test_payer_profiles_gives_the_table_of_test_scenario():
    rows = [
        ("D", 0, None, 10, 0.0),  # grade D: risky
        ("B", 91, None, 10, 0.0),  # an invoice 91 days past due: risky
        ("A", 0, "collective_procedure", 10, 0.0),  # risky
        ("A", 10, None, 2, 30.0),  # two settled invoices: new before chronic
        ("B", 10, None, 3, 15.5),  # 15.5 > 15: chronic
        ("B", 10, None, 3, 15.0),  # 15 is not above 15: occasional
        ("A", 0, None, 3, 0.0),  # good
        (None, 0, None, 5, None),  # unscored, nothing settled in the window: good
        (NAN, NAN, NAN, NAN, NAN),  # nothing known: 0 settled, so new
        ("A", 90.9, None, 5, NAN),  # 90.9 reads as 90 days (int()): not risky; good
    ]
    expected = ["risky", "risky", "risky", "new", "chronic", "occasional", "good", "good", "new", "good"]
    assert array_profiles(rows) == expected
    assert [scalar_profile(*r) for r in rows] == expected


def test_payer_profiles_agrees_with_payer_profile_on_every_combination():
    grades = [None, NAN, "A", "C", "D", "E"]
    dpds = [None, NAN, -3, 0, 90, 90.9, 91, 400]
    statuses = [None, NAN, "active", "litigation", "collective_procedure"]
    settled = [None, NAN, 0, 2, 2.9, 3, 40]
    late = [None, NAN, -1.0, 0.0, 0.01, 15.0, 15.01, 60.0]
    rows = list(itertools.product(grades, dpds, statuses, settled, late))
    assert array_profiles(rows) == [scalar_profile(*r) for r in rows]


# --- next_steps --------------------------------------------------------------------------------


def frames(clients: dict[str, tuple[list[OpenItem], list[Done]]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    items = [
        {"client_id": c, "invoice_id": i.invoice_id, "due_date": pd.Timestamp(i.due_date), "remaining": i.remaining,
         "disputed": i.disputed, "promised": i.promised}
        for c, (its, _) in clients.items() for i in its
    ]  # fmt: skip
    done = [{"client_id": c, "action": d.action, "action_date": pd.Timestamp(d.date)}
            for c, (_, ds) in clients.items() for d in ds]  # fmt: skip
    item_columns = ["client_id", "invoice_id", "due_date", "remaining", "disputed", "promised"]
    return pd.DataFrame(items, columns=item_columns), pd.DataFrame(done, columns=["client_id", "action", "action_date"])


def scalar_steps(clients, as_of, steps, resume) -> dict[str, tuple]:
    out = {}
    for c, (items, done) in clients.items():
        found = next_step(items, done, as_of, steps, resume.get(c))
        if found is not None:
            out[c] = (found.index, found.position, found.oldest_due, found.invoice_ids, found.amount)
    return out


def array_steps(clients, as_of, steps, resume) -> dict[str, tuple]:
    items, done = frames(clients)
    found = next_steps(items, done, as_of, steps, pd.Series(resume, dtype="object"))
    return {
        r.client_id: (r.index, r.position, pd.Timestamp(r.oldest_due).date(), r.invoice_ids, r.amount)
        for r in found.itertuples(index=False)
    }


@pytest.mark.parametrize(
    ("profile", "p", "done", "action", "offset"),
    [  # DOMAIN §9's check cases, as tests/unit/dunning/test_scenario.py works them out
        ("new", 2, [], "reminder_email", 1),
        ("new", -3, [], "reminder_email", -5),
        ("new", 40, [], "call", 20),  # the guard
        ("new", 40, [Done("call", day(21))], "formal_notice", 30),
        ("new", 12, [Done("reminder_email", day(2))], "reminder_letter", 10),
        ("good", 6, [], "reminder_email", 5),
        ("chronic", 9, [], "call", 8),
        ("risky", -5, [], "call", -10),
    ],
)
def test_next_steps_gives_the_domain_check_cases(profile, p, done, action, offset):
    steps = config.get().collections.scenarios[profile]
    clients = {"C1": ([OpenItem("F1", DUE, 1000.0)], done)}
    found = next_steps(*frames(clients), day(p), steps)
    assert found["client_id"].tolist() == ["C1"]
    step = steps[found["index"].iloc[0]]
    assert (step.action, step.offset_days, found["position"].iloc[0]) == (action, offset, p)
    assert array_steps(clients, day(p), steps, {}) == scalar_steps(clients, day(p), steps, {})


def test_next_steps_covers_every_invoice_with_one_action_and_leaves_the_others_out():
    # C1 (good, at day 6): F1 6 days late and F2 3 days late act; F9 not due, D1 disputed, P1 promised.
    # C2: only a disputed invoice, no step. C3: a done +5 e-mail, nothing due until +20.
    clients = {
        "C1": ([OpenItem("F2", day(3), 250.5), OpenItem("F1", DUE, 1000.0), OpenItem("F9", day(60), 99.0),
                OpenItem("D1", DUE, 10.0, disputed=True), OpenItem("P1", DUE, 20.0, promised=True)], []),
        "C2": ([OpenItem("D2", DUE, 10.0, disputed=True)], []),
        "C3": ([OpenItem("F3", DUE, 70.0)], [Done("reminder_email", day(5))]),
    }  # fmt: skip
    steps = config.get().collections.scenarios["good"]
    # C1: oldest F1, p = 6, +5 e-mail (index 0); 1 000 + 250,50 = 1 250,50
    assert array_steps(clients, day(6), steps, {}) == {"C1": (0, 6, DUE, ("F1", "F2"), 1250.5)}
    assert array_steps(clients, day(6), steps, {}) == scalar_steps(clients, day(6), steps, {})


def test_next_steps_sends_a_client_whose_promise_broke_to_the_step_after_the_last_done():
    # as test_scenario's case: good, +5 e-mail sent on day 6, a promise broke on day 18: at day 18
    # the +20 call (index 1) is due at once; once a call follows the break, nothing until +35.
    steps = config.get().collections.scenarios["good"]
    clients = {"C1": ([OpenItem("F1", DUE, 1000.0)], [Done("reminder_email", day(6))])}
    assert array_steps(clients, day(18), steps, {"C1": day(18)}) == {"C1": (1, 18, DUE, ("F1",), 1000.0)}
    clients["C1"][1].append(Done("call", day(19)))
    assert array_steps(clients, day(25), steps, {"C1": day(18)}) == {}


def test_an_action_on_the_day_a_promise_broke_ends_the_resumption():
    # good: e-mail on day 6, promise broke on day 18, a call recorded that same day 18. At day 18
    # the client is not resuming (an action from the break on); p = 18 reaches only +5, done: none.
    steps = config.get().collections.scenarios["good"]
    clients = {"C1": ([OpenItem("F1", DUE, 1000.0)], [Done("reminder_email", day(6)), Done("call", day(18))])}
    assert array_steps(clients, day(18), steps, {"C1": day(18)}) == {}
    assert scalar_steps(clients, day(18), steps, {"C1": day(18)}) == {}


# hypothesis: clients with a few items and actions around one due date, on every scenario
ITEM = st.tuples(st.integers(-15, 70), st.sampled_from([0.0, 12.5, 100.0, 999.99]), st.booleans(), st.booleans())
ACTION = st.tuples(st.sampled_from(ACTIONS), st.integers(-30, 70))
CLIENT = st.tuples(
    st.lists(ITEM, min_size=1, max_size=4),
    st.lists(ACTION, max_size=5),
    st.one_of(st.none(), st.integers(-20, 60)),
)


def build(drawn: list[tuple]) -> tuple[dict, dict]:
    clients, resume = {}, {}
    for k, (items, done, broke) in enumerate(drawn):
        client = f"C{k:02d}"
        clients[client] = (
            [OpenItem(f"F{k:02d}{n}", day(d), r, disputed=disp and r < 50, promised=prom and r > 500)
             for n, (d, r, disp, prom) in enumerate(items)],
            [Done(a, day(d)) for a, d in done],
        )  # fmt: skip
        if broke is not None:
            resume[client] = day(broke)
    return clients, resume


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drawn=st.lists(CLIENT, min_size=1, max_size=8), at=st.integers(-12, 75))
def test_next_steps_agrees_with_next_step_on_random_clients(drawn, at):
    clients, resume = build(drawn)
    for steps in config.get().collections.scenarios.values():
        assert array_steps(clients, day(at), steps, resume) == scalar_steps(clients, day(at), steps, resume)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drawn=st.lists(CLIENT, min_size=1, max_size=8), at=st.integers(-12, 75))
def test_the_latest_action_of_each_type_decides_as_the_whole_history_does(drawn, at):
    # what worklist.read_ledger relies on to read one row per client and type (dunning_done.sql)
    clients, resume = build(drawn)
    latest = {}
    for client, (items, done) in clients.items():
        last = {}
        for d in done:
            last[d.action] = max(last.get(d.action, d.date), d.date)
        latest[client] = (items, [Done(a, when) for a, when in last.items()])
    for steps in config.get().collections.scenarios.values():
        assert scalar_steps(latest, day(at), steps, resume) == scalar_steps(clients, day(at), steps, resume)


def test_next_steps_of_no_item_in_the_scenario_is_empty():
    clients = {"C1": ([OpenItem("F1", day(40), 100.0)], [])}  # due in 40 days
    found = next_steps(*frames(clients), DUE, config.get().collections.scenarios["good"])
    assert found.empty and list(found.columns) == ["client_id", "index", "position", "oldest_due", "invoice_ids",
                                                   "amount"]  # fmt: skip
    assert np.array_equal(found["index"].to_numpy(), [])
