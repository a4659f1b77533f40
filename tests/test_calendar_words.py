"""A secretary on market morning says what the calendar should do in their own words: a rule
(逢二五八) sets it after a confirmation, a day with a cancel word (12月4号不开集) starts
cancelling that day; the same words from anyone else are not orders."""

from __future__ import annotations

import pytest

from marketbot.app import App
from tests.conftest import Chat


async def test_a_typed_rule_is_shown_for_confirming(chat: Chat) -> None:
    await chat.as_("secretary")
    out = await chat.send("逢二五八")
    assert "逢二、五、八" in out and "对吗" in out
    await chat.press("确定")
    await chat.as_("tourist")
    assert "逢二五八" in await chat.send("/next")


@pytest.mark.parametrize("said", ["12月4号不开集", "取消12月4日的集", "12月4日的集市取消了"])
async def test_a_day_off_in_words_starts_cancelling_it(chat: Chat, said: str) -> None:
    await chat.as_("secretary")
    out = await chat.send(said)
    assert "为什么取消" in out and "12月4日" in out
    out = await chat.send("天冷了")
    assert "天冷了" in out
    await chat.press("确认停集")
    await chat.as_("tourist")
    out = await chat.send("/next")
    assert "天冷了" in out or "停" in out


async def test_a_day_that_is_no_market_day_has_nothing_to_cancel(chat: Chat) -> None:
    await chat.as_("secretary")
    out = await chat.send("明天的集取消")  # 12月2日, 十月廿四: no market under 逢三六九
    assert "不是集日" in out and "点一个日子" in out


async def test_the_same_words_from_a_visitor_are_no_orders(chat: Chat) -> None:
    await chat.as_("tourist")
    assert "对吗" not in await chat.send("逢二五八")
    assert "为什么取消" not in await chat.send("12月4号不开集")
    assert "逢三六九" in await chat.send("/next")


@pytest.mark.parametrize("said", ["今天的集推迟到10点", "明天提前到7点开市", "今天早点散！"])
async def test_one_days_hours_in_words_become_an_announcement(chat: Chat, said: str) -> None:
    await chat.as_("tourist")
    await chat.send("/subscribe")
    await chat.as_("secretary")
    out = await chat.send(said)
    assert said.rstrip("！") in out and "照片" in out
    await chat.press("不加照片")
    out = await chat.press("订阅了")  # the market's subscribers
    assert said.rstrip("！") in out and "共 1 人" in out and "现在发送" in out  # the preview


async def test_a_visitor_asking_about_a_delay_is_shown_the_hours(app: App, chat: Chat) -> None:
    await chat.as_("tourist")
    out = await chat.send("今天推迟到10点开吗")
    assert "08:00" in out and "照片" not in out
    assert await chat.wishes_logged() == []


async def test_a_day_off_with_its_reason_in_one_message(chat: Chat) -> None:
    await chat.as_("secretary")  # 12月1日 (十月廿三) is a market day under 逢三六九
    out = await chat.send("今天下雨，集取消")
    assert "12月1日" in out and "原因：下雨" in out and "确认停集" in out


async def test_a_day_moved_in_words(chat: Chat) -> None:
    await chat.as_("secretary")
    out = await chat.send("12月4号的集改到12月5号")
    assert "12月5日" in out and "原因" in out  # the new day taken; the reason asked
    out = await chat.send("周末人多")
    assert "周末人多" in out


async def test_a_day_that_is_no_market_day_has_nothing_to_move(chat: Chat) -> None:
    await chat.as_("secretary")
    out = await chat.send("明天的集挪到后天")  # 12月2日, 十月廿四: no market under 逢三六九
    assert "不是集日" in out and "改期" in out
