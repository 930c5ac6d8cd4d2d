"""Workspace start-up: load the demo ledger, and give a fresh workspace the demo."""

from __future__ import annotations

from riskcore.demo.collections import assign_portfolios, replay
from riskcore.demo.ledger import generate
from riskcore.storage.store import Store, clear_ledger, last_date, set_meta, write_ledger


def load_demo(store: Store, seed: int | None = None, clients: int | None = None, years: int | None = None) -> dict:
    """Replace the whole workspace content with the demo ledger, in one transaction."""
    from riskcore import config

    defaults = config.get().demo
    seed = defaults.seed if seed is None else seed
    frames = generate(
        seed=seed,
        clients=defaults.clients if clients is None else clients,
        years=defaults.years if years is None else years,
    )
    frames["clients"] = assign_portfolios(frames["clients"], seed)
    with store.transaction() as cur:
        clear_ledger(cur)
        write_ledger(cur, frames)
        set_meta(cur, "dataset", "demo")
        last = last_date(cur)
    with store.transaction() as cur:  # a second one: the worklist reads the ledger the first one built
        replay(cur, seed)
    return {
        "clients": len(frames["clients"]),
        "invoices": len(frames["invoices"]),
        "payments": len(frames["payments"]),
        "first": frames["invoices"]["invoice_date"].min().date().isoformat(),
        "last": last.isoformat(),
    }


def ensure_workspace(store: Store) -> bool:
    """Give a fresh workspace the demo; True when it was loaded. A cleared workspace stays empty."""
    if store.meta("dataset") is not None or not store.is_empty():
        return False
    load_demo(store)
    return True
