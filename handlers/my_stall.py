"""Commands: /mystall. A vendor's own stall: the stall card with its goods, a product's actions
(in stock / sold out, delete), changing a product's price, name, description or photo, and the
stall's intro.

Every button carries only an id; ownership is checked again on every press.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from handlers.answers import (
    id_in,
    page_in,
    question,
    read_line,
    read_photo,
    read_price,
    read_text,
    skip_button,
    skippable,
)
from handlers.cards import categories_of, price_text, product_card, rows, stall_card
from marketbot.chat.context import Ctx
from marketbot.chat.flow import Asker, Flow, Handler, Invalid, Stale, Step
from marketbot.domain.model import Product, Stall, StallStatus
from marketbot.domain.textinput import DESCRIPTION_MAX, INTRO_MAX, PRODUCT_NAME_MAX
from marketbot.neutral import Choice, Reply
from marketbot.texts import esc

__all__ = ["EDIT", "check_name_free", "my_stall", "no_stall", "own_stall", "register_choices"]


class S:
    """Conversation states (stored strings: renaming one needs a migration)."""

    PRICE = "vendor.edit.price"
    NAME = "vendor.edit.name"
    DESC = "vendor.edit.description"
    PHOTO = "vendor.edit.photo"
    INTRO = "vendor.edit.intro"


async def own_stall(ctx: Ctx) -> Stall | None:
    return await ctx.store.stall_of_owner(ctx.user.id)


def no_stall(ctx: Ctx, stall: Stall | None) -> list[Reply] | None:
    """The reply for vendors who cannot manage goods now (no stall, rejected, suspended)."""
    if stall is None or stall.status is StallStatus.REJECTED:
        key = "vendor.no_stall" if stall is None else "vendor.rejected"
        return [Reply(ctx.t(key), choices=rows([ctx.button("menu.become_vendor", "reg:start")]))]
    if stall.status is StallStatus.SUSPENDED:
        return [Reply(ctx.t("vendor.suspended", name=esc(stall.name)))]
    return None


async def check_name_free(ctx: Ctx, name: str, except_id: int | None = None) -> None:
    """:class:`Invalid` when another product of the stall has this name."""
    stall = await own_stall(ctx)
    if stall and await ctx.store.product_name_taken(stall.id, name, except_id=except_id):
        raise Invalid(ctx.t("add.name_taken", name=esc(name)))


async def my_stall(ctx: Ctx, arg: str = "") -> list[Reply]:
    stall = await own_stall(ctx)
    if stall is None:
        return no_stall(ctx, stall) or []
    page = page_in(arg)
    products = await ctx.store.products_of_stall(stall.id, sold_out_last=False)
    open_stall = stall.status not in (StallStatus.REJECTED, StallStatus.SUSPENDED)
    extra = [
        ctx.button("btn.add_product", "my:add"),
        ctx.button("btn.edit_intro", "my:intro"),
        ctx.button("stinfo.btn.open", "my:info"),
        *([ctx.button("att.btn.ask", "att:ask")] if open_stall else []),
        *([ctx.button("bc.btn.vendor", "bc:vendor")] if open_stall else []),
        ctx.button("sold.all", "sold:all"),
        *([ctx.button("poster.button_my_qr", "my:qr")] if open_stall else []),
        *([ctx.button("poster.button_poster", "my:poster")] if open_stall else []),
        ctx.button("btn.menu", "menu:main"),
    ]
    card = stall_card(
        ctx, stall, products, page, product_prefix="my:prod", page_prefix="my:list", extra=extra
    )
    return [card]


# a product's actions ---------------------------------------------------------------------------


async def _owned(ctx: Ctx, arg: str) -> tuple[Stall, Product] | None:
    """The product named by a button, only if it belongs to this user's stall."""
    product_id = id_in(arg)
    stall = await own_stall(ctx)
    if product_id is None or stall is None:
        return None
    product = await ctx.store.get_product(product_id)
    if product is None or product.stall_id != stall.id:
        return None
    refusal = no_stall(ctx, stall)  # a suspended or rejected stall's goods stay as they are
    if refusal is not None:
        raise Invalid(refusal[0].text)
    return stall, product


def _refuse(ctx: Ctx) -> list[Reply]:
    return [Reply(ctx.t("not_yours"), choices=rows([ctx.button("menu.my_stall", "my:list:0")]))]


async def owner_product(ctx: Ctx, arg: str) -> list[Reply]:
    owned = await _owned(ctx, arg)
    if owned is None:
        return _refuse(ctx)
    stall, product = owned
    stock = "btn.mark_sold_out" if product.in_stock else "btn.mark_in_stock"
    buttons = [
        ctx.button("btn.change_price", f"my:price:{product.id}"),
        ctx.button(stock, f"my:stock:{product.id}"),
        ctx.button("btn.rename", f"my:name:{product.id}"),
        ctx.button("btn.edit_description", f"my:desc:{product.id}"),
        ctx.button("btn.change_photo", f"my:photo:{product.id}"),
        ctx.button("btn.change_category", f"my:cat:{product.id}"),
        ctx.button("btn.delete", f"my:del:{product.id}"),
        ctx.button("menu.my_stall", "my:list:0"),
    ]
    return [await product_card(ctx, product, stall, buttons)]


async def ask_category(ctx: Ctx, arg: str) -> list[Reply]:
    """The market's categories as buttons for one of the vendor's products."""
    owned = await _owned(ctx, arg)
    if owned is None:
        return _refuse(ctx)
    stall, product = owned
    categories = await categories_of(ctx, stall.market_id)
    buttons = [
        Choice(f"my:setcat:{product.id}:{c.key}", c.name(ctx.lang))
        for c in categories.items
        if c.key != product.category
    ]
    back = [ctx.button("btn.back", f"my:prod:{product.id}")]
    text = ctx.t("my.ask_category", name=esc(product.name))
    return [Reply(text, choices=rows(buttons, 3) + rows(back), edit=True)]


async def set_category(ctx: Ctx, arg: str) -> list[Reply]:
    """A category button: the product must be the vendor's and the category one of their
    market's (a button of another market, a removed or a forged one is stale)."""
    product_arg, _, key = arg.partition(":")
    owned = await _owned(ctx, product_arg)
    if owned is None:
        return _refuse(ctx)
    stall, product = owned
    if (await categories_of(ctx, stall.market_id)).get(key) is None:
        raise Stale
    await ctx.store.update_product(product.id, ctx.services.clock.now(), category=key)
    return await owner_product(ctx, product_arg)


async def toggle_stock(ctx: Ctx, arg: str) -> list[Reply]:
    owned = await _owned(ctx, arg)
    if owned is None:
        return _refuse(ctx)
    _, product = owned
    now = ctx.services.clock.now()
    await ctx.store.update_product(product.id, now, in_stock=not product.in_stock)
    return await owner_product(ctx, arg)


async def ask_delete(ctx: Ctx, arg: str) -> list[Reply]:
    owned = await _owned(ctx, arg)
    if owned is None:
        return _refuse(ctx)
    _, product = owned
    buttons = [
        ctx.button("btn.confirm_delete", f"my:delok:{product.id}"),
        ctx.button("btn.keep", f"my:prod:{product.id}"),
    ]
    return [
        Reply(
            ctx.t("my.confirm_delete", name=esc(product.name)), choices=rows(buttons, 2), edit=True
        )
    ]


async def delete(ctx: Ctx, arg: str) -> list[Reply]:
    owned = await _owned(ctx, arg)
    if owned is None:
        return _refuse(ctx)
    _, product = owned
    await ctx.store.delete_product(product.id)
    return [Reply(ctx.t("my.deleted", name=esc(product.name))), *await my_stall(ctx)]


# changing a product ----------------------------------------------------------------------------


def _edit_starter(state: str, ask: Asker) -> Handler:
    async def begin(ctx: Ctx, arg: str) -> list[Reply]:
        owned = await _owned(ctx, arg)
        if owned is None:
            return _refuse(ctx)
        ctx.start_flow(state, product_id=owned[1].id)
        return await ask(ctx)

    return begin


async def _editing(ctx: Ctx) -> Product | None:
    owned = await _owned(ctx, str(ctx.conv.data.get("product_id", "")))
    return owned[1] if owned else None


async def _after_edit(ctx: Ctx, product_id: int, **changes: object) -> list[Reply]:
    await ctx.store.update_product(product_id, ctx.services.clock.now(), **changes)
    ctx.end_flow()
    return [Reply(ctx.t("my.updated")), *await owner_product(ctx, str(product_id))]


def _edit_ask(key: str, *, skippable: bool = False) -> Asker:
    async def ask(ctx: Ctx) -> list[Reply]:
        product = await _editing(ctx)
        if product is None:
            ctx.end_flow()
            return _refuse(ctx)
        current = price_text(ctx, product)
        buttons = [skip_button(ctx)] if skippable else []
        return [
            question(
                ctx,
                key,
                *buttons,
                name=esc(product.name),
                price=current,
                limit=PRODUCT_NAME_MAX,
            )
        ]

    return ask


ask_edit_price = _edit_ask("my.ask_price")
ask_edit_name = _edit_ask("my.ask_name")
ask_edit_desc = _edit_ask("my.ask_description", skippable=True)
ask_edit_photo = _edit_ask("my.ask_photo")


def _edit_answer(read: Callable[[Ctx, Product], Awaitable[dict[str, object]]]) -> Handler:
    async def answer(ctx: Ctx, _text: str) -> list[Reply]:
        product = await _editing(ctx)
        if product is None:
            ctx.end_flow()
            return _refuse(ctx)
        return await _after_edit(ctx, product.id, **await read(ctx, product))

    return answer


async def _read_new_price(ctx: Ctx, product: Product) -> dict[str, object]:
    price = read_price(ctx)
    return {
        "price_fen": price.fen,
        "unit": price.unit or product.unit,
        "price_max_fen": price.max_fen,
        "price_note": price.note,
    }


async def _read_new_name(ctx: Ctx, product: Product) -> dict[str, object]:
    name = read_line(ctx, PRODUCT_NAME_MAX)
    await check_name_free(ctx, name, except_id=product.id)
    return {"name": name}


async def _read_new_description(ctx: Ctx, _product: Product) -> dict[str, object]:
    return {"description": read_line(ctx, DESCRIPTION_MAX)}


async def _read_new_photo(ctx: Ctx, _product: Product) -> dict[str, object]:
    return {"photo_id": await read_photo(ctx)}


async def remove_description(ctx: Ctx) -> list[Reply]:
    """ "Skip" while editing a description clears it."""
    product = await _editing(ctx)
    if product is None:
        ctx.end_flow()
        return _refuse(ctx)
    return await _after_edit(ctx, product.id, description="")


# the stall's intro -----------------------------------------------------------------------------


async def ask_edit_intro(ctx: Ctx) -> list[Reply]:
    return [question(ctx, "my.ask_intro", limit=INTRO_MAX)]


async def begin_edit_intro(ctx: Ctx, _arg: str) -> list[Reply]:
    if await own_stall(ctx) is None:
        return _refuse(ctx)
    ctx.start_flow(S.INTRO)
    return await ask_edit_intro(ctx)


async def answer_edit_intro(ctx: Ctx, _text: str) -> list[Reply]:
    intro = read_text(ctx, INTRO_MAX)
    stall = await own_stall(ctx)
    ctx.end_flow()
    if stall is None:
        return _refuse(ctx)
    await ctx.store.update_stall_intro(stall.id, intro, ctx.services.clock.now())
    return [Reply(ctx.t("my.intro_updated")), *await my_stall(ctx)]


EDIT = Flow(
    "flow.edit",
    steps=(
        Step(S.PRICE, ask_edit_price, _edit_answer(_read_new_price)),
        Step(S.NAME, ask_edit_name, _edit_answer(_read_new_name)),
        Step(
            S.DESC,
            ask_edit_desc,
            skippable(_edit_answer(_read_new_description), remove_description),
            skip=remove_description,
        ),
        Step(S.PHOTO, ask_edit_photo, _edit_answer(_read_new_photo)),
        Step(S.INTRO, ask_edit_intro, answer_edit_intro),
    ),
    starts={
        "my:price": _edit_starter(S.PRICE, ask_edit_price),
        "my:name": _edit_starter(S.NAME, ask_edit_name),
        "my:desc": _edit_starter(S.DESC, ask_edit_desc),
        "my:photo": _edit_starter(S.PHOTO, ask_edit_photo),
        "my:intro": begin_edit_intro,
    },
)
"""Changing a product (price, name, description, photo) or the stall's intro."""


def register_choices() -> list[tuple[str, Handler]]:
    """Buttons valid anywhere: (prefix, handler)."""
    return [
        ("my:list", my_stall),
        ("my:prod", owner_product),
        ("my:stock", toggle_stock),
        ("my:cat", ask_category),
        ("my:setcat", set_category),
        ("my:del", ask_delete),
        ("my:delok", delete),
    ]
