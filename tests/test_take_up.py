"""An announcement another process started, or was killed sending, is taken up by an engine that
has its platform within about a second (PostgreSQL, several processes), not at its next lease
round (20 s on): a broadcast goes on when its process is killed."""

from __future__ import annotations

import asyncio
from collections import Counter

from marketbot.delivery.engine import TAKE_UP_EVERY
from marketbot.storage.db import Database
from marketbot.storage.outbox import OutboxStore
from tests.test_delivery_engine import FakeSender, FakeTime, make_engine
from tests.test_leases import _announce


async def test_an_engine_takes_up_what_another_process_left(postgres_url: str) -> None:
    time = FakeTime()
    other, mine = await Database.open(postgres_url), await Database.open(postgres_url)
    sender, fifth = FakeSender(time), asyncio.Event()

    async def sent_fifth() -> None:
        fifth.set()

    sender.hooks[5] = sent_fifth
    engine = make_engine(mine, time, sender, owner="B")
    try:
        await engine.start()
        await _announce(other, time, 5)  # written by a process that was killed then
        # nobody tells this engine; its look finds the rows within a second or so
        await asyncio.wait_for(fifth.wait(), timeout=TAKE_UP_EVERY * 3)
        await engine.wait_idle()
    finally:
        await engine.stop()
        await other.close()
        await mine.close()
    assert sender.delivered() == Counter({f"c{i}": 1 for i in range(5)})


async def test_a_process_taking_up_starts_away_from_the_others(postgres_url: str) -> None:
    time = FakeTime()
    other, mine = await Database.open(postgres_url), await Database.open(postgres_url)
    announcement, rows = await _announce(other, time, 100)
    store = OutboxStore(mine)
    assert await store.split_point(announcement, "telegram", 0.0) == rows[0].id - 1
    assert await store.split_point(announcement, "telegram", 0.5) == rows[50].id - 1
    assert await store.split_point(announcement, "wechat", 0.5) == 0  # none pending
    sender = FakeSender(time)
    engine = make_engine(mine, time, sender, owner="B")
    try:
        await engine.start()  # takes the announcement up: other processes may be sending it
        await asyncio.wait_for(engine.wait_idle(), timeout=20)
    finally:
        await engine.stop()
        await other.close()
        await mine.close()
    first = int(sender.calls[0].chat[1:])
    assert first > 0  # not where the others claim one after the other…
    # …and on from the first row after the last: every chat once, in that order
    assert [c.chat for c in sender.calls] == [f"c{(first + i) % 100}" for i in range(100)]
