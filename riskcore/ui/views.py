"""What several pages show, assembled from core results (never recomputed): client tables with
their grade, the overview's cards and alerts, the chase-first list.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import pandas as pd

from riskcore import i18n
from riskcore.credit import limits
from riskcore.credit.scores import rankable
from riskcore.receivables.breakdowns import DOUBTFUL_STATUSES  # litigation, collective procedure
from riskcore.receivables.filters import NO_FILTERS, visible_to
from riskcore.receivables.kpi import months_before
from riskcore.reporting import charts
from riskcore.ui import cached
from riskcore.ui.widgets import Card

if TYPE_CHECKING:
    from riskcore.ui.context import Context


def clients(ctx: Context) -> pd.DataFrame:
    """kpi.by_client with each client's score, grade, probability of late payment and suggested limit."""
    return cached.clients(ctx)


# --- overview --------------------------------------------------------------------------------

# KPI card -> (key of kpi.snapshot, kind, lower is better, column of kpi.monthly_series for the sparkline)
OVERVIEW_CARDS = (
    ("total_outstanding", "amount", True, "total_outstanding"),
    ("overdue_amount", "amount", True, "overdue_amount"),
    ("overdue_rate", "pct", True, "overdue_rate"),
    ("dso_countback", "days", True, "dso_countback"),
    ("add_90", "days", True, None),
    ("weighted_days_to_pay_365", "days", True, "weighted_days_to_pay"),
    ("dunning_coverage_30", "pct", False, None),
    ("disputed_amount", "amount", True, None),
)


LATE_CARDS = (
    ("avg_days_late_365", "days", True, "avg_days_late"),
    ("weighted_days_to_pay_365", "days", True, "weighted_days_to_pay"),
    ("dunning_coverage_30", "pct", False, None),
    ("invoices_paid_over_60_days_365", "count", True, None),
    ("overdue_amount", "amount", True, "overdue_amount"),
    ("disputed_amount", "amount", True, None),
    ("late_penalties_due", "amount", True, None),
    ("recovery_indemnities_due", "amount", True, None),
)


def cards(ctx: Context, spec: tuple, series: pd.DataFrame) -> list[Card]:
    """KPI cards of `spec` (OVERVIEW_CARDS, LATE_CARDS): now, a month and a year before, and the monthly line."""
    assert ctx.as_of is not None
    now = cached.snapshot(ctx)
    month = cached.snapshot(ctx, months_before(ctx.as_of, 1))
    year = cached.snapshot(ctx, months_before(ctx.as_of, 12))
    out = []
    for key, kind, lower, column in spec:
        trend = tuple(float(v) for v in series[column].dropna()) if column and column in series else ()
        out.append(
            Card(key, _number(now.get(key)), kind, _number(month.get(key)), _number(year.get(key)), lower, trend=trend)
        )
    return out


def _number(value: object) -> float | None:
    return None if value is None else float(value)  # Decimal amounts from the core


@dataclass(frozen=True)
class Alert:
    """One overview alert: its message key and values, and the clients or invoices concerned."""

    key: str
    rows: pd.DataFrame
    columns: tuple[str, ...]
    params: dict = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.rows)


EARLY_WARNING_COLUMNS = ("client_id", "name", "score", "grade", "days_late_12m", "days_late_trend", "overdue")
WORSENING_COLUMNS = ("client_id", "name", "days_late_12m", "days_late_trend", "overdue", "grade")


def _flagged(table: pd.DataFrame, column: str) -> pd.DataFrame:
    """The rows whose boolean `column` is true (missing counts as false: an unscored client)."""
    return table[table[column].fillna(False).astype(bool)]


def worsening(table: pd.DataFrame) -> pd.DataFrame:
    """Clients paying later than before (kpi.by_client `worsening`), the steepest rise first."""
    return _flagged(table, "worsening").sort_values(
        ["days_late_trend", "client_id"], ascending=[False, True], kind="stable"
    )


def early_warnings(table: pd.DataFrame) -> pd.DataFrame:
    """Clients whose score the early warning lowered (riskcore.credit.rules), lowest score first; inactive
    clients (riskcore.credit.scores.rankable) are left out of the ranking."""
    flagged = _flagged(table, "early_warning")
    flagged = rankable(flagged.assign(inactive=flagged["inactive"].fillna(False)))
    return flagged.sort_values("score", kind="stable")


def over_limit(table: pd.DataFrame) -> pd.Series:
    """Per client of `table` (views.clients), whether its balance is over its credit limit.

    The rule is the core's: riskcore.credit.limits.alert says "over". So a limit of 0 (a blocked
    account) is exceeded by any positive balance, and a client without a limit never is.
    """
    over = [
        limits.alert(float(balance), None if pd.isna(limit) else float(limit))[1] == "over"
        for balance, limit in zip(table["balance"], table["credit_limit"], strict=True)
    ]
    return pd.Series(over, index=table.index, dtype=bool)


def limits_exceeded(table: pd.DataFrame) -> pd.DataFrame:
    """The clients of `table` over their credit limit (`over_limit`), largest balance first."""
    return table[over_limit(table)].sort_values("balance", ascending=False)


def alerts(ctx: Context, table: pd.DataFrame) -> list[Alert]:
    """The overview's alerts that hold at least one client or invoice (`table` = views.clients)."""
    snap = cached.snapshot(ctx)
    out = []
    if snap.get("top3_warning"):
        top3 = table.sort_values("balance", ascending=False).head(3)
        out.append(Alert("top3", top3, ("client_id", "name", "balance"), {"share": snap.get("top3_share")}))
    exceeded = limits_exceeded(table)
    out.append(Alert("limits_exceeded", exceeded, ("client_id", "name", "balance", "credit_limit", "utilisation")))
    out.append(Alert("worsening", worsening(table), WORSENING_COLUMNS))
    out.append(Alert("early_warning", early_warnings(table), EARLY_WARNING_COLUMNS))
    flags = cached.invoice_flags(ctx)
    out.append(Alert("over_60_days", flags, tuple(flags.columns)))
    legal = table[table["status"].isin(DOUBTFUL_STATUSES)]
    out.append(Alert("proceedings", legal, ("client_id", "name", "status", "balance", "overdue")))
    return [a for a in out if a.count > 0]


# --- late payers -----------------------------------------------------------------------------


def segment_chart(ctx: Context, segments: pd.DataFrame) -> object:
    """Balance per late-payer segment (kpi.late_payer_segments), segments named in the reader's language."""
    return charts.segment_bars(segments, ctx.lang)


def breakdown_chart(ctx: Context, dimension: str, top: int = 20) -> object:
    """Overdue amount per sales rep or sector (kpi.breakdown), the `top` largest."""
    rows = cached.breakdown(ctx, dimension).nlargest(top, "overdue")
    if dimension == "sector":  # NAF codes read as activity names
        rows = rows.assign(value=[charts.sector_label(v, ctx.lang) for v in rows["value"]])
    return charts.bars(rows, "value", "overdue", ctx.lang, charts.breakdown_title(dimension, ctx.lang))


def dunning_status(ctx: Context) -> pd.DataFrame:
    """kpi.breakdown by dunning status in the order of the process: not overdue, no action, level 1 ... 5."""
    rows = cached.breakdown(ctx, "dunning_status").rename(columns={"value": "dunning_status"})
    return rows.iloc[sorted(range(len(rows)), key=lambda i: dunning_order(rows["dunning_status"].iloc[i]))]


def dunning_order(status: object) -> tuple[int, int]:
    """Sort key of a kpi dunning status: `not_overdue`, `no_action`, then `level_<n>` by n (not as text)."""
    text = str(status)
    if text.startswith("level_") and text[6:].isdigit():
        return (2, int(text[6:]))
    return ({"not_overdue": 0, "no_action": 1}.get(text, 3), 0)


# Columns of an open-invoice table (kpi.open_items); a client's own file leaves out the client column.
OPEN_ITEM_COLUMNS = [
    "invoice_id",
    "client_id",
    "invoice_date",
    "due_date",
    "amount",
    "open_amount",
    "days_past_due",
    "bucket",
    "disputed",
]
CLIENT_OPEN_ITEM_COLUMNS = [c for c in OPEN_ITEM_COLUMNS if c != "client_id"]


# --- credit limits ---------------------------------------------------------------------------

LIMIT_VIEWS = ("all", "alerts", "differs", "no_limit")


def limit_rows(table: pd.DataFrame, view: str) -> pd.DataFrame:
    """The clients of one view of the limits page, largest balance first.

    alerts: utilisation at or above the first alert (limits.alert says which); differs: the
    suggested limit is not the current one; no_limit: no limit set.
    """
    if view == "alerts":
        table = table[table["alert"].fillna("none") != "none"]
    elif view == "differs":
        table = table[table["suggested_limit"].notna() & (table["suggested_limit"] != table["credit_limit"])]
    elif view == "no_limit":
        table = table[table["credit_limit"].isna()]
    return table.sort_values("balance", ascending=False)


# --- one client ------------------------------------------------------------------------------


def unfiltered(ctx: Context) -> Context:
    """The context without sidebar filters (a client file shows its client whatever they are).

    The reader's own scope stays: a sales rep still reads their own clients only.
    """
    return replace(ctx, filters=visible_to(ctx.user, NO_FILTERS))


def client_row(ctx: Context, client_id: str) -> pd.Series:
    """The client's line of views.clients (an empty line when the core has none for it)."""
    table = clients(ctx)
    rows = table[table["client_id"] == client_id]
    return rows.iloc[0] if len(rows) else pd.Series({"client_id": client_id}, dtype=object)


# Client file card -> (column of views.clients, kind, lower is better)
CLIENT_CARDS = (
    ("balance", "amount", True),
    ("overdue", "amount", True),
    ("credit_limit", "amount", False),
    ("utilisation", "pct", True),
    ("headroom", "amount", False),
    ("suggested_limit", "amount", False),
    ("score", "count", False),
    ("p_late", "pct", True),
)


def client_cards(ctx: Context, row: pd.Series) -> list[Card]:
    """The client file's cards from its views.clients line.

    Under an early warning the score rests on the recent view: the probability card shows the one
    the score rests on (scoring's p_score), named as such, and its help gives the whole-history one.
    """
    cards = [
        Card(f"client_{col}", _number(_present(row.get(col))), kind, lower_is_better=lower)
        for col, kind, lower in CLIENT_CARDS
    ]
    warned = _present(row.get("early_warning"))
    if warned is not None and bool(warned):
        whole = i18n.fmt_pct(float(row["p_late"]), ctx.lang, decimals=1)
        help_text = ctx.t("kpi_help.client_p_recent", whole=whole)
        cards[-1] = Card("client_p_recent", float(row["p_score"]), "pct", lower_is_better=True, help=help_text)
    return cards


def _present(value: object) -> object:
    return None if value is None or (not isinstance(value, (tuple, list)) and pd.isna(value)) else value
