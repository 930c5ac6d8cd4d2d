"""The look shared by every chart: one theme, one colour per aging bucket and per grade, axes and labels.

Importing this module registers the `encours` plotly template the charts use.
"""

from __future__ import annotations

import re

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from riskcore import config
from riskcore.i18n import has, t

PRIMARY = "#1f4e79"
INK = "#1f2933"
GRID = "#e4e7eb"
MUTED = "#7b8794"
# Aging buckets and late-payer segments by position, from not due / on time to the latest.
BUCKET_COLOURS = ("#2e7d32", "#f2b134", "#ed7d31", "#c9372c", "#7a1f1a", "#4a0f0c", "#2b0806")
GRADE_COLOURS = {"A": "#1a7f4b", "B": "#7cba6b", "C": "#f2b134", "D": "#e07b24", "E": "#b3261e"}
SERIES_COLOURS = {
    "total_outstanding": PRIMARY,
    "overdue_amount": BUCKET_COLOURS[3],
    "dso_countback": MUTED,
    "terms": "#5b8def",
    "share": PRIMARY,
    "cumulative": BUCKET_COLOURS[2],
}
CATEGORY_COLOURS = (PRIMARY, "#5b8def", "#2e7d32", "#f2b134", "#ed7d31", "#8e44ad", "#16a085", "#7b8794")

pio.templates["encours"] = go.layout.Template(
    layout=go.Layout(
        font={"family": "Inter, 'Source Sans Pro', Arial, sans-serif", "size": 13, "color": INK},
        title={"font": {"size": 16, "color": INK}, "x": 0, "xanchor": "left"},
        colorway=CATEGORY_COLOURS,
        paper_bgcolor="white",
        plot_bgcolor="white",
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        xaxis={"gridcolor": GRID, "linecolor": GRID, "zeroline": False, "automargin": True},
        yaxis={"gridcolor": GRID, "linecolor": GRID, "zeroline": False, "automargin": True},
        legend={"orientation": "h", "y": -0.15, "x": 0, "title": {"text": ""}},
        hoverlabel={"bgcolor": "white", "font": {"color": INK}},
        bargap=0.25,
    )
)


def message(key: str, lang: str, **params: object) -> str:
    """The chart message `charts.<key>` in `lang`."""
    return t(f"charts.{key}", lang, **params)


def layout(fig: go.Figure, lang: str, title: str, height: int = 360) -> go.Figure:
    """The Encours template, the language's number separators (`1 234,5` / `1,234.5`) and a title."""
    separators = ",\u202f" if lang == "fr" else ".,"
    fig.update_layout(template="encours", separators=separators, title={"text": title}, height=height)
    return fig


def money_axis(lang: str) -> dict:
    """Axis settings for amounts in the ledger currency, placed as the language writes it."""
    symbol = {"EUR": "€", "USD": "$", "GBP": "£"}.get(config.get().app.currency, config.get().app.currency)
    side = {"ticksuffix": f"\u00a0{symbol}"} if lang == "fr" else {"tickprefix": symbol}
    return {"tickformat": ",.0f", **side}


def pct_axis(lang: str) -> dict:
    """Axis settings for shares plotted in percent (0-100): `20 %` in French, `20%` in English."""
    return {"tickformat": ",.0f", "ticksuffix": "\u202f%" if lang == "fr" else "%"}


def pct_hover(lang: str, value: str = "y") -> str:
    """A hover template for a share plotted in percent: `12,5 %` in French."""
    return f"%{{{value}:,.1f}}" + ("\u202f%" if lang == "fr" else "%")


def sector_label(code: object, lang: str) -> str:
    """A sector's readable name (`charts.naf.<code>`), else its raw code, else `no_sector`."""
    if code is None or code != code or code == "":
        return message("no_sector", lang)
    key = f"charts.naf.{code}"
    return t(key, lang) if has(key, lang) else str(code)


def money_hover(lang: str, value: str = "y") -> str:
    """A hover template for an amount in the ledger currency, without cents, placed as the language writes it."""
    symbol = {"EUR": "€", "USD": "$", "GBP": "£"}.get(config.get().app.currency, config.get().app.currency)
    return f"%{{{value}:,.0f}}\u00a0{symbol}" if lang == "fr" else f"{symbol}%{{{value}:,.0f}}"


_RANGE = re.compile(r"^d(\d+)_(\d+)$")
_OVER = re.compile(r"^d(\d+)_plus$")


def bucket_colour(position: int) -> str:
    """The colour of the bucket at `position` (0 = not due), the same on every page."""
    return BUCKET_COLOURS[min(position, len(BUCKET_COLOURS) - 1)]


def bucket_columns(frame: pd.DataFrame) -> list[str]:
    """The overdue bucket columns of a kpi.by_client frame (`d1_30` ... `d91_plus`), in order."""
    return [c for c in frame.columns if _RANGE.match(c) or _OVER.match(c)]


def is_bucket(name: object) -> bool:
    """True for the name of an aging bucket or late-payer segment (`not_due`, `d1_30`, `d91_plus`, `on_time`)."""
    return isinstance(name, str) and (name in ("not_due", "on_time") or bool(_RANGE.match(name) or _OVER.match(name)))


def bucket_label(bucket: str, lang: str) -> str:
    """The words for an aging bucket or late-payer segment of any configured edges: `d31_60` -> `31–60 j`."""
    if match := _RANGE.match(bucket):
        return message("range", lang, low=match[1], high=match[2])
    if match := _OVER.match(bucket):
        return message("over", lang, low=match[1])
    return message(f"bucket.{bucket}", lang)  # not_due, on_time
