"""A promise to pay waits until its date + grace, then is kept or broken (DOMAIN §9)."""

from __future__ import annotations

import datetime as dt

import pytest

from riskcore.dunning.promises import BROKEN, KEPT, PENDING, deadline, promise_state

PROMISED = dt.date(2026, 10, 15)


def test_the_deadline_is_the_promise_date_plus_the_grace():
    assert deadline(PROMISED, 3) == dt.date(2026, 10, 18)  # 15 + 3


@pytest.mark.parametrize(
    ("as_of", "paid", "state"),
    [
        (dt.date(2026, 10, 10), 0.0, PENDING),  # before its date
        (dt.date(2026, 10, 18), 0.0, PENDING),  # the last day of grace: still waiting
        (dt.date(2026, 10, 19), 0.0, BROKEN),  # 15 + 3 + 1: unpaid, broken
        (dt.date(2026, 10, 19), 999.99, BROKEN),  # a cent short of 1 000
        (dt.date(2026, 10, 12), 1000.0, KEPT),  # paid in full before its date
        (dt.date(2026, 12, 1), 1200.0, KEPT),  # paid more than promised by the deadline
    ],
)
def test_a_promise_of_one_thousand_for_the_fifteenth_with_three_days_grace(as_of, paid, state):
    assert promise_state(PROMISED, 1000.0, paid, as_of, 3) == state
