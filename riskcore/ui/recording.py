"""The collections forms: record an action, a promise to pay, a dispute, a resolution or a credit hold.

For one client (the client file) or a selection (the worklist, a sales rep's clients). The form only
collects values; riskcore.dunning.records checks who may record on which client and writes the
rows, and a refusal comes back as a message (riskcore.ui.actions.record_collections).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from riskcore import config
from riskcore.dunning.scenario import ACTION_LEVELS
from riskcore.i18n import fmt_date
from riskcore.ui import actions
from riskcore.ui.fmt import literal

if TYPE_CHECKING:
    from riskcore.dunning.portfolio import Day
    from riskcore.ui.context import Context

KINDS = ("action", "promise", "dispute", "dispute_resolved", "hold_on", "hold_off")
REP_KINDS = ("action", "promise", "dispute")  # what a sales rep records on their own clients
REP_ACTIONS = ("call", "reminder_email")
CHANNELS = ("phone", "email", "letter", "registered_letter", "bailiff", "visit")
ACTION_CHANNELS = {"reminder_email": "email", "reminder_letter": "letter", "call": "phone",
                   "formal_notice": "registered_letter", "litigation": "bailiff"}  # fmt: skip
PROMISE_DAYS = 7  # a promise's date defaults to a week after the call


def may_record(ctx: Context, kind: str) -> bool:
    """Whether the reader's role may submit `kind` at all (the core then checks the client)."""
    if kind in ("hold_on", "hold_off"):
        return ctx.user.can("credit_hold")
    return ctx.user.can("dunning") or ctx.user.can("dunning_own")


def _open_invoices(d: Day, client_id: str) -> list[str]:
    """The client's invoices the worklist's scenario sees at the day (open, due soon or overdue)."""
    rows = d.work.loc[d.work["client_id"] == client_id, "invoice_ids"]
    return list(rows.iloc[0]) if len(rows) else []


def _label(ctx: Context, kind: str, value: str) -> str:
    """A code's words (`ui.code.<kind>.<value>`), the value itself when the catalogue has none."""
    text = ctx.t(f"code.{kind}.{value}")
    return value if text == f"ui.code.{kind}.{value}" else text


def record_form(
    ctx: Context,
    d: Day,
    client_ids: Sequence[str],
    *,
    key: str,
    kinds: Sequence[str] = KINDS,
    invoices: pd.DataFrame | None = None,
) -> None:
    """The recording form for `client_ids`; `invoices` (kpi.open_items of one client) lets one pick invoices."""
    if not client_ids:
        st.caption(ctx.t("collect.select_hint"))
        return
    cfg = config.get().collections
    kind = st.segmented_control(
        ctx.t("collect.record_kind"),
        list(kinds),
        default=kinds[0],
        format_func=lambda k: ctx.t(f"collect.kind_{k}"),
        key=f"{key}.kind",
        required=True,
    )
    kind = kind or kinds[0]
    single = client_ids[0] if len(client_ids) == 1 else None
    steps = d.work[d.work["client_id"].isin(client_ids)]
    actions_offered = REP_ACTIONS if kinds == REP_KINDS else tuple(ACTION_LEVELS)
    step_action = steps["action"].mode().iloc[0] if len(steps) else actions_offered[0]
    with st.form(key=f"{key}.form", border=True, enter_to_submit=False):
        st.caption(ctx.t("collect.for_clients", n=len(client_ids), clients=literal(", ".join(client_ids[:8]))))
        left, middle, right = st.columns(3)
        when = left.date_input(ctx.t("collect.date"), value=dt.date.today(), format="DD/MM/YYYY", key=f"{key}.date")
        values: dict[str, object] = {"date": when}
        if kind == "action":
            action = middle.selectbox(
                ctx.t("collect.action"),
                actions_offered,
                index=actions_offered.index(step_action) if step_action in actions_offered else 0,
                format_func=lambda a: _label(ctx, "action", a),
                key=f"{key}.action",
            )
            values["action"] = action
            values["channel"] = right.selectbox(
                ctx.t("collect.channel"),
                CHANNELS,
                index=CHANNELS.index(ACTION_CHANNELS.get(step_action, "phone")),
                format_func=lambda c: _label(ctx, "channel", c),
                key=f"{key}.channel",
            )
            values["outcome"] = left.selectbox(
                ctx.t("collect.outcome"),
                ["", *cfg.outcomes],
                format_func=lambda o: _label(ctx, "outcome", o) if o else "—",
                key=f"{key}.outcome",
            )
        elif kind == "promise":
            values["promise_date"] = middle.date_input(
                ctx.t("collect.promise_date"),
                value=dt.date.today() + dt.timedelta(days=PROMISE_DAYS),
                format="DD/MM/YYYY",
                key=f"{key}.promise_date",
            )
            if single:
                overdue = d.clients.loc[d.clients["client_id"] == single, "overdue"]
                default = float(overdue.iloc[0]) if len(overdue) and overdue.iloc[0] > 0 else None
                values["amount"] = right.number_input(
                    ctx.t("collect.promise_amount"), min_value=0.0, value=default, step=100.0, key=f"{key}.amount"
                )
            else:
                right.caption(ctx.t("collect.promise_each_overdue"))
            st.caption(ctx.t("collect.promise_grace", days=cfg.promise_grace_days))
        elif kind in ("dispute", "dispute_resolved"):
            if kind == "dispute":
                values["reason"] = middle.selectbox(
                    ctx.t("collect.dispute_reason"),
                    cfg.dispute_reasons,
                    format_func=lambda r: _label(ctx, "dispute_reason", r),
                    key=f"{key}.reason",
                )
        else:
            values["reason"] = middle.text_input(ctx.t("collect.hold_reason"), key=f"{key}.hold_reason")
        if single and kind in ("promise", "dispute", "dispute_resolved") and invoices is not None:
            ids = invoices.get("invoice_id", pd.Series(dtype=str)).astype(str).tolist()
            if kind == "dispute_resolved":
                ids = [i for i, disp in zip(ids, invoices.get("disputed", [False] * len(ids)), strict=False) if disp]
            preset = [i for i in _open_invoices(d, single) if i in ids] if kind != "dispute_resolved" else ids
            values["invoices"] = {
                single: st.multiselect(
                    ctx.t("collect.invoices"),
                    ids,
                    default=preset,
                    key=f"{key}.invoices.{kind}",
                    placeholder=ctx.t("collect.invoices_all" if kind == "promise" else "collect.invoices_pick"),
                )
            }
        values["note"] = st.text_input(ctx.t("collect.note"), key=f"{key}.note")
        allowed = may_record(ctx, kind)
        submitted = st.form_submit_button(
            ctx.t(f"collect.submit_{kind}"), type="primary", disabled=not allowed, key=f"{key}.submit"
        )
    if when and d.as_of and when > d.as_of:
        st.caption(ctx.t("collect.after_as_of", date=fmt_date(d.as_of, ctx.lang)))
    if not allowed:
        st.caption(ctx.t("data.role_needed", role=ctx.t(f"role.{ctx.user.role}")))
    if submitted:
        if kind == "promise" and not single:
            amounts = d.clients.set_index("client_id")["overdue"]
            values["amounts"] = {c: float(amounts.get(c, 0.0)) for c in client_ids}
        elif kind == "promise":
            values["amounts"] = {single: float(values.get("amount") or 0.0)}
        if kind in ("dispute", "dispute_resolved") and "invoices" not in values:
            values["invoices"] = {c: _open_invoices(d, c) for c in client_ids}
        actions.record_collections(ctx, kind, list(client_ids), values)
