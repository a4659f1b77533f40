"""Parsing schedule phrases: every documented form, their descriptions, and refusals."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketbot.calendar import (
    CalendarOptions,
    MarketRule,
    RuleParseError,
    day30_note,
    describe_rule,
    leap_fair_note,
    parse_rule,
    rule_help,
)
from marketbot.calendar.rules import (
    Branches,
    Clause,
    EveryDay,
    LunarMonths,
    MonthDay,
    MonthDays,
    SolarMonths,
    Span,
    Weekdays,
)
from marketbot.texts.calendar import TEXTS


def lunar_days(*days: int) -> Clause:
    return Clause((MonthDays("lunar", frozenset(days)),))


def solar_days(*days: int) -> Clause:
    return Clause((MonthDays("solar", frozenset(days)),))


def weekdays(*days: int) -> Clause:
    return Clause((Weekdays(frozenset(days)),))


SPRING = Span("lunar", MonthDay(12, 30), MonthDay(1, 5))
LUNAR_369 = lunar_days(3, 6, 9, 13, 16, 19, 23, 26, 29)

FORMS: dict[str, tuple[tuple[Clause, ...], tuple[Clause, ...]]] = {
    "逢三六九": ((LUNAR_369,), ()),
    "逢三、六、九": ((LUNAR_369,), ()),
    "农历逢三、六、九": ((LUNAR_369,), ()),
    "每逢三六九的集": ((LUNAR_369,), ()),
    "三六九": ((LUNAR_369,), ()),
    "逢三，六，九": ((LUNAR_369,), ()),
    "阴历逢3、6、9": ((LUNAR_369,), ()),
    "逢一四七": ((lunar_days(1, 4, 7, 11, 14, 17, 21, 24, 27),), ()),
    "一四七的集": ((lunar_days(1, 4, 7, 11, 14, 17, 21, 24, 27),), ()),
    "逢二五八": ((lunar_days(2, 5, 8, 12, 15, 18, 22, 25, 28),), ()),
    "逢五逢十": ((lunar_days(5, 10, 15, 20, 25, 30),), ()),
    "逢五排十": ((lunar_days(5, 10, 15, 20, 25, 30),), ()),
    "公历逢1、5": ((solar_days(1, 5, 11, 15, 21, 25, 31),), ()),
    "阳历逢三六九": ((solar_days(3, 6, 9, 13, 16, 19, 23, 26, 29),), ()),
    "逢1、6": ((solar_days(1, 6, 11, 16, 21, 26, 31),), ()),
    "逢１、６": ((solar_days(1, 6, 11, 16, 21, 26, 31),), ()),
    "逢 1 、 6 ": ((solar_days(1, 6, 11, 16, 21, 26, 31),), ()),
    "逢10": ((solar_days(10, 20, 30),), ()),
    "初一、十五": ((lunar_days(1, 15),), ()),
    "每月初一十五": ((lunar_days(1, 15),), ()),
    "初一和十五": ((lunar_days(1, 15),), ()),
    "每月15号": ((solar_days(15),), ()),
    "每月1号、15号": ((solar_days(1, 15),), ()),
    "初一至初五": ((lunar_days(1, 2, 3, 4, 5),), ()),
    "每周六": ((weekdays(5),), ()),
    "星期二、六": ((weekdays(1, 5),), ()),
    "星期二，六": ((weekdays(1, 5),), ()),
    "周二和周六": ((weekdays(1, 5),), ()),
    "周末": ((weekdays(5, 6),), ()),
    "礼拜天": ((weekdays(6),), ()),
    "周日": ((weekdays(6),), ()),
    "星期天": ((weekdays(6),), ()),
    "每周六、日": ((weekdays(5, 6),), ()),
    "周一至周五": ((weekdays(0, 1, 2, 3, 4),), ()),
    "星期五到一": ((weekdays(4, 5, 6, 0),), ()),
    "天天": ((Clause((EveryDay(),)),), ()),
    "每天都有集": ((Clause((EveryDay(),)),), ()),
    "单日": ((lunar_days(*range(1, 30, 2)),), ()),
    "双日": ((lunar_days(*range(2, 31, 2)),), ()),
    "农历单日": ((lunar_days(*range(1, 30, 2)),), ()),
    "公历单日": ((solar_days(*range(1, 32, 2)),), ()),
    "单号": ((solar_days(*range(1, 32, 2)),), ()),
    "双号": ((solar_days(*range(2, 31, 2)),), ()),
    "赶子午": ((Clause((Branches(frozenset({0, 6})),)),), ()),
    "子午日": ((Clause((Branches(frozenset({0, 6})),)),), ()),
    "丑未": ((Clause((Branches(frozenset({1, 7})),)),), ()),
    "逢寅、申": ((Clause((Branches(frozenset({2, 8})),)),), ()),
    "卯酉场": ((Clause((Branches(frozenset({3, 9})),)),), ()),
    "辰戌": ((Clause((Branches(frozenset({4, 10})),)),), ()),
    "巳亥": ((Clause((Branches(frozenset({5, 11})),)),), ()),
    "农历三月十八": ((Clause(periods=(Span("lunar", MonthDay(3, 18)),)),), ()),
    "三月十八庙会": ((Clause(periods=(Span("lunar", MonthDay(3, 18)),)),), ()),
    "每年农历三月十八庙会，三天": (
        (Clause(periods=(Span("lunar", MonthDay(3, 18), length=3),)),),
        (),
    ),
    "农历三月十八古会，会期五天": (
        (Clause(periods=(Span("lunar", MonthDay(3, 18), length=5),)),),
        (),
    ),
    "三月十八至二十": (
        (Clause(periods=(Span("lunar", MonthDay(3, 18), MonthDay(3, 20)),)),),
        (),
    ),
    "腊月廿三到正月十五": (
        (Clause(periods=(Span("lunar", MonthDay(12, 23), MonthDay(1, 15)),)),),
        (),
    ),
    "闰四月初八": ((Clause(periods=(Span("lunar", MonthDay(4, 8, leap=True)),)),), ()),
    "7月10日": ((Clause(periods=(Span("solar", MonthDay(7, 10)),)),), ()),
    "物资交流大会7月10日至15日": (
        (Clause(periods=(Span("solar", MonthDay(7, 10), MonthDay(7, 15)),)),),
        (),
    ),
    "2026年12月20日": ((Clause(periods=(Span("solar", MonthDay(12, 20), year=2026),)),), ()),
    "2026-12-20": ((Clause(periods=(Span("solar", MonthDay(12, 20), year=2026),)),), ()),
    "２０２６年１２月２０日": (
        (Clause(periods=(Span("solar", MonthDay(12, 20), year=2026),)),),
        (),
    ),
    "2028年农历闰五月初一": (
        (Clause(periods=(Span("lunar", MonthDay(5, 1, leap=True), year=2028),)),),
        (),
    ),
    "逢三六九，腊月停集": ((LUNAR_369,), (Clause(periods=(LunarMonths(frozenset({12})),)),)),
    "逢三六九；腊月、正月不赶集": (
        (LUNAR_369,),
        (Clause(periods=(LunarMonths(frozenset({1, 12})),)),),
    ),
    "逢三六九，冬月至正月停集": (
        (LUNAR_369,),
        (Clause(periods=(LunarMonths(frozenset({11, 12, 1})),)),),
    ),
    "除腊月外，逢三六九": ((LUNAR_369,), (Clause(periods=(LunarMonths(frozenset({12})),)),)),
    "每周六，春节期间除外": ((weekdays(5),), (Clause(periods=(SPRING,)),)),
    "每周六，过年停集": ((weekdays(5),), (Clause(periods=(SPRING,)),)),
    "逢三六九，除夕到初五停集": ((LUNAR_369,), (Clause(periods=(SPRING,)),)),
    "每周六，周日除外": ((weekdays(5),), (weekdays(6),)),
    "公历逢1、5，7月停集": (
        (solar_days(1, 5, 11, 15, 21, 25, 31),),
        (Clause(periods=(SolarMonths(frozenset({7})),)),),
    ),
    "逢三六九，腊月天天有集": (
        (LUNAR_369, Clause((EveryDay(),), (LunarMonths(frozenset({12})),))),
        (),
    ),
    "每周六，2026年12月26日停集": (
        (weekdays(5),),
        (Clause(periods=(Span("solar", MonthDay(12, 26), year=2026),)),),
    ),
    "逢三六九和每周六": ((Clause((LUNAR_369.days[0], Weekdays(frozenset({5})))),), ()),
    "三六九日集": ((LUNAR_369,), ()),
    "逢三、六、九日为集日": ((LUNAR_369,), ()),
    "2、5、8号": ((solar_days(2, 5, 8, 12, 15, 18, 22, 25, 28),), ()),
    "逢三六九，除了正月": ((LUNAR_369,), (Clause(periods=(LunarMonths(frozenset({1})),)),)),
    "每周六，国庆节停集": (
        (weekdays(5),),
        (Clause(periods=(Span("solar", MonthDay(10, 1), MonthDay(10, 7)),)),),
    ),
    "三月十八日起三天": ((Clause(periods=(Span("lunar", MonthDay(3, 18), length=3),)),), ()),
    "腊月二十至三十天天有集": (
        (Clause((EveryDay(),), (Span("lunar", MonthDay(12, 20), MonthDay(12, 30)),)),),
        (),
    ),
    "端午节": ((Clause(periods=(Span("lunar", MonthDay(5, 5)),)),), ()),
}


@pytest.mark.parametrize("phrase", list(FORMS))
def test_every_form_parses(phrase: str) -> None:
    include, exclude = FORMS[phrase]
    rule = parse_rule(phrase)
    assert (rule.include, rule.exclude) == (include, exclude)
    assert rule.source == phrase


def test_rule_is_hashable_data_that_reparses_from_its_source() -> None:
    rule = parse_rule("逢三六九，腊月停集")
    assert hash(rule) == hash(parse_rule(rule.source))
    assert {rule, parse_rule(rule.source)} == {rule}
    assert isinstance(rule, MarketRule)


@pytest.mark.parametrize(
    ("phrase", "zh", "en"),
    [
        (
            "逢三六九",
            "农历每月逢三、六、九（初三、初六、初九、十三、十六、十九、廿三、廿六、廿九）",
            "lunar days ending in 3, 6, 9 (3, 6, 9, 13, 16, 19, 23, 26, 29 of each lunar month)",
        ),
        ("初一、十五", "农历每月初一、十五", "lunar days 1, 15 of each lunar month"),
        (
            "公历逢1、5",
            "公历每月逢1、5（1、5、11、15、21、25、31号）",
            "solar days ending in 1, 5 (1, 5, 11, 15, 21, 25, 31 of each month)",
        ),
        ("星期二、六", "每周二、周六", "every Tuesday, Saturday"),
        (
            "赶子午",
            "地支逢子、午的日子（每6天一集）",
            "days whose earthly branch is 子(Rat), 午(Horse) (every 6 days)",
        ),
        (
            "每年农历三月十八庙会，三天",
            "每年农历三月十八起，共3天",
            "every year, lunar 3-18, 3 days",
        ),
        ("三月十八至二十", "每年农历三月十八至三月二十", "every year, lunar 3-18 to lunar 3-20"),
        ("2026年12月20日", "2026年12月20日", "2026-12-20"),
        (
            "每周六，春节期间除外",
            "每周六；停集：每年除夕至正月初五",
            "every Saturday; no market: every year, lunar New Year's Eve to lunar 1-05",
        ),
        ("腊月天天有集", "农历腊月：每天", "in lunar month 12: every day"),
        ("单号", "公历单号（1、3、5、7、9、11、13、15、17、19、21、23、25、27、29、31号）", None),
    ],
)
def test_descriptions(phrase: str, zh: str, en: str | None) -> None:
    rule = parse_rule(phrase)
    assert describe_rule(rule, "zh") == zh
    if en is not None:
        assert describe_rule(rule, "en") == en


@pytest.mark.parametrize(
    ("phrase", "key"),
    [
        ("", "cal.err.empty"),
        ("   ", "cal.err.empty"),
        ("，，", "cal.err.empty"),
        ("随便", "cal.err.unknown"),
        ("下雨天", "cal.err.unknown"),
        ("逢三六九，随便", "cal.err.unknown"),
        ("逢", "cal.err.dangling"),
        ("逢集", "cal.err.empty"),
        ("逢腊月", "cal.err.dangling"),
        ("三天", "cal.err.dangling"),
        ("至初五", "cal.err.dangling"),
        ("停集", "cal.err.dangling"),
        ("2026年", "cal.err.dangling"),
        ("腊月停集", "cal.err.no_days"),
        ("正月不赶", "cal.err.no_days"),
        ("除腊月", "cal.err.no_days"),
        ("逢五逢十，腊月二十三以后停集", "cal.err.unknown"),
        ("每周六上午", "cal.err.unknown"),
        ("农历三月三十一", "cal.err.date"),
        ("2026年2月30日", "cal.err.date"),
        ("2026年农历闰三月初一", "cal.err.date"),
        ("2150年1月1日", "cal.err.range"),
        ("1800年1月1日", "cal.err.range"),
        ("13月1日", "cal.err.month"),
        ("闰7月1日", "cal.err.month"),
        ("逢0", "cal.err.ending"),
        ("每月32号", "cal.err.solar_day"),
        ("农历每月31", "cal.err.lunar_day"),
        ("星期八", "cal.err.unknown"),
        ("三月十八庙会，四十天", "cal.err.duration"),
        ("三月十八，十十天", "cal.err.duration"),
        ("0000年", "cal.err.dangling"),
    ],
)
def test_unparseable_phrases(phrase: str, key: str) -> None:
    with pytest.raises(RuleParseError) as caught:
        parse_rule(phrase)
    assert caught.value.key == key
    assert str(caught.value)  # English message
    for lang in ("zh", "en"):
        assert caught.value.help(lang).endswith(rule_help(lang))


def test_help_escapes_the_fragment_and_shows_examples() -> None:
    with pytest.raises(RuleParseError) as caught:
        parse_rule("<b>集")
    assert "&lt;b&gt;" in caught.value.help("zh")
    assert "逢三六九" in rule_help("zh")
    assert "逢三六九" in rule_help("en")
    assert "Chinese numerals" in rule_help("en")


def test_every_help_example_parses() -> None:
    for line in rule_help("zh").splitlines()[1:]:
        body = line.removeprefix("• ").removeprefix("例外：")
        for example in body.split("（")[0].split(" / "):
            parse_rule(example.strip())


PHRASE_CHARS = (
    "逢一二三四五六七八九十初廿卅农历公阳每周星期礼拜天日号月年至到、，,；闰腊正冬停集除外"
    "春节期间夕子午丑未寅申卯酉辰戌巳亥单双会三天两0123456789-/ 和的赶庙"
)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=30), st.text(alphabet=PHRASE_CHARS, max_size=16)))
def test_arbitrary_text_raises_only_rule_parse_error(phrase: str) -> None:
    try:
        rule = parse_rule(phrase)
    except RuleParseError:
        return
    describe_rule(rule, "zh")
    describe_rule(rule, "en")
    dates = rule.next_dates(date(2026, 1, 1), 3)
    assert dates == sorted(set(dates))


def test_catalogue_is_complete_and_html_safe() -> None:
    for key, (zh, en) in TEXTS.items():
        assert key.startswith("cal.")
        assert zh.strip() and en.strip(), key
        for template in (zh, en):
            assert "<" not in template and "&" not in template, key


def test_setting_notes() -> None:
    assert "廿九" in day30_note(CalendarOptions(day30="day29"), "zh")
    assert "next 1st" in day30_note(CalendarOptions(day30="next1"), "en")
    assert "不赶集" in day30_note(CalendarOptions(), "zh")
    assert "闰月也再办" in leap_fair_note(CalendarOptions(fairs_in_leap_month=True), "zh")
    assert "not again" in leap_fair_note(CalendarOptions(), "en")


def test_every_example_in_the_reference_parses() -> None:
    doc = (Path(__file__).parents[1] / "docs" / "market-calendars.md").read_text("utf-8")
    table = doc[doc.index("| kind |") : doc.index("Durations:")]
    keywords = {"停集", "停", "不赶", "不赶集", "除外", "休市", "无集", "没有集", "放假", "暂停"}
    examples = [e for e in re.findall(r"`([^`]+)`", table) if e not in keywords and "…" not in e]
    assert len(examples) > 80
    for example in examples:
        assert parse_rule(example).include, example
