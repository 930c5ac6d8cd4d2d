"""Row validation of one file: typed canonical columns, and every bad row with its reason.

Problems are kept as boolean row masks (one per reason and column), so a million rows cost
no Python loop; `Issues.first(n)` turns only the first n into `Problem`s for the report.
`Batch` then checks what needs the other files of the batch or the database: unknown
invoices and clients, payments above their invoice, assumed due dates, generated payments.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from riskcore.errors import LedgerError
from riskcore.ingest import mapping as mp
from riskcore.ingest.parse import parse_amounts, parse_booleans, parse_dates, parse_integers
from riskcore.ingest.problems import Problem
from riskcore.ingest.raw import RawTable
from riskcore.storage import schema

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
        self._problems.extend(problems)

    def rejected(self) -> np.ndarray:
        """Rows with at least one error (warnings load)."""
        out = np.zeros(self._rows, dtype=bool)
        for item in self._items:
            if item.severity == "error":
                out |= item.mask
        return out

    def rejected_count(self) -> int:
        built = {p.row for p in self._problems if p.severity == "error" and p.row is not None}
        return int(self.rejected().sum()) + len(built)

    def counts(self) -> dict[str, int]:
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


@dataclass
class Checked:
    """One file after its own checks: canonical columns (plus extras) and its issues."""

    file_name: str
    kind: str
    sha256: str
    raw: RawTable | None
    frame: pd.DataFrame  # positional index = the raw frame's rows
    match: mp.HeaderMatch
    issues: Issues
    notes: list[Note] = field(default_factory=list)
    generated_ids: bool = False
    path: Path | None = None  # a FEC is read by its own reader once the batch's clients are known
    fec_rows: int = 0
    # canonical column sets a file provides; columns it lacks keep their stored values
    provided: dict[str, set[str]] = field(default_factory=dict)

    @property
    def valid(self) -> np.ndarray:
        return ~self.issues.rejected()

    @property
    def rows_read(self) -> int:
        return self.fec_rows if self.kind == "fec" else len(self.frame)

    def header(self, column: str) -> str | None:
        return self.match.mapping.get(column)

    def source(self, column: str) -> pd.Series | None:
        """The source text of a canonical column, for problem values (positional, like `frame`)."""
        header = self.header(column)
        return None if header is None or self.raw is None else self.raw.frame[header].reset_index(drop=True)


# --- typed columns ----------------------------------------------------------------------------

_PARSERS: dict[str, tuple[Callable, str]] = {
    "DATE": (parse_dates, "bad_date"),
    schema.MONEY: (parse_amounts, "bad_amount"),
    "INTEGER": (parse_integers, "bad_integer"),
    "BOOLEAN": (parse_booleans, "bad_boolean"),
}


def _clean_text(text: pd.Series) -> pd.Series:
    stripped = text.astype("str").str.strip()
    return stripped.mask(stripped.eq(""))


def _typed(values: pd.Series, sql_type: str) -> pd.Series:
    """The parser's values in the dtype the checks compare: datetime64, float, nullable bool/int."""
    if sql_type == "DATE":
        return pd.to_datetime(values, errors="coerce")
    if sql_type == schema.MONEY:
        return pd.to_numeric(values, errors="coerce").astype("float64")
    if sql_type == "INTEGER":
        return pd.to_numeric(values, errors="coerce").astype("Int64")
    return values.astype("boolean")


def _fix_level(values: pd.Series, bad: pd.Series, text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Dunning steps given as words (`Mise en demeure`) or `Relance 2`."""
    words = mp.level_words(text)
    digits = pd.to_numeric(text.str.extract(r"\b([1-5])\b", expand=False), errors="coerce")
    values = values.fillna(words.astype("Int64")).fillna(digits.astype("Int64"))
    return values, values.isna() & _clean_text(text).notna()


def _fix_terms(values: pd.Series, bad: pd.Series, text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Terms written as text (`45 jours fin de mois`): the days; the end of month is read later."""
    days, _ = mp.terms_text(text)
    values = values.fillna(days.astype("Int64"))
    return values, values.isna() & _clean_text(text).notna()


_FIXES = {"level": _fix_level, "payment_terms_days": _fix_terms}
# Optional columns whose bad value is dropped with a warning rather than rejecting the row.
_SOFT = {"level", "payment_terms_days", "terms_end_of_month", "doubtful", "non_credit", "opening"}


def read_columns(raw: RawTable, match: mp.HeaderMatch, issues: Issues, notes: list[Note]) -> pd.DataFrame:
    """Parse each mapped column to its type; unreadable cells become problems naming the header."""
    types = mp.columns(match.kind)
    out: dict[str, pd.Series] = {}
    for col, header in match.mapping.items():
        text = raw.frame[header].reset_index(drop=True)
        if types[col] not in _PARSERS or col == "disputed":
            out[col] = _clean_text(text) if col != "disputed" else text
            continue
        parser, code = _PARSERS[types[col]]
        parsed = parser(text)
        values, bad = _typed(parsed.values.reset_index(drop=True), types[col]), as_mask(parsed.bad)
        if col in _FIXES:
            values, bad = _FIXES[col](values, pd.Series(bad), text)
        if parsed.note:
            notes.append((parsed.note, {**parsed.note_params, "file": issues.file_name, "column": header}))
        soft = col in _SOFT
        issues.add(code, bad, column=header, values=text, severity="warning" if soft else "error")
        out[col] = values.mask(pd.Series(as_mask(bad))) if soft else values
    return pd.DataFrame(out, index=pd.RangeIndex(len(raw.frame)))


# --- per kind ---------------------------------------------------------------------------------


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
        status, unknown = mp.normalise_status(frame["status"])
        checked.issues.add(
            "unknown_status", unknown, column=checked.header("status"), values=raw_status, severity="warning"
        )
        frame["status"] = status
    if "payment_terms_days" in frame and "terms_end_of_month" not in frame:
        _, eom = mp.terms_text(checked.source("payment_terms_days"))
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
        credit = pd.Series(mp.credit_note_mask(frame["doc_type"]))
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
        text = _clean_text(frame["disputed"])
        parsed = _typed(parse_booleans(frame["disputed"]).values.reset_index(drop=True), "BOOLEAN")
        # A dispute column holding a reason rather than yes/no means the invoice is disputed.
        frame["disputed"] = parsed.fillna(text.notna())
        if "dispute_reason" not in frame:
            frame["dispute_reason"] = text.where(parsed.isna())
    elif "dispute_reason" in frame:
        frame["disputed"] = frame["dispute_reason"].notna()
    _duplicates(checked, "invoice_id")


def _payments(checked: Checked) -> None:
    if "payment_id" not in checked.match.mapping:
        cols = ["client_id", "invoice_id", "payment_date", "amount"]
        checked.frame["payment_id"] = auto_ids(checked.frame, "auto:", cols)
        checked.generated_ids = True
    _duplicates(checked, "payment_id")


def _dunning(checked: Checked) -> None:
    if "action_id" not in checked.match.mapping:
        cols = ["client_id", "invoice_id", "action_date", "level", "channel"]
        checked.frame["action_id"] = auto_ids(checked.frame, "auto:", cols)
        checked.generated_ids = True
    _duplicates(checked, "action_id")


_CHECKS = {"clients": _clients, "invoices": _invoices, "payments": _payments, "dunning": _dunning}
# Required cells checked here; a payment's or action's client may come from its invoice (batch).
_REQUIRED_CELLS = {
    "clients": ("client_id",),
    "invoices": ("invoice_id", "client_id", "invoice_date", "amount"),
    "payments": ("payment_id", "payment_date", "amount"),
    "dunning": ("action_id", "action_date"),
}


def check_file(raw: RawTable, match: mp.HeaderMatch, sha256: str) -> Checked:
    """Typed canonical columns of one file and the problems of each of its rows."""
    issues = Issues(raw.file_name, raw)
    notes: list[Note] = []
    frame = read_columns(raw, match, issues, notes)
    checked = Checked(raw.file_name, match.kind, sha256, raw, frame, match, issues, notes)
    _CHECKS[match.kind](checked)
    _missing(checked, _REQUIRED_CELLS[match.kind])
    return checked


# --- across the batch and the database --------------------------------------------------------

_MONEY_TOLERANCE = 0.005  # half a cent: amounts are compared after rounding to cents
_GENERATED = ("settle:", "open:")


class Ledger:
    """Read-only look-ups into the workspace; empty when the demo is about to be replaced."""

    def __init__(self, cur: object | None) -> None:
        self._cur = cur

    def _run(self, sql: str, **frames: pd.DataFrame) -> pd.DataFrame | None:
        if self._cur is None:
            return None
        for name, frame in frames.items():
            self._cur.register(name, frame)
        try:
            return self._cur.execute(sql).df()
        finally:
            for name in frames:
                self._cur.unregister(name)

    def clients(self) -> pd.DataFrame:
        found = self._run("SELECT * FROM clients")
        return found if found is not None else pd.DataFrame(columns=schema.CLIENTS.column_names)

    def invoices(self, ids: np.ndarray) -> pd.DataFrame:
        """invoice_id, client_id, amount of the stored invoices among `ids`."""
        found = self._run(
            "SELECT i.invoice_id, i.client_id, CAST(i.amount AS DOUBLE) AS amount "
            "FROM invoices i JOIN _ingest_ids l ON i.invoice_id = l.id",
            _ingest_ids=pd.DataFrame({"id": pd.Series(ids, dtype="str")}),
        )
        return found if found is not None else pd.DataFrame(columns=["invoice_id", "client_id", "amount"])

    def paid(self, ids: np.ndarray, replaced: np.ndarray) -> pd.Series:
        """Stored payments per invoice among `ids`, leaving out the payment ids this batch replaces."""
        found = self._run(
            "SELECT p.invoice_id, CAST(sum(p.amount) AS DOUBLE) AS paid FROM payments p "
            "JOIN _ingest_ids l ON p.invoice_id = l.id "
            "WHERE p.payment_id NOT IN (SELECT id FROM _ingest_replaced) GROUP BY p.invoice_id",
            _ingest_ids=pd.DataFrame({"id": pd.Series(ids, dtype="str")}),
            _ingest_replaced=pd.DataFrame({"id": pd.Series(replaced, dtype="str")}),
        )
        if found is None or found.empty:
            return pd.Series(dtype="float64")
        return found.set_index("invoice_id")["paid"]

    def with_real_payments(self, ids: np.ndarray) -> set[str]:
        """Invoices among `ids` that have payments other than ones an import generated."""
        found = self._run(
            "SELECT DISTINCT p.invoice_id FROM payments p JOIN _ingest_ids l ON p.invoice_id = l.id "
            "WHERE NOT (starts_with(p.payment_id, 'settle:') OR starts_with(p.payment_id, 'open:'))",
            _ingest_ids=pd.DataFrame({"id": pd.Series(ids, dtype="str")}),
        )
        return set() if found is None else set(found["invoice_id"])


def date_in_name(file_name: str) -> dt.date | None:
    """`balance_2025-10-31.csv`, `encours_20251031.xlsx`, `AR 31-10-2025.csv` -> that date."""
    patterns = (r"(20\d\d)[-_.]?(\d\d)[-_.]?(\d\d)", r"(\d\d)[-_.](\d\d)[-_.](20\d\d)")
    for order, pattern in enumerate(patterns):
        for found in re.finditer(pattern, file_name):
            y, m, d = found.groups() if order == 0 else found.groups()[::-1]
            try:
                return dt.date(int(y), int(m), int(d))
            except ValueError:
                continue
    return None


@dataclass
class Written:
    """A frame to write and the canonical columns it provides (others keep stored values)."""

    table: schema.Table
    frame: pd.DataFrame
    provided: set[str]
    checked: Checked | None = None


class Batch:
    """Cross-file checks, in the order clients -> FEC -> invoices -> payments -> dunning."""

    def __init__(self, ledger: Ledger, files: list[Checked], *, terms_days: int, as_of: dt.date | None) -> None:
        self.ledger = ledger
        self.terms_days = terms_days
        self.as_of = as_of
        self.db_clients = ledger.clients()
        self.client_ids = pd.Index(self.db_clients["client_id"].astype("str"))
        self.out: list[Written] = []
        self.open_invoices: list[pd.Series] = []  # invoices of open-items files: their old open: rows go
        self.restated: list[tuple[pd.Series, dt.date, dt.date]] = []  # FEC: (clients, first day, last day)
        payments = [f.frame for f in files if f.kind == "payments"]
        self.file_payment_ids = (
            pd.concat([p["payment_id"] for p in payments]) if payments else pd.Series([], dtype="str")
        )
        self.file_paid_invoices = pd.Index(
            pd.concat([p["invoice_id"] for p in payments if "invoice_id" in p] or [pd.Series([], dtype="str")])
        )

    # --- state -------------------------------------------------------------------------
    def frames(self, table: schema.Table) -> list[pd.DataFrame]:
        return [w.frame for w in self.out if w.table is table]

    def _add(self, table: schema.Table, frame: pd.DataFrame, provided: set[str], checked: Checked | None) -> None:
        self.out.append(Written(table, frame, provided, checked))
        if table is schema.CLIENTS:
            self.client_ids = self.client_ids.union(pd.Index(frame["client_id"].astype("str")))

    def clients_frame(self) -> pd.DataFrame:
        """Stored clients overlaid with the batch's, for terms and the FEC reader.

        A batch frame holds only the columns its file provides; the others keep stored values.
        """
        merged = self.db_clients.set_index("client_id")
        for frame in self.frames(schema.CLIENTS):
            newer = frame.drop_duplicates("client_id", keep="last").set_index("client_id")
            merged = newer.combine_first(merged) if not merged.empty else newer
        return merged.reset_index().reindex(columns=schema.CLIENTS.column_names)

    def _invoice_lookup(self, ids: pd.Series) -> pd.DataFrame:
        """client_id and amount of the given invoice ids, from the batch over the database."""
        wanted = ids.dropna().unique()
        batch = [f[["invoice_id", "client_id", "amount"]] for f in self.frames(schema.INVOICES)]
        batch = [f[f["invoice_id"].isin(wanted)] for f in batch]
        found = pd.concat([self.ledger.invoices(wanted), *batch], ignore_index=True)
        return found.drop_duplicates("invoice_id", keep="last").set_index("invoice_id")

    # --- per kind ------------------------------------------------------------------------
    def check(self, checked: Checked, *, collective_as_client: bool = False) -> None:
        if checked.kind == "fec":
            self._fec(checked, collective_as_client)
        else:
            {
                "clients": self._clients,
                "invoices": self._invoices,
                "payments": self._payments,
                "dunning": self._dunning,
            }[checked.kind](checked)

    def _clients(self, c: Checked) -> None:
        frame = c.frame[c.valid].assign(placeholder=False)
        self._add(schema.CLIENTS, frame, set(frame.columns), c)

    def _fec(self, c: Checked, collective_as_client: bool) -> None:
        from riskcore.ingest.fec import read_fec

        result = read_fec(
            c.path,
            clients=self.clients_frame(),
            default_terms_days=self.terms_days,
            collective_as_client=collective_as_client,
            file_name=c.file_name,
        )
        c.issues.extend(list(result.problems))
        c.notes.extend(result.notes)
        c.fec_rows = int(result.rows_read)
        for name in ("clients", "invoices", "payments"):
            frame = result.frames.get(name)
            if frame is not None and not frame.empty:
                self._add(schema.BY_NAME[name], frame, set(frame.columns), None)
        payments = result.frames.get("payments")
        if payments is not None and not payments.empty:
            # A FEC is the book of record for its period: a later export of the same period
            # re-letters payments (new ids), so its payments replace the period's stored ones.
            first = pd.to_datetime(payments["payment_date"]).min().date()
            last = result.last_entry_date or pd.to_datetime(payments["payment_date"]).max().date()
            self.restated.append((result.frames["clients"]["client_id"].astype("str"), first, last))

    def _invoices(self, c: Checked) -> None:
        self._due_dates(c)
        self._paid_columns(c)
        self._unknown_clients(c)
        frame = c.frame[c.valid]
        self._add(schema.INVOICES, frame, set(frame.columns), c)
        self._generated_payments(c, frame)

    def _payments(self, c: Checked) -> None:
        invoices = self._link_invoices(c)
        c.issues.add(
            "unknown_invoice",
            self._unknown_invoice(c, invoices),
            column=c.header("invoice_id"),
            values=c.source("invoice_id"),
        )
        self._client_required(c)
        self._over_payment(c, invoices)
        self._unknown_clients(c)
        frame = c.frame[c.valid]
        self._add(schema.PAYMENTS, frame, set(frame.columns), c)

    def _dunning(self, c: Checked) -> None:
        invoices = self._link_invoices(c)
        # An action on an invoice not imported (yet) is kept: it still says the client was chased.
        c.issues.add(
            "unknown_invoice_action",
            self._unknown_invoice(c, invoices),
            column=c.header("invoice_id"),
            values=c.source("invoice_id"),
            severity="warning",
        )
        self._client_required(c)
        self._unknown_clients(c)
        frame = c.frame[c.valid]
        self._add(schema.DUNNING_ACTIONS, frame, set(frame.columns), c)

    # --- rules -----------------------------------------------------------------------------
    def _link_invoices(self, c: Checked) -> pd.DataFrame:
        """Look up the invoices a payment or action names; its client comes from there if missing."""
        f = c.frame
        for col in ("invoice_id", "client_id"):
            if col not in f:
                f[col] = pd.Series(pd.NA, index=f.index, dtype="str")
        invoices = self._invoice_lookup(f["invoice_id"])
        f["client_id"] = f["client_id"].fillna(f["invoice_id"].map(invoices["client_id"]))
        return invoices

    @staticmethod
    def _unknown_invoice(c: Checked, invoices: pd.DataFrame) -> np.ndarray:
        ids = c.frame["invoice_id"]
        return as_mask(ids.notna() & ~ids.isin(invoices.index))

    @staticmethod
    def _client_required(c: Checked) -> None:
        empty = as_mask(c.frame["client_id"].isna()) & c.valid
        header = c.header("client_id") or c.header("invoice_id")
        c.issues.add("missing_value", empty, column=header, column_label="client_id")

    def _unknown_clients(self, c: Checked) -> None:
        """A client no file or stored row knows: a placeholder is created and the user warned once."""
        f = c.frame
        ids = f["client_id"]
        unknown = pd.Series(c.valid, index=f.index) & ids.notna() & ~ids.isin(self.client_ids)
        if not unknown.any():
            return
        first = unknown & ~ids.where(unknown).duplicated(keep="first")
        c.issues.add(
            "unknown_client",
            first,
            column=c.header("client_id"),
            values=c.source("client_id") if c.header("client_id") else ids,
            severity="warning",
        )
        new_ids = ids[unknown].drop_duplicates()
        names = None
        if "client_name" in f:
            names = f.loc[unknown, ["client_id", "client_name"]].dropna().drop_duplicates("client_id")
            names = names.set_index("client_id")["client_name"]
        placeholders = pd.DataFrame(
            {
                "client_id": new_ids.to_numpy(),
                "name": new_ids.map(names).to_numpy() if names is not None else None,
                "placeholder": True,
            }
        )
        self._add(schema.CLIENTS, placeholders, set(placeholders.columns), None)
        c.notes.append(("note_placeholders", {"file": c.file_name, "count": len(placeholders)}))

    def _due_dates(self, c: Checked) -> None:
        """A missing due date is the invoice date + the client's terms (DOMAIN.md §1), flagged assumed."""
        f = c.frame
        due = f["due_date"] if "due_date" in f else pd.Series(pd.NaT, index=f.index, dtype="datetime64[ns]")
        need = due.isna() & f["invoice_date"].notna()
        f["due_date_assumed"] = need.astype("boolean")
        f["due_date"] = due
        if not need.any():
            return
        terms = self.clients_frame().set_index("client_id")
        days = pd.to_numeric(f["client_id"].map(terms["payment_terms_days"]), errors="coerce")
        days = days.fillna(self.terms_days).astype("float64")
        eom = as_mask(f["client_id"].map(terms["terms_end_of_month"]).eq(True))
        assumed = f["invoice_date"] + pd.to_timedelta(days, unit="D")
        # End of month terms: add the days, then move to the month's end (L441-10 I computation).
        assumed = assumed.mask(pd.Series(eom, index=f.index), assumed + pd.offsets.MonthEnd(0))
        f["due_date"] = due.mask(need, assumed)
        c.notes.append(("note_due_assumed", {"file": c.file_name, "count": int(need.sum()), "days": self.terms_days}))

    def _paid_columns(self, c: Checked) -> None:
        f = c.frame
        sign = pd.Series(np.where(f["amount"] < 0, -1.0, 1.0), index=f.index)
        if "paid_amount" in f:
            over = f["paid_amount"] * sign > f["amount"].abs() + _MONEY_TOLERANCE
            c.issues.add(
                "payment_exceeds_invoice",
                over,
                column=c.header("paid_amount"),
                values=c.source("paid_amount"),
                invoice=f["invoice_id"],
                invoice_amount=f["amount"],
                paid=f["paid_amount"],
            )
        if "remaining_amount" in f and "amount" in c.match.mapping:
            left = f["remaining_amount"] * sign
            bad = (left < -_MONEY_TOLERANCE) | (left > f["amount"].abs() + _MONEY_TOLERANCE)
            c.issues.add(
                "remaining_out_of_range",
                bad,
                column=c.header("remaining_amount"),
                values=c.source("remaining_amount"),
                invoice_amount=f["amount"],
            )

    def _generated_payments(self, c: Checked, f: pd.DataFrame) -> None:
        """Settlement dates and remaining amounts become payments: the ledger only knows payments."""
        remaining = f.get("remaining_amount")
        if remaining is None and "paid_amount" in f and "settled_date" not in f:
            remaining = f["amount"] - f["paid_amount"].fillna(0.0)
        if remaining is not None:
            self._open_items(c, f, remaining)
        elif "settled_date" in f:
            self._settlements(c, f)

    def _open_items(self, c: Checked, f: pd.DataFrame, remaining: pd.Series) -> None:
        has = remaining.notna()
        if not has.any():
            return
        self.open_invoices.append(f.loc[has, "invoice_id"])
        dates = self._export_dates(c, f)
        if "settled_date" in f:
            dates = dates.mask(remaining.abs().le(_MONEY_TOLERANCE) & f["settled_date"].notna(), f["settled_date"])
        paid = (f["amount"] - remaining).round(2)
        rows = has & paid.abs().gt(_MONEY_TOLERANCE)
        self._generated(f[rows], "open:", dates[rows], paid[rows])
        c.notes.append(
            (
                "note_open_items",
                {"file": c.file_name, "count": int(has.sum()), "date": dates[has].max().date().isoformat()},
            )
        )

    def _export_dates(self, c: Checked, f: pd.DataFrame) -> pd.Series:
        """The open-items date: --as-of, else the export-date column, else a date in the file name."""
        if self.as_of is not None:
            return pd.Series(pd.Timestamp(self.as_of), index=f.index)
        column = f["export_date"] if "export_date" in f else pd.Series(pd.NaT, index=f.index, dtype="datetime64[ns]")
        named = date_in_name(c.file_name)
        fallback = pd.Timestamp(named) if named else column.max()
        if pd.isna(fallback):
            raise LedgerError("ingest.no_export_date", file=c.file_name)
        return column.fillna(fallback)

    def _settlements(self, c: Checked, f: pd.DataFrame) -> None:
        settled = f["settled_date"].notna()
        ids = f["invoice_id"]
        real = pd.Index(list(self.ledger.with_real_payments(ids[settled].unique()))).union(self.file_paid_invoices)
        rows = settled & ~ids.isin(real)
        amount = f["paid_amount"].fillna(f["amount"]) if "paid_amount" in f else f["amount"]
        self._generated(f[rows], "settle:", f.loc[rows, "settled_date"], amount[rows])
        if rows.any():
            c.notes.append(("note_settlements", {"file": c.file_name, "count": int(rows.sum())}))

    def _generated(self, f: pd.DataFrame, prefix: str, dates: pd.Series, amounts: pd.Series) -> None:
        if f.empty:
            return
        payments = pd.DataFrame(
            {
                "payment_id": prefix + f["invoice_id"],
                "client_id": f["client_id"],
                "invoice_id": f["invoice_id"],
                "payment_date": dates,
                "amount": amounts,
            }
        )
        self._add(schema.PAYMENTS, payments, set(payments.columns), None)

    def _over_payment(self, c: Checked, invoices: pd.DataFrame) -> None:
        """All payments of an invoice, stored and new, may not exceed it (half a cent of rounding)."""
        f = c.frame
        rows = pd.Series(c.valid, index=f.index) & f["invoice_id"].isin(invoices.index)
        if not rows.any():
            return
        ids = f["invoice_id"].where(rows)
        wanted = ids.dropna().unique()
        batch = pd.concat(
            [p[["payment_id", "invoice_id", "amount"]] for p in self.frames(schema.PAYMENTS)]
            or [pd.DataFrame(columns=["payment_id", "invoice_id", "amount"])],
            ignore_index=True,
        )
        opened = pd.concat(self.open_invoices) if self.open_invoices else pd.Series([], dtype="str")
        replaced = np.concatenate(
            [
                self.file_payment_ids.dropna().to_numpy(dtype=str),
                batch["payment_id"].dropna().to_numpy(dtype=str),
                ("open:" + opened).to_numpy(dtype=str),
            ]
        )
        earlier = batch[batch["invoice_id"].isin(wanted)]
        earlier = pd.to_numeric(earlier["amount"]).groupby(earlier["invoice_id"]).sum()
        base = self.ledger.paid(wanted, replaced).add(earlier, fill_value=0.0)
        total = f["amount"].where(rows, 0.0).groupby(ids).cumsum() + ids.map(base).fillna(0.0)
        owed = ids.map(invoices["amount"]).astype("float64")
        sign = np.where(owed < 0, -1.0, 1.0)
        over = rows & (total * sign > owed.abs() + _MONEY_TOLERANCE)
        c.issues.add(
            "payment_exceeds_invoice",
            over,
            column=c.header("amount"),
            values=c.source("amount"),
            invoice=f["invoice_id"],
            invoice_amount=owed,
            paid=total,
        )
