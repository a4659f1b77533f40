"""Dates of every rule form, cross-checked day by day against borax (2026–2030), and edge cases.

The expected dates are computed here from borax's own conversions (lunar day, month length,
leap flag, day branch) with a plain predicate per phrase — never from marketbot's month tables.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from borax.calendars.lunardate import LCalendars, LunarDate

from marketbot.calendar import CalendarOptions, CalendarRangeError, lunar_label, parse_rule

START, END = date(2026, 1, 1), date(2030, 12, 31)
OPTIONS = [CalendarOptions(day30=d) for d in ("skip", "day29", "next1")]


@dataclass(frozen=True)
class Day:
    """One solar day as borax sees it."""

    solar: date
    month: int
    day: int
    leap: bool
    month_length: int
    branch: str
    previous: Day | None

    def wants(self, days: set[int], option: CalendarOptions) -> bool:
        """Is this a market day of a lunar day-of-month rule, with the day-30 setting?"""
        if self.day in days:
            return True
        if 30 not in days:
            return False
        if option.day30 == "day29":
            return self.day == 29 and self.month_length == 29
        if option.day30 == "next1":
            before = self.previous
            return self.day == 1 and before is not None and before.month_length == 29
        return False

    @property
    def new_years_eve(self) -> bool:
        return self.month == 12 and not self.leap and self.day == self.month_length

    @property
    def spring_festival(self) -> bool:
        """春节期间 as documented: 除夕 through 正月初五."""
        return self.new_years_eve or (self.month == 1 and not self.leap and self.day <= 5)


@functools.cache
def borax_days() -> tuple[Day, ...]:
    days: list[Day] = []
    previous = None
    d = START - timedelta(days=1)
    while d <= END:
        ld = LunarDate.from_solar(d)
        length = LCalendars.ndays(ld.year, ld.month, ld.leap)
        previous = Day(d, ld.month, ld.day, bool(ld.leap), length, ld.gz_day[1], previous)
        days.append(previous)
        d += timedelta(days=1)
    return tuple(days[1:])


def borax_fair(month: int, day: int, length: int = 1) -> set[date]:
    """Every solar day of a yearly lunar fair in 2026–2030, from borax's lunar → solar."""
    found: set[date] = set()
    for year in range(2025, 2031):
        first = LunarDate(year, month, day, 0).to_solar_date()
        found |= {first + timedelta(days=k) for k in range(length)}
    return {d for d in found if START <= d <= END}


Predicate = Callable[[Day, CalendarOptions], bool]


def endings(*values: int) -> set[int]:
    return {d for d in range(1, 31) if (d % 10 or 10) in values}


CASES: dict[str, Predicate] = {
    "逢三六九": lambda b, o: b.wants(endings(3, 6, 9), o),
    "逢一四七": lambda b, o: b.wants(endings(1, 4, 7), o),
    "逢二五八": lambda b, o: b.wants(endings(2, 5, 8), o),
    "逢五逢十": lambda b, o: b.wants(endings(5, 10), o),
    "农历逢三、六、九": lambda b, o: b.wants(endings(3, 6, 9), o),
    "每逢一四七的集": lambda b, o: b.wants(endings(1, 4, 7), o),
    "公历逢1、5": lambda b, o: b.solar.day % 10 in (1, 5),
    "阳历逢三六九": lambda b, o: b.solar.day % 10 in (3, 6, 9),
    "逢1、6": lambda b, o: b.solar.day % 10 in (1, 6),
    "初一、十五": lambda b, o: b.wants({1, 15}, o),
    "每月初一十五": lambda b, o: b.wants({1, 15}, o),
    "每周六": lambda b, o: b.solar.weekday() == 5,
    "星期二、六": lambda b, o: b.solar.weekday() in (1, 5),
    "周末": lambda b, o: b.solar.weekday() >= 5,
    "礼拜天": lambda b, o: b.solar.weekday() == 6,
    "天天": lambda b, o: True,
    "单日": lambda b, o: b.wants(set(range(1, 31, 2)), o),
    "双日": lambda b, o: b.wants(set(range(2, 31, 2)), o),
    "农历双日": lambda b, o: b.wants(set(range(2, 31, 2)), o),
    "单号": lambda b, o: b.solar.day % 2 == 1,
    "公历双日": lambda b, o: b.solar.day % 2 == 0,
    "赶子午": lambda b, o: b.branch in "子午",
    "丑未": lambda b, o: b.branch in "丑未",
    "寅申": lambda b, o: b.branch in "寅申",
    "卯酉": lambda b, o: b.branch in "卯酉",
    "辰戌": lambda b, o: b.branch in "辰戌",
    "巳亥": lambda b, o: b.branch in "巳亥",
    "农历三月十八": lambda b, o: (b.month, b.day, b.leap) == (3, 18, False),
    "2026年12月20日": lambda b, o: b.solar == date(2026, 12, 20),
    "逢三六九，腊月停集": lambda b, o: b.wants(endings(3, 6, 9), o) and b.month != 12,
    "每周六，春节期间除外": lambda b, o: b.solar.weekday() == 5 and not b.spring_festival,
    "逢一四七，正月不赶": lambda b, o: b.wants(endings(1, 4, 7), o) and b.month != 1,
    "逢五逢十，除夕到初五停集": lambda b, o: b.wants(endings(5, 10), o) and not b.spring_festival,
    "逢三六九，腊月天天有集": lambda b, o: b.wants(endings(3, 6, 9), o) or b.month == 12,
    "除腊月外，逢二五八": lambda b, o: b.wants(endings(2, 5, 8), o) and b.month != 12,
    "星期二、六和初一十五": lambda b, o: b.solar.weekday() in (1, 5) or b.wants({1, 15}, o),
}


@pytest.mark.parametrize("option", OPTIONS, ids=lambda o: o.day30)
@pytest.mark.parametrize("phrase", list(CASES))
def test_rule_matches_borax_day_by_day(phrase: str, option: CalendarOptions) -> None:
    expected = [b.solar for b in borax_days() if CASES[phrase](b, option)]
    assert parse_rule(phrase).dates_between(START, END, option) == expected


@pytest.mark.parametrize(
    ("phrase", "fair"),
    [
        ("每年农历三月十八庙会，三天", (3, 18, 3)),
        ("三月十八至二十", (3, 18, 3)),
        ("农历三月十八", (3, 18, 1)),
        ("腊八", (12, 8, 1)),
    ],
)
def test_yearly_fairs_match_borax(phrase: str, fair: tuple[int, int, int]) -> None:
    assert parse_rule(phrase).dates_between(START, END) == sorted(borax_fair(*fair))


def test_yearly_fair_crossing_the_new_year() -> None:
    rule = parse_rule("腊月廿三至正月十五")
    days = rule.dates_between(date(2027, 1, 1), date(2027, 3, 31))
    assert days[0] == LunarDate(2026, 12, 23).to_solar_date()
    assert days[-1] == LunarDate(2027, 1, 15).to_solar_date() == date(2027, 2, 20)
    assert len(days) == (days[-1] - days[0]).days + 1


def test_day30_gap_under_skip() -> None:
    # 逢五逢十 in a 29-day month: 廿五 → next 初五 is nine days under "skip".
    rule = parse_rule("逢五逢十")
    days = rule.dates_between(date(2026, 1, 1), date(2026, 3, 31))
    eve = date(2026, 2, 16)  # 腊月廿九: lunar 2025's 腊月 has 29 days
    before = [d for d in days if d <= eve][-1]
    after = next(d for d in days if d > eve)
    assert (lunar_label(before, "zh"), lunar_label(after, "zh")) == ("腊月廿五", "正月初五")
    assert (after - before).days == 9


@pytest.mark.parametrize(
    ("day30", "expected"),
    [("skip", None), ("day29", date(2026, 2, 16)), ("next1", date(2026, 2, 17))],
)
def test_day30_settings(day30: str, expected: date | None) -> None:
    rule = parse_rule("逢十")
    window = (date(2026, 2, 7), date(2026, 2, 20))
    options = CalendarOptions(day30=day30)  # type: ignore[arg-type]
    extra = [d for d in rule.dates_between(*window, options) if d != date(2026, 2, 7)]
    assert extra == ([] if expected is None else [expected])


def test_hits_day30_only_when_the_setting_matters() -> None:
    window = (date(2026, 2, 1), date(2026, 2, 28))  # contains the 29-day 腊月 end
    assert parse_rule("逢五逢十").hits_day30(*window)
    assert parse_rule("双日").hits_day30(*window)
    assert not parse_rule("逢三六九").hits_day30(*window)
    assert not parse_rule("每周六").hits_day30(*window)
    # 三月 of lunar 2026 (2026-04-17 … 05-16) has 30 days: nothing to mention …
    assert not parse_rule("逢十").hits_day30(date(2026, 4, 18), date(2026, 5, 16))
    # … but 二月 before it has 29, and "next1" would hold its 30th on 三月初一 (04-17).
    assert parse_rule("逢十").hits_day30(date(2026, 4, 17), date(2026, 5, 16))
    # An exception that removes the moved day makes the setting moot.
    assert not parse_rule("逢十，腊月停集，春节期间停集").hits_day30(*window)


def test_leap_month_counts_as_its_own_month_for_day_rules() -> None:
    # 闰五月 2028 runs 2028-06-23 … 2028-07-21 (29 days).
    days = parse_rule("逢三六九").dates_between(date(2028, 6, 23), date(2028, 7, 21))
    assert [lunar_label(d, "zh") for d in days][:3] == ["闰五月初三", "闰五月初六", "闰五月初九"]
    assert len(days) == 9


def test_yearly_fairs_in_the_leap_month_only_when_set() -> None:
    rule = parse_rule("农历五月初十")
    year = (date(2028, 1, 1), date(2028, 12, 31))
    assert rule.dates_between(*year) == [LunarDate(2028, 5, 10, 0).to_solar_date()]
    both = rule.dates_between(*year, CalendarOptions(fairs_in_leap_month=True))
    assert both == [LunarDate(2028, 5, 10, 0).to_solar_date(), date(2028, 7, 2)]
    assert rule.hits_leap_fair(*year)
    assert not rule.hits_leap_fair(date(2027, 1, 1), date(2027, 12, 31))
    leap_only = parse_rule("闰五月初十")
    assert leap_only.dates_between(*year) == [date(2028, 7, 2)]


def test_month_exceptions_cover_the_leap_month_too() -> None:
    days = parse_rule("天天，五月停集").dates_between(date(2028, 5, 20), date(2028, 7, 25))
    # 五月 2028 is 05-24 … 06-22 and 闰五月 06-23 … 07-21.
    assert date(2028, 5, 23) in days
    assert not [d for d in days if date(2028, 5, 24) <= d <= date(2028, 7, 21)]
    assert date(2028, 7, 22) in days


def test_spring_festival_exception_around_each_new_year() -> None:
    rule = parse_rule("天天，春节期间除外")
    for new_year in (date(2026, 2, 17), date(2027, 2, 6), date(2028, 1, 26)):
        window = (new_year - timedelta(days=3), new_year + timedelta(days=6))
        days = rule.dates_between(*window)
        # 除夕 … 初五 removed; 初六 and 初七 remain.
        assert days == [
            window[0],
            window[0] + timedelta(days=1),
            window[1] - timedelta(1),
            window[1],
        ]


def test_next_dates_cross_the_year_end() -> None:
    dates = parse_rule("逢三六九").next_dates(date(2026, 12, 28), 5)
    labels = ["冬月廿三", "冬月廿六", "冬月廿九", "腊月初三", "腊月初六"]
    assert [lunar_label(d, "zh") for d in dates] == labels
    assert [d.year for d in dates] == [2026, 2027, 2027, 2027, 2027]


def test_next_dates_terminates_with_few_or_no_future_dates() -> None:
    assert parse_rule("2020年1月1日").next_dates(date(2026, 1, 1), 5) == []
    assert parse_rule("2026年12月20日").next_dates(date(2026, 1, 1), 5) == [date(2026, 12, 20)]
    near_end = parse_rule("每年7月10日").next_dates(date(2098, 1, 1), 5)
    assert near_end == [date(2098, 7, 10), date(2099, 7, 10)]
    assert parse_rule("天天").next_dates(date(2026, 1, 1), 0) == []


def test_next_dates_of_a_rare_rule_reaches_far() -> None:
    # A leap 四月 happens only a few times this century.
    dates = parse_rule("闰四月初八").next_dates(date(2026, 1, 1), 2)
    assert [lunar_label(d, "zh") for d in dates] == ["闰四月初八", "闰四月初八"]
    assert dates[0] > date(2050, 1, 1)


def test_dates_outside_the_range_are_refused() -> None:
    with pytest.raises(CalendarRangeError):
        parse_rule("天天").dates_between(date(1900, 6, 1), date(1901, 1, 5))
    with pytest.raises(CalendarRangeError):
        parse_rule("天天").next_dates(date(2100, 1, 1), 3)


def test_qualified_and_union_clauses() -> None:
    winter = parse_rule("腊月逢三六九").dates_between(date(2026, 12, 1), date(2027, 2, 28))
    assert {lunar_label(d, "zh")[:2] for d in winter} == {"腊月"}
    assert len(winter) == 9
    fair_and_days = parse_rule("逢三六九和三月十八")
    assert LunarDate(2027, 3, 18).to_solar_date() in fair_and_days.dates_between(START, END)


def test_dates_are_sorted_unique_and_inclusive() -> None:
    rule = parse_rule("逢一四七，初一十五，每周六")
    days = rule.dates_between(date(2026, 3, 1), date(2026, 5, 31))
    assert days == sorted(set(days))
    assert rule.dates_between(days[0], days[0]) == [days[0]]
    assert rule.dates_between(date(2026, 5, 31), date(2026, 3, 1)) == []
