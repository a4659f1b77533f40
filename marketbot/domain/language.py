"""Whether a message is written in English: what a visitor's words tell when their platform says
nothing of their language (WeChat, the terminal and the web pages send no language code).

A message is English when it is not a command (``/help``), holds no Chinese character and at
least one of the common English words of :data:`ENGLISH_WORDS` (``hi``, ``do``, ``where``,
``price`` …). None of them reads as pinyin, so ``you mei you hetao`` or ``huangjing`` stays
Chinese, typed on a phone without a Chinese keyboard; a bare good (``honey``) says nothing
either way.

Usage::

    written_in_english("do you sell honey?")  # True
    written_in_english("you mei you hetao")   # False
"""

from __future__ import annotations

import re

__all__ = ["ENGLISH_WORDS", "written_in_english"]

_COMMON = """
    hi hello hey morning evening thanks thank please sorry bye goodbye help
    what what's whats where where's wheres when which who how why is was were do does did
    the this that these those there some any anything something everything
    have has sell sells selling sold buy want looking find get need
    price prices cost costs much many cheap expensive money
    market markets stall stalls vendor vendors opens close closes today tomorrow
    next day days week english could would should will with for from about
    i i'm my we our it it's
"""

ENGLISH_WORDS = frozenset(_COMMON.split())
"""Words common in English questions, none of which reads as pinyin (the test checks)."""

_CHINESE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


def written_in_english(text: str) -> bool:
    """Whether ``text`` is English by its words (see the module's docstring)."""
    if text.startswith("/") or _CHINESE.search(text):
        return False  # a command's name is no sign of its sender's language
    return any(word in ENGLISH_WORDS for word in _WORD.findall(text.casefold()))
