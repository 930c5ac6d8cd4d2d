"""Journal d'audit / Audit log: every write, filtered by user, action, entity and dates, newest first; export."""

import streamlit as st

from riskcore.ui import admin, frame, widgets

ctx = frame.context()
st.title(ctx.t("page.audit"))
st.caption(ctx.t("audit.intro"))

with widgets.guard(ctx):  # riskcore refuses anyone without the audit permission (PermissionDenied)
    rows = admin.audit_rows(ctx)
    admin.audit_table(ctx, rows)
