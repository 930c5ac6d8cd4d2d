"""One day of collections as the screens read it: the worklist, every client's collections state, alerts.

`day(store, as_of)` reads the ledger once (scores, worklist, promises, holds) and the pages
derive everything from it: the worklist, a sales rep's clients with their profile and next step,
this week's alerts, the letters of the listed clients and the collection KPIs.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from riskcore.access.auth import User, require
from riskcore.dunning import daily, kpis, letters
from riskcore.dunning import worklist as wl
from riskcore.dunning.mail import batch_zip
from riskcore.dunning.promises import BROKEN, PENDING
from riskcore.dunning.scenario import ACTION_LEVELS
from riskcore.receivables.filters import keep_visible
from riskcore.storage import store as store_mod
from riskcore.storage.store import Cursor, Store

ALERT_DAYS = 7  # "this week": the alerts of the seven days up to the as-of date
ALERT_KINDS = ("formal_notice", "credit_hold", "broken_promise")

BOARD_COLUMNS = [
    "client_id", "name", "sales_rep", "collector", "profile", "balance", "overdue", "max_days_past_due",
    "grade", "next_action", "next_owner", "next_owner_name", "step_amount", "on_hold", "promise_date",
    "promise_amount", "broken_promise", "open_disputes", "disputed_amount",
]  # fmt: skip


@dataclass(frozen=True)
class Day:
    """The collections state of the workspace at `as_of`."""

    as_of: dt.date
    clients: pd.DataFrame  # daily.scored_clients: kpi.by_client with grade and p_score
    ledger: wl.Ledger
    work: pd.DataFrame  # worklist.worklist, ranked by amount at risk
    disputes: pd.DataFrame  # the disputed invoices open at as_of: invoice_id, client_id, reason, amount, age_days
    events: pd.DataFrame  # formal notices and credit holds of the last ALERT_DAYS: client_id, event_date, kind
    profiles: pd.Series  # every client's payer profile, indexed by client_id


def day(store: Store, as_of: dt.date) -> Day:
    """Read the day's collections state once: scored clients, scenario facts, the worklist."""
    clients = daily.scored_clients(store, as_of)
    con = store.cursor()
    ledger = wl.read_ledger(con, as_of)
    work = wl.worklist(con, as_of, clients, ledger)
    disputes = kpis.open_disputes(con, as_of)
    start = as_of - dt.timedelta(days=ALERT_DAYS)
    events = store_mod.query(
        con, "dunning_alert_events", start=start, as_of=as_of, formal_level=ACTION_LEVELS["formal_notice"]
    )
    profiles = pd.Series(
        wl.profiles(clients.reset_index(drop=True), ledger).to_numpy(), index=clients["client_id"].to_numpy()
    )
    return Day(as_of, clients, ledger, work, disputes, events, profiles)


def visible(con: Cursor, d: Day, user: User) -> Day:
    """`d` as `user` may read it: for a sales rep, their own clients only (riskcore.receivables.filters)."""
    if not user.own_clients_only:
        return d
    clients = keep_visible(con, user, d.clients)
    return replace(
        d,
        clients=clients,
        work=keep_visible(con, user, d.work),
        disputes=keep_visible(con, user, d.disputes),
        events=keep_visible(con, user, d.events),
        profiles=d.profiles[d.profiles.index.isin(clients["client_id"])],
    )


def board(d: Day, sales_rep: str | None = None, client_ids: Iterable[str] | None = None) -> pd.DataFrame:
    """Every client with something owed (or a promise, a dispute, a hold), with its collections state.

    One row per client of `sales_rep` and of `client_ids` (all clients when None): outstanding, overdue, payer profile,
    the next step due (if any) with its owner, credit hold, the pending promise, the last broken
    promise and the open disputes; sorted by overdue amount, highest first.
    """
    clients = d.clients.reset_index(drop=True)
    if sales_rep is not None:
        clients = clients[clients["sales_rep"] == sales_rep].reset_index(drop=True)
    if client_ids is not None:
        clients = clients[clients["client_id"].isin(set(client_ids))].reset_index(drop=True)
    if "collector" not in clients:
        collectors = d.ledger.profile_inputs[["client_id", "collector"]]
        clients = clients.merge(collectors, on="client_id", how="left")
    frame = clients.assign(profile=clients["client_id"].map(d.profiles))
    steps = d.work.set_index("client_id")
    frame["next_action"] = frame["client_id"].map(steps["action"])
    frame["next_owner"] = frame["client_id"].map(steps["owner"])
    frame["next_owner_name"] = frame["client_id"].map(steps["owner_name"])
    frame["step_amount"] = frame["client_id"].map(steps["step_amount"])
    holds = d.ledger.holds.set_index("client_id")["on_hold"]
    frame["on_hold"] = frame["client_id"].map(holds).eq(True)
    promises = d.ledger.promises
    pending = promises[promises["state"] == PENDING].sort_values("promise_date").groupby("client_id").first()
    frame["promise_date"] = frame["client_id"].map(pending["promise_date"])
    frame["promise_amount"] = frame["client_id"].map(pending["amount"])
    frame["broken_promise"] = frame["client_id"].map(wl.broken_promises(promises))
    by_client = d.disputes.groupby("client_id").agg(n=("invoice_id", "size"), amount=("amount", "sum"))
    frame["open_disputes"] = frame["client_id"].map(by_client["n"]).fillna(0).astype(int)
    frame["disputed_amount"] = frame["client_id"].map(by_client["amount"]).fillna(0.0)
    keep = frame["balance"].ne(0) | frame["on_hold"] | frame["promise_date"].notna() | frame["next_action"].notna()
    frame = frame[keep]
    for column in BOARD_COLUMNS:
        if column not in frame:
            frame[column] = None
    return frame.sort_values(["overdue", "client_id"], ascending=[False, True])[BOARD_COLUMNS].reset_index(drop=True)


def alerts(d: Day, client_ids: Iterable[str] | None = None) -> pd.DataFrame:
    """This week's alerts (the ALERT_DAYS up to as_of): a formal notice sent, a credit hold put on,
    a promise broken; newest first, for `client_ids` (every client when None)."""
    broken = d.ledger.promises[d.ledger.promises["state"] == BROKEN]
    start = d.as_of - dt.timedelta(days=ALERT_DAYS)
    recent = broken[pd.Series([start < b <= d.as_of for b in broken["broken_on"]], index=broken.index, dtype=bool)]
    broken_rows = pd.DataFrame(
        {
            "client_id": recent["client_id"].tolist(),
            "event_date": recent["broken_on"].tolist(),
            "kind": "broken_promise",
        }
    )
    frame = pd.concat([d.events[["client_id", "event_date", "kind"]], broken_rows], ignore_index=True)
    frame = frame.assign(event_date=pd.to_datetime(frame["event_date"]).dt.date)
    if client_ids is not None:
        frame = frame[frame["client_id"].isin(set(client_ids))]
    names = d.clients.set_index("client_id")["name"]
    frame = frame.assign(name=frame["client_id"].map(names))
    return frame.sort_values(["event_date", "client_id"], ascending=[False, True])[
        ["event_date", "kind", "client_id", "name"]
    ].reset_index(drop=True)


def figures(store: Store, d: Day) -> dict:
    """The collection KPIs of the day (kpis.collection_figures) and the dunning coverage."""
    return kpis.collection_figures(store.cursor(), d.as_of, d.work, d.ledger)


def require_team_figures(user: User) -> None:
    """The team's collection figures (every collector's CEI, the whole backlog) are read with `view`, not
    `view_own`: a sales rep reads their own clients' worklist, not the team's figures (PermissionDenied)."""
    require(user, "view")


def letters_of(store: Store, d: Day, client_ids: Iterable[str]) -> list[letters.Letter]:
    """The letter of the step due for each of `client_ids` (in the worklist's order)."""
    con = store.cursor()
    wanted = set(client_ids)
    rows = d.work[d.work["client_id"].isin(wanted)]
    ledger = letters.Ledger.read(con, d.as_of, client_ids=rows["client_id"])  # the batch in five queries
    return [
        letters.letter_for(con, row.client_id, row.action, d.as_of, template=row.template, ledger=ledger)
        for row in rows.itertuples()
    ]


def letters_zip(store: Store, user: User, d: Day, client_ids: Iterable[str]) -> bytes:
    """The ZIP of the letters (PDF and .eml draft) of `client_ids`' steps due; needs the `letters` right."""
    require(user, "letters")
    with tempfile.TemporaryDirectory(prefix="encours-letters-") as tmp:
        path = Path(tmp) / "letters.zip"
        batch_zip(letters_of(store, d, client_ids), path)
        return path.read_bytes()


def send_letters(store: Store, user: User, d: Day, client_ids: Iterable[str]) -> tuple[list[str], list[str]]:
    """E-mail the letters of `client_ids`' steps due (daily.send_letters): (clients sent, without address)."""
    return daily.send_letters(store, user, letters_of(store, d, client_ids))
