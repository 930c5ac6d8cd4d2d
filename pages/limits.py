"""Limites de crédit / Credit limits: current against suggested, edit with a reason, approvals, history, export."""

import streamlit as st

from riskcore.reporting import charts
from riskcore.ui import actions, cached, forms, frame, tables, views, widgets

COLUMNS = [
    "client_id",
    "name",
    "grade",
    "score",
    "balance",
    "credit_limit",
    "suggested_limit",
    "utilisation",
    "headroom",
    "insured_limit",
    "alert",
]

# On screen, what fits a laptop's width; score, headroom and insured limit are in the exports and client file.
SCREEN_COLUMNS = [c for c in COLUMNS if c not in ("score", "headroom", "insured_limit")]

ctx = frame.context()
widgets.title(ctx, "limits")
actions.show_flash()
widgets.require_data(ctx)

with widgets.guard(ctx):
    clients = views.clients(ctx)
    left, right = st.columns([3, 2])
    with left:
        widgets.chart(charts.limits_scatter(clients.dropna(subset=["grade"]), ctx.lang), key="limits.scatter")
    with right:
        widgets.chart(charts.grade_counts(clients["grade"].dropna(), ctx.lang), key="limits.grades")

    show = st.segmented_control(
        ctx.t("limits.show"),
        list(views.LIMIT_VIEWS),
        default="all",
        required=True,
        key="limits.show",
        format_func=lambda v: ctx.t(f"limits.show_{v}"),
    )
    rows = views.limit_rows(clients, show)
    tables.show(ctx, rows, SCREEN_COLUMNS, key="limits.table")
    tables.exports(ctx, rows, COLUMNS, name=ctx.t("limits.export_name"), key="limits.export")

    tab_edit, tab_queue, tab_history = st.tabs(
        [
            ctx.t("limits.tab_edit"),
            ctx.t("limits.tab_queue", n=len(cached.pending_decisions(ctx))),
            ctx.t("limits.tab_history"),
        ],
        key="limits.tabs",
    )
    names = cached.client_names(ctx)
    with tab_edit:
        forms.limit_form(ctx, rows.head(tables.MAX_ROWS), names, key="limits.edit")  # the clients of the table
    with tab_queue:
        forms.approval_queue(ctx, cached.pending_decisions(ctx), names, key="limits.queue")
    with tab_history:
        forms.history(ctx, cached.limit_history(ctx), key="limits.history")

    with st.expander(ctx.t("model.title")):
        st.caption(ctx.t("model.help"))
        if st.button(ctx.t("model.retrain"), key="limits.retrain", disabled=not ctx.user.can("manage_workspace")):
            actions.retrain(ctx)
