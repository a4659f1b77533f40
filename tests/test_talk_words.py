"""The shared list of natural answers: skip words and confirm words."""

from __future__ import annotations

import pytest

from marketbot.domain.words import CONFIRM_WORDS, SKIP_WORDS, is_confirm, is_skip
from tests.conftest import Chat
from tests.test_console_flows import register
from tests.test_market_days import set_schedule


@pytest.mark.parametrize(
    "text", ["没有照片", "不用了", "没有", "算了", "跳过", "不要", " 没有！", "Skip"]
)
def test_skip_words(text: str) -> None:
    assert is_skip(text)
    assert not is_confirm(text)


@pytest.mark.parametrize(
    "text", ["好的", "对", "行", "确定", "可以", "好的！", "行吧", "OK", "是的"]
)
def test_confirm_words(text: str) -> None:
    assert is_confirm(text)
    assert not is_skip(text)


@pytest.mark.parametrize("text", ["没有加糖", "古法熬制", "好吃", "35元", "", "可以便宜点吗"])
def test_other_text_is_neither(text: str) -> None:
    assert not is_skip(text)
    assert not is_confirm(text)


def test_the_lists_do_not_overlap() -> None:
    assert not SKIP_WORDS & CONFIRM_WORDS


async def test_registration_takes_natural_answers(chat: Chat) -> None:
    await chat.as_("li")
    await chat.send("/register")
    for answer in ["李大姐沙棘", "李大姐", "东泉村"]:
        await chat.send(answer)
    out = await chat.send("不用了")  # the phone
    assert "介绍" in out
    out = await chat.send("没有")  # the intro
    assert "请核对" in out and "没有" not in out.split("请核对")[1].split("\n")[-1]
    out = await chat.send("好的")
    assert "等村书记审核" in out
    stall = await chat.app.store.stall_by_name(1, "李大姐沙棘")
    assert stall is not None and stall.intro == "" and stall.phone is None


async def test_a_typed_label_with_a_count_presses_its_button(chat: Chat) -> None:
    await register(chat, "li", "李大姐沙棘")
    await chat.as_("secretary")
    await chat.send("/broadcast")
    await chat.send("明天北口修路")
    await chat.send("不用了")
    assert "所有摊主（1 人）" in chat.text
    out = await chat.send("所有摊主")
    assert "共 1 人" in out
    out = await chat.send("到底发不发")
    assert "请点下面的按钮" in out


async def test_the_market_days_confirm_takes_ok(chat: Chat) -> None:
    out = await set_schedule(chat, "逢三六九")
    assert "确认" in out or "对吗" in out
    out = await chat.send("可以")
    assert "已保存" in out or "已设置" in out, out
