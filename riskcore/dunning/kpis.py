"""Collection KPIs (DOMAIN §9): the backlog, promises kept and broken, time to first action,
open disputes, the outstanding by the step reached."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from riskcore import config
from riskcore.dunning.promises import BROKEN, KEPT, deadline
from riskcore.dunning.scenario import LEVEL_ACTIONS
from riskcore.dunning.worklist import Ledger, lead_days, status_level
from riskcore.receivables import kpi
from riskcore.receivables.filters import NO_FILTERS
from riskcore.receivables.position import position
from riskcore.storage import store
from riskcore.storage.store import Cursor

WINDOW_DAYS = 90


def backlog(work: pd.DataFrame) -> pd.DataFrame:
    """Steps due and not done at the worklist's date, per owner role: how many and the amount they cover."""
    grouped = work.groupby("owner", as_index=False).agg(steps=("client_id", "size"), amount=("step_amount", "sum"))
    return grouped.sort_values("owner").reset_index(drop=True)


def promise_figures(promises: pd.DataFrame, as_of: dt.date, window_days: int = WINDOW_DAYS) -> dict:
    """Promises whose deadline (date + grace) fell in (as_of - window, as_of]: kept, broken, kept rate."""
    grace = config.get().collections.promise_grace_days
    start = as_of - dt.timedelta(days=window_days)
    due = [start < deadline(d, grace) <= as_of for d in promises["promise_date"]]
    closed = promises[pd.Series(due, index=promises.index, dtype=bool)]
    kept = int((closed["state"] == KEPT).sum())
    broken = int((closed["state"] == BROKEN).sum())
    return {"promises_kept_90": kept, "promises_broken_90": broken,
            "promise_kept_rate_90": kept / (kept + broken) if kept + broken else None}  # fmt: skip


def days_to_first_action(con: Cursor, as_of: dt.date, window_days: int = WINDOW_DAYS) -> float | None:
    """Median days from the due date to the first action, over invoices fallen due unpaid in the window."""
    frame = store.query(con, "dunning_first_action", as_of=as_of, start=as_of - dt.timedelta(days=window_days))
    known = frame["days_to_first_action"].dropna()
    return float(known.median()) if len(known) else None


def open_disputes(con: Cursor, as_of: dt.date) -> pd.DataFrame:
    """The disputed invoices open at `as_of`: invoice_id, client_id, reason, amount, age_days."""
    return store.query(con, "dunning_open_disputes", as_of=as_of)


def disputes_by_reason(frame: pd.DataFrame) -> pd.DataFrame:
    """Open disputes (open_disputes' rows) by reason: count, amount and median age in days (of those with a date)."""
    grouped = frame.groupby("reason", as_index=False).agg(
        disputes=("invoice_id", "size"), amount=("amount", "sum"), median_age_days=("age_days", "median")
    )
    return grouped.sort_values("amount", ascending=False).reset_index(drop=True)


def outstanding_by_step(clients: pd.DataFrame, ledger: Ledger) -> pd.DataFrame:
    """The outstanding of the clients with open items, by the highest step reached in their current cycle."""
    lead = dt.timedelta(days=lead_days(config.get().collections.scenarios))
    reached = {}
    done = ledger.actions()
    for client, items in ledger.open_items().items():
        start = min(i.due_date for i in items) - lead  # the cycle: from the earliest pre-due step on
        level = status_level(done.get(client, []), start)
        reached[client] = LEVEL_ACTIONS.get(level, "none")
    frame = clients[["client_id", "balance"]].assign(step=clients["client_id"].map(reached))
    frame = frame.dropna(subset=["step"])
    return frame.groupby("step", as_index=False).agg(clients=("client_id", "size"), outstanding=("balance", "sum"))


def cei_by_collector(con: Cursor, as_of: dt.date, ledger: Ledger) -> dict[str, float | None]:
    """CEI over kpi.dso_days of each collector's portfolio (the clients whose `collector` is them)."""
    pos = position(con, as_of, NO_FILTERS)
    collectors = ledger.profile_inputs.set_index("client_id")["collector"]
    pos = pos.assign(collector=pos["client_id"].map(collectors))
    return {name: kpi.cei(group) for name, group in pos.dropna(subset=["collector"]).groupby("collector")}


def collection_figures(con: Cursor, as_of: dt.date, work: pd.DataFrame, ledger: Ledger) -> dict:
    """The collection KPIs `kpi --json` adds to the snapshot (plain values, JSON-ready)."""
    figures = {"steps_due": len(work), **promise_figures(ledger.promises, as_of)}
    figures["median_days_to_first_action_90"] = days_to_first_action(con, as_of)
    figures["cei_90_by_collector"] = cei_by_collector(con, as_of, ledger)
    figures["backlog_by_owner"] = {r.owner: {"steps": int(r.steps), "amount": round(float(r.amount), 2)}
                                   for r in backlog(work).itertuples()}  # fmt: skip
    figures["open_disputes_by_reason"] = {
        r.reason or "unspecified": {"disputes": int(r.disputes), "amount": round(float(r.amount), 2),
                                    "median_age_days": None if pd.isna(r.median_age_days) else float(r.median_age_days)}
        for r in disputes_by_reason(open_disputes(con, as_of)).itertuples()
    }  # fmt: skip
    return figures
