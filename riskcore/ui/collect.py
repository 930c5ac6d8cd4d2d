"""The collections screens' pieces: worklist filters and table, the letters batch, collection KPIs.

Every figure comes from riskcore.dunning (portfolio.Day, kpis); this module only lays it out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from riskcore import config
from riskcore.dunning import kpis, portfolio
from riskcore.dunning import worklist as wl
from riskcore.errors import EncoursError
from riskcore.i18n import fmt_amount, fmt_date
from riskcore.ui import actions, cached, tables, widgets
from riskcore.ui.fmt import literal
from riskcore.ui.widgets import Card

if TYPE_CHECKING:
    from riskcore.dunning.portfolio import Day
    from riskcore.ui.context import Context

WORK_COLUMNS = [
    "client_id", "name", "profile", "action", "broken_promise", "owner", "owner_name", "invoice_count",
    "step_amount", "overdue", "amount_at_risk", "max_days_past_due", "grade", "last_action", "last_action_date",
    "last_outcome", "on_hold", "sales_rep", "collector",
]  # fmt: skip
BOARD_COLUMNS = [
    "client_id", "name", "balance", "overdue", "max_days_past_due", "profile", "next_action", "next_owner_name",
    "on_hold", "promise_date", "promise_amount", "broken_promise", "open_disputes", "disputed_amount", "collector",
]  # fmt: skip
ALERT_COLUMNS = ["event_date", "alert_kind", "client_id", "name"]
ANY = ""
DATE_COLUMNS = ("broken_promise", "last_action_date", "promise_date", "event_date", "made_on")


def dated(frame: pd.DataFrame) -> pd.DataFrame:
    """Date columns held as Python dates as datetime64: the grid formats those, not object columns."""
    found = {c: pd.to_datetime(frame[c]) for c in DATE_COLUMNS if c in frame and frame[c].dtype == object}
    return frame.assign(**found) if found else frame


def _choice(ctx: Context, label: str, options: Sequence[str], key: str, words: str | None, default: str = ANY) -> str:
    values = [ANY, *options]
    if key not in st.session_state or st.session_state[key] not in values:
        st.session_state[key] = default if default in values else ANY

    def shown(value: str) -> str:
        if value == ANY:
            return ctx.t("sidebar.all")
        if words is None:
            return value
        text = ctx.t(f"code.{words}.{value}")
        return value if text.startswith("ui.code.") else text

    return st.selectbox(ctx.t(label), values, format_func=shown, key=key)


def worklist_filters(ctx: Context, work: pd.DataFrame, *, key: str) -> pd.DataFrame:
    """A client search (code or name), owner (a role or a person), profile, action and sales rep; the rows kept.

    A collector or a sales rep opens on their own steps (their name as the owner).
    """
    mine = ctx.user.ledger_name if ctx.user.role in ("collector", "sales_rep") else ANY
    people = sorted({n for n in work["owner_name"].dropna()} | ({mine} - {ANY}))
    owners = [*sorted(set(work["owner"].dropna())), *people]
    cols = st.columns([3, 2, 2, 2, 2])
    search = (
        cols[0]
        .text_input(ctx.t("collect.search"), key=f"{key}.search", placeholder=ctx.t("collect.search_hint"))
        .strip()
    )
    with cols[1]:
        owner = _choice(ctx, "collect.owner", owners, f"{key}.owner", "owner", default=mine)
    with cols[2]:
        profile = _choice(ctx, "collect.profile", list(config.get().collections.scenarios), f"{key}.profile", "profile")
    with cols[3]:
        action = _choice(ctx, "collect.action", sorted(set(work["action"])), f"{key}.action", "action")
    with cols[4]:
        reps = sorted(set(work["sales_rep"].dropna()))
        rep = _choice(ctx, "collect.sales_rep", reps, f"{key}.rep", None)
    work = wl.select(work, owner=owner or None, profile=profile or None, action=action or None, sales_rep=rep or None)
    if search:
        needle = search.casefold()
        found = work["client_id"].str.casefold().str.contains(needle, regex=False) | work["name"].fillna(
            ""
        ).str.casefold().str.contains(needle, regex=False)
        work = work[found]
    return work


def in_filters(ctx: Context, frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of clients the sidebar filters keep (sector, segment, sales rep, region, group)."""
    if not ctx.filters.active:
        return frame
    return frame[frame["client_id"].isin(set(cached.clients(ctx)["client_id"]))]


def worklist_table(ctx: Context, work: pd.DataFrame, *, key: str) -> list[str]:
    """The worklist, selectable row by row; the ids of the selected clients."""
    view = dated(work.assign(invoice_count=work["invoice_ids"].map(len)))
    state = tables.show(ctx, view, WORK_COLUMNS, key=key, select="multi", empty="no_worklist")
    rows = tables.selected_rows(state)
    return [str(view["client_id"].iloc[i]) for i in rows if i < len(view)]


def letters_button(ctx: Context, d: Day, client_ids: Sequence[str], *, key: str) -> None:
    """Download the letters of the listed steps (PDFs and .eml drafts in one ZIP), built on click."""
    allowed = ctx.user.can("letters")

    def build() -> bytes:
        try:
            return portfolio.letters_zip(ctx.store, ctx.user, d, client_ids)
        except EncoursError:  # the button is disabled without the right; the core refuses anyway
            return b""

    st.download_button(
        ctx.t("collect.letters", n=len(client_ids)),
        build,
        file_name=f"{ctx.t('collect.letters_file')}-{d.as_of.isoformat()}.zip",
        mime="application/zip",
        key=key,
        icon=":material/mail:",
        disabled=not allowed or not client_ids,
        on_click="ignore",
        type="primary",
    )
    smtp_on = bool(config.get().collections.smtp.host)  # sending is off until an SMTP server is configured
    if smtp_on and st.button(
        ctx.t("collect.send", n=len(client_ids)), key=f"{key}.send", icon=":material/send:",
        disabled=not allowed or not client_ids, help=ctx.t("collect.send_help"),
    ):  # fmt: skip
        actions.send_letters(ctx, d, client_ids)
    if not allowed:
        st.caption(ctx.t("data.role_needed", role=ctx.t(f"role.{ctx.user.role}")))


def kpi_cards(ctx: Context, d: Day) -> None:
    """The day's collection figures as cards: steps due, at risk, promises, first action, disputes."""
    figures = cached.collection_figures(ctx)
    snap = cached.snapshot(ctx)
    cards = [
        Card("steps_due", float(figures["steps_due"]), "count"),
        Card("amount_at_risk", float(d.work["amount_at_risk"].sum()), "amount"),
        Card("dunning_coverage_30", snap.get("dunning_coverage_30"), "pct", lower_is_better=False),
        Card("promise_kept_rate_90", figures["promise_kept_rate_90"], "pct", lower_is_better=False),
        Card("promises_broken_90", float(figures["promises_broken_90"]), "count"),
        Card("median_days_to_first_action_90", figures["median_days_to_first_action_90"], "days"),
        Card("open_disputes_amount", float(d.disputes["amount"].sum()), "amount"),
        Card("open_disputes_count", float(len(d.disputes)), "count"),
    ]
    widgets.kpi_cards(ctx, cards, per_row=4)


def kpi_tables(ctx: Context, d: Day) -> None:
    """Backlog by owner, outstanding by step reached, open disputes by reason, CEI per collector."""
    figures = cached.collection_figures(ctx)
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{ctx.t('collect.backlog')}**")
        tables.show(ctx, kpis.backlog(d.work), ["owner", "steps", "amount"], key="collect.backlog", link=None)
        st.markdown(f"**{ctx.t('collect.by_step')}**")
        by_step = kpis.outstanding_by_step(d.clients, d.ledger).rename(columns={"step": "step_reached"})
        tables.show(ctx, by_step, ["step_reached", "clients", "outstanding"], key="collect.by_step", link=None)
    with right:
        st.markdown(f"**{ctx.t('collect.disputes_by_reason')}**")
        disputes = kpis.disputes_by_reason(d.disputes).rename(columns={"reason": "dispute_reason"})
        tables.show(
            ctx, disputes, ["dispute_reason", "disputes", "amount", "median_age_days"], key="collect.disputes",
            link=None, empty="no_open_dispute",
        )  # fmt: skip
        st.markdown(f"**{ctx.t('collect.cei_by_collector')}**")
        cei = pd.DataFrame(
            {"collector": list(figures["cei_90_by_collector"]), "cei": list(figures["cei_90_by_collector"].values())}
        )
        tables.show(ctx, cei, ["collector", "cei"], key="collect.cei", link=None)
        st.caption(ctx.t("collect.cei_help"))


def alerts_table(ctx: Context, d: Day, client_ids: Sequence[str] | None, *, key: str) -> None:
    """This week's alerts: formal notices, credit holds, broken promises."""
    frame = portfolio.alerts(d, client_ids).rename(columns={"kind": "alert_kind"})
    tables.show(ctx, dated(frame), ALERT_COLUMNS, key=key, empty="no_alert_this_week")


def sales_rep_of(ctx: Context, d: Day) -> str | None:
    """Whose clients "My clients" shows: a sales rep's own; anyone else picks a rep."""
    if ctx.user.role == "sales_rep":
        return ctx.user.ledger_name
    reps = sorted(set(d.clients["sales_rep"].dropna()))
    if not reps:
        return None
    return st.selectbox(ctx.t("collect.pick_rep"), reps, key="mine.rep")


def client_collections(ctx: Context, d: Day, client_id: str) -> None:
    """The client's payer profile, next step, credit hold and pending promise as one line of badges."""
    rows = portfolio.board(d, client_ids=[client_id])
    if rows.empty:  # nothing owed, no promise, no hold: the profile still says how it pays
        if client_id not in d.profiles.index:
            return
        row = {"profile": d.profiles[client_id]}
    else:
        row = rows.iloc[0].to_dict()
    profile_words = ctx.t(f"code.profile.{row['profile']}")
    badges = [f":blue-badge[{ctx.t('collect.payer_profile', profile=profile_words)}]"]
    action = row.get("next_action")
    if isinstance(action, str):
        owner = literal(row.get("next_owner_name")) or ctx.t(f"code.owner.{row['next_owner']}")
        words = ctx.t("collect.next_step", action=ctx.t(f"code.action.{action}"), owner=owner)
        badges.append(f":violet-badge[{words}]")
    else:
        badges.append(f":gray-badge[{ctx.t('collect.no_next_step')}]")
    if row.get("on_hold"):
        badges.append(f":red-badge[{ctx.t('col.on_hold')}]")
    if pd.notna(row.get("promise_date")):
        amount = fmt_amount(float(row["promise_amount"]), ctx.lang, decimals=0)
        words = ctx.t("collect.pending_promise", amount=amount, date=fmt_date(row["promise_date"], ctx.lang))
        badges.append(f":green-badge[{words}]")
    st.markdown(" ".join(badges))


PROMISE_COLUMNS = ["made_on", "promise_date", "amount", "paid", "state", "recorded_by", "note"]


def client_promises(ctx: Context, d: Day, client_id: str) -> None:
    """Every promise the client made by the as-of date, with what was paid on it and its state."""
    promises = d.ledger.promises[d.ledger.promises["client_id"] == client_id]
    if promises.empty:
        return
    st.markdown(f"**{ctx.t('collect.promises')}**")
    tables.show(ctx, dated(promises), PROMISE_COLUMNS, key="client.promises", link=None, cents=True)


def with_profile(ctx: Context, frame: pd.DataFrame, *, key: str) -> pd.DataFrame:
    """`frame` (one row per client) with its payer profile, narrowed to the profile the reader picks."""
    frame = frame.assign(profile=frame["client_id"].map(cached.collections_day(ctx).profiles))
    picked = _choice(ctx, "collect.profile", list(config.get().collections.scenarios), key, "profile")
    return frame[frame["profile"] == picked] if picked else frame
