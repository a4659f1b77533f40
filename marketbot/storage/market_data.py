"""All SQL of the core: rows in, domain objects out. ``?`` parameters only; times are UTC ISO text.

Every write runs inside ``Database.transaction()``; status changes are conditional updates
(``WHERE status = ?``) so two secretaries pressing "approve" at once cannot both succeed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import aiosqlite

from marketbot.domain.model import Market, Product, Stall, StallStatus, User
from marketbot.storage.db import Queries, utc_text

__all__ = ["Conversation", "NewProduct", "NewStall", "Storage", "user_from_row"]


@dataclass(slots=True)
class Conversation:
    """Where a user is in a flow (``state``), their draft (``data``), the choices last shown in
    answer to them (what a typed number presses), the buttons of messages pushed to them
    (pressed by typing their label; ``pushed``), and the pages of a long answer still to show."""

    state: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    choices: list[tuple[str, str]] = field(default_factory=list)
    pushed: list[tuple[str, str]] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class NewStall:
    name: str
    vendor_name: str
    village: str
    phone: str | None
    intro: str
    show_phone: bool = False


@dataclass(frozen=True, slots=True)
class NewProduct:
    name: str
    category: str
    price_fen: int
    unit: str
    description: str = ""
    photo_id: int | None = None
    in_stock: bool = True
    price_max_fen: int | None = None
    price_note: str = ""


def user_from_row(row: aiosqlite.Row) -> User:
    return User(
        id=row["id"],
        platform=row["platform"],
        platform_user_id=row["platform_user_id"],
        chat_id=row["chat_id"],
        display_name=row["display_name"],
        platform_language=row["platform_language"],
        language=row["language"],
        is_secretary=bool(row["is_secretary"]),
        market_id=row["market_id"],
    )


def _market(row: aiosqlite.Row) -> Market:
    return Market(
        id=row["id"],
        name=row["name"],
        place=row["place"],
        opens=row["opens"],
        closes=row["closes"],
        timezone=row["timezone"],
    )


def _stall(row: aiosqlite.Row) -> Stall:
    return Stall(
        id=row["id"],
        market_id=row["market_id"],
        owner_id=row["owner_id"],
        name=row["name"],
        vendor_name=row["vendor_name"],
        village=row["village"],
        phone=row["phone"],
        intro=row["intro"],
        status=StallStatus(row["status"]),
        show_phone=bool(row["show_phone"]),
    )


def _product(row: aiosqlite.Row) -> Product:
    return Product(
        id=row["id"],
        stall_id=row["stall_id"],
        name=row["name"],
        category=row["category"],
        price_fen=row["price_fen"],
        unit=row["unit"],
        photo_id=row["photo_id"],
        description=row["description"],
        in_stock=bool(row["in_stock"]),
        price_max_fen=row["price_max_fen"],
        price_note=row["price_note"],
    )


_VISIBLE = "s.status = 'approved'"


class Storage(Queries):
    """Typed access to the core tables."""

    # users ---------------------------------------------------------------------------------

    async def upsert_user(
        self,
        *,
        platform: str,
        platform_user_id: str,
        chat_id: str,
        display_name: str,
        platform_language: str | None,
        now: datetime,
    ) -> User:
        stamp = utc_text(now)
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO users (platform, platform_user_id, chat_id, display_name,"
                " platform_language, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (platform, platform_user_id) DO UPDATE SET"
                " chat_id = excluded.chat_id,"
                " display_name = CASE WHEN excluded.display_name != ''"
                "   THEN excluded.display_name ELSE users.display_name END,"
                " platform_language = COALESCE(excluded.platform_language,"
                "   users.platform_language),"
                " last_seen_at = excluded.last_seen_at",
                (
                    platform,
                    platform_user_id,
                    chat_id,
                    display_name,
                    platform_language,
                    stamp,
                    stamp,
                ),
            )
        row = await self._one(
            "SELECT * FROM users WHERE platform = ? AND platform_user_id = ?",
            (platform, platform_user_id),
        )
        assert row is not None
        return user_from_row(row)

    async def ensure_user(
        self, *, platform: str, platform_user_id: str, chat_id: str, now: datetime
    ) -> None:
        """Make sure a user row exists (secretaries from the config), changing nothing else."""
        stamp = utc_text(now)
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO users (platform, platform_user_id, chat_id, created_at, last_seen_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (platform, platform_user_id) DO NOTHING",
                (platform, platform_user_id, chat_id, stamp, stamp),
            )

    async def get_user(self, user_id: int) -> User | None:
        row = await self._one("SELECT * FROM users WHERE id = ?", (user_id,))
        return user_from_row(row) if row else None

    async def set_language(self, user_id: int, language: str) -> None:
        async with self.db.transaction() as conn:
            await conn.execute("UPDATE users SET language = ? WHERE id = ?", (language, user_id))

    async def set_user_market(self, user_id: int, market_id: int) -> None:
        async with self.db.transaction() as conn:
            await conn.execute("UPDATE users SET market_id = ? WHERE id = ?", (market_id, user_id))

    async def set_secretary(self, user_id: int) -> bool:
        """Promote; False when the user was already a secretary (or does not exist)."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE users SET is_secretary = 1 WHERE id = ? AND is_secretary = 0", (user_id,)
            )
            return cursor.rowcount == 1

    async def unset_secretary(self, user_id: int) -> bool:
        """Demote a promoted secretary; False when they were not one."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE users SET is_secretary = 0 WHERE id = ? AND is_secretary = 1", (user_id,)
            )
            return cursor.rowcount == 1

    async def promoted_secretaries(self) -> list[User]:
        return [
            user_from_row(r) for r in await self._all("SELECT * FROM users WHERE is_secretary = 1")
        ]

    async def users_by_platform_ids(self, platform: str, ids: Sequence[str]) -> list[User]:
        if not ids:
            return []
        marks = ", ".join("?" for _ in ids)
        rows = await self._all(
            f"SELECT * FROM users WHERE platform = ? AND platform_user_id IN ({marks})",
            (platform, *ids),
        )
        return [user_from_row(r) for r in rows]

    async def users_by_chat(self, platform: str, chat_id: str) -> list[User]:
        rows = await self._all(
            "SELECT * FROM users WHERE platform = ? AND chat_id = ?", (platform, chat_id)
        )
        return [user_from_row(r) for r in rows]

    async def recent_users(self, *, exclude: Sequence[int], limit: int) -> list[User]:
        marks = ", ".join("?" for _ in exclude) or "NULL"
        rows = await self._all(
            f"SELECT * FROM users WHERE id NOT IN ({marks}) AND is_secretary = 0"
            " ORDER BY last_seen_at DESC LIMIT ?",
            (*exclude, limit),
        )
        return [user_from_row(r) for r in rows]

    # conversations -------------------------------------------------------------------------

    async def get_conversation(self, user_id: int) -> Conversation:
        row = await self._one("SELECT * FROM conversations WHERE user_id = ?", (user_id,))
        if row is None:
            return Conversation()
        return Conversation(
            state=row["state"],
            data=json.loads(row["data"]),
            choices=[(str(c[0]), str(c[1])) for c in json.loads(row["choices"])],
            pushed=[(str(c[0]), str(c[1])) for c in json.loads(row["pushed"])],
            pages=[str(page) for page in json.loads(row["pages"])],
        )

    async def save_conversation(self, user_id: int, conv: Conversation, now: datetime) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO conversations"
                " (user_id, state, data, choices, pushed, pages, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET"
                " state = excluded.state, data = excluded.data, choices = excluded.choices,"
                " pushed = excluded.pushed, pages = excluded.pages,"
                " updated_at = excluded.updated_at",
                (
                    user_id,
                    conv.state,
                    json.dumps(conv.data, ensure_ascii=False),
                    json.dumps(conv.choices, ensure_ascii=False),
                    json.dumps(conv.pushed, ensure_ascii=False),
                    json.dumps(conv.pages, ensure_ascii=False),
                    utc_text(now),
                ),
            )

    # markets -------------------------------------------------------------------------------

    async def create_market(
        self, *, name: str, place: str, opens: str, closes: str, timezone: str, now: datetime
    ) -> Market:
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO markets (name, place, opens, closes, timezone, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (name, place, opens, closes, timezone, utc_text(now)),
            )
            market_id = cursor.lastrowid
        market = await self.get_market(int(market_id or 0))
        assert market is not None
        return market

    async def get_market(self, market_id: int) -> Market | None:
        row = await self._one("SELECT * FROM markets WHERE id = ?", (market_id,))
        return _market(row) if row else None

    async def markets(self) -> list[Market]:
        return [_market(r) for r in await self._all("SELECT * FROM markets ORDER BY id")]

    # stalls --------------------------------------------------------------------------------

    async def get_stall(self, stall_id: int) -> Stall | None:
        row = await self._one("SELECT * FROM stalls WHERE id = ?", (stall_id,))
        return _stall(row) if row else None

    async def stall_of_owner(self, user_id: int) -> Stall | None:
        row = await self._one("SELECT * FROM stalls WHERE owner_id = ?", (user_id,))
        return _stall(row) if row else None

    async def stall_by_name(self, market_id: int, name: str) -> Stall | None:
        row = await self._one(
            "SELECT * FROM stalls WHERE market_id = ? AND name = ?", (market_id, name)
        )
        return _stall(row) if row else None

    async def submit_stall(
        self, *, owner_id: int, market_id: int, stall: NewStall, now: datetime
    ) -> Stall | None:
        """Create a pending stall, or resubmit a rejected one; None if the name is taken."""
        stamp = utc_text(now)
        async with self.db.transaction() as conn:
            self.db.catalog_changed()
            async with conn.execute(
                "SELECT id, owner_id FROM stalls WHERE market_id = ? AND name = ?",
                (market_id, stall.name),
            ) as cursor:
                clash = await cursor.fetchone()
            if clash is not None and clash["owner_id"] != owner_id:
                return None
            await conn.execute(
                "INSERT INTO stalls (market_id, owner_id, name, vendor_name, village, phone,"
                " intro, show_phone, status, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)"
                " ON CONFLICT (owner_id) DO UPDATE SET name = excluded.name,"
                " vendor_name = excluded.vendor_name, village = excluded.village,"
                " phone = excluded.phone, intro = excluded.intro,"
                " show_phone = excluded.show_phone, status = 'pending',"
                " reviewed_by = NULL, reviewed_at = NULL, updated_at = excluded.updated_at"
                " WHERE stalls.status = 'rejected'",
                (
                    market_id,
                    owner_id,
                    stall.name,
                    stall.vendor_name,
                    stall.village,
                    stall.phone,
                    stall.intro,
                    int(stall.show_phone),
                    stamp,
                    stamp,
                ),
            )
        return await self.stall_of_owner(owner_id)

    async def upsert_stall_by_name(
        self, *, market_id: int, stall: NewStall, now: datetime
    ) -> tuple[Stall, bool]:
        """Import: create an approved stall or update the one with that name; (stall, created)."""
        stamp = utc_text(now)
        existing = await self.stall_by_name(market_id, stall.name)
        async with self.db.transaction() as conn:
            self.db.catalog_changed()
            if existing is None:
                await conn.execute(
                    "INSERT INTO stalls (market_id, name, vendor_name, village, phone, intro,"
                    " status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'approved', ?, ?)",
                    (
                        market_id,
                        stall.name,
                        stall.vendor_name,
                        stall.village,
                        stall.phone,
                        stall.intro,
                        stamp,
                        stamp,
                    ),
                )
            else:
                await conn.execute(
                    "UPDATE stalls SET vendor_name = ?, village = ?, updated_at = ? WHERE id = ?",
                    (stall.vendor_name, stall.village, stamp, existing.id),
                )
        result = await self.stall_by_name(market_id, stall.name)
        assert result is not None
        return result, existing is None

    async def set_stall_status(
        self,
        stall_id: int,
        *,
        expected: Sequence[StallStatus],
        new: StallStatus,
        reviewer_id: int,
        now: datetime,
    ) -> bool:
        """Move a stall between statuses only from one of ``expected``; False if it was not."""
        marks = ", ".join("?" for _ in expected)
        async with self.db.transaction() as conn:
            self.db.catalog_changed()
            cursor = await conn.execute(
                f"UPDATE stalls SET status = ?, reviewed_by = ?, reviewed_at = ?, updated_at = ?"
                f" WHERE id = ? AND status IN ({marks})",
                (
                    new.value,
                    reviewer_id,
                    utc_text(now),
                    utc_text(now),
                    stall_id,
                    *(s.value for s in expected),
                ),
            )
            return cursor.rowcount == 1

    async def update_stall_info(self, stall_id: int, now: datetime, **changes: object) -> bool:
        """Change the stall's name, village, phone, intro or phone consent; False when another
        stall of the market has that name."""
        allowed = {"name", "village", "phone", "intro", "show_phone"}
        if not changes or not set(changes) <= allowed:
            raise ValueError(f"cannot update {sorted(changes)}")
        columns = ", ".join(f"{name} = ?" for name in changes)
        values = [int(v) if isinstance(v, bool) else v for v in changes.values()]
        try:
            async with self.db.transaction() as conn:
                self.db.catalog_changed()
                await conn.execute(
                    f"UPDATE stalls SET {columns}, updated_at = ? WHERE id = ?",
                    (*values, utc_text(now), stall_id),
                )
        except aiosqlite.IntegrityError:
            return False
        return True

    async def update_stall_intro(self, stall_id: int, intro: str, now: datetime) -> None:
        async with self.db.transaction() as conn:
            self.db.catalog_changed()
            await conn.execute(
                "UPDATE stalls SET intro = ?, updated_at = ? WHERE id = ?",
                (intro, utc_text(now), stall_id),
            )

    async def stalls(
        self,
        *,
        statuses: Sequence[StallStatus],
        market_id: int | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> tuple[list[Stall], int]:
        """Stalls in any of ``statuses`` (of one market, if given): one page of ``limit`` from
        ``offset``, or all of them (no limit), and the total."""
        marks = ", ".join("?" for _ in statuses)
        where = f"status IN ({marks}) AND (? IS NULL OR market_id = ?)"
        values = [*(s.value for s in statuses), market_id, market_id]
        rows = await self._all(
            f"SELECT * FROM stalls WHERE {where} ORDER BY created_at, id LIMIT ? OFFSET ?",
            (*values, -1 if limit is None else limit, offset),
        )
        total = await self._one(f"SELECT count(*) FROM stalls WHERE {where}", values)
        return [_stall(r) for r in rows], int(total[0]) if total else 0

    # products ------------------------------------------------------------------------------

    async def add_product(self, stall_id: int, product: NewProduct, now: datetime) -> Product:
        stamp = utc_text(now)
        async with self.db.transaction() as conn:
            self.db.catalog_changed()
            cursor = await conn.execute(
                "INSERT INTO products (stall_id, name, category, price_fen, price_max_fen,"
                " price_note, unit, photo_id, description, in_stock, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    stall_id,
                    product.name,
                    product.category,
                    product.price_fen,
                    product.price_max_fen,
                    product.price_note,
                    product.unit,
                    product.photo_id,
                    product.description,
                    int(product.in_stock),
                    stamp,
                    stamp,
                ),
            )
            product_id = int(cursor.lastrowid or 0)
        result = await self.get_product(product_id)
        assert result is not None
        return result

    async def upsert_product_by_name(
        self, stall_id: int, product: NewProduct, now: datetime
    ) -> bool:
        """Import: insert, or update the stall's product of that name (photo kept); True if new."""
        existing = await self._one(
            "SELECT id FROM products WHERE stall_id = ? AND name = ?", (stall_id, product.name)
        )
        if existing is None:
            await self.add_product(stall_id, product, now)
            return True
        async with self.db.transaction() as conn:
            self.db.catalog_changed()
            await conn.execute(
                "UPDATE products SET category = ?, price_fen = ?, price_max_fen = ?,"
                " price_note = ?, unit = ?, description = ?, in_stock = ?, updated_at = ?"
                " WHERE id = ?",
                (
                    product.category,
                    product.price_fen,
                    product.price_max_fen,
                    product.price_note,
                    product.unit,
                    product.description,
                    int(product.in_stock),
                    utc_text(now),
                    existing["id"],
                ),
            )
        return False

    async def product_name_taken(
        self, stall_id: int, name: str, *, except_id: int | None = None
    ) -> bool:
        row = await self._one(
            "SELECT 1 FROM products WHERE stall_id = ? AND name = ? AND id IS NOT ?",
            (stall_id, name, except_id),
        )
        return row is not None

    async def get_product(self, product_id: int) -> Product | None:
        row = await self._one("SELECT * FROM products WHERE id = ?", (product_id,))
        return _product(row) if row else None

    async def products_of_stall(
        self, stall_id: int, *, sold_out_last: bool = True
    ) -> list[Product]:
        """The stall's goods in the order they were listed; sold-out ones last unless
        ``sold_out_last`` is false (the vendor's own list keeps its order)."""
        order = "in_stock DESC, id" if sold_out_last else "id"
        rows = await self._all(
            f"SELECT * FROM products WHERE stall_id = ? ORDER BY {order}", (stall_id,)
        )
        return [_product(r) for r in rows]

    async def update_product(self, product_id: int, now: datetime, **changes: object) -> None:
        allowed = {"name", "price_fen", "price_max_fen", "price_note", "unit", "description"}
        allowed.add("photo_id")
        allowed |= {"in_stock", "category"}
        if not changes or not set(changes) <= allowed:
            raise ValueError(f"cannot update {sorted(changes)}")
        columns = ", ".join(f"{name} = ?" for name in changes)
        values = [int(v) if isinstance(v, bool) else v for v in changes.values()]
        async with self.db.transaction() as conn:
            self.db.catalog_changed()
            await conn.execute(
                f"UPDATE products SET {columns}, updated_at = ? WHERE id = ?",
                (*values, utc_text(now), product_id),
            )

    async def delete_product(self, product_id: int) -> None:
        async with self.db.transaction() as conn:
            self.db.catalog_changed()
            await conn.execute("DELETE FROM products WHERE id = ?", (product_id,))

    async def visible_products_in_category(
        self, category: str, market_id: int, *, offset: int, limit: int
    ) -> tuple[list[tuple[Product, Stall]], int]:
        rows = await self._all(
            "SELECT p.*, s.id AS s_id FROM products p JOIN stalls s ON s.id = p.stall_id"
            f" WHERE {_VISIBLE} AND s.market_id = ? AND p.category = ?"
            " ORDER BY p.in_stock DESC, p.name, p.id LIMIT ? OFFSET ?",
            (market_id, category, limit, offset),
        )
        total = await self._one(
            "SELECT count(*) FROM products p JOIN stalls s ON s.id = p.stall_id"
            f" WHERE {_VISIBLE} AND s.market_id = ? AND p.category = ?",
            (market_id, category),
        )
        pairs = []
        for row in rows:
            stall = await self.get_stall(int(row["s_id"]))
            assert stall is not None
            pairs.append((_product(row), stall))
        return pairs, int(total[0]) if total else 0

    async def visible_category_counts(self, market_id: int) -> dict[str, int]:
        rows = await self._all(
            "SELECT p.category, count(*) FROM products p JOIN stalls s ON s.id = p.stall_id"
            f" WHERE {_VISIBLE} AND s.market_id = ? GROUP BY p.category",
            (market_id,),
        )
        return {str(r[0]): int(r[1]) for r in rows}

    async def search_visible_stalls(
        self, query: str, limit: int, market_id: int | None = None
    ) -> list[Stall]:
        """Visible stalls (of one market, if given) whose name contains ``query``."""
        rows = await self._all(
            f"SELECT s.* FROM stalls s WHERE {_VISIBLE} AND (? IS NULL OR s.market_id = ?)"
            " AND instr(lower(s.name), ?) > 0 ORDER BY length(s.name), s.id LIMIT ?",
            (market_id, market_id, query.lower(), limit),
        )
        return [_stall(r) for r in rows]

    async def products_added_since(
        self, market_id: int, since: datetime
    ) -> list[tuple[Product, Stall]]:
        """Products of the market's visible stalls listed after ``since``, newest last."""
        rows = await self._all(
            "SELECT p.*, s.id AS s_id FROM products p JOIN stalls s ON s.id = p.stall_id"
            f" WHERE {_VISIBLE} AND s.market_id = ? AND p.created_at > ? AND p.in_stock = 1"
            " ORDER BY p.created_at, p.id",
            (market_id, utc_text(since)),
        )
        result = []
        for row in rows:
            stall = await self.get_stall(int(row["s_id"]))
            assert stall is not None
            result.append((_product(row), stall))
        return result

    async def visible_listings(self, market_id: int | None) -> list[tuple[Product, Stall]]:
        """Every product of the visible stalls (of one market, if given)."""
        rows = await self._all(
            "SELECT p.*, s.id AS s_id FROM products p JOIN stalls s ON s.id = p.stall_id"
            f" WHERE {_VISIBLE} AND (? IS NULL OR s.market_id = ?) ORDER BY p.id",
            (market_id, market_id),
        )
        stalls: dict[int, Stall] = {}
        result = []
        for row in rows:
            stall_id = int(row["s_id"])
            if stall_id not in stalls:
                stall = await self.get_stall(stall_id)
                assert stall is not None
                stalls[stall_id] = stall
            result.append((_product(row), stalls[stall_id]))
        return result

    async def log_search(
        self, *, at: datetime, market_id: int | None, wanted: str, intent: str, results: int
    ) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO search_log (at, market_id, wanted, intent, results)"
                " VALUES (?, ?, ?, ?, ?)",
                (utc_text(at), market_id, wanted, intent, results),
            )

    async def searches_since(self, since: datetime) -> list[tuple[str, int]]:
        """(wanted, results) of every logged search since ``since``, oldest first."""
        rows = await self._all(
            "SELECT wanted, results FROM search_log WHERE at >= ? ORDER BY at, id",
            (utc_text(since),),
        )
        return [(str(r["wanted"]), int(r["results"])) for r in rows]

    async def claim_demand_week(self, week: str, now: datetime) -> bool:
        """Record that ``week``'s demand summary goes out; False if it already went."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO demand_reports (week, sent_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
                (week, utc_text(now)),
            )
            return cursor.rowcount == 1

    async def all_products_with_stalls(self) -> list[tuple[Product, Stall]]:
        rows = await self._all(
            "SELECT p.*, s.id AS s_id FROM products p JOIN stalls s ON s.id = p.stall_id"
            " ORDER BY s.id, p.id"
        )
        stalls = {s.id: s for s in (await self.stalls(statuses=list(StallStatus)))[0]}
        return [(_product(r), stalls[int(r["s_id"])]) for r in rows]
