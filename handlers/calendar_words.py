"""A village secretary's words about the market calendar, typed outside any flow, as they would
say them on market morning: a rule (``逢二五八``, ``农历逢三六九``, ``每周六``) sets the schedule
(shown for confirming first, as /schedule does), and a day with a cancel word (``明天的集取消``,
``取消12月7日的集``, ``12月4号不开集``, ``今天下雨，集取消``) starts cancelling that market day
(the reason is asked, then whom it tells is shown), a day moved (``下周六的集改到周日``) moving
it; one day's hours changed (``今天的集推迟到10点开``, ``今天早点散``) starts an announcement
with those words (from anyone else they ask about the hours: the next market day's card
answers). Anyone else's words, and words that are neither, go on to
``fallback``.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from handlers import broadcast, market_days
from handlers.cards import current_market
from marketbot.calendar import RuleParseError, parse_rule
from marketbot.chat.context import Ctx
from marketbot.chat.flow import Handler
from marketbot.domain.schedule import market_today, parse_day
from marketbot.neutral import Reply

__all__ = ["secretary_words_first"]

_LONGEST = 30
"""Characters of such words at most: a longer message is something else (an announcement)."""

_RULE = re.compile(r"^(?:农历|阴历|阳历|公历)?(?:每月|每个月)?(?:逢|每周|每星期|每礼拜)")
"""How a schedule is said, as opposed to one day (周六 alone may be a question)."""

_DAY_OFF = re.compile(r"(?:取消|不开|停|暂停|不赶)了?")
_CANCEL_AFTER = re.compile(
    rf"^(?P<day>.+?)的?(?:集市|集日|赶集|集)?{_DAY_OFF.pattern}(?:集市|集)?$"
)
_CANCEL_BEFORE = re.compile(r"^(?:取消|停)(?P<day>.+?)的?(?:集市|集日|赶集|集)$")

_MOVE = re.compile(
    r"^(?P<day>.+?)的?(?:集市|集日|赶集|集)?(?:改到|挪到|推到|换到|移到|改在|挪在|改成)"
    r"(?P<to>.+?)(?:了|吧|赶集|开集|的集|集)?$"
)
"""A day moved, as a secretary says it (下周六的集改到周日, 今天的集挪到明天)."""

_HOURS_VERB = r"(?:开市|开集|开始|开门|开|收摊|散集|散|结束|关门|收)"
_CLOCK = r"[0-9一二三四五六七八九十两]{1,3}(?:点|:[0-9]{2})(?:半|[0-9]{1,2}分?)?"
_HOURS_CHANGED = re.compile(
    r"(?:推迟|延后|延迟|推后|提前|改到|改成|改为|挪到|晚点|早点|晚一点|早一点|晚些|早些)"
    r"(?:到|成|为)?(?:早上|上午|中午|下午|晚上)?"
    rf"(?:{_CLOCK}{_HOURS_VERB}?|{_HOURS_VERB})"
)
"""One day's hours changed, as a secretary says it on market morning (今天的集推迟到10点开,
明天提前到7点开市, 今天早点散): news for everyone, not a search."""


def _is_rule(text: str) -> bool:
    if not _RULE.match(text):
        return False
    try:
        parse_rule(text)
    except RuleParseError:
        return False
    return True


def _day_first(words: str, today: date) -> tuple[date, str] | None:
    """The day ``words`` begin with and the words after it (今天下雨 → today, 下雨: a reason
    may follow the day)."""
    return next(
        (
            (day, words[n:])
            for n in range(len(words), 0, -1)
            if (day := parse_day(words[:n], today))
        ),
        None,
    )


def secretary_words_first(fallback: Handler) -> Handler:
    """Free text: a secretary's rule or day off (see the module); anything else to ``fallback``."""

    async def handle(ctx: Ctx, text: str) -> list[Reply]:
        if len(text) > _LONGEST:
            return await fallback(ctx, text)
        normal = re.sub(r"[\s。！!，,.]", "", unicodedata.normalize("NFKC", text))
        if _HOURS_CHANGED.search(normal):
            if ctx.is_secretary:
                return await broadcast.start_with_words(ctx)
            return await market_days.next_market(ctx, "")  # asked of anyone else: the hours
        if not ctx.is_secretary:
            return await fallback(ctx, text)
        if _is_rule(normal):
            return await market_days.set_typed_rule(ctx)
        moved = _MOVE.match(normal)
        found = moved or _CANCEL_AFTER.match(normal) or _CANCEL_BEFORE.match(normal)
        market = await current_market(ctx) if found else None
        if found is None or market is None:
            return await fallback(ctx, text)
        today = market_today(ctx.services.clock.now(), market.timezone)
        said = _day_first(found["day"], today)
        if said is None:
            return await fallback(ctx, text)
        day, why = said
        if moved is None:
            return await market_days.cancel_typed_day(ctx, day, why)
        target = parse_day(moved["to"], today)
        if target is not None and target < day:  # 下周六 … 周日: the Sunday after it
            target = parse_day(moved["to"], day)
        if target is None:
            return await fallback(ctx, text)
        return await market_days.move_typed_day(ctx, day, target)

    return handle
