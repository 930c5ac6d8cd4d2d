"""Recouvrement / Collections: today's worklist by payer profile, recording, letters, collection KPIs."""

import streamlit as st

from riskcore.ui import actions, cached, collect, frame, recording, widgets

ctx = frame.context()
widgets.title(ctx, "collections")
actions.show_flash()
widgets.require_data(ctx)

with widgets.guard(ctx):
    day = cached.collections_day(ctx)
    if not ctx.user.own_clients_only:  # the team's figures: riskcore refuses them to a sales rep
        collect.kpi_cards(ctx, day)

    st.subheader(ctx.t("collect.worklist"))
    st.caption(ctx.t("collect.worklist_help"))
    work = collect.worklist_filters(ctx, collect.in_filters(ctx, day.work), key="collect.filter")
    selected = collect.worklist_table(ctx, work, key="collect.worklist")
    listed = work["client_id"].tolist()
    collect.letters_button(ctx, day, listed, key="collect.letters")

    st.subheader(ctx.t("collect.record"))
    recording.record_form(ctx, day, selected, key="collect.record")

    if not ctx.user.own_clients_only:  # the team's figures: riskcore refuses them to a sales rep
        st.subheader(ctx.t("collect.figures"))
        collect.kpi_tables(ctx, day)
