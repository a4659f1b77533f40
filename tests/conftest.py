"""Shared fixtures: a migrated database in a temporary directory, a fixed clock, and a terminal
chat harness whose tests read like the conversation."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from marketbot.app import App, open_app
from marketbot.clock import FixedClock, SystemClock
from marketbot.config import Config, DatabaseConfig, DeliveryConfig
from marketbot.delivery import DeliveryEngine
from marketbot.neutral import Outbound, Reply
from marketbot.platforms.console import PLATFORM, ConsoleChat, ConsoleSender

SHANGHAI = ZoneInfo("Asia/Shanghai")

# python-telegram-bot 22 warns on every RetryAfter unless told to use timedelta already.
os.environ.setdefault("PTB_TIMEDELTA", "1")


class _RecordingSender(ConsoleSender):
    """The terminal's sender, remembering what it delivered to other people."""

    def __init__(self, chat: ConsoleChat, delivered: list[Outbound]) -> None:
        super().__init__(chat)
        self.delivered = delivered

    async def send(self, chat_id: str, reply: Reply) -> None:
        self.delivered.append(Outbound(PLATFORM, chat_id, reply))
        await super().send(chat_id, reply)


class Chat:
    """Drives the terminal adapter: ``await chat.send("/start")``, then read ``chat.text``.

    Messages to other people go through the real delivery engine (started by the fixture) and
    are printed and recorded as they arrive; ``send`` waits until the engine is idle."""

    def __init__(self, app: App, speaker: str = "visitor") -> None:
        self.app = app
        self.lines: list[str] = []
        files = Path(app.core.services.config.database.path).parent / "printouts"
        self.console = ConsoleChat(app.core, speaker, self.lines.append, files)
        self.last: list[Outbound] = []
        self.delivered: list[Outbound] = []
        self.engine = DeliveryEngine(
            app.db,
            {PLATFORM: _RecordingSender(self.console, self.delivered)},
            DeliveryConfig(rate_per_second=1000.0, per_chat_interval=0.0),
            SystemClock(),
        )

    async def send(self, line: str) -> str:
        """Send one line as the current speaker; returns everything printed for it, messages
        delivered to other people because of it included."""
        self.lines.clear()
        self.delivered.clear()
        self.last = await self.console.send(line)
        await asyncio.wait_for(self.engine.wait_idle(), timeout=10)
        return self.text

    async def as_(self, name: str) -> None:
        await self.console.send(f"#as {name}")

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def mine(self) -> list[Outbound]:
        """The replies to the last line sent."""
        return self.last

    def to(self, chat_id: str) -> list[Outbound]:
        """What the last line caused to be delivered to someone else's chat."""
        return [o for o in self.delivered if o.chat_id == chat_id]

    def choice_ids(self) -> list[str]:
        return [c.id for o in self.mine() for c in o.reply.flat_choices()]

    async def press(self, label_part: str) -> str:
        """Press the first button of the last replies whose label contains ``label_part``."""
        for index, choice in enumerate(
            (c for o in self.mine() for c in o.reply.flat_choices()), start=1
        ):
            if label_part in choice.label:
                return await self.send(str(index))
        raise AssertionError(f"no button with {label_part!r} in:\n{self.text}")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI))


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return replace(Config(), database=DatabaseConfig(path=str(tmp_path / "market.db")))


@pytest.fixture
async def app(config: Config, clock: FixedClock) -> AsyncIterator[App]:
    async with open_app(config, clock) as app:
        yield app


@pytest.fixture
async def chat(app: App) -> AsyncIterator[Chat]:
    harness = Chat(app)
    app.core.outbox = harness.engine
    await harness.engine.start()
    try:
        yield harness
    finally:
        await harness.engine.stop()
        app.core.outbox = None
