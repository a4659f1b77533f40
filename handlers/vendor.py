"""Vendors: registering a stall, listing a product step by step, and managing "my stall".

Commands: /register, /add, /mystall.

Registration: stall name → vendor name → village → phone (optional; share-contact button on
Telegram) → intro (optional) → preview → submitted; every secretary gets approve / reject buttons.

Listing: name → category (buttons) → price (``35元/瓶`` also fills the unit) → unit (buttons or
typed) → photo (optional) → one-line description (optional) → preview → saved.

Every button carries only an id; ownership is checked again on every press.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from handlers.cards import current_market, product_card, rows, stall_card
from handlers.flow import Invalid, cancel_button, read_line, read_price, read_text, skip_button
from handlers.secretary import notify_secretaries
from marketbot.chat.context import Ctx
from marketbot.domain.model import CATEGORIES, Product, Stall, StallStatus
from marketbot.domain.prices import format_price
from marketbot.domain.textinput import (
    DESCRIPTION_MAX,
    INTRO_MAX,
    PERSON_NAME_MAX,
    PRODUCT_NAME_MAX,
    STALL_NAME_MAX,
    VILLAGE_MAX,
    TextError,
    clean_line,
    clean_phone,
)
from marketbot.domain.units import BUTTON_UNITS, normalize_unit
from marketbot.neutral import Choice, Reply
from marketbot.storage.market_data import NewProduct, NewStall
from marketbot.texts import esc

__all__ = ["STEPS", "register_choices"]


class S:
    """Conversation states of the vendor flows (stored strings: renaming one needs a migration)."""

    REG_STALL = "vendor.reg.stall_name"
    REG_NAME = "vendor.reg.vendor_name"
    REG_VILLAGE = "vendor.reg.village"
    REG_PHONE = "vendor.reg.phone"
    REG_INTRO = "vendor.reg.intro"
    REG_CONFIRM = "vendor.reg.confirm"
    ADD_NAME = "vendor.add.name"
    ADD_CATEGORY = "vendor.add.category"
    ADD_PRICE = "vendor.add.price"
    ADD_UNIT = "vendor.add.unit"
    ADD_PHOTO = "vendor.add.photo"
    ADD_DESC = "vendor.add.description"
    ADD_PREVIEW = "vendor.add.preview"
    EDIT_PRICE = "vendor.edit.price"
    EDIT_NAME = "vendor.edit.name"
    EDIT_DESC = "vendor.edit.description"
    EDIT_PHOTO = "vendor.edit.photo"
    EDIT_INTRO = "vendor.edit.intro"


Answer = Callable[[Ctx, str], Awaitable[list[Reply]]]


def _id(arg: str) -> int | None:
    return int(arg) if arg.isdigit() and len(arg) < 12 else None


def _ask(ctx: Ctx, key: str, *buttons: Choice, contact: bool = False, **values: object) -> Reply:
    return Reply(
        ctx.t(key, **values),
        choices=rows([*buttons, cancel_button(ctx)], 2),
        contact_request=contact,
    )


def guarded(answer: Answer) -> Answer:
    """Turn :class:`Invalid` into its reply followed by the same question again."""

    async def run(ctx: Ctx, text: str) -> list[Reply]:
        try:
            return await answer(ctx, text)
        except Invalid as err:
            return [Reply(err.reply), *await ctx.ask_again()]

    return run


# registration ------------------------------------------------------------------------------


async def _market_id(ctx: Ctx) -> int:
    """The market a new stall joins: the one the vendor is looking at."""
    market = await current_market(ctx)
    assert market is not None
    return market.id


async def start_registration(ctx: Ctx, _arg: str = "") -> list[Reply]:
    stall = await ctx.store.stall_of_owner(ctx.user.id)
    if stall is not None and stall.status is not StallStatus.REJECTED:
        return [
            Reply(
                ctx.t(f"register.already.{stall.status.value}", name=esc(stall.name)),
                choices=rows([ctx.button("menu.my_stall", "my:list:0")]),
            )
        ]
    if not await ctx.store.markets():
        return [Reply(ctx.t("market.none"))]
    ctx.start_flow(S.REG_STALL)
    return [Reply(ctx.t("register.intro")), *await ask_stall_name(ctx)]


async def ask_stall_name(ctx: Ctx) -> list[Reply]:
    return [_ask(ctx, "register.ask_stall_name", limit=STALL_NAME_MAX)]


@guarded
async def answer_stall_name(ctx: Ctx, _text: str) -> list[Reply]:
    name = read_line(ctx, STALL_NAME_MAX)
    taken = await ctx.store.stall_by_name(await _market_id(ctx), name)
    if taken is not None and taken.owner_id != ctx.user.id:
        raise Invalid(ctx.t("register.name_taken", name=esc(name)))
    ctx.conv.data["stall_name"] = name
    ctx.goto(S.REG_NAME)
    return await ask_vendor_name(ctx)


def _own_name(ctx: Ctx) -> str | None:
    try:
        return clean_line(ctx.user.display_name, max_len=PERSON_NAME_MAX)
    except TextError:
        return None


async def ask_vendor_name(ctx: Ctx) -> list[Reply]:
    own = _own_name(ctx)
    buttons = [Choice("reg:me", own)] if own else []
    return [_ask(ctx, "register.ask_vendor_name", *buttons, limit=PERSON_NAME_MAX)]


async def _set_vendor_name(ctx: Ctx, name: str) -> list[Reply]:
    ctx.conv.data["vendor_name"] = name
    ctx.goto(S.REG_VILLAGE)
    return await ask_village(ctx)


@guarded
async def answer_vendor_name(ctx: Ctx, _text: str) -> list[Reply]:
    return await _set_vendor_name(ctx, read_line(ctx, PERSON_NAME_MAX))


async def use_own_name(ctx: Ctx, _arg: str) -> list[Reply]:
    own = _own_name(ctx)
    if ctx.conv.state != S.REG_NAME or own is None:
        return [Reply(ctx.t("stale")), *await ctx.ask_again()]
    return await _set_vendor_name(ctx, own)


async def ask_village(ctx: Ctx) -> list[Reply]:
    return [_ask(ctx, "register.ask_village", limit=VILLAGE_MAX)]


@guarded
async def answer_village(ctx: Ctx, _text: str) -> list[Reply]:
    ctx.conv.data["village"] = read_line(ctx, VILLAGE_MAX)
    ctx.goto(S.REG_PHONE)
    return await ask_phone(ctx)


async def ask_phone(ctx: Ctx) -> list[Reply]:
    return [_ask(ctx, "register.ask_phone", skip_button(ctx), contact=True)]


@guarded
async def answer_phone(ctx: Ctx, _text: str) -> list[Reply]:
    raw = ctx.inbound.contact_phone or ctx.inbound.text
    if not raw:
        raise Invalid(ctx.t("register.phone_invalid"))
    phone = clean_phone(raw)
    if phone is None:
        raise Invalid(ctx.t("register.phone_invalid"))
    ctx.conv.data["phone"] = phone
    ctx.goto(S.REG_INTRO)
    return await ask_intro(ctx)


async def ask_intro(ctx: Ctx) -> list[Reply]:
    return [_ask(ctx, "register.ask_intro", skip_button(ctx), limit=INTRO_MAX)]


@guarded
async def answer_intro(ctx: Ctx, _text: str) -> list[Reply]:
    ctx.conv.data["intro"] = read_text(ctx, INTRO_MAX)
    ctx.goto(S.REG_CONFIRM)
    return await ask_confirm(ctx)


async def ask_confirm(ctx: Ctx) -> list[Reply]:
    data = ctx.conv.data
    text = ctx.t(
        "register.preview",
        stall=esc(data["stall_name"]),
        vendor=esc(data["vendor_name"]),
        village=esc(data["village"]),
        phone=esc(data.get("phone") or ctx.t("register.no_phone")),
        intro=esc(data.get("intro") or "—"),
    )
    buttons = [ctx.button("btn.submit", "reg:submit"), ctx.button("btn.restart", "reg:restart")]
    return [Reply(text, choices=rows([*buttons, cancel_button(ctx)], 2))]


async def answer_confirm(ctx: Ctx, _text: str) -> list[Reply]:
    return [Reply(ctx.t("input.use_buttons")), *await ask_confirm(ctx)]


async def restart_registration(ctx: Ctx, _arg: str) -> list[Reply]:
    if ctx.conv.state != S.REG_CONFIRM:
        return [Reply(ctx.t("stale")), *await ctx.ask_again()]
    ctx.start_flow(S.REG_STALL)
    return await ask_stall_name(ctx)


async def submit_registration(ctx: Ctx, _arg: str) -> list[Reply]:
    if ctx.conv.state != S.REG_CONFIRM:
        return [Reply(ctx.t("stale")), *await ctx.ask_again()]
    data = ctx.conv.data
    new = NewStall(
        name=data["stall_name"],
        vendor_name=data["vendor_name"],
        village=data["village"],
        phone=data.get("phone"),
        intro=data.get("intro", ""),
    )
    now = ctx.services.clock.now()
    stall = await ctx.store.submit_stall(
        owner_id=ctx.user.id, market_id=await _market_id(ctx), stall=new, now=now
    )
    if stall is None or stall.status is not StallStatus.PENDING:
        ctx.goto(S.REG_STALL)
        return [
            Reply(ctx.t("register.name_taken", name=esc(new.name))),
            *await ask_stall_name(ctx),
        ]
    ctx.end_flow()
    await notify_secretaries(ctx, stall)
    buttons = [ctx.button("btn.add_product", "my:add"), ctx.button("btn.menu", "menu:main")]
    return [Reply(ctx.t("register.submitted", name=esc(stall.name)), choices=rows(buttons, 2))]


async def vendor_menu(ctx: Ctx, _arg: str) -> list[Reply]:
    """The main menu's vendor button: my stall if I have one, else registration."""
    stall = await _my_stall(ctx)
    if stall is None or stall.status is StallStatus.REJECTED:
        return await start_registration(ctx)
    return await my_stall(ctx)


# listing a product -----------------------------------------------------------------------------


async def _my_stall(ctx: Ctx) -> Stall | None:
    return await ctx.store.stall_of_owner(ctx.user.id)


def _no_stall(ctx: Ctx, stall: Stall | None) -> list[Reply] | None:
    """The reply for vendors who cannot manage goods now (no stall, rejected, suspended)."""
    if stall is None or stall.status is StallStatus.REJECTED:
        key = "vendor.no_stall" if stall is None else "vendor.rejected"
        return [Reply(ctx.t(key), choices=rows([ctx.button("menu.become_vendor", "reg:start")]))]
    if stall.status is StallStatus.SUSPENDED:
        return [Reply(ctx.t("vendor.suspended", name=esc(stall.name)))]
    return None


async def start_add(ctx: Ctx, _arg: str = "") -> list[Reply]:
    stall = await _my_stall(ctx)
    refusal = _no_stall(ctx, stall)
    if refusal is not None:
        return refusal
    ctx.start_flow(S.ADD_NAME)
    return await ask_product_name(ctx)


async def ask_product_name(ctx: Ctx) -> list[Reply]:
    return [_ask(ctx, "add.ask_name", limit=PRODUCT_NAME_MAX)]


async def _check_name_free(ctx: Ctx, name: str, except_id: int | None = None) -> None:
    stall = await _my_stall(ctx)
    if stall and await ctx.store.product_name_taken(stall.id, name, except_id=except_id):
        raise Invalid(ctx.t("add.name_taken", name=esc(name)))


@guarded
async def answer_product_name(ctx: Ctx, _text: str) -> list[Reply]:
    name = read_line(ctx, PRODUCT_NAME_MAX)
    await _check_name_free(ctx, name)
    ctx.conv.data["name"] = name
    ctx.goto(S.ADD_CATEGORY)
    return await ask_category(ctx)


async def ask_category(ctx: Ctx) -> list[Reply]:
    buttons = [ctx.button(f"cat.{key}", f"add:cat:{key}") for key in CATEGORIES]
    text = ctx.t("add.ask_category", name=esc(ctx.conv.data.get("name", "")))
    return [Reply(text, choices=rows(buttons, 3) + rows([cancel_button(ctx)]))]


async def answer_category(ctx: Ctx, _text: str) -> list[Reply]:
    return [Reply(ctx.t("input.use_buttons")), *await ask_category(ctx)]


async def choose_category(ctx: Ctx, key: str) -> list[Reply]:
    if ctx.conv.state != S.ADD_CATEGORY or key not in CATEGORIES:
        return [Reply(ctx.t("stale")), *await ctx.ask_again()]
    ctx.conv.data["category"] = key
    ctx.goto(S.ADD_PRICE)
    return await ask_price(ctx)


async def ask_price(ctx: Ctx) -> list[Reply]:
    return [_ask(ctx, "add.ask_price", name=esc(ctx.conv.data.get("name", "")))]


@guarded
async def answer_price(ctx: Ctx, _text: str) -> list[Reply]:
    price = read_price(ctx)
    ctx.conv.data["price_fen"] = price.fen
    if price.unit:
        ctx.conv.data["unit"] = price.unit
        ctx.goto(S.ADD_PHOTO)
        return await ask_photo(ctx)
    ctx.goto(S.ADD_UNIT)
    return await ask_unit(ctx)


async def ask_unit(ctx: Ctx) -> list[Reply]:
    buttons = [Choice(f"add:unit:{unit}", unit) for unit in BUTTON_UNITS]
    return [Reply(ctx.t("add.ask_unit"), choices=rows(buttons, 3) + rows([cancel_button(ctx)]))]


async def _set_unit(ctx: Ctx, unit: str) -> list[Reply]:
    ctx.conv.data["unit"] = unit
    ctx.goto(S.ADD_PHOTO)
    return await ask_photo(ctx)


@guarded
async def answer_unit(ctx: Ctx, _text: str) -> list[Reply]:
    unit = normalize_unit(read_line(ctx, 10))
    if unit is None:
        raise Invalid(ctx.t("add.unit_invalid"))
    return await _set_unit(ctx, unit)


async def choose_unit(ctx: Ctx, unit: str) -> list[Reply]:
    if ctx.conv.state != S.ADD_UNIT or unit not in BUTTON_UNITS:
        return [Reply(ctx.t("stale")), *await ctx.ask_again()]
    return await _set_unit(ctx, unit)


async def ask_photo(ctx: Ctx) -> list[Reply]:
    return [_ask(ctx, "add.ask_photo", skip_button(ctx))]


def _take_photo(ctx: Ctx) -> tuple[str, str]:
    if ctx.inbound.photo is None:
        raise Invalid(ctx.t("input.need_photo"))
    return ctx.inbound.photo, ctx.inbound.platform


@guarded
async def answer_photo(ctx: Ctx, _text: str) -> list[Reply]:
    ctx.conv.data["photo"], ctx.conv.data["photo_platform"] = _take_photo(ctx)
    ctx.goto(S.ADD_DESC)
    return await ask_description(ctx)


async def ask_description(ctx: Ctx) -> list[Reply]:
    return [_ask(ctx, "add.ask_description", skip_button(ctx), limit=DESCRIPTION_MAX)]


@guarded
async def answer_description(ctx: Ctx, _text: str) -> list[Reply]:
    ctx.conv.data["description"] = read_line(ctx, DESCRIPTION_MAX)
    ctx.goto(S.ADD_PREVIEW)
    return await ask_preview(ctx)


def _draft(ctx: Ctx) -> NewProduct:
    data = ctx.conv.data
    return NewProduct(
        name=data["name"],
        category=data["category"],
        price_fen=int(data["price_fen"]),
        unit=data["unit"],
        description=data.get("description", ""),
        photo=data.get("photo"),
        photo_platform=data.get("photo_platform"),
    )


async def ask_preview(ctx: Ctx) -> list[Reply]:
    draft = _draft(ctx)
    text = ctx.t(
        "add.preview",
        name=esc(draft.name),
        category=ctx.t(f"cat.{draft.category}"),
        price=esc(format_price(draft.price_fen, draft.unit, ctx.lang)),
        description=esc(draft.description or "—"),
        photo=ctx.t("add.has_photo" if draft.photo else "add.no_photo"),
    )
    photo = draft.photo if draft.photo_platform == ctx.inbound.platform else None
    buttons = [ctx.button("btn.save", "add:save"), ctx.button("btn.restart", "add:restart")]
    return [Reply(text, photo=photo, choices=rows([*buttons, cancel_button(ctx)], 2))]


async def answer_preview(ctx: Ctx, _text: str) -> list[Reply]:
    return [Reply(ctx.t("input.use_buttons")), *await ask_preview(ctx)]


async def restart_add(ctx: Ctx, _arg: str) -> list[Reply]:
    if ctx.conv.state != S.ADD_PREVIEW:
        return [Reply(ctx.t("stale")), *await ctx.ask_again()]
    ctx.start_flow(S.ADD_NAME)
    return await ask_product_name(ctx)


async def save_product(ctx: Ctx, _arg: str) -> list[Reply]:
    if ctx.conv.state != S.ADD_PREVIEW:
        return [Reply(ctx.t("stale")), *await ctx.ask_again()]
    stall = await _my_stall(ctx)
    refusal = _no_stall(ctx, stall)
    if refusal is not None or stall is None:
        ctx.end_flow()
        return refusal or []
    draft = _draft(ctx)
    if await ctx.store.product_name_taken(stall.id, draft.name):
        ctx.goto(S.ADD_NAME)
        return [Reply(ctx.t("add.name_taken", name=esc(draft.name))), *await ask_product_name(ctx)]
    product = await ctx.store.add_product(stall.id, draft, ctx.services.clock.now())
    ctx.end_flow()
    key = "add.saved" if stall.visible else "add.saved_pending"
    buttons = [ctx.button("btn.add_another", "my:add"), ctx.button("menu.my_stall", "my:list:0")]
    return [
        Reply(ctx.t(key, name=esc(product.name))),
        product_card(ctx, product, stall, buttons),
    ]


# skip / "my stall" -----------------------------------------------------------------------------


async def skip(ctx: Ctx, _arg: str) -> list[Reply]:
    """The "skip" button of the vendors' optional steps."""
    state = ctx.conv.state
    if state == S.EDIT_DESC:
        return await remove_description(ctx)
    if state == S.REG_PHONE:
        ctx.conv.data["phone"] = None
        ctx.goto(S.REG_INTRO)
        return await ask_intro(ctx)
    if state == S.REG_INTRO:
        ctx.conv.data["intro"] = ""
        ctx.goto(S.REG_CONFIRM)
        return await ask_confirm(ctx)
    if state == S.ADD_PHOTO:
        ctx.goto(S.ADD_DESC)
        return await ask_description(ctx)
    if state == S.ADD_DESC:
        ctx.conv.data["description"] = ""
        ctx.goto(S.ADD_PREVIEW)
        return await ask_preview(ctx)
    return [Reply(ctx.t("stale")), *await ctx.ask_again()]


async def my_stall(ctx: Ctx, arg: str = "") -> list[Reply]:
    stall = await _my_stall(ctx)
    refusal = _no_stall(ctx, stall) if stall is None else None
    if refusal is not None or stall is None:
        return refusal or []
    page = int(arg) if arg.isdigit() and len(arg) < 6 else 0
    products = await ctx.store.products_of_stall(stall.id)
    extra = [
        ctx.button("btn.add_product", "my:add"),
        ctx.button("btn.edit_intro", "my:intro"),
        ctx.button("att.btn.ask", "att:ask"),
        ctx.button("bc.btn.vendor", "bc:vendor"),
        ctx.button("sold.all", "sold:all"),
        ctx.button("poster.button_my_qr", "my:qr"),
        ctx.button("poster.button_poster", "my:poster"),
        ctx.button("btn.menu", "menu:main"),
    ]
    card = stall_card(
        ctx, stall, products, page, product_prefix="my:prod", page_prefix="my:list", extra=extra
    )
    return [card]


async def _owned(ctx: Ctx, arg: str) -> tuple[Stall, Product] | None:
    """The product named by a button, only if it belongs to this user's stall."""
    product_id = _id(arg)
    stall = await _my_stall(ctx)
    if product_id is None or stall is None:
        return None
    product = await ctx.store.get_product(product_id)
    if product is None or product.stall_id != stall.id:
        return None
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
        ctx.button("btn.delete", f"my:del:{product.id}"),
        ctx.button("menu.my_stall", "my:list:0"),
    ]
    return [product_card(ctx, product, stall, buttons)]


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


def _edit_starter(state: str, ask: Callable[[Ctx], Awaitable[list[Reply]]]) -> Answer:
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


def _edit_ask(key: str, *, skippable: bool = False) -> Callable[[Ctx], Awaitable[list[Reply]]]:
    async def ask(ctx: Ctx) -> list[Reply]:
        product = await _editing(ctx)
        if product is None:
            ctx.end_flow()
            return _refuse(ctx)
        current = format_price(product.price_fen, product.unit, ctx.lang)
        buttons = [skip_button(ctx)] if skippable else []
        return [
            _ask(
                ctx,
                key,
                *buttons,
                name=esc(product.name),
                price=esc(current),
                limit=PRODUCT_NAME_MAX,
            )
        ]

    return ask


ask_edit_price = _edit_ask("my.ask_price")
ask_edit_name = _edit_ask("my.ask_name")
ask_edit_desc = _edit_ask("my.ask_description")
ask_edit_photo = _edit_ask("my.ask_photo")


def _edit_answer(read: Callable[[Ctx, Product], Awaitable[dict[str, object]]]) -> Answer:
    @guarded
    async def answer(ctx: Ctx, _text: str) -> list[Reply]:
        product = await _editing(ctx)
        if product is None:
            ctx.end_flow()
            return _refuse(ctx)
        return await _after_edit(ctx, product.id, **await read(ctx, product))

    return answer


async def _read_new_price(ctx: Ctx, product: Product) -> dict[str, object]:
    price = read_price(ctx)
    return {"price_fen": price.fen, "unit": price.unit or product.unit}


async def _read_new_name(ctx: Ctx, product: Product) -> dict[str, object]:
    name = read_line(ctx, PRODUCT_NAME_MAX)
    await _check_name_free(ctx, name, except_id=product.id)
    return {"name": name}


async def _read_new_description(ctx: Ctx, _product: Product) -> dict[str, object]:
    return {"description": read_line(ctx, DESCRIPTION_MAX)}


async def _read_new_photo(ctx: Ctx, _product: Product) -> dict[str, object]:
    photo, platform = _take_photo(ctx)
    return {"photo": photo, "photo_platform": platform}


async def ask_edit_intro(ctx: Ctx) -> list[Reply]:
    return [_ask(ctx, "my.ask_intro", limit=INTRO_MAX)]


async def begin_edit_intro(ctx: Ctx, _arg: str) -> list[Reply]:
    stall = await _my_stall(ctx)
    if stall is None:
        return _refuse(ctx)
    ctx.start_flow(S.EDIT_INTRO)
    return await ask_edit_intro(ctx)


@guarded
async def answer_edit_intro(ctx: Ctx, _text: str) -> list[Reply]:
    intro = read_text(ctx, INTRO_MAX)
    stall = await _my_stall(ctx)
    ctx.end_flow()
    if stall is None:
        return _refuse(ctx)
    await ctx.store.update_stall_intro(stall.id, intro, ctx.services.clock.now())
    return [Reply(ctx.t("my.intro_updated")), *await my_stall(ctx)]


async def remove_description(ctx: Ctx) -> list[Reply]:
    """ "Skip" while editing a description clears it."""
    product = await _editing(ctx)
    if product is None:
        ctx.end_flow()
        return _refuse(ctx)
    return await _after_edit(ctx, product.id, description="")


STEPS: list[tuple[str, Callable[[Ctx], Awaitable[list[Reply]]], Answer]] = [
    (S.REG_STALL, ask_stall_name, answer_stall_name),
    (S.REG_NAME, ask_vendor_name, answer_vendor_name),
    (S.REG_VILLAGE, ask_village, answer_village),
    (S.REG_PHONE, ask_phone, answer_phone),
    (S.REG_INTRO, ask_intro, answer_intro),
    (S.REG_CONFIRM, ask_confirm, answer_confirm),
    (S.ADD_NAME, ask_product_name, answer_product_name),
    (S.ADD_CATEGORY, ask_category, answer_category),
    (S.ADD_PRICE, ask_price, answer_price),
    (S.ADD_UNIT, ask_unit, answer_unit),
    (S.ADD_PHOTO, ask_photo, answer_photo),
    (S.ADD_DESC, ask_description, answer_description),
    (S.ADD_PREVIEW, ask_preview, answer_preview),
    (S.EDIT_PRICE, ask_edit_price, _edit_answer(_read_new_price)),
    (S.EDIT_NAME, ask_edit_name, _edit_answer(_read_new_name)),
    (S.EDIT_DESC, ask_edit_desc, _edit_answer(_read_new_description)),
    (S.EDIT_PHOTO, ask_edit_photo, _edit_answer(_read_new_photo)),
    (S.EDIT_INTRO, ask_edit_intro, answer_edit_intro),
]
"""Every vendor flow step: (state, ask, answer)."""


SKIPPABLE = (S.REG_PHONE, S.REG_INTRO, S.ADD_PHOTO, S.ADD_DESC, S.EDIT_DESC)
"""States whose question has a "skip" button (handled by :func:`skip`)."""


def register_choices() -> list[tuple[str, Answer, bool]]:
    """Button prefixes of the vendor flows: (prefix, handler, starts a flow)."""
    return [
        ("reg:start", start_registration, True),
        ("reg:me", use_own_name, False),
        ("reg:submit", submit_registration, False),
        ("reg:restart", restart_registration, False),
        ("add:cat", choose_category, False),
        ("add:unit", choose_unit, False),
        ("add:save", save_product, False),
        ("add:restart", restart_add, False),
        ("my:add", start_add, True),
        ("my:list", my_stall, False),
        ("my:prod", owner_product, False),
        ("my:stock", toggle_stock, False),
        ("my:del", ask_delete, False),
        ("my:delok", delete, False),
        ("my:price", _edit_starter(S.EDIT_PRICE, ask_edit_price), True),
        ("my:name", _edit_starter(S.EDIT_NAME, ask_edit_name), True),
        ("my:desc", _edit_starter(S.EDIT_DESC, ask_edit_desc), True),
        ("my:photo", _edit_starter(S.EDIT_PHOTO, ask_edit_photo), True),
        ("my:intro", begin_edit_intro, True),
    ]
