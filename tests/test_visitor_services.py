"""What tourists ask about the market that is no goods — bargaining, somewhere to eat or stay,
paying by WeChat in English — is answered as a question for the vendors, and a bare "确定" or
"好" outside any flow as small talk; none of it reaches the demand log as goods nobody sells."""

from __future__ import annotations

import pytest

from marketbot.app import App
from tests.conftest import Chat


@pytest.mark.parametrize(
    "typed", ["能便宜点吗", "附近有吃饭的地方吗", "有没有农家乐", "可以住宿吗", "这边有民宿吗"]
)
async def test_a_service_question_is_no_wish(app: App, chat: Chat, typed: str) -> None:
    await chat.as_("tourist")
    out = await chat.send(typed)
    assert "请到集上问摊主或村书记" in out and "没有人卖" not in out
    assert await chat.wishes_logged() == []


@pytest.mark.parametrize("typed", ["can I pay with wechat?", "is there a hotel nearby"])
async def test_a_service_question_in_english(app: App, chat: Chat, typed: str) -> None:
    await chat.as_("mike")
    out = await chat.send(typed)
    assert "for the vendors or the village secretary" in out
    assert await chat.wishes_logged() == []


@pytest.mark.parametrize("typed", ["确定", "好滴", "收到", "thanks bye"])
async def test_a_bare_yes_outside_a_flow_is_small_talk(app: App, chat: Chat, typed: str) -> None:
    await chat.as_("tourist")
    out = await chat.send(typed)
    assert "没有人卖" not in out and "nobody sells" not in out
    assert await chat.wishes_logged() == []


async def test_cheaper_goods_are_still_goods(chat: Chat) -> None:
    await chat.as_("tourist")
    assert "山木耳：45元/斤" in await chat.send("有没有便宜点的木耳")


@pytest.mark.parametrize("typed", ["我们下午三点到，还来得及吗", "几点关门"])
async def test_whether_it_is_still_open_is_a_time_question(chat: Chat, typed: str) -> None:
    assert "08:00–13:00" in await chat.visitor_says(typed)


async def test_we_is_no_goods_word(app: App, chat: Chat) -> None:
    await chat.as_("tourist")
    assert "小米：6元/斤" in await chat.send("我们想买小米")
    await chat.send("我们是研学团")
    assert not any("们" in wish for wish in await chat.wishes_logged())
