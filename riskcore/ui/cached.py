"""Every read the pages make, cached on (database file, data version, arguments).

The data version is bumped by each write (riskcore.storage.store), so a cached figure is never
stale and never comes from another workspace. Results are language-free: pages translate
on display, so switching language costs no recomputation.

Per-client tables (scores with their reasons, suggested limits, the merged client table)
are kept with st.cache_resource: st.cache_data would unpickle tens of thousands of reason
objects on every run (~1 s on a 20 000-client ledger). Callers treat them as read-only;
pandas' copy-on-write keeps derived frames from writing back into them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pandas as pd
import streamlit as st

from riskcore.credit import limits
from riskcore.credit import scores as credit_scores
from riskcore.dunning import portfolio
from riskcore.receivables import kpi, ledger, legal
from riskcore.receivables.filters import Filters, keep_visible, require_client
from riskcore.storage.store import last_date as _last_date
from riskcore.storage.store import open_store

if TYPE_CHECKING:
    from riskcore.ui.context import Context

_MAX = 128


def _name(func: Callable) -> str:
    """The key a core function is cached under: its module and qualified name."""
    return f"{func.__module__}.{func.__qualname__}"


# `name` keys the cache; `_func` (not hashed: a leading underscore) is the function it names.
@st.cache_data(show_spinner=False, max_entries=_MAX)
def _with_cursor(db: str, version: int, name: str, _func: Callable, args: tuple, kwargs: tuple) -> Any:
    return _func(open_store(db).cursor(), *args, **dict(kwargs))


@st.cache_resource(show_spinner=False, max_entries=_MAX)
def _with_store(db: str, version: int, name: str, _func: Callable, args: tuple, kwargs: tuple) -> Any:
    return _func(open_store(db), *args, **dict(kwargs))


def read(ctx: Context, func: Callable, *args: object, **kwargs: object) -> Any:
    """`func(cursor, *args, **kwargs)` (a core function), cached on the data version."""
    return _with_cursor(ctx.db, ctx.version, _name(func), func, args, tuple(sorted(kwargs.items())))


def read_store(ctx: Context, func: Callable, *args: object, **kwargs: object) -> Any:
    """`func(store, *args, **kwargs)` for core functions that take the Store, cached alike."""
    return _with_store(ctx.db, ctx.version, _name(func), func, args, tuple(sorted(kwargs.items())))


def _scores(db: str, version: int, as_of: dt.date) -> pd.DataFrame:
    """credit_scores.client_scores at `as_of`, in the cache entry `client_scores(ctx)` reads."""
    return _with_store(db, version, _name(credit_scores.client_scores), credit_scores.client_scores, (as_of,), ())


def clear() -> None:
    """Drop every cached read (tests call it between workspaces)."""
    for fn in (
        _with_cursor,
        _with_store,
        _suggested,
        _clients,
        _client_names,
        last_date,
        filter_options,
        people,
        _figures,
    ):
        fn.clear()


# --- frame -----------------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=_MAX)
def last_date(db: str, version: int) -> dt.date | None:
    """The default as-of date of the workspace."""
    value = _last_date(open_store(db).cursor())
    return value.date() if isinstance(value, dt.datetime) else value


@st.cache_data(show_spinner=False, max_entries=_MAX)
def filter_options(db: str, version: int) -> dict[str, tuple[str, ...]]:
    return ledger.filter_options(open_store(db).cursor())


@st.cache_data(show_spinner=False, max_entries=_MAX)
def people(db: str, version: int) -> dict[str, tuple[str, ...]]:
    """The sales reps and collectors the clients table names (for the demo's "view as")."""
    return ledger.people(open_store(db).cursor())


@st.cache_resource(show_spinner=False, max_entries=_MAX)
def _client_names(db: str, version: int) -> dict[str, str]:
    choices = _with_cursor(db, version, _name(ledger.client_choices), ledger.client_choices, (), ())
    return dict(zip(choices["client_id"].tolist(), choices["name"].tolist(), strict=True))


def client_names(ctx: Context) -> dict[str, str]:
    """Every client's name by id (the id when it has none), in name order, for pickers and labels.

    A sales rep's list holds their own clients only (ctx.filters carries their scope).
    """
    names = _client_names(ctx.db, ctx.version)
    if not ctx.user.own_clients_only:
        return names
    own = set(read(ctx, ledger.client_ids, ctx.filters))
    return {k: v for k, v in names.items() if k in own}


def import_history(ctx: Context) -> pd.DataFrame:
    return read(ctx, ledger.import_history)


def ledger_counts(ctx: Context) -> dict[str, int]:
    return read(ctx, ledger.ledger_counts)


# --- KPIs (riskcore.receivables.kpi, riskcore.receivables.legal) ----------------------------------------------------


def snapshot(ctx: Context, as_of: dt.date | None = None) -> dict:
    return read(ctx, kpi.snapshot, as_of or ctx.as_of, ctx.filters)


def aging(ctx: Context, basis: str = "due") -> pd.DataFrame:
    return read(ctx, kpi.aging, ctx.as_of, ctx.filters, basis=basis)


def open_items(ctx: Context, client_id: str | None = None) -> pd.DataFrame:
    return read(ctx, kpi.open_items, ctx.as_of, ctx.filters, client_id=client_id)


def monthly_series(ctx: Context, months: int = 24) -> pd.DataFrame:
    return read(ctx, kpi.monthly_series, ctx.as_of, months, ctx.filters)


def by_client(ctx: Context) -> pd.DataFrame:
    return read(ctx, kpi.by_client, ctx.as_of, ctx.filters)


def concentration(ctx: Context, basis: str, level: str) -> Any:
    return read(ctx, kpi.concentration, ctx.as_of, basis=basis, level=level, filters=ctx.filters)


def late_payer_segments(ctx: Context) -> pd.DataFrame:
    return read(ctx, kpi.late_payer_segments, ctx.as_of, ctx.filters)


def breakdown(ctx: Context, dimension: str) -> pd.DataFrame:
    return read(ctx, kpi.breakdown, ctx.as_of, dimension, ctx.filters)


def invoice_flags(ctx: Context) -> pd.DataFrame:
    return read(ctx, kpi.invoice_flags, ctx.as_of, ctx.filters)


def payment_history(ctx: Context, client_id: str) -> pd.DataFrame:
    return read(ctx, kpi.payment_history, client_id, ctx.as_of)


def assumed_terms(ctx: Context) -> bool:
    """Whether some due dates were derived from payment terms (kpi.assumed_terms): the title says so."""
    return read(ctx, kpi.assumed_terms)


def penalties(ctx: Context, client_id: str | None = None) -> pd.DataFrame:
    return read(ctx, legal.penalties, ctx.as_of, ctx.filters, client_id=client_id)


# --- scores and limits (riskcore.credit.scores, riskcore.credit.limits) ------------------------------------


def client_scores(ctx: Context) -> pd.DataFrame:
    return read_store(ctx, credit_scores.client_scores, ctx.as_of)


@st.cache_resource(show_spinner=False, max_entries=_MAX)
def _suggested(db: str, version: int, as_of: dt.date) -> pd.DataFrame:
    scores = _scores(db, version, as_of)
    return limits.suggest(open_store(db).cursor(), scores, as_of)


def suggested_limits(ctx: Context) -> pd.DataFrame:
    """limits.suggest on the cached scores (not re-hashing the scores frame on every run)."""
    return _suggested(ctx.db, ctx.version, ctx.as_of)


@st.cache_resource(show_spinner=False, max_entries=_MAX)
def _clients(db: str, version: int, as_of: dt.date, filters: Filters) -> pd.DataFrame:
    by_client = _with_cursor(db, version, _name(kpi.by_client), kpi.by_client, (as_of, filters), ())
    scores = _scores(db, version, as_of)
    suggested = _suggested(db, version, as_of)
    scores = scores.assign(early_warning=scores["rules"].map(lambda rules: "early_warning" in rules))
    columns = ["client_id", "score", "grade", "p_late", "p_score", "reasons", "early_warning", "inactive"]
    table = by_client.merge(scores[columns], on="client_id", how="left")
    return table.merge(
        suggested[["client_id", "suggested_limit", "limit_reasons", "alert"]], on="client_id", how="left"
    )


def clients(ctx: Context) -> pd.DataFrame:
    """kpi.by_client with each client's score, grade, probability of late payment and suggested limit."""
    return _clients(ctx.db, ctx.version, ctx.as_of, ctx.filters)


def pending_decisions(ctx: Context) -> pd.DataFrame:
    return keep_visible(open_store(ctx.db).cursor(), ctx.user, read(ctx, limits.pending))


def limit_history(ctx: Context, client_id: str | None = None) -> pd.DataFrame:
    return keep_visible(open_store(ctx.db).cursor(), ctx.user, read(ctx, limits.history, client_id=client_id))


# --- one client ------------------------------------------------------------------------------


def client_profile(ctx: Context, client_id: str) -> dict:
    """One client's identity; PermissionDenied first when the reader may not see that client."""
    require_client(open_store(ctx.db).cursor(), ctx.user, client_id)
    return read(ctx, ledger.client_profile, client_id)


def dunning_history(ctx: Context, client_id: str) -> pd.DataFrame:
    return read(ctx, ledger.dunning_history, client_id)


def disputes(ctx: Context, client_id: str) -> pd.DataFrame:
    return read(ctx, ledger.disputes, client_id)


# --- collections (riskcore.dunning.portfolio) ------------------------------------------------


def collections_day(ctx: Context) -> portfolio.Day:
    """The worklist, promises, holds and disputes at the as-of date (read once per data version), as the
    reader may see it (a sales rep: their own clients)."""
    return portfolio.visible(open_store(ctx.db).cursor(), read_store(ctx, portfolio.day, ctx.as_of), ctx.user)


@st.cache_resource(show_spinner=False, max_entries=_MAX)
def _figures(db: str, version: int, as_of: dt.date) -> dict:
    day = _with_store(db, version, _name(portfolio.day), portfolio.day, (as_of,), ())
    return portfolio.figures(open_store(db), day)


def collection_figures(ctx: Context) -> dict:
    """kpis.collection_figures of the day's worklist (cached like the day itself); team readers only."""
    portfolio.require_team_figures(ctx.user)
    return _figures(ctx.db, ctx.version, ctx.as_of)
