"""The `marketbot market-days` subcommand: the next market days of a rule phrase.

Usage::

    marketbot market-days 逢三六九 --from 2026-12-01 --count 5
    2026-12-03 周四 农历十月十五 …
    marketbot market-days "每周六，春节期间除外" --json
    ["2026-12-05", …]

An unparseable phrase prints the chat's help to stderr and exits 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime
from typing import get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from marketbot.calendar.labels import iso_market_day
from marketbot.calendar.lunar import CalendarRangeError
from marketbot.calendar.parse import RuleParseError, parse_rule
from marketbot.calendar.rules import CalendarOptions, Day30
from marketbot.texts import Lang

__all__ = ["add_subcommand", "run"]

MAX_COUNT = 1000


def add_subcommand(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `market-days` to the CLI; its handler returns the exit code."""
    parser = subparsers.add_parser(
        "market-days",
        help="print the next market days of a schedule phrase",
        description="Print the next market days of a schedule phrase such as 逢三六九.",
    )
    parser.add_argument("rule", metavar="RULE", help="the schedule as written, e.g. 逢三六九")
    parser.add_argument(
        "--from",
        dest="start",
        metavar="DATE",
        type=date.fromisoformat,
        help="first day to consider (YYYY-MM-DD; default: today in --timezone)",
    )
    parser.add_argument("--count", type=_count, default=5, metavar="N", help="how many dates")
    parser.add_argument("--json", action="store_true", help="print a JSON list of ISO dates")
    parser.add_argument(
        "--timezone", default="Asia/Shanghai", help="time zone of 'today' (default Asia/Shanghai)"
    )
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of labels")
    parser.add_argument(
        "--day30",
        choices=get_args(Day30),
        default="skip",
        help="a lunar 30th in a 29-day month: skip it, hold it on the 29th or the next 1st",
    )
    parser.add_argument(
        "--fairs-in-leap-month",
        action="store_true",
        help="hold yearly lunar fairs in the leap month too",
    )
    parser.set_defaults(handler=run)


def _count(value: str) -> int:
    count = int(value)
    if not 1 <= count <= MAX_COUNT:
        raise argparse.ArgumentTypeError(f"N must be between 1 and {MAX_COUNT}")
    return count


def run(args: argparse.Namespace) -> int:
    """Print the dates; 0 on success, 2 for a phrase or date the calendar cannot use."""
    lang: Lang = "en" if args.lang == "en" else "zh"
    try:
        rule = parse_rule(args.rule)
    except RuleParseError as error:
        sys.stderr.write(error.help(lang) + "\n")
        return 2
    try:
        start = args.start or datetime.now(ZoneInfo(args.timezone)).date()
        options = CalendarOptions(day30=args.day30, fairs_in_leap_month=args.fairs_in_leap_month)
        dates = rule.next_dates(start, args.count, options)
    except (CalendarRangeError, ZoneInfoNotFoundError, ValueError) as error:
        sys.stderr.write(f"{error}\n")
        return 2
    if args.json:
        sys.stdout.write(json.dumps([d.isoformat() for d in dates]) + "\n")
    else:
        sys.stdout.write("".join(iso_market_day(d, lang) + "\n" for d in dates))
    return 0
