"""Market calendars: schedule phrases (逢三六九, 每周六, 三月十八庙会…) and the dates they mean.

Usage::

    rule = parse_rule("逢三六九，腊月停集")          # RuleParseError if not understood
    describe_rule(rule, "zh")                        # the bot's understanding in words
    rule.next_dates(date(2026, 12, 1), 5)            # the next market days
    format_market_day(date(2026, 12, 2), "zh")       # "12月2日 周三（十月廿四）"

The lunar calendar comes from tyme4py through cached month tables (:mod:`.lunar`).
"""

from __future__ import annotations

from marketbot.calendar.describe import day30_note, describe_rule, leap_fair_note
from marketbot.calendar.labels import (
    format_market_day,
    iso_market_day,
    lunar_label,
    short_day,
    weekday_label,
)
from marketbot.calendar.lunar import FIRST_DATE, LAST_DATE, CalendarRangeError
from marketbot.calendar.parse import RuleParseError, parse_rule, rule_help
from marketbot.calendar.rules import CalendarOptions, MarketRule

__all__ = [
    "FIRST_DATE",
    "LAST_DATE",
    "CalendarOptions",
    "CalendarRangeError",
    "MarketRule",
    "RuleParseError",
    "day30_note",
    "describe_rule",
    "format_market_day",
    "iso_market_day",
    "leap_fair_note",
    "lunar_label",
    "parse_rule",
    "rule_help",
    "short_day",
    "weekday_label",
]
