"""Market-day reminders with a fixed clock: planned rows, sent once through the delivery engine,
resumed after a restart, dropped once the market has opened; attendance and who is coming."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

import pytest
from apscheduler.schedulers.base import STATE_RUNNING

from marketbot.app import App, background, open_app
from marketbot.calendar import CalendarOptions
from marketbot.clock import FixedClock, SystemClock
from marketbot.config import Config
from marketbot.platforms.console import ConsoleSender
from marketbot.services import jobs
from marketbot.services.jobs import ReminderScheduler
from tests.conftest import SHANGHAI, Chat

EVENING = datetime(2026, 12, 3, 18, 59, tzinfo=SHANGHAI)  # market day 2026-12-04 (逢三六九)


@asynccontextmanager
async def running(app: App, chat: Chat) -> AsyncIterator[None]:
    senders = [ConsoleSender(chat.console)]
    async with background(app, app.core.services.config, senders, pacing=SystemClock()):
        yield


async def _setup(app: App, clock: FixedClock) -> None:
    days = app.core.services.days
    await days.schedules.set(1, "逢三六九", CalendarOptions(), by=1, now=clock.now())


async def _deliveries(app: App, chat: Chat, expect: int = 0) -> str:
    """What the terminal printed once ``expect`` deliveries arrived (or a moment passed)."""
    for _ in range(600 if expect else 100):
        if expect and chat.text.count("📨 →") >= expect:
            break
        await asyncio.sleep(0.01)
    return chat.text


async def test_evening_reminder_once_naming_coming_vendors(
    app: App, chat: Chat, clock: FixedClock
) -> None:
    clock.set(EVENING)
    await _setup(app, clock)
    async with running(app, chat):
        await chat.as_("tourist")
        out = await chat.send("/subscribe")
        assert "会提醒您" in out
        await chat.as_("laowei")
        await chat.send("/mystall")
        out = await chat.press("下次集市去不去")
        assert "12月4日" in out
        out = await chat.press("我去")
        assert "会来" in out
        chat.lines.clear()
        clock.advance(timedelta(minutes=1, seconds=5))
        await app.core.services.days.catch_up()
        text = await _deliveries(app, chat, expect=2)
    assert "📨 → tourist" in text
    assert "明天是水磨头村山货集集日" in text
    assert "会来的摊位：老魏山货" in text
    assert "📨 → laowei" in text and "您明天来摆摊吗" in text
    sent = [
        r
        for r in await app.core.services.days.reminders.scheduled()
        if r.market_day.isoformat() == "2026-12-04" and r.kind == "evening"
    ]
    assert sent == []  # no longer scheduled: sent


async def test_no_duplicate_after_restart_or_a_second_run(
    config: Config, clock: FixedClock
) -> None:
    clock.set(EVENING)
    async with open_app(config, clock) as app:
        chat = Chat(app, "tourist")
        await _setup(app, clock)
        async with running(app, chat):
            await chat.send("/subscribe")
            clock.advance(timedelta(minutes=2))
            await app.core.services.days.catch_up()
            first = await _deliveries(app, chat, expect=2)
            assert first.count("明天是") == 2  # the subscriber and the demo vendor laowei
            chat.lines.clear()
            await app.core.services.days.catch_up()  # a second run finds nothing to send
            assert "明天是" not in await _deliveries(app, chat)
    async with open_app(config, clock) as app:  # restart between firing and later
        chat = Chat(app, "tourist")
        async with running(app, chat):
            assert "明天是" not in await _deliveries(app, chat)


async def test_restart_between_planning_and_firing_sends_it(
    config: Config, clock: FixedClock
) -> None:
    clock.set(EVENING)
    async with open_app(config, clock) as app:
        chat = Chat(app, "tourist")
        await _setup(app, clock)
        async with running(app, chat):
            await chat.send("/subscribe")
            assert await app.core.services.days.reminders.scheduled()
    clock.set(datetime(2026, 12, 4, 7, 30, tzinfo=SHANGHAI))  # down all night, back at 07:30
    async with open_app(config, clock) as app:
        chat = Chat(app, "tourist")
        async with running(app, chat):
            text = await _deliveries(app, chat, expect=1)
    assert text.count("今天是水磨头村山货集集日") == 1
    assert "明天是" not in text  # the evening one is superseded, not sent late as well


async def test_missed_reminder_dropped_once_the_market_opened(
    config: Config, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    clock.set(EVENING)
    async with open_app(config, clock) as app:
        chat = Chat(app, "tourist")
        await _setup(app, clock)
        async with running(app, chat):
            await chat.send("/subscribe")
    clock.set(datetime(2026, 12, 4, 8, 30, tzinfo=SHANGHAI))
    caplog.set_level(logging.WARNING)
    async with open_app(config, clock) as app:
        chat = Chat(app, "tourist")
        async with running(app, chat):
            text = await _deliveries(app, chat)
    assert "集日" not in text
    assert "dropped" in caplog.text


async def test_cancelling_a_day_tells_subscribers_and_coming_vendors(
    app: App, chat: Chat, clock: FixedClock
) -> None:
    clock.set(EVENING - timedelta(hours=6))
    await _setup(app, clock)
    async with running(app, chat):
        await chat.as_("tourist")
        await chat.send("/subscribe")
        await chat.as_("laowei")
        await chat.send("/mystall")
        await chat.press("下次集市去不去")
        await chat.press("我去")
        await chat.as_("secretary")
        await chat.send("/schedule")
        await chat.press("12月4日")
        await chat.press("取消这天")
        out = await chat.send("下大雨")
        assert "通知 2 人" in out and "已通知" not in out  # a preview: nobody told yet
        assert not chat.to("tourist") and not chat.to("laowei")
        out = await chat.press("确认停集")
        assert "已通知 2 人" in out
        text = await _deliveries(app, chat, expect=2)
        assert "📨 → tourist" in text and "取消" in text and "下大雨" in text
        assert "📨 → laowei" in text
    planned = await app.core.services.days.reminders.scheduled()
    assert all(r.market_day.isoformat() != "2026-12-04" for r in planned)


async def test_attendance_closes_when_the_market_opens(
    app: App, chat: Chat, clock: FixedClock
) -> None:
    clock.set(EVENING)
    await _setup(app, clock)
    await chat.as_("laowei")
    await chat.send("/mystall")
    await chat.press("下次集市去不去")
    await chat.press("我去")
    await chat.as_("tourist")
    out = await chat.send("/next")
    out = await chat.press("下次谁来")
    assert "老魏山货" in out and "山木耳" in out
    clock.set(datetime(2026, 12, 4, 8, 1, tzinfo=SHANGHAI))
    await chat.as_("laowei")
    out = await chat.send("2")  # "不去" on the old buttons, after opening
    assert "已经开市" in out
    assert (
        await app.core.services.days.reminders.attendance(1, EVENING.date() + timedelta(days=1))
        is True
    )


async def test_sold_out_on_the_day(app: App, chat: Chat) -> None:
    await chat.as_("laowei")
    out = await chat.send("卖完了")
    assert "哪样卖完了" in out
    out = await chat.press("核桃")
    assert "已售完" in out
    await chat.send("卖完了")
    out = await chat.press("全部卖完了")
    assert "都标成" in out
    products = await app.store.products_of_stall(1)
    assert not any(p.in_stock for p in products)
    await chat.as_("tourist")
    assert "哪样卖完了" not in await chat.send("卖完了")  # visitors just search


async def test_reminder_times_are_settable_and_replanned(
    app: App, chat: Chat, clock: FixedClock
) -> None:
    clock.set(EVENING - timedelta(hours=6))
    await _setup(app, clock)
    days = app.core.services.days
    await days.replan()
    await chat.as_("secretary")
    await chat.send("/reminders")
    await chat.press("晚上 20:00")
    out = await chat.press("早上不提醒")
    assert "20:00" in out and "不提醒" in out
    planned = await days.reminders.scheduled()
    assert planned and all(r.kind == "evening" for r in planned)
    first = min(planned, key=lambda r: r.due_at)
    assert first.due_at == datetime(2026, 12, 3, 20, 0, tzinfo=SHANGHAI)
    await chat.as_("tourist")
    assert "只有村书记" in await chat.send("/reminders")


async def test_scheduler_jobs_are_rebuilt_from_the_rows(app: App, clock: FixedClock) -> None:
    clock.set(EVENING - timedelta(hours=6))
    await _setup(app, clock)
    days = app.core.services.days
    scheduler = ReminderScheduler(days, clock)
    await scheduler.start()
    try:
        ids = {job.id for job in scheduler.scheduler.get_jobs()}
        planned = await days.reminders.scheduled()
        assert ids == {"replan"} | {f"reminder:{r.id}" for r in planned}
        await days.schedules.change_day(
            1,
            EVENING.date() + timedelta(days=1),
            moved_to=None,
            reason="雨",
            by=1,
            now=clock.now(),
        )
        await days.replan()
        await scheduler.rebuild()
        after = {job.id for job in scheduler.scheduler.get_jobs()}
        assert len(after) == len(ids) - 2
    finally:
        await scheduler.stop()


async def test_scheduler_jobs_are_placed_in_slices_the_loop_running_between(
    app: App, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A county's thousands of jobs never hold the event loop: with slices of no time at all,
    another task gets a turn after every job, and every job is placed."""
    clock.set(EVENING - timedelta(hours=6))
    await _setup(app, clock)
    days = app.core.services.days
    await days.replan()
    planned = await days.reminders.scheduled()
    assert len(planned) >= 2
    monkeypatch.setattr(jobs, "_SLICE_SECONDS", 0.0)
    scheduler = ReminderScheduler(days, clock)
    scheduler.scheduler.start()
    turns, placing = 0, True

    async def other_task() -> None:
        nonlocal turns
        while placing:
            turns += 1
            await asyncio.sleep(0)

    counting = asyncio.create_task(other_task())
    try:
        await scheduler.rebuild()
        placing = False
        await counting
        ids = {job.id for job in scheduler.scheduler.get_jobs()}
        assert ids == {f"reminder:{r.id}" for r in planned}
        assert turns >= len(planned)
        assert scheduler.scheduler.state == STATE_RUNNING  # paused while placing, not after
    finally:
        await scheduler.stop()


async def test_evening_reminder_lists_goods_new_since_the_last_market(
    app: App, chat: Chat, clock: FixedClock
) -> None:
    clock.set(EVENING)
    await _setup(app, clock)
    async with running(app, chat):
        await chat.as_("laowei")
        await chat.send("/add")
        for line in ["松蘑", "山珍", "70", "斤", "跳过", "跳过", "保存"]:
            await chat.send(line)
        await chat.as_("tourist")
        await chat.send("/subscribe")
        clock.advance(timedelta(minutes=2))
        await app.core.services.days.catch_up()
        text = await _deliveries(app, chat, expect=2)
    assert "新上架：松蘑（老魏山货）" in text
    assert "山木耳（老魏山货）" not in text  # the demo's goods were there last time


async def test_a_missed_evening_reminder_is_not_sent_on_the_market_day(
    config: Config, clock: FixedClock
) -> None:
    """Started at 06:58 on the market day: the evening reminder ("明天是集日") is dropped, and
    the morning one ("今天") is the only one sent."""
    clock.set(EVENING)
    async with open_app(config, clock) as app:
        chat = Chat(app, "tourist")
        await _setup(app, clock)
        async with running(app, chat):
            await chat.send("/subscribe")
    clock.set(datetime(2026, 12, 4, 6, 58, tzinfo=SHANGHAI))
    async with open_app(config, clock) as app:
        chat = Chat(app, "tourist")
        async with running(app, chat):
            early = await _deliveries(app, chat)
            assert "明天" not in early
            clock.set(datetime(2026, 12, 4, 7, 0, tzinfo=SHANGHAI))
            for reminder in await app.core.services.days.due():
                await app.core.services.days.fire(reminder.id)
            text = await _deliveries(app, chat, expect=1)
    assert text.count("📨 →") == 1 and "今天" in text and "明天" not in text


async def test_stopping_lets_a_running_job_end_first(app: App, clock: FixedClock) -> None:
    """A reminder being queued when the bot stops is finished, not cut off."""
    scheduler = ReminderScheduler(app.core.services.days, clock)
    await scheduler.start()
    started, release, ended = asyncio.Event(), asyncio.Event(), asyncio.Event()

    async def slow() -> None:
        started.set()
        await release.wait()
        ended.set()

    scheduler.scheduler.add_job(scheduler._job, "date", args=[slow], id="slow")
    await started.wait()
    stopping = asyncio.create_task(scheduler.stop())
    await asyncio.sleep(0)
    assert not stopping.done()  # waiting for the job
    release.set()
    await stopping
    assert ended.is_set()
