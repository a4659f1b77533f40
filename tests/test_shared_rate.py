"""The platform's rate limit shared by two delivery engines (two processes) on one PostgreSQL
database, in virtual time: together they stay within the configured rate and reach at least 0.9
of it; the bucket's own arithmetic (refill, capacity, the wait it names) on both backends; on
SQLite an engine paces alone, as before."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections import Counter
from datetime import timedelta

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


async def test_the_bucket_refills_at_the_rate_up_to_its_capacity(
    two: tuple[Database, Database],  # noqa: F811
) -> None:
    first, second = two
    now = START
    assert await RateBucketStore(first).take("telegram", 5, RATE, 10.0, now) == (5, 0.0)
    assert await RateBucketStore(second).take("telegram", 5, RATE, 10.0, now) == (5, 0.0)
    granted, wait = await RateBucketStore(first).take("telegram", 5, RATE, 10.0, now)
    assert granted == 0 and wait == pytest.approx(0.2)  # empty: five more in 0.2 s
    now += timedelta(seconds=0.1)  # 2.5 tokens refilled
    granted, wait = await RateBucketStore(second).take("telegram", 5, RATE, 10.0, now)
    assert granted == 2 and wait == pytest.approx((5 - 0.5) / RATE)
    now += timedelta(seconds=60)  # a minute idle: no more than the capacity
    assert await RateBucketStore(first).take("telegram", 50, RATE, 10.0, now) == (
        10,
        pytest.approx(2.0),
    )
    # another platform has a bucket of its own
    assert await RateBucketStore(first).take("wechat", 5, RATE, 10.0, now) == (5, 0.0)


async def test_tokens_are_taken_in_batches_and_old_ones_dropped(
    two: tuple[Database, Database],  # noqa: F811
) -> None:
    first, _ = two
    shared = SharedRate(RateBucketStore(first), "telegram", RATE)
    assert (shared.batch, shared.capacity) == (5, 5.0)  # a fifth of a second's worth
    assert [await shared.acquire(START) for _ in range(5)] == [0.0] * 5  # one round trip
    assert shared.waiting(START) == 0.0  # none in hand: ask
    assert await shared.acquire(START) == pytest.approx(0.2)  # the bucket is empty
    later = START + timedelta(seconds=0.1)
    assert shared.waiting(later) == pytest.approx(0.1, abs=1e-5)  # no round trip
    assert await shared.acquire(later) == pytest.approx(0.1, abs=1e-5)
    assert await shared.acquire(START + timedelta(seconds=0.2)) == 0.0
    assert shared.held == 4 and shared.waiting(START + timedelta(seconds=0.2)) == 0.0
    assert await shared.acquire(START + timedelta(seconds=5)) == 0.0  # the four were too old
    assert shared.held == 4  # a fresh batch of five, one spent


async def test_two_engines_share_the_rate_and_reach_it(postgres_url: str) -> None:
    time = VirtualTime()
    senders = FakeSender(time), FakeSender(time)
    dbs = [await Database.open(postgres_url) for _ in senders]
    engines = [
        make_engine(db, time, sender, rate=RATE, owner=name)
        for db, sender, name in zip(dbs, senders, ("A", "B"), strict=True)
    ]
    driver = asyncio.create_task(time.drive(len(engines)))
    try:
        for engine in engines:
            await engine.start()
        await engines[0].enqueue("broadcast", Reply("明天赶集"), chats("c", 250))
        await engines[1].keep_leases()  # adopts the announcement
        await asyncio.wait_for(asyncio.gather(*(e.wait_idle() for e in engines)), timeout=60)
    finally:
        driver.cancel()
        for engine in engines:
            await engine.stop()
        for db in dbs:
            await db.close()

    assert senders[0].delivered() + senders[1].delivered() == Counter(
        {f"c{i}": 1 for i in range(250)}
    )
    assert all(sender.calls for sender in senders)  # both sent
    times = sorted(senders[0].times() + senders[1].times())
    span = times[-1] - times[0]
    # within the rate: what refilled meanwhile and a full bucket (a batch) at the start, no more
    capacity = 5
    assert len(times) <= RATE * span + capacity + 1e-6
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
