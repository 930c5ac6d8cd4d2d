"""Header matching and kind detection: which source header holds which canonical column.

Each header is compared with the synonyms of a kind by its normalised key (`keys`), so the most
specific synonym wins a header; the user's overrides (a mapping file, the Data page) come first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from riskcore.errors import LedgerError
from riskcore.ingest.mapping.keys import normalise
from riskcore.ingest.mapping.kinds import KINDS, columns, missing_required, synonyms


def _without_brackets(text: str) -> str:
    """`Montant (EUR)` -> `Montant `: units in brackets do not change what a column holds."""
    return re.sub(r"[(\[].*?[)\]]", "", str(text))


@dataclass(frozen=True)
class HeaderMatch:
    """The columns found in one file for one kind."""

    kind: str
    mapping: dict[str, str]  # canonical column -> source header
    unmatched: list[str]

    @property
    def required_missing(self) -> list[str]:
        """Required columns of the kind with no header."""
        return missing_required(self.kind, self.mapping)

    @property
    def score(self) -> int:
        """Columns matched that belong to this kind alone (a client code is in every file)."""
        return sum(1 for c in self.mapping if c not in ("client_id", "client_name"))


def match_headers(headers: Iterable[str], kind: str) -> HeaderMatch:
    """Assign headers to the columns of `kind`: the most specific synonym wins, one header each."""
    headers = [str(h) for h in headers]
    table = synonyms(kind)
    candidates: list[tuple[int, int, int, str, str]] = []
    for order, (col, names) in enumerate(table.items()):
        ranks: dict[str, int] = {}
        for rank, name in enumerate(names):
            ranks.setdefault(normalise(name), rank)
        for position, header in enumerate(headers):
            for penalty, key in ((0, normalise(header)), (1000, normalise(_without_brackets(header)))):
                if key and key in ranks:
                    candidates.append((ranks[key] + penalty, order, position, col, header))
                    break
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for *_, col, header in sorted(candidates):
        if col not in mapping and header not in taken:
            mapping[col] = header
            taken.add(header)
    unmatched = [h for h in headers if h not in taken]
    return HeaderMatch(kind, mapping, unmatched)


def resolve(
    headers: list[str], file_name: str, *, kind: str | None = None, overrides: Mapping[str, str | None] | None = None
) -> HeaderMatch:
    """The mapping to load with: `kind` if forced, else the kind whose required columns are all
    present and which matches most columns; the user's overrides are applied first."""
    if kind is not None and kind not in KINDS:
        raise LedgerError("ingest.bad_kind", file=file_name, kind=kind, kinds=", ".join(KINDS))
    matches = []
    for candidate in [kind] if kind else KINDS:
        match = match_headers(headers, candidate)
        if overrides:
            try:
                match = apply_overrides(match, overrides, file_name)
            except LedgerError:
                if kind or _fits(overrides, candidate):
                    raise
                continue  # the overrides name columns this kind does not have
        matches.append(match)
    if kind:
        missing = matches[0].required_missing
        if missing:
            raise LedgerError(
                "ingest.missing_columns",
                file=file_name,
                kind=kind,
                columns=", ".join(missing),
                headers=", ".join(headers),
            )
        return matches[0]
    eligible = [m for m in matches if not m.required_missing]
    if not eligible:
        raise LedgerError("ingest.unknown_kind", file=file_name, headers=", ".join(headers))
    best = max(m.score for m in eligible)
    top = [m for m in eligible if m.score == best]
    if len(top) > 1:
        raise LedgerError("ingest.ambiguous_kind", file=file_name, kinds=", ".join(m.kind for m in top))
    return top[0]


def _fits(overrides: Mapping[str, str | None], kind: str) -> bool:
    return all(col in columns(kind) for col in overrides)


def best_guess(headers: list[str]) -> HeaderMatch:
    """For a preview: the detected kind, or the closest one even when columns are missing."""
    matches = [match_headers(headers, kind) for kind in KINDS]
    return max(matches, key=lambda m: (not m.required_missing, m.score, -KINDS.index(m.kind)))


def apply_overrides(match: HeaderMatch, overrides: Mapping[str, str | None], file_name: str) -> HeaderMatch:
    """Put the user's choices over the guess: a header given to a column leaves any other."""
    allowed = columns(match.kind)
    headers = [*match.mapping.values(), *match.unmatched]
    mapping = dict(match.mapping)
    for col, header in overrides.items():
        if col not in allowed:
            raise LedgerError(
                "ingest.mapping_unknown_column", file=file_name, column=col, kind=match.kind, allowed=", ".join(allowed)
            )
        if not header:
            mapping.pop(col, None)
            continue
        if header not in headers:
            raise LedgerError(
                "ingest.mapping_missing_header", file=file_name, column=col, header=header, headers=", ".join(headers)
            )
        mapping = {c: h for c, h in mapping.items() if h != header}
        mapping[col] = header
    used = set(mapping.values())
    return HeaderMatch(match.kind, mapping, [h for h in headers if h not in used])
