"""The platform's rate limit shared by two delivery engines (two processes) on one PostgreSQL
database, in virtual time: together they stay within the configured rate (over any second too)
and reach at least 0.9 of it; the slots' own arithmetic (given in turn, used at their time, late
ones dropped) on both backends; on SQLite an engine paces alone, as before."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections import Counter
from datetime import datetime, timedelta

import pytest

from marketbot.delivery.shared_rate import SharedRate
from marketbot.neutral import Reply
from marketbot.storage.db import Database
from marketbot.storage.rate_buckets import RateBucketStore
from tests.test_delivery_engine import START, FakeSender, FakeTime, chats, make_engine
from tests.test_leases import two  # noqa: F401 (the fixture: two connections to one database)

RATE = 25.0


class VirtualTime(FakeTime):
    """A clock several engines share: a sleep waits until :meth:`drive` wakes it, earliest
    first, and the clock moves to its end (never past a sleeper due sooner)."""

    def __init__(self) -> None:
        super().__init__()
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    async def sleep(self, seconds: float) -> None:
        woken = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.t() + max(seconds, 0.0), next(self._order), woken))
        await woken

    async def drive(self, sleepers: int) -> None:
        """Wake the earliest sleeper once ``sleepers`` wait (every engine's dispatcher: the
        database work of the moment is done) or after a while (one waits for something else);
        runs until cancelled."""
        while True:
            for _ in range(100):  # real time, for the database round trips in flight
                await asyncio.sleep(0.001)
                if sum(not woken.done() for *_, woken in self._sleepers) >= sleepers:
                    break
            while self._sleepers:
                due, _, woken = heapq.heappop(self._sleepers)
                if woken.done():  # a wait that ended another way (a wakeup)
                    continue
                self.clock.set(max(self.clock.now(), START + timedelta(seconds=due)))
                woken.set_result(None)
                break


def _at(seconds: float) -> datetime:
    return START + timedelta(seconds=seconds)


async def test_slots_are_given_to_one_process_each_in_turn(
    two: tuple[Database, Database],  # noqa: F811
) -> None:
    first, second = two
    assert await RateBucketStore(first).reserve("telegram", 5, RATE, START) == START
    # the next five slots (0.2 s to 0.4 s) are the other process's
    assert await RateBucketStore(second).reserve("telegram", 5, RATE, _at(0.1)) == _at(0.2)
    assert await RateBucketStore(first).reserve("telegram", 5, RATE, _at(0.1)) == _at(0.4)
    # a minute idle saves nothing for a burst: the next run starts now
    assert await RateBucketStore(second).reserve("telegram", 5, RATE, _at(60)) == _at(60)
    # another platform has slots of its own
    assert await RateBucketStore(first).reserve("wechat", 5, RATE, START) == START


async def test_slots_are_used_at_their_time_and_late_ones_dropped(
    two: tuple[Database, Database],  # noqa: F811
) -> None:
    first, second = two
    shared = SharedRate(RateBucketStore(first), "telegram", RATE)
    assert (shared.batch, shared.spacing) == (5, pytest.approx(0.04))  # a fifth of a second
    assert await shared.acquire(START) == 0.0  # one round trip: five slots from now
    assert await shared.acquire(START) == pytest.approx(0.04)  # not before the next slot
    assert shared.waiting(_at(0.02)) == pytest.approx(0.02)  # no round trip
    assert await shared.acquire(_at(0.04)) == 0.0
    assert shared.held == 3
    other = SharedRate(RateBucketStore(second), "telegram", RATE)
    assert await other.acquire(_at(0.05)) == pytest.approx(0.15)  # its slots follow ours
    # a process that fell behind drops the slots too late to use (0.08 s to 0.16 s at 0.3 s)
    assert shared.waiting(_at(0.3)) == 0.0
    assert shared.held == 0
    assert await shared.acquire(_at(0.3)) == pytest.approx(0.1, abs=1e-5)  # after the other run
    assert shared.held == 5


async def broadcast_by_two(url: str, senders: tuple[FakeSender, FakeSender], chats_: int) -> None:
    """Two engines (two processes, A and B) on the database at ``url`` in the senders' virtual
    time send one broadcast to ``chats_`` chats together, until both are idle."""
    time = senders[0].time
    assert isinstance(time, VirtualTime)
    dbs = [await Database.open(url) for _ in senders]
    engines = [
        make_engine(db, time, sender, rate=RATE, owner=name)
        for db, sender, name in zip(dbs, senders, ("A", "B"), strict=True)
    ]
    driver = asyncio.create_task(time.drive(len(engines)))
    try:
        for engine in engines:
            await engine.start()
        await engines[0].enqueue("broadcast", Reply("明天赶集"), chats("c", chats_))
        await engines[1].keep_leases()  # adopts the announcement
        await asyncio.wait_for(asyncio.gather(*(e.wait_idle() for e in engines)), timeout=60)
    finally:
        driver.cancel()
        for engine in engines:
            await engine.stop()
        for db in dbs:
            await db.close()


async def test_two_engines_share_the_rate_and_reach_it(postgres_url: str) -> None:
    time = VirtualTime()
    senders = FakeSender(time), FakeSender(time)
    await broadcast_by_two(postgres_url, senders, 250)

    assert senders[0].delivered() + senders[1].delivered() == Counter(
        {f"c{i}": 1 for i in range(250)}
    )
    assert all(sender.calls for sender in senders)  # both sent
    times = sorted(senders[0].times() + senders[1].times())
    span = times[-1] - times[0]
    # within the rate, over the whole and over any second: a slot each, no burst (one more: the
    # slot a stretch begins inside, used late by less than half a spacing)
    assert len(times) <= RATE * span + 1 + 1e-6
    for start in times:
        assert sum(1 for t in times if start <= t < start + 1.0 - 1e-6) <= RATE + 1
    fraction = (len(times) - 1) / span / RATE
    assert fraction >= 0.9


async def test_on_sqlite_an_engine_paces_alone(tmp_path_factory: pytest.TempPathFactory) -> None:
    db = await Database.open(str(tmp_path_factory.mktemp("alone") / "market.db"))
    time = FakeTime()
    engine = make_engine(db, time, FakeSender(time))
    try:
        await engine.start()
        assert await db.read_all("SELECT * FROM rate_buckets") == []
        await engine.enqueue("broadcast", Reply("明天赶集"), chats("c", 3))
        await asyncio.wait_for(engine.wait_idle(), timeout=20)
        assert await db.read_all("SELECT * FROM rate_buckets") == []  # no bucket taken
    finally:
        await engine.stop()
        await db.close()
