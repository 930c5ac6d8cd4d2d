"""Workspace start-up: load the demo ledger, and give a fresh workspace the demo."""

from __future__ import annotations

from pathlib import Path

from riskcore import config
from riskcore.access import audit, workspace
from riskcore.access.auth import User, require
from riskcore.demo.collections import assign_portfolios, replay
from riskcore.demo.ledger import generate
from riskcore.storage.store import Store, clear_ledger, last_date, set_meta, write_ledger

# Who writes the demo into a fresh workspace (no person asked for it): named so in the audit log.
SYSTEM = User("system", "admin", source="app")


def replace_with_demo(store: Store, user: User, confirm: str | None = None, **sizes: int) -> tuple[Path | None, dict]:
    """Load the demo as `user` asks (manage_workspace); over a workspace holding data of its own, only
    confirmed by the workspace's name and after an automatic backup. (the backup or None, load_demo's summary)"""
    require(user, "manage_workspace")
    saved = None
    if not store.is_empty() and not store.is_demo():
        saved = workspace.prepare(store, user, "demo", confirm)
    return saved, load_demo(store, user=user, backup=saved, **sizes)


def load_demo(
    store: Store,
    seed: int | None = None,
    clients: int | None = None,
    years: int | None = None,
    *,
    user: User = SYSTEM,
    backup: Path | None = None,
) -> dict:
    """Replace the whole workspace content with the demo ledger, in one transaction (audited as `user`).

    Callers acting for a person go through replace_with_demo, which checks their right first.
    """
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
        audit.write(
            cur, user, "demo_load", entity="workspace", entity_id=store.path.name,
            after={"seed": seed, "clients": len(frames["clients"]), "backup": str(backup) if backup else None},
        )  # fmt: skip
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
