"""Views of the per-client position by subject (DOMAIN.md §4): late-payer segments, breakdowns by a
client dimension, dispute reasons and doubtful-debt provisions.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from riskcore import config
from riskcore.errors import EncoursError
from riskcore.receivables.filters import NO_FILTERS, Filters
from riskcore.receivables.position import bucket_edges, bucket_names, client_table, position, segment_names, weighted
from riskcore.storage import store
from riskcore.storage.store import Cursor

BREAKDOWN_DIMENSIONS = ("sector", "sales_rep", "region", "group_id", "segment", "dunning_status")
DOUBTFUL_STATUSES = ("litigation", "collective_procedure")


def late_payer_segments(con: Cursor, as_of: dt.date, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Clients per amount-weighted days late over the behaviour window (kpi.late_segment_edges).

    Every segment is listed; clients with nothing settled in the window and cash-takings
    accounts (non_credit) are left out.
    """
    edges = list(config.get().kpi.late_segment_edges)
    names = segment_names(edges)
    table = client_table(position(con, as_of, filters))
    rated = table[~table["non_credit"] & table["days_late_12m"].notna()]
    segment = pd.cut(rated["days_late_12m"], bins=[-np.inf, *edges, np.inf], labels=names, right=True)
    grouped = (
        rated.assign(segment=segment.astype(str))
        .groupby("segment")
        .agg(
            clients=("client_id", "count"),
            balance=("balance", "sum"),
            overdue=("overdue", "sum"),
            revenue_12m=("revenue_12m", "sum"),
        )
    )
    frame = grouped.reindex(names).fillna(0).rename_axis("segment").reset_index()
    frame["clients"] = frame["clients"].astype(int)
    return frame.round({"balance": 2, "overdue": 2, "revenue_12m": 2})


def _dunning_status(pos: pd.DataFrame) -> pd.Series:
    """not_overdue, no_action (overdue, not dunned in its current cycle by D) or level_<n>.

    <n> is the highest level reached in the current cycle (client_position.sql `dunning_level`), not
    that of the last action: a reminder recorded after a formal notice leaves the client at the notice.
    """
    level = pos["dunning_level"]
    status = np.where(
        pos["overdue"] <= 0,
        "not_overdue",
        np.where(level.isna(), "no_action", "level_" + level.fillna(0).astype(int).astype(str)),
    )
    return pd.Series(status, index=pos.index)


def breakdown(con: Cursor, as_of: dt.date, dimension: str, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Outstanding, overdue and days late per value of a client dimension (or dunning status)."""
    if dimension not in BREAKDOWN_DIMENSIONS:
        raise EncoursError(
            "kpi.bad_choice", name="dimension", value=dimension, expected=", ".join(BREAKDOWN_DIMENSIONS)
        )
    pos = position(con, as_of, filters)
    pos = pos.assign(dunning_status=_dunning_status(pos))
    if dimension == "dunning_status":  # a credit balance (unapplied credit notes) is nothing overdue, not -x
        pos = pos.assign(overdue=pos["overdue"].clip(lower=0))
    grouped = (
        pos.groupby(dimension, dropna=False, sort=False)
        .agg(
            clients=("client_id", "count"),
            balance=("balance", "sum"),
            overdue=("overdue", "sum"),
            settled_amount=("settled_amount", "sum"),
            settled_days_late=("settled_days_late", "sum"),
        )
        .reset_index()
        .rename(columns={dimension: "value"})
    )
    grouped["overdue_rate"] = weighted(grouped["overdue"], grouped["balance"])
    grouped["days_late_12m"] = weighted(grouped["settled_days_late"], grouped["settled_amount"])
    grouped["value"] = grouped["value"].astype(object).where(grouped["value"].notna(), None)
    frame = grouped.sort_values(["balance", "clients"], ascending=False)
    frame = frame[["value", "clients", "balance", "overdue", "overdue_rate", "days_late_12m"]]
    return frame.round({"balance": 2, "overdue": 2}).reset_index(drop=True)


def dispute_reasons(con: Cursor, as_of: dt.date, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Open disputed invoices at `as_of` per reason (None when no reason was given): count and amount."""
    names = bucket_names(bucket_edges())
    return store.query(con, "disputes", as_of=as_of, edges=bucket_edges(), names=names, **filters.params())


def doubtful_provisions(con: Cursor, as_of: dt.date, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Doubtful clients (flagged, in litigation or collective procedure) and a provision on the HT balance (PCG 416)."""
    rules = config.get().legal
    pos = position(con, as_of, filters)
    doubtful = pos[pos["doubtful"] | pos["status"].isin(DOUBTFUL_STATUSES)]
    balance_ht = (doubtful["balance"] / (1 + rules.vat_rate)).round(2)
    return pd.DataFrame(
        {
            "client_id": doubtful["client_id"],
            "name": doubtful["name"],
            "status": doubtful["status"],
            "balance_ttc": doubtful["balance"].round(2),
            "balance_ht": balance_ht,
            "provision": (balance_ht.clip(lower=0) * rules.provision_rate_doubtful).round(2),
        }
    ).reset_index(drop=True)
