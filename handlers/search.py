"""Search as visitors ask: goods in Chinese, pinyin, English or Traditional characters, with
price, place and time questions answered as such, and kind words when nobody sells a thing.

Commands: /search TEXT (any plain text that answers no question is a search too).
"""

from __future__ import annotations

from handlers.cards import current_market, rows
from marketbot.calendar import format_market_day
from marketbot.chat.context import Ctx
from marketbot.domain.model import Market
from marketbot.domain.prices import format_price
from marketbot.domain.schedule import market_today
from marketbot.neutral import Choice, Reply
from marketbot.search import ProductGroup, SearchAnswer
from marketbot.texts import esc

__all__ = ["search", "search_prompt"]

LIMIT = 8
QUERY_ECHO_LIMIT = 20
MAX_QUERY = 80
STALLS_SHOWN = 3


async def search_prompt(ctx: Ctx, _arg: str = "") -> list[Reply]:
    return [Reply(ctx.t("search.prompt"))]


def _price(ctx: Ctx, fen: int, unit: str) -> str:
    return esc(format_price(fen, unit, ctx.lang))


def _group_line(ctx: Ctx, group: ProductGroup, intent: str) -> str:
    best = group.items[0]
    sold_out = "" if best.in_stock else ctx.t("product.sold_out_mark")
    if intent in ("price", "place") or group.stall_count == 1:
        offers = [
            ctx.t(
                "search.offer",
                price=_price(ctx, item.price_fen, item.unit),
                stall=esc(item.stall_name),
            )
            + ("" if item.in_stock else ctx.t("product.sold_out_mark"))
            for item in group.items[:STALLS_SHOWN]
        ]
        more = group.stall_count - len(offers)
        tail = ctx.t("search.more_stalls", count=more) if more > 0 else ""
        return f"• <b>{esc(group.name)}</b>：" + "；".join(offers) + tail
    prices = sorted(item.price_fen for item in group.items)
    low, high = _price(ctx, prices[0], best.unit), _price(ctx, prices[-1], best.unit)
    span = low if prices[0] == prices[-1] else f"{low}–{high}"
    return (
        ctx.t("search.group", name=esc(group.name), price=span, count=group.stall_count) + sold_out
    )


async def _when(ctx: Ctx, market: Market) -> str:
    now = ctx.services.clock.now()
    days = await ctx.services.days.held_days(market, market_today(now, market.timezone), 1)
    if not days:
        return ctx.t("search.when_unknown", opens=market.opens, closes=market.closes)
    return ctx.t(
        "search.when",
        day=esc(format_market_day(days[0], ctx.lang)),
        opens=market.opens,
        closes=market.closes,
    )


def _button(group: ProductGroup) -> Choice:
    best = group.items[0]
    label = group.name if group.stall_count > 1 else f"{group.name} · {best.stall_name}"
    return Choice(f"prod:{best.product_id}", label[:40])


async def _answer(ctx: Ctx, market: Market | None, echo: str, answer: SearchAnswer) -> Reply:
    lines = [ctx.t(f"search.head.{answer.intent}", query=esc(echo))]
    lines += [_group_line(ctx, g, answer.intent) for g in answer.groups]
    if market is not None and answer.intent == "place":
        lines.append(
            ctx.t("search.market_place", market=esc(market.name), place=esc(market.place))
        )
    if market is not None and answer.intent == "time":
        lines.append(await _when(ctx, market))
    return Reply("\n".join(lines), choices=rows([_button(g) for g in answer.groups], 2))


async def search(ctx: Ctx, text: str) -> list[Reply]:
    """Answer what was typed; log what was asked for (no personal data)."""
    query = " ".join(text.split())
    if not query:
        return await search_prompt(ctx)
    echo = query if len(query) <= QUERY_ECHO_LIMIT else query[:QUERY_ECHO_LIMIT] + "…"
    market = await current_market(ctx)
    browse = [ctx.button("menu.categories", "menu:cats"), ctx.button("menu.stalls", "stalls:0")]
    if len(query) > MAX_QUERY:
        return [Reply(ctx.t("search.too_long", limit=MAX_QUERY), choices=rows(browse, 2))]
    now = ctx.services.clock.now()
    answer = await ctx.services.catalog.search(market, query, now, limit=LIMIT)
    stalls = await ctx.store.search_visible_stalls(query, LIMIT, market.id if market else None)
    if answer.groups:
        replies = [await _answer(ctx, market, echo, answer)]
    elif answer.intent == "time" and market is not None:
        replies = [
            Reply(
                await _when(ctx, market), choices=rows([ctx.button("days.btn.next", "days:next")])
            )
        ]
    elif not stalls:
        key = "search.nothing_wanted" if answer.wanted else "search.nothing"
        wanted = esc(answer.wanted or echo)
        return [Reply(ctx.t(key, query=esc(echo), wanted=wanted), choices=rows(browse, 2))]
    else:
        replies = []
    if stalls:
        lines = [ctx.t("search.stalls", query=esc(echo))] + [f"• {esc(s.name)}" for s in stalls]
        buttons = [Choice(f"stall:{s.id}", f"🧺 {s.name}") for s in stalls]
        replies.append(Reply("\n".join(lines), choices=rows(buttons, 2)))
    return replies
