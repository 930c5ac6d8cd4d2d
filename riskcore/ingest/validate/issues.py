"""The problems of one file as boolean row masks, one per reason and column.

A million rows cost no Python loop; `Issues.first(n)` turns only the first n into `Problem`s
for the report.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from riskcore.ingest.problems import Problem
from riskcore.ingest.raw import RawTable

Note = tuple[str, dict]


def as_mask(values: object) -> np.ndarray:
    """A boolean numpy mask from a Series/array that may hold NA (NA counts as False)."""
    if isinstance(values, pd.Series):
        return values.fillna(False).to_numpy(dtype=bool)
    return np.asarray(values, dtype=bool)


@dataclass(frozen=True)
class RowOf:
    """A message value that is a row position, shown as the file's row number."""

    positions: pd.Series


@dataclass
class _Issue:
    code: str
    mask: np.ndarray
    column: str | None
    values: pd.Series | None
    params: dict
    severity: str


class Issues:
    """The problems of one file, as row masks; built into `Problem`s only for the report."""

    def __init__(self, file_name: str, raw: RawTable | None) -> None:
        self.file_name = file_name
        self._raw = raw
        self._rows = 0 if raw is None else len(raw.frame)
        self._items: list[_Issue] = []
        self._problems: list[Problem] = []  # already built (FEC reader, whole-file facts)

    def add(
        self,
        code: str,
        mask: object,
        *,
        column: str | None = None,
        values: pd.Series | None = None,
        severity: str = "error",
        **params: object,
    ) -> None:
        """Record `code` for every row where `mask` is true."""
        mask = as_mask(mask)
        if mask.any():
            self._items.append(_Issue(code, mask, column, values, params, severity))

    def extend(self, problems: list[Problem]) -> None:
        """Add problems already built (the FEC reader's)."""
        self._problems.extend(problems)

    def rejected(self) -> np.ndarray:
        """Rows with at least one error (warnings load)."""
        out = np.zeros(self._rows, dtype=bool)
        for item in self._items:
            if item.severity == "error":
                out |= item.mask
        return out

    def rejected_count(self) -> int:
        """How many rows are rejected, masked and already built problems alike."""
        built = {p.row for p in self._problems if p.severity == "error" and p.row is not None}
        return int(self.rejected().sum()) + len(built)

    def counts(self) -> dict[str, int]:
        """How many rows each problem code concerns."""
        out: dict[str, int] = {}
        for item in self._items:
            out[item.code] = out.get(item.code, 0) + int(item.mask.sum())
        for p in self._problems:
            out[p.code] = out.get(p.code, 0) + 1
        return out

    def first(self, n: int) -> list[Problem]:
        """The first `n` problems: errors (rows rejected) before warnings, each in file order."""
        picked: list[tuple[bool, int, int, int, _Issue | Problem]] = []
        for order, item in enumerate(self._items):
            for pos in np.flatnonzero(item.mask)[:n]:
                picked.append((item.severity != "error", int(pos), order, int(pos), item))
        for order, p in enumerate(self._problems):
            row = -1 if p.row is None else p.row
            # Built problems come from the FEC reader, which has no masks to interleave with.
            picked.append((p.severity != "error", row, len(self._items) + order, row, p))
        picked.sort(key=lambda x: x[:3])
        return [p if isinstance(p, Problem) else self._build(pos, p) for *_, pos, p in picked[:n]]

    def _build(self, pos: int, item: _Issue) -> Problem:
        params = {}
        for key, value in item.params.items():
            if isinstance(value, RowOf):
                value = self._row(int(value.positions.iloc[pos]))
            elif isinstance(value, pd.Series):
                value = value.iloc[pos]
            params[key] = value
        shown = None if item.values is None else str(item.values.iloc[pos])
        return Problem(self.file_name, self._row(pos), item.column, shown, item.code, params, item.severity)

    def _row(self, pos: int) -> int:
        assert self._raw is not None
        # Frame labels are offsets in the file (blank rows dropped keep theirs), not positions.
        return int(self._raw.row_number(self._raw.frame.index[pos]))
