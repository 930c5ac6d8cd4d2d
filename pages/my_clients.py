"""Mes clients / My clients: a sales rep's clients, their collections state, this week's alerts."""

import streamlit as st

from riskcore.dunning import portfolio
from riskcore.ui import actions, cached, collect, fmt, frame, recording, tables, widgets

ctx = frame.context()
widgets.title(ctx, "my_clients")
actions.show_flash()
widgets.require_data(ctx)

with widgets.guard(ctx):
    day = cached.collections_day(ctx)
    rep = collect.sales_rep_of(ctx, day)
    if rep is None:
        widgets.empty(ctx, "no_sales_rep")
        st.stop()
    board = portfolio.board(day, sales_rep=rep)

    st.subheader(ctx.t("collect.alerts_week"))
    collect.alerts_table(ctx, day, board["client_id"].tolist(), key="mine.alerts")

    st.subheader(ctx.t("collect.my_clients", rep=fmt.literal(rep)))
    state = tables.show(
        ctx, collect.dated(board), collect.BOARD_COLUMNS, key="mine.clients", select="multi", empty="no_rep_client"
    )
    chosen = [str(board["client_id"].iloc[i]) for i in tables.selected_rows(state) if i < len(board)]

    st.subheader(ctx.t("collect.record"))
    recording.record_form(ctx, day, chosen, key="mine.record", kinds=recording.REP_KINDS)
