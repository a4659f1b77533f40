"""Shared fixtures: a migrated database in a temporary directory, a fixed clock, a terminal
chat harness whose tests read like the conversation, and a real PostgreSQL server.

PostgreSQL: one server per test session (``postgres_server``: :mod:`tests.postgres_server`, in a
temporary directory, on a free loopback port), and for each test a fresh database copied from a
migrated template (``postgres_url``). Where there is no PostgreSQL or no psycopg, the tests that
need one are skipped, saying why. ``backend_target`` is an SQLite file or a PostgreSQL URL:
tests that take it run on both backends.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from marketbot.app import App, open_app
from marketbot.clock import FixedClock, SystemClock
from marketbot.config import Config, DatabaseConfig, DeliveryConfig
from marketbot.delivery import DeliveryEngine
from marketbot.neutral import Outbound, Reply
from marketbot.platforms.console import PLATFORM, ConsoleChat, ConsoleSender
from marketbot.storage.db import Database
from tests.postgres_server import PostgresMissing, PostgresServer

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

    async def wishes_logged(self) -> list[str]:
        """What the search logged as wished for so far (the secretary's /demand reads it)."""
        since = datetime(2000, 1, 1, tzinfo=UTC)
        return [wish for wish, _ in await self.app.store.searches_since(since)]

    async def visitor_says(self, typed: str) -> str:
        """``typed`` sent by a tourist; what it was answered, checked to be no search for goods
        nobody sells and to log nothing as demand."""
        await self.as_("tourist")
        out = await self.send(typed)
        assert "没有人卖" not in out and "nobody sells" not in out, out
        assert await self.wishes_logged() == []
        return out

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


TEST_BACKEND_ENV = "MARKETBOT_TEST_BACKEND"
"""``postgresql``: the ``config`` fixture (so ``app`` and ``chat``) uses a fresh PostgreSQL
database instead of an SQLite file, so the whole suite can run on PostgreSQL."""

BOTH_BACKENDS = frozenset(
    {
        "test_categories",
        "test_delivery_engine",
        "test_delivery_report",
        "test_delivery_scheduling",
        "test_inbox",
        "test_market_days",
        "test_markets",
        "test_photos",
        "test_planner_lease",
        "test_reminders",
        "test_stalls_named",
        "test_talk_my_stall",
        "test_talk_secretaries",
        "test_talk_stall_info",
    }
)
"""Modules whose tests of the whole bot (``config``, ``app``, ``chat``) run on both backends
every time: the stores' behaviour seen through the chat. Modules that measure SQLite itself
(statement counts, worker threads, another process writing the file) are not among them, nor
test_broadcast: two of its tests read a broadcast's status as soon as its report is printed,
which the service records just after (on SQLite no other task runs in between; on PostgreSQL,
where every statement awaits the server, the next message may come first)."""


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    module = metafunc.module.__name__.rsplit(".", 1)[-1]
    if "backend" in metafunc.fixturenames and module in BOTH_BACKENDS:
        metafunc.parametrize("backend", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """The backend of ``config``: a parameter in :data:`BOTH_BACKENDS`, else SQLite (or the
    one :data:`TEST_BACKEND_ENV` names)."""
    chosen: str = getattr(request, "param", os.environ.get(TEST_BACKEND_ENV, "sqlite"))
    return chosen


@pytest.fixture
def config(tmp_path: Path, backend: str, request: pytest.FixtureRequest) -> Config:
    database = DatabaseConfig(path=str(tmp_path / "market.db"))
    if backend == "postgresql":
        database = replace(database, url=request.getfixturevalue("postgres_url"))
    return replace(Config(), database=database)


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


# PostgreSQL ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    try:
        server = PostgresServer()
    except PostgresMissing as missing:
        pytest.skip(str(missing))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database of its own for the test."""
    url = postgres_server.fresh()
    try:
        yield url
    finally:
        postgres_server.drop(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend_target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new database on each backend: an SQLite file, then a PostgreSQL URL."""
    if request.param == "sqlite":
        return str(tmp_path / "market.db")
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
async def three(postgres_url: str) -> AsyncIterator[tuple[Database, Database, Database]]:
    """Three processes' connections to one PostgreSQL database."""
    opened = [await Database.open(postgres_url) for _ in range(3)]
    try:
        yield opened[0], opened[1], opened[2]
    finally:
        for db in opened:
            await db.close()
