"""A visitor whose platform sends no language (WeChat, the terminal, the web) and who writes in
English is answered in English from then on; pinyin and bare goods words change nothing."""

from __future__ import annotations

import pytest

from marketbot.domain.language import ENGLISH_WORDS, written_in_english
from marketbot.search.pinyin import syllables
from tests.conftest import Chat


def _reads_as_pinyin(word: str) -> bool:
    known, letters = syllables(), word.replace("'", "")
    ends = {0}
    for end in range(1, len(letters) + 1):
        if any(start in ends and letters[start:end] in known for start in range(end)):
            ends.add(end)
    return len(letters) in ends


def test_no_english_evidence_word_reads_as_pinyin() -> None:
    assert [w for w in sorted(ENGLISH_WORDS) if _reads_as_pinyin(w)] == []
    assert _reads_as_pinyin("you") and _reads_as_pinyin("time")  # why they are not in the list


@pytest.mark.parametrize(
    "text", ["hi", "Do you sell honey?", "where is the market", "how much are walnuts", "thanks!"]
)
def test_english(text: str) -> None:
    assert written_in_english(text)


@pytest.mark.parametrize(
    "text",
    ["honey", "huangjing", "you mei you hetao", "hetao duoshao qian", "有honey吗", "123", "/help"],
)
def test_not_english(text: str) -> None:
    assert not written_in_english(text)


async def test_an_english_visitor_is_answered_in_english_from_then_on(chat: Chat) -> None:
    await chat.as_("tourist")
    assert "您好" in await chat.send("/start")  # nothing known yet: the market's language
    out = await chat.send("hi, do you sell honey?")
    assert "荆条蜜" in out and "jin" in out
    out = await chat.press("荆条蜜")  # a button after it: still English
    assert "Stall" in out or "stall" in out or "jin" in out
    assert "斤" not in out.replace("荆条蜜", "")


async def test_pinyin_and_a_chosen_language_stay(chat: Chat) -> None:
    await chat.as_("villager")
    out = await chat.send("you mei you hetao")
    assert "核桃" in out and "元/斤" in out
    await chat.as_("chooser")
    await chat.send("/lang")
    await chat.press("中文")
    out = await chat.send("do you sell walnuts")
    assert "元/斤" in out
