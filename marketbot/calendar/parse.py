"""The phrase parser: a schedule as written on a village notice board → :class:`MarketRule`.

A phrase is split into segments at commas, semicolons and full stops; each segment is scanned
left to right, and every character must be understood (unknown text raises
:class:`RuleParseError` — never a guess). Inside a segment, periods written before day sets
restrict them (`腊月天天有集`); anything else adds up (`逢三六九和初一十五`); a segment ending
in `停集` / `除外` / `不赶`… (or wrapped in `除…外`) subtracts. When a phrase does not say 农历 or
公历, Chinese numerals are lunar days and Arabic digits solar days; 单日/双日 are lunar, 单号/双号
solar.
docs/market-calendars.md lists every accepted form.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from marketbot.calendar import lunar
from marketbot.calendar.labels import text
from marketbot.calendar.rules import (
    Branches,
    CalendarSystem,
    Clause,
    DaySet,
    EveryDay,
    LunarMonths,
    MarketRule,
    MonthDay,
    MonthDays,
    Period,
    SolarMonths,
    Span,
    Weekdays,
)
from marketbot.texts import Lang, esc

__all__ = ["MAX_FAIR_DAYS", "RuleParseError", "parse_rule", "rule_help"]

MAX_FAIR_DAYS = 31

_CN_DIGIT = "一二三四五六七八九"
_CN_DAY = (
    r"初[一二三四五六七八九十]|[二三]?十[一二三四五六七八九]?|廿[一二三四五六七八九]?|卅一?"
    r"|[一二三四五六七八九]"
)
_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
_WEEK_ITEMS = {**{c: i for i, c in enumerate("一二三四五六")}, "日": 6, "天": 6, "七": 6}
_WEEK_ITEMS.update({str(i + 1): i for i in range(7)})
_FESTIVALS = {
    "元宵节": (1, 15),
    "元宵": (1, 15),
    "大年初一": (1, 1),
    "龙抬头": (2, 2),
    "端午节": (5, 5),
    "端午": (5, 5),
    "七夕节": (7, 7),
    "七夕": (7, 7),
    "中秋节": (8, 15),
    "中秋": (8, 15),
    "重阳节": (9, 9),
    "重阳": (9, 9),
    "腊八节": (12, 8),
    "腊八": (12, 8),
}

# Solar holidays as fixed spans (the official days off move a little from year to year).
_HOLIDAYS = {
    "国庆节": ((10, 1), (10, 7)),
    "国庆": ((10, 1), (10, 7)),
    "劳动节": ((5, 1), (5, 5)),
    "元旦": ((1, 1), (1, 1)),
}

_SEGMENT_SPLIT = re.compile(r"[,;。:!?\n]+")
_ISO_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_CALENDAR_WORD = re.compile(r"(农历|阴历|旧历|夏历|老历)|(公历|阳历|新历|国历)")
_SPRING = re.compile(r"春节期间|春节|过年期间|过年|年节期间|年节")
_EVE = re.compile(r"除夕|大年三十|年三十")
_FESTIVAL = re.compile("|".join(sorted(_FESTIVALS, key=len, reverse=True)))
_HOLIDAY = re.compile(r"(国庆节|国庆|劳动节|元旦)(?:期间|假期|长假)?")
_EXCEPT_PREFIX = re.compile(r"除了|除")
_EXCEPT_CLOSE = re.compile(r"以外|之外|外")
_EXCEPT_SUFFIX = re.compile(
    r"停集|停市|休集|休市|不赶集|不赶|不开集|不开|无集|没有集|没集|不逢集|不上集|暂停|停|除外|放假|休息"
)
_DURATION = re.compile(
    r"(?:会期|为期|持续|连续|一共|共计|共|连)?([一二两三四五六七八九十]+|\d+)天"
    r"|(?:会期|为期|持续|连续|一共|共计|共)([一二两三四五六七八九十]+|\d+)日"
)
_RANGE = re.compile(r"起至|一直到|直到|至|到|~|-|—|–")
_WEEKEND = re.compile(r"(?:每个?|逢)?(?:周末|双休日)")
_EVERY_DAY = re.compile(r"天天|每天|每日|日日")
_PARITY = re.compile(r"逢?([单双])数?([日号])|逢([单双])数?")
_WEEK_START = re.compile(r"(?:每逢|逢|每个?)?(?:周|星期|礼拜)([一二三四五六日天七1-7])")
_WEEK_ITEM = re.compile(r"(?:周|星期|礼拜)?([一二三四五六日天七1-7])")
_YEAR = re.compile(r"(\d{4})年")
_CN_NUMBER = re.compile(r"([一二三四五六七八九]?)(十?)([一二三四五六七八九]?)")
_MONTH = re.compile(
    r"(闰)?(正|冬|腊|十[一二]|[一二三四五六七八九十]|\d{1,2})月份?"
    rf"(?:({_CN_DAY})|(\d{{1,2}})(?!\d))?[日号]?"
)
_BRANCH = re.compile(rf"([{_BRANCHES}])[日场天]?")
_FENG = re.compile(r"(?:每逢|逢|排)(?!集)")
_NUMBER = re.compile(rf"(?:({_CN_DAY})|(\d+))([日号])?")
_SEPARATOR = re.compile(r"、|以及|还有|和|及|与|或|跟|加|/|&|\+")
_DECORATION = re.compile(
    r"为集日|是集日|逢集日|物资交流大会|物资交流会|交流大会|交流会|庙会|古会|大集|小集|集市|集日"
    r"|逢集|赶集|赶场|开集"
    r"|有集|为集|是集|日子|期间|每个月|每月|月月|每年|年年|都|的|集|会|场|市|赶|里|内|为|是|有|开"
    r"|也|均|起|[()\[\]【】「」《》\"'“”‘’·*#]"
)


class RuleParseError(ValueError):
    """A phrase the parser does not understand; ``str()`` is English, :meth:`help` localised."""

    def __init__(self, key: str, **values: str) -> None:
        super().__init__(text("en", key, **values))
        self.key = key
        self.values = values

    def help(self, lang: Lang) -> str:
        """What went wrong and the examples of what is understood (Telegram-safe HTML)."""
        values = {name: esc(value) for name, value in self.values.items()}
        return f"{text(lang, self.key, **values)}\n\n{rule_help(lang)}"


def rule_help(lang: Lang) -> str:
    """The examples shown when a phrase is not understood."""
    return text(lang, "cal.help")


def _parse(normal: str, source: str) -> MarketRule:
    parser = _Parser()
    for segment in _SEGMENT_SPLIT.split(normal):
        if segment:
            parser.segment(segment)
    return parser.finish(source)


_ARABIC_ENDINGS = re.compile(r"逢([1-9]{2,3}|10)(?![0-9号日])")
_BRACKETS = re.compile(r"[()\[\]【】〔〕]")


def _arabic_endings(match: re.Match[str]) -> str:
    """逢369 → 逢三六九 (digits after 逢, one a day ending), 逢10 → 逢十."""
    digits = match[1]
    return "逢十" if digits == "10" else "逢" + "".join(_CN_DIGIT[int(d) - 1] for d in digits)


def _with_exception_apart(normal: str) -> list[str]:
    """Ways to set the exception at the end apart, as people often leave it joined on:
    ``逢三六九、腊月停集`` and ``逢三六九腊月停集`` read as ``逢三六九,腊月停集``."""
    if not _EXCEPT_SUFFIX.search(normal[-3:]):
        return []
    tried = [normal[:i] + "," + normal[i + 1 :] for i, ch in enumerate(normal) if ch == "、"]
    tried += [normal[:i] + "," + normal[i:] for i in range(len(normal) - 1, 0, -1)]
    return tried


def parse_rule(source: str) -> MarketRule:
    """Understand a schedule phrase; raises :class:`RuleParseError`.

    Written as on notice boards, the exception may come after a space or in brackets
    (``逢五逢十 腊月停集``, ``逢三六九（腊月停集）``), after ``、`` or joined on
    (``逢三六九腊月停集``); ``逢369`` is ``逢三六九``.
    """
    folded = unicodedata.normalize("NFKC", source)
    normal = _ISO_DATE.sub(r"\1年\2月\3日", re.sub(r"\s+", "", folded))
    try:
        return _parse(normal, source)
    except RuleParseError as error:
        first = error
    apart = _BRACKETS.sub(",", _ARABIC_ENDINGS.sub(_arabic_endings, folded))
    apart = _ISO_DATE.sub(r"\1年\2月\3日", re.sub(r"\s+", ",", apart.strip()))
    for candidate in [apart, *_with_exception_apart(apart.rstrip(","))]:
        try:
            return _parse(candidate, source)
        except RuleParseError:
            continue
    raise first


def _cn_number(word: str) -> int:
    """一 … 九十九 (and 两, 廿, 卅, 初…) as an int; -1 when it is not such a number."""
    word = word.removeprefix("初").replace("两", "二")
    word = word.replace("廿", "二十").replace("卅", "三十")
    m = _CN_NUMBER.fullmatch(word)
    if not m or not word:
        return -1
    tens, ten, ones = m.groups()
    if not ten:
        return _CN_DIGIT.index(word) + 1 if len(word) == 1 else -1
    return (_CN_DIGIT.index(tens) + 1 if tens else 1) * 10 + (
        _CN_DIGIT.index(ones) + 1 if ones else 0
    )


def _month_number(word: str) -> int:
    special = {"正": 1, "冬": 11, "腊": 12}
    if word in special:
        return special[word]
    return int(word) if word.isdigit() else _cn_number(word)


@dataclass
class _SpanDraft:
    calendar: CalendarSystem
    start: MonthDay
    end: MonthDay | None = None
    length: int = 1
    year: int | None = None
    eve: bool = False  # 除夕: the last day of 腊月, whatever its length

    def freeze(self) -> Span:
        end = self.start if self.eve and self.end is None else self.end
        return Span(self.calendar, self.start, end, self.length, self.year)


@dataclass
class _Sub:
    """A part of a segment: periods, then day sets they restrict, maybe subtracted."""

    periods: list[Period | _SpanDraft] = field(default_factory=list)
    days: list[DaySet] = field(default_factory=list)
    exclude: bool = False
    closed: bool = False
    separated: bool = False

    def empty(self) -> bool:
        return not self.periods and not self.days


_Mode = Literal["", "day", "week", "span", "branch", "month"]


@dataclass
class _Last:
    """The last item, which a range marker (至, 到, -) extends."""

    kind: _Mode = ""
    value: int = 0
    calendar: CalendarSystem = "lunar"
    span: _SpanDraft | None = None
    ending: bool = False


class _Parser:
    def __init__(self) -> None:
        self.subs: list[_Sub] = []
        self.open_from = 0  # the subs a 停集 / 除外 applies to start here
        self.excluding = False  # inside 除 … 外
        self.calendar: CalendarSystem | None = None
        self.mode: _Mode = ""
        self.feng = False
        self.feng_pending = False  # 逢 not yet followed by a day
        self.carried = False
        self.last = _Last()
        self.last_span: _SpanDraft | None = None
        self.pending_range = ""
        self.pending_year: int | None = None

    # Segments ------------------------------------------------------------------------------

    def segment(self, s: str) -> None:
        self.open_from = len(self.subs)
        self.subs.append(_Sub())
        found = _CALENDAR_WORD.search(s)
        if found:
            self.calendar = "lunar" if found.group(1) else "solar"
        self.carried = self.mode in ("day", "week")
        if not self.carried:
            self._reset_mode()
        i = 0
        while i < len(s):
            i = self._step(s, i)
        if self.excluding:  # 逢三六九，除了正月: the 外 is optional
            self._close(s)
        if self.feng_pending or self.pending_range or self.pending_year is not None:
            raise RuleParseError("cal.err.dangling", fragment=s)

    def finish(self, source: str) -> MarketRule:
        include = _clauses([sub for sub in self.subs if not sub.exclude])
        exclude = _clauses([sub for sub in self.subs if sub.exclude])
        if not include:
            raise RuleParseError("cal.err.no_days" if exclude else "cal.err.empty")
        return MarketRule(source, include, exclude)

    # One step: the meaningful word at s[i:] ---------------------------------------------------

    def _step(self, s: str, i: int) -> int:
        if m := _CALENDAR_WORD.match(s, i):
            self.calendar = "lunar" if m.group(1) else "solar"
            return m.end()
        for handler in (
            self._festival,
            self._except,
            self._duration,
            self._range,
            self._weekend,
            self._every_day,
            self._parity,
            self._year,
            self._month,
            self._week,
            self._branch,
            self._feng,
            self._number,
            self._separator,
        ):
            end = handler(s, i)
            if end is not None:
                return end
        if m := _DECORATION.match(s, i):
            return m.end()
        raise RuleParseError("cal.err.unknown", fragment=s[i : i + 8])

    def _festival(self, s: str, i: int) -> int | None:
        if m := _SPRING.match(s, i):
            draft = _SpanDraft("lunar", MonthDay(12, 30), MonthDay(1, 5))
        elif m := _EVE.match(s, i):
            draft = _SpanDraft("lunar", MonthDay(12, 30), eve=True)
        elif m := _FESTIVAL.match(s, i):
            draft = _SpanDraft("lunar", MonthDay(*_FESTIVALS[m.group()]))
        elif m := _HOLIDAY.match(s, i):
            first, last = _HOLIDAYS[m.group(1)]
            draft = _SpanDraft("solar", MonthDay(*first), MonthDay(*last))
        else:
            return None
        if self.pending_range:
            if draft.end is not None:
                raise RuleParseError("cal.err.dangling", fragment=self.pending_range)
            self._span_end(draft.start, m.group())
            return m.end()
        self._reset_mode()
        self._period(draft, m.group())
        self.last = _Last("span", span=draft)
        return m.end()

    def _except(self, s: str, i: int) -> int | None:
        if m := _EXCEPT_SUFFIX.match(s, i):
            self._close(m.group())
            return m.end()
        if self.excluding and (m := _EXCEPT_CLOSE.match(s, i)):
            self._close(m.group())
            return m.end()
        if m := _EXCEPT_PREFIX.match(s, i):
            if self.excluding:
                raise RuleParseError("cal.err.dangling", fragment=m.group())
            self.excluding = True
            self.open_from = len(self.subs)
            self.subs.append(_Sub(exclude=True))
            self._reset_mode()
            return m.end()
        return None

    def _close(self, word: str) -> None:
        """A 停集 / 除外 / 外: everything since the last boundary is subtracted."""
        subs = [sub for sub in self.subs[self.open_from :] if not sub.empty()]
        if not subs or self.pending_range or self.feng_pending:
            raise RuleParseError("cal.err.dangling", fragment=word)
        for sub in subs:
            sub.exclude, sub.closed = True, True
        self.excluding = False
        self.open_from = len(self.subs)
        self._reset_mode()

    def _duration(self, s: str, i: int) -> int | None:
        m = _DURATION.match(s, i)
        if not m or self.pending_range:  # 腊月二十至三十天天有集: 三十 ends the range
            return None
        word = m.group(1) or m.group(2)
        days = int(word) if word.isdigit() else _cn_number(word)
        span = self.last_span
        if span is None or span.eve or span.end is not None or span.length != 1:
            raise RuleParseError("cal.err.dangling", fragment=m.group())
        if not 1 <= days <= MAX_FAIR_DAYS:
            raise RuleParseError("cal.err.duration", value=m.group(), max=str(MAX_FAIR_DAYS))
        span.length = days
        self._check_one_off(span, m.group())
        self._reset_mode()
        return m.end()

    def _range(self, s: str, i: int) -> int | None:
        m = _RANGE.match(s, i)
        if not m:
            return None
        last = self.last
        open_span = last.span is None or (last.span.end is None and last.span.length == 1)
        if last.kind in ("", "branch") or last.ending or not open_span or self.pending_range:
            raise RuleParseError("cal.err.dangling", fragment=m.group())
        self.pending_range = m.group()
        return m.end()

    def _weekend(self, s: str, i: int) -> int | None:
        if m := _WEEKEND.match(s, i):
            self._reset_mode()
            self._days(Weekdays(frozenset({5, 6})), m.group())
            return m.end()
        return None

    def _every_day(self, s: str, i: int) -> int | None:
        if m := _EVERY_DAY.match(s, i):
            self._reset_mode()
            self._days(EveryDay(), m.group())
            return m.end()
        return None

    def _parity(self, s: str, i: int) -> int | None:
        m = _PARITY.match(s, i)
        if not m:
            return None
        odd = (m.group(1) or m.group(3)) == "单"
        system = self.calendar or ("solar" if m.group(2) == "号" else "lunar")
        top = 31 if system == "solar" else 30
        self._reset_mode()
        self._days(MonthDays(system, frozenset(range(1 if odd else 2, top + 1, 2))), m.group())
        return m.end()

    def _week(self, s: str, i: int) -> int | None:
        if m := _WEEK_START.match(s, i):
            self.feng = self.carried = self.feng_pending = False
            self._week_item(m.group(1), m.group())
            return m.end()
        if self.mode == "week" and (m := _WEEK_ITEM.match(s, i)):
            self._week_item(m.group(1), m.group())
            return m.end()
        return None

    def _week_item(self, item: str, word: str) -> None:
        day = _WEEK_ITEMS[item]
        days = {day}
        if self.pending_range:
            if self.last.kind != "week":
                raise RuleParseError("cal.err.dangling", fragment=self.pending_range)
            first = self.last.value
            days = {(first + k) % 7 for k in range((day - first) % 7 + 1)}
            self.pending_range = ""
        self._days(Weekdays(frozenset(days)), word)
        self.mode, self.carried = "week", False
        self.last = _Last("week", day)

    def _year(self, s: str, i: int) -> int | None:
        m = _YEAR.match(s, i)
        if not m:
            return None
        if self.pending_range or self.pending_year is not None:
            raise RuleParseError("cal.err.dangling", fragment=m.group())
        self.pending_year = int(m.group(1))
        return m.end()

    def _month(self, s: str, i: int) -> int | None:
        m = _MONTH.match(s, i)
        if not m:
            return None
        leap, month_word, cn_day, ar_day = m.groups()
        month = _month_number(month_word)
        if not 1 <= month <= 12:
            raise RuleParseError("cal.err.month", value=m.group())
        system = self._date_calendar(month_word, cn_day)
        if leap and system == "solar":
            raise RuleParseError("cal.err.month", value=m.group())
        self.feng = self.carried = False
        if cn_day is None and ar_day is None:
            self._month_only(month, system, m.group())
        else:
            day = _cn_number(cn_day) if cn_day else int(ar_day)
            self._month_day(MonthDay(month, day, bool(leap)), system, m.group())
        return m.end()

    def _date_calendar(self, month_word: str, cn_day: str | None) -> CalendarSystem:
        if self.calendar:
            return self.calendar
        if month_word in "正冬腊" or (cn_day and cn_day[0] in "初廿卅"):
            return "lunar"
        return "solar" if month_word.isdigit() else "lunar"

    def _month_only(self, month: int, system: CalendarSystem, word: str) -> None:
        if self.pending_year is not None:
            raise RuleParseError("cal.err.dangling", fragment=word)
        months = {month}
        if self.pending_range:
            if self.last.kind != "month" or self.last.calendar != system:
                raise RuleParseError("cal.err.dangling", fragment=self.pending_range)
            first = self.last.value
            months = {(first - 1 + k) % 12 + 1 for k in range((month - first) % 12 + 1)}
            self.pending_range = ""
        period: Period
        if system == "lunar":
            period = LunarMonths(frozenset(months))
        else:
            period = SolarMonths(frozenset(months))
        self._period(period, word)
        self.mode = "month"
        self.last = _Last("month", month, system)

    def _month_day(self, md: MonthDay, system: CalendarSystem, word: str) -> None:
        if self.pending_range:
            self._span_end(md, word)
            return
        _check_day(md, system, word)
        draft = _SpanDraft(system, md)
        self._period(draft, word)
        self.mode = "span"
        self.last = _Last("span", span=draft)

    def _span_end(self, md: MonthDay, word: str) -> None:
        draft = self.last.span
        if self.last.kind != "span" or draft is None or self.pending_year is not None:
            raise RuleParseError("cal.err.dangling", fragment=self.pending_range)
        _check_day(md, draft.calendar, word)
        draft.end, draft.eve = md, False
        self.pending_range = ""
        self._check_one_off(draft, word)
        self.mode = ""

    def _check_one_off(self, draft: _SpanDraft, word: str) -> None:
        """Validate a dated span: real dates within the supported range."""
        if draft.year is None:
            return
        try:
            if draft.calendar == "lunar":
                lunar.to_solar(draft.year, draft.start.month, draft.start.day, draft.start.leap)
                return
            first = date(draft.year, draft.start.month, draft.start.day)
            last = first
            if draft.end is not None:
                last = date(draft.year, draft.end.month, draft.end.day)
                if last < first:
                    last = date(draft.year + 1, draft.end.month, draft.end.day)
            lunar.check_range(first)
            lunar.check_range(last)
        except lunar.CalendarRangeError:
            raise RuleParseError(
                "cal.err.range",
                first=lunar.FIRST_DATE.isoformat(),
                last=lunar.LAST_DATE.isoformat(),
            ) from None
        except ValueError:
            raise RuleParseError("cal.err.date", value=word) from None

    def _branch(self, s: str, i: int) -> int | None:
        m = _BRANCH.match(s, i)
        if not m:
            return None
        branch = _BRANCHES.index(m.group(1))
        self.feng = self.carried = self.feng_pending = False
        self._days(Branches(frozenset({branch})), m.group())
        self.mode = "branch"
        self.last = _Last("branch", branch)
        return m.end()

    def _feng(self, s: str, i: int) -> int | None:
        if m := _FENG.match(s, i):
            if self.pending_range:
                raise RuleParseError("cal.err.dangling", fragment=self.pending_range)
            self._reset_mode()
            self.mode, self.feng, self.feng_pending = "day", True, True
            return m.end()
        return None

    def _number(self, s: str, i: int) -> int | None:
        m = _NUMBER.match(s, i)
        if not m:
            return None
        cn, ar, suffix = m.groups()
        value = _cn_number(cn) if cn else int(ar)
        single = (cn is not None and len(cn) == 1) or (ar is not None and len(ar) == 1)
        if self.carried and not single:
            self._reset_mode()
        self.carried = False
        draft = self.last.span
        if self.pending_range and self.last.kind == "span" and draft is not None:
            month = draft.start.month if value >= draft.start.day else draft.start.month % 12 + 1
            self._span_end(MonthDay(month, value), m.group())
        elif self.mode == "span" and draft is not None:
            md = MonthDay(draft.start.month, value, draft.start.leap)
            _check_day(md, draft.calendar, m.group())
            self.pending_year = draft.year
            follower = _SpanDraft(draft.calendar, md)
            self._period(follower, m.group())
            self.last = _Last("span", span=follower)
        else:
            self._day_item(cn, value, suffix or "", m.group())
        return m.end()

    def _day_item(self, cn: str | None, value: int, suffix: str, word: str) -> None:
        system = self.calendar
        if system is None:
            system = (
                "lunar" if cn is not None and (suffix != "号" or cn[0] in "初廿卅") else "solar"
            )
        single = cn in (*_CN_DIGIT, "十") if cn else value <= 10
        in_list = self.mode == "day" and self.last.kind == "day" and self.last.ending
        # 逢5号 / 三六九日 / 2、5、8号 are endings; 5号, 一号 alone are one day.
        ending = single and (
            self.feng or in_list or not suffix or (cn is not None and suffix == "日")
        )
        top = 30 if system == "lunar" else 31
        if ending and not 1 <= value <= 10:
            raise RuleParseError("cal.err.ending", value=word)
        if not 1 <= value <= top:
            raise RuleParseError(f"cal.err.{system}_day", value=word)
        days = {value}
        if self.pending_range:
            if self.last.kind != "day" or self.last.calendar != system or ending:
                raise RuleParseError("cal.err.dangling", fragment=self.pending_range)
            if value < self.last.value:
                raise RuleParseError("cal.err.dangling", fragment=self.pending_range)
            days = set(range(self.last.value, value + 1))
            self.pending_range = ""
        elif ending:
            days = set(range(value, top + 1, 10)) if value < 10 else {10, 20, 30}
        self.feng_pending = False
        self._days(MonthDays(system, frozenset(days)), word)
        self.mode = "day"
        self.last = _Last("day", value, system, ending=ending)

    def _separator(self, s: str, i: int) -> int | None:
        if m := _SEPARATOR.match(s, i):
            if self.pending_range or self.feng_pending:
                raise RuleParseError("cal.err.dangling", fragment=m.group())
            self.subs[-1].separated = True
            if self.mode == "month":
                self.mode = ""
            return m.end()
        return None

    # Building sub-segments -------------------------------------------------------------------

    def _reset_mode(self) -> None:
        self.mode, self.feng, self.carried = "", False, False
        self.last = _Last()

    def _current(self, *, period: bool) -> _Sub:
        sub = self.subs[-1]
        if sub.closed or (period and sub.days) or (not period and sub.periods and sub.separated):
            sub = _Sub(exclude=self.excluding)
            self.subs.append(sub)
        return sub

    def _period(self, period: Period | _SpanDraft, word: str) -> None:
        if self.pending_range or self.feng_pending:
            raise RuleParseError("cal.err.dangling", fragment=word)
        if isinstance(period, _SpanDraft):
            period.year, self.pending_year = self.pending_year, None
            self._check_one_off(period, word)
            self.last_span = period
        elif self.pending_year is not None:
            raise RuleParseError("cal.err.dangling", fragment=word)
        sub = self._current(period=True)
        sub.periods.append(period)
        sub.separated = False

    def _days(self, days: DaySet, word: str) -> None:
        if self.pending_year is not None or self.feng_pending:
            raise RuleParseError("cal.err.dangling", fragment=word)
        self._current(period=False).days.append(days)


def _check_day(md: MonthDay, system: CalendarSystem, word: str) -> None:
    top = 30 if system == "lunar" else calendar.monthrange(2000, md.month)[1]
    if not 1 <= md.day <= top:
        raise RuleParseError("cal.err.date", value=word)


def _clauses(subs: list[_Sub]) -> tuple[Clause, ...]:
    """One clause per sub; the day sets of all subs without periods are one clause."""
    plain = [day_set for sub in subs if not sub.periods for day_set in sub.days]
    clauses = [Clause(_merge_days(plain))] if plain else []
    for sub in subs:
        if sub.periods:
            periods = tuple(p.freeze() if isinstance(p, _SpanDraft) else p for p in sub.periods)
            clauses.append(Clause(_merge_days(sub.days), _merge_periods(periods)))
    return tuple(clauses)


def _merge_days(days: list[DaySet]) -> tuple[DaySet, ...]:
    """One day set per kind (and calendar), so the rule reads like the phrase."""
    lunar_days: set[int] = set()
    solar_days: set[int] = set()
    weekdays: set[int] = set()
    branches: set[int] = set()
    every = False
    for day_set in days:
        match day_set:
            case MonthDays(calendar="lunar", days=values):
                lunar_days |= values
            case MonthDays(days=values):
                solar_days |= values
            case Weekdays(days=values):
                weekdays |= values
            case Branches(branches=values):
                branches |= values
            case EveryDay():
                every = True
    if every:
        return (EveryDay(),)
    merged: list[DaySet] = []
    if lunar_days:
        merged.append(MonthDays("lunar", frozenset(lunar_days)))
    if solar_days:
        merged.append(MonthDays("solar", frozenset(solar_days)))
    if weekdays:
        merged.append(Weekdays(frozenset(weekdays)))
    if branches:
        merged.append(Branches(frozenset(branches)))
    return tuple(merged)


def _merge_periods(periods: tuple[Period, ...]) -> tuple[Period, ...]:
    lunar_months: set[int] = set()
    solar_months: set[int] = set()
    spans: list[Period] = []
    for period in periods:
        if isinstance(period, LunarMonths):
            lunar_months |= period.months
        elif isinstance(period, SolarMonths):
            solar_months |= period.months
        else:
            spans.append(period)
    merged: list[Period] = []
    if lunar_months:
        merged.append(LunarMonths(frozenset(lunar_months)))
    if solar_months:
        merged.append(SolarMonths(frozenset(solar_months)))
    return (*merged, *spans)
