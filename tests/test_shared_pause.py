"""A platform's "retry later" (Telegram's 429) seen by one process pauses every process: Telegram's
flood limit is per bot. Two delivery engines on one PostgreSQL database in virtual time; the pause
moves the platform's next free sending slot to the end of the pause, on both backends."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from marketbot.delivery.ports import RetryLater
from marketbot.delivery.shared_rate import SharedRate
from marketbot.storage.db import Database
from marketbot.storage.rate_buckets import RateBucketStore
from tests.test_delivery_engine import START, FakeSender
from tests.test_leases import two  # noqa: F401 (the fixture: two connections to one database)
from tests.test_shared_rate import RATE, VirtualTime, broadcast_by_two

PAUSE = 3.0


async def test_a_pause_recorded_by_one_process_holds_the_other(
    two: tuple[Database, Database],  # noqa: F811
) -> None:
    first, second = two
    assert await RateBucketStore(first).reserve("telegram", 5, RATE, START) == START
    await RateBucketStore(first).pause("telegram", START + timedelta(seconds=PAUSE))
    await RateBucketStore(first).pause("telegram", START + timedelta(seconds=1))  # shorter: kept
    later = START + timedelta(seconds=1)
    assert await RateBucketStore(second).reserve("telegram", 5, RATE, later) == START + timedelta(
        seconds=PAUSE
    )
    # a platform without a row yet gets one that is paused
    await RateBucketStore(second).pause("wechat", START + timedelta(seconds=PAUSE))
    assert await RateBucketStore(first).reserve("wechat", 1, RATE, START) == START + timedelta(
        seconds=PAUSE
    )


async def test_a_process_that_saw_the_pause_drops_its_slots(
    two: tuple[Database, Database],  # noqa: F811
) -> None:
    first, _ = two
    shared = SharedRate(RateBucketStore(first), "telegram", RATE)
    assert await shared.acquire(START) == 0.0
    assert shared.held == 4
    await shared.pause(START, PAUSE)
    assert shared.held == 0
    assert await shared.acquire(START) == pytest.approx(PAUSE)


async def test_a_429_seen_by_one_engine_pauses_both(postgres_url: str) -> None:
    time = VirtualTime()
    flood = [RetryLater(PAUSE)]  # whichever engine sends to c40 first gets the 429
    senders = FakeSender(time, errors={"c40": flood}), FakeSender(time, errors={"c40": flood})
    await broadcast_by_two(postgres_url, senders, 150)

    assert not flood
    # every chat once, c40 again after the pause
    assert senders[0].delivered() + senders[1].delivered() == Counter(
        {f"c{i}": 1 for i in range(150)}
    )
    seen = next(s for s in senders if any(c.chat == "c40" and not c.ok for c in s.calls))
    other = senders[1 - senders.index(seen)]
    assert other.calls  # both engines were sending
    flooded_at = next(c.t for c in seen.calls if c.chat == "c40" and not c.ok)
    during = [
        c.t for s in senders for c in s.calls if flooded_at < c.t < flooded_at + PAUSE - 1e-6
    ]
    # the other process uses at most the slots it held (a fifth of a second's worth);
    # without the shared pause it would go on at the whole rate (about 75 sends)
    assert len(during) <= 5
