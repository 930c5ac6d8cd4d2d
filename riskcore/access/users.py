"""Local accounts of the workspace: Argon2id password hashes, roles of config.yaml, managed by an admin.

Passwords are never stored nor logged, only their Argon2id hash (argon2-cffi's defaults, RFC 9106
low-memory profile: 64 MiB, 3 passes). Every change is audited in its own transaction; the hash is
never part of an audit row. An account is disabled, never deleted, so the audit log's names stay
meaningful.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from argon2 import PasswordHasher

from riskcore import config
from riskcore.access import audit
from riskcore.access.auth import User, require
from riskcore.errors import DecisionError
from riskcore.storage import store as store_mod
from riskcore.storage.store import Cursor, Store

HASHER = PasswordHasher()  # Argon2id


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    person: str | None
    password_hash: str
    disabled: bool
    created_at: dt.datetime
    password_changed_at: dt.datetime

    def user(self, source: str = "app") -> User:
        return User(self.name, self.role, person=self.person, source=source)


def get(con: Cursor, name: str) -> Account | None:
    rows = store_mod.rows(con, "user_get", name=name)
    return Account(*rows[0]) if rows else None


def count(con: Cursor) -> int:
    """How many accounts exist (disabled ones included); none: the demo mode."""
    return int(store_mod.value(con, "user_count"))  # type: ignore[arg-type]


def listing(con: Cursor, actor: User) -> pd.DataFrame:
    """Every account without its hash; `manage_users` only."""
    require(actor, "manage_users")
    return store_mod.query(con, "user_list")


def _check_password(password: str) -> None:
    minimum = config.get().auth.min_password_length
    if len(password or "") < minimum:
        raise DecisionError("access.password_short", n=minimum)


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 200 or any(ch.isspace() for ch in name) or not name.isprintable():
        raise DecisionError("access.bad_user_name", name=name)
    return name


def add(store: Store, actor: User, name: str, role: str, password: str, person: str | None = None) -> Account:
    """Create an account; the first one is usually an admin (`encours users add NAME --role admin`)."""
    require(actor, "manage_users")
    name = _check_name(name)
    if role not in config.get().roles:
        raise DecisionError("access.bad_role", role=role, roles=", ".join(config.get().roles))
    _check_password(password)
    hashed = HASHER.hash(password)
    now = audit.utc_now()
    with store.transaction(ledger=False) as cur:
        if get(cur, name) is not None:
            raise DecisionError("access.user_exists", name=name)
        store_mod.run(cur, "user_insert", name=name, role=role, person=person or None, hash=hashed, now=now)
        audit.write(
            cur, actor, "user_add", entity="user", entity_id=name, after={"role": role, "person": person or None}
        )
    return get(store.cursor(), name)  # type: ignore[return-value]


def _existing(cur: Cursor, name: str) -> Account:
    account = get(cur, name)
    if account is None:
        raise DecisionError("access.unknown_user", name=name)
    return account


def set_disabled(store: Store, actor: User, name: str, disabled: bool = True) -> None:
    """Disable an account (it can no longer sign in; its sessions end at their next interaction) or enable it."""
    require(actor, "manage_users")
    if disabled and name == actor.name:
        raise DecisionError("access.disable_self")
    with store.transaction(ledger=False) as cur:
        account = _existing(cur, name)
        store_mod.run(cur, "user_set_disabled", name=name, disabled=disabled)
        audit.write(
            cur,
            actor,
            "user_disable" if disabled else "user_enable",
            entity="user",
            entity_id=name,
            before={"disabled": account.disabled},
            after={"disabled": disabled},
        )


def reset_password(store: Store, actor: User, name: str, password: str) -> None:
    """Set a new password (which also enables the account and lifts a lockout)."""
    require(actor, "manage_users")
    _check_password(password)
    hashed = HASHER.hash(password)
    with store.transaction(ledger=False) as cur:
        account = _existing(cur, name)
        store_mod.run(cur, "user_set_password", name=name, hash=hashed, now=audit.utc_now())
        audit.write(
            cur,
            actor,
            "user_reset_password",
            entity="user",
            entity_id=name,
            before={"disabled": account.disabled},
            after={"disabled": False},
        )
