"""The checks of one file on its own: typed canonical columns, and every bad row with its reason."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from riskcore.ingest.mapping.headers import HeaderMatch
from riskcore.ingest.mapping.vocabulary import credit_note_mask, normalise_status, terms_text
from riskcore.ingest.parse import parse_booleans
from riskcore.ingest.raw import RawTable
from riskcore.ingest.validate.cells import clean_text, read_columns, typed
from riskcore.ingest.validate.issues import Issues, Note, RowOf, as_mask
from riskcore.storage import schema


@dataclass
class Checked:
    """One file after its own checks: canonical columns (plus extras) and its issues."""

    file_name: str
    kind: str
    sha256: str
    raw: RawTable | None
    frame: pd.DataFrame  # positional index = the raw frame's rows
    match: HeaderMatch
    issues: Issues
    notes: list[Note] = field(default_factory=list)
    generated_ids: bool = False
    path: Path | None = None  # a FEC is read by its own reader once the batch's clients are known
    fec_rows: int = 0
    # canonical column sets a file provides; columns it lacks keep their stored values
    provided: dict[str, set[str]] = field(default_factory=dict)

    @property
    def valid(self) -> np.ndarray:
        """Rows with no error (they load)."""
        return ~self.issues.rejected()

    @property
    def rows_read(self) -> int:
        """Data rows read from the file (for a FEC, its lines)."""
        return self.fec_rows if self.kind == "fec" else len(self.frame)

    def header(self, column: str) -> str | None:
        """The file's header mapped to canonical `column`, or None."""
        return self.match.mapping.get(column)

    def source(self, column: str) -> pd.Series | None:
        """The source text of a canonical column, for problem values (positional, like `frame`)."""
        header = self.header(column)
        return None if header is None or self.raw is None else self.raw.frame[header].reset_index(drop=True)


def _missing(checked: Checked, columns: tuple[str, ...]) -> None:
    """A required cell left empty (a cell that did not parse is already reported)."""
    already = checked.issues.rejected()
    for col in columns:
        if col in checked.frame:
            empty = as_mask(checked.frame[col].isna()) & ~already
            checked.issues.add("missing_value", empty, column=checked.header(col), column_label=col)


def _duplicates(checked: Checked, key: str) -> None:
    """The second and later rows with an id already used above in the same file."""
    ids = checked.frame[key]
    dup = ids.notna() & ids.duplicated(keep="first")
    if dup.any():
        first = pd.Series(np.arange(len(ids))).groupby(ids.to_numpy()).transform("first")
        checked.issues.add(
            "duplicate_id",
            dup,
            column=checked.header(key),
            values=checked.source(key),
            first_row=RowOf(first.reindex(range(len(ids)))),
        )


def auto_ids(frame: pd.DataFrame, prefix: str, columns: list[str]) -> pd.Series:
    """Stable ids for rows that have none: a hash of their content and their rank among equals."""
    content = frame[[c for c in columns if c in frame]].copy()
    content["_rank"] = content.groupby(list(content.columns), dropna=False).cumcount()
    hashes = pd.util.hash_pandas_object(content, index=False)
    return prefix + hashes.astype("str")


def _clients(checked: Checked) -> None:
    frame, raw_status = checked.frame, checked.source("status")
    if "status" in frame:
        status, unknown = normalise_status(frame["status"])
        checked.issues.add(
            "unknown_status", unknown, column=checked.header("status"), values=raw_status, severity="warning"
        )
        frame["status"] = status
    if "payment_terms_days" in frame and "terms_end_of_month" not in frame:
        _, eom = terms_text(checked.source("payment_terms_days"))
        frame["terms_end_of_month"] = eom.where(frame["payment_terms_days"].notna()).astype("boolean")
    if "siren" in frame:
        digits = frame["siren"].str.replace(r"\D", "", regex=True)
        frame["siren"] = digits.where(digits.str.len() != 14, digits.str[:9]).mask(digits.eq(""))
    _duplicates(checked, "client_id")


def _invoices(checked: Checked) -> None:
    frame = checked.frame
    if "amount" not in frame and "remaining_amount" in frame:
        frame["amount"] = frame["remaining_amount"]  # open-items export: only what is left is known
    if "doc_type" in frame:
        credit = pd.Series(credit_note_mask(frame["doc_type"]))
        for col in ("amount", "paid_amount", "remaining_amount"):
            if col in frame:
                frame[col] = frame[col].mask(credit, -frame[col].abs())
    if "due_date" in frame and "invoice_date" in frame:
        early = frame["due_date"] < frame["invoice_date"]
        checked.issues.add(
            "due_before_invoice",
            early,
            column=checked.header("due_date"),
            values=checked.source("due_date"),
            invoice_date=checked.source("invoice_date"),
        )
    if "disputed" in frame:
        text = clean_text(frame["disputed"])
        parsed = typed(parse_booleans(frame["disputed"]).values.reset_index(drop=True), "BOOLEAN")
        # A dispute column holding a reason rather than yes/no means the invoice is disputed.
        frame["disputed"] = parsed.fillna(text.notna())
        if "dispute_reason" not in frame:
            frame["dispute_reason"] = text.where(parsed.isna())
    elif "dispute_reason" in frame:
        frame["disputed"] = frame["dispute_reason"].notna()
    _duplicates(checked, "invoice_id")


@dataclass(frozen=True)
class EventKind:
    """What is checked alike in a payments and a dunning file, and where the two differ."""

    table: schema.Table
    id_column: str
    id_sources: tuple[str, ...]  # the columns a generated id is a hash of, for a file without ids
    unknown_invoice: str  # the problem code of a row naming an invoice no file or stored row knows
    unknown_invoice_severity: str
    capped_by_invoice: bool  # the payments of an invoice may not exceed it


EVENTS = {
    "payments": EventKind(
        schema.PAYMENTS,
        "payment_id",
        ("client_id", "invoice_id", "payment_date", "amount"),
        "unknown_invoice",
        "error",
        capped_by_invoice=True,
    ),
    # An action on an invoice not imported (yet) is kept: it still says the client was chased.
    "dunning": EventKind(
        schema.DUNNING_ACTIONS,
        "action_id",
        ("client_id", "invoice_id", "action_date", "level", "channel"),
        "unknown_invoice_action",
        "warning",
        capped_by_invoice=False,
    ),
}


def _events(checked: Checked) -> None:
    """A payment or dunning action: an id generated for a file without ids, then no id used twice."""
    event = EVENTS[checked.kind]
    if event.id_column not in checked.match.mapping:
        checked.frame[event.id_column] = auto_ids(checked.frame, "auto:", list(event.id_sources))
        checked.generated_ids = True
    _duplicates(checked, event.id_column)


_CHECKS = {"clients": _clients, "invoices": _invoices, "payments": _events, "dunning": _events}
# Required cells checked here; a payment's or action's client may come from its invoice (batch).
_REQUIRED_CELLS = {
    "clients": ("client_id",),
    "invoices": ("invoice_id", "client_id", "invoice_date", "amount"),
    "payments": ("payment_id", "payment_date", "amount"),
    "dunning": ("action_id", "action_date"),
}


def check_file(raw: RawTable, match: HeaderMatch, sha256: str) -> Checked:
    """Typed canonical columns of one file and the problems of each of its rows."""
    issues = Issues(raw.file_name, raw)
    notes: list[Note] = []
    frame = read_columns(raw, match, issues, notes)
    checked = Checked(raw.file_name, match.kind, sha256, raw, frame, match, issues, notes)
    _CHECKS[match.kind](checked)
    _missing(checked, _REQUIRED_CELLS[match.kind])
    return checked
