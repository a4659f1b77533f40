"""A broadcast audience streamed into the outbox by SQL: chunks cover everyone exactly once,
one announcement per language and platform, the SQL language rule agrees with ``user_lang``,
known unreachable chats are skipped, a big audience's chunks and commit run off the event loop's
thread and roll back with a failing turn; and the set-based reminder plan is incremental, its
planned rows read in slices with the event loop running between."""

from __future__ import annotations

import asyncio
import contextvars
import threading
from datetime import date, timedelta
from typing import Any

import pytest

from marketbot.app import App
from marketbot.calendar import CalendarOptions
from marketbot.clock import FixedClock
from marketbot.delivery import DeliveryEngine
from marketbot.domain.model import StallStatus, user_lang
from marketbot.neutral import Reply
from marketbot.services import market_days
from marketbot.services.broadcasts import audience_count
from marketbot.services.market_days import HORIZON_DAYS
from marketbot.storage.broadcasts import Audience, BroadcastStore
from marketbot.storage.outbox import OutboxStore, StreamedPart
from marketbot.storage.reminders import SLICE

LANGS = [
    (None, None),
    ("en", None),
    (None, "en-GB"),
    (None, "zh-hans"),
    ("zh", "en"),
    (None, "fr"),
]


async def _people(app: App, clock: FixedClock, count: int) -> list[int]:
    ids = []
    for n in range(count):
        language, platform_language = LANGS[n % len(LANGS)]
        user = await app.store.upsert_user(
            platform="console",
            platform_user_id=f"p{n}",
            chat_id=f"p{n}",
            display_name=f"p{n}",
            platform_language=platform_language,
            now=clock.now(),
        )
        if language is not None:
            await app.store.set_language(user.id, language)
        await app.core.services.days.reminders.subscribe(user.id, 1, clock.now())
        ids.append(user.id)
    return ids


async def test_streamed_audience_reaches_everyone_once_by_language(
    app: App, clock: FixedClock
) -> None:
    ids = await _people(app, clock, 45)
    store = BroadcastStore(app.db)
    audience = Audience("market", 1)
    groups = await store.audience_groups(audience, None, "zh")
    users = {u.id: u for u in await store.audience_users(audience, None)}
    assert set(users) == set(ids)
    expected: dict[tuple[str, str], int] = {}
    for user in users.values():
        key = (user_lang(user, "zh"), user.platform)
        expected[key] = expected.get(key, 0) + 1
    assert groups == expected  # the SQL language rule is user_lang
    assert await store.audience_count(audience, None) == 45
    assert await store.audience_count(audience, ["telegram"]) == 0
    outbox = OutboxStore(app.db)
    async with app.db.transaction() as conn:
        await conn.execute(
            "INSERT INTO delivery_unreachable (platform, chat_id, since)"
            " VALUES ('console', 'p3', ?)",
            (clock.now().isoformat(),),
        )
    parts = [
        StreamedPart(lang, (platform,), Reply(lang), f"t:{lang}") for lang, platform in groups
    ]
    made = await outbox.create_streamed(
        kind="broadcast",
        parts=parts,
        selection=store.selection(audience, None, "zh"),
        priority=0,
        not_before=None,
        platforms=["console"],
        now=clock.now(),
        total=45,
        chunk=7,  # several chunks, and ids not aligned with them
    )
    assert all(created for _, created in made)
    counted = {}
    for (announcement_id, _), part in zip(made, parts, strict=True):
        counts = await outbox.counts(announcement_id)
        counted[(part.lang, part.platforms[0])] = sum(counts.values())
        if ("console", "unreachable") in counts:
            assert counts[("console", "unreachable")] == 1
    assert counted == expected
    again = await outbox.create_streamed(
        kind="broadcast",
        parts=parts,
        selection=store.selection(audience, None, "zh"),
        priority=0,
        not_before=None,
        platforms=["console"],
        now=clock.now(),
        total=45,
    )
    assert [aid for aid, _ in again] == [aid for aid, _ in made]
    assert not any(created for _, created in again)  # a key used before: nothing new


async def test_engine_streams_a_broadcast_inside_the_turn(app: App, clock: FixedClock) -> None:
    await _people(app, clock, 12)
    store = BroadcastStore(app.db)
    engine = DeliveryEngine(app.db, {}, app.core.services.config.delivery, clock)
    audience = Audience("market", 1)
    parts = [StreamedPart("zh", ("console",), Reply("x"), "k1")]

    async def failing_turn() -> None:
        async with app.db.transaction():
            await engine.enqueue_streamed(
                "broadcast", parts, store.selection(audience, None, "zh"), total=12
            )
            raise RuntimeError("the turn fails")

    with pytest.raises(RuntimeError):
        await failing_turn()
    async with app.db.conn.execute("SELECT count(*) FROM delivery_outbox") as cursor:
        row = await cursor.fetchone()
    assert row is not None
    assert row[0] == 0  # rolled back with the turn: nothing queued


async def _stream(app: App, clock: FixedClock, key: str, total: int) -> list[tuple[int, bool]]:
    store = BroadcastStore(app.db)
    return await OutboxStore(app.db).create_streamed(
        kind="broadcast",
        parts=[StreamedPart("zh", ("console",), Reply("x"), key)],
        selection=store.selection(Audience("market", 1), None, "zh"),
        priority=0,
        not_before=None,
        platforms=["console"],
        now=clock.now(),
        total=total,
        chunk=5,
    )


async def test_a_big_audience_is_written_and_committed_off_the_event_loop(
    app: App, clock: FixedClock
) -> None:
    await _people(app, clock, 12)
    loop_thread = threading.get_ident()
    writes: list[tuple[str, bool]] = []

    def traced(sql: str) -> None:
        if sql.startswith(("INSERT INTO delivery_outbox", "COMMIT")):
            writes.append((sql.split()[0], threading.get_ident() == loop_thread))

    await app.db.conn.set_trace_callback(traced)
    try:
        async with app.db.transaction():
            ((announcement_id, created),) = await _stream(app, clock, "big", total=12)
        assert created
        assert writes == [("INSERT", False)] * 3 + [("COMMIT", False)]  # chunks of 5 ids
        async with app.db.transaction():  # a small one: inline, the loop's connection again
            ((_, created),) = await _stream(app, clock, "small", total=5)
        assert created and writes[4:] == [("INSERT", True), ("COMMIT", True)]
    finally:
        await app.db.conn.set_trace_callback(None)
    chinese = await BroadcastStore(app.db).audience_groups(Audience("market", 1), None, "zh")
    assert (
        sum((await OutboxStore(app.db).counts(announcement_id)).values())
        == chinese[("zh", "console")]
    )


async def test_a_failure_after_chunks_written_in_a_thread_rolls_them_all_back(
    app: App, clock: FixedClock
) -> None:
    await _people(app, clock, 12)

    async def failing_turn() -> None:
        async with app.db.transaction():
            await _stream(app, clock, "big", total=12)
            raise RuntimeError("the turn fails")

    with pytest.raises(RuntimeError):
        await failing_turn()
    async with app.db.conn.execute(
        "SELECT (SELECT count(*) FROM delivery_outbox),"
        " (SELECT count(*) FROM delivery_announcements)"
    ) as cursor:
        row = await cursor.fetchone()
    assert row is not None and tuple(row) == (0, 0)


async def test_replan_writes_only_what_changed(app: App, clock: FixedClock) -> None:
    days = app.core.services.days
    await days.schedules.set(1, "逢三六九", CalendarOptions(), by=1, now=clock.now())
    await days.replan()
    first = await days.reminders.scheduled()
    assert first
    calls = []
    days.on_replanned.append(lambda: calls.append(1))
    await days.replan()
    assert calls == []  # nothing changed: nothing written, no rebuild
    assert await days.reminders.scheduled() == first
    await days.schedules.set(1, "逢一四七", CalendarOptions(), by=1, now=clock.now())
    await days.replan(1)
    assert calls == [1]
    after = await days.reminders.scheduled()
    assert after != first
    assert all(r.market_day not in {f.market_day for f in first} for r in after)
    clock.advance(timedelta(days=1))
    await days.replan()
    assert await days.reminders.scheduled()


async def test_a_countys_planned_reminders_are_written_and_read_in_slices(
    app: App, clock: FixedClock
) -> None:
    reminders, now = app.core.services.days.reminders, clock.now()
    count = 2 * SLICE + 1
    plan = [
        (1, date(2027, 1, 1) + timedelta(days=n), "evening", now + timedelta(days=n))
        for n in range(count)
    ]
    steps, running = 0, True

    async def other_task() -> None:
        nonlocal steps
        while running:
            steps += 1
            await asyncio.sleep(0)

    task = asyncio.create_task(other_task())
    await asyncio.sleep(0)
    before = steps
    async with app.db.transaction():  # as in a re-plan
        await reminders.apply_plan(plan, [], now)
    written, before = steps - before, steps
    async with app.db.transaction():
        planned = await reminders.planned_rows(now)
    read = steps - before
    running = False
    await task
    assert len(planned) == count
    assert written >= 2 and read >= 2  # the other task ran between the slices


async def test_the_coming_vendors_are_found_for_every_market_at_once(
    app: App, clock: FixedClock
) -> None:
    days = app.core.services.days
    store = BroadcastStore(app.db)
    await days.schedules.set(1, "每天", CalendarOptions(), by=1, now=clock.now())
    other = await app.store.create_market(
        name="二号集",
        place="东泉",
        opens="08:00",
        closes="12:00",
        timezone="Asia/Shanghai",
        now=clock.now(),
    )
    await days.schedules.set(other.id, "逢三六九", CalendarOptions(), by=1, now=clock.now())
    next_days = await days.next_days(clock.now())
    assert set(next_days) == {1, other.id}
    held = await days.held_days(await app.store.get_market(1), next_days[1], 1)
    assert next_days[1] == held[0]
    stalls, _ = await app.store.stalls(statuses=[StallStatus.APPROVED])
    owned = [s for s in stalls if s.owner_id is not None and s.market_id == 1]
    assert owned
    await days.reminders.set_attendance(owned[0].id, next_days[1], True, clock.now())
    await days.reminders.set_attendance(
        owned[-1].id, next_days[1] + timedelta(days=1), True, clock.now()
    )
    assert await audience_count(days, store, "coming", clock.now()) == 1
    assert await days.reminders.coming_to(next_days) == [owned[0].id]


async def test_a_countys_replan_lets_messages_in_between_its_slices(
    app: App, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every market's re-plan writes slice by slice, each in a transaction of its own: a
    person's message (a transaction of its own) is answered before the plan is written."""
    monkeypatch.setattr(market_days, "SLICE", 4)
    days = app.core.services.days
    await days.schedules.set(1, "每天", CalendarOptions(), by=1, now=clock.now())
    written: list[int] = []
    turn_began_after: list[int] = []
    apply_plan = days.reminders.apply_plan

    async def a_turn() -> None:
        async with app.db.transaction():
            turn_began_after.append(len(written))

    async def tracked(upserts: Any, obsolete: Any, now: Any) -> None:
        if not written:
            turns.append(asyncio.create_task(a_turn(), context=contextvars.Context()))
        written.append(len(upserts) + len(obsolete))
        await apply_plan(upserts, obsolete, now)

    turns: list[asyncio.Task[None]] = []
    monkeypatch.setattr(days.reminders, "apply_plan", tracked)
    await days.replan()
    await asyncio.gather(*turns)
    assert len(written) > 2 and all(n <= 4 for n in written)
    assert turn_began_after and turn_began_after[0] < len(written)
    assert len(await days.reminders.scheduled()) == sum(written)


async def test_a_market_replanned_during_a_countys_replan_keeps_its_newer_plan(
    app: App, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A secretary changes the schedule while every market's re-plan is being written: the
    market's own re-plan (newer) is what stays, not the county-wide one read before it."""
    monkeypatch.setattr(market_days, "SLICE", 4)
    days = app.core.services.days
    await days.schedules.set(1, "每天", CalendarOptions(), by=1, now=clock.now())
    apply_plan = days.reminders.apply_plan
    turns: list[asyncio.Task[None]] = []

    async def secretary() -> None:
        async with app.db.transaction():  # the secretary's turn
            await days.schedules.set(1, "逢三六九", CalendarOptions(), by=1, now=clock.now())
            await days.replan(1)

    async def tracked(upserts: Any, obsolete: Any, now: Any) -> None:
        if not turns:  # the county-wide plan was read; its first slice is being written
            turns.append(asyncio.create_task(secretary(), context=contextvars.Context()))
        await apply_plan(upserts, obsolete, now)

    monkeypatch.setattr(days.reminders, "apply_plan", tracked)
    await days.replan()
    await asyncio.gather(*turns)
    monkeypatch.setattr(days.reminders, "apply_plan", apply_plan)
    planned = {(r.market_day, r.kind) for r in await days.reminders.scheduled()}
    await days.replan()  # planned again from scratch: the same
    assert {(r.market_day, r.kind) for r in await days.reminders.scheduled()} == planned
    assert len(planned) < HORIZON_DAYS  # not every day: the 逢三六九 plan
