"""Visitors: the demo market comes with its market days, the first card shows the next one, a
code for a missing market says so."""

from __future__ import annotations

from datetime import datetime

import pytest

from marketbot.app import App
from marketbot.clock import FixedClock
from tests.conftest import SHANGHAI, Chat
from tests.fake_bot_api import FakeBotApi
from tests.telegram_harness import telegram_harness


async def test_the_demo_market_comes_with_market_days(chat: Chat) -> None:
    await chat.as_("tourist")
    out = await chat.send("下次集市什么时候")
    assert "还没有设置集市日期" not in out
    assert "逢三六九" in out and "12月4日 周五（十月廿六）" in out


async def test_the_first_card_shows_the_next_market_day(chat: Chat, clock: FixedClock) -> None:
    await chat.as_("tourist")
    out = await chat.send("/start")  # 12月1日 is 十月廿三: a market day
    assert "今天就是集日" in out and "12月4日 周五（十月廿六）" in out
    clock.set(datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI))
    out = await chat.send("/start")
    assert "📅 下次赶集：12月4日 周五（十月廿六）" in out


async def test_a_code_for_a_missing_market_says_so(chat: Chat) -> None:
    await chat.as_("tourist")
    out = await chat.send("/start market_99")
    assert "找不到" in out
    out = await chat.send("/start market_1")
    assert "找不到" not in out


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("周六有集吗", "12月5日 周六（十月廿七）没有集。\n📅 下次赶集：12月7日 周一（十月廿九）"),
        ("初六赶集吗？", "✅ 12月14日 周一（冬月初六）是集日，08:00–13:00。"),
        ("12月9号有没有集", "12月9日 周三（冬月初一）没有集。\n📅 下次赶集：12月11日 周五"),
        ("下周三是集日吗", "12月9日 周三（冬月初一）没有集。"),
        ("请问后天有集吗", "后天没有集（12月3日 周四（十月廿五））。"),
    ],
)
async def test_is_there_a_market_on_a_day_named_any_way(
    chat: Chat, typed: str, answer: str
) -> None:
    await chat.as_("tourist")  # 12月1日, a Tuesday, is 十月廿三: a market day (逢三六九)
    assert answer in await chat.send(typed)
    assert "没有人卖" not in await chat.send(typed)  # a question, not a wish


async def test_is_there_a_market_on_a_weekday_in_english(chat: Chat) -> None:
    await chat.as_("tourist")
    await chat.send("/lang")
    await chat.press("English")
    out = await chat.send("Is there a market on Friday?")
    assert "✅ Fri 4 Dec (lunar 10-26) is a market day, 08:00–13:00." in out


async def test_dates_in_chat_are_written_as_people_write_them(chat: Chat) -> None:
    await chat.as_("tourist")
    out = await chat.send("/next")
    assert "2026-12-04" not in out and "12月4日 周五" in out


async def test_is_there_a_market_tomorrow(chat: Chat, clock: FixedClock) -> None:
    await chat.as_("tourist")
    out = await chat.send("明天有集吗")  # 12月2日 is 十月廿四: no market
    assert "明天没有集（12月2日 周三（十月廿四））" in out
    assert "下次赶集：12月4日 周五（十月廿六）" in out
    out = await chat.send("今天有集吗？")
    assert "今天是集日：12月1日 周二（十月廿三），08:00–13:00" in out
    clock.set(datetime(2026, 12, 3, 10, 0, tzinfo=SHANGHAI))
    out = await chat.send("明天有没有集")
    assert "明天是集日：12月4日 周五（十月廿六）" in out
    await chat.send("/lang")
    await chat.press("English")
    out = await chat.send("is there a market tomorrow?")
    assert "Tomorrow is a market day: Fri 4 Dec (lunar 10-26)" in out


async def test_subscribe_shows_the_state_with_on_and_off(chat: Chat) -> None:
    await chat.as_("tourist")
    out = await chat.send("/subscribe")
    assert "会提醒您" in out and "✓ 开" in out
    out = await chat.send("/subscribe")  # twice: still on, shown with 开 / 关
    assert "开着" in out and "✓ 开" in out
    out = await chat.press("关")
    assert "不再提醒" in out and "✓ 关" in out
    assert not await chat.app.core.services.days.reminders.is_subscribed(
        (await chat.app.store.users_by_platform_ids("console", ["tourist"]))[0].id, 1
    )
    out = await chat.press("开")
    assert "会提醒您" in out


async def test_english_replies_name_the_goods_in_english(chat: Chat) -> None:
    await chat.as_("tourist")
    await chat.send("/lang")
    await chat.press("English")
    stall = await chat.app.store.stall_by_name(1, "王家荆条编")
    assert stall is not None
    out = await chat.send(f"/start stall_{stall.id}")
    assert "荆条筐 wicker basket" in out
    stall = await chat.app.store.stall_by_name(1, "杨婶黄精坊")
    assert stall is not None
    out = await chat.send(f"/start stall_{stall.id}")
    assert out.count("jin = 500 g") == 1  # the unit explained once


async def test_a_visitor_on_telegram(app: App) -> None:
    api = FakeBotApi()
    async with telegram_harness(app.core, api=api) as tg:
        await tg.say(5, "/start")
        assert "今天就是集日" in api.last_text(5)
        await tg.say(5, "明天有集吗")
        assert "明天没有集" in api.last_text(5)
        await tg.say(5, "/subscribe")
        await tg.say(5, "/subscribe")
        assert "<b>开</b>着" in api.last_text(5)
        await tg.press(5, "关")
        assert "不再提醒" in api.last_text(5)
        await tg.say(5, "/start market_99")
        assert any("找不到" in text for text in api.sent_texts(5))
