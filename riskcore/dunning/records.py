"""Recording collections work (DOMAIN §9): actions, promises to pay, disputes and credit holds.

Every record keeps who made it and when, and none is ever changed or deleted: a correction is a
new record (a dispute is resolved by a resolving event, a hold lifted by a lifting one). Who may
record is checked here: the `dunning` action of a role records on any client, `dunning_own` (sales
reps) only on the clients whose `sales_rep` is the user; credit holds need `credit_hold`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

import pandas as pd

from riskcore import config
from riskcore.access import audit
from riskcore.access.auth import User, require
from riskcore.dunning.scenario import ACTION_LEVELS
from riskcore.errors import DecisionError, PermissionDenied
from riskcore.storage import schema
from riskcore.storage import store as store_mod
from riskcore.storage.store import Cursor, Store, write_frame


def _new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def check_client(cur: Cursor, user: User, client_id: str) -> None:
    """Refuse an unknown client, and a user who may not record on this client (PermissionDenied)."""
    rows = store_mod.rows(cur, "dunning_client", client=client_id)
    if not rows:
        raise DecisionError("dunning.unknown_client", client=client_id)
    if user.can("dunning"):
        return
    if user.can("dunning_own"):
        if rows[0][1] == user.ledger_name:
            return
        raise PermissionDenied("dunning.not_your_client", user=user.name, client=client_id)
    require(user, "dunning")  # raises: neither right


def _invoices_of(cur: Cursor, client_id: str, invoice_ids: Sequence[str], as_of: dt.date) -> list[str]:
    """`invoice_ids` checked to be the client's; none given: every invoice of the client open at `as_of`."""
    if not invoice_ids:
        ids = [r[0] for r in store_mod.rows(cur, "dunning_client_invoices", client=client_id, as_of=as_of)]
        if not ids:
            raise DecisionError("dunning.nothing_open", client=client_id)
        return ids
    owners = dict(store_mod.rows(cur, "dunning_invoice_clients", ids=list(invoice_ids)))
    for invoice_id in invoice_ids:
        if owners.get(invoice_id) != client_id:
            raise DecisionError("dunning.not_client_invoice", invoice=invoice_id, client=client_id)
    return sorted(set(invoice_ids))


def write_action(store: Store, user: User, row: dict) -> str:
    """Write one dunning action row (schema.DUNNING_ACTIONS) after the client checks; returns its id.

    The row gets a fresh id, the user's name and the time of recording.
    """
    row = {**row, "action_id": _new_id("ui"), "recorded_by": user.name, "recorded_at": dt.datetime.now()}
    with store.transaction() as cur:
        check_client(cur, user, row["client_id"])
        write_frame(cur, schema.DUNNING_ACTIONS, pd.DataFrame([row]))
        audit.write(
            cur, user, "dunning_action", entity="client", entity_id=row["client_id"],
            after={k: row.get(k) for k in ("action_id", "action", "action_date", "channel", "outcome", "invoice_id")},
            reason=row.get("note"),
        )  # fmt: skip
    return row["action_id"]


def record_action(
    store: Store,
    user: User,
    client_id: str,
    action_date: dt.date,
    action: str,
    channel: str | None = None,
    outcome: str | None = None,
    note: str | None = None,
) -> str:
    """Record one collections action done for a client (it covers all the client's invoices); returns its id.

    `action` is one of config.collections' action types, `outcome` one of collections.outcomes.
    """
    cfg = config.get().collections
    if action not in (*ACTION_LEVELS, "credit_hold"):
        raise DecisionError("dunning.bad_action", value=action)
    if outcome is not None and outcome not in cfg.outcomes:
        raise DecisionError("dunning.bad_outcome", value=outcome, expected=", ".join(cfg.outcomes))
    row = {"client_id": client_id, "invoice_id": None, "action_date": action_date, "level": ACTION_LEVELS.get(action),
           "channel": channel, "outcome": outcome, "promise_date": None, "action": action, "note": note}  # fmt: skip
    return write_action(store, user, row)


def record_promise(
    store: Store,
    user: User,
    client_id: str,
    made_on: dt.date,
    promise_date: dt.date,
    amount: float,
    invoice_ids: Sequence[str] = (),
    note: str | None = None,
) -> str:
    """Record a promise to pay `amount` by `promise_date` on `invoice_ids` (none: every open invoice); its id."""
    if not amount or amount <= 0:
        raise DecisionError("dunning.bad_promise_amount", value=amount)
    if promise_date < made_on:
        raise DecisionError("dunning.promise_before_action", promise=promise_date, action=made_on)
    promise_id = _new_id("pr")
    with store.transaction() as cur:
        check_client(cur, user, client_id)
        ids = _invoices_of(cur, client_id, invoice_ids, made_on)
        row = {
            "promise_id": promise_id, "client_id": client_id, "made_on": made_on, "promise_date": promise_date,
            "amount": amount, "note": note, "recorded_by": user.name, "recorded_at": dt.datetime.now(),
        }  # fmt: skip
        write_frame(cur, schema.PROMISES, pd.DataFrame([row]))
        write_frame(cur, schema.PROMISE_INVOICES, pd.DataFrame({"promise_id": promise_id, "invoice_id": ids}))
        audit.write(
            cur, user, "promise", entity="client", entity_id=client_id,
            after={"promise_id": promise_id, "made_on": made_on, "promise_date": promise_date, "amount": amount,
                   "invoices": ids},
            reason=note,
        )  # fmt: skip
    return promise_id


def record_dispute(
    store: Store,
    user: User,
    client_id: str,
    invoice_ids: Sequence[str],
    event_date: dt.date,
    reason: str | None = None,
    note: str | None = None,
    opened: bool = True,
) -> list[str]:
    """Open (or, with `opened=False`, resolve) a dispute on each of `invoice_ids`; the ids of the events.

    A disputed invoice leaves its client's scenario and stays in every outstanding figure, counted
    in the disputed amount and, by its reason (one of collections.dispute_reasons), in the
    non-payment reasons.
    """
    reasons = config.get().collections.dispute_reasons
    if opened and reason not in reasons:
        raise DecisionError("dunning.bad_dispute_reason", value=reason, expected=", ".join(reasons))
    if not invoice_ids:
        raise DecisionError("dunning.no_invoice")
    with store.transaction() as cur:
        check_client(cur, user, client_id)
        ids = _invoices_of(cur, client_id, invoice_ids, event_date)
        now = dt.datetime.now()
        rows = [
            {"event_id": _new_id("dp"), "client_id": client_id, "invoice_id": i, "event_date": event_date,
             "opened": opened, "reason": reason if opened else None, "note": note, "recorded_by": user.name,
             "recorded_at": now}
            for i in ids
        ]  # fmt: skip
        write_frame(cur, schema.DISPUTE_EVENTS, pd.DataFrame(rows))
        audit.write(
            cur, user, "dispute_open" if opened else "dispute_resolve", entity="client", entity_id=client_id,
            after={"invoices": ids, "event_date": event_date, "reason": reason if opened else None},
            reason=note,
        )  # fmt: skip
    return [r["event_id"] for r in rows]


def set_credit_hold(
    store: Store, user: User, client_id: str, event_date: dt.date, on_hold: bool, reason: str | None = None
) -> str:
    """Put a client on credit hold (or lift it): shown to its sales rep, no new limit above its outstanding."""
    require(user, "credit_hold")
    hold_id = _new_id("ch")
    row = {
        "hold_id": hold_id, "client_id": client_id, "event_date": event_date, "on_hold": on_hold, "reason": reason,
        "recorded_by": user.name, "recorded_at": dt.datetime.now(),
    }  # fmt: skip
    with store.transaction() as cur:
        check_client(cur, user, client_id)
        write_frame(cur, schema.CREDIT_HOLDS, pd.DataFrame([row]))
        audit.write(
            cur, user, "credit_hold_on" if on_hold else "credit_hold_off", entity="client", entity_id=client_id,
            after={"hold_id": hold_id, "event_date": event_date, "on_hold": on_hold}, reason=reason,
        )  # fmt: skip
    return hold_id
