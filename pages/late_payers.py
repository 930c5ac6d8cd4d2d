"""Retards / Late payers: segments, trends, by sales rep and sector, dunning coverage, chase-first list."""

import streamlit as st

from riskcore import config, i18n
from riskcore.dunning import chase
from riskcore.reporting import charts
from riskcore.ui import cached, collect, frame, tables, views, widgets

CHASE_COLUMNS = [
    "client_id",
    "name",
    "profile",
    "overdue",
    "max_days_past_due",
    "p_score",
    "grade",
    "last_dunning_date",
    "dunning_level",
    "sales_rep",
]

ctx = frame.context()
widgets.title(ctx, "late_payers")
widgets.require_data(ctx)

with widgets.guard(ctx):
    widgets.kpi_cards(ctx, views.cards(ctx, views.LATE_CARDS, cached.monthly_series(ctx)))

    segments = cached.late_payer_segments(ctx)
    left, right = st.columns(2)
    with left:
        widgets.chart(views.segment_chart(ctx, segments), key="late.segments")
    with right:
        widgets.chart(charts.days_trend(cached.monthly_series(ctx), ctx.lang), key="late.trend")

    left, right = st.columns(2)
    for column, dimension in ((left, "sales_rep"), (right, "sector")):
        with column:
            widgets.chart(views.breakdown_chart(ctx, dimension), key=f"late.by_{dimension}")

    st.subheader(ctx.t("late.chase_first"))
    st.caption(ctx.t("late.chase_first_help"))
    clients = views.clients(ctx)
    left, _ = st.columns([1, 3])
    with left:
        chase = collect.with_profile(ctx, chase.chase_first(clients), key="late.profile")
    if chase.empty:
        widgets.empty(ctx, "nothing_overdue")
    else:
        tables.show(ctx, chase, CHASE_COLUMNS, key="late.chase")
        tables.exports(ctx, chase, CHASE_COLUMNS, name=ctx.t("late.export_name"), key="late.export")

    st.subheader(ctx.t("late.worsening"))
    worsening = views.worsening(clients)
    tables.show(ctx, worsening, list(views.WORSENING_COLUMNS), key="late.worsening", empty="no_worsening")

    st.subheader(ctx.t("late.early_warnings"))
    st.caption(
        ctx.t(
            "late.early_warnings_help", points=i18n.fmt_number(config.get().scoring.early_warning_min_points, ctx.lang)
        )
    )
    warned = views.early_warnings(clients)
    tables.show(ctx, warned, list(views.EARLY_WARNING_COLUMNS), key="late.early_warnings", empty="no_early_warning")

    st.subheader(ctx.t("late.dunning_status"))
    tables.show(ctx, views.dunning_status(ctx), None, key="late.dunning", link=None)
