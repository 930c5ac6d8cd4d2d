"""A client's dunning status (DOMAIN.md §9): the highest level reached in its current dunning cycle.

The cycle starts the scenarios' lead (10 days with the default scenarios: risky calls at -10) before
the earliest due date of the client's invoices open at D, as riskcore.dunning.kpis.outstanding_by_step
reads it. Levels: 1 reminder, 2 second reminder, 3 call, 4 formal notice, 5 litigation.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from builders import inv, pay, write_rows

from riskcore import config
from riskcore.config.collections import lead_days
from riskcore.receivables import kpi
from riskcore.storage import schema
from riskcore.storage.store import write_frame

D = dt.date(2025, 6, 30)

INVOICES = [
    inv("N1", "2025-04-01", "2025-05-01", 1000, client_id="N"),  # open, 60 days late: cycle from 2025-04-21
    inv("M1", "2025-04-01", "2025-05-01", 2000, client_id="M"),  # open, 60 days late: cycle from 2025-04-21
    inv("O0", "2025-03-01", "2025-03-31", 500, client_id="O"),  # paid 2025-05-25: its cycle is over
    inv("O1", "2025-05-11", "2025-06-10", 800, client_id="O"),  # open, 20 days late: cycle from 2025-05-31
    inv("B1", "2025-05-11", "2025-06-10", 300, client_id="B"),  # open, 20 days late: cycle from 2025-05-31
    inv("Q1", "2025-05-11", "2025-06-10", 400, client_id="Q"),  # open, 20 days late: cycle from 2025-05-31
    inv("P1", "2025-06-05", "2025-07-05", 600, client_id="P"),  # not due: cycle from 2025-06-25
]
PAYMENTS = [pay("PO0", "O0", "2025-05-25", 500, client_id="O")]


def _action(action_id, client_id, day, level, action=None) -> dict:
    return {"action_id": action_id, "client_id": client_id, "action_date": dt.date.fromisoformat(day),
            "level": level, "action": action}  # fmt: skip


DUNNING = [
    # N: a formal notice, then a reminder e-mail recorded after it, both in the cycle
    _action("N-a", "N", "2025-05-20", 4, "formal_notice"),
    _action("N-b", "N", "2025-06-20", 1, "reminder_email"),
    # M: imported levels (no action type), a call (level 3) then a first reminder (level 1)
    _action("M-a", "M", "2025-05-10", 3),
    _action("M-b", "M", "2025-06-10", 1),
    # O: a formal notice of the cycle of O0, before the one of O1 starts, then a reminder
    _action("O-a", "O", "2025-05-15", 4, "formal_notice"),
    _action("O-b", "O", "2025-06-15", 1, "reminder_email"),
    # B: litigation the day before its cycle starts, a second reminder on the day it starts
    _action("B-a", "B", "2025-05-30", 5),
    _action("B-b", "B", "2025-05-31", 2),
    # Q: only an action older than the cycle; a credit hold has no level
    _action("Q-a", "Q", "2025-05-01", 2),
    _action("Q-b", "Q", "2025-06-20", None, "credit_hold"),
    # P: a pre-due e-mail inside the cycle (2025-06-25 on), nothing overdue yet
    _action("P-a", "P", "2025-06-26", 1, "reminder_email"),
    # after D: not known at D
    _action("N-c", "N", "2025-07-02", 5, "litigation"),
]


@pytest.fixture
def ledger(store):
    write_rows(store, INVOICES, PAYMENTS)
    with store.transaction() as cur:
        write_frame(cur, schema.DUNNING_ACTIONS, pd.DataFrame(DUNNING))
    return store


def test_the_default_scenarios_start_a_cycle_ten_days_before_the_earliest_due_date():
    assert lead_days(config.get().collections.scenarios) == 10  # risky: a call at -10


def test_the_dunning_level_is_the_highest_of_the_cycle_not_the_last(ledger):
    table = kpi.by_client(ledger.cursor(), D).set_index("client_id")
    levels = table["dunning_level"]
    assert levels["N"] == 4  # formal notice 2025-05-20, then a level-1 e-mail 2025-06-20: still 4
    assert levels["M"] == 3  # level 3 then level 1, both on or after 2025-04-21
    assert levels["O"] == 1  # the formal notice of 2025-05-15 is before 2025-05-31: only the e-mail counts
    assert levels["B"] == 2  # 2025-05-30 (level 5) is before the start, 2025-05-31 (level 2) is on it
    assert pd.isna(levels["Q"])  # 2025-05-01 is before 2025-05-31; the hold of 2025-06-20 has no level
    assert levels["P"] == 1  # the pre-due e-mail, on or after 2025-07-05 - 10 = 2025-06-25
    # last_dunning_date stays the last action of any kind and cycle dated by D
    last = table["last_dunning_date"].map(lambda d: pd.Timestamp(d).date())
    assert last["N"] == dt.date(2025, 6, 20)  # not the litigation of 2025-07-02, after D
    assert last["Q"] == dt.date(2025, 6, 20)  # the credit hold
    assert last["O"] == dt.date(2025, 6, 15)


def test_a_paid_client_has_no_cycle_and_no_level(ledger):
    # at 2025-07-31 nothing of O is open once O1 is paid: no cycle, whatever was done before
    with ledger.transaction() as cur:
        write_frame(cur, schema.PAYMENTS, pd.DataFrame([pay("PO1", "O1", "2025-07-10", 800, client_id="O")]))
    o = kpi.by_client(ledger.cursor(), dt.date(2025, 7, 31)).set_index("client_id").loc["O"]
    assert o["balance"] == 0.0
    assert pd.isna(o["dunning_level"])
    assert pd.Timestamp(o["last_dunning_date"]).date() == dt.date(2025, 6, 15)


def test_the_dunning_status_breakdown_reads_the_highest_level_of_the_cycle(ledger):
    frame = kpi.breakdown(ledger.cursor(), D, "dunning_status").set_index("value")
    # N level 4 (1 000), M level 3 (2 000), B level 2 (300), O level 1 (800), Q no action in its
    # cycle (400), P nothing overdue (600, not due)
    expected = {"level_4": (1, 1000.0), "level_3": (1, 2000.0), "level_2": (1, 300.0), "level_1": (1, 800.0),
                "no_action": (1, 400.0), "not_overdue": (1, 600.0)}  # fmt: skip
    assert {v: (int(r.clients), float(r.overdue if v != "not_overdue" else r.balance))
            for v, r in frame.iterrows()} == expected  # fmt: skip
