"""Plotly figures of the dashboard: one theme, one colour per aging bucket and per grade.

No Streamlit here: each function takes frames from riskcore.receivables.kpi / scoring and the reader's
language and returns a figure, so charts can be tested and reused in reports.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from riskcore import config
from riskcore.i18n import fmt_pct, has, t

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


def _c(key: str, lang: str, **params: object) -> str:
    return t(f"charts.{key}", lang, **params)


def _layout(fig: go.Figure, lang: str, title: str, height: int = 360) -> go.Figure:
    """The Encours template, the language's number separators (`1 234,5` / `1,234.5`) and a title."""
    separators = ",\u202f" if lang == "fr" else ".,"
    fig.update_layout(template="encours", separators=separators, title={"text": title}, height=height)
    return fig


def _money_axis(lang: str) -> dict:
    """Axis settings for amounts in the ledger currency, placed as the language writes it."""
    symbol = {"EUR": "€", "USD": "$", "GBP": "£"}.get(config.get().app.currency, config.get().app.currency)
    side = {"ticksuffix": f"\u00a0{symbol}"} if lang == "fr" else {"tickprefix": symbol}
    return {"tickformat": ",.0f", **side}


def _pct_axis(lang: str) -> dict:
    """Axis settings for shares plotted in percent (0-100): `20 %` in French, `20%` in English."""
    return {"tickformat": ",.0f", "ticksuffix": "\u202f%" if lang == "fr" else "%"}


def _pct_hover(lang: str, value: str = "y") -> str:
    return f"%{{{value}:,.1f}}" + ("\u202f%" if lang == "fr" else "%")


def sector_label(code: object, lang: str) -> str:
    """A sector's readable name (`charts.naf.<code>`), else its raw code, else `no_sector`."""
    if code is None or code != code or code == "":
        return _c("no_sector", lang)
    key = f"charts.naf.{code}"
    return t(key, lang) if has(key, lang) else str(code)


def _money_hover(lang: str, value: str = "y") -> str:
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
        return _c("range", lang, low=match[1], high=match[2])
    if match := _OVER.match(bucket):
        return _c("over", lang, low=match[1])
    return _c(f"bucket.{bucket}", lang)  # not_due, on_time


def aging_bars(aging: pd.DataFrame, lang: str, basis: str = "due") -> go.Figure:
    """Open amount per aging bucket (columns bucket, amount, invoices), one colour per bucket."""
    labels = [bucket_label(b, lang) for b in aging["bucket"]]
    fig = go.Figure(
        go.Bar(
            x=labels,
            y=aging["amount"].astype(float),
            marker_color=[bucket_colour(i) for i in range(len(aging))],
            customdata=aging["invoices"],
            hovertemplate=f"%{{x}}<br>{_money_hover(lang)}<br>{_c('invoices', lang)}: %{{customdata:,}}<extra></extra>",
        )
    )
    fig.update_yaxes(**_money_axis(lang))
    return _layout(fig, lang, _c(f"aging_title.{basis}", lang), height=320)


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
            hovertemplate=f"%{{y}}<br>{_money_hover(lang, 'x')}<extra>{bucket_label(bucket, lang)}</extra>",
        )
    fig.update_layout(barmode="stack", legend={"traceorder": "normal"})
    fig.update_xaxes(**_money_axis(lang))
    return _layout(fig, lang, _c("aging_by_client_title", lang, n=top), height=max(320, 28 * len(rows) + 120))


def trend(series: pd.DataFrame, lang: str) -> go.Figure:
    """Monthly outstanding and overdue (bars, left axis) and countback DSO (line, right axis)."""
    x = pd.to_datetime(series["month_end"])
    fig = go.Figure()
    for column in ("total_outstanding", "overdue_amount"):
        fig.add_bar(
            x=x,
            y=series[column].astype(float),
            name=_c(f"series.{column}", lang),
            marker_color=SERIES_COLOURS[column],
            hovertemplate=f"%{{x|%m/%Y}}<br>{_money_hover(lang)}<extra>{_c(f'series.{column}', lang)}</extra>",
        )
    fig.add_scatter(
        x=x,
        y=series["dso_countback"].astype(float),
        name=_c("series.dso_countback", lang),
        yaxis="y2",
        mode="lines+markers",
        line={"color": SERIES_COLOURS["dso_countback"], "width": 2},
        hovertemplate=f"%{{x|%m/%Y}}<br>%{{y:,.1f}} {_c('days', lang)}<extra></extra>",
    )
    fig.update_layout(
        barmode="overlay",
        yaxis={**_money_axis(lang)},
        yaxis2={
            "overlaying": "y",
            "side": "right",
            "showgrid": False,
            "title": {"text": _c("days", lang)},
            "tickmode": "auto",
            "tickformat": ",.0f",
            "rangemode": "tozero",
        },
        xaxis={"tickformat": "%m/%Y", "dtick": "M3"},
    )
    return _layout(fig, lang, _c("trend_title", lang, n=len(series)), height=380)


def pareto(curve: pd.DataFrame, lang: str, pareto_share: float, basis: str, top: int = 40) -> go.Figure:
    """Largest amounts as bars and the cumulative share as a line up to 100 %, with the Pareto mark."""
    rows = curve.sort_values("rank").head(top)
    names = rows["name"].fillna(rows["key"]).astype(str)
    fig = go.Figure()
    fig.add_bar(
        x=names,
        y=rows["amount"].astype(float),
        name=_c(f"basis.{basis}", lang),
        marker_color=SERIES_COLOURS["share"],
        customdata=rows["key"],
        hovertemplate=f"%{{x}}<br>{_money_hover(lang)}<extra></extra>",
    )
    fig.add_scatter(
        x=names,
        y=rows["cumulative_share"].astype(float) * 100,
        name=_c("cumulative_share", lang),
        yaxis="y2",
        mode="lines+markers",
        line={"color": SERIES_COLOURS["cumulative"]},
        hovertemplate=f"%{{x}}<br>{_pct_hover(lang)}<extra></extra>",
    )
    fig.add_shape(
        type="line",
        xref="paper",
        x0=0,
        x1=1,
        yref="y2",
        y0=pareto_share * 100,
        y1=pareto_share * 100,
        line={"color": MUTED, "dash": "dot"},
    )
    fig.update_layout(
        yaxis={**_money_axis(lang)},
        yaxis2={
            "overlaying": "y",
            "side": "right",
            "range": [0, 102],
            **_pct_axis(lang),
            "showgrid": False,
            "tickmode": "linear",
            "tick0": 0,
            "dtick": 20,
        },
        xaxis={"tickangle": -45, "showticklabels": len(rows) <= 25},
    )
    return _layout(fig, lang, _c(f"pareto_title.{basis}", lang, n=len(rows)), height=420)


def top_shares(shares: Mapping[int, float], lang: str, warning: float) -> go.Figure:
    """Share of the top 1, 3, 5, 10 clients, the concentration warning as a dotted line."""
    keys = sorted(shares)
    fig = go.Figure(
        go.Bar(
            x=[_c("top_n", lang, n=n) for n in keys],
            y=[float(shares[n]) * 100 for n in keys],
            marker_color=[BUCKET_COLOURS[3] if n == 3 and shares[n] >= warning else PRIMARY for n in keys],
            hovertemplate=f"%{{x}}: {_pct_hover(lang)}<extra></extra>",
            text=[fmt_pct(float(shares[n]), lang, 0) for n in keys],
            textposition="outside",
        )
    )
    line = {"color": MUTED, "dash": "dot"}
    fig.add_shape(type="line", xref="paper", x0=0, x1=1, y0=warning * 100, y1=warning * 100, line=line)
    fig.update_yaxes(range=[0, 105], **_pct_axis(lang))
    return _layout(fig, lang, _c("top_shares_title", lang), height=320)


def treemap(
    clients: pd.DataFrame, lang: str, value: str = "balance", sectors: int = 10, per_sector: int = 4
) -> go.Figure:
    """Outstanding by sector, then group (or the client itself when it belongs to none).

    Only readable tiles are drawn: the `per_sector` largest groups or clients of each of the
    `sectors` largest sectors; the rest of a sector, and the smaller sectors, become "others".
    """
    rows = clients[clients[value].astype(float) > 0]
    leaf = rows["group_id"].where(rows["group_id"].notna(), rows["name"].fillna(rows["client_id"])).astype(str)
    by_leaf = (
        pd.DataFrame({"sector": rows["sector"].astype(object), "leaf": leaf, "amount": rows[value].astype(float)})
        .fillna({"sector": ""})
        .groupby(["sector", "leaf"], as_index=False)["amount"]
        .sum()
    )
    totals = by_leaf.groupby("sector")["amount"].sum().sort_values(ascending=False)
    kept = set(totals.index[:sectors])
    nodes: list[tuple[str, str, str, float]] = []  # id, parent, label, value
    for sector, total in totals.items():
        if sector not in kept:
            continue
        sid = f"s/{sector}"
        nodes.append((sid, "", sector_label(sector or None, lang), 0.0))
        leaves = by_leaf[by_leaf["sector"] == sector].nlargest(per_sector, "amount")
        nodes += [
            (f"{sid}/{name}", sid, str(name), amount)
            for name, amount in zip(leaves["leaf"], leaves["amount"], strict=True)
        ]
        rest = total - float(leaves["amount"].sum())
        if rest > 0.5:
            others = int((by_leaf["sector"] == sector).sum()) - len(leaves)
            nodes.append((f"{sid}/~others", sid, _c("others", lang, n=others), rest))
    small = float(totals[[s not in kept for s in totals.index]].sum())
    if small > 0.5:
        nodes.append(("s/~others", "", _c("other_sectors", lang, n=len(totals) - len(kept)), small))
    ids, parents, labels, values = (list(col) for col in zip(*nodes, strict=True)) if nodes else ([], [], [], [])
    fig = go.Figure(
        go.Treemap(
            ids=ids,
            parents=parents,
            labels=labels,
            values=values,
            branchvalues="remainder",
            hovertemplate=f"%{{label}}<br>{_money_hover(lang, 'value')}<extra></extra>",
            texttemplate=f"%{{label}}<br>{_money_hover(lang, 'value')}",
            marker={"colors": None},
            root_color="white",
        )
    )
    fig.update_layout(treemapcolorway=list(CATEGORY_COLOURS))
    return _layout(fig, lang, _c("treemap_title", lang), height=520)


def bars(frame: pd.DataFrame, category: str, value: str, lang: str, title: str, money: bool = True) -> go.Figure:
    """Horizontal bars of `value` per `category`, largest on top (breakdowns by sales rep, sector...)."""
    rows = frame.sort_values(value, ascending=True)
    fig = go.Figure(
        go.Bar(
            y=rows[category].fillna(_c("none", lang)).astype(str),
            x=rows[value].astype(float),
            orientation="h",
            marker_color=PRIMARY,
            hovertemplate=f"%{{y}}<br>{_money_hover(lang, 'x') if money else '%{x:,.1f}'}<extra></extra>",
        )
    )
    if money:
        fig.update_xaxes(**_money_axis(lang))
    return _layout(fig, lang, title, height=max(280, 26 * len(rows) + 110))


def segment_bars(segments: pd.DataFrame, lang: str) -> go.Figure:
    """Balance per late-payer segment, coloured from on time (green) to the latest (dark red)."""
    fig = go.Figure(
        go.Bar(
            x=[bucket_label(s, lang) for s in segments["segment"]],
            y=segments["balance"].astype(float),
            marker_color=[bucket_colour(i) for i in range(len(segments))],
            customdata=segments["clients"],
            hovertemplate=f"%{{x}}<br>{_money_hover(lang)}<br>%{{customdata}} {_c('clients', lang)}<extra></extra>",
        )
    )
    fig.update_yaxes(**_money_axis(lang))
    return _layout(fig, lang, _c("segments_title", lang), height=360)


def breakdown_title(dimension: str, lang: str) -> str:
    return _c(f"breakdown_title.{dimension}", lang)


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
        name=_c("days_to_pay", lang),
        marker={
            "color": [bucket_colour(2) if v else bucket_colour(0) for v in late],
            "size": 9,
            "opacity": 0.8,
            "line": {"width": 0},
        },
        customdata=rows[["days_late"]].fillna(0).astype(float),
        hovertemplate=f"%{{x|%d/%m/%Y}}<br>{_c('days_to_pay', lang)}: %{{y:.0f}}<br>"
        f"{_c('days_late', lang)}: %{{customdata[0]:.0f}}<extra></extra>",
    )
    fig.add_scatter(
        x=x,
        y=rows["terms_days"].astype(float),
        mode="lines",
        name=_c("terms", lang),
        line={"color": SERIES_COLOURS["terms"], "dash": "dash", "shape": "hv"},
        hoverinfo="skip",
    )
    fig.update_layout(xaxis={"tickformat": "%m/%Y"}, yaxis={"title": {"text": _c("days", lang)}, "rangemode": "tozero"})
    return _layout(fig, lang, _c("days_to_pay_title", lang), height=360)


def grade_counts(grades: pd.Series, lang: str) -> go.Figure:
    """How many clients hold each grade, A (safest) to E."""
    counts = grades.value_counts().reindex(list(GRADE_COLOURS), fill_value=0)
    fig = go.Figure(
        go.Bar(
            x=list(counts.index),
            y=counts.values,
            marker_color=[GRADE_COLOURS[g] for g in counts.index],
            hovertemplate=f"%{{x}}: %{{y}} {_c('clients', lang)}<extra></extra>",
        )
    )
    return _layout(fig, lang, _c("grades_title", lang), height=300)


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
            hovertemplate=f"%{{text}}<br>{_c('current', lang)}: {_money_hover(lang, 'x')}"
            f"<br>{_c('suggested', lang)}: {_money_hover(lang)}<extra>{grade}</extra>",
        )
    top = float(max(limits["credit_limit"].max() or 0, limits["suggested_limit"].max() or 0, 1))
    fig.add_shape(type="line", x0=0, y0=0, x1=top, y1=top, line={"color": MUTED, "dash": "dot"})
    # A standoff keeps the axis titles clear of the (long, money) tick labels.
    fig.update_xaxes(title={"text": _c("current", lang), "standoff": 12}, **_money_axis(lang))
    fig.update_yaxes(title={"text": _c("suggested", lang), "standoff": 16}, **_money_axis(lang))
    fig.update_layout(legend={"y": -0.25, "title": {"text": _c("grade", lang)}})
    return _layout(fig, lang, _c("limits_title", lang), height=420)


def days_trend(series: pd.DataFrame, lang: str) -> go.Figure:
    """Monthly amount-weighted days to pay and days late (kpi.monthly_series)."""
    x = pd.to_datetime(series["month_end"])
    fig = go.Figure()
    for column, colour in (("weighted_days_to_pay", PRIMARY), ("avg_days_late", bucket_colour(2))):
        fig.add_scatter(
            x=x,
            y=series[column].astype(float),
            name=_c(f"series.{column}", lang),
            mode="lines+markers",
            line={"color": colour, "width": 2},
            hovertemplate=f"%{{x|%m/%Y}}<br>%{{y:,.1f}} {_c('days', lang)}<extra>{_c(f'series.{column}', lang)}</extra>",
        )
    fig.update_layout(
        xaxis={"tickformat": "%m/%Y", "dtick": "M3"}, yaxis={"title": {"text": _c("days", lang)}, "rangemode": "tozero"}
    )
    return _layout(fig, lang, _c("days_trend_title", lang), height=360)
