"""What a finance team does in the app, driven through AppTest on real workspaces."""

from __future__ import annotations

import pytest
from apptest_support import app, run, upload

from riskcore.credit import limits
from riskcore.credit.scores import client_scores
from riskcore.i18n import t
from riskcore.receivables import kpi
from riskcore.storage.store import last_date

# Three invoices, no payment (French export: `;`, decimal comma, dd/mm/yyyy).
OPEN_ITEMS = (
    "Code client;N° facture;Date facture;Échéance;Montant TTC\n"
    "C1;F001;01/09/2026;01/10/2026;1 200,00\n"
    "C1;F002;15/09/2026;15/10/2026;300,00\n"
    "C2;F003;20/09/2026;20/11/2026;2 500,00\n"
).encode()
# F001 paid in full on 25/09/2026.
PAYMENTS = "Code client;N° facture;Date de paiement;Montant réglé\nC1;F001;25/09/2026;1 200,00\n".encode()


def metric(at, label: str) -> str:
    """The value of the KPI card labelled `label`."""
    values = [m.value for m in at.metric if m.label == label]
    assert values, f"no card {label!r} among {[m.label for m in at.metric]}"
    return values[0]


def test_uploaded_files_set_the_overview_outstanding_to_the_hand_worked_value(empty_workspace):
    at = run(app())
    assert at.info[0].value == t("ui.empty.workspace", "en")  # nothing yet: the overview points to the Data page

    upload(at, ("open_items.csv", OPEN_ITEMS))
    assert [s.value for s in at.success] == ["Import done."]
    at.switch_page("pages/overview.py")
    run(at)
    # As of the last date in the data, 20/09/2026, every invoice is open: 1 200 + 300 + 2 500 = 4 000.
    assert at.date_input(key="sidebar.as_of").value.isoformat() == "2026-09-20"
    assert metric(at, "Outstanding") == "€4,000"
    # Nothing is due before 20/09/2026 (first due date 01/10/2026).
    assert metric(at, "Overdue") == "€0"

    upload(at, ("payments.csv", PAYMENTS))
    at.switch_page("pages/overview.py")
    run(at)
    # The payment moves the last date to 25/09/2026 and settles F001: 4 000 - 1 200 = 2 800.
    assert at.date_input(key="sidebar.as_of").value.isoformat() == "2026-09-25"
    assert metric(at, "Outstanding") == "€2,800"


def test_a_limit_above_the_threshold_waits_for_an_admin_then_applies(demo_workspace):
    at = run(app())
    at.selectbox(key="sidebar.view_as").set_value("credit_manager")
    run(at)
    at.switch_page("pages/limits.py")
    run(at)
    at.selectbox(key="limits.edit.client").set_value("C0001")
    run(at)
    # 120 000 is above limits.approval_threshold_amount (50 000): a second person must approve.
    at.number_input(key="limits.edit.new_limit.C0001").set_value(120000.0)
    at.text_area(key="limits.edit.reason").input("Credit insurer raised its cover")
    run(at)
    at.button(key="limits.edit.submit").click()
    run(at)
    assert [i.value for i in at.info if "approval queue" in i.value] == [
        "Proposal for C0001 sent to the approval queue."
    ]
    queue = limits.pending(demo_workspace.cursor())
    assert list(queue["client_id"]) == ["C0001"]
    decision = int(queue["decision_id"].iloc[0])
    assert at.button(key=f"limits.queue.approve.{decision}").disabled  # not by the person who proposed it

    at.selectbox(key="sidebar.view_as").set_value("admin")
    run(at)
    at.button(key=f"limits.queue.approve.{decision}").click()
    run(at)
    assert [s.value for s in at.success] == ["Limit of C0001 applied."]
    cur = demo_workspace.cursor()
    assert cur.execute("SELECT credit_limit FROM clients WHERE client_id = 'C0001'").fetchall() == [(120000,)]
    history = limits.history(cur, "C0001")
    assert list(zip(history["status"], history["new_limit"].astype(float), strict=True)) == [("applied", 120000.0)]

    at.query_params["client"] = "C0001"
    at.switch_page("pages/client.py")
    run(at)
    assert metric(at, "Credit limit") == "€120,000"
    # The client file's limit history (the only table with a status column) shows the applied change.
    statuses = [list(table.value["Status"]) for table in at.dataframe if "Status" in table.value.columns]
    assert statuses == [["Applied"]]


def test_switching_the_language_changes_labels_and_number_formats(demo_pages):
    at = run(app())
    assert at.title[0].value == "Overview"
    assert at.radio(key="lang").label == "Language"
    english = metric(at, "Outstanding")
    assert english.startswith("€")

    at.radio(key="lang").set_value("fr")
    run(at)
    assert at.title[0].value == "Vue d'ensemble"
    assert at.radio(key="lang").label == "Langue"
    french = metric(at, "Encours")
    # Same amount: "€1,234,567" in English, "1 234 567 €" in French (U+202F between thousands,
    # U+00A0 before the symbol, as babel writes amounts with cents).
    assert french.endswith("\u00a0€")
    assert french[:-2].replace("\u202f", "") == english[1:].replace(",", "")


def test_a_viewer_can_neither_import_nor_clear_the_workspace(demo_pages):
    at = run(app())
    at.selectbox(key="sidebar.view_as").set_value("viewer")
    run(at)
    at.switch_page("pages/data.py")
    run(at)
    assert at.button(key="data.clear").disabled
    assert at.button(key="data.load_demo").disabled
    at.file_uploader(key="data.upload").set_value([("open_items.csv", OPEN_ITEMS, "text/csv")])
    run(at)
    assert at.button(key="data.import").disabled
    assert "Your role (CFO (viewer)) cannot do this." in [c.value for c in at.caption]


CLIENTS = b"Code client;Raison sociale;Segment\nC1;Alpha SARL;PME\nC2;Beta SA;Grand compte\n"


def test_a_sidebar_filter_narrows_the_overview_to_the_chosen_segment(empty_workspace):
    at = run(app())
    # Two files at once: the clients file gives C1 and C2 their segments.
    upload(at, ("clients.csv", CLIENTS), ("open_items.csv", OPEN_ITEMS))
    assert [s.value for s in at.success] == ["Import done."]
    at.switch_page("pages/overview.py")
    run(at)
    assert metric(at, "Outstanding") == "€4,000"  # 1 200 + 300 (C1) + 2 500 (C2)

    at.multiselect(key="sidebar.filter.segment").set_value(["Grand compte"])
    run(at)
    assert metric(at, "Outstanding") == "€2,500"  # C2 alone
    at.switch_page("pages/aging.py")
    run(at)
    # The filter holds on every page: the aging table lists C2 only.
    tables = [list(table.value["Client"]) for table in at.dataframe if "91+ d" in table.value.columns]
    assert tables == [["client?client=C2"]]


def test_selecting_a_client_on_the_concentration_page_opens_its_file(empty_workspace):
    at = run(app())
    upload(at, ("open_items.csv", OPEN_ITEMS))
    at.switch_page("pages/concentration.py")
    run(at)
    # C2 carries 2 500 of 4 000 (62.5 %), C1 1 500: C2 is the first row of the table.
    at.session_state["concentration.table"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    run(at)
    assert at.title[0].value == "Client file"
    assert at.query_params["client"] == "C2"
    assert at.header[0].value == "C2"  # the file has no clients file: the client is named by its code
    assert metric(at, "Balance") == "€2,500"


def test_a_file_missing_a_required_column_is_refused_with_a_message_not_a_traceback(empty_workspace):
    at = run(app())
    at.switch_page("pages/data.py")
    run(at)
    no_amount = "Code client;N° facture;Date facture\nC1;F001;01/09/2026\n".encode()  # no amount column
    at.file_uploader(key="data.upload").set_value([("no_amount.csv", no_amount, "text/csv")])
    run(at)
    at.selectbox(key="data.kind.no_amount.csv").set_value("invoices")  # the reader says what the file is
    run(at)
    assert [w.value for w in at.warning] == ["Required columns not found: Amount. Choose them below."]
    at.button(key="data.import").click()
    run(at)  # run() fails on any exception element: the refusal must be a message
    assert len(at.error) == 1 and "amount" in at.error[0].value
    assert empty_workspace.cursor().execute("SELECT count(*) FROM invoices").fetchall() == [(0,)]


def test_empty_lists_say_so_in_words_rather_than_showing_an_empty_table(empty_workspace):
    # Three invoices, nothing settled: no client can have worsened (no settlement to compare) nor be
    # under early warning (no outcome known), and the import history is shown on the Data page.
    at = run(app())
    at.switch_page("pages/data.py")
    run(at)
    assert t("ui.empty.no_imports", "en") in [i.value for i in at.info]
    upload(at, ("open_items.csv", OPEN_ITEMS))
    assert t("ui.empty.no_imports", "en") not in [i.value for i in at.info]
    at.switch_page("pages/late_payers.py")
    run(at)
    infos = [i.value for i in at.info]
    assert t("ui.empty.no_worsening", "en") in infos and t("ui.empty.no_early_warning", "en") in infos
    assert not [table for table in at.dataframe if "Trend (days)" in table.value.columns]


def test_late_payers_lists_the_early_warnings_of_the_score_lowest_first(demo_pages):
    # The expected list comes from riskcore.credit.scores directly: the clients whose rules include the
    # early warning, lowest score first; the page must show exactly those, in that order.
    scores = client_scores(demo_pages, last_date(demo_pages.cursor()))
    warned = scores[scores["rules"].map(lambda rules: "early_warning" in rules)].sort_values("score", kind="stable")
    assert len(warned) > 0  # the small demo has some (6 measured), so the table is not empty
    at = run(app())
    at.switch_page("pages/late_payers.py")
    run(at)
    assert "Early warnings" in [s.value for s in at.subheader]
    tables = [list(table.value["Client"]) for table in at.dataframe if "Score" in table.value.columns]
    assert tables == [[f"client?client={c}" for c in warned["client_id"]]]
    # the overview counts them among its alerts
    at.switch_page("pages/overview.py")
    run(at)
    titles = [str(e.label) for e in at.expander]
    assert f"{len(warned)} client(s) under early warning: recent payments far worse than their history" in titles


def test_late_payers_lists_the_worsening_clients_steepest_rise_first(demo_pages):
    # Expected from riskcore.receivables.kpi directly: clients whose days late over the last 3 months exceed the
    # months before by kpi.worsening_days (10) or more, the largest rise first. The page must show
    # exactly those, in that order, so the credit manager reads the sharpest deteriorations first.
    table = kpi.by_client(demo_pages.cursor(), last_date(demo_pages.cursor()))
    flagged = table[table["worsening"]]
    expected = flagged.sort_values(["days_late_trend", "client_id"], ascending=[False, True])["client_id"]
    assert len(expected) >= 2 and (flagged["days_late_trend"] >= 10).all()
    at = run(app())
    at.switch_page("pages/late_payers.py")
    run(at)
    tables = [table.value for table in at.dataframe if "Trend (days)" in table.value.columns]
    worsening = [table for table in tables if "Score" not in table.columns]  # early warnings have a score
    assert [list(table["Client"]) for table in worsening] == [[f"client?client={c}" for c in expected]]
    trends = list(worsening[0]["Trend (days)"])
    assert trends == sorted(trends, reverse=True)


def test_chase_first_weighs_each_client_by_the_probability_its_score_rests_on(demo_pages):
    # Under an early warning the score rests on the recent months' probability (p_recent), and so
    # must the chase list: overdue x p_score x max days past due, the model's whole-history p_late
    # would rank a client whose last invoices all went late as a moderate risk.
    as_of = last_date(demo_pages.cursor())
    scores = client_scores(demo_pages, as_of).set_index("client_id")
    table = kpi.by_client(demo_pages.cursor(), as_of).set_index("client_id")
    overdue = table[table["overdue"] > 0]
    # an unscored account counts as certain to pay late (dunning.chase_first)
    p_score = scores["p_score"].reindex(overdue.index).fillna(1.0)
    priority = overdue["overdue"] * p_score * overdue["max_days_past_due"]
    expected = priority.sort_values(ascending=False, kind="stable").head(25)
    warned = scores.index[scores["rules"].map(lambda rules: "early_warning" in rules)]
    assert set(expected.index) & set(warned)  # the list holds warned clients: the case is checked
    assert (scores.loc[warned, "p_score"] == scores.loc[warned, "p_recent"]).all()
    at = run(app())
    at.switch_page("pages/late_payers.py")
    run(at)
    chase = next(table.value for table in at.dataframe if "Max days past due" in table.value.columns)
    assert list(chase["Client"]) == [f"client?client={c}" for c in expected.index]
    shown = chase.set_index("Client")["P(late)"]
    for client in set(expected.index) & set(warned):
        assert shown[f"client?client={client}"] == pytest.approx(scores.loc[client, "p_recent"])


def test_a_client_under_early_warning_shows_the_probability_its_score_rests_on(demo_pages):
    scores = client_scores(demo_pages, last_date(demo_pages.cursor())).set_index("client_id")
    # a client whose score no later rule capped (91+, litigation, procedure)
    alone = scores["rules"].map(
        lambda rules: "early_warning" in rules and set(rules) <= {"early_warning", "few_settled"}
    )
    warned = scores[alone]
    client = warned.index[0]
    at = run(app())
    at.query_params["client"] = client
    at.switch_page("pages/client.py")
    run(at)
    # The card is the recent view's probability (the score is 100 x (1 - it), to one decimal), and
    # its help gives the whole-history one: e.g. 98.0 % against 51.9 %.
    recent = metric(at, "Late prob. (3 months)")
    assert recent == f"{scores.loc[client, 'p_recent'] * 100:.1f}%"
    assert abs(float(recent[:-1]) - (100 - scores.loc[client, "score"])) <= 0.1
    help_text = next(m.help for m in at.metric if m.label == "Late prob. (3 months)")
    assert f"Over its whole history: {scores.loc[client, 'p_late'] * 100:.1f}%" in help_text
    assert "Probability of late payment" not in [m.label for m in at.metric]


def test_clearing_own_data_needs_the_typed_name_and_leaves_a_backup(empty_workspace):
    at = run(app())
    upload(at, ("open_items.csv", OPEN_ITEMS))  # the user's own data: 3 invoices
    at.switch_page("pages/data.py")
    run(at)
    at.text_input(key="data.clear_confirm").input("encours")  # the name is "Encours": case matters
    run(at)
    at.button(key="data.clear").click()
    run(at)
    assert [e.value for e in at.error] == ["Type the workspace name “Encours” exactly to confirm."]
    count = empty_workspace.cursor().execute("SELECT count(*) FROM invoices").fetchall()
    assert count == [(3,)]  # untouched
    # over the user's own data, loading the demo asks for the name too
    assert "data.demo_confirm" in [w.key for w in at.text_input]
    at.text_input(key="data.clear_confirm").input("Encours")
    run(at)
    at.button(key="data.clear").click()
    run(at)
    assert at.error == [] and at.exception == []
    assert empty_workspace.cursor().execute("SELECT count(*) FROM invoices").fetchall() == [(0,)]
    backups = list((empty_workspace.path.parent / "backups").glob("*-before-clear.duckdb"))
    assert len(backups) == 1  # the workspace as it was, with its 3 invoices
    import duckdb

    copy = duckdb.connect(str(backups[0]), read_only=True)
    assert copy.execute("SELECT count(*) FROM invoices").fetchall() == [(3,)]
    copy.close()
    actions = empty_workspace.cursor().execute("SELECT action FROM audit_log ORDER BY audit_id").fetchall()
    assert [a for (a,) in actions][-1] == "workspace_clear"
