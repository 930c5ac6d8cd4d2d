"""The access tests' ledger: two clients of two sales reps (imported by name: conftest modules collide)."""

from __future__ import annotations

import datetime as dt

from builders import inv, pay

# Alice Martin's client A and Bruno Petit's client B, each with one open invoice of 1 000 € due on
# 2026-10-31 and a limit of 10 000 €; A also has a settled invoice (so letters have a history).
CLIENTS = [
    {"client_id": "A", "name": "Alpha SA", "sales_rep": "Alice Martin", "collector": "Carla Roy",
     "credit_limit": 10_000, "email": "ap@alpha.example"},
    {"client_id": "B", "name": "Beta SARL", "sales_rep": "Bruno Petit", "collector": "Carla Roy",
     "credit_limit": 10_000},
]  # fmt: skip
INVOICES = [
    inv("FA1", dt.date(2026, 9, 1), dt.date(2026, 10, 1), 500.0, "A"),
    inv("FA2", dt.date(2026, 10, 1), dt.date(2026, 10, 31), 1_000.0, "A"),
    inv("FB1", dt.date(2026, 10, 1), dt.date(2026, 10, 31), 1_000.0, "B"),
]
PAYMENTS = [pay("PA1", "FA1", dt.date(2026, 10, 5), 500.0, "A")]
AS_OF = dt.date(2026, 11, 30)
