"""Polling that confirms an update only once it has been handled.

python-telegram-bot's own polling asks for the next updates (which confirms the ones it got,
through ``offset``) while it still handles them, so a crash loses messages Telegram was already
told were received. Here each batch is handled first — the turn committed, its replies sent or
queued — and only then is the next batch asked for. After a crash Telegram sends the unconfirmed
updates again; the core recognises the ones it already handled by their update id.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence

from telegram import Update
from telegram.error import NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import Application

from marketbot.platforms.telegram.sender import retry_seconds

__all__ = ["Poller"]

logger = logging.getLogger(__name__)

POLL_TIMEOUT = 25
"""Seconds Telegram holds a getUpdates call open when there is nothing new."""
_BACKOFF_MAX = 30.0


class Poller:
    """Runs the polling loop of ``application`` as a task until :meth:`stop`."""

    def __init__(self, application: Application, allowed_updates: Sequence[str]) -> None:  # type: ignore[type-arg]
        self.application = application
        self.allowed_updates = list(allowed_updates)
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    async def start(self) -> None:
        bot = self.application.bot
        await bot.delete_webhook()  # getUpdates and a webhook exclude each other
        self._stopping.clear()
        self._task = asyncio.create_task(self._loop(), name="telegram-polling")

    async def stop(self) -> None:
        self._stopping.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def _loop(self) -> None:
        offset: int | None = None
        delay = 1.0
        while not self._stopping.is_set():
            try:
                updates = await self.application.bot.get_updates(
                    offset=offset, timeout=POLL_TIMEOUT, allowed_updates=self.allowed_updates
                )
            except RetryAfter as exc:
                await self._pause(retry_seconds(exc))
                continue
            except (TimedOut, NetworkError, TelegramError) as exc:
                logger.warning("getUpdates failed (%s); trying again in %.0f s", exc, delay)
                await self._pause(delay)
                delay = min(delay * 2, _BACKOFF_MAX)
                continue
            delay = 1.0
            for update in updates:
                await self._handle(update)
                offset = update.update_id + 1  # confirmed with the next call, once handled

    async def _handle(self, update: Update) -> None:
        application = self.application
        try:
            await application.process_update(update)
        except Exception:
            logger.exception("update %s could not be handled", update.update_id)

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)
