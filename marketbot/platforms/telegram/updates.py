"""Updates handled at the same time for different people, in order for one person.

python-telegram-bot handles one update after another unless the application has an update
processor that allows more. :class:`PerChatUpdates` lets up to ``limit`` updates run at once
(a slow Bot API answer for one chat never delays another), and chains the updates of one chat
(or, for an inline query, of one person): each starts only when the one before it has finished,
so a person's messages are answered in the order they wrote them.

Usage::

    ApplicationBuilder().concurrent_updates(PerChatUpdates()) ...
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

__all__ = ["PerChatUpdates"]

LIMIT = 256
"""Updates in hand at once (waiting for the same person's earlier update included)."""


def _person(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user is not None else None


class PerChatUpdates(BaseUpdateProcessor):
    """Concurrent across chats, serial within one."""

    def __init__(self, limit: int = LIMIT) -> None:
        super().__init__(limit)
        self._tails: dict[int, asyncio.Future[None]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        person = _person(update)
        if person is None:
            await coroutine
            return
        before = self._tails.get(person)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._tails[person] = done
        try:
            if before is not None:
                await asyncio.shield(before)
            await coroutine
        finally:
            done.set_result(None)
            if self._tails.get(person) is done:
                del self._tails[person]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""
