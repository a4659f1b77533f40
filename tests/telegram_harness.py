"""A Telegram bot under test: the real PTB Application over :class:`FakeBotApi`.

Usage::

    async with telegram_harness(core) as tg:
        await tg.say(42, "/start")
        await tg.press(42, "我要摆摊")
        assert "摊位" in tg.api.last_text(42)

Updates go through ``Application.process_update`` exactly as polling would deliver them; an
exception escaping a handler fails the test instead of only being logged. With the real core,
messages to other people go through a running delivery engine with this bot's sender, and each
update waits until it has delivered them.

:func:`serving` runs platforms the way ``marketbot run`` does (:func:`marketbot.app.serve`: one
delivery engine, one scheduler, one web server on a free port of 127.0.0.1) and yields the web
server once every platform has started::

    async with serving(app, config, [TelegramPlatform(...)], stop) as web:
        httpx.post(f"http://127.0.0.1:{web.port}/telegram", ...)
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from telegram import Update

from marketbot.app import App, serve
from marketbot.chat.core import Core
from marketbot.clock import SystemClock
from marketbot.config import Config, DeliveryConfig, TelegramConfig
from marketbot.delivery import DeliveryEngine
from marketbot.delivery.ports import PhotoLibrary
from marketbot.platforms.base import Platform
from marketbot.platforms.telegram.adapter import (
    ChatCore,
    Context,
    TelegramApplication,
    build_application,
)
from marketbot.platforms.telegram.capabilities import CAPABILITIES, PLATFORM
from marketbot.platforms.telegram.sender import TelegramSender
from marketbot.platforms.web import WebServer
from marketbot.storage.photos import PhotoStore
from tests.fake_bot_api import FAKE_TOKEN, FakeBotApi

__all__ = ["TelegramHarness", "serving", "telegram_harness"]


class TelegramHarness:
    """Sends updates into a running Application and exposes the fake Bot API."""

    def __init__(
        self, api: FakeBotApi, application: TelegramApplication, engine: DeliveryEngine | None
    ) -> None:
        self.api = api
        self.application = application
        self.engine = engine
        self.errors: list[BaseException] = []

    async def send(self, update: dict[str, Any]) -> None:
        """Process one update dict; re-raise what a handler raised."""
        await self.application.process_update(Update.de_json(update, self.application.bot))
        if self.engine is not None:
            await asyncio.wait_for(self.engine.wait_idle(), timeout=10)
        if self.errors:
            raise self.errors.pop(0)

    async def say(self, user_id: int, text: str | None = None, **kwargs: Any) -> None:
        """``user_id`` sends a message (text, ``photo=``, ``contact=`` …) in their chat."""
        await self.send(self.api.user_message(user_id, text, **kwargs))

    async def press(self, user_id: int, label: str, **kwargs: Any) -> None:
        """``user_id`` presses the most recent button labelled ``label``."""
        await self.send(self.api.press(user_id, label, **kwargs))

    async def share_contact(self, user_id: int, phone: str) -> None:
        await self.send(self.api.share_contact(user_id, phone))

    async def _record_error(self, update: object, context: Context) -> None:
        if context.error is not None:
            self.errors.append(context.error)


@asynccontextmanager
async def telegram_harness(
    core: ChatCore,
    *,
    api: FakeBotApi | None = None,
    config: TelegramConfig | None = None,
    photos: PhotoLibrary | None = None,
) -> AsyncIterator[TelegramHarness]:
    """An initialized Application for ``core`` whose ``post_init`` (command menus) has run."""
    api = api or FakeBotApi()
    config = config or TelegramConfig(token=FAKE_TOKEN)
    if photos is None and isinstance(core, Core):
        photos = PhotoStore(core.services.store.db)
    application = build_application(config, core, request=api, photos=photos)
    engine = None
    if isinstance(core, Core):
        core.add_platform(PLATFORM, CAPABILITIES)  # as serve() declares it: buttons, editing
        engine = DeliveryEngine(
            core.services.store.db,
            {"telegram": TelegramSender(application.bot, photos)},
            DeliveryConfig(rate_per_second=1000.0, per_chat_interval=0.0),
            SystemClock(),
        )
    harness = TelegramHarness(api, application, engine)
    application.add_error_handler(harness._record_error)
    async with application:
        if application.post_init is not None:
            await application.post_init(application)
        if engine is None or not isinstance(core, Core):
            yield harness
            return
        core.outbox = engine
        await engine.start()
        try:
            yield harness
        finally:
            await engine.stop()
            core.outbox = None


@asynccontextmanager
async def serving(
    app: App, config: Config, platforms: Sequence[Platform], stop: asyncio.Event
) -> AsyncIterator[WebServer]:
    """``platforms`` served as ``marketbot run`` serves them, until the block ends; the web
    server (``config.web``) is yielded once every platform has started."""
    listening: asyncio.Future[WebServer] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(
        serve(
            app,
            config,
            platforms,
            stop=stop,
            pacing=SystemClock(),
            on_listening=listening.set_result,
        )
    )
    try:
        async with asyncio.timeout(10):
            await asyncio.wait({task, listening}, return_when=asyncio.FIRST_COMPLETED)
            if task.done():
                task.result()  # raise why it ended
                raise AssertionError("serve() ended without a web server")
            server = listening.result()
            ready = asyncio.create_task(server.wait_ready())
            await asyncio.wait({task, ready}, return_when=asyncio.FIRST_COMPLETED)
            if not ready.done():
                ready.cancel()
                task.result()
                raise AssertionError("serve() ended before it was ready")
        yield server
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)
