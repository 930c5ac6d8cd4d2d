"""Issue 14 scope 1-2 in the core: Argon2id accounts, one message for every failed sign-in, lockout."""

from __future__ import annotations

import datetime as dt

import pytest

from riskcore.access import audit, signin, users
from riskcore.access.auth import CLI_USER
from riskcore.errors import DecisionError, PermissionDenied

PASSWORD = "correct horse battery"  # 21 characters


@pytest.fixture
def accounts(workspace):
    users.add(workspace, CLI_USER, "ana", "credit_manager", PASSWORD)
    users.add(workspace, CLI_USER, "alice", "sales_rep", "another long one!", person="Alice Martin")
    return workspace


def test_the_password_is_kept_as_an_argon2id_hash_only(accounts):
    account = users.get(accounts.cursor(), "ana")
    assert account.password_hash.startswith("$argon2id$")
    dump = accounts.cursor().execute("SELECT string_agg(CAST(COLUMNS(*) AS VARCHAR), '|') FROM audit_log").fetchall()
    assert PASSWORD not in str(dump) and "$argon2" not in str(dump)
    assert "password_hash" not in users.listing(accounts.cursor(), CLI_USER).columns


def test_a_password_under_12_characters_is_refused(workspace):
    with pytest.raises(DecisionError) as refused:
        users.add(workspace, CLI_USER, "bob", "viewer", "elevenchars")  # 11 characters
    assert refused.value.key == "access.password_short" and refused.value.params == {"n": 12}
    assert users.count(workspace.cursor()) == 0


def test_right_password_signs_in_with_role_and_person(accounts):
    user = signin.sign_in(accounts, "alice", "another long one!")
    assert (user.name, user.role, user.person) == ("alice", "sales_rep", "Alice Martin")


@pytest.mark.parametrize(
    ("name", "password"),
    [("ana", "wrong password!!"), ("nobody", PASSWORD), ("ana", ""), ("", "")],
    ids=["wrong password", "unknown user", "empty password", "empty name"],
)
def test_every_failure_gets_the_same_message(accounts, name, password):
    with pytest.raises(PermissionDenied) as refused:
        signin.sign_in(accounts, name, password)
    assert refused.value.key == "access.bad_credentials"
    assert refused.value.message("en") == "Unknown user name or wrong password."


def test_a_disabled_account_gets_the_same_message_and_comes_back_with_a_new_password(accounts):
    users.set_disabled(accounts, CLI_USER, "ana")
    with pytest.raises(PermissionDenied) as refused:
        signin.sign_in(accounts, "ana", PASSWORD)
    assert refused.value.key == "access.bad_credentials"
    users.reset_password(accounts, CLI_USER, "ana", "a brand new passphrase")
    assert signin.sign_in(accounts, "ana", "a brand new passphrase").name == "ana"


def test_five_failures_lock_the_account_for_15_minutes(accounts):
    for _ in range(5):  # auth.max_failures = 5
        with pytest.raises(PermissionDenied):
            signin.sign_in(accounts, "ana", "wrong password!!")
    with pytest.raises(PermissionDenied) as refused:
        signin.sign_in(accounts, "ana", PASSWORD)  # the right one, refused while locked
    assert refused.value.key == "access.locked"
    assert refused.value.params["minutes"] == 15  # auth.lockout_minutes, just started
    until = signin.locked_until(accounts.cursor(), "ana")
    now = audit.utc_now()
    assert dt.timedelta(minutes=14) < until - now <= dt.timedelta(minutes=15)
    # 15 minutes after the lockout, it has ended
    assert signin.locked_until(accounts.cursor(), "ana", now + dt.timedelta(minutes=15, seconds=1)) is None
    actions = audit.read(accounts.cursor(), CLI_USER, who="ana")["action"].tolist()
    assert actions == ["sign_in_refused_locked", "lockout", *["sign_in_failed"] * 5]  # newest first
    # another account is not affected
    assert signin.sign_in(accounts, "alice", "another long one!").name == "alice"


def test_four_failures_then_a_success_start_the_count_again(accounts):
    for _ in range(4):
        with pytest.raises(PermissionDenied):
            signin.sign_in(accounts, "ana", "wrong password!!")
    signin.sign_in(accounts, "ana", PASSWORD)
    for _ in range(4):  # 4 more: 4 since the success, under 5
        with pytest.raises(PermissionDenied):
            signin.sign_in(accounts, "ana", "wrong password!!")
    assert signin.sign_in(accounts, "ana", PASSWORD).name == "ana"


def test_an_admin_reset_lifts_a_lockout(accounts):
    for _ in range(5):
        with pytest.raises(PermissionDenied):
            signin.sign_in(accounts, "ana", "wrong password!!")
    users.reset_password(accounts, CLI_USER, "ana", "a brand new passphrase")
    assert signin.sign_in(accounts, "ana", "a brand new passphrase").name == "ana"


def test_idle_expiry_after_30_minutes():
    now = dt.datetime(2026, 12, 7, 12, 0)
    assert not signin.expired(now - dt.timedelta(minutes=30), now)  # exactly 30: still in
    assert signin.expired(now - dt.timedelta(minutes=30, seconds=1), now)


def test_a_disabled_user_is_dropped_at_their_next_interaction(accounts):
    user = signin.sign_in(accounts, "ana", PASSWORD)
    assert signin.current(accounts.cursor(), user) == user
    users.set_disabled(accounts, CLI_USER, "ana")
    assert signin.current(accounts.cursor(), user) is None


def test_sign_ins_do_not_move_the_data_version(accounts):
    version = accounts.data_version()
    signin.sign_in(accounts, "ana", PASSWORD)
    with pytest.raises(PermissionDenied):
        signin.sign_in(accounts, "ana", "wrong password!!")
    assert accounts.data_version() == version  # every session's cached figures stay valid
