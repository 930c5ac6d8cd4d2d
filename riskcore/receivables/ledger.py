"""Plain reads of the ledger tables the app shows as they are: filter choices, the client list,
a client's record, dunning actions and disputes, the import history and table counts.

No figure is computed here (those are riskcore.receivables.kpi's); each read is a named
query riskcore/receivables/sql/ledger_<name>.sql run through riskcore.storage.store.
"""

from __future__ import annotations

import pandas as pd

from riskcore.receivables.filters import DIMENSIONS, Filters
from riskcore.storage import store
from riskcore.storage.store import Cursor

LEDGER_TABLES = ("clients", "invoices", "payments", "dunning_actions")  # the columns of ledger_counts.sql


def filter_options(con: Cursor) -> dict[str, tuple[str, ...]]:
    """The values each sidebar filter offers, from the clients table, sorted.

    Returns every dimension of riskcore.receivables.filters.DIMENSIONS, empty when no client has a value.
    """
    out: dict[str, list[str]] = {d: [] for d in DIMENSIONS}
    for dim, value in store.rows(con, "ledger_filter_options"):
        out[dim].append(str(value))
    return {d: tuple(v) for d, v in out.items()}


def people(con: Cursor) -> dict[str, tuple[str, ...]]:
    """The sales reps and the collectors the clients table names, sorted: {"sales_rep": (...), "collector": (...)}."""
    out: dict[str, list[str]] = {"sales_rep": [], "collector": []}
    for role, name in store.rows(con, "ledger_people"):
        out[role].append(str(name))
    return {role: tuple(names) for role, names in out.items()}


def client_choices(con: Cursor) -> pd.DataFrame:
    """Every client's id and name, for the client file's picker."""
    return store.query(con, "ledger_client_choices")


def client_ids(con: Cursor, filters: Filters) -> list[str]:
    """The ids of the clients `filters` keep."""
    return [r[0] for r in store.rows(con, "ledger_client_ids", **filters.params())]


def import_history(con: Cursor) -> pd.DataFrame:
    """The imported files, newest first."""
    return store.query(con, "ledger_import_history")


def ledger_counts(con: Cursor) -> dict[str, int]:
    """How many rows each ledger table holds."""
    counts = store.rows(con, "ledger_counts")[0]
    return dict(zip(LEDGER_TABLES, (int(n) for n in counts), strict=True))


def client_profile(con: Cursor, client_id: str) -> dict:
    """The client's row of the clients table (identity, terms, limits, status), empty when unknown."""
    frame = store.query(con, "ledger_client_profile", client_id=client_id)
    return {} if frame.empty else frame.iloc[0].to_dict()


def dunning_history(con: Cursor, client_id: str) -> pd.DataFrame:
    """The client's dunning actions, newest first."""
    return store.query(con, "ledger_dunning_history", client_id=client_id)


def disputes(con: Cursor, client_id: str) -> pd.DataFrame:
    """The client's disputed invoices, open or settled, newest first."""
    return store.query(con, "ledger_disputes", client_id=client_id)
