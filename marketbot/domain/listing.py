"""A product listed in one message: ``沙棘膏 35元一瓶`` is a name and a price (with its unit).

:func:`read_listing` reads one product a line (``黄精 60元一斤`` / ``小米 5块``); the name may be
followed by the price with or without a space (``沙棘膏35元一瓶``). A text with no price in it, or
a line that is not ``name price``, is not a listing: ``None``, and the chat asks step by step.

Usage::

    read_listing("沙棘膏 35元一瓶")   # [ListingLine(name="沙棘膏", price=ParsedPrice(3500, "瓶"))]
    read_listing("沙棘膏")            # None: only a name
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from marketbot.domain.prices import ParsedPrice, PriceError, parse_price
from marketbot.domain.textinput import PRODUCT_NAME_MAX, TextError, clean_line

__all__ = ["MAX_LINES", "ListingLine", "read_listing", "read_listing_line"]

_MARKED = re.compile(r"[元块圆¥每/]|面议|一[^0-9一二两三四五六七八九十百千万]")
"""Without a space before it, a price must say it is one: a money word, 每, / or 一 + unit."""

MAX_LINES = 20
"""Products listed in one message at most."""


@dataclass(frozen=True, slots=True)
class ListingLine:
    name: str
    price: ParsedPrice


def _name(text: str) -> str | None:
    text = text.strip(" :：,，、-")
    if not text or text.isdigit():
        return None
    try:
        name = clean_line(text, max_len=PRODUCT_NAME_MAX)
    except TextError:
        return None
    return name if not any(ch.isdigit() for ch in name[-1:]) else None


def _price(text: str) -> ParsedPrice | None:
    try:
        return parse_price(text)
    except PriceError:
        return None


def read_listing_line(text: str) -> ListingLine | None:
    """``name price`` in one line, or ``None``."""
    line = " ".join(unicodedata.normalize("NFKC", text).split())
    if not line:
        return None
    cuts = [i for i, ch in enumerate(line) if ch == " "]
    for cut in cuts:  # a space between name and price: the shortest name first
        name, price = _name(line[:cut]), _price(line[cut + 1 :])
        if name is not None and price is not None:
            return ListingLine(name, price)
    for cut in range(1, len(line)):  # no space: the price starts where a number starts
        if line[cut] == " " or not (
            line[cut].isdigit() or line[cut] in "¥每一二两三四五六七八九十面"
        ):
            continue
        rest = line[cut:]
        if not _MARKED.search(rest):
            continue  # "A1", "蜜15": a name, not a name and a bare number
        name, price = _name(line[:cut]), _price(rest)
        if name is not None and price is not None:
            return ListingLine(name, price)
    return None


def read_listing(text: str) -> list[ListingLine] | None:
    """One product a line, every line ``name price``; ``None`` if any line is not."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines or len(lines) > MAX_LINES:
        return None
    found = [read_listing_line(line) for line in lines]
    if any(item is None for item in found):
        return None
    return [item for item in found if item is not None]
