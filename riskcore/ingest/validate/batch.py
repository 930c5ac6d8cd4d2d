"""The checks that need the other files of the batch or the database, in the order the batch is written.

Unknown invoices and clients (a placeholder client is created), payments above their invoice
(the excess kept as unapplied cash), assumed due dates and the payments an invoices file implies;
the FEC is read here, once the batch's clients are known.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from riskcore import config
from riskcore.ingest.fec import read_fec
from riskcore.ingest.report import Amount
from riskcore.ingest.validate.files import EVENTS, Checked
from riskcore.ingest.validate.invoice_rules import (
    MONEY_TOLERANCE,
    assume_due_dates,
    check_paid_columns,
    implied_payments,
)
from riskcore.ingest.validate.issues import as_mask
from riskcore.ingest.validate.stored import Ledger
from riskcore.storage import schema


@dataclass
class Written:
    """A frame to write and the canonical columns it provides (others keep stored values)."""

    table: schema.Table
    frame: pd.DataFrame
    provided: set[str]
    checked: Checked | None = None  # the file the rows come from; None for rows the import makes up


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
        """The frames of the batch to be written into `table`, in the order they were checked."""
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
        """Check one file against the files before it and the workspace; its rows join `out`."""
        if checked.kind == "fec":
            self._fec(checked, collective_as_client)
        else:
            {
                "clients": self._clients,
                "invoices": self._invoices,
                "payments": self._events,
                "dunning": self._events,
            }[checked.kind](checked)

    def _clients(self, c: Checked) -> None:
        frame = c.frame[c.valid].assign(placeholder=False)
        self._add(schema.CLIENTS, frame, set(frame.columns), c)

    def _fec(self, c: Checked, collective_as_client: bool) -> None:
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
                self._add(schema.BY_NAME[name], frame, set(frame.columns), c)
        payments = result.frames.get("payments")
        if payments is not None and not payments.empty:
            # A FEC is the book of record for its period: a later export of the same period
            # re-letters payments (new ids), so its payments replace the period's stored ones.
            first = pd.to_datetime(payments["payment_date"]).min().date()
            last = result.last_entry_date or pd.to_datetime(payments["payment_date"]).max().date()
            self.restated.append((result.frames["clients"]["client_id"].astype("str"), first, last))

    def _invoices(self, c: Checked) -> None:
        assume_due_dates(c, self.clients_frame, self.terms_days)
        check_paid_columns(c)
        self._unknown_clients(c)
        frame = c.frame[c.valid]
        self._add(schema.INVOICES, frame, set(frame.columns), c)
        opened, payments = implied_payments(
            c, frame, as_of=self.as_of, ledger=self.ledger, file_paid_invoices=self.file_paid_invoices
        )
        if opened is not None:
            self.open_invoices.append(opened)
        if payments is not None:
            self._add(schema.PAYMENTS, payments, set(payments.columns), None)

    def _events(self, c: Checked) -> None:
        """A payments or dunning file: its invoices and clients looked up, then its rows written."""
        event = EVENTS[c.kind]
        invoices = self._link_invoices(c)
        c.issues.add(
            event.unknown_invoice,
            self._unknown_invoice(c, invoices),
            column=c.header("invoice_id"),
            values=c.source("invoice_id"),
            severity=event.unknown_invoice_severity,
        )
        self._client_required(c)
        excess = self._over_payment(c, invoices) if event.capped_by_invoice else None
        self._unknown_clients(c)
        frame = c.frame[c.valid]
        if excess is not None and not excess.empty:
            frame = pd.concat([frame, excess], ignore_index=True)
        self._add(event.table, frame, set(frame.columns), c)

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

    def _over_payment(self, c: Checked, invoices: pd.DataFrame) -> pd.DataFrame | None:
        """A payment above what is left of its invoice settles it and keeps the excess as unapplied cash.

        DOMAIN.md §2: the payments of an invoice are applied after the stored ones and those of the
        batch's earlier files, in date then file order; the part beyond the invoice's amount (half a
        cent of rounding) leaves the row as a payment `excess:<id>` of the client with no invoice, dated
        like it; a payment wholly beyond it loses its invoice. Returns the excess rows, or None.
        """
        f = c.frame
        rows = pd.Series(c.valid, index=f.index) & f["invoice_id"].isin(invoices.index)
        if not rows.any():
            return None
        ids = f["invoice_id"].where(rows)
        owed = ids.map(invoices["amount"]).astype("float64")
        sign = pd.Series(np.where(owed < 0, -1.0, 1.0), index=f.index)
        # what is left of each invoice before this file, counted in the invoice's direction
        left = owed.abs() - ids.map(self._paid_before(c, ids)).fillna(0.0) * sign
        excess = applied_excess(ids[rows], f.loc[rows, "payment_date"], f.loc[rows, "amount"] * sign[rows], left[rows])
        excess = excess[excess.abs() > MONEY_TOLERANCE]
        if excess.empty:
            return None
        at = excess.index
        whole = (f.loc[at, "amount"] * sign[at] - excess).abs() <= MONEY_TOLERANCE
        f.loc[at[whole], "invoice_id"] = pd.NA  # nothing of it goes to the invoice: all of it is unapplied
        split = at[~whole]
        f.loc[split, "amount"] = (f.loc[split, "amount"] - excess[split] * sign[split]).round(2)
        extra = pd.DataFrame(
            {
                "payment_id": "excess:" + f.loc[split, "payment_id"],
                "client_id": f.loc[split, "client_id"],
                "invoice_id": pd.Series(pd.NA, index=split, dtype="str"),
                "payment_date": f.loc[split, "payment_date"],
                "amount": (excess[split] * sign[split]).round(2),
            }
        )
        self._overpayment_notes(c, f.loc[at, "payment_id"], ids[at], excess.abs())
        return extra

    def _paid_before(self, c: Checked, ids: pd.Series) -> pd.Series:
        """Per invoice among `ids`: the stored payments this batch keeps, plus those of its earlier files."""
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
        return self.ledger.paid(wanted, replaced).add(earlier, fill_value=0.0)

    @staticmethod
    def _overpayment_notes(c: Checked, payments: pd.Series, invoices: pd.Series, excess: pd.Series) -> None:
        """The count and total of the payments kept in part as unapplied cash, then the first of them."""
        shown = config.get().import_.max_problems_reported
        c.notes.append(
            ("note_overpayments", {"file": c.file_name, "count": len(excess), "amount": Amount(float(excess.sum()))})
        )
        first = zip(payments.iloc[:shown], invoices.iloc[:shown], excess.iloc[:shown], strict=True)
        for payment, invoice, amount in first:
            c.notes.append(
                ("note_overpayment", {"payment": payment, "invoice": invoice, "excess": Amount(float(amount))})
            )


def applied_excess(invoice: pd.Series, day: pd.Series, amount: pd.Series, left: pd.Series) -> pd.Series:
    """The part of each payment beyond what is left of its invoice, in the invoice's direction.

    Payments of an invoice are applied in date order, rows of the same day in their order; `amount`
    and `left` (what is left of the invoice before them) are signed as the invoice, so a credit note's
    refunds count like an invoice's payments. A negative payment (a reversal) takes back the excess
    first. Rounded to cents; indexed as the rows.
    """
    frame = pd.DataFrame(
        {"invoice": invoice, "day": day, "amount": amount, "left": left, "row": np.arange(len(amount))}
    )
    frame = frame.sort_values(["invoice", "day", "row"])
    after = frame.groupby("invoice", sort=False)["amount"].cumsum()
    beyond = (after - frame["left"]).clip(lower=0.0) - (after - frame["amount"] - frame["left"]).clip(lower=0.0)
    return beyond.round(2).reindex(invoice.index)
