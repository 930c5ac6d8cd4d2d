"""Vue d'ensemble / Overview: the CFO's page: KPI cards, aging, 24-month trend, top clients, alerts."""

import streamlit as st

from riskcore.reporting import charts
from riskcore.ui import actions, cached, frame, tables, views, widgets

ctx = frame.context()
widgets.title(ctx, "overview")
actions.show_flash()
widgets.require_data(ctx)

with widgets.guard(ctx):
    series = cached.monthly_series(ctx)
    widgets.kpi_cards(ctx, views.cards(ctx, views.OVERVIEW_CARDS, series))

    left, right = st.columns([2, 3])
    with left:
        widgets.chart(charts.aging_bars(cached.aging(ctx), ctx.lang), key="overview.aging")
    with right:
        widgets.chart(charts.trend(series, ctx.lang), key="overview.trend")

    clients = views.clients(ctx)
    # One above the other: side by side, the top-10 table's right-hand columns were cut on laptop screens.
    st.subheader(ctx.t("overview.alerts"))
    alerts = views.alerts(ctx, clients)
    if not alerts:
        widgets.empty(ctx, "no_alert")
    for alert in alerts:
        with st.expander(widgets.alert_title(ctx, alert.key, alert.count, alert.params), icon=":material/warning:"):
            tables.show(
                ctx,
                alert.rows,
                list(alert.columns),
                key=f"overview.alert.{alert.key}",
                limit=50,
                truncated="table.truncated_top",
            )

    st.subheader(ctx.t("overview.top10"))
    top = clients.sort_values("balance", ascending=False).head(10)
    tables.show(
        ctx,
        top,
        ["client_id", "name", "balance", "overdue", "grade", "credit_limit", "utilisation"],
        key="overview.top10",
    )
