"""The board report: the KPIs, aging, largest clients and the D441-6 table, as HTML or XLSX.

What a CFO sends to the board or the statutory auditor. Values come from riskcore.receivables.kpi,
riskcore.receivables.legal and riskcore.credit.scores; this module only lays them out in the user's language.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from pathlib import Path

import pandas as pd

from riskcore import config
from riskcore.credit import scores as credit_scores
from riskcore.errors import EncoursError
from riskcore.i18n import fmt_amount, fmt_date, fmt_number, fmt_pct, t
from riskcore.receivables import kpi, legal
from riskcore.reporting import exports, text
from riskcore.storage.store import Store

TOP_CLIENTS = 10
CLIENT_COLUMNS = ("client_id", "name", "balance", "overdue", "grade", "score", "credit_limit", "utilisation")
_SKIPPED = ("as_of", "aging", "assumed_terms", "top3_warning")


def board_report(store: Store, as_of: dt.date, out: Path, lang: str) -> Path:
    """Write the board report at `as_of` to `out` (.html or .xlsx) and return its path."""
    suffix = out.suffix.lower()
    if suffix not in (".html", ".xlsx"):
        raise EncoursError("reports.bad_format", path=str(out))
    con = store.cursor()
    snap = kpi.snapshot(con, as_of)
    clients = _clients(store, as_of)
    d441 = legal.d441_6_table(con, as_of)
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".html":
        out.write_text(_html(store, snap, clients, d441, lang), encoding="utf-8")
    else:
        _xlsx(out, snap, clients, d441, lang)
    return out


def _clients(store: Store, as_of: dt.date) -> pd.DataFrame:
    """Every client with a balance, largest first, with its grade and score."""
    table = kpi.by_client(store.cursor(), as_of)
    scores = credit_scores.client_scores(store, as_of)[["client_id", "grade", "score"]]
    table = table.merge(scores, on="client_id", how="left")
    return table[table["balance"] > 0].sort_values("balance", ascending=False)[list(CLIENT_COLUMNS)]


def _header(key: str, lang: str) -> str:
    return t(f"ui.col.{key}", lang)


def _kpi_rows(snap: dict, lang: str) -> list[tuple[str, str, object]]:
    return [(text.label(k, lang), text.format_value(k, v, lang), v) for k, v in snap.items() if k not in _SKIPPED]


def _notes(snap: dict, d441: pd.DataFrame, lang: str) -> list[str]:
    notes = []
    if snap.get("assumed_terms"):
        notes.append(t("kpi.note_assumed_terms", lang))
    if snap.get("top3_warning"):
        notes.append(t("kpi.note_top3_warning", lang, share=fmt_pct(snap.get("top3_share"), lang)))
    excluded = d441.attrs.get("disputed_excluded") or {}
    if excluded.get("invoices"):
        notes.append(
            t(
                "legal.disputed_excluded",
                lang,
                invoices=excluded["invoices"],
                amount=fmt_amount(excluded["amount"], lang),
            )
        )
    return notes


# --- HTML ----------------------------------------------------------------------------------------


def _table(headers: list[str], rows: list[list[str]], numeric_from: int = 1) -> str:
    head = "".join(f'<th class="{"n" if i >= numeric_from else ""}">{escape(h)}</th>' for i, h in enumerate(headers))
    body = "".join(
        "<tr>"
        + "".join(f'<td class="{"n" if i >= numeric_from else ""}">{escape(c)}</td>' for i, c in enumerate(r))
        + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _client_cells(row: pd.Series, lang: str) -> list[str]:
    score = "" if pd.isna(row["score"]) else fmt_number(row["score"], lang, 0)
    return [
        str(row["client_id"]),
        str(row["name"] or ""),
        fmt_amount(row["balance"], lang),
        fmt_amount(row["overdue"], lang),
        "" if pd.isna(row["grade"]) else str(row["grade"]),
        score,
        fmt_amount(None if pd.isna(row["credit_limit"]) else row["credit_limit"], lang),
        fmt_pct(None if pd.isna(row["utilisation"]) else row["utilisation"], lang),
    ]


def _html(store: Store, snap: dict, clients: pd.DataFrame, d441: pd.DataFrame, lang: str) -> str:
    as_of = snap["as_of"]
    name = config.get().app.workspace_name
    demo = f'<p class="demo">{escape(t("reports.demo", lang))}</p>' if store.is_demo() else ""
    kpis = _table(
        [t("reports.indicator", lang), t("reports.value", lang)], [[a, b] for a, b, _ in _kpi_rows(snap, lang)]
    )
    total = snap["total_outstanding"] or 0
    aging = _table(
        [t("reports.bucket", lang), t("legal.amount", lang), t("reports.share", lang)],
        [
            [text.label(b, lang), fmt_amount(v, lang), fmt_pct(v / total if total else None, lang)]
            for b, v in snap["aging"].items()
        ],
    )
    top = _table(
        [_header(c, lang) for c in CLIENT_COLUMNS],
        [_client_cells(r, lang) for _, r in clients.head(TOP_CLIENTS).iterrows()],
        numeric_from=2,
    )
    basis = t(f"legal.basis_{d441.attrs.get('basis', 'TTC')}", lang)
    d441_rows = [
        [
            t(f"legal.brackets.{r.bracket}", lang),
            fmt_number(r.invoices, lang),
            fmt_amount(r.amount, lang),
            fmt_pct(r.pct_revenue, lang),
        ]
        for r in d441.itertuples()
    ]
    d441_html = _table(
        [t("legal.bracket", lang), t("legal.invoices", lang), t("legal.amount", lang), t("legal.pct_revenue", lang)],
        d441_rows,
    )
    notes = "".join(f"<li>{escape(n)}</li>" for n in _notes(snap, d441, lang))
    title = t("reports.title", lang, workspace=name, date=fmt_date(as_of, lang))
    return f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{escape(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #1d2733; }}
h1 {{ color: #1f4e79; }} h2 {{ margin-top: 2rem; border-bottom: 1px solid #d0d7de; }}
table {{ border-collapse: collapse; width: 100%; margin: .5rem 0; }}
th, td {{ padding: .3rem .6rem; border-bottom: 1px solid #eef1f4; text-align: left; }}
th.n, td.n {{ text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }}
.demo {{ color: #b35900; font-weight: 600; }} .note {{ color: #57606a; }}
</style></head><body>
<h1>{escape(title)}</h1>{demo}
<p class="note">{escape(t("reports.generated", lang, when=fmt_date(dt.date.today(), lang)))}</p>
<h2>{escape(t("reports.kpis", lang))}</h2>{kpis}
<h2>{escape(t("kpi.label.aging", lang))}</h2>{aging}
<h2>{escape(t("reports.top_clients", lang, n=TOP_CLIENTS))}</h2>{top}
<h2>{escape(t("legal.table_title", lang, date=fmt_date(as_of, lang), basis=basis))}</h2>{d441_html}
<ul class="note">{notes}</ul>
</body></html>
"""


# --- XLSX ----------------------------------------------------------------------------------------


# a KPI's kind (reporting.text.figure_kind) as the export kind of its XLSX cell
_FIGURE_KINDS = {
    "amount": exports.AMOUNT,
    "pct": exports.PCT,
    "days": exports.Kind("number", 1),
    "count": exports.INTEGER,
    "number": exports.Kind("number", 1),
}


def _xlsx(out: Path, snap: dict, clients: pd.DataFrame, d441: pd.DataFrame, lang: str) -> None:
    """One sheet per part, typed as every export is (riskcore.reporting.exports): a client named
    `=HYPERLINK(...)` is a text, amounts are in euros to the cent, shares are percentages."""
    rows = [(k, v) for k, v in snap.items() if k not in _SKIPPED]
    kpis = exports.Sheet(
        t("reports.kpis", lang),
        pd.DataFrame({"indicator": [text.label(k, lang) for k, _ in rows], "value": [v for _, v in rows]}),
        {"indicator": t("reports.indicator", lang), "value": t("reports.value", lang)},
        {"indicator": exports.TEXT, "value": [_FIGURE_KINDS[text.figure_kind(k)] for k, _ in rows]},
    )
    total = snap["total_outstanding"] or 0
    aging = exports.Sheet(
        t("kpi.label.aging", lang),
        pd.DataFrame(
            {
                "bucket": [text.label(b, lang) for b in snap["aging"]],
                "amount": list(snap["aging"].values()),
                "share": [v / total if total else None for v in snap["aging"].values()],
            }
        ),
        {"bucket": t("reports.bucket", lang), "amount": t("legal.amount", lang), "share": t("reports.share", lang)},
        {"bucket": exports.TEXT},
    )
    table = exports.Sheet(
        t("reports.clients", lang),
        clients,
        {c: _header(c, lang) for c in CLIENT_COLUMNS},
        {"client_id": exports.TEXT, "name": exports.TEXT, "grade": exports.TEXT},
    )
    legal_sheet = exports.Sheet(
        "D441-6",
        d441.assign(bracket=[t(f"legal.brackets.{b}", lang) for b in d441["bracket"]]),
        {c: t(f"legal.{c}", lang) for c in ("bracket", "invoices", "amount", "pct_revenue")},
        {"bracket": exports.TEXT, "pct_revenue": exports.Kind("pct", 2)},  # as render_legal_table shows it
    )
    notes = exports.Sheet(
        t("reports.notes", lang),
        pd.DataFrame({"note": _notes(snap, d441, lang) or [""]}),
        {"note": t("reports.notes", lang)},
        {"note": exports.TEXT},
    )
    exports.write_sheets(out, [kpis, aging, table, legal_sheet, notes], lang)
