"""A command or a main-menu button named in words when its button is not on screen runs it (a
secretary's 发通知 starts an announcement) and is never logged as demand."""

from __future__ import annotations

import pytest

from marketbot.app import App
from tests.conftest import Chat


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("发通知", "请输入通知内容"),
        ("群发通知", "请输入通知内容"),
        ("我要群发通知！", "请输入通知内容"),
        ("书记管理", "书记"),
        ("待审核的摊主", "审核"),
        ("待审核", "审核"),  # half of the phrase, three characters
        ("send an announcement", "请输入通知内容"),
    ],
)
async def test_a_secretary_names_a_tool_in_words(
    app: App, chat: Chat, typed: str, expected: str
) -> None:
    await chat.as_("secretary")
    out = await chat.send(typed)
    assert expected in out, out
    assert "没有人卖" not in out
    assert await chat.wishes_logged() == []


@pytest.mark.parametrize("typed", ["发通知", "书记管理", "任命新书记"])
async def test_someone_else_naming_a_secretarys_tool_is_told_whom_it_is_for(
    app: App, chat: Chat, typed: str
) -> None:
    await chat.as_("tourist")
    out = await chat.send(typed)
    assert "只有村书记" in out and "请输入通知内容" not in out
    assert await chat.wishes_logged() == []


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("看摊位", "老魏山货"), ("我的摊位", "老魏山货"), ("stalls", "老魏山货")],
)
async def test_menu_buttons_typed_as_words(chat: Chat, typed: str, expected: str) -> None:
    await chat.as_("laowei")
    assert expected in await chat.send(typed)


async def test_goods_and_sentences_are_still_searched(app: App, chat: Chat) -> None:
    await chat.as_("secretary")
    assert "核桃" in await chat.send("核桃")
    out = await chat.send("明天集市照常，早上8点开始，欢迎大家来赶集！")
    assert "请输入通知内容" not in out
    out = await chat.send("通知")  # two of 群发通知's four characters: not named
    assert "请输入通知内容" not in out


@pytest.mark.parametrize("typed", ["下次谁来", "who's coming"])
async def test_who_is_coming_typed(app: App, chat: Chat, typed: str) -> None:
    await chat.as_("tourist")
    assert "还没有摊主报名" in await chat.send(typed)
    assert await chat.wishes_logged() == []


@pytest.mark.parametrize("typed", ["有哪些摊位", "这个集市有多少个摊位", "集上都有哪些摊位"])
async def test_asking_which_stalls_there_are_lists_them(app: App, chat: Chat, typed: str) -> None:
    await chat.as_("tourist")
    out = await chat.send(typed)
    assert "摊位（共 6 家）" in out and "老魏山货" in out
    assert await chat.wishes_logged() == []


@pytest.mark.parametrize("typed", ["保存", "✅ 通过", "提交", "跳过"])
async def test_a_buttons_word_typed_when_it_is_gone_is_no_search(chat: Chat, typed: str) -> None:
    assert "按钮" in await chat.visitor_says(typed)


async def test_a_command_with_its_answer_after_a_colon(app: App, chat: Chat) -> None:
    await chat.as_("secretary")
    out = await chat.send("发通知：明天北口修路，请走南口")
    assert "明天北口修路，请走南口" in out and "要配一张照片吗" in out
    await chat.as_("tourist")
    out = await chat.send("发通知：你好")
    assert "只有村书记" in out and "照片" not in out
    assert await chat.wishes_logged() == []


async def test_a_listing_after_a_label_and_a_colon(chat: Chat) -> None:
    await chat.as_("laowei")
    out = await chat.send("上架商品：蜂蜜 40元一斤")
    assert "请核对" in out and "\n蜂蜜\n" in out and "上架商品" not in out.split("请核对")[1]


async def test_a_vendor_typing_a_stall_buttons_word_is_led_to_the_stall(chat: Chat) -> None:
    await chat.as_("laowei")
    out = await chat.send("我要改电话")
    assert "按钮" in out and "我的摊位" in out
    out = await chat.press("我的摊位")
    assert "老魏山货" in out and "摊位信息" in out
