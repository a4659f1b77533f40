"""A rule in words: what the bot repeats back to the secretary for confirmation.

The words come from the rule's data, not from the typed phrase, so they show what the bot
understood (农历 or 公历, which days, which exceptions) rather than echo what was written.
"""

from __future__ import annotations

from marketbot.calendar import lunar
from marketbot.calendar.labels import lunar_md, text
from marketbot.calendar.rules import (
    Branches,
    CalendarOptions,
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
from marketbot.texts import Lang

__all__ = ["describe_rule"]


def describe_rule(rule: MarketRule, lang: Lang) -> str:
    """The whole rule: its clauses, then what is excluded."""
    include = text(lang, "cal.d.clause_sep").join(_clause(c, lang) for c in rule.include)
    if not rule.exclude:
        return include
    exclude = text(lang, "cal.d.clause_sep").join(_clause(c, lang) for c in rule.exclude)
    return text(lang, "cal.d.except", include=include, exclude=exclude)


def _clause(clause: Clause, lang: Lang) -> str:
    days = text(lang, "cal.d.clause_sep").join(_day_set(d, lang) for d in clause.days)
    if not clause.periods:
        return days
    periods = text(lang, "cal.d.list_sep").join(_period(p, lang) for p in clause.periods)
    if not clause.days:
        return periods
    return text(lang, "cal.d.qualified", periods=periods, days=days)


def _join(items: list[str], lang: Lang) -> str:
    return text(lang, "cal.d.list_sep").join(items)


def _day_set(day_set: DaySet, lang: Lang) -> str:
    match day_set:
        case EveryDay():
            return text(lang, "cal.d.every_day")
        case Weekdays(days=days):
            names = text(lang, "cal.weekday_names").split()
            return text(lang, "cal.d.weekdays", days=_join([names[d] for d in sorted(days)], lang))
        case Branches(branches=branches):
            return _branches(branches, lang)
        case MonthDays():
            return _month_days(day_set, lang)


def _branches(branches: frozenset[int], lang: Lang) -> str:
    names = text(lang, "cal.branch_animals").split()
    ordered = sorted(branches)
    result = text(lang, "cal.d.branches", names=_join([names[b] for b in ordered], lang))
    gaps = {(b - a) % 12 for a, b in zip(ordered, [*ordered[1:], ordered[0] + 12], strict=True)}
    if len(gaps) == 1:
        result += text(lang, "cal.d.branch_rhythm", n=gaps.pop() or 12)
    return result


def _ending_group(ending: int, top: int) -> set[int]:
    return {10, 20, 30} if ending == 10 else set(range(ending, top + 1, 10))


def _month_days(day_set: MonthDays, lang: Lang) -> str:
    system, days = day_set.calendar, set(day_set.days)
    top = 30 if system == "lunar" else 31
    for parity, start in (("odd", 1), ("even", 2)):
        if days == set(range(start, top + 1, 2)):
            return text(lang, f"cal.d.{system}_{parity}", days=_days(days, system, lang))
    endings = [e for e in range(1, 11) if _ending_group(e, top) <= days]
    covered = set().union(*(_ending_group(e, top) for e in endings))
    parts = []
    if endings:
        parts.append(
            text(
                lang,
                f"cal.d.{system}_endings",
                endings=_join([_ending(e, system, lang) for e in endings], lang),
                days=_days(covered, system, lang),
            )
        )
    if days - covered:
        parts.append(text(lang, f"cal.d.{system}_exact", days=_days(days - covered, system, lang)))
    return _join(parts, lang)


def _ending(ending: int, system: CalendarSystem, lang: Lang) -> str:
    if system == "solar" or lang == "en":
        return str(ending)
    return "一二三四五六七八九十"[ending - 1]


def _days(days: set[int], system: CalendarSystem, lang: Lang) -> str:
    if system == "solar" or lang == "en":
        return _join([str(d) for d in sorted(days)], lang)
    return _join([lunar.DAY_NAMES[d - 1] for d in sorted(days)], lang)


def _period(period: Period, lang: Lang) -> str:
    match period:
        case LunarMonths(months=months):
            if lang == "en":
                names = [str(m) for m in sorted(months)]
            else:
                names = [lunar.MONTH_NAMES[m - 1] for m in sorted(months)]
            return text(lang, "cal.d.lunar_months", months=_join(names, lang))
        case SolarMonths(months=months):
            return text(
                lang, "cal.d.solar_months", months=_join([str(m) for m in sorted(months)], lang)
            )
        case Span():
            return _span(period, lang)


def _span(span: Span, lang: Lang) -> str:
    ranged = span.end is not None
    what = _md(span.calendar, span.start, lang, ranged=ranged)
    if span.end is not None and span.end != span.start:
        end = _md(span.calendar, span.end, lang, ranged=True, bare=True)
        what = text(lang, "cal.d.range", start=what, end=end)
    elif span.length > 1:
        what = text(lang, "cal.d.length", start=what, n=span.length)
    if span.year is None:
        return text(lang, "cal.d.every_year", what=what)
    key = "cal.d.in_lunar_year" if span.calendar == "lunar" else "cal.d.in_year"
    return text(lang, key, year=span.year, what=what)


def _md(
    system: CalendarSystem, md: MonthDay, lang: Lang, *, ranged: bool, bare: bool = False
) -> str:
    """A month and day; ``bare`` leaves out the 农历 a range's start already says."""
    if system == "solar":
        return text(lang, "cal.d.solar_date", month=md.month, day=md.day)
    if ranged and (md.month, md.day, md.leap) == (12, 30, False):
        return text(lang, "cal.d.new_years_eve")
    label = lunar_md(md.month, md.day, md.leap, lang)
    return label if bare else text(lang, "cal.d.lunar_date", md=label)


def day30_note(options: CalendarOptions, lang: Lang) -> str:
    """The sentence a confirmation adds when :meth:`MarketRule.hits_day30` is true."""
    return text(lang, "cal.day30.note", setting=text(lang, f"cal.day30.{options.day30}"))


def leap_fair_note(options: CalendarOptions, lang: Lang) -> str:
    """The sentence a confirmation adds when :meth:`MarketRule.hits_leap_fair` is true."""
    setting = "cal.leap.both" if options.fairs_in_leap_month else "cal.leap.regular_only"
    return text(lang, "cal.leap.note", setting=text(lang, setting))
