"""Different people's updates are handled at the same time, one person's in order: a Bot API
that is slow for one chat never delays another, and a person's answers keep their order."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from telegram import Update
from telegram.request import RequestData

from marketbot.app import App
from marketbot.config import TelegramConfig
from marketbot.platforms.telegram.adapter import TelegramApplication, build_application
from marketbot.platforms.telegram.updates import PerChatUpdates
from tests.fake_bot_api import FAKE_TOKEN, FakeBotApi, message_update

SLOW, FAST = 501, 502


class SlowForOneChat(FakeBotApi):
    """Sends to ``SLOW`` wait until :attr:`release` is set (with ``only_first``, only the first
    send does)."""

    def __init__(self, *, only_first: bool = False) -> None:
        super().__init__()
        self.release = asyncio.Event()
        self.waiting = asyncio.Event()
        self.only_first = only_first

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> tuple[int, bytes]:
        chat = request_data.parameters.get("chat_id") if request_data is not None else None
        first = not self.waiting.is_set()
        if (
            url.endswith("/sendMessage")
            and str(chat) == str(SLOW)
            and (first or not self.only_first)
        ):
            self.waiting.set()
            await self.release.wait()
        return await super().do_request(url, method, request_data, *args, **kwargs)


@asynccontextmanager
async def running(app: App, api: SlowForOneChat) -> AsyncIterator[TelegramApplication]:
    """The application as polling runs it: updates from its queue, through its processor."""
    application = build_application(TelegramConfig(token=FAKE_TOKEN), app.core, request=api)
    async with application:
        await application.start()
        try:
            yield application
        finally:
            api.release.set()  # a failed test must not leave an update hanging
            await application.stop()


async def _put(application: TelegramApplication, update: dict[str, Any]) -> None:
    await application.update_queue.put(Update.de_json(update, application.bot))


async def test_a_slow_chat_never_delays_another(app: App) -> None:
    api = SlowForOneChat()
    async with running(app, api) as application:
        await _put(application, api.user_message(SLOW, "核桃"))
        await asyncio.wait_for(api.waiting.wait(), 5)  # the slow chat's answer is on its way
        await _put(application, api.user_message(FAST, "红枣"))
        await api.wait_until(lambda: bool(api.sent_texts(FAST)), within=5)
        assert not api.sent_texts(SLOW)
        api.release.set()
        await api.wait_until(lambda: bool(api.sent_texts(SLOW)), within=5)
    assert "红枣" in api.last_text(FAST) and "核桃" in api.last_text(SLOW)


async def test_one_persons_updates_run_in_order_and_others_meanwhile() -> None:
    """The processor itself: chat 1's second update waits for its first (still running), chat
    2's runs at once."""
    processor = PerChatUpdates()
    release = asyncio.Event()
    done: list[str] = []

    async def handle(name: str, wait: bool) -> None:
        if wait:
            await release.wait()
        done.append(name)

    def update(chat: int) -> Update:
        return Update.de_json(message_update(chat, "hi"), None)

    first = asyncio.create_task(processor.process_update(update(1), handle("1a", True)))
    second = asyncio.create_task(processor.process_update(update(1), handle("1b", False)))
    other = asyncio.create_task(processor.process_update(update(2), handle("2a", False)))
    await asyncio.wait_for(other, 5)
    assert done == ["2a"]  # chat 1's second update has not overtaken its first
    release.set()
    await asyncio.wait_for(asyncio.gather(first, second), 5)
    assert done == ["2a", "1a", "1b"]
