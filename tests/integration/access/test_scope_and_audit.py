"""Issue 14: a sales rep reads their own clients only (in riskcore), no lost update on a limit, the
audit log append-only, and the destructive actions confirmed, backed up and audited."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from access_ledger import AS_OF

from riskcore import demo
from riskcore.access import audit
from riskcore.access import workspace as ws
from riskcore.access.auth import CLI_USER, User
from riskcore.credit import limits
from riskcore.errors import DecisionError, PermissionDenied
from riskcore.receivables import filters, kpi, ledger
from riskcore.reporting import exports

ALICE = User("alice", "sales_rep", person="Alice Martin")  # client A is hers; B is Bruno Petit's
ROOT = Path(__file__).resolve().parents[3]


def test_a_sales_rep_sees_their_own_clients_in_kpis_the_client_file_and_an_export(workspace):
    con = workspace.cursor()
    everyone = kpi.by_client(con, AS_OF, filters.visible_to(CLI_USER))
    assert sorted(everyone["client_id"]) == ["A", "B"]
    # whatever filter the sidebar asks for, the sales rep's scope is her own sales_rep
    asked = filters.Filters(sales_rep=("Bruno Petit",))
    hers = kpi.by_client(con, AS_OF, filters.visible_to(ALICE, asked))
    assert hers["client_id"].tolist() == ["A"]
    # A owes 1 000 € (FA2; FA1's 500 € is paid): her total outstanding, not the 2 000 € of both
    assert float(hers["balance"].sum()) == pytest.approx(1_000.0)
    assert ledger.client_ids(con, filters.visible_to(ALICE)) == ["A"]
    filters.require_client(con, ALICE, "A")
    with pytest.raises(PermissionDenied) as refused:
        filters.require_client(con, ALICE, "B")
    assert refused.value.key == "auth.not_your_client"
    # an export of what she reads holds her client only
    text = exports.csv_bytes(hers[["client_id", "balance"]], "en").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert [r[0] for r in rows[1:]] == ["A"]


def test_two_edits_of_one_limit_from_the_same_version_the_second_is_refused_naming_the_first(workspace):
    seen = limits.version(workspace.cursor(), "A")
    assert seen == "0:10000.00"  # no decision yet, limit 10 000
    first = limits.propose(workspace, User("cm1", "credit_manager"), "A", 12_000, "growth", seen=seen)
    assert first.status == "applied"  # +20 % and 12 000 ≤ 50 000: within the threshold
    with pytest.raises(DecisionError) as refused:
        limits.propose(workspace, User("cm2", "credit_manager"), "A", 8_000, "cut", seen=seen)
    assert refused.value.key == "limits.conflict"
    assert refused.value.params["user"] == "cm1"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", refused.value.params["at"])
    # the limit is the first edit's, and the refused one left no decision and no audit row
    assert limits.version(workspace.cursor(), "A") == f"{first.decision_id}:12000.00"
    rows = audit.read(workspace.cursor(), CLI_USER)
    assert rows["user_name"].tolist() == ["cm1"]
    # from the new version the second person can save
    again = limits.propose(
        workspace, User("cm2", "credit_manager"), "A", 8_000, "cut", seen=limits.version(workspace.cursor(), "A")
    )
    assert again.status == "applied"


def test_no_code_updates_or_deletes_the_audit_log():
    sources = [*ROOT.glob("riskcore/**/*.sql"), *ROOT.glob("riskcore/**/*.py")]
    writes = re.compile(r"\b(UPDATE\s+audit_log|DELETE\s+FROM\s+audit_log|DROP\s+TABLE\s+audit_log)", re.I)
    found = [str(p.relative_to(ROOT)) for p in sources if writes.search(p.read_text(encoding="utf-8"))]
    assert found == []
    # the detector does find such a statement
    assert writes.search("delete from audit_log where 1")


def test_clear_needs_the_typed_name_backs_up_and_keeps_the_audit_log(workspace):
    admin = User("root@test", "admin")
    limits.propose(workspace, admin, "A", 9_000, "cut")  # one decision and its audit row
    with pytest.raises(DecisionError) as refused:
        ws.clear(workspace, admin, "encours")  # the name is "Encours": case matters
    assert refused.value.key == "access.confirm_mismatch"
    assert workspace.cursor().execute("SELECT count(*) FROM invoices").fetchall() == [(3,)]  # untouched
    saved = ws.clear(workspace, admin, "Encours")
    assert saved is not None and saved.exists() and saved.parent.name == "backups"
    con = workspace.cursor()
    assert con.execute("SELECT count(*) FROM invoices").fetchall() == [(0,)]
    # the decision history is gone from the workspace but is in the backup, and the audit log stays
    assert con.execute("SELECT count(*) FROM limit_decisions").fetchall() == [(0,)]
    import duckdb

    copy = duckdb.connect(str(saved), read_only=True)
    assert copy.execute("SELECT count(*) FROM limit_decisions").fetchall() == [(1,)]
    assert copy.execute("SELECT count(*) FROM invoices").fetchall() == [(3,)]
    copy.close()
    actions = audit.read(con, CLI_USER)["action"].tolist()
    assert actions == ["workspace_clear", "limit_apply"]  # newest first; 9 000 < 10 000 applies at once


def test_the_demo_over_own_data_needs_the_name_and_backs_up(workspace):
    admin = User("root@test", "admin")
    with pytest.raises(DecisionError):
        demo.replace_with_demo(workspace, admin, None, seed=1, clients=20, years=1)
    assert not workspace.is_demo()
    saved, summary = demo.replace_with_demo(workspace, admin, "Encours", seed=1, clients=20, years=1)
    assert workspace.is_demo() and summary["clients"] == 20 and saved is not None and saved.exists()
    rows = audit.read(workspace.cursor(), CLI_USER, action="demo_load")
    assert rows["user_name"].tolist() == ["root@test"]
    # over the demo itself no name is asked (nothing of the user's is replaced), still audited
    again, _ = demo.replace_with_demo(workspace, admin, None, seed=2, clients=20, years=1)
    assert again is None
    assert len(audit.read(workspace.cursor(), CLI_USER, action="demo_load")) == 2


def test_restore_brings_back_the_tables_and_keeps_accounts_and_audit(workspace, tmp_path):
    admin = User("root@test", "admin")
    copy = ws.backup(workspace, admin, tmp_path / "before.duckdb")
    with workspace.transaction() as cur:
        cur.execute("DELETE FROM invoices WHERE client_id = 'B'")
    assert workspace.cursor().execute("SELECT count(*), sum(amount) FROM invoices").fetchall() == [(2, 1500)]
    saved, counts = ws.restore(workspace, admin, copy, "Encours")
    # FA1 500 + FA2 1 000 + FB1 1 000 = 2 500 € over 3 invoices, as in the backup
    assert workspace.cursor().execute("SELECT count(*), sum(amount) FROM invoices").fetchall() == [(3, 2500)]
    assert counts["invoices"] == 3 and saved is not None
    actions = audit.read(workspace.cursor(), CLI_USER)["action"].tolist()
    assert actions == ["workspace_restore", "backup"]  # the audit log written after the backup stays


def test_audit_rows_carry_utc_time_user_role_and_source(workspace):
    import datetime as dt

    before = audit.utc_now()
    limits.propose(workspace, User("cm1", "credit_manager", source="app"), "B", 11_000, "growth")
    row = audit.read(workspace.cursor(), CLI_USER).iloc[0]
    assert (row["user_name"], row["role"], row["action"], row["entity"], row["entity_id"], row["source"]) == (
        "cm1", "credit_manager", "limit_apply", "client", "B", "app"
    )  # fmt: skip
    assert before - dt.timedelta(seconds=1) <= row["at_utc"].to_pydatetime() <= audit.utc_now()
    assert row["reason"] == "growth"
    with pytest.raises(PermissionDenied):
        audit.read(workspace.cursor(), User("cfo", "viewer"))  # the log is an admin's read


def test_a_sales_rep_reads_the_collections_day_of_their_own_clients_only(workspace):
    from riskcore.dunning import portfolio

    day = portfolio.day(workspace, AS_OF)
    assert sorted(day.clients["client_id"]) == ["A", "B"]
    hers = portfolio.visible(workspace.cursor(), day, ALICE)
    assert hers.clients["client_id"].tolist() == ["A"]
    assert set(hers.work["client_id"]) <= {"A"} and list(hers.profiles.index) == ["A"]
    assert portfolio.visible(workspace.cursor(), day, CLI_USER) is day  # anyone else: the whole day
    with pytest.raises(PermissionDenied):
        portfolio.require_team_figures(ALICE)  # every collector's CEI is not hers to read


def test_a_restore_from_a_file_that_is_no_backup_is_refused_before_anything_is_written(workspace, tmp_path):
    from riskcore.errors import StorageError

    text = tmp_path / "notes.txt"
    text.write_text("not a workspace\n", encoding="utf-8")
    with pytest.raises(StorageError) as refused:
        ws.restore(workspace, User("root@test", "admin"), text, "Encours")
    assert refused.value.key == "storage.not_a_backup"
    with pytest.raises(StorageError) as missing:
        ws.restore(workspace, User("root@test", "admin"), tmp_path / "nowhere.duckdb", "Encours")
    assert missing.value.key == "storage.no_backup"
    # no automatic backup was taken, no audit row written
    assert not (workspace.path.parent / "backups").exists()
    assert audit.read(workspace.cursor(), CLI_USER).empty
