"""A seeded, realistic French SME receivables ledger, and the sample upload files made from it.

`generate` builds the four canonical frames (riskcore/schema.py) with numpy only, so 30 000
invoices take well under a second; the same seed always gives the same ledger. The story it
tells (issue 2 §5): Pareto revenue, seasonality, legal payment terms (and a few above the
cap), punctual and chronic late payers, clients deteriorating over the last six months, one
client entering a collective procedure, two in litigation, disputes, partial payments,
credit notes, unapplied cash, write-offs and a dunning scenario. A client's lateness is
persistent (a propensity plus a slow random walk plus noise), so it can be learned.

Money is drawn in integer cents so that allocations add up exactly; the frames carry floats
rounded to 2 decimals.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from riskcore.storage import schema
from riskcore.storage.store import Store, clear_ledger, last_date, set_meta, write_ledger

DEMO_END = date(2026, 10, 31)  # fixed, so the demo is reproducible; the as-of default is the last date in the data

# --- word lists -----------------------------------------------------------------------------
# NAF code -> (sector weight, activity words used in company names)
SECTORS: dict[str, tuple[float, tuple[str, ...]]] = {
    "4120A": (0.10, ("Bâtiment", "Construction", "Maisons", "BTP")),
    "4690Z": (0.10, ("Négoce", "Distribution", "Comptoir", "Diffusion")),
    "6201Z": (0.07, ("Informatique", "Logiciels", "Digital", "Systèmes")),
    "4711D": (0.06, ("Supermarché", "Alimentation", "Épicerie", "Primeurs")),
    "2511Z": (0.08, ("Métallerie", "Chaudronnerie", "Structures", "Serrurerie")),
    "4941A": (0.08, ("Transports", "Logistique", "Fret", "Express")),
    "5610A": (0.06, ("Restauration", "Brasserie", "Traiteur", "Table")),
    "8621Z": (0.03, ("Cabinet Médical", "Centre Médical", "Santé")),
    "4322A": (0.07, ("Plomberie", "Chauffage", "Thermique", "Climatisation")),
    "4332A": (0.06, ("Menuiserie", "Agencement", "Fermetures")),
    "4673A": (0.06, ("Matériaux", "Bois", "Carrelages")),
    "7112B": (0.05, ("Ingénierie", "Études", "Bureau d'Études")),
    "4520A": (0.05, ("Garage", "Automobiles", "Carrosserie")),
    "7022Z": (0.05, ("Conseil", "Consulting", "Partenaires")),
    "2229A": (0.04, ("Plasturgie", "Plastiques", "Emballages")),
    "1071C": (0.04, ("Boulangerie", "Fournil", "Pâtisserie")),
}
SURNAMES = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon",
    "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard",
    "André", "Lefèvre", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Legrand", "Garnier",
    "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas", "Perrin", "Morin", "Mathieu",
    "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin", "Masson", "Sanchez", "Gérard",
    "Nguyen", "Boyer", "Denis", "Lemaire", "Duval", "Joly", "Gautier", "Roger", "Roche", "Roy", "Noël", "Meyer",
    "Lucas", "Meunier", "Pérez", "Marchand", "Dufour", "Blanchard", "Barbier", "Brun", "Dumas", "Brunet", "Schmitt",
    "Leroux", "Colin", "Fernandez", "Renard", "Arnaud", "Rolland", "Caron", "Aubert", "Giraud", "Leclerc", "Vidal",
    "Bourgeois", "Renaud", "Lemoine", "Picard", "Gaillard", "Lacroix", "Fabre", "Dupuis", "Olivier", "Hubert",
    "Guillot", "Rivière", "Le Gall", "Guillaume", "Moulin", "Berger", "Lecomte", "Ménard", "Fleury", "Deschamps",
    "Carpentier", "Maillard", "Marchal", "Aubry", "Vasseur", "Renault", "Jacquet", "Collet", "Prévost", "Poirier",
    "Charpentier", "Royer", "Huet", "Baron", "Dupuy", "Pons", "Carré", "Breton", "Rémy", "Schneider", "Perrot",
    "Guyot", "Barre", "Marty", "Cousin", "Lebrun", "Besson", "Hamon", "Tessier", "Jourdan", "Lemaître",
)  # fmt: skip
PLACES = (
    "de Provence", "du Rhône", "de l'Ouest", "des Alpes", "du Nord", "d'Aquitaine", "de Bretagne",
    "du Val de Loire", "de Normandie", "d'Alsace", "du Sud-Ouest", "de Champagne", "du Léman",
    "de la Côte d'Azur", "des Flandres", "du Languedoc", "de Bourgogne", "du Centre", "de Lorraine",
    "du Littoral", "de l'Atlantique", "du Vexin", "de la Drôme", "du Jura",
)  # fmt: skip
PREFIXES = ("Néo", "Éco", "Euro", "Inter", "Techni", "Proxi", "Alti", "Atlan", "Cap", "Hexa", "Axi", "Opti", "Multi")
SUFFIXES = ("tec", "sol", "pro", "med", "bat", "log", "trans", "com", "plast", "fer", "serv", "nova", "dis", "data")
REGIONS = {
    "Île-de-France": 0.22, "Auvergne-Rhône-Alpes": 0.13, "Nouvelle-Aquitaine": 0.09, "Occitanie": 0.09,
    "Hauts-de-France": 0.08, "Provence-Alpes-Côte d'Azur": 0.08, "Grand Est": 0.07, "Pays de la Loire": 0.06,
    "Bretagne": 0.05, "Normandie": 0.04, "Bourgogne-Franche-Comté": 0.04, "Centre-Val de Loire": 0.04,
    "Corse": 0.01,
}  # fmt: skip
SALES_REPS = ("Julie Moreau", "Thomas Lefèvre", "Sophie Girard", "Nicolas Fabre", "Camille Roussel", "Antoine Mercier")
COLLECTORS = ("c.lambert", "n.garnier")  # credit controllers who record calls and notices
DISPUTE_REASONS = ("prix", "quantité", "livraison", "qualité", "facture en double")
SEGMENTS = ("Grand compte", "ETI", "PME", "TPE")
# Legal forms per segment, with their weights.
LEGAL_FORMS = {
    "Grand compte": (("SA", "SAS"), (0.6, 0.4)),
    "ETI": (("SAS", "SA"), (0.6, 0.4)),
    "PME": (("SAS", "SARL", "SA"), (0.45, 0.45, 0.10)),
    "TPE": (("SARL", "EURL", "SASU", "SAS"), (0.4, 0.25, 0.25, 0.1)),
}
# Monthly sales factor, January to December: August low, March and December high.
SEASON = np.array([0.95, 1.0, 1.15, 1.0, 0.95, 1.05, 0.9, 0.55, 1.05, 1.05, 1.05, 1.2])
TOP3_REVENUE_SHARES = (0.16, 0.11, 0.09)  # the large accounts that make revenue a Pareto
ANNUAL_SALES_PER_CLIENT = 60_000.0  # TTC, so ~24 M€ a year for 400 clients
INVOICES_PER_CLIENT_YEAR = 25.0
VAT = 1.2
DEMO_SIREN = "852379049"  # the demo company itself (valid Luhn), named in its FEC file

# --- sample files ---------------------------------------------------------------------------
SAMPLE_HEADERS = {
    "clients": (
        "Code client", "Raison sociale", "SIREN", "Code NAF", "Pays", "Région", "Segment", "Groupe", "Commercial",
        "Délai de paiement (jours)", "Fin de mois", "Limite de crédit", "Limite assurée", "Note externe", "Statut",
    ),
    "invoices": (
        "N° facture", "Code client", "Date facture", "Échéance", "Montant TTC", "Devise", "Litige",
        "Motif du litige", "Date de passage en perte",
    ),
    "payments": ("N° règlement", "Code client", "N° facture", "Date de règlement", "Montant"),
    "dunning": ("N° action", "Code client", "N° facture", "Date de relance", "Niveau", "Canal", "Résultat",
                "Date de promesse"),
}  # fmt: skip
SAMPLE_COLUMNS = {
    "clients": (
        "client_id", "name", "siren", "sector", "country", "region", "segment", "group_id", "sales_rep",
        "payment_terms_days", "terms_end_of_month", "credit_limit", "insured_limit", "external_rating", "status",
    ),
    "invoices": (
        "invoice_id", "client_id", "invoice_date", "due_date", "amount", "currency", "disputed", "dispute_reason",
        "write_off_date",
    ),
    "payments": ("payment_id", "client_id", "invoice_id", "payment_date", "amount"),
    "dunning": ("action_id", "client_id", "invoice_id", "action_date", "level", "channel", "outcome", "promise_date"),
}  # fmt: skip
FRAME_OF_KIND = {"clients": "clients", "invoices": "invoices", "payments": "payments", "dunning": "dunning_actions"}
STATUS_FR = {
    "active": "actif",
    "litigation": "contentieux",
    "collective_procedure": "procédure collective",
    "closed": "clos",
}
MONEY_COLUMNS = {"amount", "credit_limit", "insured_limit"}

D = "datetime64[D]"
PUNCTUAL, REGULAR, CHRONIC = 0, 1, 2


@dataclass(frozen=True)
class _Profiles:
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


class _Rows(dict):
    """Parallel numpy arrays, one entry per invoice (a DataFrame would turn datetime64[D] into [s])."""

    def __len__(self) -> int:
        return len(self["ci"])

    def assign(self, **columns: np.ndarray) -> _Rows:
        return _Rows({**self, **columns})


# --- small helpers --------------------------------------------------------------------------
def luhn_digit(body: np.ndarray) -> np.ndarray:
    """The Luhn check digit for each row of an (n, 8) digit array (SIREN rule)."""
    digits = body[:, ::-1].astype(np.int64)  # rightmost body digit is doubled once the check digit is appended
    doubled = digits[:, 0::2] * 2
    doubled = doubled - 9 * (doubled > 9)
    total = doubled.sum(axis=1) + digits[:, 1::2].sum(axis=1)
    return (10 - total % 10) % 10


def siren_is_valid(siren: str) -> bool:
    """True for 9 digits passing the Luhn check."""
    if len(siren) != 9 or not siren.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(siren)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _sirens(rng: np.random.Generator, n: int) -> np.ndarray:
    """`n` distinct valid SIREN numbers (first digit 3–9, as for companies)."""
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        body = rng.integers(0, 10, size=(2 * n, 8))
        body[:, 0] = rng.integers(3, 10, size=2 * n)
        full = np.column_stack([body, luhn_digit(body)])
        for row in full:
            s = "".join(map(str, row))
            if s not in seen:
                seen.add(s)
                out.append(s)
    return np.array(out[:n], dtype=object)


def _month_end(d: np.ndarray) -> np.ndarray:
    return (d.astype("datetime64[M]") + 1).astype(D) - 1


def _workday(d: np.ndarray) -> np.ndarray:
    """Saturdays and Sundays moved to the next Monday (offices do not post on weekends)."""
    return np.busday_offset(d, 0, roll="forward")


def _days(rng: np.random.Generator, low: float, high: float, n: int) -> np.ndarray:
    return np.rint(rng.uniform(low, high, n)).astype("timedelta64[D]")


def _choice(rng: np.random.Generator, options: tuple | list, weights: object, n: int) -> np.ndarray:
    w = np.asarray(list(weights), dtype=float)
    return np.asarray(options, dtype=object)[rng.choice(len(options), size=n, p=w / w.sum())]


def _numbers(prefix: str, dates: np.ndarray, tiebreak: np.ndarray) -> np.ndarray:
    """Ids like FA2024-000123, numbered per calendar year in date order."""
    order = np.lexsort((tiebreak, dates))
    years = dates[order].astype("datetime64[Y]").astype(int) + 1970
    first_of_year = np.r_[0, np.flatnonzero(np.diff(years)) + 1]
    run = np.arange(len(order)) - np.repeat(first_of_year, np.diff(np.r_[first_of_year, len(order)]))
    ids = np.empty(len(order), dtype=object)
    ids[order] = [f"{prefix}{y}-{s + 1:06d}" for y, s in zip(years, run, strict=True)]
    return ids


def _pick(rng: np.random.Generator, candidates: np.ndarray, k: int) -> np.ndarray:
    k = min(k, len(candidates))
    return rng.choice(candidates, size=k, replace=False) if k else np.array([], dtype=int)


# --- clients --------------------------------------------------------------------------------
def _revenue_shares(rng: np.random.Generator, n: int) -> np.ndarray:
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
    over_cap = _pick(rng, np.flatnonzero(eligible & ~large), max(1, round(0.012 * n)))
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


def _behaviour(rng: np.random.Generator, n: int, rank: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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


def _profiles(rng: np.random.Generator, n: int, start: np.datetime64, end: np.datetime64) -> _Profiles:
    """Draw every client: identity, size, terms, behaviour and its story (procedure, litigation, ...)."""
    share = _revenue_shares(rng, n)
    rank = np.argsort(np.argsort(-share, kind="stable"), kind="stable")
    segment = np.asarray(SEGMENTS, dtype=object)[np.searchsorted([0.02, 0.15, 0.60], rank / n, side="right")]
    segment[rank < 3] = "Grand compte"
    kind, mu, sd = _behaviour(rng, n, rank)
    span = (end - start).astype(int)
    far = end + 36500

    # The story: one collective procedure (a large regular payer), litigations, deteriorations, closures.
    procedure = int(_pick(rng, np.flatnonzero((rank >= 3) & (rank < max(4, min(12, n))) & (kind != CHRONIC)), 1)[0])
    special = np.zeros(n, dtype=bool)
    special[procedure] = True
    litigation = _pick(rng, np.flatnonzero((kind == CHRONIC) & (rank >= 5) & ~special), 2 if n >= 100 else 1)
    special[litigation] = True
    # A deterioration shows in the books only through invoices falling due while it happens: the
    # deteriorating clients are drawn among those invoiced at least monthly (over six months, a
    # client invoiced twice a year may have nothing due at all, and its story would be invisible).
    weight = (share / share.mean()) ** 0.6
    lam = INVOICES_PER_CLIENT_YEAR / 12 * weight / weight.mean()
    regular = lam >= 1.0
    worsening = _pick(
        rng, np.flatnonzero((kind != CHRONIC) & (rank >= 3) & regular & ~special), max(1, round(0.05 * n))
    )
    special[worsening] = True
    closed = _pick(rng, np.flatnonzero((rank >= n // 10) & ~special), max(1, round(0.03 * n)))
    special[closed] = True

    procedure_date = end - _days(rng, 30, 45, 1)[0]
    litigation_date = end - _days(rng, 100, 260, len(litigation))
    active_from = np.full(n, start)
    late_comers = rng.random(n) < 0.15
    late_comers[rank < 3] = False
    active_from[late_comers] = start + _days(rng, 0.1 * span, 0.7 * span, late_comers.sum())
    active_to = np.full(n, end)
    active_to[procedure] = procedure_date
    active_to[litigation] = litigation_date
    active_to[closed] = start + _days(rng, 0.35 * span, 0.85 * span, len(closed))
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
    return _Profiles(
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
    sector = _choice(rng, list(SECTORS), (w for w, _ in SECTORS.values()), n)
    groups = _groups(rng, n, ~special)
    days, eom = _terms(rng, segment, top, ~special)
    # An external rating (1 worst … 10 best) loosely tied to behaviour; a third of clients have none.
    rating = np.clip(np.rint(np.array([7.5, 6.0, 4.0])[kind] + rng.normal(0, 1.5, n)), 1, 10).astype(int)
    rating_text = np.where(rng.random(n) < 0.35, None, rating.astype(str)).astype(object)
    return pd.DataFrame(
        {
            "client_id": [f"C{i + 1:0{width}d}" for i in range(n)],
            "name": _names(rng, sector, segment, groups),
            "siren": _sirens(rng, n),
            "sector": sector,
            "country": "FR",
            "region": _choice(rng, list(REGIONS), REGIONS.values(), n),
            "segment": segment,
            "group_id": np.where(groups == "", None, groups),
            "sales_rep": _choice(rng, SALES_REPS, (0.22, 0.2, 0.18, 0.16, 0.14, 0.10), n),
            "payment_terms_days": days,
            "terms_end_of_month": eom,
            "external_rating": rating_text,
            "status": status,
            "doubtful": False,
            "non_credit": False,
            "placeholder": False,
        }
    )


# --- invoices and their settlement ---------------------------------------------------------
def _draw_invoices(rng: np.random.Generator, p: _Profiles, start: np.datetime64, end: np.datetime64) -> _Rows:
    """Invoice dates (Poisson per client and month, seasonal, growing 4 %/year), amounts and due dates."""
    months = np.arange(start.astype("datetime64[M]"), end.astype("datetime64[M]") + 1)
    first = months.astype(D)
    length = ((months + 1).astype(D) - first).astype(int)
    season = SEASON[months.astype(int) % 12] * (1 + 0.04 * np.arange(len(months)) / 12)
    counts = rng.poisson(p.lam[:, None] * season[None, :])
    cell = np.repeat(np.arange(counts.size), counts.ravel())
    ci, mi = cell // len(months), cell % len(months)
    when = _workday(first[mi] + (rng.random(len(cell)) * length[mi]).astype("timedelta64[D]"))
    keep = (when >= p.active_from[ci]) & (when <= p.active_to[ci]) & (when <= end)
    ci, mi, when = ci[keep], mi[keep], when[keep]

    cents = np.rint(p.mean_cents[ci] * rng.lognormal(-0.245, 0.7, len(ci)))  # mean-one lognormal (σ²/2)
    # Before failing, the client in procedure ordered large volumes it never paid for.
    failing = (ci == p.procedure) & (when >= end - 150)
    cents[failing] *= rng.uniform(2.0, 3.5, failing.sum())
    cents = np.maximum(np.rint(cents / VAT) * VAT, 5000).round().astype(np.int64)

    terms = p.frame["payment_terms_days"].to_numpy()[ci].astype("timedelta64[D]")
    due = when + terms
    eom = p.frame["terms_end_of_month"].to_numpy(dtype=bool)[ci]
    due[eom] = _month_end(due[eom])  # 45 days end of month: add the days, then move to the month's end
    return _Rows(ci=ci, mi=mi, date=when, due=due.astype(D), cents=cents)


def _days_late(rng: np.random.Generator, p: _Profiles, inv: _Rows, end: np.datetime64) -> np.ndarray:
    """Days late per invoice: client propensity + slow monthly drift + deterioration + size + noise."""
    ci, mi = inv["ci"], inv["mi"]
    n_months = int(mi.max()) + 1 if len(mi) else 1
    walk = np.cumsum(rng.normal(0.0, 1.0, (len(p.mu), n_months)), axis=1)  # behaviour changes slowly
    due = inv["due"]
    ramp = np.clip((due - (end - 180)).astype(int) / 120.0, 0.0, 1.0)  # deterioration over the last 6 months
    size = 2.0 * np.log(inv["cents"] / p.mean_cents[ci])  # large invoices take a little longer
    m = len(ci)
    tail = (rng.random(m) < 0.03) * rng.exponential(40.0, m)  # the odd invoice that gets stuck
    return p.mu[ci] + walk[ci, mi] + ramp * p.drift[ci] + size + rng.normal(0.0, p.sd[ci]) + tail


def _settle(rng: np.random.Generator, p: _Profiles, inv: _Rows, end: np.datetime64) -> _Rows:
    """Add disputes, the planned payment date (FAR = never), credit notes, write-offs."""
    m = len(inv)
    far = end + 36500
    late = _days_late(rng, p, inv, end)
    disputed = rng.random(m) < 0.03
    reason = np.where(disputed, _choice(rng, DISPUTE_REASONS, (0.3, 0.2, 0.2, 0.18, 0.12), m), None)
    late = late + disputed * rng.uniform(30, 150, m)  # a dispute holds the payment back
    date, due = inv["date"], inv["due"]
    pay = _workday(np.maximum(due + np.rint(late).astype("timedelta64[D]"), date + 1))
    pay[pay > p.stop_paying[inv["ci"]]] = far

    # Credit notes: a duplicate invoice is cancelled in full; price/quality disputes and commercial
    # gestures give a partial one, dated between the invoice and its payment.
    duplicate = reason == "facture en double"
    gesture = (np.isin(reason, ["prix", "qualité"]) & (rng.random(m) < 0.6)) | (~disputed & (rng.random(m) < 0.015))
    has_cn = duplicate | gesture
    horizon = (np.minimum(pay, date + 90) - date).astype(int)
    cn_date = _workday(date + np.maximum(2, np.rint(rng.uniform(0.2, 0.7, m) * horizon)).astype("timedelta64[D]"))
    cents = inv["cents"]
    cn_cents = np.where(duplicate, cents, np.rint(cents * rng.uniform(0.05, 0.4, m))).astype(np.int64)
    has_cn &= cn_date <= end
    applied = has_cn & (duplicate | (rng.random(m) < 0.9))
    pay[duplicate & has_cn] = cn_date[duplicate & has_cn]  # settled by the credit note itself

    # Write-offs: invoices still unpaid long after their due date, outside legal proceedings.
    in_court = np.isin(inv["ci"], [p.procedure, *p.litigation])
    stale = (pay - due > np.timedelta64(210, "D")) & (due + 210 < end) & ~in_court & ~duplicate
    written = stale & (rng.random(m) < 0.85)
    wo_date = np.minimum(_workday(due + _days(rng, 210, 330, m)), end)
    return inv.assign(
        disputed=disputed, reason=reason, pay=pay, has_cn=has_cn, cn_date=cn_date, cn_cents=cn_cents,
        applied=applied, duplicate=duplicate, written=written, wo_date=np.where(written, wo_date, far),
    )  # fmt: skip


def _payments(rng: np.random.Generator, p: _Profiles, inv: _Rows, end: np.datetime64) -> pd.DataFrame:
    """Payment rows (client index, invoice row or -1, date, cents): cash, credit-note pairs, unapplied cash."""
    m = len(inv)
    rows = np.arange(m)
    ci = inv["ci"]
    date, due, pay = inv["date"], inv["due"], inv["pay"]
    cash = inv["cents"] - np.where(inv["applied"], inv["cn_cents"], 0)
    cutoff = np.minimum(np.minimum(inv["wo_date"], p.stop_paying[ci]), end)

    # Partial payments: a first instalment before the final one (or before the end, if never paid).
    split = (cash > 0) & (rng.random(m) < 0.07)
    target = np.where(pay > end, due + 60, pay)
    first = _workday(date + np.rint(rng.uniform(0.4, 0.95, m) * (target - date).astype(int)).astype("timedelta64[D]"))
    first = np.minimum(first, pay)
    part = np.rint(cash * rng.uniform(0.2, 0.7, m)).astype(np.int64)

    cn_rows = np.flatnonzero(inv["applied"])
    cn_cents = inv["cn_cents"][cn_rows]
    cn_date = inv["cn_date"][cn_rows]
    parts = [
        (ci, rows, pay, np.where(split, cash - part, cash), cash > 0),  # full or final payment
        (ci, rows, first, part, split),  # first instalment
        (ci[cn_rows], cn_rows, cn_date, cn_cents, np.ones(len(cn_rows), dtype=bool)),  # credit note applied: +x
        (ci[cn_rows], m + cn_rows, cn_date, -cn_cents, np.ones(len(cn_rows), dtype=bool)),  # ... and -x on the note
    ]
    out = pd.concat(
        [pd.DataFrame({"ci": c, "row": r, "date": d, "cents": a})[k] for c, r, d, a, k in parts], ignore_index=True
    )
    # Cash after the write-off, the stop or the end date never arrives (credit-note rows are always <= end).
    is_cash = out["row"].to_numpy() < m
    late_cash = is_cash & (out["date"].to_numpy() > cutoff[np.minimum(out["row"].to_numpy(), m - 1)])
    out = out[~late_cash]

    # Unapplied cash: a few receipts nobody could match yet, in the last four months.
    k = max(3, len(p.mu) // 40)
    live = np.flatnonzero((p.active_to >= end - 120) & (p.stop_paying > end))
    unapplied = pd.DataFrame(
        {
            "ci": rng.choice(live, size=k),
            "row": -1,
            "date": _workday(end - _days(rng, 5, 120, k)),
            "cents": np.rint(rng.uniform(10_000, 250_000, k)).astype(np.int64),
        }
    )
    unapplied = unapplied[unapplied["date"] <= end]
    return pd.concat([out, unapplied], ignore_index=True)


# --- dunning --------------------------------------------------------------------------------
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
        return _choice(rng, ("accusé de réception signé", "pli non réclamé"), (0.85, 0.15), n)
    if level == 5:
        return np.full(n, "transmis au contentieux", dtype=object)
    if level == 3:
        soon = _choice(rng, ("promesse de paiement", "message laissé"), (0.75, 0.25), n)
        slow = _choice(rng, ("injoignable", "promesse de paiement", "message laissé"), (0.35, 0.35, 0.3), n)
    else:
        soon = _choice(rng, ("promesse de paiement", "sans réponse"), (0.35, 0.65), n)
        slow = np.full(n, "sans réponse", dtype=object)
    out = np.where(paid_soon, soon, slow)
    out[disputed & (rng.random(n) < 0.7)] = "litige signalé"
    return out


def _dunning(rng: np.random.Generator, p: _Profiles, inv: _Rows, end: np.datetime64) -> pd.DataFrame:
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
        when = _workday(due + offset + rng.integers(-1, 3, m).astype("timedelta64[D]"))
        keep = covered & (when < stop) & (when <= end)
        keep &= (cents >= 30_000) if level == 4 else (worst if level == 5 else True)
        rows = np.flatnonzero(keep)
        paid_soon = settled[rows] - when[rows] <= np.timedelta64(15, "D")
        outcome = _outcomes(rng, level, paid_soon, inv["disputed"][rows])
        promise = np.where(outcome == "promesse de paiement", _workday(when[rows] + _days(rng, 5, 20, len(rows))), None)
        frames.append(
            pd.DataFrame(
                {
                    "ci": ci[rows],
                    "row": rows,
                    "date": when[rows],
                    "level": level,
                    "channel": _choice(rng, channels, weights, len(rows)),
                    "outcome": outcome,
                    "promise": promise,
                }
            )
        )
    frames.append(_proceedings(rng, p, end))
    return pd.concat(frames, ignore_index=True)


def _proceedings(rng: np.random.Generator, p: _Profiles, end: np.datetime64) -> pd.DataFrame:
    """Account-level actions: the claim declared to the administrator, the litigation files."""
    clients = np.r_[p.procedure, p.litigation]
    dates = np.r_[
        np.minimum(_workday(p.procedure_date + _days(rng, 8, 15, 1)), end), _workday(p.litigation_date)
    ].astype(D)
    outcome = ["déclaration de créance"] + ["transmis au contentieux"] * len(p.litigation)
    return pd.DataFrame(
        {"ci": clients, "row": -1, "date": dates, "level": 5, "channel": "LRAR", "outcome": outcome, "promise": None}
    )


# --- canonical frames -----------------------------------------------------------------------
def _limits(rng: np.random.Generator, p: _Profiles, inv: _Rows, end: np.datetime64) -> pd.DataFrame:
    """Credit limits of about 2–3 months of sales for most clients; insured limits for ~30 %."""
    n = len(p.mu)
    recent = inv["date"] > end - 365
    sales = np.bincount(inv["ci"][recent], weights=inv["cents"][recent], minlength=n) / 100
    raw = sales / 12 * rng.uniform(2.0, 3.0, n)
    step = np.where(raw >= 100_000, 5_000, 1_000)
    limit = np.maximum(np.ceil(raw / step) * step, 1_000.0)
    segment = p.frame["segment"].to_numpy()
    has = (rng.random(n) < 0.85) | np.isin(segment, ["Grand compte", "ETI"])
    has &= p.frame["status"].to_numpy() != "closed"
    limit = np.where(has, limit, np.nan)
    insured = has & (rng.random(n) < 0.33)
    cover = np.floor(limit * rng.choice([0.5, 0.75, 1.0], n) / 1_000) * 1_000
    return p.frame.assign(credit_limit=limit, insured_limit=np.where(insured, np.maximum(cover, 1_000.0), np.nan))


def _invoice_frame(p: _Profiles, inv: _Rows) -> tuple[pd.DataFrame, np.ndarray]:
    """Invoices then credit notes; returns the frame and the id of every document row (credit note m+i)."""
    m = len(inv)
    ids = p.frame["client_id"].to_numpy()
    date = inv["date"]
    invoice_ids = _numbers("FA", date, np.arange(m))
    cn = np.flatnonzero(inv["has_cn"])
    cn_ids = _numbers("AV", inv["cn_date"][cn], cn)
    doc_ids = np.empty(2 * m, dtype=object)
    doc_ids[:m] = invoice_ids
    doc_ids[m + cn] = cn_ids
    written = inv["written"]
    invoices = pd.DataFrame(
        {
            "invoice_id": invoice_ids,
            "client_id": ids[inv["ci"]],
            "invoice_date": date,
            "due_date": inv["due"],
            "amount": inv["cents"] / 100,
            "disputed": inv["disputed"],
            "dispute_reason": inv["reason"],
            "write_off_date": np.where(written, inv["wo_date"], np.datetime64("NaT")).astype(D),
        }
    )
    notes = pd.DataFrame(
        {
            "invoice_id": cn_ids,
            "client_id": ids[inv["ci"][cn]],
            "invoice_date": inv["cn_date"][cn],
            "due_date": inv["cn_date"][cn],
            "amount": -inv["cn_cents"][cn] / 100,
            "disputed": False,
            "dispute_reason": None,
            "write_off_date": np.datetime64("NaT", "D"),
        }
    )
    frame = pd.concat([invoices, notes], ignore_index=True).sort_values(["invoice_date", "invoice_id"])
    frame = frame.assign(currency="EUR", due_date_assumed=False, opening=False)
    return _canonical(frame, schema.INVOICES), doc_ids


def _canonical(frame: pd.DataFrame, table: schema.Table) -> pd.DataFrame:
    """Exactly the table's columns, in order, dates as datetime64, money rounded to cents."""
    out = frame.reset_index(drop=True).reindex(columns=table.column_names)
    for col in table.columns:
        if col.sql_type == "DATE":
            out[col.name] = pd.to_datetime(out[col.name]).astype("datetime64[s]")
        elif col.sql_type == "VARCHAR":
            out[col.name] = out[col.name].astype("str")
        elif col.sql_type == schema.MONEY:
            out[col.name] = out[col.name].astype(float).round(2)
    return out


def _ensure_write_off(inv: _Rows, p: _Profiles, end: np.datetime64) -> _Rows:
    """A small ledger may draw no write-off: then the most overdue old invoice is written off."""
    if inv["written"].any():
        return inv
    due = inv["due"]
    eligible = (due + 240 < end) & ~np.isin(inv["ci"], [p.procedure, *p.litigation])
    eligible &= ~inv["duplicate"]
    if not eligible.any():
        return inv
    row = np.flatnonzero(eligible)[np.argmax((inv["pay"] - due)[eligible])]
    written, wo_date = inv["written"].copy(), inv["wo_date"].copy()
    written[row] = True
    wo_date[row] = _workday(np.minimum(due[row] + 240, end))
    return inv.assign(written=written, wo_date=wo_date)


def _payment_frame(p: _Profiles, pay: pd.DataFrame, doc_ids: np.ndarray) -> pd.DataFrame:
    pay = pay.sort_values(["date", "ci", "row", "cents"], kind="stable").reset_index(drop=True)
    row = pay["row"].to_numpy()
    frame = pd.DataFrame(
        {
            "payment_id": [f"RG{i + 1:07d}" for i in range(len(pay))],
            "client_id": p.frame["client_id"].to_numpy()[pay["ci"].to_numpy()],
            "invoice_id": np.where(row >= 0, doc_ids[np.maximum(row, 0)], None),
            "payment_date": pay["date"].to_numpy(),
            "amount": pay["cents"].to_numpy() / 100,
        }
    )
    return _canonical(frame, schema.PAYMENTS)


def _dunning_frame(p: _Profiles, dun: pd.DataFrame, doc_ids: np.ndarray) -> pd.DataFrame:
    dun = dun.sort_values(["date", "ci", "level", "row"], kind="stable").reset_index(drop=True)
    row, ci = dun["row"].to_numpy(), dun["ci"].to_numpy()
    automatic = dun["level"].to_numpy() <= 2  # reminders 1 and 2 go out from the dunning software
    frame = pd.DataFrame(
        {
            "action_id": [f"RL{i + 1:06d}" for i in range(len(dun))],
            "client_id": p.frame["client_id"].to_numpy()[ci],
            "invoice_id": np.where(row >= 0, doc_ids[np.maximum(row, 0)], None),
            "action_date": dun["date"].to_numpy(),
            "level": dun["level"].to_numpy(),
            "channel": dun["channel"].to_numpy(),
            "outcome": dun["outcome"].to_numpy(),
            "promise_date": pd.to_datetime(dun["promise"]),
            "recorded_by": np.where(automatic, "auto", np.asarray(COLLECTORS, dtype=object)[ci % len(COLLECTORS)]),
        }
    )
    return _canonical(frame, schema.DUNNING_ACTIONS)


def generate(seed: int = 42, clients: int = 400, years: int = 3, end: date = DEMO_END) -> dict[str, pd.DataFrame]:
    """The demo ledger as canonical frames: clients, invoices, payments, dunning_actions."""
    if clients < 10:
        raise ValueError(f"clients must be >= 10, got {clients}")
    if years < 1:
        raise ValueError(f"years must be >= 1, got {years}")
    rng = np.random.default_rng(seed)
    end64 = np.datetime64(end, "D")
    start = (end64.astype("datetime64[M]") - (12 * years - 1)).astype(D)
    profiles = _profiles(rng, clients, start, end64)
    inv = _settle(rng, profiles, _draw_invoices(rng, profiles, start, end64), end64)
    inv = _ensure_write_off(inv, profiles, end64)
    payments = _payments(rng, profiles, inv, end64)
    dunning = _dunning(rng, profiles, inv, end64)
    invoices, doc_ids = _invoice_frame(profiles, inv)
    return {
        "clients": _canonical(_limits(rng, profiles, inv, end64), schema.CLIENTS),
        "invoices": invoices,
        "payments": _payment_frame(profiles, payments, doc_ids),
        "dunning_actions": _dunning_frame(profiles, dunning, doc_ids),
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
    profiles = _profiles(np.random.default_rng(seed), clients, start, end64)
    # _profiles does not keep the payer kind: replay its first two draws (shares, then behaviour)
    replay = np.random.default_rng(seed)
    share = _revenue_shares(replay, clients)
    kind = _behaviour(replay, clients, np.argsort(np.argsort(-share, kind="stable"), kind="stable"))[0]
    ids = profiles.frame["client_id"].to_numpy()

    def named(positions: np.ndarray) -> tuple[str, ...]:
        return tuple(sorted(str(c) for c in ids[np.asarray(positions, dtype=int)]))

    return {
        "deteriorating": named(np.flatnonzero(profiles.drift > 0)),
        "collective_procedure": named([profiles.procedure]),
        "litigation": named(profiles.litigation),
        "chronic": named(np.flatnonzero(kind == CHRONIC)),
    }


# --- workspace ------------------------------------------------------------------------------
def load_demo(store: Store, seed: int | None = None, clients: int | None = None, years: int | None = None) -> dict:
    """Replace the whole workspace content with the demo ledger, in one transaction."""
    from riskcore import config

    defaults = config.get().demo
    frames = generate(
        seed=defaults.seed if seed is None else seed,
        clients=defaults.clients if clients is None else clients,
        years=defaults.years if years is None else years,
    )
    with store.transaction() as cur:
        clear_ledger(cur)
        write_ledger(cur, frames)
        set_meta(cur, "dataset", "demo")
        last = last_date(cur)
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


# --- sample upload files --------------------------------------------------------------------
def _french_text(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    """A kind's canonical frame as the text a French ERP export holds (dd/mm/yyyy, 1234,56, oui/non)."""
    out = pd.DataFrame(index=frame.index)
    for col in SAMPLE_COLUMNS[kind]:
        values = frame[col]
        if pd.api.types.is_datetime64_any_dtype(values):
            text = values.dt.strftime("%d/%m/%Y")
        elif col in MONEY_COLUMNS:
            text = values.map(lambda v: "" if pd.isna(v) else f"{v:.2f}".replace(".", ","))
        elif pd.api.types.is_bool_dtype(values):
            text = values.map({True: "oui", False: "non"})
        elif col == "status":
            text = values.map(STATUS_FR)
        else:
            text = values.astype("str")
        out[col] = text.fillna("")
    out.columns = list(SAMPLE_HEADERS[kind])
    return out


def write_csv_samples(frames: dict[str, pd.DataFrame], folder: Path) -> list[Path]:
    """clients.csv, invoices.csv, payments.csv, dunning.csv: `;`, decimal comma, Windows-1252, CRLF."""
    paths = []
    for kind, table in FRAME_OF_KIND.items():
        path = folder / f"{kind}.csv"
        text = _french_text(frames[table], kind)
        text.to_csv(path, sep=";", index=False, encoding="cp1252", lineterminator="\r\n")
        paths.append(path)
    return paths


def _excel_cell(value: object) -> object:
    """A value xlsxwriter writes as a real Excel date, number, text or blank."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, np.generic):
        return value.item()
    return value


def write_xlsx_sample(frames: dict[str, pd.DataFrame], path: Path, lang: str = "fr") -> Path:
    """One sheet per kind below a merged title row; real Excel dates and numbers."""
    import xlsxwriter

    from riskcore.i18n import t

    with xlsxwriter.Workbook(str(path)) as book:
        # a fixed creation date keeps the committed file identical from one run to the next
        book.set_properties({"created": dt.datetime.combine(DEMO_END, dt.time())})
        title = book.add_format({"bold": True, "font_size": 14, "align": "left"})
        header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
        styles = {
            "date": book.add_format({"num_format": "dd/mm/yyyy"}),
            "money": book.add_format({"num_format": "#,##0.00"}),
        }
        for kind, table in FRAME_OF_KIND.items():
            frame = frames[table]
            sheet = book.add_worksheet(t(f"demo.sheet_{kind}", lang))
            columns = SAMPLE_COLUMNS[kind]
            sheet.merge_range(0, 0, 0, len(columns) - 1, t("demo.sample_title", lang), title)
            sheet.write_row(1, 0, SAMPLE_HEADERS[kind], header)
            for j, col in enumerate(columns):
                values = frame[col]
                if pd.api.types.is_bool_dtype(values):
                    values = values.map({True: "oui", False: "non"})
                elif col == "status":
                    values = values.map(STATUS_FR)
                style = (
                    "date"
                    if pd.api.types.is_datetime64_any_dtype(frame[col])
                    else ("money" if col in MONEY_COLUMNS else None)
                )
                sheet.set_column(j, j, 14 if style else max(10, min(34, len(SAMPLE_HEADERS[kind][j]) + 2)))
                sheet.write_column(2, j, [_excel_cell(v) for v in values.astype(object)], styles.get(style))
            sheet.freeze_panes(2, 0)
    return path


def last_fiscal_year(frames: dict[str, pd.DataFrame], first_day: date) -> dict[str, pd.DataFrame]:
    """The ledger of the fiscal year from `first_day`: what was open that morning becomes opening items.

    An opening item keeps its id, dates and write-off date, with its open amount as amount, so
    the year's payments still settle it and every balance from `first_day` on is unchanged.
    Unapplied cash is kept whatever its date (it has no invoice to carry it).
    """
    start = pd.Timestamp(first_day)
    invoices, payments = frames["invoices"], frames["payments"]
    before = payments[payments["payment_date"] < start].dropna(subset=["invoice_id"])
    allocated = _cents(before["amount"]).groupby(before["invoice_id"]).sum()
    old = invoices[(invoices["invoice_date"] < start) & ~(invoices["write_off_date"] < start)]
    left = _cents(old["amount"]) - old["invoice_id"].map(allocated).fillna(0).astype("int64")
    opening = old[left != 0].assign(amount=left[left != 0] / 100, opening=True)
    kept = payments[(payments["payment_date"] >= start) | payments["invoice_id"].isna()]
    return {
        "clients": frames["clients"],
        "invoices": pd.concat([opening, invoices[invoices["invoice_date"] >= start]], ignore_index=True),
        "payments": kept.reset_index(drop=True),
        "dunning_actions": frames["dunning_actions"][frames["dunning_actions"]["action_date"] >= start],
    }


def _cents(amounts: pd.Series) -> pd.Series:
    return (amounts * 100).round().astype("int64")


def write_fec_sample(frames: dict[str, pd.DataFrame], folder: Path, closing: date) -> Path:
    """The last fiscal year (to `closing`) as the FEC the accounting software would export: SIRENFECdate.txt."""
    from riskcore.ingest.fec import write_fec

    first_day = (pd.Timestamp(closing) + pd.Timedelta(days=1) - pd.DateOffset(years=1)).date()
    year = last_fiscal_year(frames, first_day)
    return write_fec(year, folder, siren=DEMO_SIREN, closing=closing)


def write_samples(folder: Path, seed: int = 42, clients: int = 400, years: int = 3) -> list[Path]:
    """The demo ledger as the upload files a new user can try: French CSV, XLSX and FEC."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    frames = generate(seed=seed, clients=clients, years=years)
    paths = write_csv_samples(frames, folder)
    paths.append(write_xlsx_sample(frames, folder / "encours_demo.xlsx"))
    paths.append(write_fec_sample(frames, folder, DEMO_END))
    return paths
