"""The search's public data: catalogue items going in, grouped answers coming out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "CATEGORIES",
    "CatalogItem",
    "Intent",
    "Match",
    "ProductGroup",
    "SearchAnswer",
    "UnitOffer",
]

#: Catalogue categories: code → Chinese name.
CATEGORIES: dict[str, str] = {
    "shanzhen": "山珍",
    "yaocai": "药材",
    "liangyou": "粮油",
    "tiaowei": "调味",
    "ganguo": "干果",
    "fengchanpin": "蜂产品",
    "xiaochi": "小吃",
    "shougongyi": "手工艺",
    "qita": "其他",
    "guoshu": "果蔬",
    "qindanrou": "禽蛋肉",
    "yinpin": "饮品",
}

#: What a message asks. ``find``, ``price`` and ``browse`` are searches; the others are no
#: product wish: the market's place or time, help (the menu), registering a stall, a vendor
#: saying a good is sold out, chit-chat (greetings, thanks, digits, punctuation, gibberish), and
#: a service of the market asked about (parking, paying, sending: for the vendors to answer).
Intent = Literal[
    "find",
    "price",
    "place",
    "time",
    "browse",
    "help",
    "register",
    "sold_out",
    "chitchat",
    "service",
]

Match = Literal[
    "exact", "name", "synonym", "pinyin", "english", "category", "description", "fuzzy", "related"
]


@dataclass(frozen=True, slots=True)
class CatalogItem:
    """One product as one stall lists it."""

    product_id: int
    name: str
    category: str
    description: str
    stall_id: int
    stall_name: str
    price_fen: int
    unit: str
    in_stock: bool
    coming: bool = False
    price_max_fen: int | None = None
    """The high end of a price range (``15-20``); None for one price."""
    price_note: str = ""
    """``about`` (``15元左右``) or ``negotiable`` (面议: no price, never in a range)."""


@dataclass(frozen=True, slots=True)
class UnitOffer:
    """The in-stock offers of one product in one unit: lowest and highest price, how many
    stalls."""

    unit: str
    low_fen: int
    high_fen: int
    stall_count: int


@dataclass(frozen=True)
class ProductGroup:
    """One line of an answer: every stall's listing of one product name, best first.

    ``term`` is the goods word that matched (after synonyms, pinyin, English or a typo fix).
    """

    name: str
    items: tuple[CatalogItem, ...]
    stall_count: int
    match: Match
    term: str

    @property
    def in_stock(self) -> bool:
        """Whether some stall has this product in stock."""
        return any(item.in_stock for item in self.items)

    def offers(self) -> tuple[UnitOffer, ...]:
        """Price ranges per unit over the in-stock listings (sold-out ones never count), the
        unit most stalls use first, then by unit name: ``山木耳`` → ``两 12.5元``, ``斤 45元``."""
        by_unit: dict[str, list[CatalogItem]] = {}
        for item in self.items:
            if item.in_stock and item.price_note != "negotiable":
                by_unit.setdefault(item.unit, []).append(item)
        offers = [
            UnitOffer(
                unit,
                min(item.price_fen for item in listed),
                max(item.price_max_fen or item.price_fen for item in listed),
                len({item.stall_id for item in listed}),
            )
            for unit, listed in by_unit.items()
        ]
        return tuple(sorted(offers, key=lambda offer: (-offer.stall_count, offer.unit)))

    def listings(self) -> tuple[CatalogItem, ...]:
        """Every listing (stall name, price, unit, in stock or not): in stock first, then
        cheapest, then by stall and product id."""
        return tuple(
            sorted(
                self.items,
                key=lambda item: (
                    not item.in_stock,
                    item.unit,
                    item.price_fen,
                    item.stall_id,
                    item.product_id,
                ),
            )
        )


@dataclass(frozen=True)
class SearchAnswer:
    """What a query was understood to ask, and the products that answer it.

    ``wish`` is the product wish to record as demand: the normalized goods asked for (Simplified
    Chinese where it could be resolved, several joined with "、") of a ``find`` or ``price``
    query, or of a ``place``/``time`` question about goods (``哪儿有卖扫帚的``); ``None`` for
    every other message, for category words alone (``送人的``) and when no goods are named.
    ``wanted`` is the same (kept for callers that log it). ``terms`` holds the goods words one by
    one — for ``sold_out`` the good the vendor says is sold out (``核桃卖完了`` → ``核桃``).
    ``where`` says the query asked where (``哪家有山木耳``, ``集在哪里``); with goods named the
    intent is still ``place`` today (the chat shows each stall and the market's place).
    """

    query: str
    intent: Intent
    wanted: str | None
    groups: tuple[ProductGroup, ...]
    terms: tuple[str, ...] = ()
    wish: str | None = None
    where: bool = False
