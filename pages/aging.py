"""Balance âgée / Aging: buckets by client, by due date or invoice date, drill-down to invoices, export."""

import streamlit as st

from riskcore.reporting import charts
from riskcore.ui import cached, fmt, frame, tables, views, widgets

ctx = frame.context()
widgets.title(ctx, "aging")
widgets.require_data(ctx)

with widgets.guard(ctx):
    basis = st.segmented_control(
        ctx.t("aging.basis"),
        ["due", "invoice"],
        default="due",
        key="aging.basis",
        required=True,
        format_func=lambda b: ctx.t(f"aging.basis_{b}"),
    )
    left, right = st.columns([2, 3])
    with left:
        widgets.chart(charts.aging_bars(cached.aging(ctx, basis), ctx.lang, basis), key="aging.buckets")
    clients = views.clients(ctx)
    with right:
        widgets.chart(charts.aging_by_client(clients, ctx.lang), key="aging.by_client")

    st.subheader(ctx.t("aging.by_client"))
    st.caption(ctx.t("aging.select_hint"))
    rows = clients[clients["balance"].fillna(0) != 0].sort_values("balance", ascending=False).reset_index(drop=True)
    columns = ["client_id", "name", "balance", "not_due", *charts.bucket_columns(rows), "max_days_past_due"]
    picked = tables.selected_row(tables.show(ctx, rows, columns, key="aging.clients", select=True))
    tables.exports(ctx, rows, columns, name=ctx.t("aging.export_name"), key="aging.export")

    client_id = rows.loc[picked, "client_id"] if picked is not None else None
    st.subheader(
        ctx.t("aging.invoices_of", client=fmt.literal(rows.loc[picked, "name"]))
        if client_id
        else ctx.t("aging.invoices")
    )
    invoices = cached.open_items(ctx, client_id)
    if invoices.empty:
        widgets.empty(ctx, "no_open_items")
    else:
        tables.show(ctx, invoices, views.OPEN_ITEM_COLUMNS, key="aging.invoices", cents=True)
        tables.exports(
            ctx, invoices, views.OPEN_ITEM_COLUMNS, name=ctx.t("aging.export_invoices"), key="aging.export_invoices"
        )
