"""Payer profiles and the next step of a client's dunning scenario at a date (DOMAIN §9).

Pure functions of a client's figures, open items and recorded actions: the worklist computes the
inputs for every client from the ledger and calls these, so the rule lives here once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

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
