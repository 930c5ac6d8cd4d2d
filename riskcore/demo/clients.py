"""The demo clients: who they are, how much they buy, how they pay, and their part in the story."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from riskcore.demo.draws import pick, random_days, sirens, weighted_choice
from riskcore.demo.words import (
    ANNUAL_SALES_PER_CLIENT,
    INVOICES_PER_CLIENT_YEAR,
    LEGAL_FORMS,
    PLACES,
    PREFIXES,
    REGIONS,
    SALES_REPS,
    SECTORS,
    SEGMENTS,
    SUFFIXES,
    SURNAMES,
    TOP3_REVENUE_SHARES,
)

PUNCTUAL, REGULAR, CHRONIC = 0, 1, 2


@dataclass(frozen=True)
class Profiles:
    """Per-client hidden parameters of the simulation (index = client position)."""

    frame: pd.DataFrame  # clients without credit limits yet
    lam: np.ndarray  # invoices per month
    mean_cents: np.ndarray  # mean invoice amount TTC, cents
    mu: np.ndarray  # days-late propensity
    sd: np.ndarray  # per-invoice noise of days late
    drift: np.ndarray  # extra days late reached at the end by deteriorating clients (0 otherwise)
    active_from: np.ndarray  # datetime64[D]
    active_to: np.ndarray  # datetime64[D]: last invoice date (blocked, closed or end)
    stop_paying: np.ndarray  # datetime64[D]: nothing due after this is paid (litigation, procedure)
    diligence: np.ndarray  # probability that a late invoice of this client is dunned
    procedure: int  # index of the client entering a collective procedure
    procedure_date: np.datetime64
    litigation: np.ndarray  # indices of clients in litigation
    litigation_date: np.ndarray  # datetime64[D], aligned with `litigation`


def revenue_shares(rng: np.random.Generator, n: int) -> np.ndarray:
    """Annual revenue share per client: three large accounts, a lognormal (Pareto-like) tail."""
    w = rng.lognormal(0.0, 1.3, n)
    top = np.argsort(-w, kind="stable")[: min(3, n)]
    rest = np.ones(n, dtype=bool)
    rest[top] = False
    forced = np.array(TOP3_REVENUE_SHARES[: len(top)])
    share = w / max(w[rest].sum(), 1e-9) * (1.0 - forced.sum())
    share[top] = forced if rest.any() else forced / forced.sum()
    return share


def _terms(
    rng: np.random.Generator, segment: np.ndarray, top: np.ndarray, eligible: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Payment terms: 30 days, 45 days end of month, 60 days; a handful of 90 days (over the legal cap)."""
    n = len(segment)
    kind = rng.choice(3, size=n, p=[0.42, 0.34, 0.24])
    large = segment == "Grand compte"
    kind[large] = rng.choice([1, 2], size=large.sum(), p=[0.3, 0.7])  # large accounts negotiate long terms
    kind[top] = 2
    days = np.array([30, 45, 60])[kind]
    eom = kind == 1
    over_cap = pick(rng, np.flatnonzero(eligible & ~large), max(1, round(0.012 * n)))
    days[over_cap] = 90
    eom[over_cap] = False
    return days, eom


def _names(rng: np.random.Generator, sectors: np.ndarray, segments: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Unique French company names: surname and activity, place, or a coined brand; plus a legal form."""
    # More groups than surnames (a large benchmark ledger): surnames are reused in turn.
    order = rng.permutation(len(SURNAMES))
    group_surname = {g: SURNAMES[order[k % len(order)]] for k, g in enumerate(np.unique(groups[groups != ""]))}
    names, seen = [], set()
    for sector, segment, group in zip(sectors, segments, groups, strict=True):
        words = SECTORS[sector][1]
        forms, weights = LEGAL_FORMS[segment]
        for _ in range(100):
            word = words[rng.integers(len(words))]
            surname = group_surname[group] if group else SURNAMES[rng.integers(len(SURNAMES))]
            pattern = rng.integers(2) if group else rng.integers(4)
            base = (
                f"{surname} {word}",
                f"{word} {surname}",
                f"{word} {PLACES[rng.integers(len(PLACES))]}",
                f"{PREFIXES[rng.integers(len(PREFIXES))]}{SUFFIXES[rng.integers(len(SUFFIXES))]} {word}",
            )[pattern]
            name = f"{base} {forms[rng.choice(len(forms), p=weights)]}"
            if name not in seen:
                break
        seen.add(name)
        names.append(name)
    return np.array(names, dtype=object)


def _groups(rng: np.random.Generator, n: int, eligible: np.ndarray) -> np.ndarray:
    """About one client in eight belongs to a group of two to four companies sharing a group_id."""
    groups = np.full(n, "", dtype=object)
    pool = list(rng.permutation(np.flatnonzero(eligible)))
    for g in range(max(1, n // 35)):
        size = int(rng.integers(2, 5))
        if len(pool) < size:
            break
        members, pool = pool[:size], pool[size:]
        groups[members] = f"G{g + 1:03d}"
    return groups


def behaviour(rng: np.random.Generator, n: int, rank: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Payer kind (punctual / regular / chronic late), days-late propensity and its noise."""
    kind = rng.choice(3, size=n, p=[0.45, 0.35, 0.20])
    kind[rank < 3] = REGULAR  # the large accounts pay a little late, as large accounts do
    low = np.array([-4.0, 5.0, 25.0])[kind]
    high = np.array([2.0, 18.0, 55.0])[kind]
    mu = rng.uniform(low, high)
    sd = np.array([3.0, 6.0, 12.0])[kind] * rng.uniform(0.8, 1.2, n)
    mu[rank < 3] = rng.uniform(8.0, 14.0, min(3, n))  # steady: they carry the concentration figure
    sd[rank < 3] = 4.0
    return kind, mu, sd


def draw_profiles(rng: np.random.Generator, n: int, start: np.datetime64, end: np.datetime64) -> Profiles:
    """Draw every client: identity, size, terms, behaviour and its story (procedure, litigation, ...)."""
    share = revenue_shares(rng, n)
    rank = np.argsort(np.argsort(-share, kind="stable"), kind="stable")
    segment = np.asarray(SEGMENTS, dtype=object)[np.searchsorted([0.02, 0.15, 0.60], rank / n, side="right")]
    segment[rank < 3] = "Grand compte"
    kind, mu, sd = behaviour(rng, n, rank)
    span = (end - start).astype(int)
    far = end + 36500

    # The story: one collective procedure (a large regular payer), litigations, deteriorations, closures.
    procedure = int(pick(rng, np.flatnonzero((rank >= 3) & (rank < max(4, min(12, n))) & (kind != CHRONIC)), 1)[0])
    special = np.zeros(n, dtype=bool)
    special[procedure] = True
    litigation = pick(rng, np.flatnonzero((kind == CHRONIC) & (rank >= 5) & ~special), 2 if n >= 100 else 1)
    special[litigation] = True
    # A deterioration shows in the books only through invoices falling due while it happens: the
    # deteriorating clients are drawn among those invoiced at least monthly (over six months, a
    # client invoiced twice a year may have nothing due at all, and its story would be invisible).
    weight = (share / share.mean()) ** 0.6
    lam = INVOICES_PER_CLIENT_YEAR / 12 * weight / weight.mean()
    regular = lam >= 1.0
    worsening = pick(rng, np.flatnonzero((kind != CHRONIC) & (rank >= 3) & regular & ~special), max(1, round(0.05 * n)))
    special[worsening] = True
    closed = pick(rng, np.flatnonzero((rank >= n // 10) & ~special), max(1, round(0.03 * n)))
    special[closed] = True

    procedure_date = end - random_days(rng, 30, 45, 1)[0]
    litigation_date = end - random_days(rng, 100, 260, len(litigation))
    active_from = np.full(n, start)
    late_comers = rng.random(n) < 0.15
    late_comers[rank < 3] = False
    active_from[late_comers] = start + random_days(rng, 0.1 * span, 0.7 * span, late_comers.sum())
    active_to = np.full(n, end)
    active_to[procedure] = procedure_date
    active_to[litigation] = litigation_date
    active_to[closed] = start + random_days(rng, 0.35 * span, 0.85 * span, len(closed))
    active_from = np.minimum(active_from, active_to - 90)
    stop_paying = np.full(n, far)
    stop_paying[procedure] = end - 150
    stop_paying[litigation] = litigation_date - 150
    defaulted = closed[rng.random(len(closed)) < 0.4]  # closed after leaving unpaid invoices
    stop_paying[defaulted] = active_to[defaulted] - 75
    drift = np.zeros(n)
    drift[worsening] = rng.uniform(50, 110, len(worsening))

    mean_cents = share * n * ANNUAL_SALES_PER_CLIENT / (12 * lam) * 100
    status = np.full(n, "active", dtype=object)
    status[procedure] = "collective_procedure"
    status[litigation] = "litigation"
    status[closed] = "closed"
    frame = _client_frame(rng, segment, kind, status, special, rank < 3)
    return Profiles(
        frame=frame, lam=lam, mean_cents=mean_cents, mu=mu, sd=sd, drift=drift,
        active_from=active_from, active_to=active_to, stop_paying=stop_paying,
        diligence=rng.uniform(0.55, 0.95, n), procedure=procedure, procedure_date=procedure_date,
        litigation=litigation, litigation_date=litigation_date,
    )  # fmt: skip


def _client_frame(
    rng: np.random.Generator,
    segment: np.ndarray,
    kind: np.ndarray,
    status: np.ndarray,
    special: np.ndarray,
    top: np.ndarray,
) -> pd.DataFrame:
    """The clients table without credit limits (they depend on the sales drawn later)."""
    n = len(segment)
    width = max(4, len(str(n)))
    sector = weighted_choice(rng, list(SECTORS), (w for w, _ in SECTORS.values()), n)
    groups = _groups(rng, n, ~special)
    days, eom = _terms(rng, segment, top, ~special)
    # An external rating (1 worst … 10 best) loosely tied to behaviour; a third of clients have none.
    rating = np.clip(np.rint(np.array([7.5, 6.0, 4.0])[kind] + rng.normal(0, 1.5, n)), 1, 10).astype(int)
    rating_text = np.where(rng.random(n) < 0.35, None, rating.astype(str)).astype(object)
    return pd.DataFrame(
        {
            "client_id": [f"C{i + 1:0{width}d}" for i in range(n)],
            "name": _names(rng, sector, segment, groups),
            "siren": sirens(rng, n),
            "sector": sector,
            "country": "FR",
            "region": weighted_choice(rng, list(REGIONS), REGIONS.values(), n),
            "segment": segment,
            "group_id": np.where(groups == "", None, groups),
            "sales_rep": weighted_choice(rng, SALES_REPS, (0.22, 0.2, 0.18, 0.16, 0.14, 0.10), n),
            "payment_terms_days": days,
            "terms_end_of_month": eom,
            "external_rating": rating_text,
            "status": status,
            "doubtful": False,
            "non_credit": False,
            "placeholder": False,
        }
    )
