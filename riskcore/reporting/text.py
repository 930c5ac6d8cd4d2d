"""Figures as text in the reader's language: one figure by kind, the KPI snapshot and the D441-6 table.

The one formatter of a figure, `format_figure`, serves both readers: the reports and the CLI
(`format_value` of a snapshot key: `n/a` when missing, amounts in cents, days in words) and the
KPI cards of riskcore.ui.widgets (`—` when missing, amounts without cents, short units).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from riskcore import config
from riskcore.i18n import fmt_amount, fmt_date, fmt_number, fmt_pct, has, t

AMOUNT_KEYS = (
    "total_outstanding", "not_due", "overdue_amount", "unapplied_cash", "unapplied_credits", "disputed_amount",
    "late_penalties_due", "recovery_indemnities_due",
)  # fmt: skip
RATE_KEYS = (
    "overdue_rate", "cei_90", "top1_share", "top3_share", "top5_share", "top10_share",
    "top3_revenue_share_12m", "dunning_coverage_30", "loss_rate_12m",
)  # fmt: skip
DAYS_KEYS = ("dso_simple_90", "dso_countback", "bpdso_90", "add_90", "weighted_days_to_pay_365", "avg_days_late_365")
COUNT_KEYS = ("clients_with_outstanding", "pareto_80_count", "invoices_paid_over_60_days_365")


def format_figure(
    value: float | None,
    kind: str,
    lang: str,
    *,
    missing: str | None = None,
    amount_decimals: int = 2,
    short_units: bool = False,
    currency: str | None = None,
) -> str:
    """One figure as a reader sees it, by kind, in `lang`.

    Parameters
    ----------
    value : the figure; None or NaN is a missing value.
    kind : amount | pct (a fraction) | days | count (whole) | number (one decimal).
    missing : what a missing value reads as; None for the catalogue's `kpi.not_available` (`n/a`).
    amount_decimals : 2 for cents (reports), 0 for whole amounts (cards).
    short_units : days as `12,3 j` (`ui.unit.days`, cards) rather than `12,3 jours` (`kpi.days`).
    currency : the ISO code of amounts; None for config app.currency.
    """
    if value is None or value != value:
        return t("kpi.not_available", lang) if missing is None else missing
    if kind == "amount":
        return fmt_amount(value, lang, currency or config.get().app.currency, decimals=amount_decimals)
    if kind == "pct":
        return fmt_pct(value, lang)
    if kind == "days":
        if short_units:
            return t("ui.unit.days", lang, n=fmt_number(value, lang, 1))
        return t("kpi.days", lang, days=fmt_number(value, lang, 1))
    return fmt_number(value, lang, 1 if kind == "number" else 0)


def figure_kind(key: str) -> str:
    """The kind of a snapshot key's figure (see `format_figure`): amount, pct, days, count or number."""
    if key in AMOUNT_KEYS:
        return "amount"
    if key in RATE_KEYS:
        return "pct"
    if key in DAYS_KEYS:
        return "days"
    return "count" if key in COUNT_KEYS else "number"


def format_value(key: str, value: object, lang: str) -> str:
    """One snapshot value as a reader sees it: an amount, a rate, days or a count, in `lang`."""
    return format_figure(value, figure_kind(key), lang)  # type: ignore[arg-type]


def label(key: str, lang: str) -> str:
    """The name of a snapshot key (or of an aging bucket) in `lang`."""
    for prefix in ("kpi.label.", "kpi.bucket."):
        if has(prefix + key, lang):
            return t(prefix + key, lang)
    return key


def render_snapshot(snap: dict, lang: str) -> str:
    """The snapshot (kpi.snapshot) as a readable two-column table in `lang`."""
    currency = config.get().app.currency
    rows: list[tuple[str, str]] = []
    for key, value in snap.items():
        if key in ("as_of", "assumed_terms", "top3_warning"):
            continue
        if key == "aging":
            rows.append((label("aging", lang), ""))
            for bucket, amount in value.items():
                rows.append(("  " + label(bucket, lang), fmt_amount(amount, lang, currency)))
            continue
        rows.append((label(key, lang), format_value(key, value, lang)))
    width = max(len(name) for name, _ in rows)
    lines = [t("kpi.title", lang, date=fmt_date(snap["as_of"], lang)), ""]
    lines += [f"{name.ljust(width)}  {text}".rstrip() for name, text in rows]
    if snap.get("assumed_terms"):
        lines += ["", t("kpi.note_assumed_terms", lang)]
    if snap.get("top3_warning"):
        lines += ["", t("kpi.note_top3_warning", lang, share=fmt_pct(snap.get("top3_share"), lang))]
    return "\n".join(lines)


def render_legal_table(table: pd.DataFrame, as_of: dt.date, lang: str) -> str:
    """The D441-6 table (legal.d441_6_table) as text in `lang`, with the disclosure of the disputed invoices left out."""
    currency = config.get().app.currency
    basis = table.attrs.get("basis", "TTC")
    header = (
        t("legal.bracket", lang),
        t("legal.invoices", lang),
        t("legal.amount", lang),
        t("legal.pct_revenue", lang),
    )
    rows = [
        (
            t(f"legal.brackets.{row.bracket}", lang),
            fmt_number(row.invoices, lang),
            fmt_amount(row.amount, lang, currency),
            fmt_pct(row.pct_revenue, lang, 2),
        )
        for row in table.itertuples()
    ]
    widths = [max(len(line[i]) for line in (header, *rows)) for i in range(4)]
    lines = [t("legal.table_title", lang, date=fmt_date(as_of, lang), basis=t(f"legal.basis_{basis}", lang)), ""]
    for line in (header, *rows):
        lines.append(
            "  ".join(
                [line[0].ljust(widths[0]), *(cell.rjust(w) for cell, w in zip(line[1:], widths[1:], strict=True))]
            )
        )
    excluded = table.attrs.get("disputed_excluded") or {}
    if excluded.get("invoices"):
        amount = fmt_amount(excluded["amount"], lang, currency)
        lines += ["", t("legal.disputed_excluded", lang, invoices=excluded["invoices"], amount=amount)]
    return "\n".join(lines)


BACKTEST_PREDICTORS = ("model", "logistic", "client_rate", "overall_rate")


def _fig(value: object, digits: int = 3) -> str:
    return "—" if value is None else f"{float(value):.{digits}f}"  # type: ignore[arg-type]


def render_backtest(result: dict, lang: str) -> str:
    """The rolling backtest (riskcore.credit.backtest.rolling) as text: pooled, then one line per origin."""
    lines = [t("reports.backtest_title", lang, n=len(result["origins"]), horizon=result["horizon_days"],
               late=result["late_days"])]  # fmt: skip
    pooled = result["pooled"]
    lines.append(t("reports.backtest_pooled", lang, n=pooled.get("n", 0), rate=_fig(pooled.get("base_rate"))))
    header = f"{'':14}{'AUC':>8}{'Brier':>8}{'log loss':>10}{'lift 10%':>10}"
    lines.append(header)
    for name in BACKTEST_PREDICTORS:
        fig = pooled["predictors"][name]
        lines.append(
            f"{t(f'reports.predictor_{name}', lang):14}{_fig(fig['auc']):>8}{_fig(fig['brier']):>8}"
            f"{_fig(fig['log_loss']):>10}{_fig(fig['lift_top_decile'], 2):>10}"
        )
    lines.append("")
    lines.append(t("reports.backtest_by_origin", lang))
    lines.append(
        f"{'':12}{'n':>7}{'%':>7}  " + "".join(f"{t(f'reports.predictor_{n}', lang):>16}" for n in BACKTEST_PREDICTORS)
    )
    for origin in result["origins"]:
        aucs = "".join(f"{_fig(origin['predictors'][n]['auc']):>16}" for n in BACKTEST_PREDICTORS)
        lines.append(f"{origin['origin']!s:12}{origin['n']:>7}{_fig(origin['base_rate'], 2):>7}  {aucs}")
    warning = result.get("early_warning") or {}
    if warning:
        lines.append("")
        lines.append(t("reports.backtest_warning", lang, **_warning_figures(warning)))
    return "\n".join(lines)


def _warning_figures(warning: dict) -> dict:
    lead = warning.get("lead_days") or {}
    return {
        "warned": warning.get("warned_before", 0),
        "onsets": warning.get("onsets", 0),
        "median": _fig(lead.get("median"), 0),
        "precision": _fig(warning.get("precision"), 2),
        "chance": _fig(warning.get("base_rate"), 2),
        "followed": warning.get("followed", 0),
        "judged": warning.get("warnings", 0),
    }


def _colon(lang: str) -> str:
    return "\u202f: " if lang == "fr" else ": "  # French sets a narrow no-break space before a colon


def render_forecast(summary: dict, weekly: pd.DataFrame, lang: str) -> str:
    """The weekly cash-in forecast (riskcore.credit.forecast.cash_in) as text: one line per week, then totals."""
    pct = fmt_pct(summary["interval"], lang, decimals=0)
    lines = [t("forecast.subtitle", lang, as_of=fmt_date(summary["as_of"], lang), weeks=summary["weeks"]), ""]
    head = [t("forecast.week", lang), t("forecast.week_start", lang), t("forecast.expected", lang),
            t("forecast.low", lang, pct=pct), t("forecast.high", lang, pct=pct), t("forecast.promised", lang)]  # fmt: skip
    rows = [
        [
            str(r.week),
            fmt_date(r.week_start, lang),
            *(fmt_amount(v, lang) for v in (r.expected, r.low, r.high, r.promised)),
        ]
        for r in weekly.itertuples()
    ]
    widths = [max(len(h), *(len(row[i]) for row in rows)) if rows else len(h) for i, h in enumerate(head)]
    lines.append("  ".join(h.rjust(w) for h, w in zip(head, widths, strict=True)))
    lines += ["  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    lines.append("")
    for key in ("open_amount", "expected_in_horizon", "beyond_horizon", "apart_amount", "promised_amount"):
        label_text = t(f"forecast.{key}", lang, weeks=summary["weeks"])
        lines.append(f"{label_text}{_colon(lang)}{fmt_amount(summary[key], lang)}")
    return "\n".join(lines)


def render_forecast_backtest(result: dict, lang: str) -> str:
    """The forecast backtest (riskcore.credit.forecast_backtest.backtest): WAPE and coverage against naive."""
    pct = fmt_pct(result["interval"], lang, decimals=0)
    lines = [t("forecast.backtest.title", lang), t("forecast.backtest.naive_note", lang), ""]
    for key, label_key in (
        ("wape_1_4", "forecast.backtest.wape_1_4"),
        ("wape_horizon", "forecast.backtest.wape_horizon"),
    ):
        figures = result[key]
        lines.append(
            f"{t(label_key, lang, weeks=result['weeks'])}{_colon(lang)}{t('forecast.backtest.model', lang)} "
            f"{fmt_pct(figures['model'], lang, decimals=1)}, {t('forecast.backtest.naive', lang)} "
            f"{fmt_pct(figures['naive'], lang, decimals=1)}"
        )
    coverage = fmt_pct(result["coverage"], lang, decimals=1)
    lines.append(f"{t('forecast.backtest.coverage', lang, pct=pct)}{_colon(lang)}{coverage}")
    return "\n".join(lines)
