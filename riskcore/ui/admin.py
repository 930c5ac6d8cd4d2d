"""The administration pages' pieces: accounts (list, add, disable or enable, reset a password) and the audit log.

Every read and write goes through riskcore.access (users, audit), which checks the reader's role
and raises PermissionDenied: a page reached by a typed address is refused there, not here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from riskcore import config
from riskcore.access import audit, users
from riskcore.errors import EncoursError
from riskcore.i18n import t
from riskcore.ui import actions, fmt, tables, widgets
from riskcore.ui.fmt import literal
from riskcore.ui.signin import role_name

if TYPE_CHECKING:
    from riskcore.ui.context import Context

ACCOUNT_COLUMNS = ["user_name", "role", "person", "disabled", "created_at", "password_changed_at"]
AUDIT_COLUMNS = [c for c in audit.COLUMNS if c != "audit_id"]  # the id goes in the export only
AUDIT_EXPORT_COLUMNS = ["audit_id", *AUDIT_COLUMNS]
_TIMES = ("created_at", "password_changed_at", "at_utc")


def _stamp(lang: str) -> Callable[[object], str]:
    """A UTC time as `31/10/2026 14:05:09`: the date as every table writes it, the time to the second."""
    day = fmt.date(lang)
    return lambda value: "" if fmt.missing(value) else f"{day(value)} {pd.Timestamp(value):%H:%M:%S}"


def _words(ctx: Context, frame: pd.DataFrame, *, times: bool) -> pd.DataFrame:
    """Roles and yes/no in the reader's words; with `times`, the UTC times as text for the screen."""
    out = frame.copy()
    if "role" in out.columns:
        out["role"] = out["role"].map(lambda r: role_name(r, ctx.lang) if isinstance(r, str) else r)
    if "disabled" in out.columns:
        yes, no = ctx.t("common.yes"), ctx.t("common.no")
        out["disabled"] = out["disabled"].map(lambda v: yes if v else no)
    if times:
        stamp = _stamp(ctx.lang)
        for column in (c for c in _TIMES if c in out.columns):
            out[column] = out[column].map(stamp)
    return out


def _change(ctx: Context, done: str, name: str, call: Callable[[], object], passwords: Sequence[str] = ()) -> None:
    """Run one riskcore write; its refusal as a message, its success as a message after a rerun."""
    if passwords and len(set(passwords)) > 1:
        st.error(t("access.passwords_differ", ctx.lang), icon=":material/error:")
        return
    try:
        call()
    except EncoursError as exc:
        st.error(exc.message(ctx.lang), icon=":material/error:")
        return
    actions.flash("success", ctx.t(done, name=literal(name)))  # a name of the data: shown as written
    st.rerun()


# --- accounts --------------------------------------------------------------------------------------


def accounts(ctx: Context) -> pd.DataFrame:
    """Every account without its hash (users.listing: PermissionDenied unless `manage_users`)."""
    return users.listing(ctx.store.cursor(), ctx.user)


def accounts_table(ctx: Context, listing: pd.DataFrame) -> None:
    view = _words(ctx, listing.rename(columns={"name": "user_name"}), times=True)
    tables.show(ctx, view, ACCOUNT_COLUMNS, key="users.table", link=None, empty="no_accounts")


def _password_fields(ctx: Context, key: str) -> tuple[str, str]:
    left, right = st.columns(2)
    help_text = ctx.t("users.password_help", n=config.get().auth.min_password_length)
    password = left.text_input(
        ctx.t("users.password"), type="password", key=f"{key}.password", autocomplete="new-password", help=help_text
    )
    again = right.text_input(
        ctx.t("users.password_again"), type="password", key=f"{key}.again", autocomplete="new-password"
    )
    return password or "", again or ""


def add_form(ctx: Context, listing: pd.DataFrame) -> None:
    """A new account: name, role (config.yaml roles), person of the ledger, password typed twice."""
    roles = tuple(config.get().roles)
    if listing.empty:
        st.info(ctx.t("users.first_account"), icon=":material/info:")
    # the first account is the administrator who will manage the others
    first = roles.index("admin") if listing.empty and "admin" in roles else 0
    with st.form("users.add", clear_on_submit=True):  # a password never stays in a field
        left, right = st.columns(2)
        name = left.text_input(ctx.t("users.name"), key="users.add.name", help=ctx.t("users.name_help"))
        role = right.selectbox(
            ctx.t("users.role"),
            roles,
            index=first,
            format_func=lambda r: role_name(r, ctx.lang),
            key="users.add.role",
        )
        person = st.text_input(ctx.t("users.person"), key="users.add.person", help=ctx.t("users.person_help"))
        password, again = _password_fields(ctx, "users.add")
        submitted = st.form_submit_button(ctx.t("users.add"), key="users.add.submit", type="primary")
    if submitted:
        name = (name or "").strip()
        _change(
            ctx,
            "users.added",
            name,
            lambda: users.add(ctx.store, ctx.user, name, role, password, (person or "").strip() or None),
            (password, again),
        )


def _account_choice(ctx: Context, listing: pd.DataFrame, key: str) -> str:
    disabled = dict(zip(listing["name"], listing["disabled"], strict=True))
    return st.selectbox(
        ctx.t("users.account"),
        list(disabled),
        key=key,
        format_func=lambda n: ctx.t("users.account_disabled", name=n) if disabled[n] else n,  # plain text
    )


def status_form(ctx: Context, listing: pd.DataFrame) -> None:
    """Disable an account (its sessions end at their next click) or enable it again."""
    if listing.empty:
        st.caption(ctx.t("table.empty"))
        return
    name = _account_choice(ctx, listing, "users.status.name")
    now_disabled = bool(listing.loc[listing["name"] == name, "disabled"].iloc[0])
    label = "users.enable" if now_disabled else "users.disable"
    if st.button(ctx.t(label), key="users.status.toggle", type="primary"):
        _change(
            ctx,
            "users.enabled_done" if now_disabled else "users.disabled_done",
            name,
            lambda: users.set_disabled(ctx.store, ctx.user, name, not now_disabled),
        )


def password_form(ctx: Context, listing: pd.DataFrame) -> None:
    """A new password for an account, typed twice (it also enables the account and lifts a lockout)."""
    if listing.empty:
        st.caption(ctx.t("table.empty"))
        return
    with st.form("users.reset", clear_on_submit=True):
        name = _account_choice(ctx, listing, "users.reset.name")
        password, again = _password_fields(ctx, "users.reset")
        submitted = st.form_submit_button(ctx.t("users.reset"), key="users.reset.submit", type="primary")
    if submitted:
        _change(
            ctx,
            "users.reset_done",
            name,
            lambda: users.reset_password(ctx.store, ctx.user, name, password),
            (password, again),
        )


# --- audit log -------------------------------------------------------------------------------------


def _pick(ctx: Context, column: object, label: str, values: pd.Series, key: str) -> str | None:
    """One filter: every value the log holds, or all of them (None)."""
    options: list[str | None] = [None, *sorted({str(v) for v in values.dropna()})]
    return column.selectbox(  # type: ignore[attr-defined]
        ctx.t(label), options, key=key, format_func=lambda v: ctx.t("audit.any") if v is None else v
    )


def audit_rows(ctx: Context) -> pd.DataFrame:
    """The filters (user, action, entity, a UTC date range) and the rows of the log they keep, newest first.

    audit.read refuses anyone without the `audit` permission (PermissionDenied).
    """
    con = ctx.store.cursor()
    log = audit.read(con, ctx.user)  # the whole log: the choices of the filters
    who, what, entity, since, until = st.columns(5)
    chosen = {
        "who": _pick(ctx, who, "audit.user", log["user_name"], "audit.user"),
        "action": _pick(ctx, what, "audit.action", log["action"], "audit.action"),
        "entity": _pick(ctx, entity, "audit.entity", log["entity"], "audit.entity"),
        "since": since.date_input(ctx.t("audit.since"), value=None, format="DD/MM/YYYY", key="audit.since"),
        "until": until.date_input(ctx.t("audit.until"), value=None, format="DD/MM/YYYY", key="audit.until"),
    }
    if all(v is None for v in chosen.values()):
        return log
    return audit.read(con, ctx.user, **chosen)


def audit_table(ctx: Context, rows: pd.DataFrame) -> None:
    """The rows (at most tables.MAX_ROWS on screen) and the CSV and Excel files of every one of them."""
    if rows.empty:
        widgets.empty(ctx, "no_audit_rows")
        return
    st.caption(ctx.t("audit.rows", n=fmt.number(ctx.lang)(len(rows))))
    tables.show(ctx, _words(ctx, rows, times=True), AUDIT_COLUMNS, key="audit.table", link=None)
    # the files keep the times as typed cells (riskcore.reporting.exports), not as text
    tables.exports(
        ctx, _words(ctx, rows, times=False), AUDIT_EXPORT_COLUMNS, name=ctx.t("audit.export_name"), key="audit.export"
    )
