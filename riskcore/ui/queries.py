"""Tiny reads the frame needs and no core module provides (filter choices, client list, imports).

Kept here, next to their only caller, so that pages hold no SQL; anything a KPI or a
decision depends on belongs in riskcore.receivables.kpi and riskcore/sql instead.
"""

from __future__ import annotations

import pandas as pd

from riskcore.receivables.filters import DIMENSIONS
from riskcore.storage.store import Cursor

_FILTER_OPTIONS = """
SELECT '{dim}' AS dimension, {dim} AS value FROM clients WHERE {dim} IS NOT NULL AND {dim} <> '' GROUP BY {dim}
"""


def filter_options(con: Cursor) -> dict[str, tuple[str, ...]]:
    """The values each sidebar filter offers, from the clients table, sorted."""
    # Column names come from the fixed DIMENSIONS tuple, never from input.
    sql = " UNION ALL ".join(_FILTER_OPTIONS.format(dim=d) for d in DIMENSIONS) + " ORDER BY dimension, value"
    rows = con.execute(sql).fetchall()
    out: dict[str, list[str]] = {d: [] for d in DIMENSIONS}
    for dim, value in rows:
        out[dim].append(str(value))
    return {d: tuple(v) for d, v in out.items()}


def client_choices(con: Cursor) -> pd.DataFrame:
    """Every client's id and name, for the client file's picker."""
    return con.execute("SELECT client_id, coalesce(name, client_id) AS name FROM clients ORDER BY name, client_id").df()


def import_history(con: Cursor) -> pd.DataFrame:
    """The imported files, newest first."""
    return con.execute(
        """SELECT imported_at, file_name, kind, rows, rejected, imported_by
           FROM imports ORDER BY imported_at DESC, import_id DESC"""
    ).df()


def ledger_counts(con: Cursor) -> dict[str, int]:
    """How many rows each ledger table holds."""
    rows = con.execute(
        """SELECT (SELECT count(*) FROM clients), (SELECT count(*) FROM invoices),
                  (SELECT count(*) FROM payments), (SELECT count(*) FROM dunning_actions)"""
    ).fetchall()[0]
    return dict(zip(("clients", "invoices", "payments", "dunning_actions"), (int(n) for n in rows), strict=True))


def client_profile(con: Cursor, client_id: str) -> dict:
    """The client's row of the clients table (identity, terms, limits, status), empty when unknown."""
    frame = con.execute("SELECT * FROM clients WHERE client_id = $c", {"c": client_id}).df()
    return {} if frame.empty else frame.iloc[0].to_dict()


def dunning_history(con: Cursor, client_id: str) -> pd.DataFrame:
    """The client's dunning actions, newest first."""
    return con.execute(
        """SELECT action_date, level, channel, invoice_id, outcome, promise_date, recorded_by
           FROM dunning_actions WHERE client_id = $c ORDER BY action_date DESC, action_id DESC""",
        {"c": client_id},
    ).df()


def disputes(con: Cursor, client_id: str) -> pd.DataFrame:
    """The client's disputed invoices, open or settled, newest first."""
    return con.execute(
        """SELECT invoice_id, invoice_date, due_date, amount, dispute_reason
           FROM invoices WHERE client_id = $c AND disputed ORDER BY invoice_date DESC, invoice_id""",
        {"c": client_id},
    ).df()
