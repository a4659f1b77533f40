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
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from telegram import Update

from marketbot.chat.core import Core
from marketbot.clock import SystemClock
from marketbot.config import DeliveryConfig, TelegramConfig
from marketbot.delivery import DeliveryEngine
from marketbot.platforms.telegram.adapter import (
    ChatCore,
    Context,
    TelegramApplication,
    build_application,
)
from marketbot.platforms.telegram.sender import TelegramSender
from tests.fake_bot_api import FAKE_TOKEN, FakeBotApi

__all__ = ["TelegramHarness", "telegram_harness"]


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
) -> AsyncIterator[TelegramHarness]:
    """An initialized Application for ``core`` whose ``post_init`` (command menus) has run."""
    api = api or FakeBotApi()
    config = config or TelegramConfig(token=FAKE_TOKEN)
    application = build_application(config, core, request=api)
    engine = None
    if isinstance(core, Core):
        engine = DeliveryEngine(
            core.services.store.db,
            {"telegram": TelegramSender(application.bot)},
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
