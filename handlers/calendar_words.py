"""A village secretary's words about the market calendar, typed outside any flow, as they would
say them on market morning: a rule (``逢二五八``, ``农历逢三六九``, ``每周六``) sets the schedule
(shown for confirming first, as /schedule does), and a day with a cancel word (``明天的集取消``,
``取消12月7日的集``, ``12月4号不开集``) starts cancelling that market day (the reason is asked,
then whom it tells is shown). Anyone else's words, and words that are neither, go on to
``fallback``.
"""

from __future__ import annotations

import re
import unicodedata

from handlers import market_days
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


def _is_rule(text: str) -> bool:
    if not _RULE.match(text):
        return False
    try:
        parse_rule(text)
    except RuleParseError:
        return False
    return True


def secretary_words_first(fallback: Handler) -> Handler:
    """Free text: a secretary's rule or day off (see the module); anything else to ``fallback``."""

    async def handle(ctx: Ctx, text: str) -> list[Reply]:
        if not ctx.is_secretary or len(text) > _LONGEST:
            return await fallback(ctx, text)
        normal = re.sub(r"[\s。！!，,.]", "", unicodedata.normalize("NFKC", text))
        if _is_rule(normal):
            return await market_days.set_typed_rule(ctx)
        found = _CANCEL_AFTER.match(normal) or _CANCEL_BEFORE.match(normal)
        market = await current_market(ctx) if found else None
        if found is None or market is None:
            return await fallback(ctx, text)
        day = parse_day(found["day"], market_today(ctx.services.clock.now(), market.timezone))
        if day is None:
            return await fallback(ctx, text)
        return await market_days.cancel_typed_day(ctx, day)

    return handle
