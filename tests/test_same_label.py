"""A typed label that names several different buttons is never a guess: two vendors' "✅ 通过"
pushed to the secretary, and "通过" typed, asks which (by number where the platform shows
numbers); the number then presses the one meant."""

from __future__ import annotations

from marketbot.app import App
from marketbot.domain.model import StallStatus
from tests.conftest import Chat


async def _apply(chat: Chat, who: str, intro: str, stall: str) -> None:
    await chat.as_(who)
    await chat.send(intro)
    await chat.send(stall)
    await chat.press("跳过")
    await chat.press("提交")


async def _status(app: App, name: str) -> StallStatus:
    stall = await app.store.stall_by_name(1, name)
    assert stall is not None
    return stall.status


async def test_approve_typed_with_two_applications_asks_which(app: App, chat: Chat) -> None:
    await _apply(chat, "wang", "我叫王大爷，东泉村的，卖核桃，电话13912345678", "王大爷核桃")
    await _apply(chat, "zhang", "我是张婶，西沟村的，卖布鞋，手机13512345678", "张婶布鞋")
    await chat.as_("secretary")
    out = await chat.send("通过")
    assert "有 2 个“通过”" in out and "1、3" in out
    assert await _status(app, "王大爷核桃") is StallStatus.PENDING
    assert await _status(app, "张婶布鞋") is StallStatus.PENDING
    out = await chat.send("3")  # the numbers still mean what they meant
    assert "张婶布鞋" in out
    assert await _status(app, "张婶布鞋") is StallStatus.APPROVED
    assert await _status(app, "王大爷核桃") is StallStatus.PENDING


async def test_one_button_of_a_label_is_pressed_by_it(app: App, chat: Chat) -> None:
    await _apply(chat, "wang", "我叫王大爷，东泉村的，卖核桃，电话13912345678", "王大爷核桃")
    await chat.as_("secretary")
    await chat.send("通过")
    assert await _status(app, "王大爷核桃") is StallStatus.APPROVED
