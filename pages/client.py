"""Fiche client / Client file (`?client=ID`): identity, score and reasons, limit, payment behaviour, history."""

import streamlit as st

from riskcore.reporting import charts
from riskcore.ui import actions, cached, collect, forms, frame, recording, tables, views, widgets

PENALTY_COLUMNS = ["invoice_id", "due_date", "settle_date", "days_late", "amount", "penalty", "indemnity"]

ctx = views.unfiltered(frame.context())  # a client file shows the whole client, whatever the sidebar filters
widgets.title(ctx, "client")
actions.show_flash()
widgets.require_data(ctx)

names = cached.client_names(ctx)
client_id = widgets.client_picker(ctx, list(names), names)
if client_id is None:
    widgets.empty(ctx, "pick_client")
    st.stop()

with widgets.guard(ctx):
    profile = cached.client_profile(ctx, client_id)
    row = views.client_row(ctx, client_id)
    widgets.client_header(ctx, profile, row)
    day = cached.collections_day(ctx)
    collect.client_collections(ctx, day, client_id)
    widgets.kpi_cards(ctx, views.client_cards(ctx, row), per_row=4)
    left, right = st.columns([2, 3])
    with left:
        widgets.client_identity(ctx, profile)
        widgets.reasons(ctx, "client.score_reasons", row.get("reasons"))
        widgets.reasons(ctx, "client.limit_reasons", row.get("limit_reasons"))
    with right:
        history = cached.payment_history(ctx, client_id)
        if history.empty:
            widgets.empty(ctx, "no_payment_history")
        else:
            widgets.chart(charts.days_to_pay(history, ctx.lang), key="client.days_to_pay")

    invoices = cached.open_items(ctx, client_id)
    tabs = st.tabs(
        [ctx.t(f"client.tab_{n}") for n in ("invoices", "dunning", "disputes", "penalties", "limits")],
        key="client.tabs",
    )
    with tabs[0]:
        tables.show(ctx, invoices, views.CLIENT_OPEN_ITEM_COLUMNS, key="client.invoices", link=None, cents=True)
    with tabs[1]:
        tables.show(ctx, cached.dunning_history(ctx, client_id), None, key="client.dunning", link=None)
        collect.client_promises(ctx, day, client_id)
        recording.record_form(ctx, day, [client_id], key="client.record", invoices=invoices)
    with tabs[2]:
        tables.show(ctx, cached.disputes(ctx, client_id), None, key="client.disputes", link=None, cents=True)
    with tabs[3]:
        tables.show(
            ctx, cached.penalties(ctx, client_id), PENALTY_COLUMNS, key="client.penalties", link=None, cents=True
        )
    with tabs[4]:
        forms.limit_form(ctx, views.clients(ctx), names, key="client.limit", client_id=client_id)
        forms.history(ctx, cached.limit_history(ctx, client_id), key="client.limit_history")
