"""Market days: the schedule a secretary typed, the days cancelled or moved, and what comes next.

The rows live in :class:`marketbot.storage.schedules.ScheduleStore`. Days are civil dates (ISO text
in the database) in the market's time zone; :func:`market_today` turns the clock's instant into
that date.

Usage::

    today = market_today(now, market.timezone)
    days = upcoming(schedule, changes, today, 5)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from marketbot.calendar import CalendarOptions, MarketRule, lunar, parse_rule
from marketbot.calendar.rules import Day30

__all__ = [
    "DAY30",
    "RELATIVE_DAYS",
    "DayChange",
    "Schedule",
    "UpcomingDay",
    "market_today",
    "parse_day",
    "upcoming",
    "upcoming_from",
]

DAY30: dict[str, Day30] = {"skip": "skip", "day29": "day29", "next1": "next1"}
"""The stored ``day30`` values."""


@dataclass(frozen=True, slots=True)
class Schedule:
    """A market's schedule phrase as typed, with the calendar settings chosen for it."""

    market_id: int
    phrase: str
    options: CalendarOptions

    def rule(self) -> MarketRule:
        """The phrase understood (it parsed when it was saved)."""
        return _parsed(self.phrase)


@dataclass(frozen=True, slots=True)
class DayChange:
    """A scheduled market ``day`` that is cancelled (``moved_to`` is None) or moved."""

    day: date
    moved_to: date | None
    reason: str

    @property
    def cancelled(self) -> bool:
        return self.moved_to is None


@dataclass(frozen=True, slots=True)
class UpcomingDay:
    """A scheduled market day and what a secretary changed about it, if anything."""

    day: date
    change: DayChange | None = None
    moved_in: bool = False
    """Not one of the listed days: a day moved from outside the list onto a date it covers."""

    @property
    def held_on(self) -> date | None:
        """When the market is actually held: the day, the day it moved to, or None."""
        if self.change is None:
            return self.day
        return self.change.moved_to


def market_today(now: datetime, timezone: str) -> date:
    """The civil date at the market for the instant ``now``."""
    return now.astimezone(ZoneInfo(timezone)).date()


def upcoming(
    schedule: Schedule, changes: Mapping[date, DayChange], today: date, count: int
) -> list[UpcomingDay]:
    """The next ``count`` scheduled days from ``today`` with their changes, plus days moved in.

    A day moved from outside the list (already past, or later) onto a date the list covers is
    added too, so a visitor sees every market that will be held in that stretch.
    """
    scheduled = _next_dates(schedule.phrase, schedule.options, today, count)
    return upcoming_from(scheduled, changes, today)


@lru_cache(maxsize=256)
def _parsed(phrase: str) -> MarketRule:
    """A phrase parsed once (every /start shows the next market day)."""
    return parse_rule(phrase)


@lru_cache(maxsize=256)
def _next_dates(
    phrase: str, options: CalendarOptions, today: date, count: int
) -> tuple[date, ...]:
    """The next ``count`` days of a phrase from ``today``, computed once per day."""
    return tuple(_parsed(phrase).next_dates(today, count, options))


def upcoming_from(
    scheduled: Sequence[date], changes: Mapping[date, DayChange], today: date
) -> list[UpcomingDay]:
    """:func:`upcoming` for days the rule gave already (computed once for many markets)."""
    days = [UpcomingDay(d, changes.get(d)) for d in scheduled]
    listed = set(scheduled)
    last = scheduled[-1] if scheduled else None
    for change in changes.values():
        target = change.moved_to
        if change.day in listed or target is None or target < today:
            continue
        if change.day < today or (last is not None and target <= last):
            days.append(UpcomingDay(change.day, change, moved_in=True))
    return sorted(days, key=_sort_key)


def _sort_key(day: UpcomingDay) -> tuple[date, date]:
    """A moved-in day sorts at its new date, any other at its scheduled date."""
    return (day.held_on or day.day if day.moved_in else day.day), day.day


_FULL_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?")
_MONTH_DAY = re.compile(r"(\d{1,2})[-/.月](\d{1,2})[日号]?")


RELATIVE_DAYS = {
    **{"今天": 0, "今日": 0, "今儿": 0, "明天": 1, "明日": 1, "明儿": 1, "后天": 2, "大后天": 3},
    **{"today": 0, "tomorrow": 1, "thedayaftertomorrow": 2},
}
"""Words naming a day by its distance from today (spaces left out)."""
_DAY_OF_MONTH = re.compile(r"(?:本月|这个月|下个?月)?(\d{1,2})[日号]")
_WEEKDAY = re.compile(r"(下下|下|这|本|今)?(?:个)?(?:周|星期|礼拜)([一二三四五六日天1-7])")
_WEEKDAYS = {**{c: i for i, c in enumerate("一二三四五六")}, "日": 6, "天": 6}
_WEEKDAYS.update({str(i + 1): i for i in range(7)})
_LUNAR = re.compile(r"(?:农历|阴历)?(闰)?(正|二|三|四|五|六|七|八|九|十|冬|十一|腊|十二)月(.{2})")
_LUNAR_DAY_ALONE = re.compile(r"(?:农历|阴历)(.{2})|(初.|廿.)")
"""A lunar day without its month: 农历十五, 初六, 廿三 (初 and 廿 are only ever lunar)."""
LUNAR_MONTH_MAX = 60
"""Days within which every lunar day comes round (a lunar month has 29 or 30)."""
_EN_WEEKDAYS = {
    **{name: i for i, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
    **{
        name: i
        for i, name in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    },
    "tues": 1,
    "thur": 3,
    "thurs": 3,
}
_LUNAR_MONTHS = {name[:-1]: i + 1 for i, name in enumerate(lunar.MONTH_NAMES)}
_LUNAR_MONTHS.update({"一": 1, "十一": 11, "十二": 12})


def _day_of_month(normal: str, today: date) -> date | None:
    match = _DAY_OF_MONTH.fullmatch(normal)
    if match is None:
        return None
    day, year, month = int(match[1]), today.year, today.month
    if normal.startswith("下"):
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return _date(year, month, day)
    for _ in range(3):
        found = _date(year, month, day)
        if found is not None and found >= today:
            return found
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


def _weekday(normal: str, today: date) -> date | None:
    match = _WEEKDAY.fullmatch(normal)
    if match is None:
        return None
    target = _WEEKDAYS[match[2]]
    monday = today - timedelta(days=today.weekday())
    weeks = {"下": 1, "下下": 2}.get(match[1] or "", 0)
    if weeks:
        return monday + timedelta(weeks=weeks, days=target)
    found = monday + timedelta(days=target)
    if match[1] is None and found < today:  # 周六: the next one
        found += timedelta(weeks=1)
    return found


def _lunar_day(normal: str, today: date) -> date | None:
    match = _LUNAR.fullmatch(normal)
    if match is None or match[3] not in lunar.DAY_NAMES:
        return None
    month, day = _LUNAR_MONTHS[match[2]], lunar.DAY_NAMES.index(match[3]) + 1
    start = lunar.to_lunar(today).year
    for year in (start - 1, start, start + 1):
        try:
            found = lunar.to_solar(year, month, day, leap=match[1] is not None)
        except ValueError:
            continue
        if found >= today:
            return found
    return None


def _lunar_day_alone(normal: str, today: date) -> date | None:
    match = _LUNAR_DAY_ALONE.fullmatch(normal)
    if match is None or (match[1] or match[2]) not in lunar.DAY_NAMES:
        return None
    wanted = lunar.DAY_NAMES.index(match[1] or match[2]) + 1
    for offset in range(LUNAR_MONTH_MAX):
        day = today + timedelta(days=offset)
        if lunar.FIRST_DATE <= day <= lunar.LAST_DATE and lunar.to_lunar(day).day == wanted:
            return day
    return None


def _english(normal: str, today: date) -> date | None:
    word = normal.casefold().removeprefix("on").removeprefix("this")
    if word not in _EN_WEEKDAYS:
        return None
    return today + timedelta(days=(_EN_WEEKDAYS[word] - today.weekday()) % 7)


def parse_day(text: str, today: date) -> date | None:
    """A date as people type it: ``2026-12-05``, ``2026年12月5日``, ``12月5日``, ``12/5``,
    ``8号``, ``明天``, ``后天``, ``周六``, ``下周六``, ``腊月初八``, ``农历十月廿六``, ``初六``,
    ``农历十五``, ``tomorrow``, ``Saturday``.

    Without a year it is the next such date on or after ``today``. None if not a real date.
    """
    normal = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    if normal.casefold() in RELATIVE_DAYS:
        return today + timedelta(days=RELATIVE_DAYS[normal.casefold()])
    for reader in (_day_of_month, _weekday, _lunar_day, _lunar_day_alone, _english):
        found = reader(normal, today)
        if found is not None:
            return found
    full = _FULL_DATE.fullmatch(normal)
    if full:
        return _date(int(full[1]), int(full[2]), int(full[3]))
    short = _MONTH_DAY.fullmatch(normal)
    if short is None:
        return None
    month, day = int(short[1]), int(short[2])
    for year in range(today.year, today.year + 9):  # 29 February comes back within 8 years
        found = _date(year, month, day)
        if found is not None and found >= today:
            return found
    return None


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
