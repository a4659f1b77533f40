"""Units a price is quoted in (斤, 瓶, 袋 …): the button set, typed-unit normalization, labels.

A vendor picks a unit from :data:`BUTTON_UNITS` or types one. :func:`normalize_unit` maps what
was typed (``一斤``, ``/瓶``, ``每袋``, ``kg``, ``bottle``) to a canonical Chinese unit; other
short Chinese units ending in a measure word (``串``, ``半斤``, ``小袋``) are kept as typed, and
anything else (``保存``, ``好的``) is refused.
:func:`unit_label` gives the English name of a known unit; in Chinese a unit is its own label.

Usage::

    normalize_unit("每斤")          # "斤"
    normalize_unit("kg")            # "公斤"
    unit_label("斤", "en")          # "jin (500 g)"
    unit_label("斤", "en", short=True)  # "jin"
"""

from __future__ import annotations

import re
import unicodedata

from marketbot.texts import Lang

__all__ = ["BUTTON_UNITS", "KNOWN_UNITS", "MAX_UNIT_LEN", "normalize_unit", "unit_label"]

BUTTON_UNITS: tuple[str, ...] = ("斤", "两", "瓶", "罐", "个", "袋", "把", "盒", "筐")
"""The units offered as buttons, in display order."""

# canonical unit -> (short English name, long English label)
_ENGLISH: dict[str, tuple[str, str]] = {
    "斤": ("jin", "jin (500 g)"),
    "两": ("liang", "liang (50 g)"),
    "公斤": ("kg", "kg"),
    "克": ("g", "g"),
    "瓶": ("bottle", "bottle"),
    "罐": ("jar", "jar"),
    "个": ("piece", "piece"),
    "袋": ("bag", "bag"),
    "把": ("bunch", "bunch"),
    "盒": ("box", "box"),
    "筐": ("basket", "basket"),
    "包": ("pack", "pack"),
    "箱": ("case", "case"),
    "件": ("item", "item"),
    "串": ("string", "string (of garlic, peppers…)"),
    "捆": ("bundle", "bundle"),
    "块": ("block", "block (soap, tofu…)"),
    "根": ("stick", "stick"),
    "份": ("portion", "portion"),
    "桶": ("bucket", "bucket"),
    "升": ("litre", "litre"),
}

KNOWN_UNITS: tuple[str, ...] = tuple(_ENGLISH)
"""Every unit with an English label; :data:`BUTTON_UNITS` is a subset."""

_ALIASES: dict[str, str] = {
    "市斤": "斤",
    "千克": "公斤",
    "公升": "升",
    **dict.fromkeys(("jin", "jins", "catty", "catties"), "斤"),
    **dict.fromkeys(("liang", "tael", "taels"), "两"),
    **dict.fromkeys(("kg", "kgs", "kilo", "kilos", "kilogram", "kilograms"), "公斤"),
    **dict.fromkeys(("g", "gram", "grams"), "克"),
    **dict.fromkeys(("bottle", "bottles"), "瓶"),
    **dict.fromkeys(("jar", "jars", "can", "cans", "tin", "tins"), "罐"),
    **dict.fromkeys(("piece", "pieces", "pc", "pcs", "each", "ea"), "个"),
    **dict.fromkeys(("bag", "bags", "sack", "sacks"), "袋"),
    **dict.fromkeys(("bunch", "bunches", "handful"), "把"),
    **dict.fromkeys(("box", "boxes"), "盒"),
    **dict.fromkeys(("basket", "baskets"), "筐"),
    **dict.fromkeys(("pack", "packs", "packet", "packets", "package", "packages"), "包"),
    **dict.fromkeys(("case", "cases", "carton", "cartons", "crate", "crates"), "箱"),
    **dict.fromkeys(("item", "items"), "件"),
    **dict.fromkeys(("string", "strings"), "串"),
    **dict.fromkeys(("bundle", "bundles"), "捆"),
    **dict.fromkeys(("block", "blocks", "bar", "bars"), "块"),
    **dict.fromkeys(("stick", "sticks"), "根"),
    **dict.fromkeys(("portion", "portions", "serving", "servings"), "份"),
    **dict.fromkeys(("bucket", "buckets"), "桶"),
    **dict.fromkeys(("l", "litre", "litres", "liter", "liters"), "升"),
}

MAX_UNIT_LEN = 4
"""Longest custom (unknown) unit accepted, in characters."""

_MEASURE_WORDS = frozenset(
    "个只条张把根块片颗粒枚支本件套双对副串捆束扎提包袋箱盒罐瓶桶壶杯碗盘碟盆筐篮篓斗升斤两"
    "克担车堆挂板卷匹头口棵株朵枝份样种沓叠打床顶幅面节段锅屉笼听"
)
"""Chinese measure words goods are sold by: a custom unit ends in one (串, 小袋, 礼盒, 半斤;
or in one and 装: 斤装),
so that a word typed at the unit question that is no unit (保存, 好的) is asked again."""

# Not in a custom unit: numerals (a quantity, not a unit; 两 is a known unit) and money words.
_NOT_IN_UNITS = frozenset("零〇一二两三四五六七八九十百千万亿廿卅" + "元圆角毛分钱币")
# "每斤", "/斤", "一斤", "1斤", "per jin", "a bag", and a money word before a separator ("元/斤").
_PREFIX = re.compile(r"^(?:(?:元|块)(?=\s*[/每]))?\s*(?:每|/|一|1(?![0-9])|per\s|an?\s)\s*")


def _is_han(char: str) -> bool:
    return unicodedata.name(char, "").startswith("CJK UNIFIED IDEOGRAPH")


def _is_edge(char: str) -> bool:
    return char.isspace() or unicodedata.category(char).startswith("P")


def _strip_edges(text: str) -> str:
    """Drop whitespace and punctuation around ``text`` (``"（斤）"``, ``"斤。"``)."""
    start, end = 0, len(text)
    while start < end and _is_edge(text[start]):
        start += 1
    while end > start and _is_edge(text[end - 1]):
        end -= 1
    return text[start:end]


def normalize_unit(text: str) -> str | None:
    """The canonical unit for a typed unit, or ``None`` if ``text`` is not a unit.

    Known units and their aliases (``kg``, ``jin``, ``bottle``, ``千克`` …) map to the canonical
    Chinese unit; other units of 1–:data:`MAX_UNIT_LEN` Chinese characters ending in a measure
    word (no numerals, no money words before it) are returned cleaned.
    """
    unit = " ".join(unicodedata.normalize("NFKC", text).lower().split())
    previous = None
    while unit != previous:
        previous = unit
        unit = _strip_edges(_PREFIX.sub("", unit, count=1))
    if unit in _ENGLISH:
        return unit
    if unit in _ALIASES:
        return _ALIASES[unit]
    measure = unit.removesuffix("装")  # 斤装, 礼盒装: a pack of that measure
    if (
        0 < len(unit) <= MAX_UNIT_LEN
        and measure[-1:] in _MEASURE_WORDS
        and all(_is_han(char) and char not in _NOT_IN_UNITS for char in measure[:-1])
    ):
        return unit
    return None


def unit_label(unit: str, lang: Lang, *, short: bool = False) -> str:
    """How ``unit`` is shown in ``lang``.

    Chinese shows the unit itself. English shows the label of a known unit (``"jin (500 g)"``,
    or ``"jin"`` with ``short=True``) and an unknown unit as it is.
    """
    if lang != "en" or unit not in _ENGLISH:
        return unit
    short_name, long_label = _ENGLISH[unit]
    return short_name if short else long_label
