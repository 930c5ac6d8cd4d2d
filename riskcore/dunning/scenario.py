"""Payer profiles and the next step of a client's dunning scenario at a date (DOMAIN §9).

Pure functions of a client's figures, open items and recorded actions, so the rule lives here once.
`payer_profile` and `next_step` state it for one client; `payer_profiles` and `next_steps` are
their twins over every client at once (numpy), which the worklist calls: the same rule written on
arrays, tested to agree with the scalar ones case by case (tests/unit/dunning).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from riskcore.config.collections import ProfileRules, Step
from riskcore.receivables.breakdowns import DOUBTFUL_STATUSES

CONTACTS = ("reminder_email", "reminder_letter", "call")  # a first contact: never a formal notice
ESCALATIONS = ("formal_notice", "litigation")
# an action's dunning level, as dunning files give it (1 reminder ... 5 litigation); a credit hold has none
ACTION_LEVELS = {"reminder_email": 1, "reminder_letter": 2, "call": 3, "formal_notice": 4, "litigation": 5}
LEVEL_ACTIONS = {level: action for action, level in ACTION_LEVELS.items()}


def payer_profile(
    *,
    grade: str | None,
    max_days_past_due: int,
    status: str | None,
    settled_invoices: int,
    weighted_days_late: float | None,
    rules: ProfileRules,
) -> str:
    """The client's payer profile: the first of risky, new, chronic, occasional, good that matches.

    Parameters
    ----------
    grade : the client's score grade (A-E), None when unscored.
    max_days_past_due : the largest days past due among its open invoices (0 when none is late).
    status : the client's status (litigation and collective_procedure make it risky).
    settled_invoices : how many of its invoices are settled (fewer than `rules.new_below_settled`: new).
    weighted_days_late : amount-weighted days late of its invoices settled in the last
        `rules.window_days`; None when none was settled in that window.
    """
    if (grade in rules.risky_grades) or max_days_past_due >= rules.risky_days_past_due or status in DOUBTFUL_STATUSES:
        return "risky"
    if settled_invoices < rules.new_below_settled:
        return "new"
    late = weighted_days_late or 0.0
    if late > rules.chronic_days_late:
        return "chronic"
    if late > 0:
        return "occasional"
    return "good"


@dataclass(frozen=True)
class OpenItem:
    """One open invoice of the client: what is left to pay on it and whether it is out of the scenario."""

    invoice_id: str
    due_date: dt.date
    remaining: float
    disputed: bool = False
    promised: bool = False  # under a promise to pay whose date + grace has not passed


@dataclass(frozen=True)
class Done:
    """An action recorded (or imported) for the client: its type and its date."""

    action: str
    date: dt.date


@dataclass(frozen=True)
class NextStep:
    """The step due for a client at a date, and the invoices the one action covers."""

    index: int  # its rank in the scenario
    step: Step
    position: int  # p: the largest days past due among the invoices (negative: days until due)
    oldest_due: dt.date
    invoice_ids: tuple[str, ...]
    amount: float  # what is left to pay on those invoices


def in_scenario(items: Iterable[OpenItem], as_of: dt.date, steps: Sequence[Step]) -> list[OpenItem]:
    """The open items the scenario acts on: overdue or due within its earliest negative offset, not out of it."""
    earliest = min(0, min(s.offset_days for s in steps))
    lowest = earliest if earliest < 0 else 1  # no pre-due step: overdue items only
    return [
        i
        for i in items
        if i.remaining > 0 and not i.disputed and not i.promised and (as_of - i.due_date).days >= lowest
    ]


def _guarded(
    candidate: int, reached: Sequence[int], steps: Sequence[Step], done: Sequence[Done], oldest: dt.date
) -> int:
    """DOMAIN §9's guard: an escalation without any contact since the oldest due date becomes the last contact step."""
    if steps[candidate].action in ESCALATIONS and not any(d.action in CONTACTS and d.date >= oldest for d in done):
        contacts = [k for k in reached if steps[k].action in CONTACTS]
        return contacts[-1] if contacts else candidate
    return candidate


def _is_done(k: int, steps: Sequence[Step], done: Sequence[Done], oldest: dt.date) -> bool:
    """Whether an action of step k's type, or of a later step's, was recorded from oldest due + offset - 1 on."""
    types = {s.action for s in steps[k:]}
    since = oldest + dt.timedelta(days=steps[k].offset_days - 1)
    return any(d.action in types and d.date >= since for d in done)


def next_step(
    items: Iterable[OpenItem],
    done: Iterable[Done],
    as_of: dt.date,
    steps: Sequence[Step],
    resume_after: dt.date | None = None,
) -> NextStep | None:
    """The step of `steps` due at `as_of` for a client with `items` and the actions `done`, or None.

    Parameters
    ----------
    items : the client's open items (all of them; the disputed, promised and not-yet-due are left out here).
    done : the actions recorded for the client (any date; those before the cycle do not count).
    as_of : the day of the worklist.
    steps : the scenario of the client's payer profile, in the order of their offsets.
    resume_after : the day a promise of the client broke (its date + grace + 1), if one did: until
        an action is recorded from that day on, the client goes on to the step after the last one
        done, even before the position reaches it.
    resume_after : the day a promise of the client broke (its date + grace + 1), if one did: until
        an action is recorded from that day on, the client goes on to the step after the last one
        done, even before the position reaches it.

    Returns
    -------
    The last step the position reaches (a late start jumps to it), or, by the guard, the last
    reached contact step when no contact was recorded since the oldest invoice's due date; None
    when no invoice is in the scenario or when that step (or a later one's type) is already done.
    """
    acted = in_scenario(items, as_of, steps)
    if not acted:
        return None
    oldest = min(i.due_date for i in acted)
    position = (as_of - oldest).days
    reached = [k for k, s in enumerate(steps) if s.offset_days <= position]
    done = list(done)
    resuming = resume_after is not None and not any(d.date >= resume_after for d in done)
    if not reached and not resuming:
        return None
    candidate = _guarded(reached[-1], reached, steps, done, oldest) if reached else 0
    if resuming:
        finished = [k for k in range(len(steps)) if _is_done(k, steps, done, oldest)]
        after = min(max(finished) + 1, len(steps) - 1) if finished else 0
        candidate = max(candidate, _guarded(after, range(after + 1), steps, done, oldest))
    elif _is_done(candidate, steps, done, oldest):
        return None
    step = steps[candidate]
    ids = tuple(sorted(i.invoice_id for i in acted))
    return NextStep(candidate, step, position, oldest, ids, round(sum(i.remaining for i in acted), 2))


# --- the same rules over many clients at once ---------------------------------------------------


def _among(values: pd.Series, choices: Iterable[str]) -> np.ndarray:
    """Whether each value is one of the strings `choices` (a missing or non-string value is none)."""
    values = values.to_numpy(dtype=object)
    found = np.zeros(len(values), dtype=bool)
    for choice in choices:
        found |= values == choice
    return found


def _whole(values: pd.Series) -> np.ndarray:
    """A count or a number of days as `int()` reads it, 0 where missing."""
    return np.trunc(pd.to_numeric(values).fillna(0).to_numpy(dtype=float))


def payer_profiles(
    *,
    grade: pd.Series,
    max_days_past_due: pd.Series,
    status: pd.Series,
    settled_invoices: pd.Series,
    weighted_days_late: pd.Series,
    rules: ProfileRules,
) -> np.ndarray:
    """`payer_profile` of every row of the aligned series (an object array of profile names).

    Missing values read as `payer_profile`'s callers pass them: no grade, 0 days past due, no status,
    0 settled invoices, nothing settled in the window (a grade or status that is not a string is none).
    """
    risky = (
        _among(grade, rules.risky_grades)
        | (_whole(max_days_past_due) >= rules.risky_days_past_due)
        | _among(status, DOUBTFUL_STATUSES)
    )
    settled = _whole(settled_invoices)
    late = pd.to_numeric(weighted_days_late).fillna(0.0).to_numpy(dtype=float)
    conditions = [risky, settled < rules.new_below_settled, late > rules.chronic_days_late, late > 0]
    return np.select(conditions, ["risky", "new", "chronic", "occasional"], default="good").astype(object)


STEP_COLUMNS = ["client_id", "index", "position", "oldest_due", "invoice_ids", "amount"]
_NEVER = np.iinfo(np.int64).min // 2  # the day of an action that never was: before every date


def _days(values: object) -> np.ndarray:
    """Dates (a column of dates or datetimes) as whole days since 1970-01-01."""
    return np.asarray(pd.to_datetime(pd.Series(values)).to_numpy(dtype="datetime64[D]"), dtype=np.int64)


def _last_true(mask: np.ndarray) -> np.ndarray:
    """Per row, the index of the last True column (-1 when none)."""
    width = mask.shape[1]
    return np.where(mask.any(axis=1), width - 1 - np.argmax(mask[:, ::-1], axis=1), -1)


def next_steps(
    items: pd.DataFrame,
    done: pd.DataFrame,
    as_of: dt.date,
    steps: Sequence[Step],
    resume_after: pd.Series | None = None,
) -> pd.DataFrame:
    """`next_step` of every client of `items` that has one, all on the same scenario `steps`.

    Parameters
    ----------
    items : the open items, one row each: client_id, invoice_id, due_date, remaining, disputed, promised.
    done : the typed actions recorded, one row each: client_id, action, action_date. The latest of
        each type of each client is enough (the rule only asks whether an action of some types was
        recorded on or after a date), as worklist.read_ledger reads them.
    as_of : the day of the worklist.
    steps : the scenario, in the order of their offsets.
    resume_after : the day a promise of the client broke, by client_id (missing: none broke).

    Returns
    -------
    One row per client with a step due, in client_id order: STEP_COLUMNS, `index` the step's rank
    in `steps`, `invoice_ids` a tuple sorted as next_step sorts them, `amount` rounded to the cent.
    """
    today = _days([as_of])[0]
    earliest = min(0, min(s.offset_days for s in steps))
    lowest = earliest if earliest < 0 else 1  # as in_scenario
    due = _days(items["due_date"])
    acts = (
        (items["remaining"].to_numpy(dtype=float) > 0)
        & ~items["disputed"].to_numpy(dtype=bool)
        & ~items["promised"].to_numpy(dtype=bool)
        & (today - due >= lowest)
    )
    acted = items[acts]
    if acted.empty:
        return pd.DataFrame(columns=STEP_COLUMNS)
    clients, code = np.unique(acted["client_id"].to_numpy(dtype=object), return_inverse=True)
    due = due[acts]
    oldest = np.full(len(clients), np.iinfo(np.int64).max)
    np.minimum.at(oldest, code, due)
    position = today - oldest
    offsets = np.array([s.offset_days for s in steps])
    n = len(steps)
    # each client's latest action of every type the rule reads, and its latest action of any type
    who = pd.Index(clients, dtype="object").get_indexer(done["client_id"].to_numpy(dtype=object))
    known = who >= 0
    when, what, who = _days(done["action_date"])[known], done["action"].to_numpy(dtype=object)[known], who[known]
    latest = np.full(len(clients), _NEVER)
    np.maximum.at(latest, who, when)
    types = sorted({s.action for s in steps} | set(CONTACTS))
    by_type = np.full((len(clients), len(types)), _NEVER)
    for t, kind in enumerate(types):
        mine = what == kind
        np.maximum.at(by_type[:, t], who[mine], when[mine])
    contacted = by_type[:, [types.index(c) for c in CONTACTS]].max(axis=1) >= oldest  # a contact since oldest due
    # _is_done(k) for every step: an action of step k's type or a later one's since oldest + offset - 1
    finished = np.column_stack([
        by_type[:, [types.index(a) for a in {s.action for s in steps[k:]}]].max(axis=1) >= oldest + offsets[k] - 1
        for k in range(n)
    ])  # fmt: skip
    escalation = np.array([s.action in ESCALATIONS for s in steps])
    contact_step = np.array([s.action in CONTACTS for s in steps])

    def guarded(candidate: np.ndarray, reached: np.ndarray) -> np.ndarray:
        last_contact = _last_true(reached & contact_step)
        swap = escalation[candidate] & ~contacted & (last_contact >= 0)
        return np.where(swap, last_contact, candidate)

    # the last reached step, by the guard; then, for a client resuming after a broken promise, the
    # step after the last one done if it is further on; else nothing when the candidate is done
    reached = offsets[None, :] <= position[:, None]
    last_reached = _last_true(reached)
    broke = np.full(len(clients), _NEVER)
    if resume_after is not None:
        resume = resume_after.dropna()
        resume = resume[resume.index.isin(clients)]
        broke[pd.Index(clients, dtype="object").get_indexer(resume.index)] = _days(resume.to_numpy())
    resuming = (broke > _NEVER) & ~(latest >= broke)
    candidate = np.where(last_reached >= 0, guarded(np.maximum(last_reached, 0), reached), 0)
    last_finished = _last_true(finished)
    after = np.where(last_finished >= 0, np.minimum(last_finished + 1, n - 1), 0)
    resumed = np.maximum(candidate, guarded(after, np.arange(n)[None, :] <= after[:, None]))
    index = np.where(resuming, resumed, candidate)
    due_now = ((last_reached >= 0) | resuming) & (resuming | ~finished[np.arange(len(clients)), candidate])
    # the invoices one action covers, sorted by number, and what is left on them (summed in item order)
    amount = np.bincount(code, weights=acted["remaining"].to_numpy(dtype=float), minlength=len(clients))
    numbers = acted["invoice_id"].to_numpy(dtype=object)
    order = np.lexsort((numbers, code))
    ordered = numbers[order].tolist()
    bounds = np.searchsorted(code[order], np.arange(len(clients) + 1)).tolist()
    keep = np.flatnonzero(due_now)
    return pd.DataFrame({
        "client_id": clients[keep],
        "index": index[keep],
        "position": position[keep],
        "oldest_due": oldest[keep].astype("datetime64[D]"),
        "invoice_ids": [tuple(ordered[bounds[k]:bounds[k + 1]]) for k in keep.tolist()],
        "amount": [round(a, 2) for a in amount[keep].tolist()],
    }, columns=STEP_COLUMNS)  # fmt: skip
