"""`encours users …`, `audit`, a missing workspace and `demo` over a workspace's own data (issue 14).

The CLI runs for real, as `python -m riskcore` in a subprocess: a password goes in on its standard
input (or at a real terminal, a pseudo-terminal here), and the test reads the workspace file back
once the command has released it.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import pty
import select
import sys
from pathlib import Path

import duckdb
import pytest
from cli_support import encours

from riskcore import demo
from riskcore.access.auth import CLI_USER
from riskcore.access.signin import sign_in
from riskcore.errors import PermissionDenied
from riskcore.storage.store import Store, write_ledger

ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "correct horse battery"  # 21 characters, over auth.min_password_length (12)
NEW_PASSWORD = "staple of the battery"  # 21 characters too


def typed(args: list[str], answers: list[str]) -> tuple[str, int]:
    """Run the CLI at a pseudo-terminal, typing each answer after its prompt; (what it showed, exit code)."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: becomes the CLI, the pty its controlling terminal
        try:
            os.chdir(ROOT)
            env = {**os.environ, "ENCOURS_LANG": "en"}
            os.execve(sys.executable, [sys.executable, "-m", "riskcore", *args], env)
        finally:
            os._exit(127)
    shown = b""

    def read_some() -> bytes:
        ready, _, _ = select.select([fd], [], [], 60)
        if not ready:
            os.kill(pid, 9)
            raise AssertionError(f"no prompt within 60 s; shown so far: {shown!r}")
        try:
            return os.read(fd, 1024)
        except OSError:  # the child ended: Linux reports EIO on the master side
            return b""

    for answer in answers:
        while b": " not in shown.rsplit(b"\n", 1)[-1]:  # the prompt ends the last line shown
            chunk = read_some()
            if not chunk:
                break
            shown += chunk
        os.write(fd, answer.encode() + b"\n")
        shown += b"\n"
    while chunk := read_some():
        shown += chunk
    os.close(fd)
    _, status = os.waitpid(pid, 0)
    return shown.decode().replace("\r\n", "\n"), os.waitstatus_to_exitcode(status)


def sql(path: Path, query: str, **params: object) -> list[tuple]:
    """Rows of `query` on the workspace file, opened read-only and closed at once (the CLI needs the file)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(query, params).fetchall()
    finally:
        con.close()


def signed_in(path: Path, name: str, password: str):
    store = Store(path)
    try:
        return sign_in(store, name, password)
    finally:
        store.close()


@pytest.fixture
def workspace(tmp_path) -> Path:
    """An empty workspace file (no ledger, no account, no audit row yet)."""
    path = tmp_path / "workspace.duckdb"
    Store(path).close()
    return path


@pytest.fixture
def backups(configured, tmp_path) -> Path:
    """The folder config storage.backups_dir points at for the test (not the project's data/)."""
    folder = tmp_path / "backups"
    configured(storage={"backups_dir": str(folder)})
    return folder


def add(workspace: Path, name: str, role: str, *options: str, password: str = PASSWORD):
    return encours("users", "add", name, "--role", role, *options, "--db", workspace, "--password-stdin",
                   stdin=password + "\n")  # fmt: skip


# --- users add --------------------------------------------------------------------------------


def test_users_add_reads_the_password_on_stdin_and_keeps_only_its_argon2id_hash(workspace):
    done = add(workspace, "alice", "sales_rep", "--sales-rep", "Jean Dupont")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "user alice added with the role sales_rep (person: Jean Dupont)\n"
    [(name, role, person, hashed, disabled)] = sql(
        workspace, "SELECT name, role, person, password_hash, disabled FROM users"
    )
    assert (name, role, person, disabled) == ("alice", "sales_rep", "Jean Dupont", False)
    assert hashed.startswith("$argon2id$")
    [log] = sql(workspace, "SELECT * FROM audit_log")
    assert PASSWORD not in " ".join(map(str, log)) + done.stdout + done.stderr + hashed
    [(action, entity_id, user_name, source, after)] = sql(
        workspace, "SELECT action, entity_id, user_name, source, after_json FROM audit_log"
    )
    assert (action, entity_id, user_name, source) == ("user_add", "alice", CLI_USER.name, "cli")
    assert json.loads(after) == {"role": "sales_rep", "person": "Jean Dupont"}
    # the newline was stripped: the password is the 21 characters given, which sign in
    user = signed_in(workspace, "alice", PASSWORD)
    assert (user.name, user.role, user.person) == ("alice", "sales_rep", "Jean Dupont")


def test_a_password_of_11_characters_is_refused_naming_the_minimum_of_12(workspace):
    done = add(workspace, "alice", "viewer", password="abcdefghijk")  # a..k: 11 characters
    assert done.returncode == 2
    assert done.stderr == "The password must have at least 12 characters.\n"
    assert sql(workspace, "SELECT count(*) FROM users") == [(0,)]
    assert sql(workspace, "SELECT count(*) FROM audit_log") == [(0,)]  # nothing written, nothing audited


def test_a_second_account_of_the_same_name_is_refused(workspace):
    assert add(workspace, "alice", "viewer").returncode == 0
    done = add(workspace, "alice", "admin", password=NEW_PASSWORD)
    assert done.returncode == 2
    assert done.stderr == "A user named “alice” already exists.\n"
    assert sql(workspace, "SELECT name, role FROM users") == [("alice", "viewer")]  # the first one, untouched


def test_the_prompt_asks_twice_and_refuses_two_different_passwords(workspace):
    args = ["users", "add", "carol", "--role", "viewer", "--db", str(workspace)]
    shown, code = typed(args, ["abcdefghijklmn", "abcdefghijklmX"])  # 14 characters, the last one differs
    assert code == 2
    assert "Password: " in shown and "Password again: " in shown
    assert shown.strip().endswith("The two passwords differ.")
    assert "abcdefghijklm" not in shown  # not echoed
    assert sql(workspace, "SELECT count(*) FROM users") == [(0,)]
    shown, code = typed(args, [PASSWORD, PASSWORD])
    assert code == 0, shown
    assert signed_in(workspace, "carol", PASSWORD).role == "viewer"


def test_ctrl_c_at_the_prompt_stops_without_a_traceback(workspace):
    shown, code = typed(["users", "add", "carol", "--role", "viewer", "--db", str(workspace)], ["\x03"])
    assert code == 130, shown  # as a shell reports SIGINT: 128 + 2
    assert "Traceback" not in shown
    assert sql(workspace, "SELECT count(*) FROM users") == [(0,)]


def test_without_a_terminal_the_password_is_not_read_from_stdin_unless_asked(workspace):
    done = encours("users", "add", "carol", "--role", "viewer", "--db", workspace, stdin=PASSWORD + "\n")
    assert done.returncode == 2
    assert done.stderr == "no terminal to type the password in: pass it on standard input with --password-stdin\n"
    assert sql(workspace, "SELECT count(*) FROM users") == [(0,)]


# --- users list, disable, enable, reset-password ----------------------------------------------


def test_users_list_shows_each_role_and_person_and_no_hash(workspace):
    assert add(workspace, "bob", "collector", "--collector", "Marie Curie").returncode == 0
    assert add(workspace, "alice", "sales_rep", "--sales-rep", "Jean Dupont").returncode == 0
    assert add(workspace, "carol", "admin").returncode == 0
    done = encours("users", "list", "--db", workspace, "--json")
    assert done.returncode == 0, done.stderr
    accounts = json.loads(done.stdout)
    assert [(a["name"], a["role"], a["person"], a["disabled"]) for a in accounts] == [
        ("alice", "sales_rep", "Jean Dupont", False),  # by name
        ("bob", "collector", "Marie Curie", False),
        ("carol", "admin", None, False),
    ]
    assert not any("hash" in key for key in accounts[0])
    table = encours("users", "list", "--db", workspace)
    assert table.returncode == 0
    assert "Marie Curie" in table.stdout and "sales_rep" in table.stdout
    assert "$argon2" not in done.stdout + table.stdout


def test_a_disabled_account_cannot_sign_in_and_enable_or_a_password_reset_lets_it_in_again(workspace):
    assert add(workspace, "bob", "viewer").returncode == 0
    done = encours("users", "disable", "bob", "--db", workspace)
    assert (done.returncode, done.stdout) == (0, "user bob disabled\n")
    with pytest.raises(PermissionDenied) as refused:
        signed_in(workspace, "bob", PASSWORD)  # the right password, a disabled account
    assert refused.value.key == "access.bad_credentials"
    done = encours("users", "enable", "bob", "--db", workspace)
    assert (done.returncode, done.stdout) == (0, "user bob enabled\n")
    assert signed_in(workspace, "bob", PASSWORD).name == "bob"
    assert encours("users", "disable", "bob", "--db", workspace).returncode == 0
    done = encours("users", "reset-password", "bob", "--db", workspace, "--password-stdin", stdin=NEW_PASSWORD + "\n")
    assert done.returncode == 0, done.stderr
    assert signed_in(workspace, "bob", NEW_PASSWORD).name == "bob"  # enabled again, by the new password
    with pytest.raises(PermissionDenied):
        signed_in(workspace, "bob", PASSWORD)
    writes = sql(
        workspace,
        "SELECT action, entity_id, user_name, source FROM audit_log WHERE action LIKE 'user_%' ORDER BY audit_id",
    )
    who = (CLI_USER.name, "cli")
    assert writes == [
        ("user_add", "bob", *who),
        ("user_disable", "bob", *who),
        ("user_enable", "bob", *who),
        ("user_disable", "bob", *who),
        ("user_reset_password", "bob", *who),
    ]
    everything = " ".join(str(v) for row in sql(workspace, "SELECT * FROM audit_log") for v in row)
    assert PASSWORD not in everything and NEW_PASSWORD not in everything


def test_disabling_an_unknown_account_is_refused(workspace):
    done = encours("users", "disable", "nobody", "--db", workspace)
    assert (done.returncode, done.stderr) == (2, "No user named “nobody”.\n")


# --- audit --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "delimiter", "written"), [("en", ",", "written:"), ("fr", ";", "écrit :")])
def test_audit_csv_follows_the_language_and_neutralises_a_formula(workspace, tmp_path, lang, delimiter, written):
    assert add(workspace, "alice", "viewer").returncode == 0
    assert add(workspace, "=2+3", "viewer").returncode == 0  # a legal name a spreadsheet would compute
    assert encours("users", "disable", "alice", "--db", workspace).returncode == 0
    out = tmp_path / "audit.csv"
    done = encours("audit", "--db", workspace, "--action", "user_add", "--csv", out, lang=lang)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{written} {out} 2\n"  # two user_add rows; the user_disable one left out
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f, delimiter=delimiter))
    assert [(r["action"], r["entity_id"], r["source"]) for r in rows] == [
        ("user_add", "'=2+3", "cli"),  # newest first, the leading = made text
        ("user_add", "alice", "cli"),
    ]
    assert list(rows[0]) == ["audit_id", "at_utc", "user_name", "role", "action", "entity", "entity_id",
                             "before_json", "after_json", "reason", "source"]  # fmt: skip
    assert dt.datetime.fromisoformat(rows[0]["at_utc"]).date() == dt.datetime.now(dt.UTC).date()


def test_audit_json_filtered_by_date_action_and_user(workspace):
    assert add(workspace, "alice", "viewer").returncode == 0
    assert encours("users", "disable", "alice", "--db", workspace).returncode == 0
    today = dt.datetime.now(dt.UTC).date()  # the audit log keeps UTC times

    def actions(*filters: object) -> list[str]:
        done = encours("audit", "--db", workspace, "--json", *filters)
        assert done.returncode == 0, done.stderr
        return [row["action"] for row in json.loads(done.stdout)]

    assert actions() == ["user_disable", "user_add"]  # newest first
    assert actions("--action", "user_add") == ["user_add"]
    assert actions("--since", today) == ["user_disable", "user_add"]
    assert actions("--since", today + dt.timedelta(days=1)) == []
    assert actions("--until", today - dt.timedelta(days=1)) == []
    assert actions("--until", today, "--action", "user_disable") == ["user_disable"]  # until: the whole day
    assert actions("--user", CLI_USER.name) == ["user_disable", "user_add"]
    assert actions("--user", "somebody") == []
    done = encours("audit", "--db", workspace, "--since", "31/12/2025")
    assert (done.returncode, done.stderr.strip().splitlines()[-1]) == (
        2,
        "encours audit: error: argument --since: not a date (expected YYYY-MM-DD): 31/12/2025",
    )


# --- a missing workspace ---------------------------------------------------------------------------

READ_ONLY = [
    ["kpi"],
    ["score"],
    ["evaluate", "--split-date", "2026-01-01"],
    ["legal-table", "--as-of", "2025-12-31"],
    ["report", "--out", "{out}/board.html"],
    ["worklist"],
    ["letters", "--out", "{out}/letters.zip"],
    ["audit"],
    ["users", "list"],
    ["users", "disable", "bob"],
    ["backup", "--out", "{out}/copy.duckdb"],
]


@pytest.mark.parametrize("command", READ_ONLY, ids=lambda c: " ".join(c[:2]))
def test_a_command_on_a_missing_workspace_says_so_in_one_line_and_creates_nothing(tmp_path, command):
    path = tmp_path / "nowhere" / "x.duckdb"
    args = [a.format(out=tmp_path / "out") for a in command]
    done = encours(*args, "--db", path)
    assert done.returncode == 2
    assert done.stderr == (
        f"No workspace at {path}: import a file into it (encours import FILE --db {path}) "
        f"or create the demo (encours demo --db {path}).\n"
    )
    assert not (tmp_path / "nowhere").exists()
    assert not (tmp_path / "out").exists()


# --- demo over a workspace's own data --------------------------------------------------------------


def test_demo_over_a_workspace_with_its_own_data_needs_the_confirmation_and_backs_it_up(tmp_path, backups):
    path = tmp_path / "own.duckdb"
    store = Store(path)
    with store.transaction() as cur:  # a ledger of its own: not marked as the demo
        write_ledger(cur, demo.generate(seed=5, clients=30, years=1))
    store.close()
    [(own_invoices,)] = sql(path, "SELECT count(*) FROM invoices")
    sizes = ("--seed", "1", "--clients", "20", "--years", "1")

    done = encours("demo", "--db", path, *sizes)
    assert done.returncode == 2
    assert done.stderr == "Type the workspace name “Encours” exactly to confirm.\n"
    assert sql(path, "SELECT count(*) FROM invoices") == [(own_invoices,)]
    assert not backups.exists()

    done = encours("demo", "--db", path, *sizes, "--confirm", "Encours")
    assert done.returncode == 0, done.stderr
    written, saved_line = done.stdout.splitlines()
    assert written.startswith("demo ledger written: 20 clients")
    saved = Path(saved_line.removeprefix("the workspace as it was is saved in "))
    assert saved.parent == backups and saved.is_file()
    assert sql(saved, "SELECT count(*) FROM invoices") == [(own_invoices,)]  # the own ledger, kept there
    assert sql(path, "SELECT value FROM meta WHERE key = 'dataset'") == [("demo",)]
    assert sql(path, "SELECT count(*) FROM clients") == [(20,)]
    [(source, after)] = sql(path, "SELECT source, after_json FROM audit_log WHERE action = 'demo_load'")
    assert (source, json.loads(after)["backup"]) == ("cli", str(saved))


def test_demo_on_a_new_or_demo_workspace_needs_no_confirmation_nor_backup(tmp_path, backups):
    path = tmp_path / "new" / "w.duckdb"
    for _ in range(2):  # created, then the demo over the demo
        done = encours("demo", "--db", path, "--seed", "1", "--clients", "20", "--years", "1")
        assert done.returncode == 0, done.stderr
        assert len(done.stdout.splitlines()) == 1 and done.stdout.startswith("demo ledger written: 20 clients")
    assert sql(path, "SELECT count(*) FROM clients") == [(20,)]
    assert not backups.exists()
