"""The collections screens driven through AppTest on a small imported ledger: record, promise, roles.

Ledger (as-of = its last date, 15/10/2026):
- C1 Alpha SARL, rep Alice Martin, collector Claire Dubois: F001 1 200,00 due 31/08/2026 (45 days
  past due), F002 300,00 due 14/11/2026 (not due);
- C2 Beta SA, rep Bruno Petit: F003 2 500,00 due 20/10/2026 (due in 5 days).
Both are `new` payers (fewer than 3 settled invoices). C1's scenario at 45 days past due with no action
is a call (the guard: no formal notice before a call); C2's is the pre-due reminder e-mail (-5 days).
C1 ranks first: amount at risk 1 200 x p(late) > 0, C2 has nothing overdue (0).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from apptest_support import app, run, upload

CLIENTS = (
    "Code client;Raison sociale;Commercial;Chargé de recouvrement\n"
    "C1;Alpha SARL;Alice Martin;Claire Dubois\n"
    "C2;Beta SA;Bruno Petit;Claire Dubois\n"
).encode()
OPEN_ITEMS = (
    "Code client;N° facture;Date facture;Échéance;Montant TTC\n"
    "C1;F001;01/08/2026;31/08/2026;1 200,00\n"
    "C2;F003;20/09/2026;20/10/2026;2 500,00\n"
    "C1;F002;15/10/2026;14/11/2026;300,00\n"
).encode()
AS_OF = dt.date(2026, 10, 15)


def _ledger():
    at = run(app())
    upload(at, ("clients.csv", CLIENTS), ("open_items.csv", OPEN_ITEMS))
    assert [s.value for s in at.success] == ["Import done."]
    return at


def _worklist_ids(at) -> list[str]:
    tables = [t.value for t in at.dataframe if "Payer profile" in t.value.columns and "At risk" in t.value.columns]
    assert len(tables) == 1
    return [link.rsplit("=", 1)[-1] for link in tables[0]["Client"]]


def test_an_action_recorded_on_the_client_file_is_dated_today_and_joins_its_history(empty_workspace):
    at = _ledger()
    at.selectbox(key="sidebar.view_as").set_value("credit_manager")
    at.query_params["client"] = "C1"
    at.switch_page("pages/client.py")
    run(at)
    at.selectbox(key="client.record.action").set_value("call")
    at.selectbox(key="client.record.outcome").set_value("reached")
    at.text_input(key="client.record.note").input("Will pay next week")
    at.button(key="client.record.submit").click()
    run(at)
    assert [s.value for s in at.success] == ["Recorded for 1 client(s): action done."]
    rows = (
        empty_workspace.cursor()
        .execute(
            "SELECT client_id, action_date, level, action, channel, outcome, note, recorded_by FROM dunning_actions"
        )
        .fetchall()
    )
    # A new record is dated today by default (not the ledger's last date, 15/10/2026); a call is level 3,
    # on the phone (the channel the call step suggests).
    assert rows == [("C1", dt.date.today(), 3, "call", "phone", "reached", "Will pay next week", "credit.manager@demo")]


def test_a_promise_takes_the_first_client_off_the_worklist_until_it_is_broken(empty_workspace):
    at = _ledger()
    at.switch_page("pages/collections.py")
    run(at)
    assert _worklist_ids(at) == ["C1", "C2"]
    at.session_state["collect.worklist"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.session_state["collect.record.kind"] = "promise"
    run(at)
    at.date_input(key="collect.record.date").set_value(AS_OF)  # the promise was made on the as-of date
    at.date_input(key="collect.record.promise_date").set_value(dt.date(2026, 10, 22))
    # The amount defaults to C1's overdue amount: 1 200,00.
    assert at.number_input(key="collect.record.amount").value == 1200.0
    at.button(key="collect.record.submit").click()
    run(at)
    assert [s.value for s in at.success] == ["Recorded for 1 client(s): promise to pay."]
    assert _worklist_ids(at) == ["C2"]  # C1 is under a standing promise
    # Promise 22/10 + 3 grace days = 25/10 is the last day to pay; unpaid, it is broken on 26/10.
    at.date_input(key="sidebar.as_of").set_value(dt.date(2026, 10, 25))
    run(at)
    assert "C1" not in _worklist_ids(at)
    at.date_input(key="sidebar.as_of").set_value(dt.date(2026, 10, 26))
    run(at)
    # Back on the list, flagged: C2 (2 500,00 six days overdue) now ranks above it.
    assert _worklist_ids(at) == ["C2", "C1"]
    table = next(t.value for t in at.dataframe if "Promise broken on" in t.value.columns)
    broken = [None if pd.isna(v) else pd.Timestamp(v).date() for v in table["Promise broken on"]]
    assert broken == [None, dt.date(2026, 10, 26)]


def test_a_sales_rep_sees_their_clients_and_cannot_record_on_another_reps(empty_workspace):
    at = _ledger()
    at.selectbox(key="sidebar.view_as").set_value("sales_rep")
    run(at)
    at.selectbox(key="sidebar.person.sales_rep").set_value("Alice Martin")
    at.switch_page("pages/my_clients.py")
    run(at)
    assert at.title[0].value == "My clients"
    table = next(t.value for t in at.dataframe if "Next step" in t.value.columns)
    assert [link.rsplit("=", 1)[-1] for link in table["Client"]] == ["C1"]  # Alice's only client
    # Bruno Petit's client C2 is not in her picker, so asked for by its address the client file opens
    # on no client: no data of C2, no form to record on it (the core also refuses it: test_access).
    at.query_params["client"] = "C2"
    at.switch_page("pages/client.py")
    run(at)
    assert at.error == []
    assert "client.record.submit" not in [b.key for b in at.button]
    assert not any("C2" in m.value for m in at.markdown)
    count = empty_workspace.cursor().execute("SELECT count(*) FROM dunning_actions").fetchall()
    assert count == [(0,)]


def test_a_viewer_has_no_record_button_to_press(empty_workspace):
    at = _ledger()
    at.selectbox(key="sidebar.view_as").set_value("viewer")
    at.switch_page("pages/collections.py")
    run(at)
    at.session_state["collect.worklist"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    run(at)
    assert at.button(key="collect.record.submit").disabled
    assert "Your role (CFO (viewer)) cannot do this." in [c.value for c in at.caption]
    # and the letters batch needs the `letters` right too
    assert at.get("download_button")[0].proto.disabled
