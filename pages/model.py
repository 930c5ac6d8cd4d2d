"""Modèle / Model: what the score predicts, the model's card and its saved rolling backtest (never run on view)."""

from riskcore.ui import actions, frame, insight, widgets

ctx = frame.context()
widgets.title(ctx, "model")
actions.show_flash()
widgets.require_data(ctx)

with widgets.guard(ctx):
    insight.target(ctx)
    insight.model_card(ctx)
    result = insight.saved_backtest(ctx)
    if result is not None:
        insight.findings(ctx, result)
        insight.backtest_figures(ctx, result)
        insight.early_warning(ctx, result["early_warning"])
