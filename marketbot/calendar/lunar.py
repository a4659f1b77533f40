"""Lunar (农历) month tables from tyme4py, solar ↔ lunar conversion and the sexagenary day cycle.

tyme4py is exact but slow per conversion, so each lunar year is converted once into a table of
its months (first solar day, length, leap flag), built lazily and cached; every date computation
reads those tables. Public functions accept solar dates from :data:`FIRST_DATE` to
:data:`LAST_DATE` and raise :class:`CalendarRangeError` outside.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from tyme4py.lunar import LunarYear

__all__ = [
    "DAY_NAMES",
    "FIRST_DATE",
    "LAST_DATE",
    "MONTH_NAMES",
    "TABLE_FIRST_YEAR",
    "TABLE_LAST_YEAR",
    "CalendarRangeError",
    "LunarDate",
    "LunarMonth",
    "check_range",
    "day_branch",
    "month_of",
    "months_after",
    "months_between",
    "months_of_year",
    "to_lunar",
    "to_solar",
]

FIRST_DATE = date(1901, 1, 1)
LAST_DATE = date(2099, 12, 31)
# Lunar years whose months are tabled: 1900 holds January 1901, 2100 the end of lunar 2099 and
# the months that rules look ahead into.
TABLE_FIRST_YEAR = 1900
TABLE_LAST_YEAR = 2100
# date.toordinal() + _JDN_OFFSET is the Julian day number of that date (at noon).
_JDN_OFFSET = 1721425
# (Julian day number + 49) % 60 is the day's place in the sexagenary cycle (0 = 甲子).
_CYCLE_OFFSET = 49

MONTH_NAMES = (
    "正月",
    "二月",
    "三月",
    "四月",
    "五月",
    "六月",
    "七月",
    "八月",
    "九月",
    "十月",
    "冬月",
    "腊月",
)
DAY_NAMES = (
    *(f"初{d}" for d in "一二三四五六七八九十"),
    *(f"十{d}" for d in "一二三四五六七八九"),
    "二十",
    *(f"廿{d}" for d in "一二三四五六七八九"),
    "三十",
)


class CalendarRangeError(ValueError):
    """A date outside the supported range (:data:`FIRST_DATE` … :data:`LAST_DATE`)."""


@dataclass(frozen=True, slots=True)
class LunarMonth:
    """One lunar month: its lunar year, number (1–12), leap flag, first solar day and length."""

    year: int
    month: int
    leap: bool
    first: date
    length: int

    @property
    def last(self) -> date:
        return self.first + timedelta(days=self.length - 1)


@dataclass(frozen=True, slots=True)
class LunarDate:
    """A lunar date: lunar year, month number, day (1–30) and whether the month is a leap one."""

    year: int
    month: int
    day: int
    leap: bool = False


def check_range(d: date) -> None:
    """Raise :class:`CalendarRangeError` when ``d`` is outside the supported range."""
    if not FIRST_DATE <= d <= LAST_DATE:
        raise CalendarRangeError(
            f"{d.isoformat()} is outside the supported range "
            f"{FIRST_DATE.isoformat()} to {LAST_DATE.isoformat()}"
        )


@functools.cache
def months_of_year(year: int) -> tuple[LunarMonth, ...]:
    """The months of lunar year ``year`` in order (a leap month follows its regular month)."""
    if not TABLE_FIRST_YEAR <= year <= TABLE_LAST_YEAR:
        raise CalendarRangeError(
            f"lunar year {year} is outside {TABLE_FIRST_YEAR}–{TABLE_LAST_YEAR}"
        )
    months = []
    for month in LunarYear.from_year(year).get_months():
        first = date.fromordinal(month.get_first_julian_day().get_day() - _JDN_OFFSET)
        months.append(
            LunarMonth(year, month.get_month(), month.is_leap(), first, month.get_day_count())
        )
    return tuple(months)


@functools.cache
def _firsts(year: int) -> tuple[date, ...]:
    return tuple(m.first for m in months_of_year(year))


def month_of(d: date) -> LunarMonth:
    """The lunar month that contains the solar date ``d``."""
    year = d.year if d >= months_of_year(d.year)[0].first else d.year - 1
    index = bisect.bisect_right(_firsts(year), d) - 1
    return months_of_year(year)[index]


def months_between(start: date, end: date) -> Iterator[LunarMonth]:
    """The lunar months that overlap ``start`` … ``end`` (inclusive), in order."""
    first_year = max(TABLE_FIRST_YEAR, month_of(max(start, FIRST_DATE)).year)
    last_year = min(TABLE_LAST_YEAR, month_of(min(end, LAST_DATE)).year)
    for year in range(first_year, last_year + 1):
        for month in months_of_year(year):
            if month.first <= end and month.last >= start:
                yield month


def months_after(month: LunarMonth) -> Iterator[LunarMonth]:
    """The months that follow ``month``, up to the end of the table."""
    later = False
    for year in range(month.year, TABLE_LAST_YEAR + 1):
        for other in months_of_year(year):
            if later:
                yield other
            later = later or other == month


def to_lunar(d: date) -> LunarDate:
    """The lunar date of the solar date ``d``."""
    check_range(d)
    month = month_of(d)
    return LunarDate(month.year, month.month, (d - month.first).days + 1, month.leap)


def to_solar(year: int, month: int, day: int, leap: bool = False) -> date:
    """The solar date of a lunar date; ValueError when that lunar date does not exist."""
    for candidate in months_of_year(year):
        if candidate.month == month and candidate.leap == leap:
            if not 1 <= day <= candidate.length:
                raise ValueError(f"lunar {year}-{'leap ' if leap else ''}{month} has no day {day}")
            result = candidate.first + timedelta(days=day - 1)
            check_range(result)
            return result
    raise ValueError(f"lunar year {year} has no {'leap ' if leap else ''}month {month}")


def day_branch(d: date) -> int:
    """The earthly branch of the day ``d`` (0 = 子 … 11 = 亥); the day cycle never breaks."""
    return (d.toordinal() + _JDN_OFFSET + _CYCLE_OFFSET) % 12
