"""Small helpers of the generator: random draws, calendar steps, document numbers, the SIREN rule."""

from __future__ import annotations

import numpy as np

D = "datetime64[D]"


class Rows(dict):
    """Parallel numpy arrays, one entry per invoice (a DataFrame would turn datetime64[D] into [s])."""

    def __len__(self) -> int:
        return len(self["ci"])

    def assign(self, **columns: np.ndarray) -> Rows:
        """A copy with these columns added or replaced (as DataFrame.assign)."""
        return Rows({**self, **columns})


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


def sirens(rng: np.random.Generator, n: int) -> np.ndarray:
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


def month_end(d: np.ndarray) -> np.ndarray:
    """The last day of each date's month."""
    return (d.astype("datetime64[M]") + 1).astype(D) - 1


def workday(d: np.ndarray) -> np.ndarray:
    """Saturdays and Sundays moved to the next Monday (offices do not post on weekends)."""
    return np.busday_offset(d, 0, roll="forward")


def random_days(rng: np.random.Generator, low: float, high: float, n: int) -> np.ndarray:
    """`n` whole numbers of days drawn uniformly between `low` and `high`."""
    return np.rint(rng.uniform(low, high, n)).astype("timedelta64[D]")


def weighted_choice(rng: np.random.Generator, options: tuple | list, weights: object, n: int) -> np.ndarray:
    """`n` options drawn with replacement, with these (not necessarily normalised) weights."""
    w = np.asarray(list(weights), dtype=float)
    return np.asarray(options, dtype=object)[rng.choice(len(options), size=n, p=w / w.sum())]


def yearly_numbers(prefix: str, dates: np.ndarray, tiebreak: np.ndarray) -> np.ndarray:
    """Ids like FA2024-000123, numbered per calendar year in date order."""
    order = np.lexsort((tiebreak, dates))
    years = dates[order].astype("datetime64[Y]").astype(int) + 1970
    first_of_year = np.r_[0, np.flatnonzero(np.diff(years)) + 1]
    run = np.arange(len(order)) - np.repeat(first_of_year, np.diff(np.r_[first_of_year, len(order)]))
    ids = np.empty(len(order), dtype=object)
    ids[order] = [f"{prefix}{y}-{s + 1:06d}" for y, s in zip(years, run, strict=True)]
    return ids


def pick(rng: np.random.Generator, candidates: np.ndarray, k: int) -> np.ndarray:
    """Up to `k` distinct candidates drawn at random (none, without a draw, when there are none)."""
    k = min(k, len(candidates))
    return rng.choice(candidates, size=k, replace=False) if k else np.array([], dtype=int)
