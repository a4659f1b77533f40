"""A vendor says in words whether they come to the next market day (下次集市我不去了, 下次照常
来): taken as the attendance buttons' answer; from a visitor the same words are a question."""

from __future__ import annotations

import pytest

from handlers.following import said_coming
from tests.conftest import Chat


@pytest.mark.parametrize(
    ("text", "coming"),
    [
        ("下次集市我不去了", False),
        ("下次去不了", False),
        ("这次不来了！", False),
        ("下次照常来", True),
        ("下回我出摊", True),
        ("下次集市", None),
        ("下次集市什么时候", None),
        ("下次来买核桃", None),
    ],
)
def test_words_about_coming(text: str, coming: bool | None) -> None:
    assert said_coming(text) is coming


async def test_a_vendor_says_they_will_not_come(chat: Chat) -> None:
    await chat.as_("laowei")
    out = await chat.send("下次集市我不去了")
    assert "不来" in out and "12月4日" in out
    out = await chat.send("下次照常来")
    assert "会来" in out
    await chat.as_("tourist")
    out = await chat.send("下次集市我不去了")
    assert "记下了" not in out
