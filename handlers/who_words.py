"""Questions about who comes to the market, in visitors' words: ``谁来了``, ``今天都有谁``,
``哪些摊位来了``, ``周六谁来``, ``who is coming`` list the stalls that said they come to that
market day (the next one by default); ``老魏来了吗``, ``魏大爷明天来不来``, ``is 老魏 coming``
say whether that stall said it comes. Such a question is never a search, so it never reaches
the demand log as goods nobody sells. Anything else goes on to ``fallback``.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from handlers.cards import current_market, no_market_on, rows
from handlers.following import NEXT_TIME, next_open_day, stalls_coming_on
from marketbot.calendar import format_market_day
from marketbot.chat.context import Ctx
from marketbot.chat.flow import Handler
from marketbot.domain.model import Market, Stall
from marketbot.domain.schedule import market_today, parse_day
from marketbot.neutral import Choice, Reply
from marketbot.texts import esc

__all__ = ["who_first"]

_WHO = (
    r"(?:谁|哪些人|哪些摊位?|哪些摊主|哪几家|哪家|几家|几个摊位?|几个摊主"
    r"|多少摊位?|多少家|多少摊主)"
)
_TAIL = r"(?:了|呢|啊|呀|的|啦)?(?:吗|么|没|没有)?$"
_WHO_COMES = re.compile(
    rf"^(?:请问)?(?P<day>.{{0,8}}?)(?:的?集上?)?(?:都|一共|还|会)*有?{_WHO}"
    rf"(?:会|要|能|还)?(?:来|在|到|出摊|摆摊){_TAIL}"
)
_WHO_CAME = re.compile(
    r"^(?:请问)?(?P<day>.{0,8}?)(?:的?集上?)?(?:都有谁|都谁来了?|有谁|来的都?是谁"
    r"|来了(?:哪些(?:摊位?|人|摊主|家)?|几家|多少(?:摊位?|摊主|家)))(?:呀|啊|呢)?$"
)
_EN_WHO = re.compile(
    r"^(?:who(?:'s| is| are| will be)?|which (?:stalls|vendors|sellers)(?: are| will be)?)"
    r" (?:coming|here|there|selling|open|at the market)(?: (?P<day>today|tomorrow|on \w+))?$"
)
_STALL_COMES = re.compile(
    r"^(?:请问)?(?P<who>.{2,12}?)(?P<day>今天|今儿|明天|明儿|后天|下次|这次|周.|星期.|礼拜.)?"
    r"(?:会|还|能)?(?:来了|来不来|来没来|来没|会来|在不在|出摊了|出摊没|出不出摊|出摊|摆摊了|来|在)"
    r"(?:吗|么|没|没有|呢|啊)?$"
)
_EN_STALL = re.compile(
    r"^is (?P<who>.+?) (?:coming|here|there|at the market)(?: (?P<day>today|tomorrow))?$"
)
_NOT_A_NAME = re.compile(r"谁|哪|几|多少|什么|啥|集|东西")
"""Words no stall is called by: the question words, the market itself."""


def _normal(text: str) -> str:
    return re.sub(r"[\s?？!！。.,，~～]", "", unicodedata.normalize("NFKC", text))


def _english(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().strip(" ?!.").split())


def who_first(fallback: Handler) -> Handler:
    """Free text: who comes, or whether a stall comes (see the module); anything else goes on
    to ``fallback``."""

    async def handle(ctx: Ctx, text: str) -> list[Reply]:
        normal, english = _normal(text), _english(text)
        asked = _WHO_COMES.match(normal) or _WHO_CAME.match(normal) or _EN_WHO.match(english)
        stall_asked = None if asked else _STALL_COMES.match(normal) or _EN_STALL.match(english)
        market = await current_market(ctx) if asked or stall_asked else None
        if market is None:
            return await fallback(ctx, text)
        if asked:
            answer = await _who_comes(ctx, market, asked["day"] or "")
        else:
            assert stall_asked is not None
            answer = await _stall_comes(ctx, market, stall_asked["who"], stall_asked["day"] or "")
        return answer if answer is not None else await fallback(ctx, text)

    return handle


async def _asked_day(
    ctx: Ctx, market: Market, words: str
) -> tuple[date | None, list[Reply] | None]:
    """The market day ``words`` name (the next one when they name none), or the answer that
    there is none then; ``(None, None)`` when the words are no day."""
    now = ctx.services.clock.now()
    today = market_today(now, market.timezone)
    words = words.removesuffix("的").strip()
    if not words:
        current = await ctx.services.days.current_day(market, now)
        return current, None if current else [Reply(ctx.t("days.none_set"))]
    if words in NEXT_TIME:
        upcoming = await next_open_day(ctx, market)
        return upcoming, None if upcoming else [Reply(ctx.t("days.none_set"))]
    day = parse_day(words, today)
    if day is None:
        return None, None
    held = await ctx.services.days.held_through(market, today, day)
    if not held:
        return None, [Reply(ctx.t("days.none_set"))]
    if day not in held:
        return None, [Reply(no_market_on(ctx, day, held, words), choices=rows(_more(ctx), 2))]
    return day, None


async def _who_comes(ctx: Ctx, market: Market, words: str) -> list[Reply] | None:
    day, answer = await _asked_day(ctx, market, words)
    if day is None:
        return answer
    return await stalls_coming_on(ctx, market, day, 0)


async def _stall_comes(ctx: Ctx, market: Market, who: str, words: str) -> list[Reply] | None:
    if _NOT_A_NAME.search(who):
        return None
    stalls = await ctx.store.stalls_called(who, market.id)
    if not stalls:
        return None
    if len(stalls) > 1:
        buttons = [Choice(f"stall:{s.id}", f"🧺 {s.name}") for s in stalls[:8]]
        return [Reply(ctx.t("who.which"), choices=rows(buttons, 2))]
    day, answer = await _asked_day(ctx, market, words)
    if day is None:
        return answer
    return [await _attendance(ctx, stalls[0], day)]


async def _attendance(ctx: Ctx, stall: Stall, day: date) -> Reply:
    said = await ctx.services.days.reminders.attendance(stall.id, day)
    key = "who.stall_unsaid" if said is None else "who.stall_yes" if said else "who.stall_no"
    shown = esc(format_market_day(day, ctx.lang))
    buttons = [Choice(f"stall:{stall.id}", f"🧺 {stall.name}"), *_more(ctx)]
    return Reply(ctx.t(key, stall=esc(stall.name), day=shown), choices=rows(buttons, 2))


def _more(ctx: Ctx) -> list[Choice]:
    return [ctx.button("who.btn", "who:next"), ctx.button("btn.menu", "menu:main")]
