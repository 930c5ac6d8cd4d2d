"""A dunning letter's content (DOMAIN §9), gathered from the workspace, and the prose of its template.

One letter per client and action covers every open item of the client, with its unapplied credit
notes and cash so that the statement adds up to the client's balance, and recalls the earlier
reminders. A formal notice (and a handover to litigation) also claims the L441-10 penalties to the
letter's date and the D441-5 indemnity, as riskcore.receivables.legal computes them (one rule, one
place), gives a deadline and states the legal mentions. Names are kept as they are: riskcore.dunning.pdf
escapes them for reportlab's markup, e-mails carry plain text.

The prose comes from Jinja2 templates (riskcore.dunning.prose).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

import pandas as pd

from riskcore import config
from riskcore.config.collections import ACTIONS, Company
from riskcore.errors import EncoursError
from riskcore.i18n import LANGUAGES, fmt_amount, fmt_date, fmt_pct, t
from riskcore.receivables import kpi, legal
from riskcore.storage import store
from riskcore.storage.store import Cursor

CLAIM_ACTIONS = ("formal_notice", "litigation")  # letters that claim penalties and are sent LRAR
CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value: object) -> Decimal:
    """An amount read from the workspace (a float) as exact cents."""
    return Decimal(repr(float(value))).quantize(CENT, rounding=ROUND_HALF_UP) + ZERO


def _day(value: object) -> dt.date | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    return value.date() if isinstance(value, dt.datetime) else value  # a pandas Timestamp is a datetime


@dataclass(frozen=True)
class Debtor:
    """The client a letter is sent to."""

    client_id: str
    name: str
    siren: str | None


@dataclass(frozen=True)
class Item:
    """An open invoice or an unapplied credit note (negative) of the statement."""

    number: str
    invoice_date: dt.date
    due_date: dt.date
    amount: Decimal
    remaining: Decimal
    days_past_due: int
    disputed: bool


@dataclass(frozen=True)
class Cash:
    """A payment received and not allocated to an invoice (it reduces the balance)."""

    number: str
    date: dt.date
    amount: Decimal


@dataclass(frozen=True)
class Reminder:
    """An earlier action of the collections cycle, as the letter recalls it."""

    action: str
    date: dt.date
    channel: str | None


@dataclass(frozen=True)
class Claim:
    """The penalty claimed on one overdue invoice (L441-10 II) and its indemnity (D441-5)."""

    number: str
    due_date: dt.date
    base: Decimal
    days_late: int
    penalty: Decimal
    indemnity: Decimal


@dataclass(frozen=True)
class Letter:
    """Everything one letter shows; amounts in exact cents, texts unescaped."""

    action: str
    template: str
    lang: str
    date: dt.date
    creditor: Company
    debtor: Debtor
    items: tuple[Item, ...]  # open invoices, most days past due first
    credits: tuple[Item, ...]  # unapplied credit notes (negative remaining)
    cash: tuple[Cash, ...]  # unapplied cash (positive amounts, deducted)
    total_due: Decimal  # items + credits - cash: the client's balance
    overdue: Decimal  # open amount of the invoices past due
    reminders: tuple[Reminder, ...]
    claims: tuple[Claim, ...] = ()  # formal notice and litigation only
    principal: Decimal = ZERO  # overdue, undisputed, net of credits and cash (never below 0)
    penalty_total: Decimal = ZERO
    indemnity_total: Decimal = ZERO
    indemnity_per_invoice: Decimal = ZERO  # D441-5, config legal.recovery_indemnity
    total_claimed: Decimal | None = None
    deadline: dt.date | None = None
    penalty_rate: float | None = None  # the L441-10 rate in force at the letter's date
    mentions: tuple[str, ...] = ()  # the legal mentions of a formal notice (DOMAIN §9)
    email: str | None = None  # the client's address (clients.email), where its e-mail goes

    @property
    def registered(self) -> bool:
        """Whether the letter goes by registered post with acknowledgement of receipt (LRAR)."""
        return self.action in CLAIM_ACTIONS

    @property
    def stem(self) -> str:
        """The file name of its PDF and e-mail draft, without extension: `<client_id>_<action>`."""
        return f"{self.debtor.client_id}_{self.action}"


def _language(raw: object) -> str:
    code = str(raw or "").strip().lower()[:2]
    return code if code in LANGUAGES else config.get().app.default_language


def _of_clients(frame: pd.DataFrame, client_ids: Sequence[str]) -> pd.DataFrame:
    """The rows of `frame` whose client_id is one of `client_ids`, in their order."""
    ids = pd.Index(list(client_ids), dtype="object")
    return frame[ids.get_indexer(frame["client_id"].to_numpy(dtype=object)) >= 0].reset_index(drop=True)


def _records(frame: pd.DataFrame) -> dict[str, list[tuple]]:
    """The rows of `frame` as named tuples, by client, in their order (one pass, not one filter per letter)."""
    out: dict[str, list[tuple]] = {}
    for row in frame.itertuples(index=False):
        out.setdefault(row.client_id, []).append(row)
    return out


@dataclass(frozen=True)
class Ledger:
    """The open items and penalties of every client at one date, read once for a batch of letters.

    Read for the batch's clients (`read(..., client_ids)`), it also holds their names, unapplied cash
    and dunning actions, and a letter runs no query of its own.
    """

    open_items: pd.DataFrame
    penalties: pd.DataFrame
    debtors: pd.DataFrame | None = None  # letter_client: client_id, name, siren, language, email
    cash: pd.DataFrame | None = None  # letter_unapplied_cash
    actions: pd.DataFrame | None = None  # letter_reminders, before a letter picks its own
    batch: frozenset[str] | None = None  # the clients it was read for; None: every client (the first two frames)

    @classmethod
    def read(cls, con: Cursor, as_of: dt.date, client_ids: Iterable[str] | None = None) -> Ledger:
        """Both frames at `as_of`, grouped by client (two queries instead of two per letter); with
        `client_ids`, only those clients' rows and their names, cash and actions (five queries in all)."""
        if client_ids is None:
            return cls(kpi.open_items(con, as_of), legal.penalties(con, as_of))
        ids = sorted(set(client_ids))
        # a claim reads only the open overdue invoices, which no window changes: window 0 leaves out the paid ones
        penalties = legal.penalties(con, as_of, window_days=0)
        return cls(
            _of_clients(kpi.open_items(con, as_of), ids),
            _of_clients(penalties[penalties["settle_date"].isna()], ids),
            store.query(con, "letter_client", client_ids=ids),
            store.query(con, "letter_unapplied_cash", client_ids=ids, as_of=as_of),
            store.query(con, "letter_reminders", client_ids=ids, as_of=as_of),
            frozenset(ids),
        )

    @cached_property
    def _by_client(self) -> dict[str, dict[str, list[tuple]]]:
        names = ("open_items", "penalties", "debtors", "cash", "actions")
        return {name: _records(getattr(self, name)) for name in names if getattr(self, name) is not None}

    def rows(self, name: str, client_id: str) -> list[tuple] | None:
        """One client's rows (named tuples) of the frame `name`; None when it was not read for that client."""
        frame = getattr(self, name)
        if frame is None or (self.batch is not None and client_id not in self.batch):
            return None
        if self.batch is None:  # read for every client: filter, rather than split every row once
            return list(frame[frame["client_id"] == client_id].itertuples(index=False))
        return self._by_client[name].get(client_id, [])


def _reminders(actions: Iterable[tuple], since: dt.date | None, action: str, as_of: dt.date) -> tuple[Reminder, ...]:
    """The reminders a letter recalls: the client's actions from `since` (the oldest open invoice's
    date: nothing earlier concerns what is still owed) on, but for the letter's own of the same day."""
    out = []
    for row in actions:
        day = _day(row.action_date)
        if (since is None or day >= since) and not (day == as_of and row.action == action):
            out.append(Reminder(row.action, day, None if pd.isna(row.channel) else row.channel))
    return tuple(out)


def letter_for(
    con: Cursor,
    client_id: str,
    action: str,
    as_of: dt.date,
    lang: str | None = None,
    template: str = "",
    ledger: Ledger | None = None,
) -> Letter:
    """The letter of `action` (a config collections action type) to client `client_id`, dated `as_of`.

    `lang` overrides the client's `language` (default: config app.default_language); `template`,
    a scenario step's template name, replaces the action's own; `ledger`, read at `as_of` for a
    batch, saves the two per-letter queries of open items and penalties (and the other three when
    read for the batch's clients).
    """
    if action not in ACTIONS:
        raise EncoursError("letters.bad_action", value=action, expected=", ".join(ACTIONS))

    def rows(name: str, read: Callable[[], pd.DataFrame]) -> list[tuple]:  # the batch's, else read for the letter
        found = ledger.rows(name, client_id) if ledger is not None else None
        return list(read().itertuples(index=False)) if found is None else found

    debtor = rows("debtors", lambda: store.query(con, "letter_client", client_ids=[client_id]))
    if not debtor:
        raise EncoursError("letters.unknown_client", client=client_id)
    _, name, siren, language, email = (None if pd.isna(v) else v for v in debtor[0])
    lang = lang if lang in LANGUAGES else _language(language)
    open_items = rows("open_items", lambda: kpi.open_items(con, as_of, client_id=client_id))
    penalties = ledger.rows("penalties", client_id) if ledger is not None else None  # None: _with_claim reads them
    items, credits = [], []
    for row in open_items:
        item = Item(str(row.invoice_id), _day(row.invoice_date), _day(row.due_date), money(row.amount),
                    money(row.open_amount), int(row.days_past_due), bool(row.disputed))  # fmt: skip
        (items if item.amount > 0 else credits).append(item)
    paid = rows("cash", lambda: store.query(con, "letter_unapplied_cash", client_ids=[client_id], as_of=as_of))
    cash = tuple(Cash(str(r.payment_id), _day(r.payment_date), money(r.amount)) for r in paid)
    since = min((i.invoice_date for i in items), default=None)
    actions = rows("actions", lambda: store.query(con, "letter_reminders", client_ids=[client_id], as_of=as_of))
    reminders = _reminders(actions, since, action, as_of)
    unapplied = sum((c.remaining for c in credits), ZERO) - sum((c.amount for c in cash), ZERO)
    letter = Letter(
        action=action,
        template=template or action,
        lang=lang,
        date=as_of,
        creditor=config.get().company,
        debtor=Debtor(client_id, str(name if name is not None else client_id), siren or None),
        items=tuple(items),
        credits=tuple(credits),
        cash=cash,
        total_due=sum((i.remaining for i in items), ZERO) + unapplied,
        overdue=sum((i.remaining for i in items if i.days_past_due > 0), ZERO),
        reminders=reminders,
        email=email,
    )
    return _with_claim(con, letter, unapplied, penalties) if action in CLAIM_ACTIONS else letter


def _with_claim(con: Cursor, letter: Letter, unapplied: Decimal, rows: list[tuple] | None = None) -> Letter:
    """The letter with its claim: penalties and indemnities of the open overdue undisputed invoices.

    `rows`: the client's rows of legal.penalties (named tuples), read here when not given.
    """
    disputed = {i.number for i in letter.items if i.disputed}
    if rows is None:
        rows = legal.penalties(con, letter.date, client_id=letter.debtor.client_id).itertuples(index=False)
    rows = [r for r in rows if pd.isna(r.settle_date) and r.invoice_id not in disputed]  # open and overdue
    claims = tuple(
        Claim(
            str(r.invoice_id),
            _day(r.due_date),
            money(r.penalty_base),
            int(r.days_late),
            money(r.penalty),
            money(r.indemnity),
        )
        for r in rows
    )
    principal = max(ZERO, sum((c.base for c in claims), ZERO) + unapplied)
    penalty_total = sum((c.penalty for c in claims), ZERO)
    indemnity_total = sum((c.indemnity for c in claims), ZERO)
    total = principal + penalty_total + indemnity_total
    deadline = letter.date + dt.timedelta(days=config.get().collections.formal_notice_deadline_days)
    rate = legal.penalty_rate(letter.date)
    lang = letter.lang
    per_invoice = money(config.get().legal.recovery_indemnity)
    mentions: tuple[str, ...] = ()
    if letter.action == "formal_notice":
        indemnity = fmt_amount(per_invoice, lang)
        mentions = (
            t("letters.mention_notice", lang),
            t("letters.mention_rate", lang, rate=fmt_pct(rate, lang, decimals=2), indemnity=indemnity),
            t("letters.mention_consequence", lang, amount=fmt_amount(total, lang), date=fmt_date(deadline, lang)),
            t("letters.mention_lrar", lang),
        )
    return replace(
        letter,
        claims=claims,
        principal=principal,
        penalty_total=penalty_total,
        indemnity_total=indemnity_total,
        indemnity_per_invoice=per_invoice,
        total_claimed=total,
        deadline=deadline,
        penalty_rate=rate,
        mentions=mentions,
    )
