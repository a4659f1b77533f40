"""A visitor asks for a stall by its name, or by its owner's (老魏山货有什么, 老魏的摊位在哪):
the stall's card, and nothing logged as goods nobody sells."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from marketbot.app import App
from tests.conftest import Chat


async def _wishes(app: App) -> list[str]:
    return [w for w, _ in await app.store.searches_since(datetime(2000, 1, 1, tzinfo=UTC))]


@pytest.mark.parametrize(
    "typed", ["老魏山货有什么", "老魏山货", "老魏的摊位在哪", "老魏家在哪摆摊"]
)
async def test_a_stall_asked_for_by_name_shows_its_card(app: App, chat: Chat, typed: str) -> None:
    await chat.as_("tourist")
    out = await chat.send(typed)
    assert "🧺 老魏山货" in out and "山木耳　45元/斤" in out
    assert "没有人卖" not in out
    assert await _wishes(app) == []


async def test_goods_named_with_a_stall_are_goods(app: App, chat: Chat) -> None:
    await chat.as_("tourist")
    out = await chat.send("杨婶家的黄精")
    assert "九蒸九晒黄精：120元/斤" in out


async def test_a_name_that_starts_several_stalls_offers_them(app: App, chat: Chat) -> None:
    await chat.as_("li")
    await chat.send("我叫老魏，魏家庄村的，卖木耳，电话13912345678")
    await chat.send("老魏木耳")
    await chat.press("跳过")
    await chat.press("提交")
    await chat.as_("secretary")
    await chat.send("待审核")
    await chat.press("老魏木耳")
    await chat.press("通过")
    await chat.as_("tourist")
    out = await chat.send("老魏的摊在哪")
    assert "哪个摊位" in out and "老魏山货" in out and "老魏木耳" in out
    assert "老魏木耳" in await chat.press("老魏木耳")


async def test_a_stall_not_shown_to_visitors_is_not_named(app: App, chat: Chat) -> None:
    await chat.as_("li")
    await chat.send("我叫李大姐，东泉村的，卖沙棘，电话13812345678")
    await chat.send("李大姐沙棘")
    await chat.press("跳过")
    await chat.press("提交")  # waits for approval: not visible
    await chat.as_("tourist")
    out = await chat.send("李大姐沙棘有什么")
    assert "🧺 李大姐沙棘" not in out
