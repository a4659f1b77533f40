"""Search as visitors ask: goods in Chinese, pinyin, English or Traditional characters, with
price, place and time questions answered as such, and kind words when nobody sells a thing.

The search's intent layer reads a message first: where the market is, when, help, "I want to sell
here", a vendor's "核桃卖完了", and chit-chat are answered as what they are and never logged as
demand. A product line shows its prices per unit (sold-out listings never in a range) and, for
a product several stalls sell, a button that lists every stall with its price.

Commands: /search TEXT (any plain text that answers no question is a search too).
"""

from __future__ import annotations

from handlers import common, following, registration, visitor
from handlers.answers import id_in
from handlers.cards import current_market, price_text, rows, shown_name
from marketbot.calendar import format_market_day
from marketbot.chat.context import Ctx
from marketbot.chat.dispatch import Handler
from marketbot.domain.model import Market, Stall
from marketbot.domain.prices import format_price
from marketbot.domain.schedule import market_today
from marketbot.domain.words import is_goodbye, is_thanks
from marketbot.neutral import Choice, Reply
from marketbot.search import CatalogItem, ProductGroup, SearchAnswer
from marketbot.search.normalize import name_key
from marketbot.texts import esc

__all__ = ["register_choices", "search", "search_prompt"]

LIMIT = 8
QUERY_ECHO_LIMIT = 20
MAX_QUERY = 80
STALLS_SHOWN = 3


async def search_prompt(ctx: Ctx, _arg: str = "") -> list[Reply]:
    return [Reply(ctx.t("search.prompt"))]


def _price(ctx: Ctx, fen: int, unit: str) -> str:
    return esc(format_price(fen, unit, ctx.lang))


def _offer(ctx: Ctx, item: CatalogItem) -> str:
    mark = "" if item.in_stock else ctx.t("product.sold_out_mark")
    price = esc(
        format_price(
            item.price_fen,
            item.unit,
            ctx.lang,
            max_fen=item.price_max_fen,
            note=item.price_note,
        )
    )
    return ctx.t("search.offer", price=price, stall=esc(item.stall_name)) + mark


def _group_line(ctx: Ctx, group: ProductGroup, listings: tuple[CatalogItem, ...]) -> str:
    """Every stall with its price when they are few; else the price range per unit (in-stock
    listings only) and how many stalls. ``listings`` are the group's, best first."""
    if len(listings) <= STALLS_SHOWN:
        return f"• <b>{shown_name(ctx, group.name)}</b>：" + "；".join(
            _offer(ctx, i) for i in listings
        )
    spans = []
    for offer in group.offers():
        low, high = (_price(ctx, fen, offer.unit) for fen in (offer.low_fen, offer.high_fen))
        spans.append(low if offer.low_fen == offer.high_fen else f"{low}–{high}")
    if not spans:
        return f"• <b>{shown_name(ctx, group.name)}</b>" + ctx.t("product.sold_out_mark")
    return ctx.t(
        "search.group",
        name=shown_name(ctx, group.name),
        price="；".join(spans),
        count=group.stall_count,
    )


_SHOWN_KEPT = 4096
"""Product lines kept: an index hands out the same answer, with the same groups, for the same
question until it changes, so a line is made once per group and language."""
_shown_lines: dict[tuple[int, str], tuple[ProductGroup, tuple[CatalogItem, ...], str]] = {}


def _shown(ctx: Ctx, group: ProductGroup) -> tuple[ProductGroup, tuple[CatalogItem, ...], str]:
    """The group, its listings best first and its line (kept by the group's identity: the
    group itself is kept with it, so its id is not another's)."""
    key = (id(group), ctx.lang)
    kept = _shown_lines.get(key)
    if kept is not None and kept[0] is group:
        return kept
    listings = group.listings()
    made = (group, listings, _group_line(ctx, group, listings))
    if len(_shown_lines) >= _SHOWN_KEPT:
        _shown_lines.clear()
    _shown_lines[key] = made
    return made


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


def _button(group: ProductGroup, best: CatalogItem) -> Choice:
    """One stall's product opens it (``best``: the first of its listings); a product several
    stalls sell lists them all."""
    if len(group.items) == 1:
        return Choice(f"prod:{best.product_id}", f"{group.name} · {best.stall_name}"[:40])
    return Choice(f"same:{best.product_id}", f"{group.name}（{group.stall_count}）"[:40])


async def _answer(ctx: Ctx, market: Market | None, echo: str, answer: SearchAnswer) -> Reply:
    # "哪家卖荆条筐" finds the goods and shows where: each stall, and the market's place.
    head = "place" if answer.where and answer.intent == "find" else answer.intent
    lines = [ctx.t(f"search.head.{head}", query=esc(echo))]
    shown = [_shown(ctx, group) for group in answer.groups]
    lines += [line for _, _, line in shown]
    if market is not None and head == "place":
        lines.append(
            ctx.t("search.market_place", market=esc(market.name), place=esc(market.place))
        )
    if market is not None and answer.intent == "time":
        lines.append(await _when(ctx, market))
    buttons = [_button(group, listings[0]) for group, listings, _ in shown]
    return Reply("\n".join(lines), choices=rows(buttons, 2))


_NOT_A_SEARCH = frozenset({"place", "time", "help", "register", "sold_out", "chitchat", "service"})
_OWN_REQUESTS = frozenset({"help", "register", "sold_out"})
"""Intents about the sender's own doing: a stall named in them is not asked for."""


async def _sold_out(ctx: Ctx, answer: SearchAnswer) -> list[Reply] | None:
    """A vendor saying a good is sold out: marks their product of that name, or asks which;
    None for someone with no stall (then it is a question about the goods)."""
    stall = await ctx.store.stall_of_owner(ctx.user.id)
    if stall is None:
        return None
    named = {name_key(term) for term in answer.terms}
    products = await ctx.store.products_of_stall(stall.id)
    matches = [p for p in products if p.in_stock and name_key(p.name) in named]
    if len(matches) == 1:
        product = matches[0]
        await ctx.store.update_product(product.id, now=ctx.services.clock.now(), in_stock=False)
        return [
            Reply(
                ctx.t("search.marked_sold_out", name=esc(product.name)),
                choices=rows([ctx.button("menu.my_stall", "my:list:0")]),
            )
        ]
    return await following.sold_out(ctx)


async def _not_a_search(ctx: Ctx, market: Market | None, answer: SearchAnswer) -> list[Reply]:
    """A message that names no goods: answered as what it asks, never logged as demand."""
    if answer.intent == "help":
        return await common.help_(ctx, "")
    if answer.intent == "register":
        return await registration.start_registration(ctx, "")
    if answer.intent == "sold_out":
        marked = await _sold_out(ctx, answer)
        if marked is not None:
            return marked
        if answer.terms:  # 核桃卖完了 from a visitor: what is there of the goods
            return await search(ctx, " ".join(answer.terms))
    if market is not None and answer.intent == "place":
        text = ctx.t("search.market_place", market=esc(market.name), place=esc(market.place))
        return [Reply(text, choices=rows([ctx.button("days.btn.next", "days:next")]))]
    if market is not None and answer.intent == "time":
        return [
            Reply(
                await _when(ctx, market), choices=rows([ctx.button("days.btn.next", "days:next")])
            )
        ]
    browse = [ctx.button("menu.categories", "menu:cats"), ctx.button("menu.stalls", "stalls:0")]
    if answer.intent == "service":
        return [Reply(ctx.t("search.service"), choices=rows(browse, 2))]
    if answer.intent == "chitchat" and is_goodbye(answer.query):
        return [Reply(ctx.t("search.goodbye"))]
    said = "search.thanks" if answer.intent == "chitchat" and is_thanks(answer.query) else None
    return [Reply(ctx.t(said or "search.chitchat"), choices=rows(browse, 2))]


async def same_product(ctx: Ctx, arg: str) -> list[Reply]:
    """Every stall selling a product of this name in the market, with its price."""
    product = await ctx.store.get_product(pid) if (pid := id_in(arg)) is not None else None
    stall = await ctx.store.get_stall(product.stall_id) if product is not None else None
    if product is None or stall is None:
        return [Reply(ctx.t("stale"))]
    key = name_key(product.name)
    same = [
        (p, s)
        for p, s in await ctx.store.visible_listings(stall.market_id)
        if name_key(p.name) == key
    ]
    if not same:
        return [Reply(ctx.t("stale"))]
    same.sort(key=lambda pair: (not pair[0].in_stock, pair[0].price_fen, pair[1].id))
    lines = [ctx.t("search.head.find", query=esc(product.name))]
    buttons = []
    for item, seller in same:
        mark = "" if item.in_stock else ctx.t("product.sold_out_mark")
        price = price_text(ctx, item)
        lines.append("• " + ctx.t("search.offer", price=price, stall=esc(seller.name)) + mark)
        buttons.append(Choice(f"prod:{item.id}", f"{seller.name}"[:40]))
    return [Reply("\n".join(lines), choices=rows(buttons, 2))]


def register_choices() -> list[tuple[str, Handler]]:
    return [("same", same_product)]


async def _stalls_named(ctx: Ctx, stalls: list[Stall]) -> list[Reply]:
    """The card of the one stall a message names, or the stalls it names to choose from."""
    if len(stalls) == 1:
        return await visitor.show_stall(ctx, str(stalls[0].id))
    return [Reply(ctx.t("search.stalls_named"), choices=_stall_buttons(stalls[:LIMIT]))]


def _stall_buttons(stalls: list[Stall]) -> tuple[tuple[Choice, ...], ...]:
    """A button for each stall, two a row."""
    return rows([Choice(f"stall:{s.id}", f"🧺 {s.name}") for s in stalls], 2)


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
    catalog = ctx.services.catalog
    answer = await catalog.search(market, query, now, limit=LIMIT, log=False)
    market_id = market.id if market else None
    asks_stall = not answer.groups and answer.intent not in _OWN_REQUESTS
    named = await ctx.store.stalls_named_in(query, market_id) if asks_stall else []
    if named:  # 老魏山货有什么, 老魏的摊位在哪: a stall asked for, not goods nobody sells
        return await _stalls_named(ctx, named)
    if answer.intent in _NOT_A_SEARCH and not answer.groups:
        return await _not_a_search(ctx, market, answer)
    stalls = await ctx.store.search_visible_stalls(query, LIMIT, market_id)
    await catalog.log_wish(market, answer, now, len(answer.groups) + len(stalls))
    if answer.groups:
        replies = [await _answer(ctx, market, echo, answer)]
    elif not stalls:
        key = "search.nothing_wanted" if answer.wanted else "search.nothing"
        # in English, what they typed: the normalized wish is Chinese (battery → 电池)
        wanted = esc(echo if ctx.lang == "en" else answer.wanted or echo)
        return [Reply(ctx.t(key, query=esc(echo), wanted=wanted), choices=rows(browse, 2))]
    else:
        replies = []
    if stalls:
        lines = [ctx.t("search.stalls", query=esc(echo))] + [f"• {esc(s.name)}" for s in stalls]
        replies.append(Reply("\n".join(lines), choices=_stall_buttons(stalls)))
    return replies
