"""Strings of the market calendar: date labels, rule descriptions, parse errors and their help."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # Date labels.
    "cal.weekdays": ("周一 周二 周三 周四 周五 周六 周日", "Mon Tue Wed Thu Fri Sat Sun"),
    "cal.weekday_names": (
        "周一 周二 周三 周四 周五 周六 周日",
        "Monday Tuesday Wednesday Thursday Friday Saturday Sunday",
    ),
    "cal.lunar_md": ("{month}{day}", "lunar {month}-{day}"),
    "cal.lunar_md_leap": ("闰{month}{day}", "lunar leap {month}-{day}"),
    "cal.market_day": (
        "{month}月{day}日 {weekday}（{lunar}）",
        "{weekday} {day} {month} ({lunar})",
    ),
    "cal.iso_day": ("{date} {weekday} 农历{lunar}", "{date} {weekday} {lunar}"),
    # Rule descriptions: day sets.
    "cal.d.lunar_endings": (
        "农历每月逢{endings}（{days}）",
        "lunar days ending in {endings} ({days} of each lunar month)",
    ),
    "cal.d.lunar_exact": ("农历每月{days}", "lunar days {days} of each lunar month"),
    "cal.d.lunar_odd": ("农历单日（{days}）", "odd lunar days ({days})"),
    "cal.d.lunar_even": ("农历双日（{days}）", "even lunar days ({days})"),
    "cal.d.solar_endings": (
        "公历每月逢{endings}（{days}号）",
        "solar days ending in {endings} ({days} of each month)",
    ),
    "cal.d.solar_exact": ("公历每月{days}号", "solar days {days} of each month"),
    "cal.d.solar_odd": ("公历单号（{days}号）", "odd solar days ({days})"),
    "cal.d.solar_even": ("公历双号（{days}号）", "even solar days ({days})"),
    "cal.d.weekdays": ("每{days}", "every {days}"),
    "cal.d.every_day": ("每天", "every day"),
    "cal.d.branches": ("地支逢{names}的日子", "days whose earthly branch is {names}"),
    "cal.d.branch_rhythm": ("（每{n}天一集）", " (every {n} days)"),
    "cal.branch_animals": (
        "子 丑 寅 卯 辰 巳 午 未 申 酉 戌 亥",
        "子(Rat) 丑(Ox) 寅(Tiger) 卯(Rabbit) 辰(Dragon) 巳(Snake) "
        "午(Horse) 未(Goat) 申(Monkey) 酉(Rooster) 戌(Dog) 亥(Pig)",
    ),
    # Rule descriptions: periods.
    "cal.d.lunar_months": ("农历{months}", "lunar month {months}"),
    "cal.d.solar_months": ("公历{months}月", "solar month {months}"),
    "cal.d.lunar_date": ("农历{md}", "{md}"),
    "cal.d.new_years_eve": ("除夕", "lunar New Year's Eve"),
    "cal.d.solar_date": ("{month}月{day}日", "{month:02d}-{day:02d}"),
    "cal.d.every_year": ("每年{what}", "every year, {what}"),
    "cal.d.in_year": ("{year}年{what}", "{year}-{what}"),
    "cal.d.in_lunar_year": ("{year}年{what}", "{year}, {what}"),
    "cal.d.range": ("{start}至{end}", "{start} to {end}"),
    "cal.d.length": ("{start}起，共{n}天", "{start}, {n} days"),
    # Rule descriptions: assembly.
    "cal.d.list_sep": ("、", ", "),
    "cal.d.clause_sep": ("；", "; "),
    "cal.d.qualified": ("{periods}：{days}", "in {periods}: {days}"),
    "cal.d.except": ("{include}；停集：{exclude}", "{include}; no market: {exclude}"),
    # Settings the confirmation mentions.
    "cal.day30.note": (
        "有的农历月份只有29天，没有三十。这个月的“三十”现在的设置是：{setting}。",
        "Some lunar months have only 29 days and no 30th. For that day the setting is: {setting}.",
    ),
    "cal.day30.skip": ("不赶集", "no market"),
    "cal.day30.day29": ("提前到廿九赶集", "market on the 29th instead"),
    "cal.day30.next1": ("推到下月初一赶集", "market on the next 1st instead"),
    "cal.leap.note": (
        "这段时间有闰月，会期遇到闰月时的设置是：{setting}。",
        "This period has a leap month; for fairs the setting is: {setting}.",
    ),
    "cal.leap.regular_only": (
        "会期只在正常的月份，闰月不再办",
        "fairs only in the regular month, not again in the leap month",
    ),
    "cal.leap.both": ("闰月也再办一次", "fairs again in the leap month"),
    # Parse errors (the fragment is escaped user text).
    "cal.err.empty": ("请写出赶集的日子。", "Please write the market days."),
    "cal.err.unknown": ("看不懂“{fragment}”。", "I do not understand “{fragment}”."),
    "cal.err.dangling": (
        "“{fragment}”前后少了日子。",
        "“{fragment}” needs a day next to it.",
    ),
    "cal.err.no_days": (
        "只写了停集的时候，没有写哪天赶集。",
        "This only says when there is no market, not when there is one.",
    ),
    "cal.err.lunar_day": (
        "农历日子只有初一到三十，没有“{value}”。",
        "Lunar days run from 1 to 30; “{value}” is not one.",
    ),
    "cal.err.solar_day": (
        "公历日子只有1号到31号，没有“{value}”。",
        "Solar days run from 1 to 31; “{value}” is not one.",
    ),
    "cal.err.ending": (
        "“逢”后面要写一到十的尾数，“{value}”不行。",
        "After 逢 write day endings from 1 to 10; “{value}” is not one.",
    ),
    "cal.err.weekday": ("没有“{value}”这个星期几。", "“{value}” is not a weekday."),
    "cal.err.month": ("没有“{value}”这个月份。", "“{value}” is not a month."),
    "cal.err.date": ("“{value}”不是真实的日期。", "“{value}” is not a real date."),
    "cal.err.range": (
        "只支持{first}到{last}之间的日期。",
        "Only dates from {first} to {last} are supported.",
    ),
    "cal.err.duration": (
        "会期要在1到{max}天之间，“{value}”不行。",
        "A fair lasts 1 to {max} days; “{value}” is not allowed.",
    ),
    "cal.help": (
        "我能看懂这些写法（几条可以用逗号隔开）：\n"
        "• 逢三六九、逢一四七、逢二五八、逢五逢十（中文数字按农历）\n"
        "• 公历逢1、5 / 阳历逢三六九 / 逢1、6（阿拉伯数字按公历）\n"
        "• 初一、十五 / 每月初一十五 / 每月15号\n"
        "• 每周六 / 星期二、六 / 周末 / 礼拜天 / 天天\n"
        "• 单日 / 双日（农历）；单号 / 双号（公历）\n"
        "• 赶子午（也可以是丑未、寅申、卯酉、辰戌、巳亥）\n"
        "• 农历三月十八 / 每年农历三月十八庙会，三天 / 三月十八至二十 / 7月10日\n"
        "• 2026年12月20日（只有这一天）\n"
        "• 例外：逢三六九，腊月停集 / 每周六，春节期间除外 / 天天，除夕到初五停集",
        "I understand phrases like these (separate several with commas):\n"
        "• 逢三六九, 逢一四七, 逢二五八, 逢五逢十 (Chinese numerals: lunar days)\n"
        "• 公历逢1、5 / 阳历逢三六九 / 逢1、6 (Arabic digits: solar days)\n"
        "• 初一、十五 / 每月初一十五 / 每月15号\n"
        "• 每周六 / 星期二、六 / 周末 / 礼拜天 / 天天\n"
        "• 单日 / 双日 (lunar); 单号 / 双号 (solar)\n"
        "• 赶子午 (also 丑未, 寅申, 卯酉, 辰戌, 巳亥)\n"
        "• 农历三月十八 / 每年农历三月十八庙会，三天 / 三月十八至二十 / 7月10日\n"
        "• 2026年12月20日 (that day only)\n"
        "• exceptions: 逢三六九，腊月停集 / 每周六，春节期间除外 / 天天，除夕到初五停集",
    ),
}
