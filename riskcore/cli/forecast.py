"""`encours forecast`: the 13-week cash-in forecast and its backtest (issue 15 scope 6-7)."""

from __future__ import annotations

import argparse
from pathlib import Path

from riskcore.cli.common import EXIT_OK, _as_of, _at_least_one, _date, _store, add_command, print_json, records
from riskcore.i18n import t


def cmd_forecast(args: argparse.Namespace) -> int:
    from riskcore.credit import forecast, forecast_backtest
    from riskcore.reporting import exports, text

    store = _store(args)
    if args.backtest:
        result = forecast_backtest.backtest(store, origins=args.origins, weeks=args.weeks)
        if args.json:
            print_json(result)
        else:
            print(text.render_forecast_backtest(result, args.lang))
        return EXIT_OK
    made = forecast.cash_in(store, _as_of(args, store), weeks=args.weeks)
    if args.csv:
        rows = exports.write_csv(Path(args.csv), made.weekly, args.lang)
        print(t("cli.written", args.lang, path=args.csv, rows=rows))
    elif args.json:
        print_json(
            {
                "summary": made.summary,
                "weekly": records(made.weekly),
                "by_client": records(made.by_client),
                "apart": records(made.apart),
            }
        )
    else:
        print(text.render_forecast(made.summary, made.weekly, args.lang))
    return EXIT_OK


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = add_command(sub, "forecast", cmd_forecast)
    p.add_argument("--as-of", type=_date)
    p.add_argument("--weeks", type=_at_least_one)
    p.add_argument("--backtest", action="store_true")
    p.add_argument("--origins", type=_at_least_one)
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true")
    out.add_argument("--csv")
