"""A day and a time of day as people type them: ``明早8点``, ``晚上6点半``, ``后天上午9点``,
``8号下午3点``, ``下周六上午9点一刻``, ``腊月初八早上七点``.

Usage::

    read_day_time("明早8点", date(2026, 12, 1))  # (date(2026, 12, 2), time(8, 0))
    read_day_time("晚上6点半", date(2026, 12, 1))  # (date(2026, 12, 1), time(18, 30))

The day is read by :func:`marketbot.domain.schedule.parse_day` (none: today); 下午, 傍晚, 晚上
and 夜里 put hours below 12 after noon. ``None`` for anything else.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, time, timedelta

from marketbot.domain.schedule import parse_day

__all__ = ["read_day_time"]

_SHORT = {
    "明早": "明天早上",
    "明晚": "明天晚上",
    "今早": "今天早上",
    "今晚": "今天晚上",
    "后早": "后天早上",
    "后晚": "后天晚上",
}
_CN_HOURS = {c: i for i, c in enumerate("零一二三四五六七八九十", start=0)}
_AFTERNOON = ("下午", "傍晚", "晚上", "夜里", "晚")
_PATTERN = re.compile(
    r"(?P<day>.*?)"
    r"(?P<part>凌晨|早上|早晨|清早|上午|中午|下午|傍晚|晚上|夜里|早|晚)?"
    r"(?P<h>\d{1,2}|[零一二两三四五六七八九十]{1,3})(?:点钟?|时|:)"
    r"(?P<m>\d{1,2}|半|一刻|三刻|整|[一二三四五]?十[一二三四五六七八九]?|零?[一二三四五六七八九])?分?"
)


def _cn(number: str) -> int | None:
    number = number.replace("两", "二")
    if number.isdigit():
        return int(number)
    if number == "十":
        return 10
    if number.startswith("十"):
        rest = _CN_HOURS.get(number[1:])
        return None if rest is None else 10 + rest
    if "十" in number:
        tens, _, ones = number.partition("十")
        high, low = _CN_HOURS.get(tens), _CN_HOURS.get(ones) if ones else 0
        return None if high is None or low is None else high * 10 + low
    if number.startswith("零"):
        number = number[1:]
    return _CN_HOURS.get(number) if len(number) == 1 else None


def _minutes(text: str | None) -> int | None:
    if not text or text == "整":
        return 0
    return {"半": 30, "一刻": 15, "三刻": 45}.get(text, _cn(text))


def read_day_time(text: str, today: date) -> tuple[date, time] | None:
    """The day (``today`` when none is said) and time in ``text``, or ``None``."""
    normal = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    for short, long in _SHORT.items():
        normal = normal.replace(short, long)
    match = _PATTERN.fullmatch(normal)
    if match is None:
        return None
    day = parse_day(match["day"], today) if match["day"] else today
    hour, minute = _cn(match["h"]), _minutes(match["m"])
    if day is None or hour is None or minute is None:
        return None
    part = match["part"] or ""
    if part in _AFTERNOON and hour == 12:  # 晚上12点: midnight, at the start of the next day
        return day + timedelta(days=1), time(0, minute)
    if (part in _AFTERNOON and hour < 12) or (part == "中午" and hour < 3):
        hour += 12
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return day, time(hour, minute)
