"""What an import found wrong, row by row: the file, the row, the column, the value."""

from __future__ import annotations

from dataclasses import dataclass, field

from riskcore.i18n import t


@dataclass(frozen=True)
class Problem:
    """One bad row (or a whole-file fact): message key `ingest.<code>` plus its values.

    `row` is the row number as the user sees it in the file (spreadsheet row or text line,
    header included, 1-based); None for a problem about the whole file.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    code: str
    params: dict = field(default_factory=dict, hash=False, compare=False)
    severity: str = "error"  # error: the row is rejected; warning: loaded, but the user should know

    def message(self, lang: str | None = None) -> str:
        where = t(
            "ingest.where",
            lang,
            file=self.file,
            row=self.row if self.row is not None else "-",
            column=self.column or "-",
        )
        shown = "" if self.value is None else t("ingest.value", lang, value=self.value)
        return f"{where}: {t('ingest.' + self.code, lang, **self.params)}{shown}"
