"""What every command of the CLI shares: exit codes, argument types, JSON output, opening the workspace.

A leaf of the package: `riskcore.cli` and `riskcore.cli.access` both import it, never each other.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal

from riskcore.errors import EncoursError
from riskcore.i18n import t

EXIT_OK, EXIT_BUG, EXIT_BAD_INPUT = 0, 1, 2
EXIT_INTERRUPTED = 130  # Ctrl-C, as a shell reports a process ended by SIGINT

Command = Callable[[argparse.Namespace], int]


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(t("cli.bad_date", None, value=text)) from None


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(t("cli.bad_int", None, value=text))
    return value


def _at_least_one(text: str) -> int:
    value = _positive_int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(t("cli.bad_int_one", None, value=text))
    return value


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def print_json(obj: object) -> None:
    print(json.dumps(obj, default=_json_default, ensure_ascii=False, indent=2))


def records(frame) -> list[dict]:
    """The rows of `frame` as JSON objects, a missing value as null (JSON has no NaN)."""
    return frame.astype(object).where(frame.notna(), None).to_dict(orient="records")


def _store(args: argparse.Namespace, *, create: bool = False):
    """The workspace of --db. Only the commands that write a ledger (import, demo) or the first
    account (users add) create a missing file; the others say there is none (storage.missing)."""
    from riskcore.storage.store import open_store

    return open_store(args.db, create=create)


def _as_of(args: argparse.Namespace, store) -> dt.date:
    from riskcore.storage.store import last_date

    as_of = getattr(args, "as_of", None) or last_date(store.cursor())
    if as_of is None:
        raise EncoursError("cli.empty_workspace", db=str(store.path))
    return as_of


def add_command(
    sub: argparse._SubParsersAction, name: str, func: Command, *, db: bool = True, key: str | None = None
) -> argparse.ArgumentParser:
    """A subcommand `name` running `func`, its help text cli.help_<key> (default: the name, `-` as `_`)."""
    p = sub.add_parser(name, help=t(f"cli.help_{key or name.replace('-', '_')}"))
    p.set_defaults(func=func)
    if db:
        p.add_argument("--db", required=True, help=t("cli.help_db"))
    return p
