"""The command line: ``marketbot run | import | export | search | migrate | status | copy |
market-days | words | qr | poster``.

Every subcommand takes ``--config PATH`` (default ``./config.toml`` when present); the data
commands also take ``--db PATH`` to override the database: an SQLite file or a
``postgresql://`` URL. Problems with the config or the input end with a one-line (or
one-paragraph) explanation and a non-zero exit code.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from marketbot import __version__
from marketbot.app import open_app, run
from marketbot.calendar.command import add_subcommand as add_market_days
from marketbot.clock import Clock, ShiftedClock, SystemClock
from marketbot.config import Config, ConfigError, load_config
from marketbot.services.csv_io import export_csv, import_csv, read_table
from marketbot.services.logs import configure as configure_logging
from marketbot.services.logs import secrets as log_secrets
from marketbot.services.status import read_status, status_json, status_lines
from marketbot.storage.copy import CopyError, copy_database
from marketbot.storage.db import Database, is_postgres_url, load_migrations

__all__ = ["main"]


def _config(args: argparse.Namespace) -> Config:
    config = load_config(args.config)
    db = getattr(args, "db", None)
    if db and is_postgres_url(db):
        config = replace(config, database=replace(config.database, url=db))
    elif db:
        config = replace(config, database=replace(config.database, path=db, url=""))
    return config


def _no_demo(config: Config) -> Config:
    """An import never seeds the demo stalls into a new database (a secretary's real catalogue
    is not mixed with 老魏山货 and friends)."""
    return replace(config, bot=replace(config.bot, demo_data=False))


def _clock(args: argparse.Namespace, config: Config) -> Clock:
    if not args.now:
        return SystemClock()
    try:
        naive = datetime.strptime(args.now, "%Y-%m-%d %H:%M")  # noqa: DTZ007 - zone added below
    except ValueError:
        raise ConfigError(f"--now must look like '2026-12-02 18:59', not {args.now!r}.") from None
    return ShiftedClock(naive.replace(tzinfo=ZoneInfo(config.bot.timezone)))


def _cmd_run(args: argparse.Namespace) -> int:
    config = _config(args)
    if args.demo:
        config = replace(config, bot=replace(config.bot, demo_data=True))
    chatting = bool(config.telegram.token or config.wechat.app_id)
    configure_logging(config.log, log_secrets(config), chatting=chatting)
    return asyncio.run(run(config, _clock(args, config), console=args.console))


async def _import(config: Config, path: Path) -> int:
    try:
        rows = read_table(path)
    except (OSError, ValueError) as err:
        print(f"cannot import {path}: {err}", file=sys.stderr)
        return 1
    async with open_app(_no_demo(config), SystemClock()) as app:
        market = (await app.store.markets())[0]
        report = await import_csv(app.store, market, rows, SystemClock().now())
    print(
        f"imported {report.imported} rows ({report.products_created} new products, "
        f"{report.products_updated} updated, {report.stalls_created} new stalls); "
        f"rejected {len(report.rejected)}"
    )
    for line, reason in report.rejected:
        print(f"  line {line}, {reason}")
    if report.unknown_categories:
        unknown = "; ".join(
            f"{name} (line{'s' if len(lines) > 1 else ''} {', '.join(map(str, lines))})"
            for name, lines in report.unknown_categories.items()
        )
        print(f"  unknown categories, imported under 其他 (qita): {unknown}")
        print(f"  categories of this market: {report.category_help()}")
        print(
            "  add a missing one with /categories in the chat (or correct the file) and import "
            "again: the rows move to it"
        )
    return 0 if not report.rejected and not report.unknown_categories else 3


def _cmd_import(args: argparse.Namespace) -> int:
    return asyncio.run(_import(_config(args), Path(args.file)))


async def _export(config: Config, path: Path) -> int:
    async with open_app(config, SystemClock()) as app:
        text = await export_csv(app.store)
    try:
        await asyncio.to_thread(path.write_text, text, encoding="utf-8", newline="")
    except OSError as err:
        print(f"cannot write {path}: {err.strerror or err}", file=sys.stderr)
        return 1
    print(f"exported {text.count(chr(10)) - 1} products to {path}")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    return asyncio.run(_export(_config(args), Path(args.file)))


async def _migrate(config: Config) -> int:
    db = await Database.open(config.database.target)
    try:
        applied, version = db.applied_now, max(await db.applied_migrations())
    finally:
        await db.close()
    names = "".join(f"\n  {m.number:04d}_{m.name}" for m in applied)
    print(f"schema version {version}; applied {len(applied)} migrations now{names}")
    return 0


def _cmd_migrate(args: argparse.Namespace) -> int:
    return asyncio.run(_migrate(_config(args)))


async def _status(config: Config, as_json: bool) -> int:
    db = await Database.open(config.database.target, migrate=False)
    try:
        version, known = max(await db.applied_migrations(), default=0), len(load_migrations())
        if version < known:
            print(
                f"database: {db.backend}, schema version {version} of {known}: run "
                "marketbot migrate (the bot also migrates at start)",
                file=sys.stderr,
            )
            return 1
        status = await read_status(db, SystemClock().now(), __version__)
    finally:
        await db.close()
    if as_json:
        print(json.dumps(status_json(status), ensure_ascii=False, indent=2))
    else:
        print("\n".join(status_lines(status)))
    return 0


def _cmd_status(args: argparse.Namespace) -> int:
    return asyncio.run(_status(_config(args), args.json))


def _database_argument(text: str) -> str:
    """``sqlite:PATH``, a plain path, or a ``postgresql://`` URL, as ``Database.open`` takes."""
    return text.removeprefix("sqlite:") if not is_postgres_url(text) else text


async def _copy(source: str, target: str) -> int:
    opened: list[Database] = []
    try:
        for where in (source, target):
            opened.append(await Database.open(_database_argument(where)))
        counts = await copy_database(*opened)
    except CopyError as err:
        print(f"cannot copy: {err}", file=sys.stderr)
        return 1
    finally:
        for db in opened:
            await db.close()
    print(f"copied {sum(counts.values())} rows of {len(counts)} tables")
    for table, count in counts.items():
        if count:
            print(f"  {table}: {count}")
    return 0


def _cmd_copy(args: argparse.Namespace) -> int:
    return asyncio.run(_copy(args.source, args.target))


async def _search(config: Config, queries: list[str], as_json: bool, one_per_line: bool) -> int:
    """The chat's search over every market; nothing is logged as demand."""
    async with open_app(config, SystemClock()) as app:
        catalog = app.core.services.catalog
        for query in queries:
            answer = await catalog.search(None, query, SystemClock().now(), limit=20, log=False)
            rows = []
            for group in answer.groups:
                for item in group.items:
                    stall = await app.store.get_stall(item.stall_id)
                    rows.append(
                        {
                            "product": item.name,
                            "stall": item.stall_name,
                            "village": stall.village if stall else "",
                            "price_yuan": item.price_fen / 100,
                            "price_fen": item.price_fen,
                            "unit": item.unit,
                            "in_stock": item.in_stock,
                            "product_id": item.product_id,
                            "stall_id": item.stall_id,
                            "match": group.match,
                        }
                    )
            if one_per_line:
                line = {
                    "query": query,
                    "intent": answer.intent,
                    "wanted": answer.wanted,
                    "results": rows,
                }
                print(json.dumps(line, ensure_ascii=False))
            elif as_json:
                print(json.dumps(rows, ensure_ascii=False, indent=2))
            elif not rows:
                print(f"nothing found for {query!r}")
            else:
                for row in rows:
                    stock = "" if row["in_stock"] else "  (sold out)"
                    print(
                        f"{row['product']}\t{row['price_yuan']:g}元/{row['unit']}\t"
                        f"{row['stall']}{stock}"
                    )
    return 0


def _cmd_words(args: argparse.Namespace) -> int:
    """Add one entry to the secretary's word tables (checked before it is written)."""
    from marketbot.search import TableError, add_entry

    config = _config(args)
    folder = Path(config.search.tables)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = add_entry(folder, args.table, args.columns)
    except (TableError, OSError) as err:
        print(f"marketbot words: {err}", file=sys.stderr)
        return 1
    print(f"added to {path}; the bot reads it at its next start")
    return 0


def _cmd_search(args: argparse.Namespace) -> int:
    if args.query == "-":
        queries = [line.strip() for line in sys.stdin if line.strip()]
        return asyncio.run(_search(_config(args), queries, True, True))
    return asyncio.run(_search(_config(args), [args.query], args.json, False))


async def _print(config: Config, args: argparse.Namespace) -> int:
    from marketbot.platforms.telegram.capabilities import LINK_RANK, PLATFORM
    from marketbot.platforms.telegram.links import TelegramLinks
    from marketbot.printouts.printing import NoLink, NotFound, Printer
    from marketbot.storage.schedules import ScheduleStore

    out = Path(args.out)
    async with open_app(config, SystemClock()) as app:
        links = app.core.services.links
        if args.username:
            links.register(PLATFORM, TelegramLinks(args.username), rank=LINK_RANK)
        printer = Printer(app.store, links)
        telegram_only = [link.platform for link in links.all("market", 1)][:1] == [PLATFORM]
        try:
            if args.command == "qr":
                data = (
                    await (printer.stall_qr if args.kind == "stall" else printer.market_qr)(
                        args.id
                    )
                )[1]
            elif args.all:
                data = (await printer.all_posters())[1]
            elif args.kind == "stall":
                data = (await printer.stall_poster(args.id))[1]
            else:
                schedules = ScheduleStore(app.db)
                data = (await printer.market_poster(args.id, schedules, SystemClock().now()))[1]
        except (NotFound, NoLink, ValueError) as err:
            print(f"marketbot {args.command}: {err}", file=sys.stderr)
            return 1
    try:
        await asyncio.to_thread(out.write_bytes, data)
    except OSError as err:
        print(
            f"marketbot {args.command}: cannot write {out}: {err.strerror or err}", file=sys.stderr
        )
        return 1
    print(f"wrote {out} ({len(data)} bytes)")
    if telegram_only:
        print(
            f"marketbot {args.command}: note: the code opens Telegram (t.me), which does not open"
            " in mainland China; set [web] public_url so that it opens the stall's or market's"
            " page, which any phone camera and WeChat can open",
            file=sys.stderr,
        )
    return 0


_SUFFIXES = {"qr": ".png", "poster": ".pdf"}


def _cmd_print(args: argparse.Namespace) -> int:
    wanted = _SUFFIXES[args.command]
    if Path(args.out).suffix.lower() != wanted:
        what = "a PNG image" if wanted == ".png" else "a PDF (A4 pages)"
        print(
            f"marketbot {args.command}: writes {what}; give --out a name ending in {wanted}, "
            f"not {args.out!r}",
            file=sys.stderr,
        )
        return 2
    if args.command == "poster" and args.all == (args.kind is not None):
        print("marketbot poster: give either 'stall ID', 'market ID' or --all", file=sys.stderr)
        return 2
    if args.kind is not None and args.id is None:
        print(f"marketbot {args.command}: which {args.kind}? give its id", file=sys.stderr)
        return 2
    return asyncio.run(_print(_config(args), args))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="marketbot",
        description="A chatbot for periodic village markets (赶集): vendors list goods, "
        "visitors find them, secretaries run the market.",
    )
    parser.add_argument("--version", action="version", version=f"marketbot {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, help_: str, *, db: bool = True) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_)
        p.add_argument("--config", metavar="PATH", help="config file (default: ./config.toml)")
        if db:
            p.add_argument(
                "--db",
                metavar="PATH|URL",
                help="SQLite file or postgresql:// URL (overrides [database] path and url)",
            )
        return p

    p = command(
        "run",
        "run the bot on every configured platform at once: Telegram when a token is "
        "configured (polling, or a webhook on the [web] server), else a terminal chat",
    )
    p.add_argument(
        "--demo",
        action="store_true",
        help="seed a new database with the demo market, its days and stalls (also when the "
        "config says demo_data = false)",
    )
    p.add_argument(
        "--console",
        action="store_true",
        help="also chat in this terminal beside the other platforms (handy for a secretary "
        "at the server); Ctrl-D closes the terminal, Ctrl-C stops everything",
    )
    p.add_argument(
        "--now",
        metavar="'YYYY-MM-DD HH:MM'",
        help="start the bot's clock at this time in the market's time zone",
    )
    p.set_defaults(handler=_cmd_run)

    p = command("import", "import stalls and products from a CSV file (UTF-8 or GBK)")
    p.add_argument("file", metavar="FILE.csv")
    p.set_defaults(handler=_cmd_import)

    p = command("export", "export stalls and products to a CSV file in the import format")
    p.add_argument("file", metavar="FILE.csv")
    p.set_defaults(handler=_cmd_export)

    p = command(
        "migrate",
        "create the database's tables or bring them up to date (the bot also does this at "
        "start), and say which migrations were applied",
    )
    p.set_defaults(handler=_cmd_migrate)

    p = command(
        "status",
        "what an operator watches, read from the database: schema version, outbox rows queued, "
        "in flight and held per platform with the oldest queued row's age, and the leases with "
        "their holders (no user data; never migrates)",
    )
    p.add_argument("--json", action="store_true", help="print it as GET /status answers")
    p.set_defaults(handler=_cmd_status)

    p = command(
        "copy",
        "copy every row of one database into a new, empty one, ids kept: an SQLite file to "
        "PostgreSQL or back (stop the bot first)",
        db=False,
    )
    p.add_argument(
        "--from",
        dest="source",
        required=True,
        metavar="SOURCE",
        help="sqlite:PATH (or just PATH) or postgresql://user:password@host/name",
    )
    p.add_argument("--to", dest="target", required=True, metavar="TARGET", help="the same forms")
    p.set_defaults(handler=_cmd_copy)

    p = command("search", "search the goods on sale, as visitors do in chat")
    p.add_argument("query", metavar="QUERY", help="what to look for; '-' reads one per line")
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p.set_defaults(handler=_cmd_search)

    p = command("qr", "write the QR code PNG that opens a stall or the market in the bot")
    p.add_argument("kind", choices=["stall", "market"])
    p.add_argument("id", type=int, metavar="ID")
    p.add_argument("--out", required=True, metavar="FILE.png")
    p.add_argument("--username", help="the bot's username (default: [telegram] username)")
    p.set_defaults(handler=_cmd_print)

    p = command("poster", "write printable A4 posters (PDF) with the stall's or market's code")
    p.add_argument("kind", nargs="?", choices=["stall", "market"])
    p.add_argument("id", nargs="?", type=int, metavar="ID")
    p.add_argument("--all", action="store_true", help="one page for every approved stall")
    p.add_argument("--out", required=True, metavar="FILE.pdf")
    p.add_argument("--username", help="the bot's username (default: [telegram] username)")
    p.set_defaults(handler=_cmd_print)

    p = command(
        "words", "add a word to the search tables (synonyms, english, categories, …)", db=False
    )
    p.add_argument(
        "table", choices=["synonyms", "english", "categories", "intents", "lookalike", "pinyin"]
    )
    p.add_argument(
        "columns",
        nargs="+",
        metavar="COLUMN",
        help="the entry's columns, e.g. 红枣 大枣,枣子 (see docs/search.md)",
    )
    p.set_defaults(handler=_cmd_words)

    add_market_days(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # python-telegram-bot 22: report retry_after as a timedelta (and don't warn about it).
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    args = _parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except ConfigError as err:
        print(f"marketbot: configuration problem: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
