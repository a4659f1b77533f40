"""Plain domain objects: users, markets, stalls, products, and product categories: the fixed ones
every market has plus the ones a market's secretary adds (:class:`Categories`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from marketbot.texts import Lang, normalize_lang, t

__all__ = [
    "ADDED_CATEGORIES_MAX",
    "CATEGORIES",
    "CATEGORY_EN_MAX",
    "CATEGORY_NAME_MAX",
    "OTHER_CATEGORY",
    "Categories",
    "Category",
    "Market",
    "Product",
    "Stall",
    "StallStatus",
    "User",
    "added_category_id",
    "added_category_key",
    "user_lang",
]

CATEGORIES: tuple[str, ...] = (
    "shanzhen",
    "yaocai",
    "liangyou",
    "tiaowei",
    "ganguo",
    "fengchanpin",
    "xiaochi",
    "shougongyi",
    "guoshu",
    "qindanrou",
    "yinpin",
    "qita",
)
"""The fixed category keys in menu order; their names are in the text catalogue (``cat.<key>``)."""

OTHER_CATEGORY = "qita"
"""Where goods go that fit no category (and those of an added category that is removed)."""
CATEGORY_NAME_MAX = 10
"""An added category's Chinese name: a short word, a button label and a search word."""
CATEGORY_EN_MAX = 30
ADDED_CATEGORIES_MAX = 20
"""A market's own categories at most: with the fixed ones they stay one screen of buttons."""


def added_category_key(category_id: int) -> str:
    """The key of an added category (``c12``): never one of the fixed keys, which hold no
    digit, and unique across markets."""
    return f"c{category_id}"


def added_category_id(key: str) -> int | None:
    """The row id in an added category's key; ``None`` for any other text (a fixed key, a
    forged button)."""
    digits = key[1:]
    if key[:1] != "c" or not digits.isdigit() or not digits.isascii() or len(digits) > 12:
        return None
    return int(digits)


def _folded(name: str) -> str:
    return " ".join(name.split()).casefold()


@dataclass(frozen=True, slots=True)
class Category:
    """A product category: its key (stored on products) and its names."""

    key: str
    zh: str
    en: str = ""
    """The English name; empty for an added category without one (English shows ``zh``)."""
    added: bool = False
    """Added by the market's secretary (fixed categories are in every market)."""

    def name(self, lang: Lang) -> str:
        return self.en if lang == "en" and self.en else self.zh

    def names(self) -> tuple[str, ...]:
        """The key and every name, as an import or a search may spell it."""
        return tuple(dict.fromkeys(n for n in (self.key, self.zh, self.en) if n))

    @classmethod
    def fixed(cls, key: str) -> Category:
        return cls(key, t("zh", f"cat.{key}"), t("en", f"cat.{key}"))


@dataclass(frozen=True, slots=True)
class Categories:
    """A market's categories in menu order: the fixed ones, then the added ones, 其他 last."""

    items: tuple[Category, ...]

    @classmethod
    def of(cls, added: Iterable[Category] = ()) -> Categories:
        fixed = [Category.fixed(key) for key in CATEGORIES]
        other = [c for c in fixed if c.key == OTHER_CATEGORY]
        return cls((*[c for c in fixed if c.key != OTHER_CATEGORY], *added, *other))

    @property
    def added(self) -> tuple[Category, ...]:
        return tuple(c for c in self.items if c.added)

    def get(self, key: str) -> Category | None:
        return next((c for c in self.items if c.key == key), None)

    def name(self, key: str, lang: Lang) -> str:
        """The name of category ``key``; a key this market does not know reads as 其他."""
        found = self.get(key) or self.get(OTHER_CATEGORY)
        return found.name(lang) if found else key

    def find(self, text: str) -> Category | None:
        """The category ``text`` names: its key, Chinese or English name, in any case and with
        any spacing (``Drinks``, ``饮品``, `` yinpin ``)."""
        wanted = _folded(text)
        if not wanted:
            return None
        return next((c for c in self.items if any(_folded(n) == wanted for n in c.names())), None)

    def clash(self, name: str, *, besides: str = "") -> Category | None:
        """Another category (not ``besides``) that already answers to ``name``."""
        found = self.find(name)
        return found if found is not None and found.key != besides else None


class StallStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    SUSPENDED = "suspended"


@dataclass(frozen=True, slots=True)
class User:
    id: int
    platform: str
    platform_user_id: str
    chat_id: str
    display_name: str
    platform_language: str | None
    language: str | None
    is_secretary: bool
    market_id: int | None = None
    """The market this person last chose (several villages can share one bot)."""


@dataclass(frozen=True, slots=True)
class Market:
    id: int
    name: str
    place: str
    opens: str
    closes: str
    timezone: str


@dataclass(frozen=True, slots=True)
class Stall:
    id: int
    market_id: int
    owner_id: int | None
    name: str
    vendor_name: str
    village: str
    phone: str | None
    intro: str
    status: StallStatus
    show_phone: bool = False
    """The vendor agreed that visitors see the phone."""

    @property
    def visible(self) -> bool:
        """Shown to visitors only once a secretary approved it (and while not suspended)."""
        return self.status is StallStatus.APPROVED


@dataclass(frozen=True, slots=True)
class Product:
    id: int
    stall_id: int
    name: str
    category: str
    price_fen: int
    unit: str
    photo_id: int | None
    description: str
    in_stock: bool
    price_max_fen: int | None = None
    """The high end of a price range (``15-20元``); ``price_fen`` is the low end."""
    price_note: str = ""
    """``""``, ``"about"`` (15元左右) or ``"negotiable"`` (面议: no price, ``price_fen`` 0)."""


def user_lang(user: User, default: Lang) -> Lang:
    """The language for ``user``: their /lang choice, else their platform's, else the default."""
    if user.language in ("zh", "en"):
        return "en" if user.language == "en" else "zh"
    return normalize_lang(user.platform_language, default)
