"""Scoring-model charts from its rolling backtest (riskcore.credit.backtest.rolling): AUC and Brier score
by origin, the calibration curve and the lift of the riskiest tenth."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from riskcore.reporting.charts.theme import BUCKET_COLOURS, GRID, MUTED, PRIMARY, layout, message, pct_axis, pct_hover

# The model, its logistic candidate and the two baselines, always in these colours.
PREDICTOR_COLOURS = {"model": PRIMARY, "logistic": "#5b8def", "client_rate": BUCKET_COLOURS[2], "overall_rate": MUTED}


def by_origin(origins: list[dict], figure: str, lang: str) -> go.Figure:
    """`figure` (auc or brier) of each predictor at each monthly origin of the backtest."""
    x = pd.to_datetime([o["origin"] for o in origins])
    fig = go.Figure()
    for name, colour in PREDICTOR_COLOURS.items():
        values = [(o["predictors"][name] or {}).get(figure) for o in origins]
        if figure == "auc" and name == "overall_rate":
            continue  # one rate for everyone ranks nobody: its AUC is 0.5 by construction
        fig.add_scatter(
            x=x,
            y=[None if v is None else float(v) for v in values],
            mode="lines+markers",
            name=message(f"model.predictor.{name}", lang),
            line={"color": colour, "width": 3 if name == "model" else 1.5},
            hovertemplate=f"%{{x|%m/%Y}}<br>%{{y:.3f}}<extra>{message(f'model.predictor.{name}', lang)}</extra>",
        )
    fig.update_xaxes(tickformat="%m/%Y")  # the months scored; an axis title would sit on the legend
    fig.update_yaxes(title={"text": message(f"model.{figure}", lang)}, tickformat=".2f")
    return layout(fig, lang, message(f"model.{figure}_title", lang), height=340)


def calibration(bins: list[dict], lang: str) -> go.Figure:
    """Observed late rate against the mean predicted probability in each bin (pooled); the diagonal is perfect."""
    shown = [b for b in bins if b["n"]]
    fig = go.Figure()
    fig.add_shape(type="line", x0=0, y0=0, x1=100, y1=100, line={"color": GRID, "dash": "dot"})
    fig.add_scatter(
        x=[b["mean_predicted"] * 100 for b in shown],
        y=[b["observed_rate"] * 100 for b in shown],
        mode="lines+markers",
        marker={"size": [min(28, 6 + b["n"] ** 0.5) for b in shown], "color": PRIMARY},
        text=[str(b["n"]) for b in shown],
        name=message("model.observed", lang),
        hovertemplate=f"{message('model.predicted', lang)}: {pct_hover(lang, 'x')}<br>"
        f"{message('model.observed', lang)}: {pct_hover(lang)}<br>%{{text}} {message('invoices', lang)}<extra></extra>",
    )
    fig.update_xaxes(title={"text": message("model.predicted", lang)}, range=[0, 100], **pct_axis(lang))
    fig.update_yaxes(title={"text": message("model.observed", lang)}, range=[0, 100], **pct_axis(lang))
    return layout(fig, lang, message("model.calibration_title", lang), height=360)


def lift(predictors: dict, lang: str) -> go.Figure:
    """The late rate of the riskiest tenth over the average, per predictor (pooled); 1 is no better than chance."""
    names = [n for n in PREDICTOR_COLOURS if (predictors.get(n) or {}).get("lift_top_decile") is not None]
    fig = go.Figure(
        go.Bar(
            x=[message(f"model.predictor.{n}", lang) for n in names],
            y=[float(predictors[n]["lift_top_decile"]) for n in names],
            marker_color=[PREDICTOR_COLOURS[n] for n in names],
            hovertemplate="%{x}: ×%{y:.2f}<extra></extra>",
        )
    )
    fig.add_hline(y=1, line={"color": MUTED, "dash": "dot"})
    fig.update_yaxes(title={"text": message("model.lift", lang)}, tickformat=".1f", rangemode="tozero")
    return layout(fig, lang, message("model.lift_title", lang), height=360)
