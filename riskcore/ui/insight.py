"""The Cash forecast and Model pages' pieces: saved results (riskcore.credit.stored) read, shown and computed.

Nothing here computes on a page view: a result missing for the data version shows a button, and the
button's run computes, saves and reruns (the one place these minutes-long computations start).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from riskcore import config
from riskcore.credit import model, stored
from riskcore.errors import EncoursError
from riskcore.i18n import fmt_date, fmt_number, fmt_pct, t
from riskcore.reporting.charts import forecast as forecast_charts
from riskcore.reporting.charts import model as model_charts
from riskcore.ui import actions, fmt, tables, widgets
from riskcore.ui.fmt import literal

if TYPE_CHECKING:
    from riskcore.credit.forecast import Forecast
    from riskcore.ui.context import Context

# How each column of these pages' tables is shown; the exports type their cells from the values.
KINDS = {
    "week": "int", "week_start": "date", "week_end": "date", "expected": "amount", "low": "amount",
    "high": "amount", "promised": "amount", "client_id": "text", "name": "text", "open_amount": "amount",
    "beyond_horizon": "amount", "apart_amount": "amount", "promised_amount": "amount", "invoice_id": "text",
    "invoice_date": "date", "due_date": "date", "days_past_due": "int", "reason": "text", "dispute_reason": "text",
    "origin": "date", "weeks": "int", "forecast": "amount", "naive": "amount", "actual": "amount", "n": "int",
    "base_rate": "pct", "chosen": "text", "predictor": "text", "auc": "dec3", "brier": "dec3", "log_loss": "dec3",
    "lift_top_decile": "dec2", **{f"{f}_{p}": "dec3" for f in ("auc", "brier") for p in model_charts.PREDICTOR_COLOURS},
}  # fmt: skip
WEEKLY = ["week", "week_start", "week_end", "expected", "low", "high", "promised"]
BY_CLIENT = ["client_id", "name", "open_amount", "expected", "low", "high", "beyond_horizon", "apart_amount",
             "promised_amount"]  # fmt: skip
APART = ["invoice_id", "client_id", "name", "invoice_date", "due_date", "days_past_due", "open_amount", "reason",
         "dispute_reason"]  # fmt: skip


def _formatter(kind: str, lang: str) -> Callable | None:
    return {
        "amount": fmt.amount(lang, 0), "pct": fmt.pct(lang), "int": fmt.number(lang, 0),
        "dec2": fmt.number(lang, 2), "dec3": fmt.number(lang, 3),
    }.get(kind)  # fmt: skip


def table(ctx: Context, frame: pd.DataFrame, columns: list[str], *, key: str, link: bool = True) -> None:
    """`frame[columns]` with translated headers, figures formatted by KINDS, client ids linking to the file."""
    if frame.empty:
        st.caption(ctx.t("table.empty"))
        return
    view = frame[columns].head(tables.MAX_ROWS).copy()
    column_config, formats = {}, {}
    for column in columns:
        head, kind = tables.header(ctx, column), KINDS.get(column, "text")
        if kind == "date":
            view[column] = pd.to_datetime(view[column])
            column_config[head] = st.column_config.DateColumn(head, format=tables.DATE_FORMATS[ctx.lang])
        elif (formatter := _formatter(kind, ctx.lang)) is not None:
            formats[head] = formatter
    if link and "client_id" in view.columns:
        view["client_id"] = view["client_id"].map(tables.client_url)
        head = tables.header(ctx, "client_id")
        column_config[head] = st.column_config.LinkColumn(head, display_text=r"client=(.*)$")
    styler = view.rename(columns={c: tables.header(ctx, c) for c in columns}).style.format(formats, na_rep="")
    st.dataframe(styler, key=key, hide_index=True, column_config=column_config, placeholder="—")
    if len(frame) > tables.MAX_ROWS:
        st.caption(ctx.t("table.truncated", shown=tables.MAX_ROWS, total=len(frame)))


def _compute(ctx: Context, key: str, label: str, run: Callable[[], object], *, needs: str) -> None:
    """A button that runs `run` (a riskcore.credit.stored compute_*) with progress, then reruns with a message."""
    if not st.button(ctx.t(f"insight.{label}"), key=key, type="primary", disabled=not ctx.user.can(needs)):
        if not ctx.user.can(needs):
            st.caption(ctx.t("insight.needs_admin"))
        return
    try:
        with st.status(ctx.t("insight.computing"), expanded=False) as status:
            run()
            status.update(label=ctx.t("insight.computed"), state="complete")
    except EncoursError as exc:
        st.error(exc.message(ctx.lang), icon=":material/error:")
        return
    actions.flash("success", ctx.t("insight.computed"))
    st.rerun()


# --- the cash-in forecast ---------------------------------------------------------------------------


def horizon(ctx: Context) -> int:
    """The horizon in weeks the reader picks (config forecast.weeks by default, at most forecast.max_weeks)."""
    cfg = config.get().forecast
    return int(st.number_input(ctx.t("insight.weeks"), 1, cfg.max_weeks, cfg.weeks, step=1, key="forecast.weeks"))


def saved_forecast(ctx: Context, weeks: int) -> Forecast | None:
    """The forecast saved for this data version, as-of date and horizon; else the button that computes it."""
    found = stored.forecast_for(ctx.store, ctx.as_of, weeks, ctx.user)
    if found is None:
        widgets.empty(ctx, "forecast_missing")
        _compute(
            ctx, "forecast.compute", "compute_forecast",
            lambda: stored.compute_forecast(ctx.store, ctx.user, ctx.as_of, weeks), needs="view",
        )  # fmt: skip
    return found


def _money(ctx: Context, value: float | None) -> str:
    return widgets.format_value(ctx, value, "amount")


def forecast_cards(ctx: Context, summary: Mapping) -> None:
    """Expected within the horizon (and its interval), shown apart, later or never, covered by promises."""
    weeks = summary["weeks"]
    cards = (
        (t("forecast.expected_in_horizon", ctx.lang, weeks=weeks), summary["expected_in_horizon"],
         ctx.t("insight.between", low=_money(ctx, summary["low_in_horizon"]),
               high=_money(ctx, summary["high_in_horizon"]), pct=fmt_pct(summary["interval"], ctx.lang, 0))),
        (t("forecast.apart_amount", ctx.lang), summary["apart_amount"],
         ctx.t("insight.apart_split", disputed=_money(ctx, summary["disputed_amount"]),
               doubtful=_money(ctx, summary["doubtful_amount"]))),
        (t("forecast.beyond_horizon", ctx.lang), summary["beyond_horizon"], None),
        (t("forecast.promised_amount", ctx.lang), summary["promised_amount"],
         ctx.t("insight.pending_promises", n=summary["pending_promises"])),
    )  # fmt: skip
    for column, (label, value, note) in zip(st.columns(len(cards)), cards, strict=True):
        with column.container(border=True, height="stretch"):
            st.metric(label, _money(ctx, value))
            if note:
                st.caption(note)


def forecast_notes(ctx: Context, summary: Mapping) -> None:
    """How the figures were made: the model's basis, the promise rate, the interval."""
    basis_of, lang = summary["model"], ctx.lang
    if basis_of["kind"] == "hazard":
        basis = t("forecast.model_hazard", lang, events=fmt_number(basis_of["events"], lang),
                  rows=fmt_number(basis_of["rows"], lang), weeks=basis_of["history_weeks"])  # fmt: skip
    else:
        basis = t("forecast.model_constant", lang, events=fmt_number(basis_of["events"], lang))
    cfg = config.get().forecast
    promise = t(
        f"forecast.promise_rate_{'history' if summary['promise_rate_source'] == 'history' else 'default'}",
        lang, rate=fmt_pct(summary["promise_kept_rate"], lang, 0), count=summary["resolved_promises"],
        days=cfg.promise_window_days, min=cfg.min_resolved_promises,
    )  # fmt: skip
    interval = t("forecast.interval_note", lang, pct=fmt_pct(summary["interval"], lang, 0),
                 draws=fmt_number(summary["simulations"], lang))  # fmt: skip
    apart = t("forecast.apart_note", lang, amount=_money(ctx, summary["apart_amount"]))
    st.markdown("\n".join(f"- {literal(line)}" for line in (basis, promise, interval, apart)))


def forecast_tables(ctx: Context, found: Forecast) -> None:
    """The weekly table (with its downloads), the table by client and the invoices shown apart."""
    st.subheader(ctx.t("insight.weekly"))
    table(ctx, found.weekly, WEEKLY, key="forecast.weekly")
    tables.exports(ctx, found.weekly, WEEKLY, name=ctx.t("insight.weekly_export"), key="forecast.weekly_export")
    st.subheader(ctx.t("insight.by_client"))
    table(ctx, found.by_client, BY_CLIENT, key="forecast.by_client")
    tables.exports(
        ctx, found.by_client, BY_CLIENT, name=ctx.t("insight.by_client_export"), key="forecast.by_client_export"
    )
    st.subheader(ctx.t("insight.apart"))
    words = {
        r: t(f"forecast.reason.{r}", ctx.lang) for r in ("disputed", "litigation", "collective_procedure", "doubtful")
    }
    apart = found.apart.assign(reason=found.apart["reason"].map(lambda r: words.get(r, r)))
    tables.show(ctx, apart, APART, key="forecast.apart")  # known columns: days not yet due blank, reasons in words


def weekly_chart(ctx: Context, found: Forecast) -> None:
    widgets.chart(
        forecast_charts.cash_in_weeks(found.weekly, found.summary["interval"], ctx.lang), key="forecast.chart"
    )


def forecast_backtest(ctx: Context, weeks: int) -> None:
    """The forecast's backtest over `weeks` if saved (WAPE weeks 1–4 and the horizon, coverage), else its button."""
    st.header(t("forecast.backtest.title", ctx.lang))
    result = stored.forecast_backtest_for(ctx.store, weeks)
    if result is None:
        widgets.empty(ctx, "forecast_backtest_missing")
        _compute(
            ctx, "forecast.compute_backtest", "compute_backtest",
            lambda: stored.compute_forecast_backtest(ctx.store, ctx.user, weeks), needs="manage_workspace",
        )  # fmt: skip
        return
    lang, pct = ctx.lang, fmt_pct(result["interval"], ctx.lang, 0)
    cards = (
        (t("forecast.backtest.wape_1_4", lang), result["wape_1_4"]),
        (t("forecast.backtest.wape_horizon", lang, weeks=result["weeks"]), result["wape_horizon"]),
    )
    columns = st.columns(3)
    for column, (label, figure) in zip(columns, cards, strict=False):
        with column.container(border=True, height="stretch"):
            st.metric(label, fmt_pct(figure["model"], lang))
            st.caption(ctx.t("insight.naive_was", value=fmt_pct(figure["naive"], lang)))
    with columns[2].container(border=True, height="stretch"):
        st.metric(t("forecast.backtest.coverage", lang, pct=pct), fmt_pct(result["coverage"], lang, 0))
    st.caption(t("forecast.backtest.naive_note", lang))
    widgets.chart(forecast_charts.backtest_wape(result["by_week"], lang), key="forecast.backtest_chart")
    origins = pd.DataFrame(result["origins"]).assign(origin=lambda f: pd.to_datetime(f["origin"]).dt.date)
    columns_shown = ["origin", "weeks", "open_amount", "apart_amount", "forecast", "naive", "actual"]
    table(ctx, origins, columns_shown, key="forecast.backtest_table", link=False)


# --- the scoring model ------------------------------------------------------------------------------


def target(ctx: Context) -> None:
    """What the score predicts: settled more than scoring.late_days after the due date."""
    st.markdown(ctx.t("insight.target", days=config.get().scoring.late_days))


def model_card(ctx: Context) -> None:
    """The card of the model scoring at the as-of date: training window, chosen model, validation, features."""
    st.subheader(ctx.t("insight.card"))
    card = model.model_card(ctx.store, ctx.as_of)  # a JSON file beside the workspace: nothing is trained here
    if card is None:
        widgets.empty(ctx, "model_card_missing")
        return
    window, lang = card.get("training_window") or {}, ctx.lang

    def day(value: str | None) -> str:
        return "—" if value is None else fmt_date(pd.Timestamp(value).date(), lang)

    lines = [
        ctx.t("insight.card_model", model=ctx.t(f"insight.model_kind.{card.get('model')}"),
              calibration=card.get("calibration") or "—"),
        ctx.t("insight.card_window", first=day(window.get("first_invoice")), last=day(window.get("last_invoice")),
              known=day(window.get("outcomes_known_by"))),
        ctx.t("insight.card_rows", n=fmt_number(card.get("n_train") or 0, lang),
              rate=fmt_pct(card.get("base_rate"), lang) if card.get("base_rate") is not None else "—"),
    ]  # fmt: skip
    validation = card.get("validation") or {}
    for name, figures in (validation.get("candidates") or {}).items():
        lines.append(ctx.t("insight.card_candidate", model=ctx.t(f"insight.model_kind.{name}"),
                           auc=fmt_number(figures.get("auc") or 0, lang, 3),
                           brier=fmt_number(figures.get("brier") or 0, lang, 3), since=day(validation.get("from"))))  # fmt: skip
    st.markdown("\n".join(f"- {line}" for line in lines))
    st.caption(ctx.t("insight.card_features", features=", ".join(literal(f) for f in card.get("features") or ())))
    if importances := card.get("importances"):  # written by a card that keeps them; version 3 does not
        ranked = sorted(importances.items(), key=lambda kv: -abs(kv[1]))
        st.caption(
            ctx.t(
                "insight.card_importances",
                items=", ".join(f"{literal(k)} ({fmt_number(v, lang, 3)})" for k, v in ranked),
            )
        )


def saved_backtest(ctx: Context) -> dict | None:
    """The scoring backtest saved for this data version; else the button that runs it (administrators)."""
    st.header(ctx.t("insight.backtest"))
    result = stored.backtest_for(ctx.store)
    if result is None:
        widgets.empty(ctx, "model_backtest_missing")
        _compute(
            ctx, "model.compute_backtest", "compute_backtest",
            lambda: stored.compute_backtest(ctx.store, ctx.user), needs="manage_workspace",
        )  # fmt: skip
    return result


def origins_frame(result: Mapping) -> pd.DataFrame:
    """One row per origin: its month, test invoices, late rate, chosen model, AUC and Brier of each predictor."""
    rows = []
    for o in result["origins"]:
        row = {
            "origin": pd.Timestamp(o["origin"]).date(),
            "n": o["n"],
            "base_rate": o["base_rate"],
            "chosen": o["chosen"],
        }
        for figure in ("auc", "brier"):
            row |= {f"{figure}_{p}": (o["predictors"][p] or {}).get(figure) for p in model_charts.PREDICTOR_COLOURS}
        rows.append(row)
    return pd.DataFrame(rows)


def pooled_frame(ctx: Context, result: Mapping) -> pd.DataFrame:
    """The pooled figures, one row per predictor, side by side."""
    pooled = result["pooled"]["predictors"]
    return pd.DataFrame(
        [
            {"predictor": t(f"charts.model.predictor.{p}", ctx.lang), **{k: pooled[p][k] for k in POOLED}}
            for p in model_charts.PREDICTOR_COLOURS
        ]
    )


POOLED = ("auc", "brier", "log_loss", "lift_top_decile")
ORIGINS = [
    "origin",
    "n",
    "base_rate",
    "chosen",
    *(f"{f}_{p}" for f in ("auc", "brier") for p in model_charts.PREDICTOR_COLOURS),
]


def backtest_figures(ctx: Context, result: Mapping) -> None:
    """The pooled figures, the table by origin (with downloads) and the charts."""
    pooled = result["pooled"]
    st.caption(ctx.t("insight.backtest_scope", months=len(result["origins"]), n=fmt_number(pooled["n"], ctx.lang),
                     unknown=fmt_number(pooled["unknown"], ctx.lang), horizon=result["horizon_days"],
                     as_of=fmt_date(pd.Timestamp(result["as_of"]).date(), ctx.lang)))  # fmt: skip
    st.subheader(ctx.t("insight.pooled"))
    table(ctx, pooled_frame(ctx, result), ["predictor", *POOLED], key="model.pooled", link=False)
    left, right = st.columns(2)
    with left:
        widgets.chart(model_charts.by_origin(result["origins"], "auc", ctx.lang), key="model.auc_chart")
        widgets.chart(model_charts.calibration(pooled["predictors"]["model"]["calibration"], ctx.lang),
                      key="model.calibration_chart")  # fmt: skip
    with right:
        widgets.chart(model_charts.by_origin(result["origins"], "brier", ctx.lang), key="model.brier_chart")
        widgets.chart(model_charts.lift(pooled["predictors"], ctx.lang), key="model.lift_chart")
    st.subheader(ctx.t("insight.by_origin"))
    frame = origins_frame(result).assign(chosen=lambda f: f["chosen"].map(lambda m: ctx.t(f"insight.model_kind.{m}")))
    table(ctx, frame, ORIGINS, key="model.origins", link=False)
    tables.exports(ctx, frame, ORIGINS, name=ctx.t("insight.origins_export"), key="model.origins_export")


def early_warning(ctx: Context, record: Mapping) -> None:
    """The early warning's lead time and precision at the backtest's origins."""
    st.subheader(ctx.t("insight.early_warning"))
    lang, lead = ctx.lang, record["lead_days"]
    cards = (
        (ctx.t("insight.warned_before", days=record["severe_days"]),
         "—" if record["share_warned"] is None else fmt_pct(record["share_warned"], lang, 0),
         ctx.t("insight.of_onsets", warned=record["warned_before"], onsets=record["onsets"])),
        (ctx.t("insight.lead_median"), "—" if lead["median"] is None else ctx.t("unit.days", n=fmt_number(lead["median"], lang)),
         None if lead["quartiles"] is None else ctx.t("insight.lead_quartiles", low=fmt_number(lead["quartiles"][0], lang),
                                                      high=fmt_number(lead["quartiles"][1], lang))),
        (ctx.t("insight.precision"), "—" if record["precision"] is None else fmt_pct(record["precision"], lang, 0),
         None if record["base_rate"] is None else ctx.t("insight.chance", rate=fmt_pct(record["base_rate"], lang, 0))),
    )  # fmt: skip
    for column, (label, value, note) in zip(st.columns(len(cards)), cards, strict=True):
        with column.container(border=True, height="stretch"):
            st.metric(label, value)
            if note:
                st.caption(note)
    if not record["enabled"]:
        st.caption(ctx.t("insight.warning_disabled"))


_TWO = {"auc", "auc_client", "auc_low", "auc_high"}
_THREE = {"brier", "brier_overall"}
_SHARES = {"share", "precision", "base_rate", "low", "high", "observed", "predicted", "gap"}


def _worded(ctx: Context, key: str, figures: Mapping) -> str:
    values = {}
    for name, value in figures.items():
        if name in _SHARES:
            values[name] = fmt_pct(value, ctx.lang, 0)
        elif name in _TWO or name in _THREE:
            values[name] = fmt_number(value, ctx.lang, 2 if name in _TWO else 3)
        elif name == "lift":
            values[name] = fmt_number(value, ctx.lang, 1)
        else:
            values[name] = fmt_number(value or 0, ctx.lang)
    return ctx.t(f"insight.finding.{key}", **values)


def findings(ctx: Context, result: Mapping) -> None:
    """Plain sentences of what the model does well and where it is weak (stored.model_findings)."""
    said = stored.model_findings(dict(result))
    left, right = st.columns(2)
    for column, side in ((left, "strong"), (right, "weak")):
        with column:
            st.markdown(f"**{ctx.t(f'insight.{side}')}**")
            lines = [f"- {_worded(ctx, key, figures)}" for key, figures in said[side]]
            st.markdown("\n".join(lines) if lines else ctx.t("insight.nothing"))
