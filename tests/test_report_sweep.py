"""A broadcast's report whose claim was left by a killed process is shown by another process
within a minute of the claim running out (``BroadcastDesk.report_timer``), on both backends,
with a fixed clock; the takeover and the finished broadcast are logged as events."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import pytest

from marketbot.services.broadcasts import REPORT_CLAIM, REPORT_LEASE
from marketbot.storage.broadcasts import Audience, BroadcastStore
from marketbot.storage.leases import LeaseStore
from marketbot.storage.market_data import Conversation, Storage
from tests.test_broadcast_report_claim import (
    Process,
    _claimed_by_a_killed_process,
    _reports,
    _sent_broadcast,
    two,
)
from tests.test_delivery_engine import run_until_idle

__all__ = ["two"]  # the fixture, shared


def _events(caplog: pytest.LogCaptureFixture, name: str) -> list[dict[str, object]]:
    return [r.__dict__ for r in caplog.records if r.__dict__.get("event") == name]


async def test_the_sweep_shows_a_report_once_its_claim_ran_out(
    two: tuple[Process, Process], caplog: pytest.LogCaptureFixture
) -> None:
    first, second = two
    await _claimed_by_a_killed_process(first)
    clock = first.desk.clock
    assert await second.desk.sweep_reports() == 0  # the claim still holds
    assert _reports(first, second) == 0

    clock.advance(REPORT_LEASE + timedelta(seconds=1))
    with caplog.at_level(logging.INFO, logger="marketbot.services.broadcasts"):
        assert await second.desk.sweep_reports() == 1
    assert _reports(first, second) == 1
    (taken,) = _events(caplog, "lease.taken_over")
    assert (taken["lease"], taken["from_owner"]) == (f"{REPORT_CLAIM}1", "killed")
    (finished,) = _events(caplog, "broadcast.finished")
    assert (finished["id"], finished["audience"], finished["sent"], finished["failed"]) == (
        1,
        "everyone",
        3,
        0,
    )
    assert await first.desk.sweep_reports() == 0  # released: nothing left to look at
    assert _reports(first, second) == 1


async def test_a_claim_left_on_a_finished_broadcast_is_dropped(
    two: tuple[Process, Process],
) -> None:
    first, second = two
    broadcast_id, _ = await _sent_broadcast(first)
    progress = await first.desk.progress(broadcast_id)
    await BroadcastStore(first.db).finish(broadcast_id, progress, first.desk.clock.now())
    claim = f"{REPORT_CLAIM}{broadcast_id}"
    leases = LeaseStore(first.db)
    assert await leases.take(claim, "killed", first.desk.clock.now(), REPORT_LEASE)
    first.desk.clock.advance(REPORT_LEASE + timedelta(seconds=1))
    assert await second.desk.sweep_reports() == 1
    assert _reports(first, second) == 0  # finished already: nothing told again
    assert await second.desk.sweep_reports() == 0  # and the stale claim is gone
    assert not await leases.forget(claim)


async def test_the_timer_sweeps_without_a_callback_or_a_start(
    two: tuple[Process, Process],
) -> None:
    first, second = two
    await _claimed_by_a_killed_process(first)
    first.desk.clock.advance(REPORT_LEASE + timedelta(seconds=1))
    told = asyncio.Event()

    async def telling() -> None:
        told.set()

    second.sender.hooks[len(second.sender.calls) + 1] = telling
    async with second.desk.report_timer(every=0.01):
        await asyncio.wait_for(told.wait(), timeout=10)
    assert _reports(first, second) == 1


async def test_a_broadcast_started_and_finished_are_events_without_its_text(
    two: tuple[Process, Process], caplog: pytest.LogCaptureFixture
) -> None:
    first, _ = two
    now = first.desk.clock.now()
    store = Storage(first.db)
    people = [
        await store.upsert_user(
            platform="telegram",
            platform_user_id=chat,
            chat_id=chat,
            display_name="王大爷",
            platform_language="zh",
            now=now,
        )
        for chat in ("sec", "13800138000")
    ]
    for person in people:  # everyone who has written to the bot
        await store.save_conversation(person.id, Conversation(), now)
    author = people[0]
    broadcast = await BroadcastStore(first.db).create(
        author_id=author.id,
        stall_id=None,
        audience="everyone",
        text="明天停集",
        photo_id=None,
        recipients=2,
        send_at=None,
        now=now,
    )
    with caplog.at_level(logging.INFO, logger="marketbot.services.broadcasts"):
        await first.engine.start()
        await first.desk.start(broadcast, Audience("everyone"))
        await run_until_idle(first.engine)
        await asyncio.gather(*first.desk._showing)
    (started,) = _events(caplog, "broadcast.started")
    assert (started["id"], started["audience"], started["recipients"], started["send_at"]) == (
        broadcast.id,
        "everyone",
        2,
        None,
    )
    (finished,) = _events(caplog, "broadcast.finished")
    assert (finished["id"], finished["sent"], finished["unreachable"]) == (broadcast.id, 2, 0)
    logged = caplog.text + "".join(str(r.__dict__) for r in caplog.records)
    for private in ("明天停集", "13800138000", "王大爷"):
        assert private not in logged
