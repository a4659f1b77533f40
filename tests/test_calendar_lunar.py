"""The lunar month tables (from tyme4py) against borax, published anchors and the day cycle."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from borax.calendars.lunardate import LCalendars, LunarDate
from tyme4py.solar import SolarDay

from marketbot.calendar import (
    FIRST_DATE,
    LAST_DATE,
    CalendarRangeError,
    format_market_day,
    lunar,
    lunar_label,
    weekday_label,
)

# Years in which borax and tyme4py disagree about a month (the reference lists them).
DISPUTED_YEARS = {2057, 2089, 2097}


def test_month_table_matches_borax_every_month_1901_2099() -> None:
    checked = 0
    for year in range(1901, 2100):
        if year in DISPUTED_YEARS or year - 1 in DISPUTED_YEARS:
            continue
        months = lunar.months_of_year(year)
        assert [m.leap for m in months].count(True) == (1 if LCalendars.leap_month(year) else 0)
        for month in months:
            first = LunarDate(year, month.month, 1, int(month.leap)).to_solar_date()
            assert (first, month.length) == (
                month.first,
                LCalendars.ndays(year, month.month, int(month.leap)),
            ), (year, month)
            checked += 1
    assert checked > 2300


def test_every_day_2024_2031_matches_borax() -> None:
    d = date(2024, 1, 1)
    while d <= date(2031, 12, 31):
        theirs = LunarDate.from_solar(d)
        ours = lunar.to_lunar(d)
        assert (ours.year, ours.month, ours.day, ours.leap) == (
            theirs.year,
            theirs.month,
            theirs.day,
            bool(theirs.leap),
        ), d
        d += timedelta(days=1)


@pytest.mark.parametrize(
    ("solar", "label"),
    [
        (date(2026, 2, 17), "正月初一"),
        (date(2027, 2, 6), "正月初一"),
        (date(2028, 1, 26), "正月初一"),
        (date(2029, 2, 13), "正月初一"),
        (date(2030, 2, 3), "正月初一"),
        (date(2031, 1, 23), "正月初一"),
        (date(2028, 6, 23), "闰五月初一"),
        (date(2033, 12, 22), "闰冬月初一"),
        (date(2026, 2, 16), "腊月廿九"),  # 除夕 of a 29-day 腊月
        (date(2030, 2, 2), "腊月三十"),
    ],
)
def test_published_anchors(solar: date, label: str) -> None:
    assert lunar_label(solar, "zh") == label


def test_january_belongs_to_the_previous_lunar_year() -> None:
    assert lunar.to_lunar(date(2027, 1, 15)) == lunar.LunarDate(2026, 12, 8)
    assert lunar.to_lunar(date(2027, 2, 6)) == lunar.LunarDate(2027, 1, 1)


def test_to_solar_validates_instead_of_normalising() -> None:
    assert lunar.to_solar(2028, 5, 1, leap=True) == date(2028, 6, 23)
    with pytest.raises(ValueError, match="no leap month"):
        lunar.to_solar(2026, 5, 1, leap=True)
    with pytest.raises(ValueError, match="no day 30"):
        lunar.to_solar(2025, 12, 30)  # 腊月 of lunar 2025 has 29 days (除夕 2026-02-16)


def test_english_labels() -> None:
    assert lunar_label(date(2028, 6, 23), "en") == "lunar leap 5-01"
    assert lunar_label(date(2026, 12, 2), "en") == "lunar 10-24"
    assert weekday_label(date(2026, 12, 2), "en") == "Wed"
    assert format_market_day(date(2026, 12, 2), "zh") == "12月2日 周三（十月廿四）"
    assert format_market_day(date(2026, 12, 2), "en") == "Wed 2 Dec (lunar 10-24)"


def test_day_branch_matches_borax_and_tyme4py() -> None:
    branches = "子丑寅卯辰巳午未申酉戌亥"
    d = date(2026, 1, 1)
    for _ in range(60):
        assert branches[lunar.day_branch(d)] == LunarDate.from_solar(d).gz_day[1]
        d += timedelta(days=7)
    for d in (date(1901, 1, 1), date(2000, 1, 1), date(2099, 12, 31)):
        tyme = SolarDay.from_ymd(d.year, d.month, d.day).get_lunar_day().get_sixty_cycle()
        assert branches[lunar.day_branch(d)] == str(tyme)[1]


@pytest.mark.parametrize("outside", [FIRST_DATE - timedelta(days=1), LAST_DATE + timedelta(1)])
def test_outside_the_supported_range_is_refused(outside: date) -> None:
    with pytest.raises(CalendarRangeError, match="outside the supported range"):
        lunar_label(outside, "zh")


def test_range_ends_convert() -> None:
    assert lunar_label(FIRST_DATE, "zh") == "冬月十一"
    assert lunar.to_lunar(LAST_DATE).year == 2099
