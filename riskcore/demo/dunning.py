"""The demo dunning scenario: reminders, calls and formal notices, then the proceedings."""

from __future__ import annotations

import numpy as np
import pandas as pd

from riskcore.demo.clients import Profiles
from riskcore.demo.draws import D, Rows, random_days, weighted_choice, workday

# level -> (days after due date, channel options, channel weights)
DUNNING_STEPS = {
    1: (7, ("email",), (1.0,)),
    2: (21, ("email", "courrier"), (0.7, 0.3)),
    3: (35, ("téléphone",), (1.0,)),
    4: (50, ("LRAR",), (1.0,)),  # mise en demeure
    5: (75, ("LRAR",), (1.0,)),  # litigation: for the worst only
}


def _outcomes(rng: np.random.Generator, level: int, paid_soon: np.ndarray, disputed: np.ndarray) -> np.ndarray:
    """What the collector wrote down after each action."""
    n = len(paid_soon)
    if level == 4:
        return weighted_choice(rng, ("accusé de réception signé", "pli non réclamé"), (0.85, 0.15), n)
    if level == 5:
        return np.full(n, "transmis au contentieux", dtype=object)
    if level == 3:
        soon = weighted_choice(rng, ("promesse de paiement", "message laissé"), (0.75, 0.25), n)
        slow = weighted_choice(rng, ("injoignable", "promesse de paiement", "message laissé"), (0.35, 0.35, 0.3), n)
    else:
        soon = weighted_choice(rng, ("promesse de paiement", "sans réponse"), (0.35, 0.65), n)
        slow = np.full(n, "sans réponse", dtype=object)
    out = np.where(paid_soon, soon, slow)
    out[disputed & (rng.random(n) < 0.7)] = "litige signalé"
    return out


def draw_dunning(rng: np.random.Generator, p: Profiles, inv: Rows, end: np.datetime64) -> pd.DataFrame:
    """Reminders at due+7 and +21, a call at +35, a formal notice at +50, litigation at +75 for the worst."""
    ci = inv["ci"]
    m = len(ci)
    due, cents = inv["due"], inv["cents"]
    settled = np.where(inv["written"], inv["wo_date"], inv["pay"]).astype(D)
    stop = settled.copy()  # proceedings end the reminders
    court = np.isin(ci, [p.procedure, *p.litigation])
    stop[ci == p.procedure] = np.minimum(stop[ci == p.procedure], p.procedure_date)
    for client, when in zip(p.litigation, p.litigation_date, strict=True):
        stop[ci == client] = np.minimum(stop[ci == client], when)
    covered = (rng.random(m) < p.diligence[ci]) | court
    worst = (settled - due > np.timedelta64(100, "D")) & (cents >= 150_000) & (rng.random(m) < 0.5) & ~court
    frames = []
    for level, (offset, channels, weights) in DUNNING_STEPS.items():
        when = workday(due + offset + rng.integers(-1, 3, m).astype("timedelta64[D]"))
        keep = covered & (when < stop) & (when <= end)
        keep &= (cents >= 30_000) if level == 4 else (worst if level == 5 else True)
        rows = np.flatnonzero(keep)
        paid_soon = settled[rows] - when[rows] <= np.timedelta64(15, "D")
        outcome = _outcomes(rng, level, paid_soon, inv["disputed"][rows])
        promise = np.where(
            outcome == "promesse de paiement", workday(when[rows] + random_days(rng, 5, 20, len(rows))), None
        )
        frames.append(
            pd.DataFrame(
                {
                    "ci": ci[rows],
                    "row": rows,
                    "date": when[rows],
                    "level": level,
                    "channel": weighted_choice(rng, channels, weights, len(rows)),
                    "outcome": outcome,
                    "promise": promise,
                }
            )
        )
    frames.append(_proceedings(rng, p, end))
    return pd.concat(frames, ignore_index=True)


def _proceedings(rng: np.random.Generator, p: Profiles, end: np.datetime64) -> pd.DataFrame:
    """Account-level actions: the claim declared to the administrator, the litigation files."""
    clients = np.r_[p.procedure, p.litigation]
    dates = np.r_[
        np.minimum(workday(p.procedure_date + random_days(rng, 8, 15, 1)), end), workday(p.litigation_date)
    ].astype(D)
    outcome = ["déclaration de créance"] + ["transmis au contentieux"] * len(p.litigation)
    return pd.DataFrame(
        {"ci": clients, "row": -1, "date": dates, "level": 5, "channel": "LRAR", "outcome": outcome, "promise": None}
    )
