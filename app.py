"""Encours: page config, the shared sidebar and the navigation. Nothing else (DESIGN.md)."""

from pathlib import Path

import streamlit as st

from riskcore.ui import frame, nav, resources

# A file of the app, not a Material icon: Streamlit fetches those favicons from a font host.
ICON = Path(__file__).parent / "riskcore" / "ui" / "encours.png"
st.set_page_config(page_title="Encours", page_icon=str(ICON), layout="wide")

with resources.session(frame.language()) as store:  # the workspace file is held for this rerun only
    ctx = frame.render(store)
    with frame.active(ctx):
        nav.navigation(ctx.lang, ctx.user).run()  # the menu lists the pages the reader may open
