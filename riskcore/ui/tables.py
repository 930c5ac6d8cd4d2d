"""Tables as a finance reader expects them: translated headers, numbers right-aligned and
formatted per language, client ids that open the client file, CSV and Excel exports.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pandas as pd
import streamlit as st

from riskcore.i18n import default_language, has, t
from riskcore.reporting import exports as exporting  # `exports` is the buttons below
from riskcore.reporting.charts import bucket_label, is_bucket
from riskcore.ui import fmt, widgets

if TYPE_CHECKING:
    from riskcore.ui.context import Context

DATE_FORMATS = {"fr": "DD/MM/YYYY", "en": "DD/MM/YYYY"}  # DESIGN.md: 31/12/2025 in both languages
MAX_ROWS = 500  # formatting cost grows with cells; exports always carry every row

# one vocabulary of column kinds for the tables and the exports (riskcore.reporting.exports)
AMOUNTS, PCTS, DATES, DATETIMES, DECIMALS = (
    exporting.AMOUNTS, exporting.PCTS, exporting.DATES, exporting.DATETIMES, exporting.DECIMALS
)  # fmt: skip
INTEGERS = exporting.INTEGERS - {"days_past_due", "max_days_past_due"}


NOT_NEGATIVE_DAYS = {"days_past_due", "max_days_past_due"}  # an invoice not yet due is not "-14 days" late


def _days_past_due(lang: str) -> Any:
    """Days past due, blank for an invoice not yet due (its bucket column already says "not due")."""
    number = fmt.number(lang, 0)
    return lambda value: "" if fmt.missing(value) or float(value) <= 0 else number(value)


def _formatter(column: str, lang: str, cents: bool) -> Any:
    if column in AMOUNTS:
        return fmt.amount(lang, 2 if cents else 0)
    if column in PCTS:
        return fmt.pct(lang)
    if column in DATES:
        return fmt.date(lang)
    if column in DATETIMES:
        return fmt.datetime(lang)
    if column in NOT_NEGATIVE_DAYS:
        return _days_past_due(lang)
    if column in INTEGERS:
        return fmt.number(lang, 0)
    if column in DECIMALS:
        return fmt.number(lang, DECIMALS[column])
    return None


CODED = {
    "status": "ui.code.status",
    "alert": "ui.code.alert",
    "level": "ui.code.level",
    "dunning_level": "ui.code.level",
    "dunning_status": "ui.code.dunning_status",
    "kind": "ingest.kinds",
    "profile": "ui.code.profile",
    "action": "ui.code.action",
    "last_action": "ui.code.action",
    "next_action": "ui.code.action",
    "step_reached": "ui.code.action",
    "owner": "ui.code.owner",
    "next_owner": "ui.code.owner",
    "last_outcome": "ui.code.outcome",
    "alert_kind": "ui.code.alert_kind",
    "dispute_reason": "ui.code.dispute_reason",
    "state": "ui.code.promise_state",
}
BUCKETED = {"bucket", "segment"}  # values named by riskcore.receivables.kpi.bucket_names / segment_names
BOOLEANS = {"on_hold", "disputed", "worsening", "non_credit", "doubtful", "terms_end_of_month", "due_date_assumed"}


def _code(value: object) -> object:
    return int(value) if isinstance(value, float) and value.is_integer() else value  # 3.0 -> 3 (a level)


def _codes(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Code values (buckets, statuses, alerts, yes/no) replaced by their words in `lang`."""
    for column in frame.columns:
        if column in BUCKETED:
            words = {v: bucket_label(v, lang) for v in frame[column].dropna().unique() if is_bucket(v)}
            frame[column] = frame[column].map(lambda v, w=words: w.get(v, v))
        elif column in CODED:
            prefix = CODED[column]
            words = {
                v: t(f"{prefix}.{_code(v)}", lang)
                for v in frame[column].dropna().unique()
                if has(f"{prefix}.{_code(v)}", lang)
            }
            frame[column] = frame[column].map(lambda v, w=words: w.get(v, v))
        elif column in BOOLEANS:
            yes, no = t("ui.common.yes", lang), t("ui.common.no", lang)
            frame[column] = frame[column].map(lambda v, y=yes, n=no: "" if v is None or v != v else (y if v else n))
    return frame


def client_url(client_id: object) -> str:
    """The client file's address relative to the app (`client?client=C042`), openable in a new tab."""
    return f"client?client={quote(str(client_id), safe='')}"


def header(ctx: Context, column: str) -> str:
    """A column's translated header; bucket columns (`d31_60`) are named from their edges."""
    if column != "not_due" and is_bucket(column):
        return bucket_label(column, ctx.lang)
    return ctx.t(f"col.{column}")


def show(
    ctx: Context,
    frame: pd.DataFrame,
    columns: Sequence[str] | None,
    *,
    key: str,
    link: str | None = "client_id",
    cents: bool = False,
    select: bool | str = False,
    height: int | str = "auto",
    limit: int = MAX_ROWS,
    truncated: str = "table.truncated",
    empty: str | None = None,
) -> Any:
    """Draw `frame[columns]` formatted; `link` becomes a link to the client file.

    An empty frame shows the empty state `empty` (widgets.empty: what to do next) when given,
    else a plain "no rows". Returns the selection state when `select` is set (one row at a
    time; `select="multi"`: several), else None.
    """
    if frame.empty:
        if empty is None:
            st.caption(ctx.t("table.empty"))
        else:
            widgets.empty(ctx, empty)
        return None
    columns = [c for c in (columns if columns is not None else frame.columns) if c in frame.columns]
    if len(frame) > limit:
        st.caption(ctx.t(truncated, shown=fmt.number(ctx.lang)(limit), total=fmt.number(ctx.lang)(len(frame))))
        frame = frame.head(limit)
    view = _codes(frame[columns].copy(), ctx.lang)
    config: dict[str, Any] = {}
    if link and link in view.columns:
        view[link] = view[link].map(client_url)
        config[header(ctx, link)] = st.column_config.LinkColumn(
            header(ctx, link), display_text=r"client=(.*)$", help=ctx.t("table.open_client")
        )
    for column in columns:  # the grid draws date columns itself, whatever the Styler says
        if column in DATES and column in view.columns:
            view[column] = pd.to_datetime(view[column])
            config[header(ctx, column)] = st.column_config.DateColumn(
                header(ctx, column), format=DATE_FORMATS[ctx.lang]
            )
    formats = {
        header(ctx, c): f for c in columns if c not in DATES and (f := _formatter(c, ctx.lang, cents)) is not None
    }
    styler = view.rename(columns={c: header(ctx, c) for c in columns}).style.format(formats, na_rep="")
    mode = "multi-row" if select == "multi" else "single-row"
    kwargs: dict[str, Any] = {"on_select": "rerun", "selection_mode": mode} if select else {}
    return st.dataframe(
        styler, key=key, hide_index=True, column_config=config, height=height, placeholder="—", **kwargs
    )


def selected_rows(state: Any) -> list[int]:
    """The positions of the rows the reader selected in a `show(..., select=...)` table."""
    return list(state.selection.rows) if state is not None and hasattr(state, "selection") else []


def selected_row(state: Any) -> int | None:
    """The position of the row the reader selected in a `show(..., select=True)` table."""
    rows = state.selection.rows if state is not None and hasattr(state, "selection") else []
    return rows[0] if rows else None


def xlsx_bytes(frame: pd.DataFrame, sheet: str, lang: str | None = None, **options: Any) -> bytes:
    """`frame` as an Excel workbook with one sheet, typed cells (riskcore.reporting.exports)."""
    return exporting.xlsx_bytes(frame, sheet, lang or default_language(), **options)


def csv_bytes(frame: pd.DataFrame, lang: str, **options: Any) -> bytes:
    """`frame` as CSV the reader's spreadsheet opens: `;` and decimal comma in French, with a BOM."""
    return exporting.csv_bytes(frame, lang, **options)


def exports_of(ctx: Context, frame: pd.DataFrame, columns: Sequence[str]) -> tuple[pd.DataFrame, dict[str, str]]:
    """`frame[columns]` with its codes in words and the translated headers, as both downloads write them."""
    return _codes(frame[list(columns)].copy(), ctx.lang), {c: header(ctx, c) for c in columns}


def exports(ctx: Context, frame: pd.DataFrame, columns: Sequence[str], *, name: str, key: str) -> None:
    """CSV and Excel download buttons for `frame[columns]` (every row, translated headers), built on click.

    Both files come from riskcore.reporting.exports, as the CLI's: neutralised formulas, cents, typed cells.
    """
    columns = [c for c in columns if c in frame.columns]
    if not ctx.user.can("export"):
        return  # riskcore.reporting.exports.for_user refuses it anyway

    def csv_file() -> bytes:  # built on click only: a large ledger's export costs nothing until asked
        table, headers = exports_of(ctx, frame, columns)
        return exporting.for_user(ctx.user, "csv", table, ctx.lang, headers=headers)

    def xlsx_file() -> bytes:
        table, headers = exports_of(ctx, frame, columns)
        return exporting.for_user(ctx.user, "xlsx", table, ctx.lang, sheet=name, headers=headers)

    left, right, _ = st.columns([1, 1, 4])
    left.download_button(
        ctx.t("table.export_csv"),
        csv_file,
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"{key}.csv",
        icon=":material/download:",
        on_click="ignore",
    )
    right.download_button(
        ctx.t("table.export_xlsx"),
        xlsx_file,
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}.xlsx",
        icon=":material/download:",
        on_click="ignore",
    )
