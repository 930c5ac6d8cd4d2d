"""Charts of the position at a date: aging buckets, overdue by client, late-payer segments, breakdowns."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from riskcore.reporting.charts.theme import (
    PRIMARY,
    bucket_colour,
    bucket_columns,
    bucket_label,
    layout,
    message,
    money_axis,
    money_hover,
)


def aging_bars(aging: pd.DataFrame, lang: str, basis: str = "due") -> go.Figure:
    """Open amount per aging bucket (columns bucket, amount, invoices), one colour per bucket."""
    labels = [bucket_label(b, lang) for b in aging["bucket"]]
    fig = go.Figure(
        go.Bar(
            x=labels,
            y=aging["amount"].astype(float),
            marker_color=[bucket_colour(i) for i in range(len(aging))],
            customdata=aging["invoices"],
            hovertemplate=f"%{{x}}<br>{money_hover(lang)}<br>{message('invoices', lang)}: %{{customdata:,}}<extra></extra>",
        )
    )
    fig.update_yaxes(**money_axis(lang))
    return layout(fig, lang, message(f"aging_title.{basis}", lang), height=320)


def aging_by_client(clients: pd.DataFrame, lang: str, top: int = 15) -> go.Figure:
    """Stacked overdue buckets of the `top` clients with the largest overdue amounts (kpi.by_client rows)."""
    rows = clients[clients["overdue"] > 0].sort_values("overdue", ascending=False).head(top).iloc[::-1]
    fig = go.Figure()
    for position, bucket in enumerate(bucket_columns(rows), start=1):
        fig.add_bar(
            y=rows["name"].fillna(rows["client_id"]),
            x=rows[bucket].astype(float),
            name=bucket_label(bucket, lang),
            orientation="h",
            marker_color=bucket_colour(position),
            hovertemplate=f"%{{y}}<br>{money_hover(lang, 'x')}<extra>{bucket_label(bucket, lang)}</extra>",
        )
    fig.update_layout(barmode="stack", legend={"traceorder": "normal"})
    fig.update_xaxes(**money_axis(lang))
    return layout(fig, lang, message("aging_by_client_title", lang, n=top), height=max(320, 28 * len(rows) + 120))


def bars(frame: pd.DataFrame, category: str, value: str, lang: str, title: str, money: bool = True) -> go.Figure:
    """Horizontal bars of `value` per `category`, largest on top (breakdowns by sales rep, sector...)."""
    rows = frame.sort_values(value, ascending=True)
    fig = go.Figure(
        go.Bar(
            y=rows[category].fillna(message("none", lang)).astype(str),
            x=rows[value].astype(float),
            orientation="h",
            marker_color=PRIMARY,
            hovertemplate=f"%{{y}}<br>{money_hover(lang, 'x') if money else '%{x:,.1f}'}<extra></extra>",
        )
    )
    if money:
        fig.update_xaxes(**money_axis(lang))
    return layout(fig, lang, title, height=max(280, 26 * len(rows) + 110))


def segment_bars(segments: pd.DataFrame, lang: str) -> go.Figure:
    """Balance per late-payer segment, coloured from on time (green) to the latest (dark red)."""
    fig = go.Figure(
        go.Bar(
            x=[bucket_label(s, lang) for s in segments["segment"]],
            y=segments["balance"].astype(float),
            marker_color=[bucket_colour(i) for i in range(len(segments))],
            customdata=segments["clients"],
            hovertemplate=f"%{{x}}<br>{money_hover(lang)}<br>%{{customdata}} {message('clients', lang)}<extra></extra>",
        )
    )
    fig.update_yaxes(**money_axis(lang))
    return layout(fig, lang, message("segments_title", lang), height=360)


def breakdown_title(dimension: str, lang: str) -> str:
    """The title of a breakdown chart by `dimension` (sales_rep, sector...) in `lang`."""
    return message(f"breakdown_title.{dimension}", lang)
