"""Text normalization shared by the catalogue and the queries.

Both sides go through :func:`normalize_text` (full-width → half-width, Traditional →
Simplified, lower case), so ``棗``, ``ＨＯＮＧＺＡＯ`` and ``红枣`` meet. :func:`name_key` is the
form product names are grouped and matched under; :func:`latin_words` and :func:`singular`
prepare English and pinyin.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

__all__ = [
    "has_han",
    "is_han",
    "latin_words",
    "name_key",
    "normalize_text",
    "singular",
    "strip_tone_marks",
    "to_simplified",
]

_T2S = opencc.OpenCC("t2s")
_HAN = re.compile(
    "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef\U00030000-\U0003134f]"
)
_LATIN_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+")


def is_han(char: str) -> bool:
    """Whether ``char`` (one character) is a Chinese character."""
    if "\u4e00" <= char <= "\u9fff":
        return True
    return char > "\u33ff" and _HAN.fullmatch(char) is not None


def has_han(text: str) -> bool:
    """Whether ``text`` holds at least one Chinese character."""
    return _HAN.search(text) is not None


def to_simplified(text: str) -> str:
    """``text`` with Traditional characters converted to Simplified ones."""
    simplified: str = _T2S.convert(text)
    return simplified


@lru_cache(maxsize=4096)
def normalize_text(text: str) -> str:
    """Half-width, Simplified, lower-case ``text``; spacing and punctuation are kept."""
    return to_simplified(unicodedata.normalize("NFKC", text)).lower()


def name_key(text: str) -> str:
    """The form a product name is matched under: normalized, letters and digits only."""
    return "".join(char for char in normalize_text(text) if char.isalnum())


def strip_tone_marks(text: str) -> str:
    """``hóngzǎo`` → ``hongzao``; ``ü`` becomes ``v`` as typed on a keyboard."""
    decomposed = unicodedata.normalize("NFKD", text.replace("ü", "v").replace("Ü", "v"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


_CONTRACTED = {"n't": ("not",), "'m": ("am",), "'re": ("are",), "'ll": ("will",), "'ve": ("have",)}
"""English contractions, written out (``i'm`` → ``i am``, ``don't`` → ``do not``)."""
_IS_BEFORE = frozenset({"what", "where", "who", "how", "when", "there", "here", "it", "that"})
"""Words whose ``'s`` is "is" (``what's``); after any other it marks a possessive (``lion's``)."""


def _written_out(word: str) -> list[str]:
    if word.endswith("'s"):
        base = word[:-2]
        return [base, "is"] if base in _IS_BEFORE else [base]
    for ending, words in _CONTRACTED.items():
        if word.endswith(ending):
            base = word[: -len(ending)]
            return [{"ca": "can", "wo": "will"}.get(base, base), *words]
    return [word.replace("'", "")]


def latin_words(text: str) -> list[str]:
    """The words and numbers of a Latin-script query, without tone marks; contractions written
    out and possessives without their ``'s`` (``what's`` → what is, ``lion's`` → lion), so that
    a query and the tables read them alike."""
    words = _LATIN_WORD.findall(strip_tone_marks(text).lower())
    return [part for word in words for part in (_written_out(word) if "'" in word else [word])]


def singular(word: str) -> str:
    """A naive English singular (``jujubes`` → ``jujube``, ``berries`` → ``berry``).

    Applied to the table and to queries alike, so it only has to be consistent.
    """
    if len(word) <= 3 or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "sses")) or (word.endswith("oes") and len(word) > 5):
        return word[:-2]  # potatoes, peaches; but shoes, toes, hoes
    if word.endswith("s"):
        return word[:-1]
    return word
