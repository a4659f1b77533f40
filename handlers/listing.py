"""Commands: /add. Listing a product step by step.

Name → category (buttons) → price (``35元/瓶`` also fills the unit) → unit (buttons or typed) →
photo (optional) → one-line description (optional) → preview → saved.
"""

from __future__ import annotations

from handlers.answers import (
    cancel_button,
    question,
    read_line,
    read_photo,
    read_price,
    skip_button,
    use_buttons,
)
from handlers.cards import product_card, rows
from handlers.my_stall import check_name_free, no_stall, own_stall
from marketbot.chat.context import Ctx
from marketbot.chat.flow import Flow, Invalid, Stale, Step
from marketbot.domain.model import CATEGORIES
from marketbot.domain.prices import format_price
from marketbot.domain.textinput import DESCRIPTION_MAX, PRODUCT_NAME_MAX
from marketbot.domain.units import BUTTON_UNITS, normalize_unit
from marketbot.neutral import Choice, Reply
from marketbot.storage.market_data import NewProduct
from marketbot.texts import esc

__all__ = ["FLOW", "start_add"]


class S:
    """Conversation states (stored strings: renaming one needs a migration)."""

    NAME = "vendor.add.name"
    CATEGORY = "vendor.add.category"
    PRICE = "vendor.add.price"
    UNIT = "vendor.add.unit"
    PHOTO = "vendor.add.photo"
    DESC = "vendor.add.description"
    PREVIEW = "vendor.add.preview"


async def start_add(ctx: Ctx, _arg: str = "") -> list[Reply]:
    refusal = no_stall(ctx, await own_stall(ctx))
    if refusal is not None:
        return refusal
    ctx.start_flow(S.NAME)
    return await ask_name(ctx)


async def ask_name(ctx: Ctx) -> list[Reply]:
    return [question(ctx, "add.ask_name", limit=PRODUCT_NAME_MAX)]


async def answer_name(ctx: Ctx, _text: str) -> list[Reply]:
    name = read_line(ctx, PRODUCT_NAME_MAX)
    await check_name_free(ctx, name)
    ctx.conv.data["name"] = name
    ctx.goto(S.CATEGORY)
    return await ask_category(ctx)


async def ask_category(ctx: Ctx) -> list[Reply]:
    buttons = [ctx.button(f"cat.{key}", f"add:cat:{key}") for key in CATEGORIES]
    text = ctx.t("add.ask_category", name=esc(ctx.conv.data.get("name", "")))
    return [Reply(text, choices=rows(buttons, 3) + rows([cancel_button(ctx)]))]


async def choose_category(ctx: Ctx, key: str) -> list[Reply]:
    if key not in CATEGORIES:
        raise Stale
    ctx.conv.data["category"] = key
    ctx.goto(S.PRICE)
    return await ask_price(ctx)


async def ask_price(ctx: Ctx) -> list[Reply]:
    return [question(ctx, "add.ask_price", name=esc(ctx.conv.data.get("name", "")))]


async def answer_price(ctx: Ctx, _text: str) -> list[Reply]:
    price = read_price(ctx)
    ctx.conv.data["price_fen"] = price.fen
    if price.unit:
        return await _set_unit(ctx, price.unit)
    ctx.goto(S.UNIT)
    return await ask_unit(ctx)


async def ask_unit(ctx: Ctx) -> list[Reply]:
    buttons = [Choice(f"add:unit:{unit}", unit) for unit in BUTTON_UNITS]
    return [Reply(ctx.t("add.ask_unit"), choices=rows(buttons, 3) + rows([cancel_button(ctx)]))]


async def _set_unit(ctx: Ctx, unit: str) -> list[Reply]:
    ctx.conv.data["unit"] = unit
    ctx.goto(S.PHOTO)
    return await ask_photo(ctx)


async def answer_unit(ctx: Ctx, _text: str) -> list[Reply]:
    unit = normalize_unit(read_line(ctx, 10))
    if unit is None:
        raise Invalid(ctx.t("add.unit_invalid"))
    return await _set_unit(ctx, unit)


async def choose_unit(ctx: Ctx, unit: str) -> list[Reply]:
    if unit not in BUTTON_UNITS:
        raise Stale
    return await _set_unit(ctx, unit)


async def ask_photo(ctx: Ctx) -> list[Reply]:
    return [question(ctx, "add.ask_photo", skip_button(ctx))]


async def answer_photo(ctx: Ctx, _text: str) -> list[Reply]:
    ctx.conv.data["photo_id"] = await read_photo(ctx)
    ctx.goto(S.DESC)
    return await ask_description(ctx)


async def ask_description(ctx: Ctx) -> list[Reply]:
    return [question(ctx, "add.ask_description", skip_button(ctx), limit=DESCRIPTION_MAX)]


async def answer_description(ctx: Ctx, _text: str) -> list[Reply]:
    ctx.conv.data["description"] = read_line(ctx, DESCRIPTION_MAX)
    ctx.goto(S.PREVIEW)
    return await ask_preview(ctx)


def _draft(ctx: Ctx) -> NewProduct:
    data = ctx.conv.data
    return NewProduct(
        name=data["name"],
        category=data["category"],
        price_fen=int(data["price_fen"]),
        unit=data["unit"],
        description=data.get("description", ""),
        photo_id=data.get("photo_id"),
    )


async def ask_preview(ctx: Ctx) -> list[Reply]:
    draft = _draft(ctx)
    text = ctx.t(
        "add.preview",
        name=esc(draft.name),
        category=ctx.t(f"cat.{draft.category}"),
        price=esc(format_price(draft.price_fen, draft.unit, ctx.lang)),
        description=esc(draft.description or "—"),
        photo=ctx.t("add.has_photo" if draft.photo_id else "add.no_photo"),
    )
    buttons = [ctx.button("btn.save", "add:save"), ctx.button("btn.restart", "add:restart")]
    return [Reply(text, photo=draft.photo_id, choices=rows([*buttons, cancel_button(ctx)], 2))]


async def restart(ctx: Ctx, _arg: str) -> list[Reply]:
    ctx.start_flow(S.NAME)
    return await ask_name(ctx)


async def save(ctx: Ctx, _arg: str) -> list[Reply]:
    stall = await own_stall(ctx)
    refusal = no_stall(ctx, stall)
    if refusal is not None or stall is None:
        ctx.end_flow()
        return refusal or []
    draft = _draft(ctx)
    if await ctx.store.product_name_taken(stall.id, draft.name):
        ctx.goto(S.NAME)
        return [Reply(ctx.t("add.name_taken", name=esc(draft.name))), *await ask_name(ctx)]
    product = await ctx.store.add_product(stall.id, draft, ctx.services.clock.now())
    ctx.end_flow()
    key = "add.saved" if stall.visible else "add.saved_pending"
    buttons = [ctx.button("btn.add_another", "my:add"), ctx.button("menu.my_stall", "my:list:0")]
    return [
        Reply(ctx.t(key, name=esc(product.name))),
        product_card(ctx, product, stall, buttons),
    ]


FLOW = Flow(
    "flow.add",
    steps=(
        Step(S.NAME, ask_name, answer_name),
        Step(S.CATEGORY, ask_category, use_buttons, buttons=("add:cat",)),
        Step(S.PRICE, ask_price, answer_price),
        Step(S.UNIT, ask_unit, answer_unit, buttons=("add:unit",)),
        Step(S.PHOTO, ask_photo, answer_photo, skip=S.DESC),
        Step(S.DESC, ask_description, answer_description, skip=S.PREVIEW),
        Step(S.PREVIEW, ask_preview, use_buttons, buttons=("add:save", "add:restart")),
    ),
    buttons={
        "add:cat": choose_category,
        "add:unit": choose_unit,
        "add:save": save,
        "add:restart": restart,
    },
    starts={"my:add": start_add},
)
