"""Concentration: Pareto curve, top-N shares, HHI on outstanding and revenue, treemap; a client opens its file."""

import streamlit as st

from riskcore import config
from riskcore.reporting import charts
from riskcore.ui import cached, frame, nav, tables, views, widgets

ctx = frame.context()
widgets.title(ctx, "concentration")
widgets.require_data(ctx)

with widgets.guard(ctx):
    left, right = st.columns(2)
    basis = left.segmented_control(
        ctx.t("concentration.basis"),
        ["outstanding", "revenue"],
        default="outstanding",
        required=True,
        key="concentration.basis",
        format_func=lambda b: ctx.t(f"concentration.basis_{b}"),
    )
    level = right.segmented_control(
        ctx.t("concentration.level"),
        ["client", "group", "sector"],
        default="client",
        required=True,
        key="concentration.level",
        format_func=lambda lv: ctx.t(f"concentration.level_{lv}"),
    )
    conc = cached.concentration(ctx, basis, level)
    if conc.curve.empty:
        widgets.empty(ctx, "no_concentration")
        st.stop()
    widgets.concentration_cards(ctx, conc)
    if conc.warning:
        st.warning(
            ctx.t("concentration.warning", share=widgets.format_value(ctx, conc.shares.get(3), "pct")),
            icon=":material/warning:",
        )

    kpi = config.get().kpi
    left, right = st.columns([3, 2])
    with left:
        widgets.chart(charts.pareto(conc.curve, ctx.lang, kpi.pareto_share, basis), key="concentration.pareto")
    with right:
        widgets.chart(charts.top_shares(conc.shares, ctx.lang, kpi.concentration_warning_top3), key="concentration.top")

    widgets.chart(charts.treemap(views.clients(ctx), ctx.lang), key="concentration.treemap")

    st.subheader(ctx.t(f"concentration.table_{level}"))
    is_client = level == "client"
    if is_client:
        st.caption(ctx.t("concentration.select_hint"))
    curve = conc.curve.rename(columns={"key": "client_id"} if is_client else {"key": level})
    columns = ["rank", "client_id" if is_client else level, "name", "amount", "share", "cumulative_share"]
    state = tables.show(ctx, curve, columns, key="concentration.table", select=is_client, link="client_id")
    picked = tables.selected_row(state)
    if picked is not None:
        st.switch_page(nav.page_file("client"), query_params={"client": str(curve.iloc[picked]["client_id"])})
    tables.exports(ctx, curve, columns, name=ctx.t("concentration.export_name"), key="concentration.export")
