"""Small hand-written ledgers for the tests: invoices, payments and clients as dicts, written in one transaction."""

from __future__ import annotations

import pandas as pd

from riskcore.storage.store import write_ledger


def write_rows(store, invoices=(), payments=(), clients=None) -> None:
    """Write canonical rows (dicts) in one transaction; clients default to one per id used."""
    ids = sorted({r["client_id"] for r in (*invoices, *payments)})
    clients = clients if clients is not None else [{"client_id": c, "name": c} for c in ids]
    frames = {"clients": clients, "invoices": list(invoices), "payments": list(payments)}
    with store.transaction() as cur:
        write_ledger(cur, {name: pd.DataFrame(rows) for name, rows in frames.items()})


def inv(invoice_id, invoice_date, due_date, amount, client_id="A", **extra) -> dict:
    return {"invoice_id": invoice_id, "client_id": client_id, "invoice_date": invoice_date, "due_date": due_date,
            "amount": amount, **extra}  # fmt: skip


def pay(payment_id, invoice_id, payment_date, amount, client_id="A") -> dict:
    return {"payment_id": payment_id, "client_id": client_id, "invoice_id": invoice_id,
            "payment_date": payment_date, "amount": amount}  # fmt: skip
