"""A FEC read into canonical frames: source lines -> client lines -> documents and lettering -> frames."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from riskcore.errors import LedgerError
from riskcore.i18n import t
from riskcore.ingest.fec.frames import canonical, client_rows, invoice_rows
from riskcore.ingest.fec.lettering import allocate, allocation_parts, documents, payment_rows
from riskcore.ingest.fec.lines import classify, client_lines, parse_dates
from riskcore.ingest.fec.reconciliation import import_notes, reconcile
from riskcore.ingest.fec.source import read_source
from riskcore.ingest.problems import Problem
from riskcore.storage import schema


@dataclass(frozen=True)
class FecResult:
    """What a FEC holds about receivables, with the import's own reconciliation."""

    frames: dict[str, pd.DataFrame]  # canonical "clients", "invoices", "payments"
    problems: list[Problem]
    notes: list[tuple[str, dict]]  # message key + params, shown in the import summary
    rows_read: int
    reconciliation: pd.DataFrame  # client_id, ledger_balance, open_items_balance, difference
    last_entry_date: dt.date | None


def read_fec(
    path: Path,
    *,
    clients: pd.DataFrame | None = None,
    default_terms_days: int = 30,
    collective_as_client: bool = False,
    file_name: str | None = None,
) -> FecResult:
    """The client sub-ledger of a FEC as canonical frames, reconciled to the client accounts.

    Parameters: `clients` gives per-client terms (payment_terms_days, terms_end_of_month) and
    the columns kept for known clients; `collective_as_client` takes each collective client
    account as one client when the file has no sub-ledger.
    """
    path = Path(path)
    file = file_name or path.name
    source = read_source(path, file)
    lines, problems = source.lines, list(source.problems)
    dates = parse_dates(lines["ecrituredate"])
    if dates.isna().all():
        raise LedgerError("fec.no_dates", file=file)
    first, last = dates.min(), dates.max()
    notes: list[tuple[str, dict]] = [
        ("fec.read", {"file": file, "rows": source.rows_read, "encoding": source.encoding,
                      "separator": t("fec.separator_tab") if source.separator == "\t" else source.separator}),
    ]  # fmt: skip
    ledger = client_lines(lines, dates, file, collective_as_client, problems, notes)
    ledger = classify(ledger, lines, first)
    valid = ledger[ledger["valid"]].astype({"cents": "int64"})
    items, valid = documents(valid)
    alloc = allocate(*allocation_parts(valid, items))
    payments, write_offs = payment_rows(valid, items, alloc)
    invoices = invoice_rows(items, write_offs, clients, default_terms_days)
    client_frame = client_rows(valid, clients)
    reconciliation = reconcile(ledger, invoices, payments, last)
    notes += import_notes(
        valid, items, alloc, invoices, client_frame, reconciliation, clients, default_terms_days, last
    )
    frames = {
        "clients": canonical(client_frame, schema.CLIENTS),
        "invoices": canonical(invoices, schema.INVOICES),
        "payments": canonical(payments, schema.PAYMENTS),
    }
    return FecResult(frames, problems, notes, source.rows_read, reconciliation, last.date())
