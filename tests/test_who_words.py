"""Who comes, asked in words: 谁来了 and its kin list the stalls that said they come to that
market day; 老魏来了吗 says whether that stall said it comes; a vendor's bare 我去 answers the
evening question; 我的东西 is one's own stall. None of it is searched or logged as demand."""

from __future__ import annotations

from datetime import timedelta

import pytest

from handlers.who_words import _STALL_COMES, _WHO_CAME, _WHO_COMES
from marketbot.app import App
from marketbot.clock import FixedClock
from tests.conftest import Chat


@pytest.mark.parametrize(
    "typed",
    [
        "谁来了",
        "下次都有谁",
        "集上有哪些摊位来",
        "哪几家会来",
        "来了几家",
        "周五谁出摊",
        "who is coming",
        "Which stalls are coming?",
    ],
)
async def test_who_comes_lists_the_stalls_that_said_so(
    app: App, chat: Chat, clock: FixedClock, typed: str
) -> None:
    # 12月1日 at 10:00, a market day (逢三六九, lunar 廿三) going on; the next is 12月4日, a Friday
    clock.set(clock.now() + timedelta(hours=4))  # today's has closed: the next one is asked
    await chat.as_("laowei")
    await chat.send("下次照常来")
    await chat.as_("tourist")
    out = await chat.send(typed)
    assert ("老魏山货" in out and "12月4日" in out) or "Fri 4 Dec" in out, out
    assert "杨婶黄精坊" not in out  # said nothing: not listed
    assert await chat.wishes_logged() == []


async def test_who_comes_on_a_day_without_market_says_when_the_next_one_is(
    app: App, chat: Chat
) -> None:
    await chat.as_("tourist")
    out = await chat.send("明天谁来")
    assert "明天没有集" in out and "下次赶集：12月4日" in out
    assert await chat.wishes_logged() == []


@pytest.mark.parametrize(
    ("said", "typed", "expected"),
    [
        ("下次照常来", "老魏来了吗", "老魏山货 说 12月4日 周五（十月廿六） 会来"),
        ("下次不来了", "魏大爷来不来", "老魏山货 说 12月4日 周五（十月廿六） 不来"),
        (None, "老魏山货周五在不在", "老魏山货 还没说 12月4日"),
        ("下次照常来", "老魏下次来不来", "老魏山货 说 12月4日 周五（十月廿六） 会来"),
        ("下次照常来", "is 老魏 coming", "老魏山货 说 12月4日 周五（十月廿六） 会来"),
    ],
)
async def test_whether_one_stall_comes(
    app: App, chat: Chat, clock: FixedClock, said: str | None, typed: str, expected: str
) -> None:
    clock.set(clock.now() + timedelta(hours=4))  # today's market has closed
    await chat.as_("laowei")
    if said is not None:
        await chat.send(said)
    await chat.as_("tourist")
    out = await chat.send(typed)
    assert expected in out, out
    assert await chat.wishes_logged() == []


async def test_goods_that_come_are_still_searched(chat: Chat) -> None:
    await chat.as_("tourist")
    out = await chat.send("核桃来了吗")  # no stall is called 核桃: a wish for walnuts
    assert "核桃" in out and "15元/斤" in out


@pytest.mark.parametrize("typed", ["核桃来了吗", "谁", "集上来了", "来了", "什么时候来"])
def test_not_a_question_of_who(typed: str) -> None:
    assert not (_WHO_COMES.match(typed) or _WHO_CAME.match(typed))


def test_a_question_word_is_no_stall_name() -> None:
    found = _STALL_COMES.match("谁家来了")
    assert found is None or "谁" in found["who"]


async def test_a_vendors_bare_yes_answers_the_evening_question(app: App, chat: Chat) -> None:
    await chat.as_("laowei")
    out = await chat.send("我去")
    assert "您 12月4日 周五（十月廿六） 会来" in out
    await chat.as_("tourist")
    out = await chat.send("我去")  # a visitor's 我去 is no attendance
    assert "会来" not in out


@pytest.mark.parametrize("typed", ["我的东西", "我卖的东西", "看看我的摊", "my goods"])
async def test_ones_own_stall_in_words(app: App, chat: Chat, typed: str) -> None:
    await chat.as_("laowei")
    out = await chat.send(typed)
    assert "魏大爷" in out and "老魏山货" in out, out
    await chat.as_("tourist")
    out = await chat.send(typed)
    assert "还没有摊位" in out or "don't have a stall" in out, out
    assert await chat.wishes_logged() == []


async def test_during_the_market_who_is_here_is_todays(app: App, chat: Chat) -> None:
    await chat.as_("tourist")  # 10:00 on a market day (08:00–13:00)
    out = await chat.send("谁来了")
    assert "12月1日" in out and "还没有摊主报名" in out
    out = await chat.send("下次谁来")  # the next one not opened yet
    assert "12月4日" in out
