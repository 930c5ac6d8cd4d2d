"""The audit log: one append-only row per write, in the write's own transaction, and its reading.

Every write function of riskcore calls `write` with the cursor of its transaction, so the row and
the change it records commit together or not at all. No code path updates or deletes a row (a
test reads the SQL of the whole package for it); clearing or restoring a workspace keeps them.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pandas as pd

from riskcore.access.auth import User, require
from riskcore.storage import store as store_mod
from riskcore.storage.store import Cursor

COLUMNS = [
    "audit_id",
    "at_utc",
    "user_name",
    "role",
    "action",
    "entity",
    "entity_id",
    "before_json",
    "after_json",
    "reason",
    "source",
]


def utc_now() -> dt.datetime:
    """The current UTC time, naive (DuckDB TIMESTAMP), as the audit log keeps it."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _plain(value: object) -> object:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return str(value)


def _json(value: object) -> str | None:
    return None if value is None else json.dumps(value, default=_plain, ensure_ascii=False, sort_keys=True)


def write(
    cur: Cursor,
    user: User | None,
    action: str,
    *,
    entity: str | None = None,
    entity_id: object = None,
    before: object = None,
    after: object = None,
    reason: str | None = None,
    name: str | None = None,
    source: str | None = None,
) -> None:
    """Append one row in `cur`'s transaction. `name`/`source` stand in when there is no user (a failed sign-in)."""
    store_mod.run(
        cur,
        "audit_insert",
        at=utc_now(),
        user=user.name if user else (name or "?"),
        role=user.role if user else None,
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        before=_json(before),
        after=_json(after),
        reason=reason,
        source=(user.source if user else None) or source or "app",
    )


def read(
    con: Cursor,
    user: User,
    *,
    who: str | None = None,
    action: str | None = None,
    entity: str | None = None,
    since: dt.datetime | dt.date | None = None,
    until: dt.datetime | dt.date | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """The log, newest first, filtered (None: any); a restricted read, `audit` permission only.

    A date for `until` includes that whole day.
    """
    require(user, "audit")
    if isinstance(until, dt.date) and not isinstance(until, dt.datetime):
        until = dt.datetime.combine(until + dt.timedelta(days=1), dt.time())
    if isinstance(since, dt.date) and not isinstance(since, dt.datetime):
        since = dt.datetime.combine(since, dt.time())
    frame = store_mod.query(
        con, "audit_select", user=who, action=action, entity=entity, since=since, until=until, limit=limit
    )
    return frame[COLUMNS]
