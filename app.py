"""Encours: page config, the shared sidebar and the navigation. Nothing else (DESIGN.md)."""

import streamlit as st

from riskcore.ui import frame, nav, resources

st.set_page_config(page_title="Encours", page_icon=":material/account_balance:", layout="wide")

ctx = frame.render(resources.workspace(frame.language()))
with frame.active(ctx):
    nav.navigation(ctx.lang).run()
