"""Signing in: one message for a wrong password and an unknown name, lockout, idle expiry.

The audit log is the record of attempts: a failure, a success, a lockout are rows of it, and the
lockout rule reads them back. After `auth.max_failures` failures within `auth.lockout_minutes`
(counted since the last success, lockout or password reset) the name is locked for
`auth.lockout_minutes`; attempts while locked are refused without checking the password.
"""

from __future__ import annotations

import datetime as dt

from argon2.exceptions import InvalidHashError, VerificationError

from riskcore import config
from riskcore.access import audit
from riskcore.access.auth import User
from riskcore.access.users import HASHER, get
from riskcore.errors import PermissionDenied
from riskcore.storage import store as store_mod
from riskcore.storage.store import Cursor, Store

# Checked when the name is unknown, so that an unknown name takes as long as a wrong password.
_DUMMY_HASH = HASHER.hash("not a password of anyone, only time spent")
_RESETS = ("sign_in", "lockout", "user_reset_password")


def locked_until(con: Cursor, name: str, now: dt.datetime | None = None) -> dt.datetime | None:
    """When the lockout of `name` ends, or None when it is not locked (UTC)."""
    window = dt.timedelta(minutes=config.get().auth.lockout_minutes)
    now = now or audit.utc_now()
    events = store_mod.rows(con, "audit_sign_ins", name=name, since=now - window)
    for action, at in events:  # newest first
        if action == "lockout":
            return at + window
        if action in _RESETS:
            return None
    return None


def _failures_since_reset(con: Cursor, name: str, now: dt.datetime) -> int:
    window = dt.timedelta(minutes=config.get().auth.lockout_minutes)
    n = 0
    for action, _ in store_mod.rows(con, "audit_sign_ins", name=name, since=now - window):
        if action in _RESETS:
            break
        n += action == "sign_in_failed"
    return n


def sign_in(store: Store, name: str, password: str, source: str = "app") -> User:
    """The user `name` when `password` is theirs; PermissionDenied access.bad_credentials or access.locked.

    A wrong password, an unknown name and a disabled account give the same message, in the same time.
    """
    name = (name or "").strip()
    now = audit.utc_now()
    until = locked_until(store.cursor(), name, now)
    if until is not None:
        with store.transaction(ledger=False) as cur:
            audit.write(cur, None, "sign_in_refused_locked", entity="user", entity_id=name, name=name, source=source)
        raise PermissionDenied("access.locked", minutes=max(1, round((until - now).total_seconds() / 60)))
    account = get(store.cursor(), name)
    try:
        HASHER.verify(account.password_hash if account else _DUMMY_HASH, password or "")
        ok = account is not None and not account.disabled
    except (VerificationError, InvalidHashError):
        ok = False
    with store.transaction(ledger=False) as cur:
        if ok:
            user = account.user(source)  # type: ignore[union-attr]
            audit.write(cur, user, "sign_in", entity="user", entity_id=name)
            return user
        audit.write(cur, None, "sign_in_failed", entity="user", entity_id=name, name=name, source=source)
        if _failures_since_reset(cur, name, now) >= config.get().auth.max_failures:
            audit.write(cur, None, "lockout", entity="user", entity_id=name, name=name, source=source)
    raise PermissionDenied("access.bad_credentials")


def sign_out(store: Store, user: User) -> None:
    with store.transaction(ledger=False) as cur:
        audit.write(cur, user, "sign_out", entity="user", entity_id=user.name)


def current(con: Cursor, user: User) -> User | None:
    """The signed-in `user` as the workspace has them now: None once disabled or removed (role changes apply)."""
    account = get(con, user.name)
    if account is None or account.disabled:
        return None
    return account.user(user.source)


def expired(last_seen: dt.datetime, now: dt.datetime | None = None) -> bool:
    """Whether a session last active at `last_seen` (UTC) has been idle longer than auth.idle_minutes."""
    now = now or audit.utc_now()
    return now - last_seen > dt.timedelta(minutes=config.get().auth.idle_minutes)
