"""WeChat end to end, in safe mode over real HTTP on 127.0.0.1: the WeChat server simulator in
front of the bot (signing, encrypting, 5 s and retries, every reply checked) and the fake WeChat
API behind it (account types, quotas), with the real core, delivery engine and web app."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from marketbot.app import App
from marketbot.calendar import CalendarOptions
from marketbot.clock import FixedClock
from marketbot.config import Config
from marketbot.neutral import Reply
from tests.conftest import SHANGHAI
from tests.wechat_bench import (
    SECRETARY,
    VENDOR,
    VISITOR,
    SlowCore,
    bench_config,
    until,
    wait_state,
    wechat,
)
from tests.wechat_fake_api import PNG


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return bench_config(tmp_path)


async def test_a_visitor_follows_through_a_stall_qr_scene_and_sees_the_stall(
    app: App, config: Config
) -> None:
    stall = await app.store.stall_by_name(1, "老魏山货")
    assert stall is not None
    async with wechat(app, config, "service") as bench:
        reply = await bench.sim.follow(VISITOR, scene=f"stall_{stall.id}")
        assert reply is not None
        assert "老魏山货" in reply and "山木耳" in reply and "45元/斤" in reply
        # Already following: scanning another stall's code opens it too.
        other = await app.store.stall_by_name(1, "沙棘坡")
        assert other is not None
        reply = await bench.sim.event(VISITOR, "SCAN", f"stall_{other.id}")
        assert reply is not None and "沙棘坡" in reply
        # The menu was made from the command list at start.
        keys = [b.get("key") for b in bench.api.menus[0]]
        assert "CMD_search" in keys and "CMD_next" in keys
        reply = await bench.sim.event(VISITOR, "CLICK", "CMD_next")
        assert reply is not None and "集市" in reply  # /next, from the menu key


async def test_a_search_is_answered_with_prices(app: App, config: Config) -> None:
    async with wechat(app, config, "subscription") as bench:
        reply = await bench.sim.text(VISITOR, "木耳")
        assert reply is not None and "山木耳" in reply and "45元/斤" in reply
        assert bench.api.calls == []  # a subscription account never calls what it lacks


async def test_a_vendor_registers_lists_and_the_secretary_approves_on_wechat(
    app: App, config: Config
) -> None:
    async with wechat(app, config, "subscription") as bench:
        sim = bench.sim
        for line in ("/register", "李大姐沙棘", "李大姐", "东泉村", "13812345678"):
            await sim.text(VENDOR, line)
        reply = await sim.text(VENDOR, "古法熬制，不加糖")
        assert reply is not None and "请核对" in reply
        reply = await sim.press(VENDOR, "提交")
        assert reply is not None and "审核" in reply
        for line in ("/add", "沙棘膏"):
            await sim.text(VENDOR, line)
        await sim.press(VENDOR, "蜂产品")
        reply = await sim.text(VENDOR, "35元/瓶")
        if reply is None or "照片" not in reply:
            await sim.press(VENDOR, "跳过")
        # The photo is fetched from WeChat's PicUrl and stored once, as bytes.
        bench.api.pictures["shaji.png"] = PNG
        reply = await sim.image(VENDOR, f"{bench.api.url}/pic/shaji.png")
        if reply is None or "请核对" not in reply:
            reply = await sim.press(VENDOR, "跳过")
        assert reply is not None and "请核对" in reply
        reply = await sim.press(VENDOR, "保存")
        assert reply is not None and "35元/瓶" in reply
        stored = await app.store._all("SELECT data FROM photos")
        assert [bytes(row[0]) for row in stored if row[0] is not None] == [PNG]

        # The review notice waits (a subscription account cannot push) ...
        await wait_state(app, "held")
        # ... and comes with the secretary's next reply, with the one-time note on limits.
        reply = await sim.text(SECRETARY, "你好")
        assert reply is not None and "李大姐沙棘" in reply
        assert "订阅号" in reply
        reply = await sim.press(SECRETARY, "通过")
        assert reply is not None and "已通过" in reply
        # The note is told once.
        reply = await sim.text(SECRETARY, "/help")
        assert reply is not None and "订阅号" not in reply

        reply = await sim.text(VISITOR, "沙棘膏")
        assert reply is not None and "35元/瓶" in reply and "李大姐沙棘" in reply


EVENING = datetime(2026, 12, 3, 18, 59, tzinfo=SHANGHAI)  # market day 2026-12-04 (逢三六九)


async def _reminder_evening(app: App, clock: FixedClock) -> None:
    days = app.core.services.days
    clock.set(EVENING)
    await days.schedules.set(1, "逢三六九", CalendarOptions(), by=1, now=clock.now())


async def test_a_reminder_reaches_a_service_account_follower_as_a_template_message(
    app: App, config: Config, clock: FixedClock
) -> None:
    await _reminder_evening(app, clock)
    async with wechat(app, config, "service") as bench:
        reply = await bench.sim.text(VISITOR, "/subscribe")
        assert reply is not None and "会提醒您" in reply
        clock.advance(timedelta(minutes=1, seconds=5))
        await app.core.services.days.catch_up()
        await until(lambda: bench.api.templates, "a template message")
    message = bench.api.templates[0]
    assert message["touser"] == VISITOR and message["template_id"] == "TPL-reminder"
    values = [field["value"] for field in message["data"].values()]
    assert values[0] == "赶集提醒" and "明天" in values[1]
    assert all(len(value) <= 20 for value in values)


async def test_a_reminder_is_held_on_a_subscription_account_and_handed_over(
    app: App, config: Config, clock: FixedClock
) -> None:
    await _reminder_evening(app, clock)
    async with wechat(app, config, "subscription") as bench:
        await bench.sim.text(VISITOR, "/subscribe")
        clock.advance(timedelta(minutes=1, seconds=5))
        await app.core.services.days.catch_up()
        await wait_state(app, "held")
        reply = await bench.sim.text(VISITOR, "木耳")
        assert reply is not None and "山木耳" in reply and "明天是水磨头村山货集集日" in reply
        assert bench.api.calls == []


async def test_a_name_with_cdata_end_cannot_break_a_reply(app: App, config: Config) -> None:
    evil = "x]]><MsgType>image</MsgType>"
    async with wechat(app, config, "subscription") as bench:
        sim = bench.sim
        for line in ("/register", f"{evil}山货", "李大姐", "东泉村", "13812345678"):
            await sim.text(VENDOR, line)
        reply = await sim.text(VENDOR, "古法熬制，不加糖")
        # The simulator checked that the reply is one text message with only its fields;
        # the name comes back as that text and nothing else.
        assert reply is not None and "请核对" in reply
        assert f"{evil}山货" in reply


async def test_a_slow_turn_answers_success_then_a_customer_service_message(
    app: App, config: Config
) -> None:
    slow = SlowCore(app)
    async with wechat(app, config, "service", deadline=0.3, core=slow) as bench:
        slow.outbox = app.core.outbox  # type: ignore[assignment]
        reply = await bench.sim.text(VISITOR, "木耳")
        assert reply is None  # "success": no retry, no error bubble
        slow.gate.set()
        await until(lambda: bench.api.texts_to(VISITOR), "the late answer")
        assert "山木耳" in bench.api.texts_to(VISITOR)[0]
        assert slow.turns == 1


async def test_a_retry_while_the_first_still_runs_gets_the_first_answer(
    app: App, config: Config
) -> None:
    slow = SlowCore(app)
    async with wechat(app, config, "subscription", core=slow) as bench:
        sim = bench.sim
        query, body = sim.signed(sim.message_xml(VISITOR, "text", Content="木耳"))
        first = asyncio.create_task(sim.post(query, body))
        await until(lambda: slow.turns == 1, "the first turn")
        again = asyncio.create_task(sim.post(query, body))  # WeChat's retry: the same body
        await asyncio.sleep(0)
        slow.gate.set()
        answers = [sim.check(r, VISITOR, query) for r in await asyncio.gather(first, again)]
        assert answers[0] is not None and "山木耳" in answers[0]
        assert answers[0] == answers[1]
        assert slow.turns == 1
        assert bench.platform.callback.turns_started == 1


async def test_someone_who_unfollows_is_unreachable_and_keeps_subscriptions(
    app: App, config: Config
) -> None:
    async with wechat(app, config, "service") as bench:
        await bench.sim.text(VISITOR, "/subscribe")
        assert await bench.sim.event(VISITOR, "unsubscribe") is None
        outbox = app.core.outbox
        assert outbox is not None
        await outbox.enqueue(
            "broadcast", Reply("明天赶集"), [("wechat", VISITOR)], meaning={"broadcast": 1}
        )
        await wait_state(app, "unreachable")


async def test_on_a_service_account_the_review_notice_is_pushed_and_its_number_works(
    app: App, config: Config
) -> None:
    async with wechat(app, config, "service") as bench:
        sim = bench.sim
        await sim.text(SECRETARY, "/start")  # opens the 48-hour window
        for line in ("/register", "李大姐沙棘", "李大姐", "东泉村", "13812345678"):
            await sim.text(VENDOR, line)
        await sim.text(VENDOR, "古法熬制，不加糖")
        await sim.press(VENDOR, "提交")
        await until(lambda: bench.api.texts_to(SECRETARY), "the review notice")
        notice = bench.api.texts_to(SECRETARY)[0]
        assert "李大姐沙棘" in notice
        sim.last = notice  # what the secretary sees last: numbered on after the open choices
        reply = await sim.press(SECRETARY, "通过")
        assert reply is not None and "已通过" in reply
        # The vendor hears of it at once (a customer-service message: they wrote just now).
        await until(lambda: bench.api.texts_to(VENDOR), "the approval")
        assert "审核通过" in bench.api.texts_to(VENDOR)[0]


async def test_a_broadcast_on_a_service_account_is_sent_held_or_unreachable(
    app: App, config: Config
) -> None:
    async with wechat(app, config, "service") as bench:
        await bench.sim.text(VISITOR, "/start")  # wrote just now: within the window
        bench.api.followers.add(VENDOR)  # follows, has not written for days: no window
        await bench.sim.follow(SECRETARY)
        await bench.sim.event(SECRETARY, "unsubscribe")
        outbox = app.core.outbox
        assert outbox is not None
        await outbox.enqueue(
            "broadcast",
            Reply("本周六加开一场集"),
            [("wechat", VISITOR), ("wechat", VENDOR), ("wechat", SECRETARY)],
            meaning={"broadcast": 1},
        )

        async def settled() -> dict[str, str]:
            rows = await app.store._all(
                "SELECT chat_id, state FROM delivery_outbox WHERE platform = 'wechat'"
            )
            return {str(row[0]): str(row[1]) for row in rows}

        async with asyncio.timeout(10):
            while len(set((await settled()).values()) - {"pending", "sending"}) < 3:  # noqa: ASYNC110
                await asyncio.sleep(0.02)
        assert await settled() == {VISITOR: "sent", VENDOR: "held", SECRETARY: "unreachable"}
        assert bench.api.texts_to(VISITOR)[-1].startswith("本周六加开一场集")


async def test_a_message_delivered_again_after_a_restart_is_handled_once(
    app: App, config: Config
) -> None:
    """WeChat retries a message whose answer it did not get; after a crash the retry reaches a
    new process, which remembers nothing in memory: the turn is recorded with WeChat's id."""
    fields = {
        "ToUserName": "gh_market",
        "FromUserName": VISITOR,
        "CreateTime": "1764547200",
        "MsgType": "text",
        "Content": "/register",
        "MsgId": "7777",
    }
    async with wechat(app, config, "subscription") as bench:
        first = await bench.platform._turn(dict(fields))
    assert first is not None and "1/5" in first
    async with wechat(app, config, "subscription") as bench:  # the restarted process
        again = await bench.platform._turn(dict(fields))
    assert again is None  # answered "success": the flow did not run twice
    user = (await app.store.users_by_chat("wechat", VISITOR))[0]
    conv = await app.store.get_conversation(user.id)
    assert conv.state is not None and conv.state.endswith("name")
