"""Building and running the bot: database → migrations → first-start data → core → platforms.

The one place that wires things together. :func:`run` serves every configured platform in one
process (:func:`choose_platforms`): Telegram when a token is configured, the terminal chat when
nothing else is or with ``--console`` beside the others; one delivery engine with every
platform's sender, one reminder scheduler, one web server when a platform needs it
(:func:`serve`). Everything is stopped in reverse order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, TextIO
from zoneinfo import ZoneInfo

from handlers import build_router
from marketbot import __version__
from marketbot.chat.context import Services
from marketbot.chat.core import Core
from marketbot.clock import Clock
from marketbot.config import Config, ConfigError
from marketbot.delivery import DeliveryEngine
from marketbot.delivery.ports import Sender
from marketbot.domain.model import User
from marketbot.platforms.base import Platform
from marketbot.platforms.console import PLATFORM as CONSOLE
from marketbot.platforms.console import ConsoleChat, ConsolePlatform
from marketbot.platforms.telegram.capabilities import LINK_RANK as TELEGRAM_LINK_RANK
from marketbot.platforms.telegram.capabilities import PLATFORM as TELEGRAM
from marketbot.platforms.telegram.links import TelegramLinks
from marketbot.platforms.web import WebServer, WebServerError
from marketbot.platforms.web.pages import LINK_RANK as WEB_PAGES_LINK_RANK
from marketbot.platforms.web.pages import PLATFORM as WEB_PAGES
from marketbot.platforms.web.pages import WebLinks, WebPages
from marketbot.platforms.web.runner import run_platforms
from marketbot.search import TableError
from marketbot.services.broadcasts import BroadcastDesk
from marketbot.services.catalog import Catalog
from marketbot.services.demand import send_weekly
from marketbot.services.demo import seed_demo
from marketbot.services.jobs import ReminderScheduler
from marketbot.services.links import Links
from marketbot.services.market_days import MarketDays
from marketbot.services.status import depth_log, read_status, status_json
from marketbot.storage.db import Database
from marketbot.storage.inbox import InboxStore
from marketbot.storage.leases import LeaseStore
from marketbot.storage.market_data import Storage
from marketbot.storage.photos import PhotoStore

if TYPE_CHECKING:
    from telegram.request import BaseRequest

__all__ = ["App", "background", "choose_platforms", "open_app", "run", "serve"]

logger = logging.getLogger(__name__)

INBOX_DAYS = 7
"""Days the handled updates are remembered (platforms redeliver unconfirmed ones within a day)."""


WARM_BY_SEARCHES_SINCE = timedelta(days=7)
"""The searches that order which markets' search indexes are built first at start."""

CATALOG_CHANGES_KEPT = timedelta(days=1)
"""How long catalogue changes are kept for the search indexes of every process to read."""


@dataclass(slots=True)
class App:
    db: Database
    store: Storage
    core: Core


async def _first_start(store: Storage, config: Config, clock: Clock) -> None:
    now = clock.now()
    if not await store.markets():
        market = await store.create_market(
            name=config.market.name,
            place=config.market.place,
            opens=config.market.opens,
            closes=config.market.closes,
            timezone=config.bot.timezone,
            now=now,
        )
        if config.bot.demo_data:
            # As if the stalls had been there a while: their goods are not new next market day.
            await seed_demo(store, market, now=now - timedelta(days=30))
    for platform, ids in config.secretaries.by_platform().items():
        for ident in sorted(ids):
            await store.ensure_user(
                platform=platform, platform_user_id=ident, chat_id=ident, now=now
            )


@contextlib.asynccontextmanager
async def open_app(config: Config, clock: Clock) -> AsyncIterator[App]:
    """The database (created and migrated if new), first-start data and the core."""
    db = await Database.open(config.database.target)
    try:
        store = Storage(db)
        await _first_start(store, config, clock)
        links = Links()
        # a configured username makes links before the bot runs (``marketbot qr``)
        links.register(TELEGRAM, TelegramLinks(config.telegram.username), rank=TELEGRAM_LINK_RANK)
        if config.web.public_url:  # codes and posters open the market's pages
            links.register(WEB_PAGES, WebLinks(config.web.public_url), rank=WEB_PAGES_LINK_RANK)
        days = MarketDays(store, clock, config)
        try:
            catalog = Catalog.with_tables(store, config.search.tables)
        except TableError as err:
            raise ConfigError(f"search.tables: a word table cannot be read: {err}") from None
        services = Services(
            store=store, clock=clock, config=config, days=days, catalog=catalog, links=links
        )
        core = Core(services, build_router())
        yield App(db=db, store=store, core=core)
    finally:
        await db.close()


@dataclass(slots=True)
class _Delivery:
    engine: DeliveryEngine
    desk: BroadcastDesk


def _delivery(
    app: App, config: Config, senders: Sequence[Sender], pacing: Clock | None
) -> _Delivery:
    """The delivery engine with every platform's sender, not started yet; the outbox of
    reminders and broadcasts from now on (what is queued before it starts waits for it)."""
    days = app.core.services.days
    desk = BroadcastDesk(app.store, config, app.core.services.clock, list(senders))
    engine = DeliveryEngine(
        app.db,
        {s.platform: s for s in senders},
        config.delivery,
        pacing or app.core.services.clock,
        on_progress=desk.on_progress,
    )
    desk.engine = engine
    days.outbox = desk
    app.core.outbox = desk
    days.platforms = frozenset(s.platform for s in senders)
    return _Delivery(engine, desk)


@contextlib.asynccontextmanager
async def _running(app: App, config: Config, delivery: _Delivery) -> AsyncIterator[None]:
    """The delivery engine and the reminder scheduler, running."""
    engine, desk = delivery.engine, delivery.desk
    services = app.core.services

    async def reachable(user: User) -> None:
        await engine.mark_reachable(user.platform, user.chat_id)

    app.core.on_seen.append(reachable)

    async def housekeeping() -> None:
        await engine.prune()
        await InboxStore(app.db).prune(services.clock.now() - timedelta(days=INBOX_DAYS))
        await app.store.prune_catalog_changes(services.clock.now() - CATALOG_CHANGES_KEPT)

    async def weekly() -> None:
        now = services.clock.now()
        year, week, _ = now.astimezone(ZoneInfo(config.bot.timezone)).isocalendar()
        await send_weekly(app.store, services.catalog, config, desk, now, f"{year}-W{week:02d}")

    scheduler = ReminderScheduler(
        services.days,
        services.clock,
        weekly=weekly,
        daily=housekeeping,
        timezone=config.bot.timezone,
        leases=LeaseStore(app.db),
    )
    depth = depth_log(app.db, services.clock, desk.senders, every=config.log.outbox_every)
    try:
        await engine.start()
        await desk.recover()
        await scheduler.start()
        async with depth, desk.report_timer():
            yield
    finally:
        await scheduler.stop()
        await engine.stop()
        app.core.on_seen.remove(reachable)
        services.days.outbox = None
        app.core.outbox = None


@contextlib.asynccontextmanager
async def background(
    app: App, config: Config, senders: list[Sender], *, pacing: Clock | None = None
) -> AsyncIterator[DeliveryEngine]:
    """The delivery engine and the reminder scheduler, running while the platforms run.

    ``pacing`` is the clock the engine paces by (default the bot's; tests whose bot clock
    stands still pass a running one)."""
    delivery = _delivery(app, config, senders, pacing)
    async with _running(app, config, delivery):
        yield delivery.engine


async def _warm(app: App) -> None:
    """Notice other processes' writes from now on (``marketbot import``, a second bot): the
    indexes take them in within a second, and rows cached in memory are read afresh. Then start
    building every market's search index in the background, the most used first (searched
    in the last :data:`WARM_BY_SEARCHES_SINCE`, then followed), so that the bot answers at once
    and a search for a market not built yet waits for that one market only."""
    await app.db.watch()
    services = app.core.services
    now = services.clock.now()
    markets = {m.id: m for m in await app.store.markets()}
    order = await app.store.markets_by_use(now - WARM_BY_SEARCHES_SINCE)
    services.catalog.warm([markets[i] for i in order if i in markets], now)


async def serve(
    app: App,
    config: Config,
    platforms: Sequence[Platform],
    *,
    stop: asyncio.Event,
    pacing: Clock | None = None,
    on_listening: Callable[[WebServer], object] | None = None,
) -> None:
    """Serve ``platforms`` together until ``stop`` is set.

    One delivery engine holds every platform's sender, so a message for a person of any
    platform goes out through theirs; one reminder scheduler; one web server when some
    platform has routes (:func:`marketbot.platforms.web.runner.run_platforms`). Each platform
    declares its capabilities to the core, whose messages to other people go into that one
    outbox, whichever platform the message that caused them came from.
    """
    names = [p.name for p in platforms]
    if len(set(names)) != len(names):
        raise ValueError(f"a platform is listed twice: {names}")
    core = app.core
    for platform in platforms:
        core.add_platform(platform.name, platform.capabilities)
        if platform.links is not None:
            core.services.links.register(platform.name, platform.links, rank=platform.link_rank)
    delivery = _delivery(app, config, [p.sender for p in platforms], pacing)

    async def status() -> dict[str, object]:
        return status_json(await read_status(app.db, core.services.clock.now(), __version__))

    try:
        await _warm(app)
        await run_platforms(
            platforms,
            web=config.web,
            stop=stop,
            background=lambda: _running(app, config, delivery),
            on_listening=on_listening,
            status=status,
        )
    finally:
        await core.services.catalog.stop()
        await app.db.unwatch()
        core.outbox = None
        core.services.days.outbox = None


def choose_platforms(
    app: App,
    config: Config,
    *,
    console: bool,
    stop: asyncio.Event,
    stdin: TextIO = sys.stdin,
    write: Callable[[str], None] = print,
    bot_api: BaseRequest | None = None,
) -> list[Platform]:
    """Every configured platform: Telegram when a token is configured; the terminal chat when
    no other chat platform is, or beside the others with ``console``; the market's web pages
    when ``[web] public_url`` is set.

    The terminal alone stops the run at the end of its input; beside others it only closes.
    ``bot_api`` replaces Telegram's HTTP transport (tests pass a fake Bot API).
    """
    platforms: list[Platform] = []
    if config.telegram.token:
        from marketbot.platforms.telegram.adapter import TelegramPlatform

        platforms.append(
            TelegramPlatform(config.telegram, app.core, request=bot_api, photos=PhotoStore(app.db))
        )
    if config.wechat.app_id:
        from marketbot.platforms.wechat.adapter import WeChatPlatform

        platforms.append(
            WeChatPlatform(
                config.wechat,
                app.core,
                db=app.db,
                photos=PhotoStore(app.db),
                secretaries=config.secretaries,
                language=config.bot.language,
                clock=app.core.services.clock,
                timezone=config.bot.timezone,
            )
        )
    if console or not platforms:
        chat = ConsoleChat(app.core, config.console.user, write)
        alone = not platforms

        def ended() -> None:
            if alone:
                stop.set()
            else:
                write("(terminal closed; the other platforms keep running: Ctrl-C stops)")

        platforms.append(ConsolePlatform(chat, stdin, on_end=ended))
    if config.web.public_url:
        platforms.append(WebPages(app.core.services, app.db))
    return platforms


async def run(
    config: Config,
    clock: Clock,
    *,
    console: bool = False,
    stdin: TextIO = sys.stdin,
    write: Callable[[str], None] = print,
) -> int:
    """Run every configured platform until stopped (Ctrl-C, SIGTERM), or until the end of the
    terminal's input when it runs alone."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        async with open_app(config, clock) as app:
            platforms = choose_platforms(
                app, config, console=console, stop=stop, stdin=stdin, write=write
            )
            if any(p.name == CONSOLE for p in platforms):
                others = [p.name for p in platforms if p.name != CONSOLE]
                beside = f" beside {', '.join(others)}" if others else ""
                ending = (
                    "Ctrl-D closes the terminal, Ctrl-C stops everything"
                    if others
                    else "Ctrl-D quits"
                )
                write(
                    f"Terminal chat{beside} on {config.database.path}. "
                    f"Type /start; '#as NAME' switches user; {ending}."
                )
            try:
                await serve(app, config, platforms, stop=stop)
            except WebServerError as err:
                raise ConfigError(str(err)) from None
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
    return 0
