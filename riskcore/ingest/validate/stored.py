"""Read-only look-ups into the workspace for the batch checks, through the named queries of ingest/sql."""

from __future__ import annotations

import numpy as np
import pandas as pd

from riskcore.storage import schema, store


def _ids(values: np.ndarray) -> pd.DataFrame:
    """A one-column frame `id` of strings, registered for a query to join on."""
    return pd.DataFrame({"id": pd.Series(values, dtype="str")})


class Ledger:
    """Read-only look-ups into the workspace; empty when the demo is about to be replaced."""

    def __init__(self, cur: store.Cursor | None) -> None:
        self._cur = cur

    def _query(self, name: str, **frames: pd.DataFrame) -> pd.DataFrame | None:
        if self._cur is None:
            return None
        with store.registered(self._cur, **frames):
            return store.query(self._cur, name)

    def clients(self) -> pd.DataFrame:
        """Every stored client (no row when the demo is about to be replaced)."""
        found = self._query("ingest_stored_clients")
        return found if found is not None else pd.DataFrame(columns=schema.CLIENTS.column_names)

    def invoices(self, ids: np.ndarray) -> pd.DataFrame:
        """invoice_id, client_id, amount of the stored invoices among `ids`."""
        found = self._query("ingest_stored_invoices", _ingest_ids=_ids(ids))
        return found if found is not None else pd.DataFrame(columns=["invoice_id", "client_id", "amount"])

    def paid(self, ids: np.ndarray, replaced: np.ndarray) -> pd.Series:
        """Stored payments per invoice among `ids`, leaving out the payment ids this batch replaces."""
        found = self._query("ingest_stored_paid", _ingest_ids=_ids(ids), _ingest_replaced=_ids(replaced))
        if found is None or found.empty:
            return pd.Series(dtype="float64")
        return found.set_index("invoice_id")["paid"]

    def with_real_payments(self, ids: np.ndarray) -> set[str]:
        """Invoices among `ids` that have payments other than ones an import generated."""
        found = self._query("ingest_real_payments", _ingest_ids=_ids(ids))
        return set() if found is None else set(found["invoice_id"])
