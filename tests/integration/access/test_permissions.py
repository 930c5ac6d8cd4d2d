"""Acceptance 1 of issue 14: every write function of riskcore, called with each role, is allowed or
denied as config.yaml's roles say, and an allowed write leaves its audit row in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from access_ledger import AS_OF

from riskcore import config, demo
from riskcore.access import audit, users, workspace
from riskcore.access.auth import CLI_USER, User
from riskcore.credit import limits
from riskcore.dunning import daily, records
from riskcore.errors import PermissionDenied
from riskcore.ingest import import_files
from riskcore.receivables import filters
from riskcore.reporting import exports

ROLES = ("viewer", "sales_rep", "collector", "credit_manager", "admin")
NAME = "Encours"  # config app.workspace_name: the typed confirmation of destructive actions


def person(role: str) -> User:
    """Each role's stand-in; the sales rep and the collector are the people of client A."""
    return User(f"{role}@test", role, person={"sales_rep": "Alice Martin", "collector": "Carla Roy"}.get(role))


def _invoices_file(tmp: Path) -> Path:
    path = tmp / "new_invoices.csv"
    path.write_text(
        "invoice_id;client_id;invoice_date;due_date;amount\nFA9;A;2026-11-02;2026-12-02;250,00\n", encoding="utf-8"
    )
    return path


def _pending(store) -> int:
    """A proposal above the approval threshold (80 000 > 50 000), made by the admin stand-in's colleague."""
    return limits.propose(store, User("other@test", "credit_manager"), "B", 80_000, "big order").decision_id


# (write, the permission config.yaml must grant for it, the call)
WRITES: list[tuple[str, str, Callable]] = [
    ("import_files", "import", lambda s, u, tmp: import_files(s, [_invoices_file(tmp)], user=u)),
    ("limits.propose", "propose_limit", lambda s, u, tmp: limits.propose(s, u, "A", 12_000, "steady payer")),
    ("limits.decide", "approve_limit", lambda s, u, tmp: limits.decide(s, u, _pending(s), True)),
    ("records.record_action", "dunning",
     lambda s, u, tmp: records.record_action(s, u, "B", AS_OF, "call", "phone", "reached")),
    ("records.record_promise", "dunning",
     lambda s, u, tmp: records.record_promise(s, u, "B", AS_OF, AS_OF + dt.timedelta(days=7), 1_000.0)),
    ("records.record_dispute", "dunning",
     lambda s, u, tmp: records.record_dispute(s, u, "B", ["FB1"], AS_OF, "price")),
    ("records.set_credit_hold", "credit_hold", lambda s, u, tmp: records.set_credit_hold(s, u, "B", AS_OF, True)),
    ("demo.replace_with_demo", "manage_workspace",
     lambda s, u, tmp: demo.replace_with_demo(s, u, NAME, seed=1, clients=20, years=1)),
    ("workspace.clear", "manage_workspace", lambda s, u, tmp: workspace.clear(s, u, NAME)),
    ("workspace.backup", "manage_workspace", lambda s, u, tmp: workspace.backup(s, u, tmp / "copy.duckdb")),
    ("workspace.restore", "manage_workspace",
     lambda s, u, tmp: workspace.restore(s, u, workspace.backup(s, CLI_USER, tmp / "b.duckdb"), NAME)),
    ("users.add", "manage_users", lambda s, u, tmp: users.add(s, u, "new.user", "viewer", "a long passphrase")),
]  # fmt: skip
# Restricted reads and exports: allowed or PermissionDenied, nothing written.
READS: list[tuple[str, str, Callable]] = [
    ("audit.read", "audit", lambda s, u, tmp: audit.read(s.cursor(), u)),
    ("users.listing", "manage_users", lambda s, u, tmp: users.listing(s.cursor(), u)),
    ("daily.write_letters", "letters", lambda s, u, tmp: daily.write_letters(u, [], tmp / "letters.zip")),
    ("exports.for_user csv", "export", lambda s, u, tmp: exports.for_user(u, "csv", pd.DataFrame({"a": [1]}), "en")),
    ("exports.for_user xlsx", "export", lambda s, u, tmp: exports.for_user(u, "xlsx", pd.DataFrame({"a": [1]}), "en")),
]


def audit_rows(store) -> int:
    return store.cursor().execute("SELECT count(*) FROM audit_log").fetchall()[0][0]


def granted(role: str, permission: str) -> bool:
    return permission in config.get().roles[role]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "permission", "call"), WRITES, ids=[w[0] for w in WRITES])
def test_every_write_is_allowed_exactly_as_config_says_and_audited(workspace, tmp_path, role, name, permission, call):
    user = person(role)
    before = audit_rows(workspace)
    # dunning on client B: a sales rep (dunning_own) records only on their own client A, so on B
    # they are refused like a role without the right
    allowed = granted(role, permission)
    if allowed:
        call(workspace, user, tmp_path)
        rows = audit.read(workspace.cursor(), CLI_USER)
        mine = rows[rows["user_name"] == user.name]
        assert len(mine) >= 1, f"{name} by {role} left no audit row"
        assert audit_rows(workspace) > before
    else:
        with pytest.raises(PermissionDenied):
            call(workspace, user, tmp_path)
        # a refused write leaves nothing, not even its audit row (the proposal `decide` needs and the
        # backup `restore` restores are made first, by someone else, each with its own row)
        extra = 1 if name in ("limits.decide", "workspace.restore") else 0
        assert audit_rows(workspace) == before + extra


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "permission", "call"), READS, ids=[r[0] for r in READS])
def test_restricted_reads_follow_config(workspace, tmp_path, role, name, permission, call):
    user = person(role)
    if granted(role, permission):
        call(workspace, user, tmp_path)
    else:
        with pytest.raises(PermissionDenied):
            call(workspace, user, tmp_path)


def test_the_matrix_checks_what_config_yaml_says():
    # Written out by hand from config.yaml's roles, so that a change there is a visible decision.
    assert {r: granted(r, "import") for r in ROLES} == {
        "viewer": False, "sales_rep": False, "collector": False, "credit_manager": True, "admin": True
    }  # fmt: skip
    assert [r for r in ROLES if granted(r, "approve_limit")] == ["admin"]
    assert [r for r in ROLES if granted(r, "manage_workspace")] == ["admin"]
    assert [r for r in ROLES if granted(r, "dunning")] == ["collector", "credit_manager", "admin"]
    assert [r for r in ROLES if granted(r, "dunning_own")] == ["sales_rep"]


def test_a_sales_rep_records_on_their_own_client_only(workspace):
    rep = person("sales_rep")  # Alice Martin: client A is hers, B is Bruno Petit's
    records.record_action(workspace, rep, "A", AS_OF, "call", "phone", "reached")
    with pytest.raises(PermissionDenied):
        records.record_action(workspace, rep, "B", AS_OF, "call", "phone", "reached")
    rows = audit.read(workspace.cursor(), CLI_USER, action="dunning_action")
    assert rows["entity_id"].tolist() == ["A"]  # one row, for A only


def test_the_proposer_can_never_approve_their_own_change(workspace):
    from riskcore.errors import DecisionError

    admin = person("admin")
    decision = limits.propose(workspace, admin, "B", 80_000, "big order")  # 80 000 > 50 000: pending
    assert decision.status == "pending"
    with pytest.raises(DecisionError) as refused:
        limits.decide(workspace, admin, decision.decision_id, True)
    assert refused.value.key == "limits.own_proposal"
    other_admin = User("second.admin@test", "admin")
    assert limits.decide(workspace, other_admin, decision.decision_id, True).status == "applied"
    rows = audit.read(workspace.cursor(), CLI_USER)
    mine = rows[rows["action"].isin(["limit_propose", "limit_approve"])]
    # newest first: the approval by the second admin, then the proposal by the first
    assert mine[["action", "user_name"]].values.tolist() == [
        ["limit_approve", "second.admin@test"],
        ["limit_propose", "admin@test"],
    ]
    assert '"credit_limit": 10000.0' in mine.iloc[0]["before_json"]  # the limit before: 10 000
    assert '"credit_limit": 80000.0' in mine.iloc[0]["after_json"]


def test_a_role_without_view_reads_nothing():
    nobody = User("ghost", "no_such_role")
    with pytest.raises(PermissionDenied):
        filters.visible_to(nobody)
