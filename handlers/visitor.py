"""Visitors: the market card and main menu, browsing by category and by stall, product cards and
search.

Commands: /start [stall_<id> | market_<id>], /search TEXT. Any plain text that is not an answer
to a question is a search.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from handlers import broadcast, following
from handlers.answers import id_in, page_in
from handlers.cards import (
    PAGE_SIZE,
    categories_of,
    current_market,
    market_text,
    page_buttons,
    product_card,
    product_line,
    rows,
    stall_card,
)
from marketbot.calendar import format_market_day
from marketbot.chat.context import Ctx, button
from marketbot.domain.model import Market, Stall, StallStatus
from marketbot.domain.schedule import market_today
from marketbot.neutral import Choice, Reply
from marketbot.services.links import parse_entry
from marketbot.texts import Lang, esc

__all__ = [
    "BROWSE_BUTTONS",
    "browse_categories",
    "browse_category",
    "browse_stalls",
    "main_menu",
    "show_product",
    "show_stall",
    "start",
]


def _head_id(arg: str) -> int | None:
    """The id before a button's first ``:`` (``42:1`` → 42)."""
    return id_in(arg.split(":", 1)[0])


BROWSE_BUTTONS: tuple[tuple[str, str], ...] = (
    ("menu.categories", "menu:cats"),
    ("menu.stalls", "stalls:0"),
    ("menu.search", "menu:search"),
    ("days.btn.next", "days:next"),
)
"""The main menu's first buttons (text key, choice), the same for everyone."""


@lru_cache(maxsize=8)
def _first_buttons(lang: Lang, vendor: bool) -> tuple[Choice, ...]:
    """The main menu's first buttons in ``lang`` (``vendor``: the person has a stall), made
    once: every /start shows them."""
    vendor_key = "menu.my_stall" if vendor else "menu.become_vendor"
    browse = (button(lang, key, choice) for key, choice in BROWSE_BUTTONS)
    return (*browse, button(lang, vendor_key, "menu:vendor"))


@lru_cache(maxsize=4)
def _language_button(lang: Lang) -> Choice:
    """The button that ends the main menu."""
    return button(lang, "menu.language", "lang:menu")


async def main_menu(ctx: Ctx, _arg: str = "") -> list[Reply]:
    """The market card with the main menu; the secretary's tools appear for secretaries."""
    return [await _menu(ctx, "", edit=True)]


async def _menu(ctx: Ctx, welcome: str, *, edit: bool) -> Reply:
    """:func:`main_menu`'s message, after ``welcome`` (a line of its own, or nothing)."""
    market = await current_market(ctx)
    text = (
        market_text(ctx, market) + await _next_day(ctx, market) if market else ctx.t("market.none")
    )
    owns = await ctx.store.stall_of_owner(ctx.user.id) is not None
    buttons = list(_first_buttons(ctx.lang, owns))
    if market:
        buttons.append(await following.subscribe_button(ctx, market))
    if len(await ctx.store.markets()) > 1:
        buttons.append(ctx.button("mkt.btn.switch", "mkt:list"))
    if ctx.is_secretary:
        buttons.append(ctx.button("menu.secretary", "sec:menu"))
    buttons.append(_language_button(ctx.lang))
    prompt = ctx.t("menu.prompt")
    return Reply(f"{welcome}{text}\n\n{prompt}", choices=rows(buttons, 2), edit=edit)


async def _next_day(ctx: Ctx, market: Market) -> str:
    """The market card's line with the next market day (today's, and the one after)."""
    today = market_today(ctx.services.clock.now(), market.timezone)
    days = await ctx.services.days.held_days(market, today, 3)
    if not days:
        return ""
    if days[0] == today:
        after = [d for d in days if d > today]
        key = "market.today_and_next" if after else "market.today"
        day = format_market_day(after[0], ctx.lang) if after else ""
        return "\n" + ctx.t(key, day=day)
    return "\n" + ctx.t("market.next_day", day=format_market_day(days[0], ctx.lang))


async def start(ctx: Ctx, _arg: str) -> list[Reply]:
    """/start: the welcome and the main menu, in one message (one request where one will do)."""
    name = (ctx.user.display_name or "").strip()
    welcome = ctx.t("start.welcome_named", name=esc(name)) if name else ctx.t("start.welcome")
    return [await _menu(ctx, welcome + "\n", edit=False)]


async def enter(ctx: Ctx, payload: str) -> list[Reply]:
    """Someone came in through a stall's or a market's link or QR code (``stall_42``)."""
    target = parse_entry(payload)
    if target is not None and target[0] == "stall":
        return await show_stall(ctx, str(target[1]))
    if target is not None and await ctx.store.get_market(target[1]) is not None:
        await ctx.store.set_user_market(ctx.user.id, target[1])
        ctx.user = replace(ctx.user, market_id=target[1])
    elif target is not None or payload.startswith(("market_", "stall_")):
        # a code for a market that does not exist (any more): say so before the usual home
        return [Reply(ctx.t("entry.missing")), *await start(ctx, "")]
    return await start(ctx, "")


async def browse_categories(ctx: Ctx, _arg: str) -> list[Reply]:
    market = await current_market(ctx)
    counts = await ctx.store.visible_category_counts(market.id) if market else {}
    categories = await categories_of(ctx, market.id if market else None)
    buttons = [
        ctx.button("cat.with_count", f"cat:{c.key}:0", name=c.name(ctx.lang), count=counts[c.key])
        for c in categories.items
        if counts.get(c.key)
    ]
    if not buttons:
        return [Reply(ctx.t("browse.empty"), choices=rows([ctx.button("btn.menu", "menu:main")]))]
    buttons.append(ctx.button("btn.menu", "menu:main"))
    return [Reply(ctx.t("browse.categories"), choices=rows(buttons, 3), edit=True)]


async def browse_category(ctx: Ctx, arg: str) -> list[Reply]:
    key, _, page_arg = arg.partition(":")
    page = page_in(page_arg)
    market = await current_market(ctx)
    if market is None:
        return [Reply(ctx.t("market.none"))]
    category = (await categories_of(ctx, market.id)).get(key)
    if category is None:  # another market's category, one removed since, or a forged button
        return [Reply(ctx.t("stale"))]
    pairs, total = await ctx.store.visible_products_in_category(
        key, market.id, offset=page * PAGE_SIZE, limit=PAGE_SIZE
    )
    name = esc(category.name(ctx.lang))
    if not pairs:
        return [
            Reply(
                ctx.t("browse.category_empty", name=name),
                choices=rows([ctx.button("btn.back", "menu:cats")]),
            )
        ]
    lines = [ctx.t("browse.category", name=name, count=total)]
    lines += [f"• {product_line(ctx, p, s)}" for p, s in pairs]
    buttons = [Choice(f"prod:{p.id}", p.name) for p, _ in pairs]
    nav = page_buttons(ctx, f"cat:{key}", page, total)
    back = [ctx.button("btn.back", "menu:cats")]
    return [Reply("\n".join(lines), choices=rows(buttons, 2) + rows(nav + back, 3), edit=True)]


async def browse_stalls(ctx: Ctx, arg: str) -> list[Reply]:
    page = page_in(arg)
    market = await current_market(ctx)
    stalls, total = await ctx.store.stalls(
        statuses=[StallStatus.APPROVED],
        market_id=market.id if market else None,
        offset=page * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
    if not stalls:
        return [
            Reply(ctx.t("browse.no_stalls"), choices=rows([ctx.button("btn.menu", "menu:main")]))
        ]
    lines = [ctx.t("browse.stalls", count=total)]
    lines += [
        ctx.t(
            "browse.stall_line",
            name=esc(s.name),
            vendor=esc(s.vendor_name),
            village=esc(s.village or "—"),
        )
        for s in stalls
    ]
    buttons = [Choice(f"stall:{s.id}", s.name) for s in stalls]
    nav = [*page_buttons(ctx, "stalls", page, total), ctx.button("btn.menu", "menu:main")]
    return [Reply("\n".join(lines), choices=rows(buttons, 2) + rows(nav, 3), edit=True)]


def _may_see(ctx: Ctx, stall: Stall) -> bool:
    return stall.visible or ctx.is_secretary or stall.owner_id == ctx.user.id


async def show_stall(ctx: Ctx, arg: str) -> list[Reply]:
    stall_id = _head_id(arg)
    stall = await ctx.store.get_stall(stall_id) if stall_id is not None else None
    if stall is None or not _may_see(ctx, stall):
        return [
            Reply(
                ctx.t("stall.unavailable"), choices=rows([ctx.button("menu.stalls", "stalls:0")])
            )
        ]
    page = page_in(arg.partition(":")[2])
    products = await ctx.store.products_of_stall(stall.id)
    back = [ctx.button("menu.stalls", "stalls:0"), ctx.button("btn.menu", "menu:main")]
    extra = [*await broadcast.follow_buttons(ctx, stall), *back]
    return [stall_card(ctx, stall, products, page, extra=extra)]


async def show_product(ctx: Ctx, arg: str) -> list[Reply]:
    product_id = _head_id(arg)
    product = await ctx.store.get_product(product_id) if product_id is not None else None
    stall = await ctx.store.get_stall(product.stall_id) if product else None
    if product is None or stall is None or not _may_see(ctx, stall):
        return [
            Reply(
                ctx.t("product.unavailable"),
                choices=rows([ctx.button("menu.categories", "menu:cats")]),
            )
        ]
    buttons = [
        ctx.button("btn.see_stall", f"stall:{stall.id}"),
        ctx.button("btn.menu", "menu:main"),
    ]
    return [await product_card(ctx, product, stall, buttons)]
