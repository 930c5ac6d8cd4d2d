"""The daily worklist on a real workspace: steps by payer profile, promises, disputes, who may record."""

from __future__ import annotations

import datetime as dt

import pytest
from builders import pay, write_rows

from riskcore.access.auth import User
from riskcore.dunning import records
from riskcore.dunning import worklist as wl
from riskcore.errors import PermissionDenied
from riskcore.receivables import kpi

D = dt.date
MANAGER = User("cm@demo", "credit_manager")
ALICE = User("alice", "sales_rep")
VIEWER = User("cfo@demo", "viewer")


def worklist_at(store, day):
    con = store.cursor()
    return wl.worklist(con, day, kpi.by_client(con, day)).set_index("client_id")


def test_each_client_gets_the_step_of_its_profile(ledger):
    work = worklist_at(ledger, D(2026, 10, 7))
    # C1 good, F10 6 days past due: +5 reminder e-mail by the collector (Carla)
    assert work.loc["C1", ["profile", "action", "offset_days", "owner", "owner_name"]].tolist() == [
        "good", "reminder_email", 5, "collector", "carla"]  # fmt: skip
    # C2 new, D21 36 days past due: +30 formal notice reached, but no contact yet -> the +20 call
    assert work.loc["C2", ["profile", "action", "offset_days", "position"]].tolist() == ["new", "call", 20, 36]
    assert work.loc["C2", "invoice_ids"] == ["D21", "F20"]  # one action covers both
    # unscored clients count as certain to pay late: amount at risk = overdue; C1 10 000 ranks first
    assert work.index.tolist() == ["C1", "C2"]
    assert work.loc["C1", "amount_at_risk"] == 10000.0


def test_a_promise_takes_the_client_off_the_worklist_until_it_breaks(ledger):
    records.record_action(ledger, MANAGER, "C1", D(2026, 10, 7), "reminder_email", channel="email")
    records.record_promise(ledger, MANAGER, "C1", D(2026, 10, 7), D(2026, 10, 15), 10000)  # on F10, every open one
    assert "C1" not in worklist_at(ledger, D(2026, 10, 10)).index
    assert "C1" not in worklist_at(ledger, D(2026, 10, 18)).index  # 15 + 3 days of grace: still waiting
    back = worklist_at(ledger, D(2026, 10, 19))  # unpaid on the day after: broken
    # the +5 e-mail was done on 07/10; the broken promise sends C1 to the next step, the +20 call,
    # though F10 is only 18 days past due
    assert back.loc["C1", ["action", "offset_days", "broken_promise"]].tolist() == ["call", 20, D(2026, 10, 19)]


def test_a_kept_promise_keeps_the_client_off(ledger):
    records.record_promise(ledger, MANAGER, "C1", D(2026, 10, 7), D(2026, 10, 15), 4000, ["F10"])
    write_rows(ledger, payments=[pay("P9", "F10", D(2026, 10, 16), 4000, client_id="C1")], clients=[])
    promises = wl.promises_at(ledger.cursor(), D(2026, 10, 20))
    # 4 000 paid on 16/10, within 15/10 + 3 days: kept
    assert promises[["state", "paid"]].values.tolist() == [["kept", 4000.0]]


def test_a_disputed_invoice_leaves_the_worklist_and_stays_in_the_outstanding(ledger):
    records.record_dispute(ledger, MANAGER, "C2", ["D21"], D(2026, 10, 7), reason="price")
    work = worklist_at(ledger, D(2026, 10, 7))
    # only F20 acts: 6 days past due, new: -5 and +1 reached -> the +1 e-mail
    assert work.loc["C2", ["invoice_ids", "action", "offset_days"]].tolist() == [["F20"], "reminder_email", 1]
    position = kpi.by_client(ledger.cursor(), D(2026, 10, 7)).set_index("client_id")
    assert position.loc["C2", "balance"] == 2500.0  # 2 000 + 500: still owed
    assert position.loc["C2", "disputed_amount"] == 2000.0
    records.record_dispute(ledger, MANAGER, "C2", ["D21"], D(2026, 10, 9), opened=False)  # resolved
    assert worklist_at(ledger, D(2026, 10, 9)).loc["C2", "invoice_ids"] == ["D21", "F20"]


def test_a_sales_rep_records_on_their_own_clients_only(ledger):
    records.record_action(ledger, ALICE, "C1", D(2026, 10, 7), "call", outcome="reached")
    with pytest.raises(PermissionDenied) as denied:
        records.record_action(ledger, ALICE, "C2", D(2026, 10, 7), "call")
    assert denied.value.key == "dunning.not_your_client"
    with pytest.raises(PermissionDenied):
        records.record_promise(ledger, ALICE, "C2", D(2026, 10, 7), D(2026, 10, 15), 100)
    with pytest.raises(PermissionDenied):
        records.set_credit_hold(ledger, ALICE, "C1", D(2026, 10, 7), True)  # holds are the credit manager's


def test_a_viewer_records_nothing(ledger):
    for attempt in (
        lambda: records.record_action(ledger, VIEWER, "C1", D(2026, 10, 7), "call"),
        lambda: records.record_promise(ledger, VIEWER, "C1", D(2026, 10, 7), D(2026, 10, 15), 100),
        lambda: records.record_dispute(ledger, VIEWER, "C1", ["F10"], D(2026, 10, 7), reason="price"),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    assert ledger.cursor().execute("SELECT count(*) FROM dunning_actions").fetchall() == [(0,)]
