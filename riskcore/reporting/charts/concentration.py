"""Concentration charts: the Pareto curve, top-N shares and the treemap by sector and group."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from riskcore.i18n import fmt_pct
from riskcore.reporting.charts.theme import (
    BUCKET_COLOURS,
    CATEGORY_COLOURS,
    MUTED,
    PRIMARY,
    SERIES_COLOURS,
    layout,
    message,
    money_axis,
    money_hover,
    pct_axis,
    pct_hover,
    sector_label,
)


def pareto(curve: pd.DataFrame, lang: str, pareto_share: float, basis: str, top: int = 40) -> go.Figure:
    """Largest amounts as bars and the cumulative share as a line up to 100 %, with the Pareto mark."""
    rows = curve.sort_values("rank").head(top)
    names = rows["name"].fillna(rows["key"]).astype(str)
    fig = go.Figure()
    fig.add_bar(
        x=names,
        y=rows["amount"].astype(float),
        name=message(f"basis.{basis}", lang),
        marker_color=SERIES_COLOURS["share"],
        customdata=rows["key"],
        hovertemplate=f"%{{x}}<br>{money_hover(lang)}<extra></extra>",
    )
    fig.add_scatter(
        x=names,
        y=rows["cumulative_share"].astype(float) * 100,
        name=message("cumulative_share", lang),
        yaxis="y2",
        mode="lines+markers",
        line={"color": SERIES_COLOURS["cumulative"]},
        hovertemplate=f"%{{x}}<br>{pct_hover(lang)}<extra></extra>",
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
        yaxis={**money_axis(lang)},
        yaxis2={
            "overlaying": "y",
            "side": "right",
            "range": [0, 102],
            **pct_axis(lang),
            "showgrid": False,
            "tickmode": "linear",
            "tick0": 0,
            "dtick": 20,
        },
        xaxis={"tickangle": -45, "showticklabels": len(rows) <= 25},
    )
    return layout(fig, lang, message(f"pareto_title.{basis}", lang, n=len(rows)), height=420)


def top_shares(shares: Mapping[int, float], lang: str, warning: float) -> go.Figure:
    """Share of the top 1, 3, 5, 10 clients, the concentration warning as a dotted line."""
    keys = sorted(shares)
    fig = go.Figure(
        go.Bar(
            x=[message("top_n", lang, n=n) for n in keys],
            y=[float(shares[n]) * 100 for n in keys],
            marker_color=[BUCKET_COLOURS[3] if n == 3 and shares[n] >= warning else PRIMARY for n in keys],
            hovertemplate=f"%{{x}}: {pct_hover(lang)}<extra></extra>",
            text=[fmt_pct(float(shares[n]), lang, 0) for n in keys],
            textposition="outside",
        )
    )
    line = {"color": MUTED, "dash": "dot"}
    fig.add_shape(type="line", xref="paper", x0=0, x1=1, y0=warning * 100, y1=warning * 100, line=line)
    fig.update_yaxes(range=[0, 105], **pct_axis(lang))
    return layout(fig, lang, message("top_shares_title", lang), height=320)


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
            nodes.append((f"{sid}/~others", sid, message("others", lang, n=others), rest))
    small = float(totals[[s not in kept for s in totals.index]].sum())
    if small > 0.5:
        nodes.append(("s/~others", "", message("other_sectors", lang, n=len(totals) - len(kept)), small))
    ids, parents, labels, values = (list(col) for col in zip(*nodes, strict=True)) if nodes else ([], [], [], [])
    fig = go.Figure(
        go.Treemap(
            ids=ids,
            parents=parents,
            labels=labels,
            values=values,
            branchvalues="remainder",
            hovertemplate=f"%{{label}}<br>{money_hover(lang, 'value')}<extra></extra>",
            texttemplate=f"%{{label}}<br>{money_hover(lang, 'value')}",
            marker={"colors": None},
            root_color="white",
        )
    )
    fig.update_layout(treemapcolorway=list(CATEGORY_COLOURS))
    return layout(fig, lang, message("treemap_title", lang), height=520)
