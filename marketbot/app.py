"""Building and running the bot: database → migrations → first-start data → core → adapter.

Everything is stopped in reverse order. With no Telegram token the terminal chat runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import TextIO
from zoneinfo import ZoneInfo

from handlers import build_router
from marketbot.chat.context import Services
from marketbot.chat.core import Core
from marketbot.clock import Clock
from marketbot.config import Config, ConfigError
from marketbot.delivery import DeliveryEngine
from marketbot.delivery.ports import Sender
from marketbot.platforms.telegram.links import TelegramLinks
from marketbot.search import TableError
from marketbot.services.broadcasts import BroadcastDesk
from marketbot.services.catalog import Catalog
from marketbot.services.demand import send_weekly
from marketbot.services.demo import seed_demo
from marketbot.services.jobs import ReminderScheduler
from marketbot.services.links import Links
from marketbot.services.market_days import MarketDays
from marketbot.storage.db import Database
from marketbot.storage.market_data import Storage

__all__ = ["App", "open_app", "run"]

logger = logging.getLogger(__name__)


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
    db = await Database.open(config.database.path)
    try:
        store = Storage(db)
        await _first_start(store, config, clock)
        links = Links()
        links.register("telegram", TelegramLinks(config.telegram.username), rank=1)
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


@contextlib.asynccontextmanager
async def background(
    app: App, config: Config, senders: list[Sender], *, pacing: Clock | None = None
) -> AsyncIterator[None]:
    """The delivery engine and the reminder scheduler, running while the adapter runs.

    ``pacing`` is the clock the engine paces by (default the bot's; tests whose bot clock
    stands still pass a running one)."""
    days = app.core.services.days
    desk = BroadcastDesk(app.store, config, app.core.services.clock, senders)
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
    app.core.on_seen.append(lambda user: engine.mark_reachable(user.platform, user.chat_id))
    await engine.start()
    services = app.core.services

    async def weekly() -> None:
        now = services.clock.now()
        year, week, _ = now.astimezone(ZoneInfo(config.bot.timezone)).isocalendar()
        await send_weekly(app.store, services.catalog, config, desk, now, f"{year}-W{week:02d}")

    scheduler = ReminderScheduler(
        days, services.clock, weekly=weekly, daily=engine.prune, timezone=config.bot.timezone
    )
    try:
        await scheduler.start()
        yield
    finally:
        await scheduler.stop()
        await engine.stop()
        days.outbox = None
        app.core.outbox = None


async def _run_telegram(app: App, config: Config) -> None:
    from marketbot.platforms.telegram.adapter import run_telegram

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)

    def learn(username: str) -> None:
        app.core.services.links.register("telegram", TelegramLinks(username), rank=1)

    await run_telegram(
        config.telegram,
        app.core,
        stop=stop,
        on_username=learn,
        background=lambda sender: background(app, config, [sender]),
    )


async def run(config: Config, clock: Clock, *, stdin: TextIO = sys.stdin) -> int:
    """Run the bot until stopped (Telegram) or until the end of input (terminal chat)."""
    async with open_app(config, clock) as app:
        if config.telegram.token:
            await _run_telegram(app, config)
            return 0
        from marketbot.platforms.console import ConsoleChat, ConsoleSender

        print(  # noqa: T201 - the one-line notice the terminal user needs
            "No Telegram token configured: terminal chat on "
            f"{config.database.path}. Type /start; '#as NAME' switches user; Ctrl-D quits."
        )
        chat = ConsoleChat(app.core, config.console.user, print)
        async with background(app, config, [ConsoleSender(chat)]):
            await chat.run(stdin)
    return 0
