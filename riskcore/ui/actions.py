"""What the buttons do: one core call each, with progress, the outcome as a message, and a rerun.

Roles are checked by the core (riskcore.access.auth.require); a refusal arrives as a domain error
and is shown as a message, like any other EncoursError.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd
import streamlit as st

from riskcore.errors import EncoursError
from riskcore.i18n import t
from riskcore.ui.fmt import literal

if TYPE_CHECKING:
    from riskcore.ui.context import Context
    from riskcore.ui.uploads import Staged

_REPORT = "_encours_import_report"
_FLASH = "_encours_flash"


def flash(kind: str, message: str) -> None:
    """A message shown once, after the rerun that follows an action."""
    st.session_state[_FLASH] = (kind, message)


def show_flash() -> None:
    """Show (and forget) the message left by the last action."""
    kind, message = st.session_state.pop(_FLASH, (None, None))
    if kind == "success":
        st.success(message, icon=":material/check_circle:")
    elif kind == "error":
        st.error(message, icon=":material/error:")
    elif kind == "info":
        st.info(message, icon=":material/info:")


def _fail(ctx: Context, exc: EncoursError) -> None:
    st.error(exc.message(ctx.lang), icon=":material/error:")


# --- data ------------------------------------------------------------------------------------


def import_files(
    ctx: Context,
    files: Sequence[Staged],
    previews: Sequence[Any],
    mappings: Sequence[dict[str, str | None]],
    *,
    terms_days: int | None,
    collective_as_client: bool,
) -> None:
    """Validate and load the uploaded files in one transaction, keeping the report for display."""
    from riskcore import ingest
    from riskcore.ui.uploads import corrections

    try:
        with st.spinner(ctx.t("data.importing", n=len(files)), show_time=True):
            report = ingest.import_files(
                ctx.store,
                [f.path for f in files],
                mappings=corrections(previews, mappings),
                terms_days=terms_days,
                collective_as_client=collective_as_client,
                user=ctx.user,
                file_names={f.path: f.name for f in files},
            )
    except EncoursError as exc:
        _fail(ctx, exc)
        return
    st.session_state[_REPORT] = report
    st.rerun()


def show_last_report(ctx: Context) -> None:
    """The validation report of the last import of this session: per file, then every problem."""
    report = st.session_state.get(_REPORT)
    if report is None:
        return
    from riskcore.ui import tables

    with st.container(key="data.report"):
        st.subheader(ctx.t("data.report"))
        if report.refused:
            st.error(ctx.t("data.refused"), icon=":material/block:")
        elif report.ok:
            st.success(ctx.t("data.imported"), icon=":material/check_circle:")
        rows = pd.DataFrame(
            [
                {
                    "file_name": f.file_name,
                    "kind": t(f"ingest.kinds.{f.kind}", ctx.lang),
                    "rows_read": f.rows_read,
                    "rows_loaded": f.rows_loaded,
                    "rows_rejected": f.rows_rejected,
                }
                for f in report.files
            ]
        )
        tables.show(ctx, rows, list(rows.columns), key="data.report_files", link=None)
        for f in report.files:
            lines = f.render(ctx.lang)[1:]  # the first line repeats the file name shown as the title
            if f.problems or f.notes or f.unmatched_headers:
                with st.expander(ctx.t("data.details", file=literal(f.file_name)), expanded=bool(f.problems)):
                    st.text("\n".join(line.strip() for line in lines))


def load_demo(ctx: Context, confirm: str | None) -> None:
    """Replace the workspace with the demo ledger (riskcore checks the right, the name typed, backs up)."""
    from riskcore import demo

    try:
        with st.spinner(ctx.t("data.loading_demo"), show_time=True):
            saved, _ = demo.replace_with_demo(ctx.store, ctx.user, confirm)
    except EncoursError as exc:
        _fail(ctx, exc)
        return
    _done_destructive(ctx, "data.demo_loaded", saved)


def clear_workspace(ctx: Context, confirm: str | None) -> None:
    """Delete every ledger row, decision and import record (riskcore: admin, name typed, backup first)."""
    from riskcore.access import workspace

    try:
        saved = workspace.clear(ctx.store, ctx.user, confirm)
    except EncoursError as exc:
        _fail(ctx, exc)
        return
    st.session_state.pop(_REPORT, None)
    _done_destructive(ctx, "data.cleared", saved)


def _done_destructive(ctx: Context, key: str, saved: object) -> None:
    for widget in ("data.demo_confirm", "data.clear_confirm"):
        st.session_state.pop(widget, None)
    message = ctx.t(key)
    if saved:
        message += "  \n" + ctx.t("data.backup_saved", file=literal(str(saved)))
    flash("success", message)
    st.rerun()


# --- credit limits and dunning ---------------------------------------------------------------


def propose_limit(
    ctx: Context, client_id: str, new_limit: float, reason: str, suggested: float | None, seen: str | None = None
) -> None:
    """limits.propose: applied at once within the threshold, else queued for a second person.

    `seen`: the limit's version when the edit started; a change made since by someone else refuses the save.
    """
    from riskcore.credit import limits

    try:
        decision = limits.propose(
            ctx.store, ctx.user, client_id, float(new_limit), reason, suggested_limit=suggested, seen=seen
        )
    except EncoursError as exc:
        _fail(ctx, exc)
        return
    flash(
        "success" if decision.status == "applied" else "info",
        ctx.t(f"limits.outcome_{decision.status}", client=literal(client_id)),
    )
    st.rerun()


def decide_limit(ctx: Context, decision_id: int, approve: bool) -> None:
    """limits.decide: approve (the limit is applied) or reject a pending proposal."""
    from riskcore.credit import limits

    try:
        decision = limits.decide(ctx.store, ctx.user, decision_id, approve)
    except EncoursError as exc:
        _fail(ctx, exc)
        return
    flash("success", ctx.t(f"limits.outcome_{decision.status}", client=literal(decision.client_id)))
    st.rerun()


def _record_one(ctx: Context, kind: str, client_id: str, values: dict) -> None:
    """One client's record of `kind` through riskcore.dunning.records (which checks the user)."""
    from riskcore.dunning import records

    day, note = values["date"], values.get("note") or None
    invoices = values.get("invoices", {}).get(client_id, ())
    if kind == "action":
        records.record_action(
            ctx.store, ctx.user, client_id, day, values["action"], values.get("channel"),
            values.get("outcome") or None, note,
        )  # fmt: skip
    elif kind == "promise":
        amount = values["amounts"][client_id]
        records.record_promise(ctx.store, ctx.user, client_id, day, values["promise_date"], amount, invoices, note)
    elif kind in ("dispute", "dispute_resolved"):
        opened = kind == "dispute"
        records.record_dispute(ctx.store, ctx.user, client_id, invoices, day, values.get("reason"), note, opened=opened)
    else:
        records.set_credit_hold(ctx.store, ctx.user, client_id, day, kind == "hold_on", values.get("reason") or None)


def record_collections(ctx: Context, kind: str, client_ids: Sequence[str], values: dict) -> None:
    """Record `kind` (action, promise, dispute, dispute_resolved, hold_on, hold_off) for each client.

    Each client's record is its own transaction: a refusal for one (another rep's client, nothing
    open) is reported by name and leaves the others recorded.
    """
    done, refused = [], []
    for client_id in client_ids:
        try:
            _record_one(ctx, kind, client_id, values)
        except EncoursError as exc:
            refused.append(ctx.t("collect.refused_line", client=literal(client_id), message=exc.message(ctx.lang)))
        else:
            done.append(client_id)
    if refused and not done:
        st.error("\n\n".join(refused), icon=":material/error:")
        return
    message = ctx.t("collect.recorded", n=len(done), what=ctx.t(f"collect.kind_{kind}").lower())
    if refused:
        flash("error", message + "\n\n" + "\n\n".join(refused))
    else:
        flash("success", message)
    st.rerun()


def send_letters(ctx: Context, day: object, client_ids: Sequence[str]) -> None:
    """E-mail the listed clients' letters (config collections.smtp), then say how many went and which did not."""
    from riskcore.dunning import portfolio

    try:
        with st.spinner(ctx.t("collect.sending", n=len(client_ids)), show_time=True):
            sent, unaddressed = portfolio.send_letters(ctx.store, ctx.user, day, client_ids)  # type: ignore[arg-type]
    except EncoursError as exc:
        _fail(ctx, exc)
        return
    flash("success", ctx.t("collect.sent", n=len(sent), clients=literal(", ".join(unaddressed)) or "—"))
    st.rerun()


def retrain(ctx: Context) -> None:
    """Refit the scoring model on the whole ledger, showing progress; scores are then recomputed."""
    from riskcore.credit import model

    try:
        with st.status(ctx.t("model.training"), expanded=False) as status:
            card = model.retrain(ctx.store, ctx.user, ctx.as_of)
            status.update(label=ctx.t("model.trained"), state="complete")
    except EncoursError as exc:
        _fail(ctx, exc)
        return
    from riskcore.ui import cached

    cached.clear()
    flash("success", ctx.t("model.trained_card", model=card.get("model", "—")))
    st.rerun()
