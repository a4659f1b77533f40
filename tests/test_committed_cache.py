"""What every market card asks (the schedule and its changed days, whether the visitor
subscribes, whether they own a stall) comes from memory while the database is watched, and
follows every write: this process's once committed (never another task's open transaction),
another process's once noticed."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import date

import pytest

from marketbot.app import App
from marketbot.calendar import CalendarOptions
from marketbot.config import Config
from marketbot.storage.market_data import NewStall
from marketbot.storage.reminders import ReminderStore
from marketbot.storage.schedules import ScheduleStore
from tests.telegram_harness import telegram_harness

VISITOR = 5151
CARD_READS = ("market_schedules", "market_day_changes", "subscriptions", "FROM stalls")


async def _user_id(app: App) -> int:
    return (await app.store.users_by_chat("telegram", str(VISITOR)))[0].id


async def test_a_second_market_card_reads_none_of_its_rows_again(app: App) -> None:
    await app.db.watch()
    statements: list[str] = []
    async with telegram_harness(app.core) as tg:
        await tg.say(VISITOR, "/start")
        await app.db.conn.set_trace_callback(statements.append)
        try:
            await tg.say(VISITOR, "/start")
        finally:
            await app.db.conn.set_trace_callback(None)
        assert "水磨头" in tg.api.last_text(VISITOR)
    assert statements
    assert not [sql for sql in statements if any(read in sql for read in CARD_READS)]


async def test_the_card_follows_a_subscription_and_a_new_stall(app: App) -> None:
    await app.db.watch()
    async with telegram_harness(app.core) as tg:
        await tg.say(VISITOR, "/start")
        labels = tg.api.last_labels(VISITOR)
        assert any("我要摆摊" in label for label in labels), labels
        subscribe = next(label for label in labels if "提醒" in label)
        await tg.press(VISITOR, subscribe)
        await tg.say(VISITOR, "/start")
        assert subscribe not in tg.api.last_labels(VISITOR)
        user = await _user_id(app)
        await app.store.submit_stall(
            owner_id=user,
            market_id=1,
            stall=NewStall("小王干货", "小王", "东泉村", None, ""),
            now=app.core.services.clock.now(),
        )
        await tg.say(VISITOR, "/start")
        assert not any("我要摆摊" in label for label in tg.api.last_labels(VISITOR))


async def test_a_schedule_and_its_days_are_read_again_after_a_change(app: App) -> None:
    await app.db.watch()
    schedules, now = ScheduleStore(app.db), app.core.services.clock.now()
    before = await schedules.get(1)
    since = date(2026, 12, 1)
    assert await schedules.changes(1, since=since) == {}
    await ScheduleStore(app.db).set(1, "逢五逢十", CalendarOptions(), by=1, now=now)
    after = await schedules.get(1)
    assert after is not None and after.phrase == "逢五逢十" and after != before
    await ScheduleStore(app.db).change_day(
        1, date(2026, 12, 5), moved_to=None, reason="下雪", by=1, now=now
    )
    assert list(await schedules.changes(1, since=since)) == [date(2026, 12, 5)]
    assert await ScheduleStore(app.db).restore_day(1, date(2026, 12, 5))
    assert await schedules.changes(1, since=since) == {}


async def test_the_held_days_follow_a_new_schedule_a_cancelled_and_a_restored_day(
    app: App,
) -> None:
    await app.db.watch()
    days, now = app.core.services.days, app.core.services.clock.now()
    market, today = (await app.store.markets())[0], date(2026, 12, 1)
    await ScheduleStore(app.db).set(1, "逢五逢十", CalendarOptions(), by=1, now=now)
    held = await days.held_days(market, today, 3)
    assert len(held) == 3 and await days.held_days(market, today, 3) == held  # from memory
    await ScheduleStore(app.db).change_day(1, held[0], moved_to=None, reason="下雪", by=1, now=now)
    assert (await days.held_days(market, today, 3))[:2] == held[1:]
    assert await ScheduleStore(app.db).restore_day(1, held[0])
    assert await days.held_days(market, today, 3) == held
    await ScheduleStore(app.db).set(1, "逢一", CalendarOptions(), by=1, now=now)
    other = await days.held_days(market, today, 3)
    assert len(other) == 3 and not set(other) & set(held)


async def test_a_read_inside_another_tasks_open_transaction_is_not_kept(app: App) -> None:
    """A reader on the shared connection sees the writer's uncommitted row; once that
    transaction rolls back, the row must not be answered from memory."""
    await app.db.watch()
    reminders, now = ReminderStore(app.db), app.core.services.clock.now()
    assert not await reminders.is_subscribed(1, 1)
    written, read = asyncio.Event(), asyncio.Event()

    async def writer() -> None:
        async with app.db.transaction():
            await reminders.subscribe(1, 1, now)
            written.set()
            await read.wait()
            raise RuntimeError("rolled back")

    task = asyncio.create_task(writer())
    await written.wait()
    await reminders.is_subscribed(1, 1)  # whatever it sees, it keeps nothing
    read.set()
    with pytest.raises(RuntimeError):
        await task
    assert not await reminders.is_subscribed(1, 1)


async def test_another_process_writing_is_seen(app: App, config: Config) -> None:
    await app.db.watch()
    reminders = ReminderStore(app.db)
    assert not await reminders.is_subscribed(1, 1)
    stall = await app.store.stall_of_owner(1)
    assert stall is not None and stall.name == "老魏山货"
    other = sqlite3.connect(config.database.path)
    try:
        other.execute(
            "INSERT INTO subscriptions (user_id, market_id, created_at) VALUES (1, 1, '2026')"
        )
        other.execute("UPDATE stalls SET name = '别处的摊' WHERE owner_id = 1")
        other.commit()
    finally:
        other.close()
    assert await app.db.check_external()
    assert await reminders.is_subscribed(1, 1)
    stall = await app.store.stall_of_owner(1)
    assert stall is not None and stall.name == "别处的摊"
