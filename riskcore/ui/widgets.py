"""Small shared pieces of every page: titles, empty states, domain errors, KPI cards."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import plotly.graph_objects as go
import streamlit as st

from riskcore.errors import EncoursError
from riskcore.i18n import fmt_amount, fmt_number, fmt_pct, t
from riskcore.reporting.charts import sector_label
from riskcore.reporting.text import format_figure
from riskcore.ui import nav
from riskcore.ui.fmt import literal

if TYPE_CHECKING:
    from riskcore.ui.context import Context


def title(ctx: Context, page: str) -> None:
    """The page title (`ui.page.<page>`) and, when set, the as-of date it shows."""
    st.title(ctx.t(f"page.{page}"))
    if ctx.as_of is not None:
        st.caption(ctx.t("frame.as_of_caption", date=fmt_date_short(ctx), filters=filters_text(ctx)))
        from riskcore.ui import cached

        if cached.assumed_terms(ctx):  # e.g. a FEC: no due dates in the source
            st.caption(":material/info: " + t("kpi.note_assumed_terms", ctx.lang))


def fmt_date_short(ctx: Context) -> str:
    from riskcore.i18n import fmt_date

    return fmt_date(ctx.as_of, ctx.lang)


def filters_text(ctx: Context) -> str:
    if not ctx.filters.active:
        return ctx.t("frame.no_filter")
    parts = [
        f"{ctx.t(f'dimension.{k[2:]}')}: {', '.join(literal(x) for x in v)}"  # values of the data: shown as written
        for k, v in ctx.filters.params().items()
        if v
    ]
    return " · ".join(parts)


def require_data(ctx: Context) -> None:
    """Stop the page with a pointer to the Data page when the workspace holds no ledger."""
    if ctx.as_of is None:
        st.info(ctx.t("empty.workspace"), icon=":material/upload_file:")
        st.page_link(nav.page_file("data"), label=ctx.t("empty.go_to_data"), icon=":material/arrow_forward:")
        st.stop()


def empty(ctx: Context, key: str) -> None:
    """An empty state that says what to do next (`ui.empty.<key>`)."""
    st.info(ctx.t(f"empty.{key}"), icon=":material/info:")


@contextmanager
def guard(ctx: Context) -> Iterator[None]:
    """Show a domain error as a message in the reader's language; anything else is a bug and surfaces."""
    try:
        yield
    except EncoursError as exc:
        st.error(exc.message(ctx.lang), icon=":material/error:")


@dataclass(frozen=True)
class Card:
    """One KPI card: a label key, the value, its kind, and the values a month and a year before."""

    label: str
    value: float | None
    kind: str  # amount | pct | days | count
    month_ago: float | None = None
    year_ago: float | None = None
    lower_is_better: bool = True
    help: str | None = None
    trend: tuple[float, ...] = ()  # the monthly values drawn as a sparkline


def format_value(ctx: Context, value: float | None, kind: str) -> str:
    """A card's figure (reporting.text.format_figure): `—` when missing, amounts without cents, short units."""
    # cards have always shown euros whatever config app.currency says: kept as is by issue 12
    return format_figure(value, kind, ctx.lang, missing="—", amount_decimals=0, short_units=True, currency="EUR")


def _change(ctx: Context, card: Card, before: float | None) -> str | None:
    """The signed change since `before`, in the card's unit (percentage points for rates).

    A change that reads as zero once rounded (`0,0 j`, `0 €`) is shown without a sign: it is
    neutral, and `kpi_cards` draws it without arrow or colour.
    """
    if before is None or card.value is None or before != before or card.value != card.value:
        return None
    change = card.value - before
    if card.kind == "pct":
        text = ctx.t("unit.points", n=fmt_number(change * 100, ctx.lang, 1))
        zero = ctx.t("unit.points", n=fmt_number(0, ctx.lang, 1))
    else:
        text = format_value(ctx, change, card.kind)
        zero = format_value(ctx, 0.0, card.kind)
    if text.replace("-", "").replace("\u2212", "") == zero:
        return zero
    return f"+{text}" if change > 0 else text


def is_neutral(ctx: Context, card: Card, change: str | None) -> bool:
    """True when a card's change is nothing (no value a month before, or zero once rounded)."""
    return change is None or change == _change(ctx, Card(card.label, 0.0, card.kind), 0.0)


def kpi_cards(ctx: Context, cards: Sequence[Card], per_row: int = 4) -> None:
    """st.metric cards: the change against last month as the delta, against last year beneath it."""
    for start in range(0, len(cards), per_row):
        columns = st.columns(per_row)
        for column, card in zip(columns, cards[start : start + per_row], strict=False):
            year = _change(ctx, card, card.year_ago)
            month = _change(ctx, card, card.month_ago)
            neutral = is_neutral(ctx, card, month)
            with column.container(border=True, height="stretch"):
                st.metric(
                    ctx.t(f"kpi.{card.label}"),
                    format_value(ctx, card.value, card.kind),
                    delta=month,
                    delta_color="off" if neutral else "inverse" if card.lower_is_better else "normal",
                    delta_arrow="off" if neutral else "auto",
                    delta_description=ctx.t("unit.vs_month") if card.month_ago is not None else None,
                    help=card.help or ctx.t(f"kpi_help.{card.label}"),
                    chart_data=list(card.trend) or None,
                    chart_type="line",
                )
                if year is not None:
                    st.caption(ctx.t("unit.vs_year", change=year))


def chart(figure: go.Figure, key: str, **kwargs: object) -> object:
    """A Plotly figure with the Encours theme (not Streamlit's), so colours match across pages."""
    return st.plotly_chart(figure, key=key, theme=None, config={"displaylogo": False}, **kwargs)


def alert_title(ctx: Context, key: str, count: int, params: dict) -> str:
    """An alert's message: its count with thousands separators (`15 657`), shares as percentages."""
    values = {k: fmt_pct(v, ctx.lang) if k.endswith("share") else v for k, v in params.items()}
    return ctx.t(f"alert.{key}", n=fmt_number(count, ctx.lang), **values)


def concentration_cards(ctx: Context, conc: object) -> None:
    """Top-N shares, HHI and the Pareto count of a kpi.concentration result."""
    cards = [Card(f"top{n}_share", float(share), "pct") for n, share in sorted(conc.shares.items())]  # type: ignore[attr-defined]
    cards += [Card("hhi", float(conc.hhi), "count"), Card("pareto_count", float(conc.pareto_count), "count")]  # type: ignore[attr-defined]
    kpi_cards(ctx, cards, per_row=len(cards))


def client_header(ctx: Context, profile: dict, row: object) -> None:
    """The client's name, id and badges: status, grade, non-credit, doubtful; the name and id as written."""
    st.header(literal(profile.get("name") or profile.get("client_id", "")))
    badges = [f":gray-badge[{literal(profile.get('client_id', ''))}]"]
    status = profile.get("status") or "active"
    colour = {"active": "green", "closed": "gray"}.get(status, "red")
    badges.append(f":{colour}-badge[{ctx.t(f'code.status.{status}')}]")
    grade = row.get("grade") if hasattr(row, "get") else None
    if isinstance(grade, str):
        badges.append(f":{GRADE_BADGES.get(grade, 'gray')}-badge[{ctx.t('client.grade', grade=literal(grade))}]")
    for flag in ("non_credit", "doubtful"):
        if profile.get(flag) is True:
            badges.append(f":orange-badge[{ctx.t(f'client.{flag}')}]")
    st.markdown(" ".join(badges))


GRADE_BADGES = {"A": "green", "B": "green", "C": "yellow", "D": "orange", "E": "red"}
IDENTITY = (
    "siren",
    "sector",
    "segment",
    "region",
    "country",
    "group_id",
    "sales_rep",
    "payment_terms_days",
    "terms_end_of_month",
    "insured_limit",
    "external_rating",
)


def client_identity(ctx: Context, profile: dict) -> None:
    """Identity and terms as a two-column list of label and value."""
    st.subheader(ctx.t("client.identity"))
    lines = []
    for key in IDENTITY:
        value = profile.get(key)
        if value is None or (isinstance(value, float) and value != value):
            shown = "—"
        elif key == "insured_limit":
            shown = fmt_amount(float(value), ctx.lang, decimals=0)
        elif key == "payment_terms_days":
            shown = ctx.t("unit.days", n=fmt_number(float(value), ctx.lang))
        elif key == "sector":
            shown = f"{sector_label(value, ctx.lang)} ({value})"
        elif key == "terms_end_of_month":
            shown = ctx.t("common.yes") if value else ctx.t("common.no")
        else:
            shown = str(value)
        lines.append(f"| {ctx.t(f'col.{key}')} | {literal(shown)} |")  # `|` of a value cannot split the row
    st.markdown(f"| {ctx.t('client.field')} | {ctx.t('client.value')} |\n|---|---|\n" + "\n".join(lines))


def reasons(ctx: Context, title_key: str, items: object) -> None:
    """A list of scoring or limit reasons (riskcore.messages.Reason), worded in the reader's language."""
    if not isinstance(items, (tuple, list)) or not items:
        return
    st.markdown(f"**{ctx.t(title_key)}**")
    st.markdown("\n".join(f"- {literal(r.text(ctx.lang))}" for r in items))


def _sync_client_param() -> None:
    chosen = st.session_state.get("client")
    if chosen:
        st.query_params["client"] = chosen
    else:
        st.query_params.pop("client", None)


def client_picker(ctx: Context, ids: Sequence[str], names: dict[str, str]) -> str | None:
    """The client selectbox, kept in step with `?client=ID` so a client file has its own address."""
    wanted = st.query_params.get("client")
    if wanted in names and st.session_state.get("client") != wanted:
        st.session_state["client"] = wanted  # the address wins: a link or st.switch_page brought us here
    return st.selectbox(
        ctx.t("client.pick"),
        list(ids),
        index=None,
        key="client",
        on_change=_sync_client_param,
        format_func=lambda c: f"{names.get(c, c)} ({c})",
        placeholder=ctx.t("client.pick_hint"),
    )
