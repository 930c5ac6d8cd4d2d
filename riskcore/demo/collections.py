"""The demo's collections work: two collectors, and the last weeks of the default scenarios played out.

On top of the generated ledger (whose dunning history stands for the firm's former software),
the last REPLAY_WEEKS weeks are replayed week by week with the worklist of riskcore.dunning: the
collectors do most of the steps due, some calls end in a promise to pay (kept or broken as the
ledger's own payments say), some invoices go into dispute and the steps that call for it put
the client on credit hold. Every Collections screen then shows something on a fresh start.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from riskcore import config
from riskcore.access.auth import DEMO_USERS
from riskcore.dunning import worklist as wl
from riskcore.dunning.scenario import ACTION_LEVELS
from riskcore.receivables import kpi
from riskcore.storage import schema
from riskcore.storage.store import Cursor, last_date, write_frame

COLLECTORS = ("Claire Dubois", "Hugo Lambert")
REPLAY_WEEKS = 10
DONE_SHARE = 0.8  # of the steps due each week, those the team gets to
PROMISE_SHARE = 0.35  # of the calls, those that end in a promise
DISPUTE_SHARE = 0.04  # of the clients chased, those who dispute an invoice
CHANNELS = {"reminder_email": "email", "reminder_letter": "courrier", "call": "téléphone",
            "formal_notice": "LRAR", "litigation": "LRAR", "credit_hold": None}  # fmt: skip


def assign_portfolios(clients: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Each client with its collector (two, by sector so that portfolios make sense) and its letters' language."""
    rng = np.random.default_rng(seed + 13)
    sectors = sorted(clients["sector"].dropna().unique())
    by_sector = {s: COLLECTORS[k % len(COLLECTORS)] for k, s in enumerate(rng.permutation(sectors))}
    foreign = clients["country"].fillna("FR") != "FR"
    return clients.assign(
        collector=clients["sector"].map(by_sector).fillna(COLLECTORS[0]),
        language=np.where(foreign, "en", "fr"),
    )


def _who(row: object) -> str:
    """Who does a step in the demo: the credit manager's demo user, else the person the step names."""
    if row.owner == "credit_manager":
        return DEMO_USERS["credit_manager"]
    for name in (row.owner_name, row.collector):
        if isinstance(name, str):
            return name
    return COLLECTORS[0]


def _records(day: dt.date, who: str) -> dict:
    return {"recorded_by": who, "recorded_at": dt.datetime.combine(day, dt.time(9, 30))}


def replay(cur: Cursor, seed: int) -> dict[str, int]:
    """Play the default scenarios out over the last REPLAY_WEEKS weeks of the ledger, in `cur`'s transaction."""
    rng = np.random.default_rng(seed + 29)
    end = last_date(cur)
    reasons = config.get().collections.dispute_reasons
    counts = {"actions": 0, "promises": 0, "disputes": 0, "holds": 0}
    for week in range(REPLAY_WEEKS, 0, -1):
        day = end - dt.timedelta(days=7 * week)
        work = wl.worklist(cur, day, kpi.by_client(cur, day))
        actions, promises, links, disputes, holds = [], [], [], [], []
        for row in work.itertuples(index=False):
            if rng.random() > DONE_SHARE:
                continue
            who = _who(row)
            stamp = _records(day, who)
            action_id = f"demo-{day:%Y%m%d}-{row.client_id}"
            outcome = "reached" if row.action == "call" else None
            if row.action == "call" and rng.random() < PROMISE_SHARE:
                outcome = "in_payment"
                promise_id = f"pr-{day:%Y%m%d}-{row.client_id}"
                promise_day = day + dt.timedelta(days=int(rng.integers(5, 15)))
                promises.append({"promise_id": promise_id, "client_id": row.client_id, "made_on": day,
                                 "promise_date": promise_day, "amount": row.step_amount, "note": None, **stamp})  # fmt: skip
                links += [{"promise_id": promise_id, "invoice_id": i} for i in row.invoice_ids]
            elif rng.random() < DISPUTE_SHARE:
                outcome = "dispute"
                invoice = row.invoice_ids[0]
                disputes.append({"event_id": f"dp-{day:%Y%m%d}-{invoice}", "client_id": row.client_id,
                                 "invoice_id": invoice, "event_date": day, "opened": True,
                                 "reason": reasons[int(rng.integers(len(reasons)))], "note": None, **stamp})  # fmt: skip
            actions.append({"action_id": action_id, "client_id": row.client_id, "invoice_id": None,
                            "action_date": day, "level": ACTION_LEVELS.get(row.action), "channel": CHANNELS[row.action],
                            "outcome": outcome, "promise_date": None, "action": row.action, "note": None,
                            **stamp})  # fmt: skip
            if row.credit_hold_step and not row.on_hold:
                holds.append({"hold_id": f"ch-{day:%Y%m%d}-{row.client_id}", "client_id": row.client_id,
                              "event_date": day, "on_hold": True, "reason": row.action, **stamp})  # fmt: skip
        for table, rows in ((schema.DUNNING_ACTIONS, actions), (schema.PROMISES, promises),
                            (schema.PROMISE_INVOICES, links), (schema.DISPUTE_EVENTS, disputes),
                            (schema.CREDIT_HOLDS, holds)):  # fmt: skip
            write_frame(cur, table, pd.DataFrame(rows))
        counts["actions"] += len(actions)
        counts["promises"] += len(promises)
        counts["disputes"] += len(disputes)
        counts["holds"] += len(holds)
    return counts
