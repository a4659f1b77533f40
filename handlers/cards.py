"""How markets, stalls and products look in chat: the text and buttons of each card and list."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from marketbot.calendar import format_market_day
from marketbot.chat.context import Ctx
from marketbot.domain.model import Categories, Market, Product, Stall, StallStatus
from marketbot.domain.prices import format_price
from marketbot.domain.schedule import RELATIVE_DAYS
from marketbot.neutral import Choice, Reply
from marketbot.search import SearchTables
from marketbot.storage.categories import CategoryStore
from marketbot.storage.market_data import NewProduct
from marketbot.texts import Lang, esc, t

__all__ = [
    "PAGE_SIZE",
    "categories_of",
    "current_market",
    "market_text",
    "page_buttons",
    "price_text",
    "product_card",
    "product_line",
    "rows",
    "stall_card",
    "stall_summary",
]

PAGE_SIZE = 8
"""Items per page of any list with buttons (keeps a screen short and under Telegram's limits)."""


async def current_market(ctx: Ctx) -> Market | None:
    """The market this person is looking at: the one they chose last, else the first one."""
    if ctx.user.market_id is not None:
        chosen = await ctx.store.get_market(ctx.user.market_id)
        if chosen is not None:
            return chosen
    markets = await ctx.store.markets()
    return markets[0] if markets else None


async def categories_of(ctx: Ctx, market_id: int | None) -> Categories:
    """The categories of market ``market_id``: the fixed ones and those its secretary added
    (the fixed ones alone when there is no market)."""
    if market_id is None:
        return Categories.of()
    return await CategoryStore(ctx.store.db).of_market(market_id)


def rows(choices: list[Choice], per_row: int = 1) -> tuple[tuple[Choice, ...], ...]:
    """Lay ``choices`` out ``per_row`` to a row."""
    return tuple(tuple(choices[i : i + per_row]) for i in range(0, len(choices), per_row))


def page_buttons(ctx: Ctx, prefix: str, page: int, total: int) -> list[Choice]:
    """ "Previous" / "next" buttons with ids ``prefix:page``; none when one page holds all."""
    buttons = []
    if page > 0:
        buttons.append(ctx.button("btn.prev", f"{prefix}:{page - 1}"))
    if (page + 1) * PAGE_SIZE < total:
        buttons.append(ctx.button("btn.next", f"{prefix}:{page + 1}"))
    return buttons


def price_text(ctx: Ctx, product: Product | NewProduct) -> str:
    """The price as shown (escaped): ``35元/瓶``, ``15-20元/斤``, ``约15元``, ``面议``."""
    return esc(
        format_price(
            product.price_fen,
            product.unit,
            ctx.lang,
            max_fen=product.price_max_fen,
            note=product.price_note,
        )
    )


def market_text(ctx: Ctx, market: Market) -> str:
    return _market_card(ctx.lang, market)


@lru_cache(maxsize=1024)
def _market_card(lang: Lang, market: Market) -> str:
    """A market's card in ``lang``, made once per market as it is (every /start shows it)."""
    return t(
        lang,
        "market.card",
        name=esc(market.name),
        place=esc(market.place),
        opens=esc(market.opens),
        closes=esc(market.closes),
    )


def english_name(tables: SearchTables, name: str) -> str | None:
    """The English name the search's dictionary knows for ``name`` or the longest word in it
    (``荆条筐`` → ``wicker basket``): the first of its names with a space, else the first."""
    names: dict[str, list[str]] = {}
    for phrase, words in tables.english.items():
        if words:
            names.setdefault(words[0], []).append(phrase)
    for size in range(len(name), 1, -1):
        for start in range(len(name) - size + 1):
            found = names.get(name[start : start + size])
            if found:
                return next((n for n in found if " " in n), found[0])
    return None


def shown_name(ctx: Ctx, name: str) -> str:
    """A product's name as shown (escaped): in English with its English name where known."""
    if ctx.lang != "en":
        return esc(name)
    english = english_name(ctx.services.catalog.tables, name)
    return esc(f"{name} {english}" if english else name)


def unit_note(ctx: Ctx, products: list[Product]) -> str:
    """English only: Chinese units explained once (``jin = 500 g``) when any is shown."""
    if ctx.lang != "en":
        return ""
    notes = [
        ctx.t(f"unit.note.{unit}")
        for unit in ("斤", "两")
        if any(p.unit == unit for p in products)
    ]
    return "\n" + " · ".join(notes) if notes else ""


def product_line(ctx: Ctx, product: Product, stall: Stall | None = None) -> str:
    """One line: name, price and unit, sold-out mark, and the stall when given."""
    line = ctx.t(
        "product.line", name=shown_name(ctx, product.name), price=price_text(ctx, product)
    )
    if not product.in_stock:
        line += ctx.t("product.sold_out_mark")
    if stall is not None:
        line += ctx.t("product.at_stall", stall=esc(stall.name))
    return line


def stall_summary(ctx: Ctx, stall: Stall) -> str:
    text = ctx.t(
        "stall.header",
        name=esc(stall.name),
        vendor=esc(stall.vendor_name),
        village=esc(stall.village or "—"),
    )
    if stall.intro:
        text += "\n" + esc(stall.intro)
    if stall.phone and stall.show_phone:  # only with the vendor's consent
        text += "\n" + ctx.t("stall.phone", phone=esc(stall.phone))
    if stall.status is not StallStatus.APPROVED:
        text += "\n" + ctx.t(f"stall.status.{stall.status.value}")
    return text


def stall_card(
    ctx: Ctx,
    stall: Stall,
    products: list[Product],
    page: int,
    *,
    product_prefix: str = "prod",
    page_prefix: str | None = None,
    extra: list[Choice] | None = None,
) -> Reply:
    """The stall with one page of its products (a button each) and optional extra buttons."""
    lines = [stall_summary(ctx, stall), ""]
    shown = products[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    if products:
        sold_out = sum(not p.in_stock for p in products)
        count = ctx.t("stall.products", count=len(products) - sold_out)
        if sold_out:
            count = count.rstrip("：:") + ctx.t("stall.sold_out_count", count=sold_out)
        lines.append(count)
        lines.extend(f"• {product_line(ctx, p)}" for p in shown)
        note = unit_note(ctx, shown)
        if note:
            lines.append(note.strip())
    else:
        lines.append(ctx.t("stall.no_products"))
    buttons = [Choice(f"{product_prefix}:{p.id}", p.name) for p in shown]
    nav = page_buttons(ctx, page_prefix or f"stall:{stall.id}", page, len(products))
    layout = rows(buttons, 2) + rows(nav, 2) + rows(extra or [], 2)
    return Reply("\n".join(lines), choices=layout, edit=True)


async def product_card(
    ctx: Ctx, product: Product, stall: Stall, buttons: list[Choice] | None = None
) -> Reply:
    """A product with its price, category (the market's own ones too), stall and photo."""
    categories = await categories_of(ctx, stall.market_id)
    text = ctx.t(
        "product.card",
        name=shown_name(ctx, product.name),
        price=price_text(ctx, product),
        category=esc(categories.name(product.category, ctx.lang)),
        stall=esc(stall.name),
        village=esc(stall.village or "—"),
    )
    if product.description:
        text += "\n" + esc(product.description)
    if not product.in_stock:
        text += "\n" + ctx.t("product.sold_out")
    text += unit_note(ctx, [product])
    return Reply(text, choices=rows(buttons or [], 2), photo=product.photo_id, edit=True)


def no_market_on(ctx: Ctx, day: date, held: list[date], words: str) -> str:
    """ "12月5日 周六没有集。" (or "明天没有集（12月2日 …）。" when the typed ``words`` name the
    day by its distance from today) and the next of the ``held`` days after it."""
    shown = esc(format_market_day(day, ctx.lang))
    when = day_word(ctx, words)
    if when is None:
        text = ctx.t("days.no_market_day_on", day=shown)
    else:
        text = ctx.t("days.no_market_day", when=when, day=shown)
    later = [d for d in held if d > day]
    if later:
        text += "\n" + ctx.t("market.next_day", day=esc(format_market_day(later[0], ctx.lang)))
    return text


def day_word(ctx: Ctx, words: str) -> str | None:
    """今天 / 明天 / 后天 / 大后天 (Today, Tomorrow, …) when the typed ``words`` name a day by its
    distance from today; None for a date or a weekday."""
    offset = RELATIVE_DAYS.get("".join(words.split()).casefold())
    return ctx.t(f"days.word.{offset}") if offset is not None else None
