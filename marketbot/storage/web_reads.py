"""What the market's web pages read: visible stalls with their number of goods, a stall's goods
with whether their photo can be shown, and the photos of visible goods. Read-only; only what
visitors may see (approved stalls, never a chat id)."""

from __future__ import annotations

from dataclasses import dataclass

from marketbot.domain.model import Product, Stall
from marketbot.storage.db import Queries
from marketbot.storage.market_data import _product, _stall

__all__ = ["Goods", "ListedStall", "WebReads"]

_VISIBLE = "s.status = 'approved'"


@dataclass(frozen=True, slots=True)
class ListedStall:
    stall: Stall
    goods: int
    """How many goods it lists."""


@dataclass(frozen=True, slots=True)
class Goods:
    product: Product
    has_photo: bool
    """Its photo's bytes are stored (a photo known only by a platform's id cannot be shown)."""


class WebReads(Queries):
    """The web pages' queries (see module)."""

    async def visible_stall(self, stall_id: int) -> Stall | None:
        row = await self._one(
            f"SELECT s.* FROM stalls s WHERE s.id = ? AND {_VISIBLE}", (stall_id,)
        )
        return _stall(row) if row else None

    async def market_stalls(
        self, market_id: int, *, offset: int, limit: int
    ) -> tuple[list[ListedStall], int]:
        """One page of the market's visible stalls (by name) with their goods counts, and the
        number of visible stalls."""
        rows = await self._all(
            "SELECT s.*, (SELECT count(*) FROM products p WHERE p.stall_id = s.id) AS goods"
            f" FROM stalls s WHERE s.market_id = ? AND {_VISIBLE}"
            " ORDER BY s.name, s.id LIMIT ? OFFSET ?",
            (market_id, limit, offset),
        )
        total = await self._one(
            f"SELECT count(*) FROM stalls s WHERE s.market_id = ? AND {_VISIBLE}", (market_id,)
        )
        listed = [ListedStall(_stall(row), int(row["goods"])) for row in rows]
        return listed, int(total[0]) if total else 0

    async def stall_goods(
        self, stall_id: int, *, offset: int, limit: int
    ) -> tuple[list[Goods], int]:
        """One page of a stall's goods (in stock first, then by name) and how many it has."""
        rows = await self._all(
            "SELECT p.*, ph.data IS NOT NULL AS has_photo FROM products p"
            " LEFT JOIN photos ph ON ph.id = p.photo_id WHERE p.stall_id = ?"
            " ORDER BY p.in_stock DESC, p.name, p.id LIMIT ? OFFSET ?",
            (stall_id, limit, offset),
        )
        total = await self._one("SELECT count(*) FROM products WHERE stall_id = ?", (stall_id,))
        goods = [Goods(_product(row), bool(row["has_photo"])) for row in rows]
        return goods, int(total[0]) if total else 0

    async def public_photo(self, photo_id: int) -> tuple[str, bytes] | None:
        """The mime type and bytes of a photo that some visible stall's goods show; None for
        any other photo (a stall not approved, a broadcast's, one without bytes)."""
        row = await self._one(
            "SELECT ph.mime, ph.data FROM photos ph WHERE ph.id = ? AND ph.data IS NOT NULL"
            " AND EXISTS (SELECT 1 FROM products p JOIN stalls s ON s.id = p.stall_id"
            f" WHERE p.photo_id = ph.id AND {_VISIBLE})",
            (photo_id,),
        )
        return (str(row[0]), bytes(row[1])) if row else None
