"""The demo ledger (`generate`) and the clients that carry each part of its story (`story`)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from riskcore.demo.clients import CHRONIC, behaviour, draw_profiles, revenue_shares
from riskcore.demo.draws import D
from riskcore.demo.dunning import draw_dunning
from riskcore.demo.frames import canonical, client_limits, dunning_frame, invoice_frame, payment_frame
from riskcore.demo.invoices import draw_invoices, draw_payments, ensure_write_off, settle
from riskcore.demo.words import DEMO_END
from riskcore.storage import schema


def generate(seed: int = 42, clients: int = 400, years: int = 3, end: date = DEMO_END) -> dict[str, pd.DataFrame]:
    """The demo ledger as canonical frames: clients, invoices, payments, dunning_actions."""
    if clients < 10:
        raise ValueError(f"clients must be >= 10, got {clients}")
    if years < 1:
        raise ValueError(f"years must be >= 1, got {years}")
    rng = np.random.default_rng(seed)
    end64 = np.datetime64(end, "D")
    start = (end64.astype("datetime64[M]") - (12 * years - 1)).astype(D)
    profiles = draw_profiles(rng, clients, start, end64)
    inv = settle(rng, profiles, draw_invoices(rng, profiles, start, end64), end64)
    inv = ensure_write_off(inv, profiles, end64)
    payments = draw_payments(rng, profiles, inv, end64)
    dunning = draw_dunning(rng, profiles, inv, end64)
    invoices, doc_ids = invoice_frame(profiles, inv)
    return {
        "clients": canonical(client_limits(rng, profiles, inv, end64), schema.CLIENTS),
        "invoices": invoices,
        "payments": payment_frame(profiles, payments, doc_ids),
        "dunning_actions": dunning_frame(profiles, dunning, doc_ids),
    }


def story(seed: int = 42, clients: int = 400, years: int = 3, end: date = DEMO_END) -> dict[str, tuple[str, ...]]:
    """The client ids `generate` (same arguments) gives each part of its story, sorted.

    Keys: "deteriorating" (lateness drifting up over the last six months), "collective_procedure",
    "litigation", "chronic" (chronic late payers). Read-only: it replays the generator's own random
    draws up to the client profiles, so it never changes what `generate` produces.
    """
    if clients < 10 or years < 1:
        generate(seed, clients, years, end)  # the same argument errors as the generator
    end64 = np.datetime64(end, "D")
    start = (end64.astype("datetime64[M]") - (12 * years - 1)).astype(D)
    profiles = draw_profiles(np.random.default_rng(seed), clients, start, end64)
    # draw_profiles does not keep the payer kind: replay its first two draws (shares, then behaviour)
    replay = np.random.default_rng(seed)
    share = revenue_shares(replay, clients)
    kind = behaviour(replay, clients, np.argsort(np.argsort(-share, kind="stable"), kind="stable"))[0]
    ids = profiles.frame["client_id"].to_numpy()

    def named(positions: np.ndarray) -> tuple[str, ...]:
        return tuple(sorted(str(c) for c in ids[np.asarray(positions, dtype=int)]))

    return {
        "deteriorating": named(np.flatnonzero(profiles.drift > 0)),
        "collective_procedure": named([profiles.procedure]),
        "litigation": named(profiles.litigation),
        "chronic": named(np.flatnonzero(kind == CHRONIC)),
    }
