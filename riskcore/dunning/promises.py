"""Promises to pay (DOMAIN §9): pending until their date + grace, then kept or broken."""

from __future__ import annotations

import datetime as dt

PENDING, KEPT, BROKEN = "pending", "kept", "broken"


def deadline(promise_date: dt.date, grace_days: int) -> dt.date:
    """The last day a payment keeps the promise: its date + `collections.promise_grace_days`."""
    return promise_date + dt.timedelta(days=grace_days)


def promise_state(promise_date: dt.date, amount: float, paid: float, as_of: dt.date, grace_days: int) -> str:
    """Kept once `paid` (payments on its invoices from the day it was made to `as_of` and to its deadline)
    reaches `amount`; otherwise pending up to the deadline and broken from the day after it."""
    if paid >= amount - 0.005:
        return KEPT
    return PENDING if as_of <= deadline(promise_date, grace_days) else BROKEN
