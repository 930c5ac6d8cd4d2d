"""`python -m riskcore` / `encours`: the CLI contract of DESIGN.md.

Exit 0 on success, 2 with a one-line message on bad input, never a traceback (set
ENCOURS_DEBUG=1 to see one for a bug). Each command parses, calls one core function and
prints; no business logic lives here.

The ledger commands live here; accounts, the audit log, backup and restore in
riskcore.cli.access; what both share (exit codes, argument types, JSON output) in
riskcore.cli.common, which this module re-exports as before.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from riskcore.cli import access, forecast
from riskcore.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_BUG,
    EXIT_INTERRUPTED,
    EXIT_OK,
    Command,
    _as_of,
    _at_least_one,
    _date,
    _json_default,
    _positive_int,
    _store,
    add_command,
    print_json,
    records,
)
from riskcore.config.collections import ACTIONS
from riskcore.errors import EncoursError
from riskcore.i18n import default_language, t

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_BUG",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "_as_of",
    "_date",
    "_json_default",
    "_positive_int",
    "_store",
    "build_parser",
    "main",
    "print_json",
    "records",
]


# --- commands ----------------------------------------------------------------------------------


def cmd_import(args: argparse.Namespace) -> int:
    from riskcore.access.auth import CLI_USER
    from riskcore.ingest import import_files

    report = import_files(
        _store(args, create=True),
        [Path(p) for p in args.files],
        kind=args.kind,
        mapping_file=Path(args.mapping) if args.mapping else None,
        terms_days=args.terms_days,
        as_of=args.as_of,
        collective_as_client=args.collective_as_client,
        user=CLI_USER,
    )
    print(report.render(args.lang))
    return EXIT_OK if report.ok else EXIT_BAD_INPUT


def cmd_kpi(args: argparse.Namespace) -> int:
    from riskcore.receivables import kpi
    from riskcore.reporting import text

    store = _store(args)
    as_of = _as_of(args, store)
    snap = kpi.snapshot(store.cursor(), as_of)
    if args.json:
        from riskcore.dunning import daily, kpis, worklist

        # the collection KPIs (DOMAIN §9) over the worklist of `worklist --json` at the same date;
        # dunning_coverage_30 is in the snapshot already
        con = store.cursor()
        ledger = worklist.read_ledger(con, as_of)
        work = worklist.worklist(con, as_of, daily.scored_clients(store, as_of), ledger=ledger)
        print_json({**snap, "collections": kpis.collection_figures(con, as_of, work, ledger)})
    else:
        print(text.render_snapshot(snap, args.lang))
    return EXIT_OK


def _note_assumed_terms(store, lang: str | None) -> None:
    """DOMAIN.md §6: days late computed from due dates derived from terms (a FEC has none) say so, on stderr."""
    from riskcore.receivables import kpi

    if kpi.assumed_terms(store.cursor()):
        print(t("kpi.note_assumed_terms", lang), file=sys.stderr)


def cmd_score(args: argparse.Namespace) -> int:
    from riskcore.credit.table import score_table
    from riskcore.reporting import exports

    store = _store(args)
    table = score_table(store, _as_of(args, store), args.lang)
    _note_assumed_terms(store, args.lang)  # the scores and their reasons rest on days late
    if args.csv:
        rows = exports.write_csv(Path(args.csv), table, args.lang)
        print(t("cli.written", args.lang, path=args.csv, rows=rows))
    elif args.json:  # a missing limit is null, not NaN (which JSON does not have)
        print_json(records(table))
    else:
        print(table.to_string(index=False))
    return EXIT_OK


def cmd_evaluate(args: argparse.Namespace) -> int:
    from riskcore.credit.evaluation import evaluate

    store = _store(args)
    if args.backtest:
        return _backtest(args, store)
    if args.split_date is None:
        raise EncoursError("cli.split_or_backtest")
    result = evaluate(store, args.split_date, late_days=args.late_days, lang=args.lang)
    _note_assumed_terms(store, args.lang)  # so does the target: paid more than late_days after the due date
    if args.json:
        print_json(result)
    else:
        for key, value in result.items():
            if key != "warnings":
                print(f"{key}: {value}")
    for warning in result.get("warnings", []):
        print(warning, file=sys.stderr)
    return EXIT_OK


def _backtest(args: argparse.Namespace, store) -> int:
    from riskcore.credit import backtest
    from riskcore.reporting import text

    if args.horizon_days is not None and args.horizon_days < (args.late_days or 0):
        raise EncoursError("cli.bad_horizon", horizon=args.horizon_days, late=args.late_days)
    result = backtest.rolling(store, origins=args.origins, horizon_days=args.horizon_days, late_days=args.late_days)
    _note_assumed_terms(store, args.lang)
    if args.json:
        print_json(result)
    else:
        print(text.render_backtest(result, args.lang))
    return EXIT_OK


def cmd_worklist(args: argparse.Namespace) -> int:
    from riskcore.dunning import daily
    from riskcore.reporting import exports

    store = _store(args)
    work = daily.today(store, _as_of(args, store), owner=args.owner)
    if args.csv:  # the invoice ids of a step joined by spaces, as riskcore.reporting.exports writes a list
        rows = exports.write_csv(Path(args.csv), work, args.lang)
        print(t("cli.written", args.lang, path=args.csv, rows=rows))
    elif args.json:
        print_json(records(work))
    else:
        shown = work[["client_id", "name", "profile", "action", "owner", "owner_name", "overdue", "amount_at_risk"]]
        print(shown.to_string(index=False) if len(work) else t("cli.worklist_empty", args.lang))
    return EXIT_OK


def cmd_letters(args: argparse.Namespace) -> int:
    from riskcore.access.auth import CLI_USER
    from riskcore.dunning import daily

    store = _store(args)
    which = {"client_id": args.client, "action": args.step}
    as_of = _as_of(args, store)
    letters = daily.todays_letters(store, as_of, **which)
    count = daily.write_letters(CLI_USER, letters, Path(args.out))
    print(t("cli.written", args.lang, path=args.out, rows=count))
    if args.send:  # e-mail them too (config collections.smtp), those whose client has an address
        sent, unaddressed = daily.send_letters(store, CLI_USER, letters)
        print(t("cli.letters_sent", args.lang, sent=len(sent), clients=", ".join(unaddressed) or "—"))
    return EXIT_OK


def cmd_legal_table(args: argparse.Namespace) -> int:
    from riskcore.receivables import legal
    from riskcore.reporting import exports, text

    store = _store(args)
    table = legal.d441_6_table(store.cursor(), args.as_of)
    if args.csv:
        rows = exports.write_csv(Path(args.csv), table, args.lang)
        print(t("cli.written", args.lang, path=args.csv, rows=rows))
    elif args.json:
        # D441-6 asks to disclose the disputed invoices left out and to say HT or TTC: keep them with the rows
        print_json({"as_of": args.as_of, **table.attrs, "brackets": table.to_dict(orient="records")})
    else:
        print(text.render_legal_table(table, args.as_of, args.lang))
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from riskcore.reporting import board

    store = _store(args)
    path = board.board_report(store, _as_of(args, store), Path(args.out), args.lang)
    print(t("cli.written", args.lang, path=str(path), rows=""))
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from riskcore import demo
    from riskcore.access.auth import CLI_USER

    # an empty or demo workspace takes the demo at once; one holding its own data only with
    # --confirm NAME, and after an automatic backup
    sizes = {"seed": args.seed, "clients": args.clients, "years": args.years}
    saved, summary = demo.replace_with_demo(_store(args, create=True), CLI_USER, args.confirm, **sizes)
    print(t("cli.demo_written", args.lang, **summary))
    if saved is not None:
        print(t("cli.backed_up_first", args.lang, path=str(saved)))
    return EXIT_OK


def cmd_bench(args: argparse.Namespace) -> int:
    from riskcore import bench

    result = bench.run(invoices=args.invoices)
    if args.json:
        print_json(result)
    else:
        print(bench.render_text(result))
    return EXIT_OK


# --- parser ------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="encours", description=t("cli.description"))
    parser.add_argument("--lang", choices=["fr", "en"], default=default_language())
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name: str, func: Command, db: bool = True) -> argparse.ArgumentParser:
        return add_command(sub, name, func, db=db)

    p = command("import", cmd_import)
    p.add_argument("files", nargs="+")
    p.add_argument("--kind", choices=["auto", "invoices", "payments", "clients", "dunning", "fec"], default="auto")
    p.add_argument("--mapping")
    p.add_argument("--terms-days", type=_positive_int)
    p.add_argument("--as-of", type=_date)
    p.add_argument("--collective-as-client", action="store_true")

    p = command("kpi", cmd_kpi)
    p.add_argument("--as-of", type=_date)
    p.add_argument("--json", action="store_true")

    p = command("score", cmd_score)
    p.add_argument("--as-of", type=_date)
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true")
    out.add_argument("--csv")

    p = command("evaluate", cmd_evaluate)
    p.add_argument("--split-date", type=_date)
    p.add_argument("--late-days", type=_positive_int)
    p.add_argument("--backtest", action="store_true")
    p.add_argument("--origins", type=_at_least_one, default=12)
    p.add_argument("--horizon-days", type=_positive_int)
    p.add_argument("--json", action="store_true")

    p = command("worklist", cmd_worklist)
    p.add_argument("--as-of", type=_date)
    p.add_argument("--owner")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true")
    out.add_argument("--csv")

    p = command("letters", cmd_letters)
    p.add_argument("--as-of", type=_date)
    p.add_argument("--client")
    p.add_argument("--step", choices=ACTIONS)
    p.add_argument("--out", required=True)
    p.add_argument("--send", action="store_true")

    p = command("legal-table", cmd_legal_table)
    p.add_argument("--as-of", type=_date, required=True)
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true")
    out.add_argument("--csv")

    p = command("report", cmd_report)
    p.add_argument("--as-of", type=_date)
    p.add_argument("--out", required=True)

    p = command("demo", cmd_demo)
    p.add_argument("--seed", type=_positive_int)
    p.add_argument("--clients", type=_positive_int)
    p.add_argument("--years", type=_positive_int)
    p.add_argument("--confirm", help=t("cli.help_confirm"))

    p = command("bench", cmd_bench, db=False)
    p.add_argument("--invoices", type=_positive_int, default=1_000_000)
    p.add_argument("--json", action="store_true")

    access.add_commands(sub)  # users, audit, backup, restore
    forecast.add_commands(sub)  # forecast [--backtest]
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # argparse printed its one-line usage error
        return int(exc.code or 0) and EXIT_BAD_INPUT
    try:
        return args.func(args)
    except EncoursError as exc:
        print(exc.message(args.lang), file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:  # Ctrl-C (at a password prompt): stop, without a traceback
        print(file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader stopped early (`| head`): nothing to say
        sys.stderr.close()
        return EXIT_OK
    except OSError as exc:
        print(
            t("cli.os_error", args.lang, error=str(exc).splitlines()[0] if str(exc) else type(exc).__name__),
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    except Exception as exc:  # a bug: one line, unless asked for the traceback
        if os.environ.get("ENCOURS_DEBUG"):
            raise
        print(t("cli.internal_error", args.lang, error=f"{type(exc).__name__}: {exc}"), file=sys.stderr)
        return EXIT_BUG
