"""The market rule model (plain frozen data) and the dates it generates.

A :class:`MarketRule` is a union of include clauses minus a union of exclude clauses. A
:class:`Clause` is a set of days (days of a lunar or solar month, weekdays, day branches, every
day), optionally restricted to periods (lunar or solar months, yearly or one-off date spans); a
clause with periods and no day sets means every day of those periods. Dates are computed window
by window from the lunar month tables of :mod:`marketbot.calendar.lunar`.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Literal

from marketbot.calendar import lunar

if TYPE_CHECKING:
    pass

__all__ = [
    "Branches",
    "CalendarOptions",
    "CalendarSystem",
    "Clause",
    "Day30",
    "DaySet",
    "EveryDay",
    "LunarMonths",
    "MarketRule",
    "MonthDay",
    "MonthDays",
    "Period",
    "SolarMonths",
    "Span",
    "Weekdays",
]

CalendarSystem = Literal["lunar", "solar"]
Day30 = Literal["skip", "day29", "next1"]
Interval = tuple[date, date]

_ONE_DAY = timedelta(days=1)
# next_dates() searches windows of this many days, doubling each time, up to LAST_DATE.
_FIRST_WINDOW = 62


@dataclass(frozen=True)
class CalendarOptions:
    """Per-market settings for the cases no published rule decides.

    ``day30``: what a rule's lunar 30th does in a 29-day month — ``skip`` it, hold it on 廿九
    (``day29``) or on the next 初一 (``next1``). ``fairs_in_leap_month``: yearly lunar dates are
    also held in the leap month of the same number.
    """

    day30: Day30 = "skip"
    fairs_in_leap_month: bool = False


@dataclass(frozen=True)
class MonthDays:
    """Days of the month (lunar 1–30 or solar 1–31)."""

    calendar: CalendarSystem
    days: frozenset[int]


@dataclass(frozen=True)
class Weekdays:
    """Days of the week, 0 = Monday … 6 = Sunday."""

    days: frozenset[int]


@dataclass(frozen=True)
class Branches:
    """Days whose earthly branch is one of ``branches`` (0 = 子 … 11 = 亥)."""

    branches: frozenset[int]


@dataclass(frozen=True)
class EveryDay:
    """Every day."""


DaySet = MonthDays | Weekdays | Branches | EveryDay


@dataclass(frozen=True)
class MonthDay:
    """A month and day of a span; a lunar month may be a leap one."""

    month: int
    day: int
    leap: bool = False


@dataclass(frozen=True)
class LunarMonths:
    """Whole lunar months by number; a leap month counts as its number too (闰五月 is a 五月)."""

    months: frozenset[int]


@dataclass(frozen=True)
class SolarMonths:
    """Whole solar months by number."""

    months: frozenset[int]


@dataclass(frozen=True)
class Span:
    """Consecutive days from ``start``: to ``end`` (inclusive) or for ``length`` days.

    Every year unless ``year`` is set (a lunar year for lunar spans). Range ends that a month
    lacks are clamped to its last day (so 腊月三十 as a range end is 除夕); a single lunar 30th
    that a 29-day month lacks follows :attr:`CalendarOptions.day30`.
    """

    calendar: CalendarSystem
    start: MonthDay
    end: MonthDay | None = None
    length: int = 1
    year: int | None = None


Period = LunarMonths | SolarMonths | Span


@dataclass(frozen=True)
class Clause:
    """The union of ``days`` (every day when empty) within the union of ``periods`` (always)."""

    days: tuple[DaySet, ...] = ()
    periods: tuple[Period, ...] = ()


@dataclass(frozen=True)
class MarketRule:
    """A market schedule as typed (``source``) and understood (include minus exclude)."""

    source: str
    include: tuple[Clause, ...]
    exclude: tuple[Clause, ...] = ()

    def dates_between(
        self, start: date, end: date, options: CalendarOptions = CalendarOptions()
    ) -> list[date]:
        """Market days from ``start`` to ``end`` inclusive, sorted and unique."""
        lunar.check_range(start)
        lunar.check_range(end)
        if end < start:
            return []
        wanted = _clauses_dates(self.include, start, end, options)
        if wanted and self.exclude:
            wanted -= _clauses_dates(self.exclude, start, end, options)
        return sorted(wanted)

    def next_dates(
        self, start: date, count: int, options: CalendarOptions = CalendarOptions()
    ) -> list[date]:
        """The first ``count`` market days on or after ``start`` (fewer near the range end)."""
        lunar.check_range(start)
        horizon = min(lunar.LAST_DATE, self._last_possible())
        found: list[date] = []
        window = _FIRST_WINDOW
        while count > len(found) and start <= horizon:
            end = min(horizon, start + timedelta(days=window - 1))
            found.extend(self.dates_between(start, end, options))
            start, window = end + _ONE_DAY, window * 2
        return found[: max(count, 0)]

    def hits_day30(self, start: date, end: date) -> bool:
        """Whether the day-30 setting changes a market day from ``start`` to ``end``.

        That happens when the rule wants a lunar 30th that a 29-day month in the window lacks
        (and no exception removes it), so the confirmation should mention the setting.
        """
        skip = self.dates_between(start, end, CalendarOptions(day30="skip"))
        return any(
            self.dates_between(start, end, CalendarOptions(day30=other)) != skip
            for other in ("day29", "next1")
        )

    def hits_leap_fair(self, start: date, end: date) -> bool:
        """Whether holding yearly fairs in leap months too changes a day from start to end."""
        regular = self.dates_between(start, end, CalendarOptions())
        both = self.dates_between(start, end, CalendarOptions(fairs_in_leap_month=True))
        return regular != both

    def _last_possible(self) -> date:
        """A date after which the rule surely has no market day (LAST_DATE when recurring)."""
        years: list[int] = []
        for clause in self.include:
            spans = [p for p in clause.periods if isinstance(p, Span) and p.year is not None]
            if not clause.periods or len(spans) != len(clause.periods):
                return lunar.LAST_DATE
            years.extend(s.year for s in spans if s.year is not None)
        return min(lunar.LAST_DATE, date(max(years) + 2, 12, 31)) if years else lunar.LAST_DATE


def _clauses_dates(
    clauses: Iterable[Clause], start: date, end: date, options: CalendarOptions
) -> set[date]:
    found: set[date] = set()
    for clause in clauses:
        found |= _clause_dates(clause, start, end, options)
    return found


def _clause_dates(clause: Clause, start: date, end: date, options: CalendarOptions) -> set[date]:
    if not clause.periods:
        return _days_dates(clause.days, start, end, options)
    intervals = _merge(
        interval
        for period in clause.periods
        for interval in _period_intervals(period, start, end, options)
    )
    if not intervals:
        return set()
    if not clause.days:
        return {d for a, b in intervals for d in _each_day(a, b)}
    candidates = _days_dates(clause.days, intervals[0][0], intervals[-1][1], options)
    return {d for d in candidates if any(a <= d <= b for a, b in intervals)}


def _days_dates(
    days: Iterable[DaySet], start: date, end: date, options: CalendarOptions
) -> set[date]:
    found: set[date] = set()
    for day_set in days:
        found |= set(_day_set_dates(day_set, start, end, options))
    return found


def _day_set_dates(
    day_set: DaySet, start: date, end: date, options: CalendarOptions
) -> Iterator[date]:
    match day_set:
        case EveryDay():
            yield from _each_day(start, end)
        case Weekdays(days=weekdays):
            yield from (d for d in _each_day(start, end) if d.weekday() in weekdays)
        case Branches(branches=branches):
            yield from (d for d in _each_day(start, end) if lunar.day_branch(d) in branches)
        case MonthDays(calendar="solar", days=days):
            for year, number in _solar_months(start, end):
                length = calendar.monthrange(year, number)[1]
                for day in days:
                    if day <= length and start <= (solar := date(year, number, day)) <= end:
                        yield solar
        case MonthDays(days=days):
            # A 30th moved to the next 初一 belongs to the month before the window.
            for month in lunar.months_between(start - timedelta(days=30), end):
                for day in days:
                    moved = _lunar_day(month, day, options)
                    if moved is not None and start <= moved <= end:
                        yield moved


def _lunar_day(month: lunar.LunarMonth, day: int, options: CalendarOptions) -> date | None:
    """The solar date of ``day`` in ``month``, applying the day-30 setting."""
    if day <= month.length:
        return month.first + timedelta(days=day - 1)
    if options.day30 == "day29":
        return month.last
    if options.day30 == "next1":
        return month.last + _ONE_DAY
    return None


def _period_intervals(
    period: Period, start: date, end: date, options: CalendarOptions
) -> Iterator[Interval]:
    match period:
        case LunarMonths(months=months):
            for month in lunar.months_between(start, end):
                if month.month in months:
                    yield max(month.first, start), min(month.last, end)
        case SolarMonths(months=months):
            for year, number in _solar_months(start, end):
                if number in months:
                    last = date(year, number, calendar.monthrange(year, number)[1])
                    yield max(date(year, number, 1), start), min(last, end)
        case Span(calendar="lunar"):
            for a, b in _lunar_span_intervals(period, start, end, options):
                if a <= end and b >= start:
                    yield max(a, start), min(b, end)
        case Span():
            for a, b in _solar_span_intervals(period, start, end):
                if a <= end and b >= start:
                    yield max(a, start), min(b, end)


def _lunar_span_intervals(
    span: Span, start: date, end: date, options: CalendarOptions
) -> Iterator[Interval]:
    first_year = lunar.month_of(start).year - 1
    last_year = lunar.month_of(end).year
    years = range(max(first_year, lunar.TABLE_FIRST_YEAR), last_year + 1)
    if span.year is not None:
        years = range(span.year, span.year + 1) if span.year in years else range(0)
    for year in years:
        for month in lunar.months_of_year(year):
            if month.month != span.start.month:
                continue
            if month.leap != span.start.leap and not (
                month.leap and options.fairs_in_leap_month and span.year is None
            ):
                continue
            interval = _lunar_span_at(span, month, options)
            if interval is not None:
                yield interval


def _lunar_span_at(
    span: Span, month: lunar.LunarMonth, options: CalendarOptions
) -> Interval | None:
    """The days of ``span`` when it starts in ``month``."""
    if span.end is None:
        first = _lunar_day(month, span.start.day, options)
        return None if first is None else (first, first + timedelta(days=span.length - 1))
    first = month.first + timedelta(days=min(span.start.day, month.length) - 1)
    end_month = month
    if not (
        span.end.month == span.start.month and not span.end.leap and span.end.day >= span.start.day
    ):
        end_month = next(
            (
                m
                for m in lunar.months_after(month)
                if m.month == span.end.month and m.leap == span.end.leap
            ),
            month,
        )
        if end_month is month:
            return None
    last = end_month.first + timedelta(days=min(span.end.day, end_month.length) - 1)
    return first, last


def _solar_span_intervals(span: Span, start: date, end: date) -> Iterator[Interval]:
    years = range(start.year - 1, end.year + 1) if span.year is None else (span.year,)
    for year in years:
        first = _solar_date(year, span.start, clamp=False)
        if first is None:
            continue
        if span.end is None:
            yield first, first + timedelta(days=span.length - 1)
            continue
        last = _solar_date(year, span.end, clamp=True)
        if last is not None and last < first:
            last = _solar_date(year + 1, span.end, clamp=True)
        if last is not None:
            yield first, last


def _solar_date(year: int, md: MonthDay, *, clamp: bool) -> date | None:
    if not 1 <= year <= 9999:
        return None
    length = calendar.monthrange(year, md.month)[1]
    if md.day > length and not clamp:
        return None
    return date(year, md.month, min(md.day, length))


def _solar_months(start: date, end: date) -> Iterator[tuple[int, int]]:
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _each_day(start: date, end: date) -> Iterator[date]:
    d = start
    while d <= end:
        yield d
        d += _ONE_DAY


def _merge(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for a, b in sorted(intervals):
        if merged and a <= merged[-1][1] + _ONE_DAY:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged
