"""Leases on both backends (an SQLite file, then a PostgreSQL database): outbox rows claimed by
two delivery engines (two owners, as two processes) on one database, a killed owner's rows taken
over once their lease ran out and a live owner's never, and the named leader lease."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from marketbot.neutral import Reply
from marketbot.storage.db import Database
from marketbot.storage.leases import LeaseStore, process_owner
from marketbot.storage.outbox import LEASE, OutboxRow, OutboxStore
from tests.test_delivery_engine import FakeSender, FakeTime, chats, make_engine, run_until_idle

MINUTE = timedelta(seconds=60)


@pytest.fixture
async def two(backend_target: str) -> AsyncIterator[tuple[Database, Database]]:
    """Two connections to one database, as two processes have."""
    first = await Database.open(backend_target)
    second = await Database.open(backend_target)
    try:
        yield first, second
    finally:
        await first.close()
        await second.close()


async def _announce(db: Database, time: FakeTime, n: int) -> tuple[int, list[OutboxRow]]:
    """A broadcast to ``n`` chats written by another process, and its rows."""
    announcement, _ = await OutboxStore(db).create(
        kind="broadcast",
        reply=Reply("明天赶集"),
        recipients=chats("c", n),
        key=None,
        priority=0,
        not_before=None,
        platforms=["telegram"],
        now=time.clock.now(),
    )
    return announcement, await OutboxStore(db).pending_rows(announcement, "telegram", 0, n)


async def _states(db: Database, announcement: int) -> dict[str, str]:
    rows = await db.read_all(
        "SELECT chat_id, state FROM delivery_outbox WHERE announcement_id = ?", (announcement,)
    )
    return {str(row[0]): str(row[1]) for row in rows}


def test_the_process_owner_is_made_once() -> None:
    owner = process_owner()
    assert owner == process_owner() and len(owner.split(":")) == 3


async def test_two_engines_on_one_database_never_send_a_row_twice(
    two: tuple[Database, Database],
) -> None:
    time = FakeTime()
    senders = FakeSender(time), FakeSender(time)
    engines = [
        make_engine(db, time, sender, owner=name)
        for db, sender, name in zip(two, senders, ("A", "B"), strict=True)
    ]
    for engine in engines:
        await engine.start()
    announcement = await engines[0].enqueue("broadcast", Reply("明天赶集"), chats("c", 60))
    assert await engines[1].keep_leases() == 0  # adopts the announcement, takes no row
    await asyncio.gather(*(run_until_idle(engine) for engine in engines))
    for engine in engines:
        await engine.stop()

    received = senders[0].delivered() + senders[1].delivered()
    assert received == Counter({f"c{i}": 1 for i in range(60)})
    assert len(senders[0].calls) + len(senders[1].calls) == 60  # nobody was even tried twice
    assert all(sender.calls for sender in senders)  # both engines sent the announcement
    progress = await engines[0].progress(announcement)
    assert (progress.sent, progress.unconfirmed, progress.done) == (60, 0, True)


async def test_a_killed_owners_rows_are_taken_over_after_its_lease_a_live_owners_never(
    two: tuple[Database, Database],
) -> None:
    time = FakeTime()
    first, second = two
    sender = FakeSender(time)
    engine = make_engine(second, time, sender, owner="B")
    await engine.start()
    announcement, rows = await _announce(first, time, 6)
    killed, live = OutboxStore(first, "killed"), OutboxStore(first, "live")
    assert await killed.claim(rows[0].id, time.clock.now())
    assert await killed.claim(rows[1].id, time.clock.now())
    assert await live.claim(rows[2].id, time.clock.now())

    time.clock.advance(timedelta(seconds=30))
    assert await live.renew(time.clock.now()) == 1  # the live process renews; killed cannot
    assert await engine.keep_leases() == 0  # no lease ran out: nothing taken
    await run_until_idle(engine)  # …but the pending rows are adopted and sent
    assert sender.delivered() == Counter({"c3": 1, "c4": 1, "c5": 1})

    time.clock.advance(timedelta(seconds=31))  # killed's lease ran out, live's has 29 s left
    assert await engine.keep_leases() == 2
    states = await _states(first, announcement)
    assert [states[f"c{i}"] for i in range(3)] == ["unconfirmed", "unconfirmed", "sending"]
    # the killed process, had it come back, could not put its row back to be sent again
    later = time.clock.now()
    await killed.requeue(rows[0].id, later, attempts=1, next_attempt_at=None, error=None)
    assert (await _states(first, announcement))["c0"] == "unconfirmed"

    await live.settle(rows[2].id, "sent", time.clock.now(), attempts=1)
    await engine.keep_leases()  # the announcement ended in another process: finished here
    await run_until_idle(engine)
    progress = await engine.progress(announcement)
    assert (progress.sent, progress.unconfirmed, progress.done) == (4, 2, True)
    assert set(sender.delivered()) == {"c3", "c4", "c5"}
    await engine.stop()


async def test_at_start_only_rows_of_stopped_processes_are_recovered(
    two: tuple[Database, Database], backend_target: str
) -> None:
    time = FakeTime()
    first, second = two
    announcement, rows = await _announce(first, time, 3)
    mine, other = OutboxStore(second, "me"), OutboxStore(first, "other")
    assert await mine.claim(rows[0].id, time.clock.now())  # a previous engine of this process
    assert await other.claim(rows[1].id, time.clock.now())  # another process, alive
    assert await mine.recover(time.clock.now(), at_start=True) == (
        2 if backend_target.endswith(".db") else 1  # SQLite: one process per file
    )
    states = await _states(first, announcement)
    assert states["c0"] == "unconfirmed" and states["c2"] == "pending"
    assert states["c1"] == ("unconfirmed" if backend_target.endswith(".db") else "sending")


async def test_the_leases_of_rows_in_flight_are_renewed_only_by_their_owner(
    two: tuple[Database, Database],
) -> None:
    time = FakeTime()
    first, second = two
    _, rows = await _announce(first, time, 2)
    slow, other = OutboxStore(first, "slow"), OutboxStore(second, "other")
    assert await slow.mark_replies([rows[0].id], [], time.clock.now()) == {rows[0].id}
    time.clock.advance(LEASE - timedelta(seconds=1))
    assert await other.renew(time.clock.now()) == 0
    assert await slow.renew(time.clock.now()) == 1
    time.clock.advance(timedelta(seconds=30))
    assert await other.recover(time.clock.now()) == 0  # renewed: 29 s left
    time.clock.advance(LEASE)
    assert await other.recover(time.clock.now()) == 1


async def test_a_leader_lease_is_held_by_one_owner_until_released_or_expired(
    two: tuple[Database, Database],
) -> None:
    now = FakeTime().clock.now()
    a, b = LeaseStore(two[0]), LeaseStore(two[1])
    assert await a.holder("planner", now) is None
    assert await a.take("planner", "A", now, MINUTE)
    assert not await b.take("planner", "B", now + timedelta(seconds=59), MINUTE)
    assert await a.holder("planner", now) == "A"
    assert await a.take("planner", "A", now + timedelta(seconds=30), MINUTE)  # taking renews
    assert not await b.take("planner", "B", now + timedelta(seconds=61), MINUTE)
    assert await a.renew("planner", "A", now + timedelta(seconds=80), MINUTE)
    assert not await b.renew("planner", "B", now, MINUTE)
    # A is killed: nobody renews, the lease runs out and B takes it over
    later = now + timedelta(seconds=141)
    assert await b.holder("planner", later) is None
    assert await b.take("planner", "B", later, MINUTE)
    assert not await a.renew("planner", "A", later, MINUTE)  # A came back: it must stop
    assert not await a.release("planner", "A")
    assert await b.release("planner", "B")
    assert await a.take("planner", "A", later, MINUTE)  # released: free at once
    assert await b.take("other-work", "B", later, MINUTE)  # names are separate


async def test_two_owners_taking_a_lease_at_once_one_gets_it(
    two: tuple[Database, Database],
) -> None:
    now = FakeTime().clock.now()
    for round_ in range(5):
        name = f"planner-{round_}"
        won = await asyncio.gather(
            LeaseStore(two[0]).take(name, "A", now, MINUTE),
            LeaseStore(two[1]).take(name, "B", now, MINUTE),
        )
        assert sorted(won) == [False, True]
        assert await LeaseStore(two[0]).holder(name, now) == ("A" if won[0] else "B")
