"""Collection KPIs on the two-client ledger of conftest.py, worked by hand."""

from __future__ import annotations

import datetime as dt

from builders import pay, write_rows

from riskcore.access.auth import User
from riskcore.dunning import kpis, records
from riskcore.dunning import worklist as wl
from riskcore.receivables import kpi

D = dt.date
MANAGER = User("cm@demo", "credit_manager")


def figures(store, day):
    con = store.cursor()
    ledger = wl.read_ledger(con, day)
    work = wl.worklist(con, day, kpi.by_client(con, day), ledger)
    return kpis.collection_figures(con, day, work, ledger), work, ledger


def test_promises_kept_and_broken_over_ninety_days(ledger):
    # C1 promises 4 000 by 10/10 on F10 and pays it on 11/10 (within 3 days of grace): kept.
    # C2 promises 500 by 12/10 on F20 and pays nothing: broken on 16/10.
    records.record_promise(ledger, MANAGER, "C1", D(2026, 10, 2), D(2026, 10, 10), 4000, ["F10"])
    records.record_promise(ledger, MANAGER, "C2", D(2026, 10, 2), D(2026, 10, 12), 500, ["F20"])
    write_rows(ledger, payments=[pay("P9", "F10", D(2026, 10, 11), 4000, client_id="C1")], clients=[])
    got, _, _ = figures(ledger, D(2026, 10, 20))
    assert (got["promises_kept_90"], got["promises_broken_90"], got["promise_kept_rate_90"]) == (1, 1, 0.5)


def test_median_days_to_first_action_and_backlog(ledger):
    # fallen due unpaid in the 90 days to 20/10: F10 and F20 (01/10), D21 (01/09).
    # C1 first chased on 08/10: F10 7 days. C2 chased on 11/09: D21 10 days; F20 first action after
    # 01/10 is none -> left out. Median of 7 and 10 = 8.5.
    records.record_action(ledger, MANAGER, "C1", D(2026, 10, 8), "reminder_email")
    records.record_action(ledger, MANAGER, "C2", D(2026, 9, 11), "reminder_email")
    got, work, _ = figures(ledger, D(2026, 10, 20))
    assert got["median_days_to_first_action_90"] == 8.5
    # at 20/10: C1 good, p = 19, +5 e-mail done on 08/10 -> nothing until the +20 call: not due.
    # C2 new, p = 49 (D21), a contact since 01/09 -> +45 litigation reached: credit manager
    assert work["client_id"].tolist() == ["C2"]
    assert got["backlog_by_owner"] == {"credit_manager": {"steps": 1, "amount": 2500.0}}


def test_open_disputes_by_reason_and_outstanding_by_step(ledger):
    records.record_dispute(ledger, MANAGER, "C2", ["D21"], D(2026, 10, 5), reason="price")
    records.record_action(ledger, MANAGER, "C1", D(2026, 10, 3), "call")
    records.record_action(ledger, MANAGER, "C1", D(2026, 10, 6), "reminder_email")  # lower than the call
    got, _, ledger_read = figures(ledger, D(2026, 10, 20))
    # D21 2 000, disputed since 05/10: 15 days old at 20/10
    assert got["open_disputes_by_reason"] == {"price": {"disputes": 1, "amount": 2000.0, "median_age_days": 15.0}}
    clients = kpi.by_client(ledger.cursor(), D(2026, 10, 20))
    by_step = kpis.outstanding_by_step(clients, ledger_read).set_index("step")
    # C1 reached a call (level 3), then an e-mail (level 1): its status is the call, the highest.
    # C2: nothing recorded -> none, with its 2 500 outstanding (F20 500 + disputed D21 2 000)
    assert by_step.loc["call", "outstanding"] == 10000.0
    assert by_step.loc["none", "outstanding"] == 2500.0


def test_cei_of_each_collector_portfolio(ledger):
    # Carla holds C1 and C2. CEI over 90 days at 20/10, from 22/07: AR_begin = 0 (S1-S3 were paid by
    # 01/04, D21 is dated 01/08). Sales in (22/07, 20/10]: D21 2 000 + F10 10 000 + F20 500 = 12 500.
    # AR_end = 12 500, not due 0. CEI = (0 + 12 500 - 12 500) / (0 + 12 500 - 0) = 0.
    got, _, _ = figures(ledger, D(2026, 10, 20))
    assert got["cei_90_by_collector"] == {"carla": 0.0}
    # 6 000 paid on F10 on 15/10: AR_end 6 500 -> CEI = (12 500 - 6 500) / 12 500 = 0.48
    write_rows(ledger, payments=[pay("P8", "F10", D(2026, 10, 15), 6000, client_id="C1")], clients=[])
    got, _, _ = figures(ledger, D(2026, 10, 20))
    assert got["cei_90_by_collector"]["carla"] == 0.48
