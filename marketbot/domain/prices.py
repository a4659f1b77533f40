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

Refused: more than 2 decimals, digits split by spaces, other currencies, anything else.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from marketbot.domain.units import normalize_unit, unit_label
from marketbot.texts import Lang

__all__ = [
    "MAX_FEN",
    "MAX_INPUT_LEN",
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
    """A price in fen (1 yuan = 100 fen), per ``unit`` when one was given."""

    fen: int
    unit: str | None


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


def _normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\u2212", "-").lower()
    return " ".join(text.split())


def parse_price(text: str) -> ParsedPrice:
    """The price in ``text``; raises :class:`PriceError` if there is none or it is refused."""
    normalized = _normalize(text)
    if not normalized:
        raise PriceError("empty", text)
    if len(normalized) > MAX_INPUT_LEN:
        raise PriceError("unparseable", text)
    for amount, unit_text in _readings(normalized):
        signed = _signed_fen(amount)
        if signed is None:
            continue
        unit = None if unit_text is None else normalize_unit(unit_text)
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
    raise PriceError("unparseable", text)


def format_price(fen: int, unit: str | None, lang: Lang) -> str:
    """``fen`` (per ``unit``) for display; :func:`parse_price` reads the result back.

    Chinese: ``35元/瓶``, ``12.5元/斤``, ``0.5元/个``, ``1200元`` (decimals only when needed,
    trailing zeros dropped). English: ``¥35 / bottle``, ``¥12.50 / jin``, ``¥1,200`` (two
    decimals when not whole, thousands commas, the short English unit name).
    """
    if fen < 0:
        raise ValueError(f"a price cannot be negative: {fen}")
    yuan, cents = divmod(fen, 100)
    if lang == "en":
        amount = f"¥{yuan:,}" + (f".{cents:02d}" if cents else "")
        return amount if unit is None else f"{amount} / {unit_label(unit, 'en', short=True)}"
    amount = str(yuan) + (f".{cents:02d}".rstrip("0") if cents else "")
    return f"{amount}元" if unit is None else f"{amount}元/{unit}"
