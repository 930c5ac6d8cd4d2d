"""The daily worklist (DOMAIN §9): for every client, the step of its scenario due today, ranked by amount at risk.

The figures of a client come from `kpi.by_client` joined with its score (the caller passes that
frame, as for `chase.chase_first`); the ledger facts the scenarios need are read here through
named SQL, and the rules are those of `scenario` and `promises`.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import pandas as pd

from riskcore import config
from riskcore.config.collections import Step
from riskcore.dunning.promises import BROKEN, PENDING, deadline, promise_state
from riskcore.dunning.scenario import ACTION_LEVELS, LEVEL_ACTIONS, Done, OpenItem, next_step, payer_profile
from riskcore.storage import store
from riskcore.storage.store import Cursor

COLUMNS = [
    "client_id", "name", "profile", "step", "action", "offset_days", "owner", "owner_name", "credit_hold_step", "template",
    "invoice_ids", "step_amount", "overdue", "amount_at_risk", "max_days_past_due", "position", "grade",
    "sales_rep", "collector", "last_action", "last_action_date", "last_outcome", "on_hold", "broken_promise",
]  # fmt: skip


def lead_days(scenarios: dict[str, tuple[Step, ...]]) -> int:
    """How many days before a due date the earliest pre-due step of any scenario starts (0 if none)."""
    return max(0, -min(s.offset_days for steps in scenarios.values() for s in steps))


@dataclass(frozen=True)
class Ledger:
    """What the scenarios read from the workspace at one date, per client."""

    items: dict[str, list[OpenItem]]
    done: dict[str, list[Done]]
    last: dict[str, tuple[str, dt.date, str | None]]  # action, date, outcome of the last action
    profile_inputs: pd.DataFrame  # client_id, settled_invoices, weighted_days_late
    promises: pd.DataFrame  # every promise made by the date, with its state
    holds: pd.DataFrame  # client_id, on_hold, hold_date, hold_reason


def promises_at(con: Cursor, as_of: dt.date) -> pd.DataFrame:
    """Every promise made by `as_of` with its invoices, what was paid on them and its state then."""
    grace = config.get().collections.promise_grace_days
    frame = store.query(con, "dunning_promises", as_of=as_of, grace_days=grace)
    for column in ("made_on", "promise_date"):  # plain dates, as every date the rules compare
        frame[column] = pd.Series([d.date() for d in frame[column]], index=frame.index, dtype="object")
    states = [
        promise_state(row.promise_date, row.amount, row.paid, as_of, grace) for row in frame.itertuples(index=False)
    ]
    broke = [deadline(d, grace) + dt.timedelta(days=1) for d in frame["promise_date"]]
    return frame.assign(
        state=pd.Series(states, index=frame.index, dtype="object"),
        broken_on=pd.Series([b if st == BROKEN else None for b, st in zip(broke, states, strict=True)], dtype="object"),
    )


def broken_promises(promises: pd.DataFrame) -> dict[str, dt.date]:
    """The day the last broken promise of each client broke (its date + grace + 1)."""
    broken = promises[promises["state"] == BROKEN]
    return broken.groupby("client_id")["broken_on"].max().to_dict()


def read_ledger(con: Cursor, as_of: dt.date) -> Ledger:
    """The open items, actions, promises and holds of every client at `as_of`."""
    cfg = config.get().collections
    promises = promises_at(con, as_of)
    pending = promises.loc[promises["state"] == PENDING, "invoice_ids"]
    promised = {i for ids in pending if ids is not None for i in ids}
    rows = store.rows(con, "dunning_items", as_of=as_of, lead_days=lead_days(cfg.scenarios))
    items = {
        client: [OpenItem(i, due, rem, bool(disp), i in promised) for _, i, due, rem, disp in group]
        for client, group in itertools.groupby(rows, key=lambda r: r[0])
    }
    done: dict[str, list[Done]] = {}
    last: dict[str, tuple[str, dt.date, str | None]] = {}
    for client, _, day, outcome, _, action in store.rows(
        con, "dunning_done", as_of=as_of, level_actions=[LEVEL_ACTIONS[k] for k in sorted(LEVEL_ACTIONS)]
    ):
        if action:
            done.setdefault(client, []).append(Done(action, day))
        last[client] = (action, day, outcome)
    inputs = store.query(
        con, "dunning_profile_inputs", as_of=as_of, window_start=as_of - dt.timedelta(cfg.profiles.window_days)
    )
    holds = store.query(con, "dunning_holds", as_of=as_of)
    return Ledger(items, done, last, inputs, promises, holds)


def _known(value: object) -> bool:
    return value is not None and bool(pd.notna(value))


def profiles(clients: pd.DataFrame, ledger: Ledger) -> pd.Series:
    """The payer profile of every client of `clients` (kpi.by_client with `grade`), indexed like it."""
    rules = config.get().collections.profiles
    inputs = clients[["client_id"]].merge(ledger.profile_inputs, on="client_id", how="left")
    grades = clients["grade"] if "grade" in clients else pd.Series(None, index=clients.index, dtype="object")
    columns = (grades, clients["max_days_past_due"], clients["status"], inputs["settled_invoices"])
    values = [
        payer_profile(
            grade=grade if isinstance(grade, str) else None,
            max_days_past_due=int(dpd) if _known(dpd) else 0,
            status=status if isinstance(status, str) else None,
            settled_invoices=int(settled) if _known(settled) else 0,
            weighted_days_late=float(late) if _known(late) else None,
            rules=rules,
        )
        for (grade, dpd, status, settled), late in zip(
            zip(*columns, strict=True), inputs["weighted_days_late"], strict=True
        )
    ]
    return pd.Series(values, index=clients.index, dtype="object")


def worklist(con: Cursor, as_of: dt.date, clients: pd.DataFrame, ledger: Ledger | None = None) -> pd.DataFrame:
    """One row per client with a step due at `as_of`, ranked by amount at risk (highest first).

    Parameters
    ----------
    con : a cursor of the workspace.
    as_of : the day of the worklist.
    clients : `kpi.by_client` at `as_of`, with the score columns `grade` and `p_score` when scored.
    ledger : what `read_ledger` read at `as_of`, when the caller has it already.

    Returns
    -------
    The columns of COLUMNS: the step (its rank from 1, action, offset, owner role and the person
    holding it), the invoices one action covers and their amount, the client's overdue amount and
    amount at risk (overdue x probability of paying late; an unscored client counts as 1), its
    position p, profile, last action and credit hold.
    """
    ledger = ledger or read_ledger(con, as_of)
    scenarios = config.get().collections.scenarios
    clients = clients.reset_index(drop=True)
    if "collector" not in clients:
        clients = clients.merge(ledger.profile_inputs[["client_id", "collector"]], on="client_id", how="left")
    profile = profiles(clients, ledger)
    holds = ledger.holds.set_index("client_id")["on_hold"].to_dict()
    broken = broken_promises(ledger.promises)
    out = []
    for k, row in enumerate(clients.itertuples(index=False)):
        items = ledger.items.get(row.client_id)
        if not items:
            continue
        resume = broken.get(row.client_id)
        step = next_step(items, ledger.done.get(row.client_id, ()), as_of, scenarios[profile[k]], resume)
        if step is None:
            continue
        p_score = getattr(row, "p_score", None)
        p_late = float(p_score) if _known(p_score) else 1.0
        overdue = float(row.overdue) if _known(row.overdue) else 0.0
        owner_name = {"sales_rep": row.sales_rep, "collector": getattr(row, "collector", None)}.get(step.step.owner)
        last_action, last_date, last_outcome = ledger.last.get(row.client_id, (None, None, None))
        out.append({
            "client_id": row.client_id, "name": row.name, "profile": profile[k], "step": step.index + 1,
            "action": step.step.action, "offset_days": step.step.offset_days, "owner": step.step.owner,
            "owner_name": owner_name if isinstance(owner_name, str) else None, "credit_hold_step": step.step.hold,
            "template": step.step.template,
            "invoice_ids": list(step.invoice_ids), "step_amount": step.amount, "overdue": overdue,
            "amount_at_risk": round(overdue * p_late, 2), "max_days_past_due": int(row.max_days_past_due) if _known(row.max_days_past_due) else 0,
            "position": step.position, "grade": getattr(row, "grade", None), "sales_rep": row.sales_rep,
            "collector": getattr(row, "collector", None), "last_action": last_action,
            "last_action_date": last_date, "last_outcome": last_outcome, "on_hold": bool(holds.get(row.client_id, False)), "broken_promise": resume,
        })  # fmt: skip
    frame = pd.DataFrame(out, columns=COLUMNS)
    return frame.sort_values(
        ["amount_at_risk", "step_amount", "client_id"], ascending=[False, False, True]
    ).reset_index(drop=True)


def select(
    frame: pd.DataFrame,
    owner: str | None = None,
    profile: str | None = None,
    action: str | None = None,
    sales_rep: str | None = None,
) -> pd.DataFrame:
    """The worklist rows of one owner (a role, or the name of the person holding the step), profile, action, rep."""
    keep = pd.Series(True, index=frame.index)
    if owner:
        keep &= (frame["owner"] == owner) | (frame["owner_name"] == owner)
    if profile:
        keep &= frame["profile"] == profile
    if action:
        keep &= frame["action"] == action
    if sales_rep:
        keep &= frame["sales_rep"] == sales_rep
    return frame[keep]


def status_level(done: list[Done], cycle_start: dt.date) -> int | None:
    """A client's dunning status: the highest level reached since `cycle_start`, not the last one recorded."""
    levels = [ACTION_LEVELS[d.action] for d in done if d.date >= cycle_start and d.action in ACTION_LEVELS]
    return max(levels) if levels else None
