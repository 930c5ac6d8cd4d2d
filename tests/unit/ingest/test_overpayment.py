"""The overpayment rule (DOMAIN.md §2): the part of each payment beyond what is left of its invoice."""

from __future__ import annotations

import pandas as pd
import pytest

from riskcore.ingest.validate.batch import applied_excess


def excess(rows: list[tuple[str, str, float, float]]) -> list[float]:
    """(invoice, date, amount, left before the file) per payment, in file order -> the excess of each."""
    frame = pd.DataFrame(rows, columns=["invoice", "day", "amount", "left"])
    day = pd.to_datetime(frame["day"])
    return applied_excess(frame["invoice"], day, frame["amount"], frame["left"]).tolist()


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # 1 200 on a 1 000 invoice: 1 000 settle it, 200 are left over
        ([("F1", "2025-03-01", 1200.0, 1000.0)], [200.0]),
        # the invoice exactly paid: nothing over
        ([("F1", "2025-03-01", 1000.0, 1000.0)], [0.0]),
        # 60 + 60 on 100: the first fits, 40 of the second fit, 20 are over
        ([("F2", "2025-03-05", 60.0, 100.0), ("F2", "2025-03-06", 60.0, 100.0)], [0.0, 20.0]),
        # applied by date, not by file order: the 500 of 03-05 first (fits), then 800 of 03-10 on the
        # 500 left: 300 over
        ([("F4", "2025-03-10", 800.0, 1000.0), ("F4", "2025-03-05", 500.0, 1000.0)], [300.0, 0.0]),
        # 1 000 already paid before the file (left 0): a new 50 is over in full
        ([("F1", "2025-04-06", 50.0, 0.0)], [50.0]),
        # stored payments already above the invoice (left -20): all of a new 30 is over
        ([("F1", "2025-04-06", 30.0, -20.0)], [30.0]),
        # 1 200 then a 200 reversal: 200 over, then those 200 taken back (-200), the invoice paid 1 000
        ([("F1", "2025-03-01", 1200.0, 1000.0), ("F1", "2025-03-02", -200.0, 1000.0)], [200.0, -200.0]),
        # each invoice on its own: F1 200 over, F3 (400 on 400) nothing
        ([("F1", "2025-03-01", 1200.0, 1000.0), ("F3", "2025-03-01", 400.0, 400.0)], [200.0, 0.0]),
        # float sums of cents are rounded: 0.10 + 0.20 on 0.30 is nothing over
        ([("F5", "2025-03-01", 0.1, 0.3), ("F5", "2025-03-02", 0.2, 0.3)], [0.0, 0.0]),
    ],
)
def test_the_excess_of_each_payment_over_what_is_left_of_its_invoice(rows, expected):
    assert excess(rows) == expected


def test_the_excess_keeps_the_rows_index():
    invoice = pd.Series(["F1", "F1"], index=[7, 3])
    day = pd.Series(pd.to_datetime(["2025-03-02", "2025-03-01"]), index=[7, 3])
    result = applied_excess(
        invoice, day, pd.Series([300.0, 900.0], index=[7, 3]), pd.Series([1000.0, 1000.0], index=[7, 3])
    )
    # row 3 (03-01, 900) fits; row 7 (03-02, 300) finds 100 left: 200 over
    assert result.to_dict() == {7: 200.0, 3: 0.0}
