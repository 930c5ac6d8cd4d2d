"""What an import did, per file, and what the Data page shows before loading."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from riskcore import config
from riskcore.i18n import fmt_amount, fmt_number, t
from riskcore.ingest.problems import Problem


@dataclass(frozen=True)
class Amount:
    """An amount in a note's values, written in the report's language when the report is rendered."""

    value: float


def _note(key: str, params: dict, lang: str | None) -> str:
    currency = config.get().app.currency
    values = {k: fmt_amount(v.value, lang, currency) if isinstance(v, Amount) else v for k, v in params.items()}
    return t(key if "." in key else f"ingest.{key}", lang, **values)


@dataclass(frozen=True)
class Preview:
    """A file's guessed kind and column mapping, for the user to check and correct before loading."""

    file_name: str
    kind: str
    mapping: dict[str, str]  # canonical column -> source header
    unmatched: list[str]
    candidates: list[str]  # every header of the file
    sample: pd.DataFrame  # the first rows as read
    required_missing: list[str]


@dataclass(frozen=True)
class FileReport:
    """One file of a batch: what was read, loaded and rejected, and why."""

    file_name: str
    kind: str
    sha256: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    problems: list[Problem] = field(default_factory=list)  # the first import.max_problems_reported
    problem_counts: dict[str, int] = field(default_factory=dict)
    mapping: dict[str, str] = field(default_factory=dict)
    unmatched_headers: list[str] = field(default_factory=list)
    already_imported: bool = False
    notes: list[tuple[str, dict]] = field(default_factory=list)  # message key + values (an Amount per language)

    def render(self, lang: str | None = None) -> list[str]:
        """The file's lines of the report."""
        kind = t(f"ingest.kinds.{self.kind}", lang)
        lines = [t("ingest.report_file", lang, file=self.file_name, kind=kind)]
        if self.already_imported:
            return [*lines, "  " + t("ingest.note_already_imported", lang, file=self.file_name)]
        n = {
            k: fmt_number(v, lang)
            for k, v in (("read", self.rows_read), ("loaded", self.rows_loaded), ("rejected", self.rows_rejected))
        }
        lines.append("  " + t("ingest.report_rows", lang, **n))
        if self.unmatched_headers:
            lines.append("  " + t("ingest.report_unmatched", lang, headers=", ".join(self.unmatched_headers)))
        if self.problem_counts:
            counts = ", ".join(
                f"{t(f'ingest.codes.{code}', lang)} {fmt_number(count, lang)}"
                for code, count in sorted(self.problem_counts.items(), key=lambda kv: -kv[1])
            )
            lines.append("  " + t("ingest.report_counts", lang, counts=counts))
        lines.extend("  - " + p.message(lang) for p in self.problems)
        hidden = sum(self.problem_counts.values()) - len(self.problems)
        if hidden > 0:
            lines.append("  " + t("ingest.report_more", lang, count=fmt_number(hidden, lang)))
        lines.extend("  * " + _note(key, params, lang) for key, params in self.notes)
        return lines


@dataclass(frozen=True)
class ImportReport:
    """A batch: ok when it was loaded (or had nothing new); refused when nothing was imported."""

    files: list[FileReport]
    ok: bool
    refused: bool

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    def render(self, lang: str | None = None) -> str:
        """A readable multi-line text: per file its counts, problems and notes, then the outcome."""
        lines: list[str] = []
        for report in self.files:
            lines.extend(report.render(lang))
        if self.refused:
            lines.append(t("ingest.report_refused", lang))
        elif all(f.already_imported for f in self.files):
            lines.append(t("ingest.report_nothing_new", lang))
        else:
            lines.append(
                t(
                    "ingest.report_done",
                    lang,
                    rows=fmt_number(self.rows_loaded, lang),
                    files=len([f for f in self.files if not f.already_imported]),
                )
            )
        return "\n".join(lines)
