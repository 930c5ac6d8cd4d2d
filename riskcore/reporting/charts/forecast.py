"""Cash-in forecast charts: the weekly expected cash-in with its interval, and the backtest's errors by week."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from riskcore.reporting.charts.theme import (
    BUCKET_COLOURS,
    MUTED,
    PRIMARY,
    layout,
    message,
    money_axis,
    money_hover,
    pct_axis,
    pct_hover,
)

BAND = "rgba(31, 78, 121, 0.18)"  # PRIMARY, light: the interval behind the expected line


def cash_in_weeks(weekly: pd.DataFrame, interval: float, lang: str) -> go.Figure:
    """Expected cash-in per week (bars, the promised part apart) and the `interval` band around it.

    `weekly` is riskcore.credit.forecast.Forecast.weekly: week_start, expected, low, high, promised.
    """
    x = pd.to_datetime(weekly["week_start"])
    pct = f"{interval * 100:.0f}\u202f%" if lang == "fr" else f"{interval * 100:.0f}%"
    fig = go.Figure()
    fig.add_scatter(
        x=x, y=weekly["high"].astype(float), mode="lines", line={"width": 0}, showlegend=False,
        hoverinfo="skip",
    )  # fmt: skip
    fig.add_scatter(
        x=x,
        y=weekly["low"].astype(float),
        mode="lines",
        line={"width": 0},
        fill="tonexty",
        fillcolor=BAND,
        name=message("forecast.band", lang, pct=pct),
        hovertemplate=f"%{{x|%d/%m/%Y}}<br>{money_hover(lang)}<extra>{message('forecast.low', lang)}</extra>",
    )
    fig.add_bar(
        x=x,
        y=(weekly["expected"] - weekly["promised"]).astype(float),
        name=message("forecast.from_history", lang),
        marker_color=PRIMARY,
        hovertemplate=f"%{{x|%d/%m/%Y}}<br>{money_hover(lang)}<extra>{message('forecast.from_history', lang)}</extra>",
    )
    fig.add_bar(
        x=x,
        y=weekly["promised"].astype(float),
        name=message("forecast.promised", lang),
        marker_color=BUCKET_COLOURS[0],
        hovertemplate=f"%{{x|%d/%m/%Y}}<br>{money_hover(lang)}<extra>{message('forecast.promised', lang)}</extra>",
    )
    fig.add_scatter(
        x=x,
        y=weekly["high"].astype(float),
        mode="markers",
        marker={"color": MUTED, "symbol": "line-ew-open", "size": 14},
        name=message("forecast.high", lang),
        hovertemplate=f"%{{x|%d/%m/%Y}}<br>{money_hover(lang)}<extra>{message('forecast.high', lang)}</extra>",
    )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(tickformat="%d/%m")  # week starts; an axis title would sit on the legend
    fig.update_yaxes(rangemode="tozero", **money_axis(lang))
    return layout(fig, lang, message("forecast.title", lang, n=len(weekly)), height=400)


def backtest_wape(by_week: list[dict], lang: str) -> go.Figure:
    """WAPE of the forecast and of the naive forecast per horizon week (forecast_backtest's `by_week`)."""
    rows = pd.DataFrame(by_week)
    fig = go.Figure()
    for name, colour in (("model", PRIMARY), ("naive", MUTED)):
        fig.add_scatter(
            x=rows["week"],
            y=rows[name].astype(float) * 100,
            mode="lines+markers",
            name=message(f"forecast.wape_{name}", lang),
            line={"color": colour, "width": 2},
            hovertemplate=f"{message('forecast.week', lang)} %{{x}}<br>{pct_hover(lang)}<extra></extra>",
        )
    fig.update_xaxes(title={"text": message("forecast.week", lang)}, dtick=1)
    fig.update_yaxes(rangemode="tozero", **pct_axis(lang))
    return layout(fig, lang, message("forecast.wape_title", lang), height=320)
