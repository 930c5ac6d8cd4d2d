"""Credit charts: clients per grade and current against suggested limits."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from riskcore.reporting.charts.theme import GRADE_COLOURS, MUTED, layout, message, money_axis, money_hover


def grade_counts(grades: pd.Series, lang: str) -> go.Figure:
    """How many clients hold each grade, A (safest) to E."""
    counts = grades.value_counts().reindex(list(GRADE_COLOURS), fill_value=0)
    fig = go.Figure(
        go.Bar(
            x=list(counts.index),
            y=counts.values,
            marker_color=[GRADE_COLOURS[g] for g in counts.index],
            hovertemplate=f"%{{x}}: %{{y}} {message('clients', lang)}<extra></extra>",
        )
    )
    return layout(fig, lang, message("grades_title", lang), height=300)


def limits_scatter(limits: pd.DataFrame, lang: str) -> go.Figure:
    """Current against suggested limit per client, coloured by grade; the diagonal is agreement."""
    fig = go.Figure()
    for grade, colour in GRADE_COLOURS.items():
        rows = limits[limits["grade"] == grade]
        if rows.empty:
            continue
        fig.add_scattergl(  # WebGL: thousands of clients stay smooth
            x=rows["credit_limit"].astype(float),
            y=rows["suggested_limit"].astype(float),
            mode="markers",
            name=grade,
            marker={"color": colour, "size": 8, "opacity": 0.85},
            text=rows["name"].fillna(rows["client_id"]).astype(str),
            hovertemplate=f"%{{text}}<br>{message('current', lang)}: {money_hover(lang, 'x')}"
            f"<br>{message('suggested', lang)}: {money_hover(lang)}<extra>{grade}</extra>",
        )
    top = float(max(limits["credit_limit"].max() or 0, limits["suggested_limit"].max() or 0, 1))
    fig.add_shape(type="line", x0=0, y0=0, x1=top, y1=top, line={"color": MUTED, "dash": "dot"})
    # A standoff keeps the axis titles clear of the (long, money) tick labels.
    fig.update_xaxes(title={"text": message("current", lang), "standoff": 12}, **money_axis(lang))
    fig.update_yaxes(title={"text": message("suggested", lang), "standoff": 16}, **money_axis(lang))
    fig.update_layout(legend={"y": -0.25, "title": {"text": message("grade", lang)}})
    return layout(fig, lang, message("limits_title", lang), height=420)
