"""Announcements in the terminal chat: a secretary's broadcast sent once with a report, one
scheduled and cancelled before it goes, vendors' news to their followers within the daily limit,
refusals, forged buttons, and reading the send time."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

import pytest

from marketbot.app import App, background
from marketbot.clock import SystemClock
from marketbot.delivery import DeliveryEngine
from marketbot.neutral import Inbound
from marketbot.platforms.console import ConsoleSender
from marketbot.services.broadcasts import SendTimeError, parse_send_time
from marketbot.storage.broadcasts import BroadcastStore
from marketbot.texts import t
from tests.conftest import SHANGHAI, Chat

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI)  # the conftest clock
STALE = t("zh", "stale")


@asynccontextmanager
async def running(app: App, chat: Chat) -> AsyncIterator[DeliveryEngine]:
    senders = [ConsoleSender(chat.console)]
    config = app.core.services.config
    async with background(app, config, senders, pacing=SystemClock()) as engine:
        yield engine


async def _printed(chat: Chat, marker: str) -> str:
    """Everything printed, once ``marker`` appeared (or about six seconds passed)."""
    for _ in range(600):
        if marker in chat.text:
            break
        await asyncio.sleep(0.01)
    return chat.text


async def _forge(app: App, user: str, choice: str) -> str:
    """``user`` sends a button id that was never shown to them."""
    inbound = Inbound("console", user, user, choice=choice, display_name=user)
    return "\n".join(o.reply.text for o in await app.core.handle(inbound))


async def _users(chat: Chat, *names: str) -> None:
    for name in names:
        await chat.as_(name)
        await chat.send("/start")


async def test_broadcast_to_everyone_arrives_once_with_a_report(app: App, chat: Chat) -> None:
    await _users(chat, "tourist", "laowei", "guest")
    async with running(app, chat):
        await chat.as_("secretary")
        out = await chat.send("/broadcast")
        assert "请输入通知内容" in out
        out = await chat.send("明天北口修路，请走<南口>")
        assert "要配一张照片吗" in out
        out = await chat.press("不加照片")
        assert "所有用过机器人的人（4 人）" in out  # three people and the secretary
        out = await chat.press("所有用过机器人的人")
        assert "村委会通知" in out and "请走<南口>" in out
        assert "共 4 人" in out
        assert chat.mine()[0].reply.text.endswith("请走&lt;南口&gt;")  # escaped for Telegram
        chat.lines.clear()
        await chat.press("现在发送")
        text = await _printed(chat, "发送结果")
    for name in ("tourist", "laowei", "guest", "secretary"):
        assert text.count(f"📨 → {name}\n  │ 📣 村委会通知") == 1, text
    assert "开始发送，共 4 人" in text
    assert text.index("开始发送") < text.index("发送结果")  # the reply first, then the report
    report = text[text.index("发送结果") :]
    assert "发送完毕" in report and "送达：4" in report
    assert "请走<南口>" not in report
    out = await chat.send("/broadcasts")
    assert "#1" in out and "所有用过机器人的人" in out and "送达 4" in out
    assert "取消 #1" not in out  # nothing left to cancel


async def test_scheduled_broadcast_is_listed_and_cancelled_before_it_goes(
    app: App, chat: Chat
) -> None:
    await chat.as_("tourist")
    await chat.send("/subscribe")
    async with running(app, chat):
        await chat.as_("secretary")
        await chat.send("/broadcast")
        await chat.send("腊月初八集上发腊八粥")
        await chat.press("不加照片")
        out = await chat.press("订阅了")
        assert "共 1 人" in out
        out = await chat.press("定时发送")
        assert "什么时候发" in out
        out = await chat.send("下午")
        assert "没看懂这个时间" in out and "什么时候发" in out
        out = await chat.send("9:00")  # it is 10:00 now
        assert "已经过去了" in out and "12月1日 周二 10:00" in out
        out = await chat.send("2099-12-05 09:00")
        assert "2099年12月5日 周六 09:00 发给 1 人" in out
        out = await chat.send("/broadcasts")
        assert "定在 2099年12月5日 周六 09:00 发送" in out
        assert STALE in await _forge(app, "tourist", "bc:stop:1")  # not the author
        queued = await BroadcastStore(app.db).get(1)
        assert queued is not None and queued.status == "queued"
        await chat.send("/broadcasts")
        chat.lines.clear()
        out = await chat.press("取消 #1")
        assert "已取消" in out
        text = await _printed(chat, "发送已取消")
        assert "取消未发：1" in text
    assert "📨 → tourist" not in text
    broadcast = await BroadcastStore(app.db).get(1)
    assert broadcast is not None and broadcast.status == "cancelled"
    out = await chat.send("/broadcasts")
    assert "已取消：送达 0，未发 1" in out


async def test_vendor_messages_followers_once_a_day_unless_allowed_more(
    app: App, chat: Chat
) -> None:
    await chat.as_("laowei")
    await chat.send("/mystall")
    out = await chat.press("通知关注我的人")
    assert "还没有人关注" in out
    await chat.as_("tourist")
    out = await chat.send("/start stall_1")
    out = await chat.press("关注这个摊位")
    assert "已关注“老魏山货”" in out
    async with running(app, chat) as engine:
        await chat.as_("laowei")
        await chat.send("/mystall")
        out = await chat.press("通知关注我的人")
        assert "关注您摊位的 1 人" in out
        out = await chat.send("今天带了新下来的秋木耳")
        assert "老魏山货 的消息" in out and "秋木耳" in out and "共 1 人" in out
        chat.lines.clear()
        await chat.press("现在发送")
        await _printed(chat, "📨 → tourist")
        await asyncio.wait_for(engine.wait_idle(), 10)  # progress callbacks included
        text = chat.text
        assert text.count("📨 → tourist") == 1
        assert "老魏山货 的消息" in text
        assert "✅ 已发给关注您的 1 人。" in text  # the reply: a note, not a numbered broadcast
        # a note to followers, not a broadcast: no progress bar, no report, no "#3"
        assert "发送结果" not in text and "正在发送" not in text and "#" not in text
        await chat.send("/mystall")
        out = await chat.press("通知关注我的人")
        assert "今天已经发过了" in out and "最多发 1 次" in out
        await chat.as_("secretary")
        await chat.send("/broadcast")
        out = await chat.press("摊主每日通知次数")
        assert "最多给关注的人发 1 次" in out
        out = await chat.press("2 次")
        assert "最多给关注的人发 2 次" in out
        await chat.send("/cancel")
        await chat.as_("laowei")
        await chat.send("/mystall")
        out = await chat.press("通知关注我的人")
        assert "请输入内容" in out
        await chat.send("/cancel")
    await chat.as_("tourist")
    await chat.send("/start stall_1")
    out = await chat.press("取消关注")
    assert "已取消关注" in out
    assert await BroadcastStore(app.db).followers(1) == []


async def test_only_secretaries_broadcast(app: App, chat: Chat) -> None:
    for name in ("tourist", "laowei"):
        await chat.as_(name)
        out = await chat.send("/broadcast")
        assert "群发通知只有村书记能用" in out
        assert "只有村书记" in await chat.send("/broadcasts")
        user = (await app.store.users_by_platform_ids("console", [name]))[0]
        assert (await app.store.get_conversation(user.id)).state is None  # no flow started
        for forged in ("bc:aud:everyone", "bc:send", "bc:later", "bc:limit:3"):
            reply = await _forge(app, name, forged)
            assert "只有村书记" in reply, (forged, reply)
    assert await BroadcastStore(app.db).vendor_limit() == 1


async def test_forged_send_from_another_user_finds_no_draft(app: App, chat: Chat) -> None:
    await _users(chat, "tourist")
    await chat.as_("secretary")
    await chat.send("/broadcast")
    await chat.send("草稿")
    await chat.press("不加照片")
    await chat.press("所有用过机器人的人")
    user = (await app.store.users_by_platform_ids("console", ["tourist"]))[0]
    await app.store.set_secretary(user.id)  # even another secretary
    assert STALE in await _forge(app, "tourist", "bc:send")
    assert STALE in await _forge(app, "tourist", "bc:vsend")
    assert await BroadcastStore(app.db).recent(10) == []
    out = await chat.press("现在发送")  # the author's own draft is still there
    assert "发送服务没在运行" in out  # (no delivery engine in this test)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("18:30", datetime(2026, 12, 1, 18, 30, tzinfo=SHANGHAI)),
        ("18：30", datetime(2026, 12, 1, 18, 30, tzinfo=SHANGHAI)),
        ("明天 8:00", datetime(2026, 12, 2, 8, 0, tzinfo=SHANGHAI)),
        ("tomorrow 8:00", datetime(2026, 12, 2, 8, 0, tzinfo=SHANGHAI)),
        ("后天8点", datetime(2026, 12, 3, 8, 0, tzinfo=SHANGHAI)),
        ("12月5日 9:00", datetime(2026, 12, 5, 9, 0, tzinfo=SHANGHAI)),
        ("1月3日 9:00", datetime(2027, 1, 3, 9, 0, tzinfo=SHANGHAI)),
        ("2026-12-05 09:00", datetime(2026, 12, 5, 9, 0, tzinfo=SHANGHAI)),
        ("2026年12月5日 9:30", datetime(2026, 12, 5, 9, 30, tzinfo=SHANGHAI)),
    ],
)
def test_send_times_are_read_in_the_market_time_zone(typed: str, expected: datetime) -> None:
    assert parse_send_time(typed, NOW, "Asia/Shanghai") == expected


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("9:00", "past"),
        ("今天 10:00", "past"),
        ("2026-11-30 12:00", "past"),
        ("下午", "format"),
        ("25:00", "format"),
        ("2月30日 9:00", "format"),
        ("", "format"),
    ],
)
def test_unreadable_or_past_times_are_refused(typed: str, reason: str) -> None:
    with pytest.raises(SendTimeError) as caught:
        parse_send_time(typed, NOW, "Asia/Shanghai")
    assert caught.value.reason == reason


async def test_typing_skip_at_the_photo_step_means_no_photo(chat: Chat) -> None:
    await chat.as_("secretary")
    await chat.send("/broadcast")
    await chat.send("明天集市照常")
    out = await chat.send("跳过")
    assert "发给谁" in out


async def test_a_crash_before_the_send_commits_cannot_send_twice(
    app: App, chat: Chat, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Queueing the broadcast and leaving the preview commit together: a crash between them
    (here: saving the conversation fails) leaves nothing queued, and pressing 现在发送 again
    sends it once (it sent twice to everyone before)."""
    await _users(chat, "tourist", "laowei")
    async with running(app, chat):
        await chat.as_("secretary")
        await chat.send("/broadcast")
        await chat.send("明天北口修路")
        await chat.press("不加照片")
        await chat.press("所有用过机器人的人")
        store = app.store
        real_save = store.save_conversation

        async def crash(*args: object, **kwargs: object) -> None:
            raise OSError("power cut")

        monkeypatch.setattr(store, "save_conversation", crash)
        out = await chat.press("现在发送")
        assert "出了点问题" in out
        monkeypatch.setattr(store, "save_conversation", real_save)
        assert await store._all("SELECT id FROM broadcasts") == []
        chat.lines.clear()
        await chat.send("现在发送")  # the preview's buttons are still the ones open
        text = await _printed(chat, "发送结果")
    for name in ("tourist", "laowei", "secretary"):
        assert text.count(f"📨 → {name}\n  │ 📣 村委会通知") == 1, text
    assert len(await app.store._all("SELECT id FROM broadcasts")) == 1


async def test_a_report_not_shown_before_a_crash_is_shown_at_the_next_start(
    app: App, chat: Chat
) -> None:
    """Everyone got the announcement, then the process died before the secretary's report:
    the next start shows it (it was lost before)."""
    await _users(chat, "tourist")
    async with running(app, chat):
        await chat.as_("secretary")
        await chat.send("/broadcast")
        await chat.send("明天北口修路")
        await chat.press("不加照片")
        await chat.press("所有用过机器人的人")
        await chat.press("现在发送")
        await _printed(chat, "发送结果")
    # as if the process had died after the last message went out, before the report
    await app.db.conn.execute("UPDATE broadcasts SET status = 'queued'")
    chat.lines.clear()
    async with running(app, chat) as engine:
        text = await _printed(chat, "发送结果")
        await asyncio.wait_for(engine.wait_idle(), 10)
    assert chat.text.count("发送结果") == 1 and "送达：2" in text
    assert [b.status for b in await BroadcastStore(app.db).recent(5)] == ["done"]
