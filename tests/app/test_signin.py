"""The sign-in gate and the admin pages through AppTest (issue 14): a real workspace with accounts.

Accounts are made as the command line makes them (riskcore.access.users.add by CLI_USER, an
administrator). Expected messages are written out in English by hand, as the reader sees them.
"""

from __future__ import annotations

import datetime as dt

import pytest
from apptest_support import app, run, texts

from riskcore.access import audit, users
from riskcore.access.auth import CLI_USER, User
from riskcore.ui import nav, signin
from riskcore.ui.fmt import literal

ADMIN, ADMIN_PASSWORD = "alice", "alice-long-passphrase"
VIEWER, VIEWER_PASSWORD = "victor", "victor-long-passphrase"
BAD_CREDENTIALS = "Unknown user name or wrong password."
# auth.lockout_minutes = 15: the lockout row is written by the 5th failure, an instant before the
# next attempt, so 15 minutes less a few seconds remain, which rounds to 15.
LOCKED = "Too many failed sign-ins: this account is locked for 15 more minute(s)."


@pytest.fixture
def accounts(demo_workspace):
    """The small demo ledger with an administrator and a viewer account."""
    users.add(demo_workspace, CLI_USER, ADMIN, "admin", ADMIN_PASSWORD)
    users.add(demo_workspace, CLI_USER, VIEWER, "viewer", VIEWER_PASSWORD)
    return demo_workspace


def sign_in(at, name: str, password: str):
    at.text_input(key="signin.name").input(name)
    at.text_input(key="signin.password").input(password)
    at.button(key="signin.submit").click()
    return run(at)


def errors(at) -> list[str]:
    return [e.value for e in at.error]


def shows_data(at) -> bool:
    """Any figure, table or chart of the ledger, or the sidebar's as-of date and filters."""
    return bool(at.metric or at.dataframe or at.get("plotly_chart") or at.date_input or at.multiselect)


def sidebar_text(at) -> str:
    return " ".join(str(m.value) for m in at.sidebar.markdown)


def audit_actions(store, name: str) -> list[str]:
    """The actions the audit log holds for `name`, oldest first."""
    log = audit.read(store.cursor(), CLI_USER, who=name)
    return list(log["action"])[::-1]


# --- the gate -------------------------------------------------------------------------------------


def test_with_an_account_the_first_run_shows_the_sign_in_form_and_no_data(accounts):
    at = run(app())
    assert [t.value for t in at.title] == ["Sign in"]
    assert [w.key for w in at.text_input] == ["signin.name", "signin.password"]
    assert not shows_data(at)
    assert at.selectbox == []  # not even the demo's "view as" switch
    # a typed address changes nothing: the users page is registered but does not run
    at.switch_page("pages/users.py")
    run(at)
    assert [t.value for t in at.title] == ["Sign in"]
    assert not shows_data(at)


def test_a_wrong_password_and_an_unknown_name_get_the_same_message_then_the_right_one_signs_in(accounts):
    at = run(app())
    sign_in(at, ADMIN, "not-the-password")
    assert errors(at) == [BAD_CREDENTIALS]
    assert not shows_data(at)
    sign_in(at, "nobody-here", ADMIN_PASSWORD)
    assert errors(at) == [BAD_CREDENTIALS]

    sign_in(at, ADMIN, ADMIN_PASSWORD)
    assert errors(at) == []
    assert at.title[0].value == "Overview"
    assert at.metric  # the overview's cards: the ledger shows once signed in
    # the sidebar names the user and their role (ui.role.admin), with a sign-out button
    assert "alice" in sidebar_text(at) and "Administrator" in sidebar_text(at)
    assert at.button(key="signin.sign_out").label == "Sign out"
    state = at.session_state[signin.SIGNED_IN]
    assert (state["name"], state["role"], state["person"]) == (ADMIN, "admin", None)
    # the audit log: alice's one failure, then her sign-in (the unknown name's failure is its own row)
    assert audit_actions(accounts, ADMIN) == ["sign_in_failed", "sign_in"]
    assert audit_actions(accounts, "nobody-here") == ["sign_in_failed"]


def test_five_failures_lock_the_account_even_against_the_right_password(accounts):
    at = run(app())
    for _ in range(5):  # auth.max_failures = 5
        sign_in(at, ADMIN, "wrong-password-again")
        assert errors(at) == [BAD_CREDENTIALS]
    sign_in(at, ADMIN, ADMIN_PASSWORD)
    assert errors(at) == [LOCKED]
    assert [t.value for t in at.title] == ["Sign in"]
    assert not shows_data(at)


def test_four_failures_do_not_lock(accounts):
    at = run(app())
    for _ in range(4):  # one fewer than auth.max_failures
        sign_in(at, ADMIN, "wrong-password-again")
    sign_in(at, ADMIN, ADMIN_PASSWORD)
    assert errors(at) == []
    assert at.title[0].value == "Overview"


def test_signing_out_returns_to_the_form_and_is_audited(accounts):
    at = sign_in(run(app()), VIEWER, VIEWER_PASSWORD)
    at.button(key="signin.sign_out").click()
    run(at)
    assert [t.value for t in at.title] == ["Sign in"]
    assert [i.value for i in at.info] == ["You are signed out."]
    assert signin.SIGNED_IN not in at.session_state
    assert audit_actions(accounts, VIEWER) == ["sign_in", "sign_out"]


@pytest.mark.parametrize(
    ("idle_minutes", "signed_in"),
    [
        (29, True),  # auth.idle_minutes = 30: 29 idle minutes keep the session
        (31, False),  # 31 end it
    ],
)
def test_an_idle_session_expires_after_auth_idle_minutes(accounts, idle_minutes, signed_in):
    at = sign_in(run(app()), VIEWER, VIEWER_PASSWORD)
    state = at.session_state[signin.SIGNED_IN]
    at.session_state[signin.SIGNED_IN] = {
        **state,
        "last_seen": audit.utc_now() - dt.timedelta(minutes=idle_minutes),
    }
    run(at)
    if signed_in:
        assert at.title[0].value == "Overview"
        # the run is activity: last_seen moves to now (within the last minute)
        seen = at.session_state[signin.SIGNED_IN]["last_seen"]
        assert audit.utc_now() - seen < dt.timedelta(minutes=1)
        assert audit_actions(accounts, VIEWER) == ["sign_in"]
    else:
        assert [t.value for t in at.title] == ["Sign in"]
        assert [w.value for w in at.warning] == [
            "Your session expired after 30 minutes without activity: sign in again."
        ]
        assert not shows_data(at)
        assert audit_actions(accounts, VIEWER) == ["sign_in", "sign_out"]


def test_a_disabled_account_is_signed_out_at_its_next_click(accounts):
    at = sign_in(run(app()), VIEWER, VIEWER_PASSWORD)
    assert at.title[0].value == "Overview"
    users.set_disabled(accounts, CLI_USER, VIEWER, True)
    run(at)
    assert [t.value for t in at.title] == ["Sign in"]
    assert [w.value for w in at.warning] == [
        "Your session has ended: this account is no longer active. Ask an administrator."
    ]
    assert not shows_data(at)
    sign_in(at, VIEWER, VIEWER_PASSWORD)  # and it cannot sign in again
    assert errors(at) == [BAD_CREDENTIALS]


# --- without accounts -----------------------------------------------------------------------------


@pytest.mark.parametrize("spec", nav.PAGES, ids=[p.url_path for p in nav.PAGES])
def test_without_accounts_every_page_opens_under_the_demo_banner(demo_pages, spec):
    at = app()
    run(at)
    at.switch_page(spec.file)
    run(at)
    banner = [m.value for m in at.main.markdown if "no sign-in" in m.value]
    assert len(banner) == 1
    assert banner[0].startswith(":orange[:material/warning:] **Demo mode: this workspace has no sign-in.**")
    assert "Anyone who can reach this page can act under any role" in banner[0]
    assert f"`encours users add NAME --role admin --db {demo_pages.path}`" in banner[0]
    # on top of the page: the banner's box is the first element of the main area, before the title
    first = at.main.children[0]
    assert first.children[0].value == banner[0]
    assert at.title[0].value == nav.title(spec, "en")


def test_without_accounts_and_demo_mode_off_the_app_refuses_to_go_on(demo_workspace, configured):
    configured(auth={"demo_mode": False})
    at = run(app())
    # access.no_users, the workspace's path escaped for Markdown so that it shows as written
    assert errors(at) == [
        "This workspace has no user and auth.demo_mode is false in config.yaml, so Encours will not start"
        " without sign-in. Create the first administrator: encours users add NAME --role admin --db "
        + literal(str(demo_workspace.path))
    ]
    assert at.title == [] and at.text_input == [] and at.selectbox == []
    assert not shows_data(at)


# --- the admin pages ------------------------------------------------------------------------------


@pytest.mark.parametrize(("page", "permission"), [("pages/users.py", "manage_users"), ("pages/audit.py", "audit")])
def test_a_viewer_typing_an_admin_page_address_is_refused_by_riskcore(accounts, page, permission):
    at = sign_in(run(app()), VIEWER, VIEWER_PASSWORD)
    at.switch_page(page)
    run(at)
    # auth.denied, raised by users.listing / audit.read: "{user} ({role}) is not allowed to {action}"
    assert errors(at) == [f"victor (viewer) is not allowed to {permission}"]
    assert at.dataframe == [] and at.text_input == [] and at.download_button == []


def test_the_admin_section_is_in_the_menu_of_those_who_may_open_it_only():
    listed = {
        role: [p.url_path for p in nav.PAGES if nav.shown_to(p, User("x", role))]
        for role in ("viewer", "credit_manager", "admin")
    }
    assert "users" not in listed["viewer"] and "audit" not in listed["viewer"]
    assert "users" not in listed["credit_manager"] and "audit" not in listed["credit_manager"]
    assert listed["admin"][-2:] == ["users", "audit"]
    assert [p.url_path for p in nav.PAGES if nav.shown_to(p, None)][-1] == "data"  # nobody signed in


def test_an_admin_lists_adds_disables_and_resets_accounts(accounts):
    at = sign_in(run(app()), ADMIN, ADMIN_PASSWORD)
    at.switch_page("pages/users.py")
    run(at)
    table = at.dataframe[0].value
    assert list(table["User"]) == ["alice", "victor"]  # user_list orders by name
    assert list(table["Role"]) == ["Administrator", "CFO (viewer)"]
    assert list(table["Disabled"]) == ["No", "No"]

    # two different passwords: refused before riskcore is asked
    at.text_input(key="users.add.name").input("carla")
    at.selectbox(key="users.add.role").set_value("credit_manager")
    at.text_input(key="users.add.password").input("carla-long-passphrase")
    at.text_input(key="users.add.again").input("carla-other-passphrase")
    at.button(key="users.add.submit").click()
    run(at)
    assert errors(at) == ["The two passwords differ."]
    assert users.get(accounts.cursor(), "carla") is None

    at.text_input(key="users.add.name").input("carla")
    at.selectbox(key="users.add.role").set_value("credit_manager")
    at.text_input(key="users.add.person").input("Carla Martin")
    at.text_input(key="users.add.password").input("carla-long-passphrase")
    at.text_input(key="users.add.again").input("carla-long-passphrase")
    at.button(key="users.add.submit").click()
    run(at)
    assert [s.value for s in at.success] == ["Account carla created."]
    carla = users.get(accounts.cursor(), "carla")
    assert (carla.role, carla.person, carla.disabled) == ("credit_manager", "Carla Martin", False)
    assert list(at.dataframe[0].value["User"]) == ["alice", "carla", "victor"]

    # a too short password is riskcore's refusal (auth.min_password_length = 12)
    at.selectbox(key="users.reset.name").set_value("carla")
    at.text_input(key="users.reset.password").input("short")
    at.text_input(key="users.reset.again").input("short")
    at.button(key="users.reset.submit").click()
    run(at)
    assert errors(at) == ["The password must have at least 12 characters."]

    at.selectbox(key="users.status.name").set_value("victor")
    run(at)
    assert at.button(key="users.status.toggle").label == "Disable"
    at.button(key="users.status.toggle").click()
    run(at)
    assert [s.value for s in at.success] == ["Account victor disabled: its open sessions end at their next click."]
    assert users.get(accounts.cursor(), "victor").disabled
    assert list(at.dataframe[0].value["Disabled"]) == ["No", "No", "Yes"]

    at.selectbox(key="users.status.name").set_value("alice")
    run(at)
    at.button(key="users.status.toggle").click()
    run(at)
    assert errors(at) == ["You cannot disable your own account."]

    at.selectbox(key="users.reset.name").set_value("victor")
    at.text_input(key="users.reset.password").input("victor-new-passphrase")
    at.text_input(key="users.reset.again").input("victor-new-passphrase")
    at.button(key="users.reset.submit").click()
    run(at)
    assert [s.value for s in at.success] == [
        "Password of victor changed (the account is enabled and any lockout lifted)."
    ]
    assert not users.get(accounts.cursor(), "victor").disabled
    assert audit_actions(accounts, ADMIN)[-4:] == ["sign_in", "user_add", "user_disable", "user_reset_password"]


def test_the_audit_page_filters_the_log_newest_first_and_offers_it_as_excel(accounts):
    at = sign_in(run(app()), ADMIN, ADMIN_PASSWORD)
    at.switch_page("pages/audit.py")
    run(at)
    assert [t.value for t in at.title] == ["Audit log"]
    everything = at.dataframe[0].value
    # newest first: alice's sign-in is the last write, the two accounts made by the CLI come before
    assert list(everything["Action"].head(3)) == ["sign_in", "user_add", "user_add"]
    assert list(everything["User"].head(1)) == ["alice"]

    at.selectbox(key="audit.action").set_value("user_add")
    run(at)
    added = at.dataframe[0].value
    # the CLI added alice, then victor: newest first, victor's row comes first
    assert list(added["Id"]) == ["victor", "alice"]
    assert list(added["After"]) == ['{"person": null, "role": "viewer"}', '{"person": null, "role": "admin"}']
    assert [c.value for c in at.caption if "row(s)" in c.value] == ["2 row(s), newest first."]
    assert [d.label for d in at.download_button] == ["CSV", "Excel"]  # ui.table.export_csv / export_xlsx

    # every row was written today (UTC): up to yesterday included, none
    at.date_input(key="audit.until").set_value(audit.utc_now().date() - dt.timedelta(days=1))
    run(at)
    assert at.dataframe == []
    assert [i.value for i in at.info] == ["No audit row matches these filters."]
    assert texts(at)  # the page is drawn, filters and all
