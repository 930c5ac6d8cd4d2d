"""Données / Data: upload ledger files, check kind and mapping, import, history, demo and workspace."""

import streamlit as st

from riskcore.ui import actions, cached, fmt, forms, frame, tables, uploads, widgets

ctx = frame.context()
widgets.title(ctx, "data")
actions.show_flash()
tab_import, tab_history, tab_workspace = st.tabs(
    [ctx.t("data.tab_import"), ctx.t("data.tab_history"), ctx.t("data.tab_workspace")], key="data.tabs"
)

with tab_import:
    st.markdown(ctx.t("data.intro"))
    files = st.file_uploader(
        ctx.t("data.upload"),
        type=uploads.TYPES,
        accept_multiple_files=True,
        key="data.upload",
        help=ctx.t("data.upload_help"),
    )
    staged = uploads.stage(files or [])
    previews, mappings = [], []
    for file in staged:
        with st.expander(fmt.literal(file.name), expanded=True), widgets.guard(ctx):
            prev, chosen = uploads.file_panel(ctx, file)
            previews.append(prev)
            mappings.append(chosen)
    if staged and len(previews) == len(staged):
        forms.import_form(ctx, staged, previews, mappings)
    elif not staged:
        widgets.empty(ctx, "no_upload")
    actions.show_last_report(ctx)

with tab_history:
    history = cached.import_history(ctx)
    tables.show(ctx, history, list(history.columns), key="data.history", link=None, empty="no_imports")

with tab_workspace:
    forms.workspace_panel(ctx, cached.ledger_counts(ctx))
