"""What read_ledger reads of the dunning history: the latest action of each type, and the last one."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from riskcore.access.auth import User
from riskcore.dunning import records
from riskcore.dunning import worklist as wl
from riskcore.receivables import kpi
from riskcore.storage.store import write_ledger

D = dt.date
MANAGER = User("cm@demo", "credit_manager")


def _imported(store, rows: list[dict]) -> None:
    """Dunning rows as a former software's file gives them: a level, no type, no recorded_at."""
    with store.transaction() as cur:
        write_ledger(cur, {"dunning_actions": pd.DataFrame(rows)}, replace=False)


def test_the_ledger_keeps_the_latest_action_of_each_type_and_the_last_action(ledger):
    # C2: imported level-1 reminders on 05/09 and 15/09 and a level-3 call on 10/09; then an e-mail
    # and a call recorded on 02/10, the call last. C1: one imported row of no known level on 03/10.
    _imported(ledger, [
        {"action_id": "i1", "client_id": "C2", "action_date": D(2026, 9, 5), "level": 1},
        {"action_id": "i2", "client_id": "C2", "action_date": D(2026, 9, 15), "level": 1},
        {"action_id": "i3", "client_id": "C2", "action_date": D(2026, 9, 10), "level": 3},
        {"action_id": "i4", "client_id": "C1", "action_date": D(2026, 10, 3), "level": None},
    ])  # fmt: skip
    records.record_action(ledger, MANAGER, "C2", D(2026, 10, 2), "reminder_email")
    records.record_action(ledger, MANAGER, "C2", D(2026, 10, 2), "call", outcome="reached")
    read = wl.read_ledger(ledger.cursor(), D(2026, 10, 7))
    done = {(r.client_id, r.action): r.action_date.date() for r in read.done.itertuples()}
    # the latest of each type: e-mails on 05/09, 15/09, 02/10 -> 02/10; calls on 10/09, 02/10 -> 02/10.
    # C1's row of no type is not an action the scenarios read
    assert done == {("C2", "reminder_email"): D(2026, 10, 2), ("C2", "call"): D(2026, 10, 2)}
    # the last action: C2's call (recorded after the e-mail on the same day); C1's row of no type
    assert read.last == {"C2": ("call", D(2026, 10, 2), "reached"), "C1": (None, D(2026, 10, 3), None)}
    # the worklist shows it: C2 (new, D21 36 days past due, a call on 02/10 since 01/09) is at the
    # +30 formal notice
    work = wl.worklist(ledger.cursor(), D(2026, 10, 7), kpi.by_client(ledger.cursor(), D(2026, 10, 7)), read)
    row = work.set_index("client_id").loc["C2"]
    assert [row["action"], row["last_action"], row["last_action_date"]] == ["formal_notice", "call", D(2026, 10, 2)]


def test_actions_dated_after_the_worklist_day_are_not_read(ledger):
    records.record_action(ledger, MANAGER, "C2", D(2026, 10, 9), "call")
    read = wl.read_ledger(ledger.cursor(), D(2026, 10, 7))
    assert read.done.empty and read.last == {}
    assert wl.read_ledger(ledger.cursor(), D(2026, 10, 9)).last == {"C2": ("call", D(2026, 10, 9), None)}
