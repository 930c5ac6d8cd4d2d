"""The day's collections work as the CLI and the pages read it: the worklist over scored clients."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from riskcore.access.auth import User, require
from riskcore.config.collections import Smtp
from riskcore.credit.scores import client_scores
from riskcore.dunning import mail, records
from riskcore.dunning import worklist as wl
from riskcore.dunning.letters import Ledger, Letter, letter_for
from riskcore.dunning.mail import batch_zip
from riskcore.receivables import kpi
from riskcore.storage.store import Store

SCORE_COLUMNS = ["client_id", "grade", "p_score"]


def scored_clients(store: Store, as_of: dt.date) -> pd.DataFrame:
    """kpi.by_client at `as_of` with each scored client's grade and probability of paying late."""
    clients = kpi.by_client(store.cursor(), as_of)
    scores = client_scores(store, as_of)
    return clients.merge(scores[SCORE_COLUMNS], on="client_id", how="left")


def today(store: Store, as_of: dt.date, owner: str | None = None) -> pd.DataFrame:
    """The worklist at `as_of` over the scored clients, for one owner (a role or a person's name) or all."""
    con = store.cursor()
    work = wl.worklist(con, as_of, scored_clients(store, as_of))
    return wl.select(work, owner=owner)


def todays_letters(
    store: Store,
    as_of: dt.date,
    client_id: str | None = None,
    action: str | None = None,
    owner: str | None = None,
    limit: int | None = None,
) -> list[Letter]:
    """The letter of each step of the worklist at `as_of` (one client, one action type, one owner, or all;
    the first `limit` of the worklist's order)."""
    work = wl.select(today(store, as_of, owner=owner), action=action)
    if client_id is not None:
        work = work[work["client_id"] == client_id]
    work = work.head(limit) if limit is not None else work
    con = store.cursor()
    ledger = Ledger.read(con, as_of, client_ids=work["client_id"])  # the batch's facts in five queries
    return [
        letter_for(con, row.client_id, row.action, as_of, template=row.template, ledger=ledger)
        for row in work.itertuples()
    ]


def write_letters(user: User, letters: list[Letter], path: str | Path) -> int:
    """Write `letters` (see todays_letters) as one ZIP of PDFs and .eml drafts; how many were written."""
    require(user, "letters")
    return len(batch_zip(letters, path))


SENT_DONE = ("reminder_email", "reminder_letter")  # steps an e-mail carries out; a formal notice still goes by post


def send_letters(
    store: Store, user: User, letters: list[Letter], on: dt.date | None = None, smtp_cfg: Smtp | None = None
) -> tuple[list[str], list[str]]:
    """E-mail `letters` to their clients' addresses by SMTP (config collections.smtp); (clients sent, without address).

    A reminder sent this way is its step done: it is recorded as an action of `user` dated `on`
    (default today) on the e-mail channel, so the client leaves the worklist.
    """
    require(user, "letters")
    sent, unaddressed = mail.send_letters(letters, smtp_cfg)
    day = on or dt.date.today()
    for letter in sent:
        if letter.action in SENT_DONE:
            records.record_action(
                store,
                user,
                letter.debtor.client_id,
                day,
                letter.action,
                channel="email",
                note=f"e-mail: {letter.email}",
            )
    return [x.debtor.client_id for x in sent], [x.debtor.client_id for x in unaddressed]
