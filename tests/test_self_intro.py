"""An older vendor introduces themselves in one message instead of answering five questions
(我叫王大爷，东泉村的，卖核桃，电话139…): registration asks only what that left open."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketbot.app import App
from marketbot.domain.self_intro import SelfIntro, read_self_intro
from tests.conftest import Chat


def test_an_introduction_in_one_message() -> None:
    said = read_self_intro("我叫王大爷，东泉村的，卖核桃木耳，电话139 1234 5678，自家树上打的")
    assert said == SelfIntro(
        vendor_name="王大爷",
        village="东泉村",
        phone="13912345678",
        goods="核桃木耳",
        intro="自家树上打的",
    )
    assert said.suggested_stall_name() == "王大爷核桃木耳"
    said = read_self_intro("我是东泉村的王大爷 13912345678")
    assert said is not None and (said.vendor_name, said.village) == ("王大爷", "东泉村")
    said = read_self_intro("摊位叫老王山货，我是王建国，水磨头村")
    assert said is not None and said.stall_name == "老王山货" and said.phone is None


@pytest.mark.parametrize(
    "text", ["王大爷山货", "东泉村老王核桃", "我叫李秀兰", "13912345678", "沙棘坡 李建国"]
)
def test_a_stall_name_or_one_answer_is_no_introduction(text: str) -> None:
    assert read_self_intro(text) is None


_HAN = st.text(alphabet="王李张秀兰建国大爷婶明华", min_size=2, max_size=3)
_PLACE = st.text(alphabet="东西泉水磨头魏家段", min_size=1, max_size=3)


@given(
    name=_HAN,
    place=_PLACE,
    phone=st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
    order=st.permutations(["name", "village", "phone"]),
    sep=st.sampled_from(["，", " ", "、", "。", ", "]),
)
def test_the_three_answers_in_any_order(
    name: str, place: str, phone: str, order: list[str], sep: str
) -> None:
    parts = {"name": f"我叫{name}", "village": f"{place}村的", "phone": f"电话{phone}"}
    said = read_self_intro(sep.join(parts[key] for key in order))
    assert said is not None
    assert (said.vendor_name, said.village, said.phone) == (name, place + "村", phone)


async def test_registration_asks_only_what_the_introduction_left_open(
    app: App, chat: Chat
) -> None:
    await chat.as_("oldwang")
    await chat.send("我要摆摊")
    out = await chat.send("我叫王大爷，东泉村的，卖核桃，电话13912345678")
    assert "记下了" in out and "王大爷" in out and "摊位起个名字" in out
    out = await chat.press("王大爷核桃")  # the suggested name
    assert "介绍" in out  # the one thing left open, skippable
    out = await chat.press("跳过")
    assert "请核对" in out and "东泉村" in out and "13912345678" in out
    await chat.press("提交")
    stall = await app.store.stall_by_name(1, "王大爷核桃")
    assert stall is not None and (stall.vendor_name, stall.village) == ("王大爷", "东泉村")


async def test_what_was_not_said_is_still_asked(chat: Chat) -> None:
    await chat.as_("li")
    await chat.send("/register")
    out = await chat.send("李秀兰，东泉村")  # no phone: asked, and skippable
    assert "摊位起个名字" in out
    out = await chat.send("李大姐沙棘")
    assert "电话" in out
    await chat.press("跳过")
    assert "介绍" in chat.text


async def test_an_introduction_as_the_first_message_starts_the_registration(
    app: App, chat: Chat
) -> None:
    await chat.as_("oldwang")
    out = await chat.send("我叫王大爷，东泉村的，卖核桃，电话13912345678")  # no 我要摆摊 first
    assert "登记摊位" in out and "记下了" in out and "摊位起个名字" in out
    assert "没有人卖" not in out
    await chat.press("王大爷核桃")
    await chat.press("跳过")
    await chat.press("提交")
    stall = await app.store.stall_by_name(1, "王大爷核桃")
    assert stall is not None and stall.phone == "13912345678"


async def test_who_says_neither_goods_nor_phone_or_has_a_stall_is_not_registered(
    chat: Chat,
) -> None:
    await chat.as_("visitor")
    out = await chat.send("我是东泉村的王大爷")  # who they are, nothing about selling
    assert "摊位起个名字" not in out
    await chat.as_("laowei")  # has a stall already
    out = await chat.send("我叫老魏，东泉村的，卖核桃，电话13912345678")
    assert "摊位起个名字" not in out
