"""The daily worklist (DOMAIN §9): for every client, the step of its scenario due today, ranked by amount at risk.

The figures of a client come from `kpi.by_client` joined with its score (the caller passes that
frame, as for `chase.chase_first`); the ledger facts the scenarios need are read here through
named SQL, and the rules are those of `scenario` and `promises`. Every client is worked out at
once: frames in, `scenario.payer_profiles` and `scenario.next_steps` (the twins of the one-client
rules, tested to agree with them), one frame out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from riskcore import config
from riskcore.config.collections import lead_days
from riskcore.dunning.promises import BROKEN, PENDING, deadline, promise_state
from riskcore.dunning.scenario import (
    ACTION_LEVELS,
    LEVEL_ACTIONS,
    Done,
    OpenItem,
    next_steps,
    payer_profiles,
)
from riskcore.storage import store
from riskcore.storage.store import Cursor

COLUMNS = [
    "client_id", "name", "profile", "step", "action", "offset_days", "owner", "owner_name", "credit_hold_step", "template",
    "invoice_ids", "step_amount", "overdue", "amount_at_risk", "max_days_past_due", "position", "grade",
    "sales_rep", "collector", "last_action", "last_action_date", "last_outcome", "on_hold", "broken_promise",
]  # fmt: skip
ITEM_COLUMNS = ["client_id", "invoice_id", "due_date", "remaining", "disputed", "promised"]
DONE_COLUMNS = ["client_id", "action", "action_date"]


def _objects(values: pd.Series) -> pd.Series:
    """A column of strings held as Python objects: numpy reads it as it is, without a copy each time."""
    return pd.Series(values.to_numpy(dtype=object), index=values.index, dtype="object")


def _index(values: pd.Series) -> pd.Index:
    """An index of client ids held as Python objects (pandas would make it a str index)."""
    return pd.Index(values.to_numpy(dtype=object), dtype="object")


def _dates(values: pd.Series) -> list[dt.date | None]:
    """A column of timestamps as plain dates (None where missing), as every date the rules compare."""
    return [None if pd.isna(v) else v.date() for v in values]


@dataclass(frozen=True)
class Ledger:
    """What the scenarios read from the workspace at one date, per client."""

    items: pd.DataFrame  # ITEM_COLUMNS, by client, due date and invoice: open, overdue or due within lead_days
    done: pd.DataFrame  # DONE_COLUMNS: the latest date of each type of action of each client
    last: dict[str, tuple[str | None, dt.date, str | None]]  # action, date, outcome of the last action
    profile_inputs: pd.DataFrame  # client_id, collector, settled_invoices, weighted_days_late (every client)
    promises: pd.DataFrame  # every promise made by the date, with its state
    holds: pd.DataFrame  # client_id, on_hold, hold_date, hold_reason

    def open_items(self) -> dict[str, list[OpenItem]]:
        """The items of each client as `scenario.next_step` takes them, in the order of `items`."""
        out: dict[str, list[OpenItem]] = {}
        due = _dates(self.items["due_date"])
        columns = (self.items[c].tolist() for c in ("client_id", "invoice_id", "remaining", "disputed", "promised"))
        for (client, invoice, remaining, disputed, promised), day in zip(zip(*columns, strict=True), due, strict=True):
            out.setdefault(client, []).append(OpenItem(invoice, day, remaining, bool(disputed), bool(promised)))
        return out

    def actions(self) -> dict[str, list[Done]]:
        """The actions of each client as `scenario.next_step` takes them: the latest of each type, oldest first."""
        out: dict[str, list[Done]] = {}
        days = _dates(self.done["action_date"])
        for client, action, day in zip(
            self.done["client_id"].tolist(), self.done["action"].tolist(), days, strict=True
        ):
            out.setdefault(client, []).append(Done(action, day))
        return out


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
    """The open items, actions, promises and holds of every client at `as_of`.

    Of the dunning history only what the rules read is fetched: the latest date of each type of
    action of each client (dunning_done.sql says why that is enough) and its last action.
    """
    cfg = config.get().collections
    levels = [LEVEL_ACTIONS[k] for k in sorted(LEVEL_ACTIONS)]
    promises = promises_at(con, as_of)
    pending = promises.loc[promises["state"] == PENDING, "invoice_ids"]
    promised = {i for ids in pending if ids is not None for i in ids}
    items = store.query(con, "dunning_items", as_of=as_of, lead_days=lead_days(cfg.scenarios))
    items = items.assign(
        client_id=_objects(items["client_id"]),
        invoice_id=_objects(items["invoice_id"]),
        disputed=items["disputed"].astype(bool),
        promised=np.array([i in promised for i in items["invoice_id"].tolist()], dtype=bool),
    )
    done = store.query(con, "dunning_done", as_of=as_of, level_actions=levels)
    done = done.assign(client_id=_objects(done["client_id"]), action=_objects(done["action"]))
    last = {row[0]: tuple(row[1:]) for row in store.rows(con, "dunning_last_action", as_of=as_of, level_actions=levels)}
    inputs = store.query(
        con, "dunning_profile_inputs", as_of=as_of, window_start=as_of - dt.timedelta(cfg.profiles.window_days)
    )
    holds = store.query(con, "dunning_holds", as_of=as_of)
    return Ledger(items[ITEM_COLUMNS], done[DONE_COLUMNS], last, inputs, promises, holds)


def _aligned(ids: pd.Index, frame: pd.DataFrame, column: str) -> pd.Series:
    """`frame[column]` for each client of `ids` (frame has one row per client_id; missing ones NaN)."""
    at = _index(frame["client_id"]).get_indexer(ids)
    values = np.append(frame[column].to_numpy(dtype=object), np.nan)  # position -1 reads the NaN appended
    return pd.Series(values[at], dtype="object")


def profiles(clients: pd.DataFrame, ledger: Ledger) -> pd.Series:
    """The payer profile of every client of `clients` (kpi.by_client with `grade`), indexed like it."""
    ids = _index(clients["client_id"])
    grades = clients["grade"] if "grade" in clients else pd.Series(None, index=clients.index, dtype="object")
    values = payer_profiles(
        grade=grades,
        max_days_past_due=clients["max_days_past_due"],
        status=clients["status"],
        settled_invoices=_aligned(ids, ledger.profile_inputs, "settled_invoices"),
        weighted_days_late=_aligned(ids, ledger.profile_inputs, "weighted_days_late"),
        rules=config.get().collections.profiles,
    )
    return pd.Series(values, index=clients.index, dtype="object")


def _picked(clients: pd.DataFrame, column: str, rows: np.ndarray, default: object = None) -> list:
    """The values of `column` at positions `rows` as Python objects; `default` where missing or without the column."""
    if column not in clients:
        return [default] * len(rows)
    values = clients[column]
    missing = values.isna().to_numpy()[rows].tolist()
    return [default if m else v for v, m in zip(values.to_numpy(dtype=object)[rows].tolist(), missing, strict=True)]


def _steps_due(clients: pd.DataFrame, ledger: Ledger, as_of: dt.date, broken: dict[str, dt.date]) -> pd.DataFrame:
    """scenario.next_steps of every client of `clients` on the scenario of its profile, with the step's fields."""
    ids = _index(clients["client_id"])
    profile = clients["profile"].to_numpy(dtype=object)
    item_client = ids.get_indexer(ledger.items["client_id"].to_numpy(dtype=object))  # -1: not one of `clients`
    done_client = ids.get_indexer(ledger.done["client_id"].to_numpy(dtype=object))
    resume = pd.Series(broken, dtype="object")
    found = []
    for name, steps in config.get().collections.scenarios.items():
        mine = np.append(profile == name, False)  # position -1 reads the False appended
        items = ledger.items[mine[item_client]]
        if items.empty:
            continue
        due = next_steps(items, ledger.done[mine[done_client]], as_of, steps, resume)
        if due.empty:
            continue
        picked = [steps[k] for k in due["index"].tolist()]
        found.append(due.assign(
            profile=name, step=due["index"] + 1, action=[s.action for s in picked],
            offset_days=[s.offset_days for s in picked], owner=[s.owner for s in picked],
            credit_hold_step=[s.hold for s in picked], template=[s.template for s in picked],
        ))  # fmt: skip
    return pd.concat(found, ignore_index=True) if found else pd.DataFrame()


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
    clients = clients.reset_index(drop=True)
    ids = _index(clients["client_id"])
    if "collector" not in clients:
        clients = clients.assign(collector=_aligned(ids, ledger.profile_inputs, "collector"))
    broken = broken_promises(ledger.promises)
    steps = _steps_due(clients.assign(profile=profiles(clients, ledger)), ledger, as_of, broken)
    if steps.empty:
        return pd.DataFrame([], columns=COLUMNS)
    rows = ids.get_indexer(steps["client_id"].to_numpy(dtype=object))
    client_ids = steps["client_id"].tolist()
    p_late = _picked(clients, "p_score", rows, 1.0)
    overdue = [float(v) for v in _picked(clients, "overdue", rows, 0.0)]
    sales_rep = clients["sales_rep"].to_numpy(dtype=object)[rows].tolist()  # as they are, NaN included
    collector = clients["collector"].to_numpy(dtype=object)[rows].tolist()
    names = [{"sales_rep": rep, "collector": coll}.get(owner)
             for owner, rep, coll in zip(steps["owner"].tolist(), sales_rep, collector, strict=True)]  # fmt: skip
    last = [ledger.last.get(c, (None, None, None)) for c in client_ids]
    holds = ledger.holds.set_index("client_id")["on_hold"].to_dict()
    frame = pd.DataFrame({
        "client_id": client_ids, "name": clients["name"].to_numpy(dtype=object)[rows].tolist(),
        "profile": steps["profile"].tolist(), "step": steps["step"].tolist(), "action": steps["action"].tolist(),
        "offset_days": steps["offset_days"].tolist(), "owner": steps["owner"].tolist(),
        "owner_name": [n if isinstance(n, str) else None for n in names],
        "credit_hold_step": steps["credit_hold_step"].tolist(), "template": steps["template"].tolist(),
        "invoice_ids": [list(i) for i in steps["invoice_ids"].tolist()], "step_amount": steps["amount"].tolist(),
        "overdue": overdue, "amount_at_risk": [round(o * float(p), 2) for o, p in zip(overdue, p_late, strict=True)],
        "max_days_past_due": [int(v) for v in _picked(clients, "max_days_past_due", rows, 0)],
        "position": steps["position"].tolist(),
        "grade": clients["grade"].to_numpy(dtype=object)[rows].tolist() if "grade" in clients else None,
        "sales_rep": sales_rep, "collector": collector,
        "last_action": [x[0] for x in last], "last_action_date": [x[1] for x in last],
        "last_outcome": [x[2] for x in last],
        "on_hold": [bool(holds.get(c, False)) for c in client_ids],
        "broken_promise": [broken.get(c) for c in client_ids],
    }, columns=COLUMNS)  # fmt: skip
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
