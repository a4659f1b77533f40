"""A broadcast's final report, claimed in the database, on both backends (an SQLite file, then a
PostgreSQL database): two desks (two processes) on one database both see the broadcast done and
the author gets one report; a claim left by a killed process holds until it runs out, then the
report is shown by the next start."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import pytest

from marketbot.config import Config
from marketbot.delivery import DeliveryEngine
from marketbot.neutral import Reply
from marketbot.services.broadcasts import REPORT_CLAIM, REPORT_LEASE, BroadcastDesk
from marketbot.storage.broadcasts import BroadcastStore
from marketbot.storage.db import Database
from marketbot.storage.leases import LeaseStore
from marketbot.storage.market_data import Storage
from marketbot.texts import t
from tests.test_delivery_engine import FakeSender, FakeTime, chats, make_engine, run_until_idle

REPORT = t("zh", "bc.report_title", id=1)


@dataclass
class Process:
    """What one bot process has: its connection, engine, desk and the sender it sends with."""

    db: Database
    engine: DeliveryEngine
    desk: BroadcastDesk
    sender: FakeSender


@pytest.fixture
async def two(backend_target: str) -> AsyncIterator[tuple[Process, Process]]:
    """Two processes on one database, each with a desk and an engine of its own owner."""
    time = FakeTime()
    made: list[Process] = []
    try:
        for owner in ("A", "B"):
            db = await Database.open(backend_target)
            sender = FakeSender(time)
            desk = BroadcastDesk(Storage(db), Config(), time.clock, [sender])
            engine = make_engine(db, time, sender, owner=owner, on_progress=desk.on_progress)
            desk.engine = engine
            made.append(Process(db, engine, desk, sender))
        yield made[0], made[1]
    finally:
        for process in made:
            await process.engine.stop()
            await process.db.close()


async def _sent_broadcast(process: Process) -> tuple[int, int]:
    """A secretary's broadcast to three chats, sent to the end; (its id, its announcement)."""
    now = process.desk.clock.now()
    author = await Storage(process.db).upsert_user(
        platform="telegram",
        platform_user_id="sec",
        chat_id="sec",
        display_name="书记",
        platform_language="zh",
        now=now,
    )
    broadcast = await BroadcastStore(process.db).create(
        author_id=author.id,
        stall_id=None,
        audience="everyone",
        text="明天赶集",
        photo_id=None,
        recipients=3,
        send_at=None,
        now=now,
    )
    engine = make_engine(process.db, FakeTime(), FakeSender(FakeTime()), owner="writer")
    await engine.start()
    announcement = await engine.enqueue("broadcast", Reply("明天赶集"), chats("c", 3))
    await BroadcastStore(process.db).add_part(announcement, broadcast.id)
    await run_until_idle(engine)
    await engine.stop()
    return broadcast.id, announcement


async def _told_done(process: Process, announcement: int) -> None:
    """The engine's callback of ``process``: the announcement is done."""
    progress = await process.engine.progress(announcement)
    assert progress.done
    await process.desk.on_progress(announcement, progress)


async def _claimed_by_a_killed_process(process: Process) -> int:
    """A broadcast sent to the end whose report a process claimed and was then killed; its
    announcement."""
    broadcast_id, announcement = await _sent_broadcast(process)
    claim = f"{REPORT_CLAIM}{broadcast_id}"
    now = process.desk.clock.now()
    assert await LeaseStore(process.db).take(claim, "killed", now, REPORT_LEASE)
    return announcement


def _reports(*processes: Process) -> int:
    return sum(
        1 for p in processes for call in p.sender.calls if call.reply.text.startswith(REPORT)
    )


async def test_two_processes_seeing_a_broadcast_done_tell_the_author_once(
    two: tuple[Process, Process],
) -> None:
    first, second = two
    broadcast_id, announcement = await _sent_broadcast(first)
    for _ in range(3):  # both engines call back, again and again, at once
        await asyncio.gather(*(_told_done(p, announcement) for p in two))
    assert _reports(first, second) == 1
    finished = await BroadcastStore(second.db).get(broadcast_id)
    assert finished is not None and finished.report is not None and finished.report.sent == 3
    # the claim was released once the report was recorded
    assert (
        await LeaseStore(first.db).holder(f"{REPORT_CLAIM}{broadcast_id}", first.desk.clock.now())
        is None
    )


async def test_a_killed_processes_claim_holds_until_it_runs_out(
    two: tuple[Process, Process],
) -> None:
    first, second = two
    announcement = await _claimed_by_a_killed_process(first)
    clock = first.desk.clock

    await _told_done(second, announcement)
    assert _reports(first, second) == 0  # the killed process might be telling the author

    clock.advance(REPORT_LEASE + timedelta(seconds=1))
    await _told_done(second, announcement)
    assert _reports(first, second) == 1  # the claim ran out: shown by another process
    await first.desk.recover()
    assert _reports(first, second) == 1


async def test_at_start_a_claim_left_in_an_sqlite_file_is_a_stopped_runs(
    two: tuple[Process, Process], backend_target: str
) -> None:
    first, second = two
    await _claimed_by_a_killed_process(first)
    clock = first.desk.clock
    await first.desk.recover()
    one_process = not backend_target.startswith("postgresql")
    # SQLite: one process per file, the claim is dropped; PostgreSQL: it may be a live process's
    assert _reports(first, second) == (1 if one_process else 0)
    clock.advance(REPORT_LEASE + timedelta(seconds=1))
    await second.desk.recover()
    assert _reports(first, second) == 1
