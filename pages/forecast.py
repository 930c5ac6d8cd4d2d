"""Prévision d'encaissements / Cash forecast: the saved weekly cash-in forecast and its backtest (never computed on view)."""

import streamlit as st

from riskcore.ui import actions, frame, insight, widgets

ctx = frame.context()
widgets.title(ctx, "forecast")
actions.show_flash()
widgets.require_data(ctx)

with widgets.guard(ctx):
    weeks = insight.horizon(ctx)
    found = insight.saved_forecast(ctx, weeks)
    if found is not None:
        insight.forecast_cards(ctx, found.summary)
        insight.weekly_chart(ctx, found)
        insight.forecast_notes(ctx, found.summary)
        insight.forecast_tables(ctx, found)
    st.divider()
    insight.forecast_backtest(ctx, weeks)
