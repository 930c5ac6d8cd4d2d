"""Utilisateurs / Users: the workspace's accounts; add one, disable or enable it, reset its password."""

import streamlit as st

from riskcore.ui import actions, admin, frame, widgets

ctx = frame.context()
st.title(ctx.t("page.users"))
actions.show_flash()

with widgets.guard(ctx):  # riskcore refuses anyone without manage_users (PermissionDenied): a URL can be typed
    accounts = admin.accounts(ctx)
    admin.accounts_table(ctx, accounts)
    tab_add, tab_status, tab_password = st.tabs(
        [ctx.t("users.tab_add"), ctx.t("users.tab_status"), ctx.t("users.tab_password")], key="users.tabs"
    )
    with tab_add:
        admin.add_form(ctx, accounts)
    with tab_status:
        admin.status_form(ctx, accounts)
    with tab_password:
        admin.password_form(ctx, accounts)
