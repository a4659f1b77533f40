"""Cleaning what people type for names, descriptions and phone numbers.

:func:`clean_line` (names: one line) and :func:`clean_text` (descriptions, intros: several lines)
return the cleaned text or raise :class:`TextError` whose ``reason`` (and ``limit``) lets the chat
answer in the user's language. Cleaning: Unicode NFC; full-width Latin letters and digits become
ASCII (Chinese full-width punctuation stays); control and invisible format characters are dropped;
runs of spaces collapse to one. Markup and SQL are ordinary text here — they are escaped when
rendered and passed as parameters when stored — so ``<b>x</b>`` is kept as typed.

Lengths are counted in Unicode code points after cleaning.

:func:`clean_phone` normalizes a Chinese mobile (``13812345678``) or landline (``0354-5123456``)
number.

Usage::

    name = clean_line(text, max_len=STALL_NAME_MAX)   # raises TextError
    phone = clean_phone("+86 138-1234-5678")          # "13812345678"
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

__all__ = [
    "DESCRIPTION_MAX",
    "INTRO_MAX",
    "PERSON_NAME_MAX",
    "PRODUCT_NAME_MAX",
    "STALL_NAME_MAX",
    "TEXT_ERROR_REASONS",
    "VILLAGE_MAX",
    "TextError",
    "TextErrorReason",
    "clean_line",
    "clean_phone",
    "clean_text",
]

STALL_NAME_MAX = 30
PERSON_NAME_MAX = 20
VILLAGE_MAX = 30
PRODUCT_NAME_MAX = 30
DESCRIPTION_MAX = 200
INTRO_MAX = 300

TextErrorReason = Literal["empty", "no_letters", "too_long"]
TEXT_ERROR_REASONS: tuple[TextErrorReason, ...] = ("empty", "no_letters", "too_long")


class TextError(ValueError):
    """Typed text that cannot be used; ``reason`` says why, ``limit`` is the length allowed."""

    def __init__(self, reason: TextErrorReason, *, limit: int, length: int) -> None:
        super().__init__(f"{reason} (length {length}, limit {limit})")
        self.reason: TextErrorReason = reason
        self.limit = limit
        self.length = length


# Full-width ASCII letters and digits (Ａ, ｂ, ３) to ASCII; the ideographic space to a space.
_WIDE_ALNUM = {
    **{code: code - 0xFEE0 for code in range(ord("０"), ord("９") + 1)},
    **{code: code - 0xFEE0 for code in range(ord("Ａ"), ord("Ｚ") + 1)},
    **{code: code - 0xFEE0 for code in range(ord("ａ"), ord("ｚ") + 1)},
    ord("\u3000"): ord(" "),
}
_LINE_BREAKS = re.compile(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_SPACES = re.compile(r"\s+")
_BLANK_LINES = re.compile(r"\n{3,}")


def _visible(text: str) -> str:
    """Full-width alphanumerics narrowed, every whitespace a space, invisibles dropped, NFC.

    NFC comes last so that dropping an invisible character cannot leave text that a second
    cleaning would compose differently.
    """
    kept: list[str] = []
    for char in text.translate(_WIDE_ALNUM):
        if char.isspace():
            kept.append(" ")
        elif unicodedata.category(char) not in ("Cc", "Cf", "Cs"):
            kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))


def _check(cleaned: str, max_len: int) -> str:
    if not cleaned:
        raise TextError("empty", limit=max_len, length=0)
    if not any(unicodedata.category(char)[0] in "LN" for char in cleaned):
        raise TextError("no_letters", limit=max_len, length=len(cleaned))
    if len(cleaned) > max_len:
        raise TextError("too_long", limit=max_len, length=len(cleaned))
    return cleaned


def clean_line(text: str | None, *, max_len: int) -> str:
    """``text`` as one clean line of at most ``max_len`` characters; raises :class:`TextError`.

    Line breaks and tabs become spaces. Refused: nothing left (``empty``), no letter or digit
    of any script, e.g. only emoji or punctuation (``no_letters``), longer than ``max_len``
    (``too_long``).
    """
    cleaned = _SPACES.sub(" ", _visible(text or "")).strip()
    return _check(cleaned, max_len)


def clean_text(text: str | None, *, max_len: int) -> str:
    """Like :func:`clean_line`, but keeps line breaks (``\\n``, counted in the length).

    Spaces collapse within each line, lines are stripped, at most one blank line is kept between
    paragraphs, and blank lines at the start and end are dropped.
    """
    lines = _LINE_BREAKS.split(text or "")
    cleaned_lines = [_SPACES.sub(" ", _visible(line)).strip() for line in lines]
    cleaned = _BLANK_LINES.sub("\n\n", "\n".join(cleaned_lines)).strip("\n")
    return _check(cleaned, max_len)


_PHONE_SEPARATORS = re.compile(r"[\s\-.()]")
_MOBILE = re.compile(r"(?:\+86|0086|86)?(1[3-9][0-9]{9})")
# Area codes: 010 and 020–029 are three digits with 8-digit numbers, others 0xxx with 7 or 8.
_LANDLINE = re.compile(r"(0[12][0-9])([2-9][0-9]{7})|(0[3-9][0-9]{2})([2-9][0-9]{6,7})")
_LANDLINE_INTL = re.compile(r"(?:\+86|0086)([1-9][0-9]{8,10})")


def clean_phone(text: str | None) -> str | None:
    """A Chinese phone number normalized, or ``None`` if ``text`` is not one.

    Mobile numbers (11 digits starting 13–19, optionally after ``+86``/``0086``/``86``) come back
    as 11 digits: ``13812345678``. Landlines need their area code and come back as
    ``0354-5123456`` (``+86 354 5123456`` is read too). Spaces, dashes, dots and parentheses are
    ignored; extensions, short service numbers and local numbers without area code are refused.
    """
    if text is None:
        return None
    compact = _PHONE_SEPARATORS.sub("", unicodedata.normalize("NFKC", text))
    mobile = _MOBILE.fullmatch(compact)
    if mobile is not None:
        return mobile.group(1)
    international = _LANDLINE_INTL.fullmatch(compact)
    if international is not None:
        compact = "0" + international.group(1)
    landline = _LANDLINE.fullmatch(compact)
    if landline is None:
        return None
    short_area, short_number, long_area, long_number = landline.groups()
    if short_area is not None:
        return f"{short_area}-{short_number}"
    return f"{long_area}-{long_number}"
