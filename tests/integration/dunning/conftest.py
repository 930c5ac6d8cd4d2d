"""A small two-client ledger for the collections tests (a real DuckDB workspace)."""

from __future__ import annotations

import datetime as dt

import pytest
from builders import inv, pay, write_rows

D = dt.date


@pytest.fixture
def ledger(store):
    """C1 (Alice's): three invoices paid on their due dates, so `good`, and F10 10 000 due 01/10/2026.
    C2 (Bob's): nothing settled yet, so `new`: F20 500 due 01/10/2026 and D21 2 000 due 01/09/2026."""
    settled = [inv(f"S{k}", D(2026, k, 1), D(2026, k + 1, 1), 1000, client_id="C1") for k in (1, 2, 3)]
    invoices = [
        *settled,
        inv("F10", D(2026, 9, 1), D(2026, 10, 1), 10000, client_id="C1"),
        inv("F20", D(2026, 9, 1), D(2026, 10, 1), 500, client_id="C2"),
        inv("D21", D(2026, 8, 1), D(2026, 9, 1), 2000, client_id="C2"),
    ]
    payments = [pay(f"P{k}", f"S{k}", D(2026, k + 1, 1), 1000, client_id="C1") for k in (1, 2, 3)]
    clients = [
        {"client_id": "C1", "name": "Dupont SA", "sales_rep": "alice", "collector": "carla"},
        {"client_id": "C2", "name": "Martin SARL", "sales_rep": "bob", "collector": "carla"},
    ]
    write_rows(store, invoices, payments, clients)
    return store
