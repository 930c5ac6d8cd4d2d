"""The forms that change something: propose a limit, approve or reject one, import, manage the workspace.

The collections forms (actions, promises, disputes, holds) are in riskcore.ui.recording.

Each form only collects values and calls riskcore (through riskcore.ui.actions); the role
checks and the approval rule live in riskcore.access.auth and riskcore.credit.limits.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from riskcore import config
from riskcore.credit import limits
from riskcore.i18n import fmt_amount, fmt_date, fmt_number
from riskcore.ui import actions, tables
from riskcore.ui.fmt import literal

if TYPE_CHECKING:
    from riskcore.ui.context import Context
    from riskcore.ui.uploads import Staged


def _amount(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def limit_form(
    ctx: Context, clients: pd.DataFrame, names: dict[str, str], *, key: str, client_id: str | None = None
) -> None:
    """Propose a new limit with a mandatory reason; says beforehand whether a second person must approve.

    `clients` holds views.clients rows; with `client_id` the form is for that client only.
    """
    ids = [client_id] if client_id else clients["client_id"].tolist()
    if not ids:
        return
    chosen = st.selectbox(
        ctx.t("limits.client" if client_id else "limits.client_in_table"),
        ids,
        key=f"{key}.client",
        disabled=client_id is not None,
        format_func=lambda c: f"{names.get(c, c)} ({c})",
    )
    rows = clients.loc[clients["client_id"] == chosen]
    row = rows.iloc[0] if len(rows) else pd.Series(dtype=object)  # a client outside the filters has no line
    current, suggested = _amount(row.get("credit_limit")), _amount(row.get("suggested_limit"))
    st.caption(
        ctx.t(
            "limits.current_and_suggested",
            current=fmt_amount(current, ctx.lang, decimals=0) or "—",
            suggested=fmt_amount(suggested, ctx.lang, decimals=0) or "—",
        )
    )
    left, right = st.columns([1, 2])
    new_limit = left.number_input(
        ctx.t("limits.new_limit"),
        min_value=0.0,
        value=current if current is not None else suggested or 0.0,
        step=1000.0,
        format="%.0f",
        key=f"{key}.new_limit.{chosen}",
    )
    # number_input cannot group thousands: the amount as the reader writes it, right below
    left.caption(ctx.t("limits.new_limit_reads", amount=fmt_amount(new_limit, ctx.lang, decimals=0)))
    reason = right.text_area(
        ctx.t("limits.reason"), key=f"{key}.reason", height=80, placeholder=ctx.t("limits.reason_hint")
    )
    if limits.needs_approval(current, new_limit):
        st.info(ctx.t("limits.needs_approval"), icon=":material/how_to_reg:")
    allowed = ctx.user.can("propose_limit")
    # The version of the limit this edit started from: a save after someone else changed it is refused.
    seen_key = f"_encours_limit_seen.{key}.{chosen}"
    if seen_key not in st.session_state:
        st.session_state[seen_key] = limits.version(ctx.store.cursor(), chosen)
    if st.button(ctx.t("limits.submit"), key=f"{key}.submit", type="primary", disabled=not allowed):
        seen = st.session_state.pop(seen_key)  # saved or refused, the next edit starts from the new version
        actions.propose_limit(ctx, chosen, new_limit, reason, suggested, seen=seen)
    if not allowed:
        st.caption(ctx.t("data.role_needed", role=ctx.t(f"role.{ctx.user.role}")))


def approval_queue(ctx: Context, pending: pd.DataFrame, names: dict[str, str], *, key: str) -> None:
    """Each pending proposal with approve and reject buttons for a person other than its proposer."""
    if pending.empty:
        st.info(ctx.t("empty.no_pending"), icon=":material/inbox:")
        return
    can_approve = ctx.user.can("approve_limit")
    for row in pending.itertuples(index=False):
        with st.container(border=True, key=f"{key}.{row.decision_id}"):
            info, approve, reject = st.columns([6, 1, 1], vertical_alignment="center")
            info.markdown(
                ctx.t(
                    "limits.pending_line",
                    client=literal(names.get(row.client_id, row.client_id)),  # names and reasons as written
                    id=literal(row.client_id),
                    previous=fmt_amount(_amount(row.previous_limit), ctx.lang, decimals=0) or "—",
                    new=fmt_amount(_amount(row.new_limit), ctx.lang, decimals=0),
                    by=literal(row.proposed_by),
                    date=fmt_date(pd.Timestamp(row.proposed_at).date(), ctx.lang),
                )
            )
            info.caption(ctx.t("limits.reason_was", reason=literal(row.reason)))
            own = row.proposed_by == ctx.user.name
            disabled = not can_approve or own
            if approve.button(
                ctx.t("limits.approve"), key=f"{key}.approve.{row.decision_id}", disabled=disabled, type="primary"
            ):
                actions.decide_limit(ctx, int(row.decision_id), True)
            if reject.button(ctx.t("limits.reject"), key=f"{key}.reject.{row.decision_id}", disabled=disabled):
                actions.decide_limit(ctx, int(row.decision_id), False)
            if own:
                info.caption(ctx.t("limits.own_proposal"))
    if not can_approve:
        st.caption(ctx.t("limits.approver_needed"))


def history(ctx: Context, decisions: pd.DataFrame, *, key: str) -> None:
    """Every limit decision, newest first, with its status translated."""
    if decisions.empty:
        st.info(ctx.t("empty.no_decisions"), icon=":material/history:")
        return
    columns = [
        "proposed_at",
        "client_id",
        "previous_limit",
        "new_limit",
        "suggested_limit",
        "status",
        "reason",
        "proposed_by",
        "decided_by",
        "decided_at",
    ]
    tables.show(ctx, decisions, columns, key=key)


def import_form(ctx: Context, files: Sequence[Staged], previews: list, mappings: list) -> None:
    """Options of the batch (default terms, FEC collective account) and the import button."""
    left, right, _ = st.columns(3)
    terms = left.number_input(
        ctx.t("data.terms_days"),
        min_value=0,
        max_value=365,
        value=None,
        step=1,
        key="data.terms_days",
        help=ctx.t("data.terms_days_help"),
        placeholder=ctx.t("data.terms_default"),
    )
    collective = right.checkbox(ctx.t("data.collective"), key="data.collective", help=ctx.t("data.collective_help"))
    allowed = ctx.user.can("import")
    if st.button(ctx.t("data.import"), type="primary", key="data.import", disabled=not allowed):
        actions.import_files(ctx, files, previews, mappings, terms_days=terms, collective_as_client=collective)
    if not allowed:
        st.caption(ctx.t("data.role_needed", role=ctx.t(f"role.{ctx.user.role}")))


def workspace_panel(ctx: Context, counts: dict[str, int]) -> None:
    """What the workspace holds; load the demo or clear everything (administrators, with a confirmation)."""
    for column, (table, n) in zip(st.columns(len(counts)), counts.items(), strict=True):
        column.metric(ctx.t(f"data.count.{table}"), fmt_number(n, ctx.lang), border=True)
    st.caption(ctx.t("data.is_demo") if ctx.store.is_demo() else ctx.t("data.is_own"))
    allowed = ctx.user.can("manage_workspace")
    own_data = not ctx.store.is_demo() and not ctx.store.is_empty()
    name = config.get().app.workspace_name
    left, right = st.columns(2)
    with left.container(border=True):
        st.markdown(ctx.t("data.demo_help"))
        typed_demo = None
        if own_data:  # the demo over the user's own data: confirmed by the workspace's name
            typed_demo = st.text_input(
                ctx.t("data.type_name", name=literal(name)), key="data.demo_confirm", disabled=not allowed
            )
        if st.button(ctx.t("data.load_demo"), key="data.load_demo", disabled=not allowed, icon=":material/science:"):
            actions.load_demo(ctx, typed_demo)
    with right.container(border=True):
        st.markdown(ctx.t("data.clear_help"))
        typed = st.text_input(
            ctx.t("data.type_name", name=literal(name)), key="data.clear_confirm", disabled=not allowed
        )
        clear = st.button(
            ctx.t("data.clear"),
            key="data.clear",
            type="primary",
            disabled=not (allowed and typed),
            icon=":material/delete_forever:",
        )
        if clear:
            actions.clear_workspace(ctx, typed)
    st.caption(ctx.t("data.backup_note", folder=literal(str(config.get().backups_path(ctx.store.path)))))
    if not allowed:
        st.caption(ctx.t("data.role_needed", role=ctx.t(f"role.{ctx.user.role}")))
