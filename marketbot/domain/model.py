"""Plain domain objects: users, markets, stalls, products, and the fixed product categories."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from marketbot.texts import Lang, normalize_lang

__all__ = ["CATEGORIES", "Market", "Product", "Stall", "StallStatus", "User", "user_lang"]

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
"""Product category keys in menu order; their names live in the text catalogue (``cat.<key>``)."""


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
