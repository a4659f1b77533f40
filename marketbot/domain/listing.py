"""A product listed in one message: ``沙棘膏 35元一瓶`` is a name and a price (with its unit).

:func:`read_listing` reads one product a line (``黄精 60元一斤`` / ``小米 5块``); the name may be
followed by the price with or without a space (``沙棘膏35元一瓶``). A text with no price in it, or
a line that is not ``name price``, is not a listing: ``None``, and the chat asks step by step.

Usage::

    read_listing("沙棘膏 35元一瓶")   # [ListingLine(name="沙棘膏", price=ParsedPrice(3500, "瓶"))]
    read_listing("小米 5块 黄米 6块")  # two ListingLines
    read_listing("沙棘膏")            # None: only a name
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from marketbot.domain.prices import ParsedPrice, price_or_none
from marketbot.domain.textinput import PRODUCT_NAME_MAX, TextError, clean_line
from marketbot.domain.units import KNOWN_UNITS

__all__ = ["MAX_LINES", "ListingLine", "read_listing", "read_listing_line"]

_MARKED = re.compile(r"[元块圆¥每/]|面议|一[^0-9一二两三四五六七八九十百千万]")
"""Without a space before it, a price must say it is one: a money word, 每, / or 一 + unit."""

MAX_LINES = 20
"""Products listed in one message at most."""

_PIECE_BREAK = re.compile(r"[\s，,；;。、！!]+")
"""What separates the pieces of a line that may be several products: spaces and punctuation."""

_PRICE_END = re.compile(
    "(?<=[元块" + "".join(unit for unit in KNOWN_UNITS if len(unit) == 1) + "])"
    r"(?=[^\s\d.一二两三四五六七八九十半/每])"
)
"""Where a price may end and the next product's name begin with no space (``45元一斤|小麻油``)."""

_PRODUCT_MAX_LEN = PRODUCT_NAME_MAX + 24
"""The longest ``name price`` one product of a line can be (a price is a few characters)."""


@dataclass(frozen=True, slots=True)
class ListingLine:
    name: str
    price: ParsedPrice


def _name(text: str) -> str | None:
    text = text.rpartition(":")[2].strip(
        " :：,，、-"
    )  # 上架商品:蜂蜜 (NFKC made ： a :) names 蜂蜜
    if not text or text.isdigit():
        return None
    try:
        name = clean_line(text, max_len=PRODUCT_NAME_MAX)
    except TextError:
        return None
    return name if not any(ch.isdigit() for ch in name[-1:]) else None


def read_listing_line(text: str) -> ListingLine | None:
    """``name price`` in one line, or ``None``."""
    line = " ".join(unicodedata.normalize("NFKC", text).split())
    if not line:
        return None
    cuts = [i for i, ch in enumerate(line) if ch == " "]
    for cut in cuts:  # a space between name and price: the shortest name first
        name, price = _name(line[:cut]), price_or_none(line[cut + 1 :])
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
        name, price = _name(line[:cut]), price_or_none(rest)
        if name is not None and price is not None:
            return ListingLine(name, price)
    return None


def _pieces(line: str) -> list[tuple[int, int]]:
    """The spans of ``line`` between its spaces and punctuation and where a price ends."""
    cuts = sorted(
        {(m.start(), m.end()) for m in _PIECE_BREAK.finditer(line)}
        | {(m.start(), m.start()) for m in _PRICE_END.finditer(line)}
    )
    spans, begin = [], 0
    for cut_start, cut_end in cuts:
        if cut_start > begin:
            spans.append((begin, cut_start))
        begin = max(begin, cut_end)
    if begin < len(line):
        spans.append((begin, len(line)))
    return spans


def _read_products(line: str) -> list[ListingLine] | None:
    """The products of one line: the most ``name price`` pieces the line splits into (at its
    spaces, punctuation and price ends), else ``None``."""
    pieces = _pieces(line)
    if len(pieces) > 4 * MAX_LINES:
        return None
    # a product starts with its name, never with a price
    starts = [price_or_none(line[begin:end]) is None for begin, end in pieces]
    # best[j]: the reading of pieces[:j] as the most products one after the other
    best: list[list[ListingLine] | None] = [[]] + [None] * len(pieces)
    for end in range(1, len(pieces) + 1):
        for start in range(end):
            before = best[start]
            if (
                before is None
                or not starts[start]
                or pieces[end - 1][1] - pieces[start][0] > _PRODUCT_MAX_LEN
            ):
                continue
            item = read_listing_line(line[pieces[start][0] : pieces[end - 1][1]])
            if item is not None and len(before) + 1 > len(best[end] or ()):
                best[end] = [*before, item]
        if len(best[end] or ()) > MAX_LINES:
            return None
    return best[-1] or None


def read_listing(text: str) -> list[ListingLine] | None:
    """One or more products a line, every line ``name price`` (once or several times); ``None``
    if any line is not."""
    found: list[ListingLine] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        items = _read_products(line)
        if items is None:
            return None
        found.extend(items)
    return found if 0 < len(found) <= MAX_LINES else None
