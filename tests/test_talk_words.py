"""The shared list of natural answers: skip words and confirm words."""

from __future__ import annotations

import pytest

from marketbot.domain.words import CONFIRM_WORDS, SKIP_WORDS, is_confirm, is_skip


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
