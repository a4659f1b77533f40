"""Several markets on one bot: a secretary adds one, visitors pick it, everything is scoped."""

from __future__ import annotations

from handlers.markets import parse_hours
from tests.conftest import Chat


async def _new_market(chat: Chat) -> None:
    await chat.as_("secretary")
    await chat.send("/start")
    await chat.press("书记管理")
    assert "新集市叫什么" in await chat.press("新建集市")
    await chat.send("东泉镇大集")
    await chat.send("东泉镇政府门前")
    out = await chat.send("7点到12点")
    assert "集市“东泉镇大集”建好了" in out


async def test_secretary_adds_a_market_and_visitors_pick_it(chat: Chat) -> None:
    await _new_market(chat)
    market = (await chat.app.store.markets())[1]
    assert (market.opens, market.closes) == ("07:00", "12:00")
    await chat.as_("tourist")
    out = await chat.send("/start")
    assert "水磨头村山货集" in out  # a new visitor starts at the first market
    await chat.press("换个集市")
    out = await chat.press("东泉镇大集")
    assert "东泉镇政府门前" in out and "07:00–12:00" in out
    assert "没有人卖" in await chat.send("木耳")  # the new market has no stalls yet
    await chat.send("/start")
    assert "还没有摊位" in await chat.press("看摊位")
    out = await chat.send("/start market_1")
    assert "水磨头村山货集" in out
    assert "山木耳" in await chat.send("木耳")


async def test_a_vendor_registers_at_the_market_they_look_at(chat: Chat) -> None:
    await _new_market(chat)
    await chat.as_("zhao")
    await chat.send("/start market_2")
    await chat.send("/register")
    for answer in ["赵家豆腐", "赵大哥", "东泉村", "跳过", "跳过", "提交"]:
        await chat.send(answer)
    stall = await chat.app.store.stall_by_name(2, "赵家豆腐")
    assert stall is not None


async def test_opening_hours_typed_every_way() -> None:
    assert parse_hours("08:00-13:00") == ("08:00", "13:00")
    assert parse_hours("8:00～13:30") == ("08:00", "13:30")
    assert parse_hours("8点到13点") == ("08:00", "13:00")
    assert parse_hours("13:00-8:00") is None
    assert parse_hours("明天") is None
    assert parse_hours("25:00-26:00") is None


async def test_hours_that_cannot_be_read_keep_the_question(chat: Chat) -> None:
    await chat.as_("secretary")
    await chat.send("/start")
    await chat.press("书记管理")
    await chat.press("新建集市")
    await chat.send("东泉镇大集")
    await chat.send("东泉镇政府门前")
    out = await chat.send("上午")
    assert "时间看不懂" in out and "几点开市" in out
    out = await chat.send("2")  # the 07:00–12:00 button
    assert "建好了" in out
