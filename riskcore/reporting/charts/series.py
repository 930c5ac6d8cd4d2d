"""Charts over time: monthly outstanding and DSO, days to pay and days late, one client's payments."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from riskcore.reporting.charts.theme import (
    PRIMARY,
    SERIES_COLOURS,
    bucket_colour,
    layout,
    message,
    money_axis,
    money_hover,
)


def trend(series: pd.DataFrame, lang: str) -> go.Figure:
    """Monthly outstanding and overdue (bars, left axis) and countback DSO (line, right axis)."""
    x = pd.to_datetime(series["month_end"])
    fig = go.Figure()
    for column in ("total_outstanding", "overdue_amount"):
        fig.add_bar(
            x=x,
            y=series[column].astype(float),
            name=message(f"series.{column}", lang),
            marker_color=SERIES_COLOURS[column],
            hovertemplate=f"%{{x|%m/%Y}}<br>{money_hover(lang)}<extra>{message(f'series.{column}', lang)}</extra>",
        )
    fig.add_scatter(
        x=x,
        y=series["dso_countback"].astype(float),
        name=message("series.dso_countback", lang),
        yaxis="y2",
        mode="lines+markers",
        line={"color": SERIES_COLOURS["dso_countback"], "width": 2},
        hovertemplate=f"%{{x|%m/%Y}}<br>%{{y:,.1f}} {message('days', lang)}<extra></extra>",
    )
    fig.update_layout(
        barmode="overlay",
        yaxis={**money_axis(lang)},
        yaxis2={
            "overlaying": "y",
            "side": "right",
            "showgrid": False,
            "title": {"text": message("days", lang)},
            "tickmode": "auto",
            "tickformat": ",.0f",
            "rangemode": "tozero",
        },
        xaxis={"tickformat": "%m/%Y", "dtick": "M3"},
    )
    return layout(fig, lang, message("trend_title", lang, n=len(series)), height=380)


def days_to_pay(history: pd.DataFrame, lang: str) -> go.Figure:
    """Days to pay per settled invoice over time, sized by amount, with the agreed terms as a line."""
    rows = history.sort_values("invoice_date")
    x = pd.to_datetime(rows["invoice_date"])
    late = rows["days_late"].fillna(0).astype(float) > 0
    fig = go.Figure()
    fig.add_scatter(
        x=x,
        y=rows["days_to_pay"].astype(float),
        mode="markers",
        name=message("days_to_pay", lang),
        marker={
            "color": [bucket_colour(2) if v else bucket_colour(0) for v in late],
            "size": 9,
            "opacity": 0.8,
            "line": {"width": 0},
        },
        customdata=rows[["days_late"]].fillna(0).astype(float),
        hovertemplate=f"%{{x|%d/%m/%Y}}<br>{message('days_to_pay', lang)}: %{{y:.0f}}<br>"
        f"{message('days_late', lang)}: %{{customdata[0]:.0f}}<extra></extra>",
    )
    fig.add_scatter(
        x=x,
        y=rows["terms_days"].astype(float),
        mode="lines",
        name=message("terms", lang),
        line={"color": SERIES_COLOURS["terms"], "dash": "dash", "shape": "hv"},
        hoverinfo="skip",
    )
    fig.update_layout(
        xaxis={"tickformat": "%m/%Y"}, yaxis={"title": {"text": message("days", lang)}, "rangemode": "tozero"}
    )
    return layout(fig, lang, message("days_to_pay_title", lang), height=360)


def days_trend(series: pd.DataFrame, lang: str) -> go.Figure:
    """Monthly amount-weighted days to pay and days late (kpi.monthly_series)."""
    x = pd.to_datetime(series["month_end"])
    fig = go.Figure()
    for column, colour in (("weighted_days_to_pay", PRIMARY), ("avg_days_late", bucket_colour(2))):
        fig.add_scatter(
            x=x,
            y=series[column].astype(float),
            name=message(f"series.{column}", lang),
            mode="lines+markers",
            line={"color": colour, "width": 2},
            hovertemplate=f"%{{x|%m/%Y}}<br>%{{y:,.1f}} {message('days', lang)}<extra>{message(f'series.{column}', lang)}</extra>",
        )
    fig.update_layout(
        xaxis={"tickformat": "%m/%Y", "dtick": "M3"},
        yaxis={"title": {"text": message("days", lang)}, "rangemode": "tozero"},
    )
    return layout(fig, lang, message("days_trend_title", lang), height=360)
