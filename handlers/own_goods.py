"""A vendor's words about goods their stall already sells, typed outside any flow: a new price
(``核桃 18元一斤`` listed again, ``核桃改成18``, ``核桃涨到20``, ``核桃便宜点，12``, ``核桃12``),
goods back in stock (``核桃有货了``, ``核桃到货了``) or goods no longer sold (``删掉红枣``,
``红枣不卖了``: asked to confirm, as the delete button does). Only a name of the vendor's own
goods is read so: ``苹果改成18`` from a stall without 苹果 is something else (a search), and
nobody changes another stall's goods.
Each change is said with what it was (``核桃：15元/斤 → 18元/斤``) over the product's card, where
every field can be changed back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from handlers.cards import price_text
from handlers.my_stall import ask_delete, owner_product
from marketbot.chat.context import Ctx
from marketbot.domain.listing import ListingLine
from marketbot.domain.model import Product
from marketbot.domain.prices import ParsedPrice, price_or_none
from marketbot.neutral import Reply
from marketbot.search.normalize import name_key
from marketbot.texts import esc

__all__ = ["OwnGoodsWords", "apply_words", "known_and_new", "read_words", "repriced"]

_NEW_PRICE = re.compile(
    r"^(?P<name>.+?)\s*(?:的)?(?:价格|价钱|价)?\s*"
    r"(?:改成|改为|改到|改价|换成|涨到|降到|涨价到|降价到|调到|调成"
    r"|(?:便宜|降价|涨价|贵)(?:一)?(?:点|些)?(?:了|吧)?[，,]?(?:卖)?|现在(?:卖)?)"
    r"\s*(?P<price>.+?)[!！。.]*$"
)
_REMOVE = re.compile(
    r"^(?:把)?(?:删掉|删除|删了|下架|去掉)(?P<name>.+?)(?:吧|了)?[!！。.]*$"
    r"|^(?:把)?(?P<name2>.+?)\s*(?:不卖了|不卖啦|删掉|删了|删除|下架|去掉)(?:吧)?[!！。.]*$"
)
_BARE_PRICE = re.compile(r"^(?P<name>[^\d\s]+?)\s*(?P<price>\d{1,5}(?:\.\d{1,2})?)[!！。.]*$")
"""A name and a bare number (``核桃12``): a new price only when the name is the vendor's own
goods (a name and a number are no new listing: ``蜜15`` may be a name)."""
_BACK_IN_STOCK = re.compile(
    r"^(?P<name>.+?)\s*(?:又|还|已经)?(?:有货|到货|补货|来货|补上|又有)了?[!！。.]*$"
)


@dataclass(frozen=True, slots=True)
class OwnGoodsWords:
    """What the words say of one good: its new price; else (``price`` None) that it is no longer
    sold (``remove``) or back in stock."""

    name: str
    price: ParsedPrice | None
    remove: bool = False


def read_words(text: str) -> OwnGoodsWords | None:
    """``核桃改成18``, ``删掉红枣`` or ``核桃有货了`` as words about one good; ``None`` for
    anything else."""
    text = " ".join(text.split()).removeprefix("把")  # 把核桃的价格改成18: the goods first
    removed = _REMOVE.match(text)
    if removed is not None:
        return OwnGoodsWords(removed["name"] or removed["name2"], None, remove=True)
    new_price = _NEW_PRICE.match(text)
    if new_price is not None:
        price = price_or_none(new_price["price"])
        return OwnGoodsWords(new_price["name"], price) if price is not None else None
    back = _BACK_IN_STOCK.match(text)
    if back is not None:
        return OwnGoodsWords(back["name"], None)
    bare = _BARE_PRICE.match(text)
    price = price_or_none(bare["price"]) if bare is not None else None
    return OwnGoodsWords(bare["name"], price) if bare is not None and price is not None else None


def known_and_new(
    products: list[Product], found: list[ListingLine]
) -> tuple[list[tuple[ListingLine, Product]], list[ListingLine]]:
    """The lines naming goods the stall sells already (with each product), and the others."""
    listed = {name_key(p.name): p for p in products}
    known = [
        (line, listed[name_key(line.name)]) for line in found if name_key(line.name) in listed
    ]
    return known, [line for line in found if name_key(line.name) not in listed]


async def repriced(
    ctx: Ctx, known: list[tuple[ListingLine, Product]], photo_id: int | None = None
) -> list[Reply]:
    """New prices for goods the stall sells (and the photo sent with one of them), each said
    with the old one; one good's card follows, to change anything else."""
    changes = []
    for line, product in known:
        price, unit = line.price, line.price.unit or product.unit
        now = replace(
            product,
            price_fen=price.fen,
            unit=unit,
            price_max_fen=price.max_fen,
            price_note=price.note,
        )
        columns = {**price.columns(), "unit": unit}
        if photo_id is not None:
            columns["photo_id"] = photo_id
        await ctx.store.update_product(product.id, ctx.services.clock.now(), **columns)
        old, new = price_text(ctx, product), price_text(ctx, now)
        changes.append(ctx.t("add.repriced_one", name=esc(product.name), old=old, new=new))
    said = Reply(ctx.t("add.repriced", changes="\n".join(changes)))
    if len(known) > 1:
        return [said]
    return [said, *await owner_product(ctx, str(known[0][1].id))]


async def apply_words(
    ctx: Ctx, products: list[Product], words: OwnGoodsWords
) -> list[Reply] | None:
    """Words about one of ``products`` applied to it; ``None`` when they name none of them."""
    product = next((p for p in products if name_key(p.name) == name_key(words.name)), None)
    if product is None:
        return None
    if words.price is not None:
        return await repriced(ctx, [(ListingLine(product.name, words.price), product)])
    if words.remove:
        return await ask_delete(ctx, str(product.id))
    if not product.in_stock:
        await ctx.store.update_product(product.id, ctx.services.clock.now(), in_stock=True)
    said = Reply(ctx.t("my.back_in_stock", name=esc(product.name)))
    return [said, *await owner_product(ctx, str(product.id))]
