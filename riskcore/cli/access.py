"""`encours users …`, `audit`, `backup` and `restore`: accounts, the audit log and workspace copies.

The command line acts as CLI_USER, an administrator named after the operating-system account, so
every write here is audited with source "cli". A password is typed at a prompt (twice) or read from
standard input with --password-stdin, never taken from an argument: arguments show in `ps` and in
the shell's history. The core is imported by each command, as in riskcore.cli, so that
`encours --help` stays quick.
"""

from __future__ import annotations

import argparse
import getpass
import sys
import warnings
from pathlib import Path

from riskcore.cli.common import EXIT_OK, _date, _store, add_command, print_json, records
from riskcore.errors import DecisionError, EncoursError
from riskcore.i18n import fmt_number, t

# what `audit` prints as a table (the before/after JSON are in --json and --csv)
AUDIT_SHOWN = ["audit_id", "at_utc", "user_name", "role", "action", "entity", "entity_id", "reason", "source"]


def _password(args: argparse.Namespace) -> str:
    """The new password: one line of stdin (--password-stdin), else typed twice at a prompt."""
    if args.password_stdin:
        return sys.stdin.readline().removesuffix("\n").removesuffix("\r")
    with warnings.catch_warnings():
        # without a terminal getpass would read stdin with echo on, after a warning: refuse instead
        warnings.simplefilter("error", getpass.GetPassWarning)
        try:
            first = getpass.getpass(t("cli.password_prompt", args.lang))
            second = getpass.getpass(t("cli.password_again", args.lang))
        except getpass.GetPassWarning:
            raise EncoursError("cli.no_terminal") from None
        except EOFError:  # end of input at the prompt: no password (refused as too short)
            return ""
    if first != second:
        raise DecisionError("access.passwords_differ")
    return first


# --- users -------------------------------------------------------------------------------------


def cmd_users_add(args: argparse.Namespace) -> int:
    from riskcore.access import users
    from riskcore.access.auth import CLI_USER

    # the first administrator may be created before the app ever opened the workspace: create it
    store = _store(args, create=True)
    account = users.add(store, CLI_USER, args.name, args.role, _password(args), person=args.person)
    print(t("cli.user_added", args.lang, name=account.name, role=account.role, person=account.person or "—"))
    return EXIT_OK


def cmd_users_list(args: argparse.Namespace) -> int:
    from riskcore.access import users
    from riskcore.access.auth import CLI_USER

    accounts = users.listing(_store(args).cursor(), CLI_USER)
    if args.json:
        print_json(records(accounts))
    else:
        shown = accounts.assign(
            person=accounts["person"].fillna("—"),
            created_at=accounts["created_at"].dt.strftime("%Y-%m-%d %H:%M"),  # UTC
            password_changed_at=accounts["password_changed_at"].dt.strftime("%Y-%m-%d %H:%M"),
        )
        print(shown.to_string(index=False) if len(accounts) else t("cli.users_none", args.lang))
    return EXIT_OK


def cmd_users_disable(args: argparse.Namespace) -> int:
    from riskcore.access import users
    from riskcore.access.auth import CLI_USER

    users.set_disabled(_store(args), CLI_USER, args.name, disabled=True)
    print(t("cli.user_disabled", args.lang, name=args.name))
    return EXIT_OK


def cmd_users_enable(args: argparse.Namespace) -> int:
    from riskcore.access import users
    from riskcore.access.auth import CLI_USER

    users.set_disabled(_store(args), CLI_USER, args.name, disabled=False)
    print(t("cli.user_enabled", args.lang, name=args.name))
    return EXIT_OK


def cmd_users_reset_password(args: argparse.Namespace) -> int:
    from riskcore.access import users
    from riskcore.access.auth import CLI_USER

    store = _store(args)  # before the prompt: a missing or busy workspace is said first
    users.reset_password(store, CLI_USER, args.name, _password(args))
    print(t("cli.password_reset", args.lang, name=args.name))
    return EXIT_OK


# --- audit log, backup, restore ----------------------------------------------------------------


def cmd_audit(args: argparse.Namespace) -> int:
    from riskcore.access import audit
    from riskcore.access.auth import CLI_USER
    from riskcore.reporting import exports

    log = audit.read(
        _store(args).cursor(), CLI_USER, who=args.user, action=args.action, since=args.since, until=args.until
    )
    if args.csv:  # a time at midnight is still a time, not a date
        rows = exports.write_csv(Path(args.csv), log, args.lang, kinds={"at_utc": exports.DATETIME})
        print(t("cli.written", args.lang, path=args.csv, rows=rows))
    elif args.json:
        print_json(records(log))
    else:
        print(log[AUDIT_SHOWN].to_string(index=False) if len(log) else t("cli.audit_empty", args.lang))
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    from riskcore.access import workspace
    from riskcore.access.auth import CLI_USER

    store = _store(args)
    out = Path(args.out)
    if out.resolve() == store.path.resolve():
        raise EncoursError("cli.backup_onto_workspace", path=args.out)
    path = workspace.backup(store, CLI_USER, out)
    print(t("cli.backup_written", args.lang, path=str(path), size=fmt_number(path.stat().st_size, args.lang)))
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from riskcore.access import workspace
    from riskcore.access.auth import CLI_USER

    saved, counts = workspace.restore(_store(args), CLI_USER, Path(args.source), args.confirm)
    print(
        t(
            "cli.restored",
            args.lang,
            path=args.source,
            clients=counts.get("clients", 0),
            invoices=counts.get("invoices", 0),
            payments=counts.get("payments", 0),
        )
    )
    print(t("cli.backed_up_first", args.lang, path=str(saved)) if saved else t("cli.nothing_backed_up", args.lang))
    return EXIT_OK


# --- parser ------------------------------------------------------------------------------------


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add `users …`, `audit`, `backup` and `restore` to the CLI's subcommands."""
    group = sub.add_parser("users", help=t("cli.help_users"))
    actions = group.add_subparsers(dest="users_command", required=True)

    p = add_command(actions, "add", cmd_users_add, key="users_add")
    p.add_argument("name")
    p.add_argument("--role", required=True, help=t("cli.help_role"))
    person = p.add_mutually_exclusive_group()  # both name the account's person in the clients file
    person.add_argument("--sales-rep", dest="person", metavar="NAME", help=t("cli.help_sales_rep"))
    person.add_argument("--collector", dest="person", metavar="NAME", help=t("cli.help_collector"))
    p.add_argument("--password-stdin", action="store_true", help=t("cli.help_password_stdin"))

    p = add_command(actions, "list", cmd_users_list, key="users_list")
    p.add_argument("--json", action="store_true")

    for name, func in (("disable", cmd_users_disable), ("enable", cmd_users_enable)):
        p = add_command(actions, name, func, key=f"users_{name}")
        p.add_argument("name")

    p = add_command(actions, "reset-password", cmd_users_reset_password, key="users_reset_password")
    p.add_argument("name")
    p.add_argument("--password-stdin", action="store_true", help=t("cli.help_password_stdin"))

    p = add_command(sub, "audit", cmd_audit)
    p.add_argument("--since", type=_date)
    p.add_argument("--until", type=_date)
    p.add_argument("--user")
    p.add_argument("--action")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true")
    out.add_argument("--csv")

    p = add_command(sub, "backup", cmd_backup)
    p.add_argument("--out", required=True)

    p = add_command(sub, "restore", cmd_restore)
    p.add_argument("--from", dest="source", required=True, metavar="FILE")
    p.add_argument("--confirm", help=t("cli.help_confirm"))
