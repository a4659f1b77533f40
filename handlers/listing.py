"""Commands: /add. Listing products: in one message, or step by step.

The short way: ``沙棘膏 35元一瓶`` (after /add, with it — ``/add 沙棘膏 35元一瓶`` —, as a photo's
caption, or typed by a vendor anywhere) makes a draft with name, price, unit and a category guessed
from the search's word tables (黄精 → 药材), shown as a preview with 保存 and a button per field to
change it. Several lines at once, one product a line, are listed together.

The step-by-step way: name → category (buttons) → price (``35元/瓶`` also fills the unit) → unit
(buttons or typed) → photo (optional) → one-line description (optional) → preview → saved. Every
step but the first has a ⬅️ back button; a field changed from the preview goes back to it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from typing import Any

from handlers import following, own_goods
from handlers.answers import (
    back_button,
    cancel_button,
    id_in,
    is_confirm,
    is_skip,
    read_line,
    read_photo,
    read_price,
    skip_button,
    use_buttons,
)
from handlers.cards import categories_of, price_text, product_card, rows
from handlers.my_stall import check_name_free, no_stall, own_stall, owner_product
from marketbot.chat.context import Ctx
from marketbot.chat.flow import Asker, Flow, Handler, Invalid, Stale, Step
from marketbot.domain.listing import ListingLine, read_listing
from marketbot.domain.model import CATEGORIES, OTHER_CATEGORY, Categories, Product
from marketbot.domain.prices import price_or_none
from marketbot.domain.textinput import DESCRIPTION_MAX, PRODUCT_NAME_MAX
from marketbot.domain.units import BUTTON_UNITS, normalize_unit
from marketbot.neutral import Choice, Reply
from marketbot.search import SearchTables
from marketbot.search.dictionary import dictionary
from marketbot.search.tables import CategoryWord
from marketbot.storage.market_data import NewProduct
from marketbot.texts import esc, t

__all__ = [
    "FLOW",
    "guess_category",
    "start_add",
    "vendor_listing",
    "vendor_photo_first",
    "vendor_text_first",
]


class S:
    """Conversation states (stored strings: renaming one needs a migration)."""

    NAME = "vendor.add.name"
    CATEGORY = "vendor.add.category"
    PRICE = "vendor.add.price"
    UNIT = "vendor.add.unit"
    PHOTO = "vendor.add.photo"
    DESC = "vendor.add.description"
    PREVIEW = "vendor.add.preview"
    BATCH = "vendor.add.batch"


FIELDS = ("name", "category", "price", "unit", "photo", "description")
"""Fields the preview has a button for, each with the step that asks it."""
_FIELD_STEP = {
    "name": S.NAME,
    "category": S.CATEGORY,
    "price": S.PRICE,
    "unit": S.UNIT,
    "photo": S.PHOTO,
    "description": S.DESC,
}


_DECISIVE_CATEGORIES = 2
#: The senses of a name's head read for an English sign of the category tables.
_GLOSS_SENSES = 2
"""An entry of the category tables naming more kinds than this is a collective word (特产,
送礼), too broad to guess one product's category from."""


def _kind_category(tables: SearchTables, kind: CategoryWord) -> str | None:
    """The catalogue category of a kind of goods the tables name without one (枣: 红枣, 冬枣…;
    油: 胡麻油, 香油…): the category of the one-category line that shows one of its words first
    (干果 shows 枣), else the category whose own name holds one (油 of 粮油)."""
    for entry in tables.categories.values():
        if len(entry.categories) == 1 and set(kind.words) & set(entry.terms):
            return entry.categories[0]
    for key in CATEGORIES:
        if any(word in t("zh", f"cat.{key}") for word in kind.words):
            return key
    return None


_KNOWN: dict[int, tuple[SearchTables, dict[str, tuple[int, str]]]] = {}
"""The words each set of tables places in a category (kept with the tables: they never change)."""


def _known_words(tables: SearchTables) -> dict[str, tuple[int, str]]:
    """Each word the tables place in a catalogue category, with the rank of the entry that does
    (0: goods of a kind; else how many categories the entry names) and that category."""
    kept = _KNOWN.get(id(tables))
    if kept is not None and kept[0] is tables:
        return kept[1]
    # Of the entries of the best rank placing a word, the category most of them name, on a tie
    # the one whose name shares a character with it: 核桃, shown first by 山珍 and by 干果 and
    # 坚果, is 干果; 蜂王浆, by 蜂产品 and 补品, is 蜂产品.
    votes: dict[str, dict[int, Counter[str]]] = {}
    # one entry a line (each word of a line holds its own copy)
    entries = {entry.words or (word,): (word, entry) for word, entry in tables.categories.items()}
    for word, entry in entries.values():
        if entry.categories:
            rank = len(entry.categories)
            categories = [key for key in entry.categories if key in CATEGORIES]
        else:
            kind = _kind_category(tables, entry)
            rank, categories = 0, [kind] if kind is not None else []
        if not categories or len(categories) > _DECISIVE_CATEGORIES:
            continue
        for term in dict.fromkeys((*entry.words, word, *entry.terms)):
            votes.setdefault(term, {}).setdefault(rank, Counter())[categories[0]] += 1
    known = {
        term: (rank, max(counts, key=lambda key: (counts[key], _shares_name(key, term))))
        for term, by_rank in votes.items()
        for rank in [min(by_rank)]
        for counts in [by_rank[rank]]
    }
    _KNOWN[id(tables)] = (tables, known)
    return known


def _shares_name(key: str, word: str) -> bool:
    """Whether the Chinese name of category ``key`` shares a character with ``word``."""
    return bool(set(t("zh", f"cat.{key}")) & set(word))


def guess_category(tables: SearchTables, name: str) -> str:
    """The catalogue category of the word of ``name`` the search's tables place in one that
    ends last — a Chinese name ends with what the goods are (沙棘汁 is a drink, 荞面碗托 a snack)
    — the longest of those; of words equally placed, the goods of a kind the tables name
    without a category first (红枣 of 枣 in 干果, not in 补品 or 粥, which say what goods are
    for), then a word of a one-category entry before one of a two-category entry; ``qita`` when
    none does. A word only a collective entry of many kinds names (陈醋 under 特产 and 送礼) says
    nothing about the product's own kind: such entries are left out."""
    known = _known_words(tables)
    found: list[tuple[int, int, int, str]] = []
    for size in range(len(name), 0, -1):
        for start in range(len(name) - size + 1):
            part = name[start : start + size]
            for word in (part, *tables.synonyms.get(part, ())):
                if word in known:
                    rank, category = known[word]
                    found.append((-(start + size), -size, rank, category))
    return min(found)[3] if found else _signed_category(tables, name)


def _signed_category(tables: SearchTables, name: str) -> str:
    """The category of the entry of the category tables whose sign marks ``name``, which holds
    no word they place: an English sign glossing the name's head, the longest ending the
    dictionary knows, by a head noun or a note of its first senses (簸箕 "wicker or bamboo
    winnowing basket", 芸豆 "kidney bean", 艾叶 "mugwort leaf (tcm)"; not 豆腐 "bean curd"),
    else a Chinese sign in the name, the one ending last (蜂 of 蜂蜡); ``qita`` when none
    does."""
    words = dictionary()
    head = next((name[at:] for at in range(len(name)) if words.senses(name[at:])), "")
    # one character ending a longer name says too many things (块 "piece; cake (of soap)")
    senses = words.senses(head)[:_GLOSS_SENSES] if len(head) > 1 or head == name else ()
    gloss = {  # the head nouns: "basket" of "wicker or bamboo winnowing basket"
        _singular(tokens[-1])
        for sense in senses
        for part in re.split(r"[;,]", re.sub(r"\([^)]*\)", " ", sense))
        for tokens in [re.findall(r"[a-z]+", part)]
        if tokens
    }
    # and the notes: "(tcm)" of 艾叶 "mugwort leaf (tcm)"
    gloss.update(word for sense in senses for word in re.findall(r"\(([a-z]+)\)", sense))
    found: list[tuple[int, int, str]] = []
    entries = {entry.words or (word,): entry for word, entry in tables.categories.items()}
    for order, entry in enumerate(entries.values()):
        kind = None if entry.categories else _kind_category(tables, entry)
        categories = entry.categories or ((kind,) if kind else ())
        if not categories or len(categories) > _DECISIVE_CATEGORIES:
            continue
        for sign in entry.signs:
            if sign.isascii():
                end = len(name) + 1 if _singular(sign.split()[-1]) in gloss else -1
            else:
                end = name.rfind(sign) + len(sign) if sign in name else -1
            if end >= 0:
                found.append((-end, order, categories[0]))
    return min(found)[2] if found else OTHER_CATEGORY


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _draft_data(ctx: Ctx, categories: Categories, line: ListingLine) -> dict[str, Any]:
    """A draft of ``line``: in the market's own category whose name the product's holds (the
    longest: 手工醋 for 柿子手工醋), else in the category the search's tables guess."""
    own = [c for c in categories.added if c.zh in line.name]
    if own:
        category = max(own, key=lambda c: len(c.zh)).key
    else:
        category = guess_category(ctx.services.catalog.tables, line.name)
    return {"name": line.name, "category": category, **line.price.columns()}


def _batch_drafts(
    ctx: Ctx, categories: Categories, found: list[ListingLine]
) -> list[dict[str, Any]]:
    """Drafts of several lines saved together (a line without a unit: per piece)."""
    return [
        {**_draft_data(ctx, categories, line), "unit": line.price.unit or "个"} for line in found
    ]


async def start_add(ctx: Ctx, arg: str = "") -> list[Reply]:
    refusal = no_stall(ctx, await own_stall(ctx))
    if refusal is not None:
        return refusal
    found = read_listing(arg) if arg else None
    if found:
        return await start_drafts(ctx, found)
    ctx.start_flow(S.NAME)
    if arg:
        ctx.inbound = replace(ctx.inbound, text=arg)
        return await answer_name(ctx, arg)
    return await ask_name(ctx)


async def start_drafts(
    ctx: Ctx, found: list[ListingLine], photo_id: int | None = None
) -> list[Reply]:
    """The preview of products read from one message (a vendor with a stall)."""
    categories = await _categories(ctx)
    if len(found) == 1:
        data = _draft_data(ctx, categories, found[0])
        if photo_id is not None:
            data["photo_id"] = photo_id
        ctx.start_flow(S.PREVIEW, **data)
        if data["unit"] is None:
            ctx.conv.data["editing"] = True
            ctx.goto(S.UNIT)
            return await ask_unit(ctx)
        return await ask_preview(ctx)
    ctx.start_flow(S.BATCH, drafts=_batch_drafts(ctx, categories, found))
    return await ask_batch(ctx)


async def vendor_listing(ctx: Ctx) -> list[Reply] | None:
    """A vendor's message outside any flow that lists products (``沙棘膏 35元一瓶``, or a photo
    with that caption): its preview, or for goods the stall already sells their new prices; or
    words about the stall's own goods (``核桃改成18``, ``核桃有货了``) or about coming to the
    next market (``下次集市我不去了``); ``None`` when it is something else."""
    text = ctx.inbound.text or ""
    if not text.strip() or text.startswith("/"):
        return None
    coming = following.said_coming(text)
    attending = await following.coming_in_words(ctx, coming) if coming is not None else None
    if attending is not None:
        return attending
    stall = await own_stall(ctx)  # from memory: most who write have none, and read no further
    if stall is None:
        return None
    said, found = own_goods.read_words(text), read_listing(text)
    if said is None and not found:
        return None
    refusal = no_stall(ctx, stall)
    if refusal is not None:
        return refusal
    products = await ctx.store.products_of_stall(stall.id)
    done = await own_goods.apply_words(ctx, products, said) if said is not None else None
    if done is not None or not found:
        return done
    return await _list_lines(ctx, products, found)


async def _list_lines(ctx: Ctx, products: list[Product], found: list[ListingLine]) -> list[Reply]:
    """Lines ``name price`` a vendor sent: new goods previewed, goods the stall sells already
    repriced; the photo of the message (or the one sent first, held by the flow) goes with a
    single line."""
    photo_id = (
        (await ctx.stored_photo() or ctx.conv.data.get("photo_id")) if len(found) == 1 else None
    )
    known, new = own_goods.known_and_new(products, found)
    if not known:
        return await start_drafts(ctx, new, photo_id)
    replies = await own_goods.repriced(ctx, known, photo_id)
    return replies + await start_drafts(ctx, new) if new else replies


def vendor_text_first(fallback: Handler) -> Handler:
    """Free text: a vendor's ``name price`` lines list products; anything else goes on to
    ``fallback`` (market-day questions, then search)."""

    async def handle(ctx: Ctx, text: str) -> list[Reply]:
        listed = await vendor_listing(ctx)
        return listed if listed is not None else await fallback(ctx, text)

    return handle


def vendor_photo_first(fallback: Asker) -> Asker:
    """A photo outside a flow: with a ``name price`` caption from a vendor it lists that product
    with the photo; anything else goes on to ``fallback``."""

    async def handle(ctx: Ctx) -> list[Reply]:
        listed = await vendor_listing(ctx)
        if listed is None:
            listed = await _photo_first(ctx)
        return listed if listed is not None else await fallback(ctx)

    return handle


_PHOTO_FOR_AT_MOST = 8
"""Goods offered as buttons to take a photo sent first."""


async def _photo_first(ctx: Ctx) -> list[Reply] | None:
    """A vendor's photo with no ``name price``: kept, and the product it shows asked for (a new
    one by name and price, or one of theirs to take it); ``None`` for anyone else."""
    stall = await own_stall(ctx) if ctx.inbound.photo is not None else None
    if stall is None:
        return None
    refusal = no_stall(ctx, stall)
    if refusal is not None:
        return refusal
    ctx.start_flow(S.NAME, photo_id=await ctx.stored_photo())
    products = (await ctx.store.products_of_stall(stall.id))[:_PHOTO_FOR_AT_MOST]
    buttons = [
        Choice(f"add:photofor:{p.id}", ctx.t("add.btn.photo_for", name=p.name)) for p in products
    ]
    key = "add.photo_first_or_own" if products else "add.photo_first"
    return [Reply(ctx.t(key), choices=rows([*buttons, cancel_button(ctx)], 2))]


async def photo_for(ctx: Ctx, arg: str) -> list[Reply]:
    """The photo sent first, for one of the vendor's own goods (checked: never another's)."""
    photo_id = ctx.conv.data.get("photo_id")
    stall = await own_stall(ctx)
    product = await ctx.store.get_product(pid) if (pid := id_in(arg)) is not None else None
    if photo_id is None or stall is None or product is None or product.stall_id != stall.id:
        raise Stale
    await ctx.store.update_product(product.id, ctx.services.clock.now(), photo_id=photo_id)
    ctx.end_flow()
    return [
        Reply(ctx.t("add.photo_set", name=esc(product.name))),
        *await owner_product(ctx, str(product.id)),
    ]


# the steps ------------------------------------------------------------------------------------


def _editing(ctx: Ctx) -> bool:
    return bool(ctx.conv.data.get("editing"))


def _step_buttons(ctx: Ctx, *, first: bool = False) -> list[Choice]:
    """The back button (on every step but the first, and on every step changed from the preview)
    and cancel."""
    back = [] if first and not _editing(ctx) else [back_button(ctx, "add:back")]
    return [*back, cancel_button(ctx)]


async def _next(ctx: Ctx, state: str) -> list[Reply]:
    """Go on to ``state``, or back to the preview when a field was changed from it."""
    if _editing(ctx):
        ctx.conv.data.pop("editing", None)
        state = S.PREVIEW
    trail = ctx.conv.data.setdefault("trail", [])
    if ctx.conv.state and ctx.conv.state != state:
        trail.append(ctx.conv.state)
    ctx.goto(state)
    return await ctx.ask_again()


async def back(ctx: Ctx, _arg: str) -> list[Reply]:
    if _editing(ctx) and not ctx.conv.data.get("unit"):  # no preview without a unit yet
        ctx.conv.data.pop("editing", None)
        ctx.goto(S.PRICE)
        return await ask_price(ctx)
    if _editing(ctx):
        ctx.conv.data.pop("editing", None)
        ctx.goto(S.PREVIEW)
        return await ask_preview(ctx)
    trail: list[str] = ctx.conv.data.get("trail", [])
    ctx.goto(trail.pop() if trail else S.NAME)
    return await ctx.ask_again()


async def ask_name(ctx: Ctx) -> list[Reply]:
    text = ctx.t("add.ask_name", limit=PRODUCT_NAME_MAX)
    return [Reply(text, choices=rows(_step_buttons(ctx, first=True), 2))]


async def answer_name(ctx: Ctx, text: str) -> list[Reply]:
    stall = await own_stall(ctx) if not _editing(ctx) and ctx.inbound.text else None
    found = read_listing(text) if stall is not None else None
    if stall is not None and found:
        return await _list_lines(ctx, await ctx.store.products_of_stall(stall.id), found)
    name = read_line(ctx, PRODUCT_NAME_MAX)
    await check_name_free(ctx, name)
    ctx.conv.data["name"] = name
    if ctx.inbound.photo is not None:
        ctx.conv.data["photo_id"] = await ctx.stored_photo()
    return await _next(ctx, S.CATEGORY)


async def _categories(ctx: Ctx) -> Categories:
    """The categories of the vendor's market: the fixed ones and those its secretary added."""
    stall = await own_stall(ctx)
    return await categories_of(ctx, stall.market_id if stall else None)


async def ask_category(ctx: Ctx) -> list[Reply]:
    categories = await _categories(ctx)
    buttons = [Choice(f"add:cat:{c.key}", c.name(ctx.lang)) for c in categories.items]
    text = ctx.t("add.ask_category", name=esc(ctx.conv.data.get("name", "")))
    return [Reply(text, choices=rows(buttons, 3) + rows(_step_buttons(ctx), 2))]


async def choose_category(ctx: Ctx, key: str) -> list[Reply]:
    """A category button: only one of the vendor's own market counts (a button of another
    market's category, or a forged one, is stale)."""
    if (await _categories(ctx)).get(key) is None:
        raise Stale
    ctx.conv.data["category"] = key
    return await _next(ctx, S.PRICE)


def _still_known(categories: Categories, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with its category kept only while the market still has it (a secretary may
    have removed it since the draft was made: then 其他, as for goods already listed)."""
    if categories.get(data["category"]) is None:
        return {**data, "category": OTHER_CATEGORY}
    return data


async def ask_price(ctx: Ctx) -> list[Reply]:
    text = ctx.t("add.ask_price", name=esc(ctx.conv.data.get("name", "")))
    return [Reply(text, choices=rows(_step_buttons(ctx), 2))]


async def answer_price(ctx: Ctx, _text: str) -> list[Reply]:
    price = read_price(ctx)
    old_unit = ctx.conv.data.get("unit")
    ctx.conv.data.update(price.columns())
    if price.unit:
        return await _next(ctx, _after_unit(ctx))
    if _editing(ctx) and old_unit:  # a new amount, the unit stays as it was
        ctx.conv.data["unit"] = old_unit
        return await _next(ctx, S.PREVIEW)
    ctx.conv.data.setdefault("trail", []).append(S.PRICE)
    ctx.goto(S.UNIT)  # when changing the price from the preview, back to it after the unit
    return await ask_unit(ctx)


async def ask_unit(ctx: Ctx) -> list[Reply]:
    buttons = [Choice(f"add:unit:{unit}", unit) for unit in BUTTON_UNITS]
    return [Reply(ctx.t("add.ask_unit"), choices=rows(buttons, 3) + rows(_step_buttons(ctx), 2))]


async def _set_unit(ctx: Ctx, unit: str) -> list[Reply]:
    ctx.conv.data["unit"] = unit
    return await _next(ctx, _after_unit(ctx))


def _after_unit(ctx: Ctx) -> str:
    """The photo step, unless the vendor sent the photo first."""
    return S.DESC if ctx.conv.data.get("photo_id") else S.PHOTO


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
    buttons = [skip_button(ctx), *_step_buttons(ctx)]
    return [Reply(ctx.t("add.ask_photo"), choices=rows(buttons, 2))]


async def answer_photo(ctx: Ctx, text: str) -> list[Reply]:
    if ctx.inbound.photo is None and is_skip(text):
        return await skip_photo(ctx)
    ctx.conv.data["photo_id"] = await read_photo(ctx)
    return await _next(ctx, S.DESC)


async def skip_photo(ctx: Ctx) -> list[Reply]:
    if _editing(ctx):
        ctx.conv.data["photo_id"] = None
    return await _next(ctx, S.DESC)


async def ask_description(ctx: Ctx) -> list[Reply]:
    text = ctx.t("add.ask_description", limit=DESCRIPTION_MAX)
    return [Reply(text, choices=rows([skip_button(ctx), *_step_buttons(ctx)], 2))]


async def answer_description(ctx: Ctx, text: str) -> list[Reply]:
    if is_skip(text):
        return await skip_description(ctx)
    ctx.conv.data["description"] = read_line(ctx, DESCRIPTION_MAX)
    return await _next(ctx, S.PREVIEW)


async def skip_description(ctx: Ctx) -> list[Reply]:
    if _editing(ctx):
        ctx.conv.data["description"] = ""
    return await _next(ctx, S.PREVIEW)


def _new_product(data: dict[str, Any]) -> NewProduct:
    return NewProduct(
        name=data["name"],
        category=data["category"],
        price_fen=int(data["price_fen"]),
        price_max_fen=data.get("price_max_fen"),
        price_note=data.get("price_note", ""),
        unit=data["unit"],
        description=data.get("description", ""),
        photo_id=data.get("photo_id"),
    )


def _draft(ctx: Ctx) -> NewProduct:
    return _new_product(ctx.conv.data)


def _price_of(ctx: Ctx, draft: NewProduct) -> str:
    return price_text(ctx, draft)


async def ask_preview(ctx: Ctx) -> list[Reply]:
    draft = _draft(ctx)
    categories = await _categories(ctx)
    text = ctx.t(
        "add.preview",
        name=esc(draft.name),
        category=esc(categories.name(draft.category, ctx.lang)),
        price=_price_of(ctx, draft),
        description=esc(draft.description or "—"),
        photo=ctx.t("add.has_photo" if draft.photo_id else "add.no_photo"),
    )
    fields = [ctx.button(f"add.field.{field}", f"add:edit:{field}") for field in FIELDS]
    save = [ctx.button("btn.save", "add:save"), cancel_button(ctx)]
    return [Reply(text, photo=draft.photo_id, choices=rows(save, 2) + rows(fields, 3))]


async def answer_preview(ctx: Ctx, text: str) -> list[Reply]:
    """保存 saves; a price (``30元``) changes the draft's price, a line ``name price`` its name and
    price (what a vendor types to correct it rather than finding the button); several such
    lines join the draft in one preview of them all; anything else asks for the buttons."""
    if is_confirm(text):
        return await save(ctx, "")
    found = read_listing(text) if ctx.inbound.text else None
    if found is not None and len(found) > 1:
        return await _with_more(ctx, found)
    line = found[0] if found is not None and len(found) == 1 else None
    price = line.price if line is not None else price_or_none(text) if ctx.inbound.text else None
    if price is None:
        return await use_buttons(ctx, text)
    data = ctx.conv.data
    data.update(price.columns(), unit=price.unit or data.get("unit"))
    if line is not None:
        data["name"] = line.name
    return await ask_preview(ctx)


async def _with_more(ctx: Ctx, found: list[ListingLine]) -> list[Reply]:
    """More goods typed while one is previewed: all of them previewed together (saved with one
    press), nothing typed lost."""
    categories = await _categories(ctx)
    current = {key: value for key, value in ctx.conv.data.items() if key != "editing"}
    ctx.start_flow(S.BATCH, drafts=[current, *_batch_drafts(ctx, categories, found)])
    return await ask_batch(ctx)


async def edit_field(ctx: Ctx, field: str) -> list[Reply]:
    state = _FIELD_STEP.get(field)
    if state is None:
        raise Stale
    ctx.conv.data["editing"] = True
    ctx.goto(state)
    return await ctx.ask_again()


async def restart(ctx: Ctx, _arg: str) -> list[Reply]:
    ctx.start_flow(S.NAME)
    return await ask_name(ctx)


async def _stall_for_saving(ctx: Ctx) -> tuple[Any, list[Reply] | None]:
    stall = await own_stall(ctx)
    refusal = no_stall(ctx, stall)
    if refusal is not None or stall is None:
        ctx.end_flow()
        return None, refusal or []
    return stall, None


async def save(ctx: Ctx, _arg: str) -> list[Reply]:
    stall, refusal = await _stall_for_saving(ctx)
    if refusal is not None:
        return refusal
    draft = _new_product(_still_known(await categories_of(ctx, stall.market_id), ctx.conv.data))
    if not draft.unit:  # an old preview pressed again, or a forged press: the unit first
        ctx.conv.data["editing"] = True
        ctx.goto(S.UNIT)
        return await ask_unit(ctx)
    if await ctx.store.product_name_taken(stall.id, draft.name):
        ctx.conv.data["editing"] = True
        ctx.goto(S.NAME)
        return [Reply(ctx.t("add.name_taken", name=esc(draft.name))), *await ask_name(ctx)]
    product = await ctx.store.add_product(stall.id, draft, ctx.services.clock.now())
    ctx.end_flow()
    key = "add.saved" if stall.visible else "add.saved_pending"
    buttons = [ctx.button("btn.add_another", "my:add"), ctx.button("menu.my_stall", "my:list:0")]
    return [
        Reply(ctx.t(key, name=esc(product.name))),
        await product_card(ctx, product, stall, buttons),
    ]


# several products at once -----------------------------------------------------------------------


async def ask_batch(ctx: Ctx) -> list[Reply]:
    drafts = [_new_product(data) for data in ctx.conv.data.get("drafts", [])]
    categories = await _categories(ctx)
    lines = [
        ctx.t(
            "add.batch_line",
            number=number,
            name=esc(draft.name),
            price=_price_of(ctx, draft),
            category=esc(categories.name(draft.category, ctx.lang)),
        )
        for number, draft in enumerate(drafts, start=1)
    ]
    text = ctx.t("add.batch_preview", count=len(drafts)) + "\n" + "\n".join(lines)
    buttons = [ctx.button("add.save_all", "add:saveall", count=len(drafts)), cancel_button(ctx)]
    return [Reply(text, choices=rows(buttons, 2))]


async def answer_batch(ctx: Ctx, text: str) -> list[Reply]:
    if is_confirm(text):
        return await save_all(ctx, "")
    return await use_buttons(ctx, text)


async def save_all(ctx: Ctx, _arg: str) -> list[Reply]:
    stall, refusal = await _stall_for_saving(ctx)
    if refusal is not None:
        return refusal
    saved: list[str] = []
    taken: list[str] = []
    now = ctx.services.clock.now()
    categories = await categories_of(ctx, stall.market_id)
    for data in ctx.conv.data.get("drafts", []):
        draft = _new_product(_still_known(categories, data))
        if await ctx.store.product_name_taken(stall.id, draft.name):
            taken.append(draft.name)
            continue
        await ctx.store.add_product(stall.id, draft, now)
        saved.append(draft.name)
    ctx.end_flow()
    key = "add.saved_many" if stall.visible else "add.saved_many_pending"
    text = ctx.t(key, count=len(saved), names=esc("、".join(saved)))
    if taken:
        text += "\n" + ctx.t("add.skipped_taken", names=esc("、".join(taken)))
    buttons = [ctx.button("btn.add_another", "my:add"), ctx.button("menu.my_stall", "my:list:0")]
    return [Reply(text, choices=rows(buttons, 2))]


FLOW = Flow(
    "flow.add",
    steps=(
        Step(S.NAME, ask_name, answer_name, buttons=("add:back", "add:photofor")),
        Step(S.CATEGORY, ask_category, use_buttons, buttons=("add:cat", "add:back")),
        Step(S.PRICE, ask_price, answer_price, buttons=("add:back",)),
        Step(S.UNIT, ask_unit, answer_unit, buttons=("add:unit", "add:back")),
        Step(S.PHOTO, ask_photo, answer_photo, buttons=("add:back",), skip=skip_photo),
        Step(
            S.DESC,
            ask_description,
            answer_description,
            buttons=("add:back",),
            skip=skip_description,
        ),
        Step(
            S.PREVIEW, ask_preview, answer_preview, buttons=("add:save", "add:edit", "add:restart")
        ),
        Step(S.BATCH, ask_batch, answer_batch, buttons=("add:saveall",)),
    ),
    buttons={
        "add:cat": choose_category,
        "add:unit": choose_unit,
        "add:save": save,
        "add:edit": edit_field,
        "add:restart": restart,
        "add:back": back,
        "add:saveall": save_all,
        "add:photofor": photo_for,
    },
    starts={"my:add": start_add},
)
