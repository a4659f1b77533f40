"""Prices as people type them in China (``15``, ``12块5``, ``两块五``, ``35元/瓶``), in fen.

:func:`parse_price` turns a typed price into a :class:`ParsedPrice` (fen and an optional unit) or
raises :class:`PriceError` whose ``reason`` lets the chat answer in the user's language.
:func:`format_price` shows a price compactly; its output parses back to the same price.

Accepted, with any surrounding whitespace and full-width characters:

* Arabic amounts with at most 2 decimals and optional thousands commas: ``15``, ``15.50``,
  ``1,200``; ``1.5万`` and ``2千`` multiply.
* Chinese numerals, including the spoken short forms: ``十五``, ``廿``, ``一百二`` (120),
  ``一万五`` (15000), ``一百零五``.
* Currency marks: ``¥``/``￥``/``RMB``/``CNY`` before; ``元``/``块``/``圆`` (+ ``钱``, ``整``) or
  ``yuan``/``RMB``/``CNY``/``kuai`` after.
* Jiao and fen: ``12块5`` and ``12块50`` (12.50), ``12元5角``, ``12块5毛5``, ``5毛``, ``5毛钱``,
  ``8分``, ``两块五``, ``一块零五`` (1.05).
* A unit after (``35元/瓶``, ``35/瓶``, ``35元一瓶``, ``35一斤``, ``30元每斤``, ``35 per bottle``,
  ``35 a jar``) or before (``每斤35``, ``一斤35元``); it is normalized with
  :func:`marketbot.domain.units.normalize_unit`. Where a text reads both as money and as a unit,
  money wins: ``一块五`` is 1.50, not 5 per 块.

* Prices people really say: ``面议`` (no price: ``negotiable``), a range ``15-20`` /
  ``15到20元一斤`` (``fen`` the low end, ``max_fen`` the high end), about a price ``15元左右`` /
  ``大概15块`` (``about``), bundles ``10元3个`` / ``3块钱2斤`` (the unit follows the bundle:
  ``3个``, ``2斤``) and ``15元1斤`` (per 斤).

Refused: more than 2 decimals, digits split by spaces, other currencies, anything else.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Literal

from marketbot.domain.units import normalize_unit, unit_label
from marketbot.texts import Lang

__all__ = [
    "MAX_FEN",
    "MAX_INPUT_LEN",
    "NEGOTIABLE_WORDS",
    "PRICE_ERROR_REASONS",
    "ParsedPrice",
    "PriceError",
    "PriceErrorReason",
    "format_price",
    "parse_price",
]

MAX_FEN = 100_000 * 100
"""The highest price accepted: 100,000 yuan."""

MAX_INPUT_LEN = 64
"""Longer texts are not prices (after whitespace is collapsed)."""

PriceErrorReason = Literal["empty", "unparseable", "negative", "zero", "too_large"]
PRICE_ERROR_REASONS: tuple[PriceErrorReason, ...] = (
    "empty",
    "unparseable",
    "negative",
    "zero",
    "too_large",
)


@dataclass(frozen=True)
class ParsedPrice:
    """A price in fen (1 yuan = 100 fen), per ``unit`` when one was given.

    ``max_fen`` is the high end of a range (``fen`` the low end); ``note`` is ``"about"`` for
    15元左右 and ``"negotiable"`` for 面议 (then ``fen`` is 0: no price).
    """

    fen: int
    unit: str | None
    max_fen: int | None = None
    note: str = ""

    @property
    def negotiable(self) -> bool:
        return self.note == "negotiable"

    def columns(self) -> dict[str, object]:
        """The product's price columns holding this price (its unit as given, maybe none)."""
        return {
            "price_fen": self.fen,
            "unit": self.unit,
            "price_max_fen": self.max_fen,
            "price_note": self.note,
        }


NEGOTIABLE_WORDS = frozenset({"面议", "价格面议", "面谈", "议价", "电议", "可议", "价格可议"})
"""What people write for "ask me": the product is listed without a price."""
_ABOUT_BEFORE = re.compile(r"^(?:大概|大约|约|差不多|about|around|approx\.?|~) ?")
_ABOUT_AFTER = re.compile(r" ?(?:左右|上下|差不多)")
_RANGE = re.compile(
    r"(?<=[0-9元块圆钱一二两三四五六七八九十]) ?(?:-|~|到|至|—|–) ?"
    r"(?=[0-9¥一二两三四五六七八九十])"
)
_BUNDLE_UNIT = re.compile(r"^([0-9]{1,4}|[一二两三四五六七八九十]{1,3}) ?(\D+)$")
_BUNDLE = re.compile(r"^(.+?[元块圆钱]) ?([0-9]{1,4}|[一二两三四五六七八九十]{1,3}) ?(\D+)$")


class PriceError(ValueError):
    """A text that is not an acceptable price; ``reason`` says why."""

    def __init__(self, reason: PriceErrorReason, text: str) -> None:
        super().__init__(f"{reason}: {text!r}")
        self.reason: PriceErrorReason = reason


_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
_CN_CHARS = "零〇一二两三四五六七八九十百千万亿廿卅"

# One token of an amount; a single space may separate tokens, never the digits of a number.
_TOKEN = re.compile(
    rf"""
    (?P<num>[0-9][0-9,]*(?:\.[0-9]+)?[万千]?|\.[0-9]+|[{_CN_CHARS}]+)
    |(?P<yuan>[元块圆])
    |(?P<jiao>[角毛])
    |(?P<fen>分)
    |(?P<qian>钱)
    |(?P<zheng>整)
    |(?P<word>(?:yuan|rmb|cny|kuai)(?![a-z]))
    """,
    re.VERBOSE,
)
_ARABIC = re.compile(r"([0-9]+(?:,[0-9]{3})*)(?:\.([0-9]{1,2}))?([万千]?)|\.([0-9]{1,2})")
# Currency mark and minus sign before the amount, in either order: "¥-15", "-¥15", "RMB 15".
_LEAD = re.compile(r"(?:(¥|rmb|cny) ?)?(?:([-负]) ?)?(?:(¥|rmb|cny) ?)?")
_SUFFIX_SEP = re.compile(r" ?(?:/|每|一) ?| (?:per|a|an) ")
_PREFIX_SEP = re.compile(r"(?:每|一) ?")
_MULTIPLIERS = {"": 1, "千": 1000, "万": 10_000}


def _cn_int(text: str) -> int | None:
    """The integer a Chinese numeral stands for, or ``None`` if it is not one."""
    text = text.replace("廿", "二十").replace("卅", "三十")
    if text in ("零", "〇"):
        return 0
    total = section = 0
    digit: int | None = None
    digit_char = ""
    small = big = 10**9  # units must decrease: 千 > 百 > 十 within a section, 亿 > 万
    last_unit = 1  # the unit just before a trailing digit: 一百二 is 120, 一万五 is 15000
    zero = False  # a 零 since the last unit: 一百零五 is 105
    for index, char in enumerate(text):
        if char in ("零", "〇"):
            if digit is not None or zero or total + section == 0:
                return None
            zero = True
        elif char in _CN_DIGITS:
            if digit is not None:
                return None
            digit, digit_char = _CN_DIGITS[char], char
        elif char in _CN_SMALL:
            unit = _CN_SMALL[char]
            if unit >= small or (unit == 10 and digit_char == "两"):
                return None
            if digit is None:
                if unit != 10 or index != 0:
                    return None
                digit = 1
            section += digit * unit
            small, last_unit, digit, digit_char, zero = unit, unit, None, "", False
        elif char in _CN_BIG:
            unit = _CN_BIG[char]
            section += digit or 0
            if unit >= big or section == 0:
                return None
            total += section * unit
            section, big, small, last_unit = 0, unit, 10**9, unit
            digit, digit_char, zero = None, "", False
        else:
            return None
    if digit is not None:
        if digit_char == "两" and total + section:
            return None  # 两 is not a last digit: 三十两 is not 32
        section += digit * (last_unit // 10 if last_unit >= 100 and not zero else 1)
    elif zero:
        return None
    return total + section


def _yuan_fen(raw: str, *, whole: bool) -> int | None:
    """Fen in a yuan amount (Arabic or Chinese); ``whole`` refuses decimals."""
    if raw[0] in _CN_CHARS:
        value = _cn_int(raw)
        return None if value is None else value * 100
    match = _ARABIC.fullmatch(raw)
    if match is None:
        return None
    integer, decimals, multiplier, only_decimals = match.groups()
    decimals = decimals or only_decimals
    if whole and decimals:
        return None
    fen = int(integer.replace(",", "")) * 100 if integer else 0
    if decimals:
        fen += int(decimals.ljust(2, "0"))
    return fen * _MULTIPLIERS[multiplier or ""]


def _digit(raw: str) -> int | None:
    """A single digit 0–9, Arabic or Chinese."""
    if len(raw) == 1 and raw.isdigit():
        return int(raw)
    return _CN_DIGITS.get(raw)


def _fen_digit(raw: str) -> int | None:
    """Fen after 元/块 with no jiao: ``5``, ``05``, ``零五``."""
    if len(raw) == 2 and raw[0] in "0零〇":
        return _digit(raw[1])
    return _digit(raw)


def _after_yuan(raw: str) -> int | None:
    """Fen of the number after 元/块 with no 角/毛: ``5`` is 50 fen, ``50`` too, ``零五`` 5."""
    if len(raw) == 2 and raw.isdigit():
        return int(raw)
    if len(raw) == 2 and raw[0] in "零〇":
        return _digit(raw[1])
    jiao = _digit(raw)
    return None if jiao is None else jiao * 10


def _tokens(text: str) -> list[tuple[str, str]] | None:
    """(kind, text) tokens of an amount, or ``None`` if something else is in it."""
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        if text[pos] == " " and tokens:
            pos += 1
        match = _TOKEN.match(text, pos)
        if match is None or match.lastgroup is None:
            return None
        tokens.append((match.lastgroup, match.group()))
        pos = match.end()
    return tokens


def _amount_fen(text: str) -> int | None:
    """Fen in an unsigned amount with its money words (``12块5毛``, ``15 yuan``)."""
    tokens = _tokens(text)
    if not tokens:
        return None
    kinds = [kind for kind, _ in tokens]
    if kinds[-1] == "zheng" and len(kinds) > 1 and kinds[-2] in ("yuan", "qian"):
        kinds.pop()
    if kinds[-1] == "qian" and len(kinds) > 1 and kinds[-2] in ("yuan", "jiao", "fen"):
        kinds.pop()
    nums = [raw for kind, raw in tokens if kind == "num"]
    match "".join(kind[0] for kind in kinds):
        case "n" | "ny" | "nw":
            return _yuan_fen(nums[0], whole=False)
        case "nyn":
            return _sum(_yuan_fen(nums[0], whole=True), _after_yuan(nums[1]))
        case "nynj" | "nynjn" | "nynjnf":
            fen = _digit(nums[2]) if len(nums) == 3 else 0
            return _sum(_yuan_fen(nums[0], whole=True), _tens(_digit(nums[1])), fen)
        case "nynf":
            return _sum(_yuan_fen(nums[0], whole=True), _fen_digit(nums[1]))
        case "nj" | "njn" | "njnf":
            fen = _digit(nums[1]) if len(nums) == 2 else 0
            return _sum(_tens(_digit(nums[0])), fen)
        case "nf":
            return _digit(nums[0])
    return None


def _tens(jiao: int | None) -> int | None:
    return None if jiao is None else jiao * 10


def _sum(*parts: int | None) -> int | None:
    total = 0
    for part in parts:
        if part is None:
            return None
        total += part
    return total


def _signed_fen(text: str) -> tuple[int, bool] | None:
    """(fen, negative) of an amount with an optional currency mark and minus sign."""
    lead = _LEAD.match(text)
    assert lead is not None  # every part of the pattern is optional
    currency_before, minus, currency_after = lead.groups()
    if currency_before and currency_after:
        return None
    fen = _amount_fen(text[lead.end() :])
    return None if fen is None else (fen, minus is not None)


def _readings(text: str) -> Iterator[tuple[str, str | None]]:
    """Ways to split ``text`` into (amount, unit text), the plain amount first."""
    yield text, None
    for sep in _SUFFIX_SEP.finditer(text):
        amount, unit = text[: sep.start()], text[sep.end() :]
        if amount and unit:
            yield amount, unit
    prefix = _PREFIX_SEP.match(text)
    if prefix is not None:
        rest = text[prefix.end() :]
        for end in range(1, len(rest)):
            if rest[:end].rstrip().isalpha():
                yield rest[end:].lstrip(), rest[:end]


def _bundle_unit(text: str) -> str | None:
    """``3个`` → ``3个``, ``1斤`` → ``斤``, ``斤`` → ``斤``; ``None`` if not a unit."""
    match = _BUNDLE_UNIT.match(text)
    if match is None:
        return normalize_unit(text)
    count = int(match[1]) if match[1].isdigit() else _cn_int(match[1])
    unit = normalize_unit(match[2])
    if count is None or unit is None or count < 1:
        return None
    return unit if count == 1 else f"{count}{unit}"


def _normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\u2212", "-").lower()
    return " ".join(text.split())


def _single(normalized: str, text: str) -> ParsedPrice | None:
    """One amount with an optional unit (a bundle's too), or ``None``."""
    readings = list(_readings(normalized))
    bundle = _BUNDLE.match(normalized)
    if bundle is not None:
        readings.append((bundle[1], f"{bundle[2]}{bundle[3]}"))
    for amount, unit_text in readings:
        signed = _signed_fen(amount)
        if signed is None:
            continue
        unit = None if unit_text is None else _bundle_unit(unit_text)
        if unit_text is not None and unit is None:
            continue
        fen, negative = signed
        if fen == 0:
            raise PriceError("zero", text)
        if negative:
            raise PriceError("negative", text)
        if fen > MAX_FEN:
            raise PriceError("too_large", text)
        return ParsedPrice(fen=fen, unit=unit)
    return None


def _range(normalized: str, text: str) -> ParsedPrice | None:
    """``15-20``, ``15到20元一斤``, ``15元-20元/斤``: the low and high ends, one unit."""
    parts = _RANGE.split(normalized)
    if len(parts) != 2:
        return None
    low, high = _single(parts[0], text), _single(parts[1], text)
    if low is None or high is None or (low.unit and high.unit and low.unit != high.unit):
        return None
    if high.fen <= low.fen:
        raise PriceError("unparseable", text)
    return ParsedPrice(fen=low.fen, unit=low.unit or high.unit, max_fen=high.fen)


def parse_price(text: str) -> ParsedPrice:
    """The price in ``text``; raises :class:`PriceError` if there is none or it is refused."""
    normalized = _normalize(text)
    if not normalized:
        raise PriceError("empty", text)
    if len(normalized) > MAX_INPUT_LEN:
        raise PriceError("unparseable", text)
    if normalized in NEGOTIABLE_WORDS:
        return ParsedPrice(fen=0, unit=None, note="negotiable")
    about = False
    for pattern in (_ABOUT_BEFORE, _ABOUT_AFTER):
        stripped = pattern.sub("", normalized, count=1).strip()
        if stripped != normalized and stripped:
            normalized, about = stripped, True
    found = _single(normalized, text) or _range(normalized, text)
    if found is None:
        raise PriceError("unparseable", text)
    return replace(found, note="about") if about else found


def _amount(fen: int, lang: Lang) -> str:
    yuan, cents = divmod(fen, 100)
    if lang == "en":
        return f"{yuan:,}" + (f".{cents:02d}" if cents else "")
    return str(yuan) + (f".{cents:02d}".rstrip("0") if cents else "")


def _unit_en(unit: str) -> str:
    match = _BUNDLE_UNIT.match(unit)
    if match is not None and match[1].isdigit():
        return f"{match[1]} {unit_label(match[2], 'en', short=True)}"
    return unit_label(unit, "en", short=True)


def format_price(
    fen: int,
    unit: str | None,
    lang: Lang,
    *,
    max_fen: int | None = None,
    note: str = "",
) -> str:
    """``fen`` (per ``unit``) for display; :func:`parse_price` reads the result back.

    Chinese: ``35元/瓶``, ``12.5元/斤``, ``0.5元/个``, ``1200元`` (decimals only when needed,
    trailing zeros dropped), ``15-20元/斤``, ``约15元/斤``, ``10元/3个``, ``面议``. English:
    ``¥35 / bottle``, ``¥12.50 / jin``, ``¥1,200`` (two decimals when not whole, thousands
    commas, the short English unit name), ``¥15–20 / jin``, ``about ¥15``, ``¥10 / 3 pc``,
    ``price on request``. A price of 0 fen is 面议 (zero prices are refused otherwise).
    """
    if fen < 0:
        raise ValueError(f"a price cannot be negative: {fen}")
    if note == "negotiable" or fen == 0:
        return "price on request" if lang == "en" else "面议"
    amount = _amount(fen, lang)
    if max_fen is not None and max_fen > fen:
        amount += ("–" if lang == "en" else "-") + _amount(max_fen, lang)
    if lang == "en":
        shown = f"¥{amount}" if unit is None else f"¥{amount} / {_unit_en(unit)}"
        return f"about {shown}" if note == "about" else shown
    shown = f"{amount}元" if unit is None else f"{amount}元/{unit}"
    return f"约{shown}" if note == "about" else shown
