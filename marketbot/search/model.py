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
}

Intent = Literal["find", "price", "place", "time", "browse"]
Match = Literal[
    "exact", "name", "synonym", "pinyin", "english", "category", "description", "fuzzy"
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


@dataclass(frozen=True)
class SearchAnswer:
    """What a query was understood to ask, and the products that answer it.

    ``wanted`` is the normalized thing asked for (Simplified Chinese where it could be resolved,
    several joined with "、"), recorded as demand; ``None`` when nothing in particular was asked
    for. ``terms`` holds the same words one by one.
    """

    query: str
    intent: Intent
    wanted: str | None
    groups: tuple[ProductGroup, ...]
    terms: tuple[str, ...] = ()
