"""A vendor says in words whether they come to the next market day or on a day they name
(下次集市我不去了, 下次照常来, 明天不来了, 周五出摊): taken as the attendance buttons' answer;
from a visitor the same words are a question."""

from __future__ import annotations

import pytest

from handlers.following import ComingWords, said_coming
from tests.conftest import Chat
from tests.test_console_flows import register


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("下次集市我不去了", ComingWords(False, None)),
        ("下次去不了", ComingWords(False, None)),
        ("这次不来了！", ComingWords(False, None)),
        ("下次照常来", ComingWords(True, None)),
        ("下回我出摊", ComingWords(True, None)),
        ("我明天不来了", ComingWords(False, "明天")),
        ("周五照常出摊", ComingWords(True, "周五")),
        ("12月7号的集我去不了", ComingWords(False, "12月7号")),
        ("下次集市", None),
        ("下次集市什么时候", None),
        ("下次来买核桃", None),
    ],
)
def test_words_about_coming(text: str, said: ComingWords | None) -> None:
    assert said_coming(text) == said


async def test_a_vendor_says_they_will_not_come(chat: Chat) -> None:
    await chat.as_("laowei")
    out = await chat.send("下次集市我不去了")
    assert "不来" in out and "12月4日" in out
    out = await chat.send("下次照常来")
    assert "会来" in out
    await chat.as_("tourist")
    out = await chat.send("下次集市我不去了")
    assert "记下了" not in out


async def test_a_vendor_names_the_day(chat: Chat) -> None:
    await chat.as_("laowei")  # 12月1日, a Tuesday; the market is 逢三六九 (lunar)
    out = await chat.send("我明天不来了")
    assert "明天没有集（12月2日 周三（十月廿四））" in out and "下次赶集：12月4日" in out
    out = await chat.send("周五不来了")
    assert "您 12月4日 周五（十月廿六） 不来" in out
    out = await chat.send("12月7号照常来")
    assert "您 12月7日 周一（十月廿九） 会来" in out
    out = await chat.send("马上来")  # no day: not about coming
    assert "会来" not in out


async def test_a_vendor_awaiting_approval_is_told_so(chat: Chat) -> None:
    await register(chat, "li", "李大姐沙棘")
    out = await chat.send("我明天不来")
    assert "还在等村书记审核" in out and "没有人卖" not in out
    assert await chat.wishes_logged() == []
