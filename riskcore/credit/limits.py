"""Suggested credit limits, utilisation alerts and limit decisions (issue 5 §4, DOMAIN.md §7).

Suggested limit (after the AFDCC method) = average monthly sales over 12 months
× (terms days + grace days) / 30 × grade factor, capped by the credit-insurance limit when
one exists and by limits.max_limit, rounded down to limits.rounding_step. Every factor is a
reason. A client on credit hold (DOMAIN.md §9) gets no limit above its current outstanding:
its suggestion is capped there and a proposal raising its limit above it is refused. Decisions
live in `limit_decisions`; above the approval threshold a second person holding `approve_limit`
applies them, and every change is kept.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

import pandas as pd

from riskcore import config
from riskcore.access import audit, auth
from riskcore.access.auth import User
from riskcore.errors import DecisionError
from riskcore.messages import Reason
from riskcore.storage import store as store_mod
from riskcore.storage.store import Cursor, Store

SUGGEST_COLUMNS = [
    "client_id",
    "suggested_limit",
    "limit_reasons",
    "utilisation",
    "alert",
    "credit_limit",
    "outstanding",
]


# --- suggested limit -------------------------------------------------------------------------


@dataclass(frozen=True)
class LimitSuggestion:
    """The suggested limit of one client and its reasons: each factor and cap, in order."""

    client_id: str
    amount: float
    reasons: tuple[Reason, ...]


def _present(value: float | None) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def suggestion(
    client_id: str,
    sales_12m: float,
    terms_days: float,
    grade: str,
    insured_limit: float | None,
    on_hold_outstanding: float | None = None,
) -> LimitSuggestion:
    """The DOMAIN.md §7 limit of one client, each factor and cap named in its reasons.

    `on_hold_outstanding`: the outstanding of a client on credit hold, which caps the limit (DOMAIN.md §9;
    0 for a credit balance) before it is rounded down like any other.
    """
    cfg = config.get().limits
    monthly = max(float(sales_12m), 0.0) / 12
    term_factor = (float(terms_days) + cfg.grace_days) / 30
    grade_factor = cfg.grade_factors[grade]
    reasons = [
        Reason("limits.monthly_sales", {"amount": monthly}),
        Reason("limits.terms", {"days": terms_days, "grace": cfg.grace_days, "factor": term_factor}),
        Reason("limits.grade_factor", {"grade": grade, "factor": grade_factor}),
    ]
    amount = monthly * term_factor * grade_factor
    if _present(insured_limit) and amount > insured_limit:
        amount = float(insured_limit)
        reasons.append(Reason("limits.capped_insured", {"amount": amount}))
    if amount > cfg.max_limit:
        amount = cfg.max_limit
        reasons.append(Reason("limits.capped_max", {"amount": amount}))
    if on_hold_outstanding is not None and amount > max(float(on_hold_outstanding), 0.0):
        amount = max(float(on_hold_outstanding), 0.0)
        reasons.append(Reason("limits.capped_hold", {"amount": round(amount, 2)}))
    # Decimal on the cent-rounded value: 17 999.999… from float noise must not lose a whole step.
    step = Decimal(str(cfg.rounding_step))
    rounded = (Decimal(str(round(amount, 2))) / step).to_integral_value(rounding=ROUND_FLOOR) * step
    reasons.append(Reason("limits.rounded", {"amount": float(step)}))
    return LimitSuggestion(client_id, float(rounded), tuple(reasons))


def alert(outstanding: float, limit: float | None) -> tuple[float | None, str]:
    """(utilisation, alert): "warn" and "high" at limits.utilisation_alerts, "over" above 100 %."""
    if not _present(limit):
        return None, "none"
    if limit <= 0:
        return None, "over" if outstanding > 0 else "none"
    utilisation = outstanding / limit
    warn, high = config.get().limits.utilisation_alerts[:2]
    if utilisation > 1:
        return utilisation, "over"
    if utilisation >= high:
        return utilisation, "high"
    if utilisation >= warn:
        return utilisation, "warn"
    return utilisation, "none"


def holds(con: Cursor, as_of: dt.date | None, client_id: str | None = None) -> dict[str, tuple[dt.date, float]]:
    """The clients on credit hold at `as_of` (None: as things stand), each with (hold date, outstanding)."""
    rows = store_mod.rows(con, "limit_holds", as_of=as_of, c=client_id)
    return {client: (day, outstanding) for client, day, outstanding in rows}


def suggest(con: Cursor, scores: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Per scored client: suggested_limit, limit_reasons, utilisation (outstanding / current limit), alert.

    Also returns the current credit_limit and the outstanding balance at `as_of`. A client on credit
    hold at `as_of` is suggested no more than that outstanding (reason limits.capped_hold).
    """
    inputs = store_mod.query(
        con, "scoring_limit_inputs", as_of=as_of, default_terms=config.get().import_.default_terms_days
    ).set_index("client_id")
    by_client = inputs.to_dict("index")  # plain dicts: .loc per client is slow for 20 000 clients
    on_hold = holds(con, as_of)
    rows = []
    for client_id, grade in zip(scores["client_id"], scores["grade"], strict=True):
        x = by_client[client_id]
        limit = None if pd.isna(x["credit_limit"]) else float(x["credit_limit"])
        insured = None if pd.isna(x["insured_limit"]) else float(x["insured_limit"])
        held = float(x["outstanding"]) if client_id in on_hold else None
        s = suggestion(client_id, x["sales_12m"], x["terms_days"], grade, insured, on_hold_outstanding=held)
        utilisation, level = alert(float(x["outstanding"]), limit)
        rows.append((client_id, s.amount, s.reasons, utilisation, level, limit, float(x["outstanding"])))
    frame = pd.DataFrame(rows, columns=SUGGEST_COLUMNS)
    frame["limit_reasons"] = frame["limit_reasons"].astype(object)
    frame["utilisation"] = frame["utilisation"].astype("float64")
    frame["credit_limit"] = frame["credit_limit"].astype("float64")
    return frame


# --- decisions -------------------------------------------------------------------------------


def needs_approval(previous: float | None, new: float) -> bool:
    """True when a second person must approve: a new limit above limits.approval_threshold_amount,
    or an increase of more than limits.approval_threshold_increase of the previous limit.

    A cut never waits (lowering exposure on a failing client is urgent); lifting a limit of 0
    (a blocked account) is an unbounded increase, so it does.
    """
    cfg = config.get().limits
    if previous is not None and new <= previous:
        return False
    if new > cfg.approval_threshold_amount:
        return True
    if previous is None:
        return False
    if previous == 0:
        return new > 0
    return (new - previous) / previous > cfg.approval_threshold_increase


@dataclass(frozen=True)
class Decision:
    """One row of limit_decisions: a proposed limit, who proposed it, and who applied or rejected it."""

    decision_id: int
    client_id: str
    previous_limit: float | None
    new_limit: float
    suggested_limit: float | None
    reason: str
    proposed_by: str
    proposed_at: dt.datetime
    status: str  # pending / applied / rejected
    decided_by: str | None
    decided_at: dt.datetime | None


def _decisions(
    con: Cursor, client_id: str | None = None, status: str | None = None, decision_id: int | None = None
) -> pd.DataFrame:
    return store_mod.query(con, "scoring_limit_decisions", client_id=client_id, status=status, decision_id=decision_id)


def _decision(con: Cursor, decision_id: int) -> Decision | None:
    frame = _decisions(con, decision_id=decision_id)
    if frame.empty:
        return None
    row = frame.iloc[0]

    def opt(value: object) -> object:
        return None if pd.isna(value) else value

    return Decision(
        decision_id=int(row["decision_id"]),
        client_id=row["client_id"],
        previous_limit=opt(row["previous_limit"]),
        new_limit=float(row["new_limit"]),
        suggested_limit=opt(row["suggested_limit"]),
        reason=row["reason"],
        proposed_by=row["proposed_by"],
        proposed_at=pd.Timestamp(row["proposed_at"]).to_pydatetime(),
        status=row["status"],
        decided_by=opt(row["decided_by"]),
        decided_at=None if pd.isna(row["decided_at"]) else pd.Timestamp(row["decided_at"]).to_pydatetime(),
    )


def _current_limit(cur: Cursor, client_id: str) -> tuple[bool, float | None]:
    rows = store_mod.rows(cur, "limit_current", c=client_id)
    if not rows:
        return False, None
    return True, None if rows[0][0] is None else float(rows[0][0])


def version(con: Cursor, client_id: str) -> str:
    """The version of `client_id`'s limit an edit starts from: its last decision and its current limit.

    The form keeps it when the edit starts and `propose(..., seen=...)` refuses a save made from a
    version that has moved since (someone else's decision, or an import changing the limit).
    """
    last, limit = store_mod.rows(con, "limit_version", c=client_id)[0]
    return f"{int(last)}:{'' if limit is None else f'{float(limit):.2f}'}"


def _refuse_lost_update(cur: Cursor, client_id: str, seen: str) -> None:
    """DecisionError limits.conflict when the limit's version is not `seen`, naming the latest change."""
    if version(cur, client_id) == seen:
        return
    who, when = None, None
    for row in _decisions(cur, client_id=client_id).itertuples():  # the most recent proposal or decision
        for by, at in ((row.proposed_by, row.proposed_at), (row.decided_by, row.decided_at)):
            if pd.notna(at) and (when is None or at > when):
                who, when = by, at
    imports = store_mod.rows(cur, "limit_last_import")
    if imports and imports[0][1] is not None and (when is None or imports[0][1] > when):
        who, when = imports[0]  # an import of the clients file set the limit since
    at = pd.Timestamp(when).strftime("%Y-%m-%d %H:%M") if when is not None else "?"
    raise DecisionError("limits.conflict", client=client_id, user=who or "?", at=at)


def _refuse_over_hold(
    cur: Cursor, client_id: str, previous: float | None, new_limit: float, as_of: dt.date | None
) -> None:
    """DOMAIN.md §9: while the client is on credit hold (at `as_of`, None: as things stand), no limit is
    raised above its outstanding (0 for a credit balance). A cut, or keeping the limit, is always allowed."""
    held = holds(cur, as_of, client_id).get(client_id)
    if held is None or (previous is not None and new_limit <= previous):
        return
    since, outstanding = held
    cap = max(round(outstanding, 2), 0.0)
    if new_limit > cap:
        raise DecisionError(
            "limits.on_hold", client=client_id, since=since.isoformat(), limit=float(new_limit), outstanding=cap
        )


def propose(
    store: Store,
    user: User,
    client_id: str,
    new_limit: float,
    reason: str,
    suggested_limit: float | None = None,
    as_of: dt.date | None = None,
    seen: str | None = None,
) -> Decision:
    """Record a proposed limit; applied at once when within the threshold and the user may apply it.

    `seen`: the `version` the edit started from; when the limit moved since (another person's decision,
    an import), the save is refused with DecisionError limits.conflict naming who changed it and when.

    A client on credit hold at `as_of` (None: as things stand) cannot have its limit raised above its
    outstanding: DecisionError limits.on_hold.
    """
    auth.require(user, "propose_limit")
    reason = (reason or "").strip()
    if not reason:
        raise DecisionError("limits.reason_required")
    if new_limit is None or not math.isfinite(new_limit) or new_limit < 0:
        raise DecisionError("limits.bad_limit", value=new_limit)
    now = dt.datetime.now()
    with store.transaction() as cur:
        exists, previous = _current_limit(cur, client_id)
        if not exists:
            raise DecisionError("limits.unknown_client", client=client_id)
        if seen is not None:
            _refuse_lost_update(cur, client_id, seen)
        _refuse_over_hold(cur, client_id, previous, new_limit, as_of)
        applied = user.can("apply_limit") and not needs_approval(previous, new_limit)
        decision_id = store_mod.next_value(cur, "decision_seq")
        store_mod.run(
            cur,
            "limit_decision_insert",
            id=decision_id,
            client=client_id,
            previous=previous,
            new=new_limit,
            suggested=suggested_limit,
            reason=reason,
            user=user.name,
            now=now,
            status="applied" if applied else "pending",
            decided_by=user.name if applied else None,
            decided_at=now if applied else None,
        )
        if applied:
            store_mod.run(cur, "limit_apply", new=new_limit, c=client_id)
        audit.write(
            cur, user, "limit_apply" if applied else "limit_propose", entity="client", entity_id=client_id,
            before={"credit_limit": previous}, after={"credit_limit": new_limit, "decision_id": decision_id,
                                                      "status": "applied" if applied else "pending"},
            reason=reason,
        )  # fmt: skip
    return _decision(store.cursor(), decision_id)  # type: ignore[return-value]


def decide(
    store: Store, user: User, decision_id: int, approve: bool, note: str | None = None, as_of: dt.date | None = None
) -> Decision:
    """Approve (the limit is applied) or reject a pending proposal; never the proposer's own.

    On approval the previous limit is re-read, so the history shows the change actually made;
    a note is kept after the proposer's reason. A proposal made before a credit hold is not
    approved above the outstanding while the hold stands at `as_of` (None: as things stand).
    """
    auth.require(user, "approve_limit")
    now = dt.datetime.now()
    with store.transaction() as cur:
        decision = _decision(cur, decision_id)
        if decision is None:
            raise DecisionError("limits.unknown_decision", id=decision_id)
        if decision.status != "pending":
            raise DecisionError("limits.not_pending", id=decision_id, status=decision.status)
        if decision.proposed_by == user.name:
            raise DecisionError("limits.own_proposal", user=user.name)
        _, previous = _current_limit(cur, decision.client_id)
        if approve:
            _refuse_over_hold(cur, decision.client_id, previous, decision.new_limit, as_of)
        reason = f"{decision.reason}\n[{user.name}] {note.strip()}" if note and note.strip() else decision.reason
        store_mod.run(
            cur,
            "limit_decision_decide",
            status="applied" if approve else "rejected",
            user=user.name,
            now=now,
            reason=reason,
            approve=approve,
            previous=previous,
            id=decision_id,
        )
        if approve:
            store_mod.run(cur, "limit_apply", new=decision.new_limit, c=decision.client_id)
        audit.write(
            cur, user, "limit_approve" if approve else "limit_reject", entity="client", entity_id=decision.client_id,
            before={"credit_limit": previous, "decision_id": decision_id, "status": "pending",
                    "proposed_by": decision.proposed_by},
            after={"credit_limit": decision.new_limit if approve else previous, "decision_id": decision_id,
                   "status": "applied" if approve else "rejected"},
            reason=note.strip() if note and note.strip() else decision.reason,
        )  # fmt: skip
    return _decision(store.cursor(), decision_id)  # type: ignore[return-value]


def pending(con: Cursor) -> pd.DataFrame:
    """Proposals waiting for a second person, newest first."""
    return _decisions(con, status="pending")


def history(con: Cursor, client_id: str | None = None) -> pd.DataFrame:
    """Every limit decision (of one client, or all), newest first."""
    return _decisions(con, client_id=client_id)
