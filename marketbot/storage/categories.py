"""The ``market_categories`` table: the categories a market's secretary adds beside the fixed
ones. Products of one store its key ``c<id>`` (:func:`~marketbot.domain.model.added_category_key`).

Usage::

    store = CategoryStore(db)
    categories = await store.of_market(market.id)      # fixed + added, in menu order
    vinegar = await store.add(market.id, "手工醋", "Craft vinegar", by=user.id, now=now)
    await store.rename(market.id, vinegar.key, "老醋坊醋", "")
    moved = await store.remove(market.id, vinegar.key)  # its products move to 其他 (qita)

Every change bumps the catalogue version: category names are search words.
"""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from marketbot.domain.model import (
    OTHER_CATEGORY,
    Categories,
    Category,
    added_category_id,
    added_category_key,
)
from marketbot.storage.db import Queries, utc_text

__all__ = ["CategoryStore"]


def _category(row: aiosqlite.Row) -> Category:
    return Category(added_category_key(row["id"]), row["name_zh"], row["name_en"], added=True)


class CategoryStore(Queries):
    """Typed access to the categories markets added."""

    async def added(self, market_id: int) -> list[Category]:
        """The categories market ``market_id`` added, oldest first."""
        rows = await self._all(
            "SELECT * FROM market_categories WHERE market_id = ? ORDER BY id", (market_id,)
        )
        return [_category(row) for row in rows]

    async def of_market(self, market_id: int) -> Categories:
        """Every category of the market: the fixed ones and its own."""
        return Categories.of(await self.added(market_id))

    async def every_added(self) -> dict[int, list[Category]]:
        """The added categories of every market, by market id."""
        found: dict[int, list[Category]] = {}
        for row in await self._all("SELECT * FROM market_categories ORDER BY id"):
            found.setdefault(row["market_id"], []).append(_category(row))
        return found

    async def add(
        self, market_id: int, zh: str, en: str, *, by: int | None, now: datetime
    ) -> Category:
        """Add a category (names already checked against the market's others)."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO market_categories (market_id, name_zh, name_en, created_by,"
                " created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
                (market_id, zh, en, by, utc_text(now)),
            )
            new_id = int((await cursor.fetchone())[0])
            self.db.catalog_changed()
        return Category(added_category_key(new_id), zh, en, added=True)

    async def rename(self, market_id: int, key: str, zh: str, en: str) -> bool:
        """Give an added category of this market new names; ``False`` if it has none such."""
        ident = added_category_id(key)
        if ident is None:
            return False
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE market_categories SET name_zh = ?, name_en = ?"
                " WHERE id = ? AND market_id = ?",
                (zh, en, ident, market_id),
            )
            self.db.catalog_changed()
        return cursor.rowcount == 1

    async def product_count(self, market_id: int, key: str) -> int:
        """How many products of the market's stalls are in category ``key``."""
        row = await self._one(
            "SELECT count(*) FROM products p JOIN stalls s ON s.id = p.stall_id"
            " WHERE s.market_id = ? AND p.category = ?",
            (market_id, key),
        )
        return int(row[0]) if row else 0

    async def stalls_using(self, market_id: int, key: str) -> list[tuple[int, int]]:
        """The stalls of this market with products in category ``key``: (stall id, how many)."""
        async with self.db.conn.execute(
            "SELECT p.stall_id, count(*) FROM products p JOIN stalls s ON s.id = p.stall_id"
            " WHERE s.market_id = ? AND p.category = ? GROUP BY p.stall_id ORDER BY p.stall_id",
            (market_id, key),
        ) as cursor:
            return [(int(row[0]), int(row[1])) for row in await cursor.fetchall()]

    async def remove(self, market_id: int, key: str, *, now: datetime) -> int | None:
        """Remove an added category of this market, moving its products to 其他; how many
        moved, or ``None`` if the market has no such category."""
        ident = added_category_id(key)
        if ident is None:
            return None
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM market_categories WHERE id = ? AND market_id = ?",
                (ident, market_id),
            )
            if cursor.rowcount != 1:
                return None
            moved = await conn.execute(
                "UPDATE products SET category = ?, updated_at = ? WHERE category = ?"
                " AND stall_id IN (SELECT id FROM stalls WHERE market_id = ?)",
                (OTHER_CATEGORY, utc_text(now), key, market_id),
            )
            self.db.catalog_changed()
        return moved.rowcount
