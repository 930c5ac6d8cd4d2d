"""Sign-in in a real browser (issue 14, acceptance 2): the gate, the lockout, four eyes on a limit, the audit log.

The workspace gets a small demo ledger and two accounts (an administrator, a credit manager) before
`streamlit run` starts, as `encours users add` would make them. The server speaks French (its default).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from browser_support import (
    BY_PATH,
    E2E_MARKS,
    RUN_TIMEOUT_MS,
    assert_no_error,
    describe,
    read_table,
    screenshot,
    sidebar_link,
    table_with_header,
    wait_for_page,
    wait_idle,
)
from conftest import Server, close_tab, new_tab, start_server, stop
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from riskcore import demo
from riskcore.access import users
from riskcore.access.auth import CLI_USER
from riskcore.credit import limits
from riskcore.storage.store import open_store

pytestmark = E2E_MARKS

ADMIN, ADMIN_PASSWORD = "alice", "alice-long-passphrase"
MANAGER, MANAGER_PASSWORD = "bruno", "bruno-long-passphrase"
SIGN_IN = "Connexion"  # ui.signin.title
BAD_CREDENTIALS = "Nom d'utilisateur inconnu ou mot de passe erroné."
# auth.lockout_minutes = 15, written by the 5th failure an instant before: 15 minutes less a few seconds, rounded
LOCKED = "Trop d'échecs de connexion : ce compte est verrouillé encore 15 minute(s)."
NEW_LIMIT = 80_000  # above limits.approval_threshold_amount (50 000): a second person must approve


@pytest.fixture(scope="module")
def accounts_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str, float]]:
    """A server on a workspace with a demo ledger and two accounts; also a client and its limit, below 80 000."""
    tmp = tmp_path_factory.mktemp("e2e-signin")
    db = tmp / "encours.duckdb"
    store = open_store(db)
    try:
        demo.load_demo(store, clients=60, years=2)
        users.add(store, CLI_USER, ADMIN, "admin", ADMIN_PASSWORD)
        users.add(store, CLI_USER, MANAGER, "credit_manager", MANAGER_PASSWORD)
        held = limits.holds(store.cursor(), None)  # a client on credit hold may not be raised above its outstanding
        candidates = (
            store.cursor()
            .execute(
                "SELECT client_id, credit_limit FROM clients WHERE credit_limit > 0 AND credit_limit < $cap ORDER BY client_id",
                {"cap": NEW_LIMIT},
            )
            .fetchall()
        )
        client_id, previous = next((c, float(v)) for c, v in candidates if c not in held)
    finally:
        store.close()
    try:
        proc, server = start_server(db, tmp / "streamlit.log")
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield server, client_id, previous
    finally:
        stop(proc)


@pytest.fixture
def tab(request: pytest.FixtureRequest, browser, accounts_server) -> Iterator[object]:
    context, page = new_tab(browser, accounts_server[0].url)
    yield page
    close_tab(request, context, page)


# Counts the script runs that start from now on (Streamlit's frontend marks each one on stApp), so
# that a click can wait for the run it caused even when the page looks the same afterwards.
_WATCH_RUNS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  window.__encoursRuns = 0;
  if (!window.__encoursWatch) {
    window.__encoursWatch = new MutationObserver(() => {
      if (app.getAttribute('data-test-script-state') === 'running') window.__encoursRuns += 1;
    });
    window.__encoursWatch.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
  }
}"""
_RAN = """() => window.__encoursRuns > 0
  && document.querySelector('[data-testid="stApp"]').getAttribute('data-test-script-state') === 'notRunning'"""


def click_and_wait(page, locator) -> None:
    """Click `locator` and wait for the script run it starts to be over."""
    run_after(page, locator.click)


def type_and_wait(page, locator, text: str) -> None:
    """Type `text` into the field `locator` and leave it (Tab), which sends it: wait for that run."""
    locator.fill(text)
    run_after(page, lambda: locator.press("Tab"))


def run_after(page, action) -> None:
    """Do `action` (a click, a key) and wait until the script run it starts is over."""
    page.evaluate(_WATCH_RUNS)
    action()
    try:
        page.wait_for_function(_RAN, timeout=RUN_TIMEOUT_MS, polling="raf")
    except PlaywrightTimeout:
        raise AssertionError(f"the click started no run: {describe(page)}") from None
    wait_idle(page)


def open_sign_in(page) -> None:
    page.goto("/", wait_until="commit")
    wait_for_page(page, SIGN_IN)


def submit(page, name: str, password: str) -> None:
    """Type a name and a password into the sign-in form and send it."""
    page.locator(".st-key-signin-name input").fill(name)
    page.locator(".st-key-signin-password input").fill(password)
    click_and_wait(page, page.locator(".st-key-signin-submit button"))


def wait_text(page, text: str) -> None:
    """Wait until the page shows `text` (a whole element's text), or fail with what it shows instead."""
    try:
        page.get_by_text(text, exact=True).first.wait_for(timeout=30_000)
    except PlaywrightTimeout:
        main = page.locator('[data-testid="stMain"]').inner_text()
        raise AssertionError(f"{text!r} never showed: {describe(page)}\n{main[:4000]}") from None


def error_texts(page) -> list[str]:
    """The words of every error message (its icon is a ligature of the icon font: left out)."""
    texts = page.locator('[data-testid="stAlertContentError"] [data-testid="stMarkdownContainer"]').all_inner_texts()
    return [t.strip() for t in texts]


def assert_no_data(page) -> None:
    """Nothing of the ledger on screen: no table, no KPI card, no chart, no as-of date, no page menu."""
    for test_id in ("stDataFrame", "stMetric", "stPlotlyChart", "stSidebarNav", "stDateInput"):
        assert page.locator(f'[data-testid="{test_id}"]').count() == 0, (test_id, describe(page))


def sign_in(page, name: str, password: str, title: str = "Vue d'ensemble") -> None:
    submit(page, name, password)
    wait_for_page(page, title)
    assert_no_error(page)


def sign_out(page) -> None:
    click_and_wait(page, page.locator(".st-key-signin-sign_out button"))
    wait_for_page(page, SIGN_IN)
    assert page.get_by_text("Vous êtes déconnecté.", exact=True).count() == 1  # ui.signin.signed_out
    assert_no_data(page)


def go_to(page, path: str) -> None:
    screen = BY_PATH[path]
    sidebar_link(page, screen).click()
    wait_for_page(page, screen.fr)


def test_no_data_before_sign_in_then_a_wrong_password_then_the_right_one(tab, artifacts: Path) -> None:
    open_sign_in(tab)
    assert_no_data(tab)
    assert tab.locator('[data-testid="stMain"] h1').all_inner_texts() == [SIGN_IN]
    screenshot(tab, artifacts / "fr-signin.png")

    submit(tab, MANAGER, "not-the-password")
    assert error_texts(tab) == [BAD_CREDENTIALS]
    assert_no_data(tab)
    submit(tab, "nobody-at-all", MANAGER_PASSWORD)  # an unknown name: the same words
    assert error_texts(tab) == [BAD_CREDENTIALS]

    sign_in(tab, MANAGER, MANAGER_PASSWORD)
    assert tab.locator('[data-testid="stMetric"]').count() > 0  # the overview's cards, once signed in
    who = tab.locator(".st-key-signin-who").inner_text()
    assert MANAGER in who and "Credit manager" in who  # ui.role.credit_manager (fr)
    # a credit manager's menu has no administration section (neither users nor the audit log)
    nav = tab.locator('[data-testid="stSidebarNav"]')
    assert "Administration" not in nav.inner_text()
    assert sidebar_link(tab, BY_PATH["users"]).count() == 0 and sidebar_link(tab, BY_PATH["audit"]).count() == 0


def test_five_failures_lock_a_name_in_its_own_browser_context(tab, browser, accounts_server) -> None:
    name = "mallory"  # a third name, unknown: locked all the same, so nothing tells it from an account
    open_sign_in(tab)
    for _ in range(5):  # auth.max_failures = 5
        submit(tab, name, "guess-number-x")
        assert error_texts(tab) == [BAD_CREDENTIALS]
    submit(tab, name, "guess-number-6")
    assert error_texts(tab) == [LOCKED]
    assert_no_data(tab)
    # another browser (another session) is refused too: the lockout is the workspace's, not the tab's
    context, other = new_tab(browser, accounts_server[0].url)
    try:
        open_sign_in(other)
        submit(other, name, "guess-number-7")
        assert error_texts(other) == [LOCKED]
    finally:
        context.close()


def test_four_eyes_on_a_limit_above_the_threshold_and_both_rows_in_the_audit_log(
    tab, accounts_server, artifacts: Path
) -> None:
    _, client_id, previous = accounts_server
    open_sign_in(tab)
    sign_in(tab, MANAGER, MANAGER_PASSWORD)

    # The credit manager proposes 80 000 for the client, with a reason.
    go_to(tab, "limits")
    picker = tab.locator(".st-key-limits-edit-client")
    picker.get_by_role("combobox").click()
    tab.keyboard.type(client_id)
    click_and_wait(tab, tab.get_by_role("option", name=re.compile(rf"\({re.escape(client_id)}\)$")))
    type_and_wait(tab, tab.locator(f".st-key-limits-edit-new_limit-{client_id} input"), str(NEW_LIMIT))
    type_and_wait(tab, tab.locator(".st-key-limits-edit-reason textarea"), "Assureur-crédit : couverture relevée")
    assert tab.get_by_text(re.compile(r"^Soit 80\s000\s€$")).count() == 1  # the amount as the form reads it
    click_and_wait(tab, tab.locator(".st-key-limits-edit-submit button"))
    wait_text(tab, f"Proposition pour {client_id} envoyée en approbation.")  # ui.limits.outcome_pending
    assert_no_error(tab)
    sign_out(tab)

    # The administrator signs in on the same address and lands on the page it names, then approves.
    assert tab.url.endswith("/limits")
    sign_in(tab, ADMIN, ADMIN_PASSWORD, title=BY_PATH["limits"].fr)
    tab.get_by_role("tab", name="À approuver (1)").click()
    approve = tab.locator('[class*="st-key-limits-queue-approve-"] button')
    assert approve.count() == 1
    click_and_wait(tab, approve)
    wait_text(tab, f"Limite de {client_id} appliquée.")  # ui.limits.outcome_applied
    assert_no_error(tab)

    # The audit log shows both rows, who made them and the limit before and after.
    go_to(tab, "audit")
    assert_no_error(tab)
    heads = ["Heure (UTC)", "Utilisateur", "Action", "Identifiant", "Avant", "Après"]
    rows = read_table(table_with_header(tab, "Avant"), heads)
    by_action = {r["Action"]: r for r in rows if r["Action"] in ("limit_propose", "limit_approve")}
    assert list(by_action) == ["limit_approve", "limit_propose"]  # newest first
    proposed, approved = by_action["limit_propose"], by_action["limit_approve"]
    assert (proposed["Utilisateur"], proposed["Identifiant"]) == (MANAGER, client_id)
    assert (approved["Utilisateur"], approved["Identifiant"]) == (ADMIN, client_id)
    # before: the limit the workspace had; after the proposal, still pending; after the approval, 80 000
    assert json.loads(proposed["Avant"]) == {"credit_limit": previous}
    after_proposal = json.loads(proposed["Après"])
    assert (after_proposal["credit_limit"], after_proposal["status"]) == (NEW_LIMIT, "pending")
    decision = after_proposal["decision_id"]
    assert json.loads(approved["Avant"]) == {
        "credit_limit": previous,
        "decision_id": decision,
        "proposed_by": MANAGER,
        "status": "pending",
    }
    assert json.loads(approved["Après"]) == {"credit_limit": NEW_LIMIT, "decision_id": decision, "status": "applied"}
    screenshot(tab, artifacts / "fr-audit-log.png")

    # The Excel file of the log holds the same two rows.
    with tab.expect_download() as download:
        tab.locator(".st-key-audit-export-xlsx button").click()
    sheet = pd.read_excel(io.BytesIO(Path(download.value.path()).read_bytes()), engine="openpyxl")
    limit_rows = sheet[sheet["Action"].isin(["limit_propose", "limit_approve"])]
    assert list(limit_rows["Utilisateur"]) == [ADMIN, MANAGER]
    assert [json.loads(v)["credit_limit"] for v in limit_rows["Après"]] == [NEW_LIMIT, NEW_LIMIT]
