"""Natural answers at fixed steps, one shared list: what people type instead of pressing
跳过 or 确定.

* :func:`is_skip`: ``跳过``, ``没有``, ``没有照片``, ``不用了``, ``算了``, ``不要``, ``无`` …
  — at an optional step (a photo, a description) it means "nothing".
* :func:`is_confirm`: ``好的``, ``对``, ``行``, ``确定``, ``可以``, ``是的``, ``ok`` … — at a step
  that shows what will be done it means "yes, do it".

Punctuation, spaces, a trailing ``了``/``吧``/``啊`` and case are ignored: ``好的！``, ``行吧``,
``OK``. Nothing else is read as an answer: ``没有加糖`` is a description, not a skip.
"""

from __future__ import annotations

import unicodedata

__all__ = [
    "CONFIRM_WORDS",
    "GOODBYE_WORDS",
    "SKIP_WORDS",
    "THANKS_WORDS",
    "is_confirm",
    "is_goodbye",
    "is_skip",
    "is_thanks",
]

SKIP_WORDS: frozenset[str] = frozenset(
    {
        "跳过",
        "略过",
        "下一步",
        "没有",
        "没",
        "无",
        "没得",
        "没有照片",
        "没照片",
        "没有图片",
        "没有相片",
        "不拍",
        "不拍照",
        "没有介绍",
        "不用",
        "不用了",
        "不需要",
        "不要",
        "不要了",
        "算了",
        "不了",
        "没什么",
        "没啥",
        "没什么说的",
        "没啥说的",
        "不说了",
        "skip",
        "no",
        "none",
        "no photo",
        "nothing",
        "pass",
    }
)
"""Words that skip an optional step (compared after :func:`_fold`)."""

CONFIRM_WORDS: frozenset[str] = frozenset(
    {
        "好",
        "好的",
        "好滴",
        "好嘞",
        "对",
        "对的",
        "是",
        "是的",
        "行",
        "确定",
        "确认",
        "可以",
        "没问题",
        "没错",
        "中",
        "成",
        "嗯",
        "嗯嗯",
        "保存",
        "提交",
        "发送",
        "ok",
        "okay",
        "yes",
        "y",
        "sure",
        "confirm",
        "save",
    }
)
"""Words that confirm what a preview shows (compared after :func:`_fold`)."""

THANKS_WORDS: frozenset[str] = frozenset(
    {
        "谢谢",
        "谢谢你",
        "谢谢您",
        "谢谢啦",
        "多谢",
        "感谢",
        "太感谢",
        "谢了",
        "谢",
        "辛苦",
        "辛苦你",
        "辛苦您",
        "xiexie",
        "thanks",
        "thank you",
        "thank you very much",
        "thanks a lot",
        "thx",
        "ty",
        "many thanks",
    }
)
"""Words that thank (compared after :func:`_fold`)."""

GOODBYE_WORDS: frozenset[str] = frozenset(
    {
        "再见",
        "拜拜",
        "拜",
        "回见",
        "下次见",
        "走了",
        "我走了",
        "先走了",
        "bye",
        "bye bye",
        "goodbye",
        "see you",
        "see ya",
        "zaijian",
    }
)
"""Words that take leave (compared after :func:`_fold`)."""

_TAILS = "了吧啊呀哈嘛呗"


def _fold(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    kept = "".join(ch for ch in folded if ch.isalnum() or ch == " ")
    kept = " ".join(kept.split())
    return kept


def _matches(text: str, words: frozenset[str]) -> bool:
    folded = _fold(text)
    if not folded or len(folded) > 12:
        return False
    if folded in words:
        return True
    trimmed = folded.rstrip(_TAILS)
    return bool(trimmed) and trimmed in words


def is_skip(text: str) -> bool:
    """Whether ``text`` means "nothing / skip this" at an optional step."""
    return _matches(text, SKIP_WORDS)


def is_confirm(text: str) -> bool:
    """Whether ``text`` means "yes, do it" at a confirm step."""
    return _matches(text, CONFIRM_WORDS)


def is_thanks(text: str) -> bool:
    """Whether ``text`` only says thank you."""
    return _matches(text, THANKS_WORDS)


def is_goodbye(text: str) -> bool:
    """Whether ``text`` only says goodbye."""
    return _matches(text, GOODBYE_WORDS)
