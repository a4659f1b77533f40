"""All SQL of the core: rows in, domain objects out. ``?`` parameters only; times are UTC ISO text.

Every write runs inside ``Database.transaction()``; status changes are conditional updates
(``WHERE status = ?``) so two secretaries pressing "approve" at once cannot both succeed.

While the database is watched for other processes' writes (:attr:`Database.watching`), the rows
read on every message are kept in memory: users (written again only when something about them
changed, or their last-seen time is :data:`SEEN_EVERY` old), conversations (written only when
changed), the markets, the visible stalls and who owns which stall
(:mod:`marketbot.storage.committed`). The database stays the truth: a cache is filled
and updated only after a commit, and emptied when another process writes.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import aiosqlite

from marketbot.domain.model import Market, Product, Stall, StallStatus, User
from marketbot.storage.committed import MISSING, CommittedCache
from marketbot.storage.db import Database, Queries, utc_text
from marketbot.storage.dialect import like_escaped
from marketbot.storage.inline import InlineConnection

__all__ = [
    "CatalogChanges",
    "Conversation",
    "NewProduct",
    "NewStall",
    "Storage",
    "listing_of_row",
    "user_from_row",
]

SMALL_READ = 200
"""Rows of a read of what was committed taken inline (:meth:`Storage._committed`)."""
SEEN_EVERY = timedelta(minutes=10)
"""A user's ``last_seen_at`` is written again when it is this old (it orders recent users)."""


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
class _Kept:
    """A conversation as stored, kept in memory: its draft as JSON text (a fresh copy is read
    from it each time), the rest as tuples (copied into lists each time)."""

    state: str | None
    data: str
    choices: tuple[tuple[str, str], ...]
    pushed: tuple[tuple[str, str], ...]
    pages: tuple[str, ...]

    @classmethod
    def of(cls, conv: Conversation) -> _Kept:
        return cls(
            conv.state,
            json.dumps(conv.data, ensure_ascii=False),
            tuple(conv.choices),
            tuple(conv.pushed),
            tuple(conv.pages),
        )

    @classmethod
    def of_row(cls, row: aiosqlite.Row) -> _Kept:
        return cls(
            row["state"],
            row["data"],
            tuple((str(c[0]), str(c[1])) for c in json.loads(row["choices"])),
            tuple((str(c[0]), str(c[1])) for c in json.loads(row["pushed"])),
            tuple(str(page) for page in json.loads(row["pages"])),
        )

    def conversation(self) -> Conversation:
        return Conversation(
            state=self.state,
            data=json.loads(self.data),
            choices=list(self.choices),
            pushed=list(self.pushed),
            pages=list(self.pages),
        )

    def columns(self) -> tuple[str | None, str, str, str, str]:
        """The row as stored (state, then the JSON of data, choices, pushed and pages)."""
        return (
            self.state,
            self.data,
            json.dumps(self.choices, ensure_ascii=False),
            json.dumps(self.pushed, ensure_ascii=False),
            json.dumps(self.pages, ensure_ascii=False),
        )


@dataclass(frozen=True, slots=True)
class _SeenUser:
    user: User
    platform_language: str | None
    seen: datetime


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


def listing_of_row(row: aiosqlite.Row) -> tuple[Product, Stall]:
    """A row of :meth:`Storage.visible_listings_rows` as the product and its stall."""
    return _listing(row)


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


def _stall(row: aiosqlite.Row, prefix: str = "") -> Stall:
    return Stall(
        id=row[prefix + "id"],
        market_id=row[prefix + "market_id"],
        owner_id=row[prefix + "owner_id"],
        name=row[prefix + "name"],
        vendor_name=row[prefix + "vendor_name"],
        village=row[prefix + "village"],
        phone=row[prefix + "phone"],
        intro=row[prefix + "intro"],
        status=StallStatus(row[prefix + "status"]),
        show_phone=bool(row[prefix + "show_phone"]),
    )


_STALL_COLUMNS = ", ".join(
    f"s.{name} AS s_{name}"
    for name in (
        [
            "id",
            "market_id",
            "owner_id",
            "name",
            "vendor_name",
            "village",
            "phone",
            "intro",
            "status",
            "show_phone",
        ]
    )
)
_LISTINGS = f"SELECT p.*, {_STALL_COLUMNS} FROM products p JOIN stalls s ON s.id = p.stall_id"


def _listing(row: aiosqlite.Row) -> tuple[Product, Stall]:
    return _product(row), _stall(row, "s_")


@dataclass(frozen=True, slots=True)
class CatalogChanges:
    """What changed in the catalogue after a mark (see migration 0014): the products re-read,
    the stalls whose products are all re-read, the markets whose market days changed."""

    mark: int
    products: frozenset[int]
    stalls: frozenset[int]
    markets: frozenset[int]
    complete: bool
    """False when changes after the old mark were pruned already: rebuild instead."""


_FEED_HORIZON = "pg_snapshot_xmin(pg_current_snapshot())::text::bigint"
"""PostgreSQL: the lowest transaction in flight when the statement reads (every older one has
committed or rolled back), comparable with ``catalog_changes.tx`` (migration 0017)."""


def _feed(rows: Sequence[aiosqlite.Row], mark: int, complete: bool) -> CatalogChanges:
    """The changes of ``rows`` of ``catalog_changes`` (a stall's own row: all its products)."""
    products = {int(r["product_id"]) for r in rows if r["product_id"] is not None}
    stalls = {int(r["stall_id"]) for r in rows if r["product_id"] is None and r["stall_id"]}
    markets = {int(r["market_id"]) for r in rows if r["market_id"] is not None}
    return CatalogChanges(
        mark, frozenset(products), frozenset(stalls), frozenset(markets), complete
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
_NO_LIMIT = 2**63 - 1
"""``LIMIT`` without a bound on both backends (SQLite's ``-1`` is refused by PostgreSQL)."""
_OF_MARKET = "(CAST(? AS INTEGER) IS NULL OR s.market_id = ?)"
"""Of the market given twice as parameters, or of every market when it is ``None``."""


class _StallNames:
    """Stall names in lower case, searched as one joined text (a substring search in C, not
    one ``in`` per stall: a market has thousands)."""

    def __init__(self, pairs: list[tuple[str, Stall]]) -> None:
        self._pairs = pairs
        self._joined = _SEPARATOR.join(name for name, _ in pairs)
        starts, at = [], 0
        for name, _ in pairs:
            starts.append(at)
            at += len(name) + 1
        self._starts = starts
        self._heads: dict[str, list[tuple[str, Stall]]] | None = None

    def named_in(self, text: str) -> list[Stall]:
        """The stalls whose lower-case name ``text`` holds (老魏山货有什么); else those whose name
        it starts, two characters or more, before 家 / 的摊 / 的店 (老魏的摊位在哪 → 老魏山货)."""
        if self._heads is None:
            heads: dict[str, list[tuple[str, Stall]]] = {}
            for name, stall in self._pairs:
                if len(name) >= 2:
                    heads.setdefault(name[:2], []).append((name, stall))
            self._heads = heads
        whole: dict[int, Stall] = {}
        begun: dict[int, Stall] = {}
        for at in range(len(text) - 1):
            for name, stall in self._heads.get(text[at : at + 2], ()):
                if text.startswith(name, at):
                    whole[stall.id] = stall
                elif any(
                    text.startswith(name[:n], at) and _OWNER_MARK.match(text, at + n)
                    for n in range(2, len(name))
                ):
                    begun[stall.id] = stall
        return list((whole or begun).values())

    def called(self, words: str) -> list[Stall]:
        """The stalls ``words`` (lower case) call by their name, the name's first two
        characters or more (老魏 for 老魏山货), or their vendor's name (魏大爷)."""
        if len(words) < 2:
            return []
        return [
            stall
            for name, stall in self._pairs
            if name.startswith(words) or stall.vendor_name.lower() == words
        ]

    def containing(self, needle: str) -> list[Stall]:
        """The stalls whose lower-case name contains ``needle``, in stall order."""
        if _SEPARATOR in needle or not needle:
            return [stall for name, stall in self._pairs if needle in name]
        found: list[Stall] = []
        joined, starts = self._joined, self._starts
        position = joined.find(needle)
        while position >= 0:
            slot = bisect.bisect_right(starts, position) - 1
            found.append(self._pairs[slot][1])
            following = starts[slot + 1] if slot + 1 < len(starts) else len(joined)
            position = joined.find(needle, following)
        return found


_OWNER_MARK = re.compile(r"家|的摊|的店|的铺|摊位|摊子")
"""What follows the start of a stall's name said as its owner's: 老魏家, 老魏的摊位."""
_SEPARATOR = "\0"
_NO_STALLS = _StallNames([])


class Storage(Queries):
    """Typed access to the core tables."""

    def __init__(self, db: Database) -> None:
        super().__init__(db)
        self._users: dict[tuple[str, str], _SeenUser] = {}
        self._user_changes = 0
        self._conversations: dict[int, _Kept] = {}
        self._markets: CommittedCache[None, list[Market]] = CommittedCache.of(db, "markets")
        self._stalls: CommittedCache[None, dict[int | None, _StallNames]] = CommittedCache.of(
            db, "visible_stalls"
        )
        self._owned: CommittedCache[int, Stall | None] = CommittedCache.of(db, "stall_owners")
        db.on_external_change(self._forget)

    async def _forget(self) -> None:
        """Another process wrote the database: read everything afresh (the markets and stalls
        are forgotten by their caches themselves)."""
        self._users.clear()
        self._conversations.clear()

    def _forget_user(self, user_id: int) -> None:
        self._user_changes += 1  # a row read earlier in this transaction is not remembered
        for key in [k for k, seen in self._users.items() if seen.user.id == user_id]:
            del self._users[key]

    async def _stalls_changed(self) -> None:
        """Markets or stalls are being written (called inside the writing transaction): read
        them afresh from now until it ended (and after, what it committed)."""
        for cache in (self._markets, self._stalls, self._owned):
            cache.writing()

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
        """The user, created or brought up to date (chat, name, language, last seen)."""
        key = (platform, platform_user_id)
        seen = self._users.get(key)
        if (
            seen is not None
            and self.db.watching
            and seen.user.chat_id == chat_id
            and display_name in ("", seen.user.display_name)
            and platform_language in (None, seen.platform_language)
            and now - seen.seen < SEEN_EVERY
        ):
            return seen.user
        stamp = utc_text(now)
        changes = self._user_changes
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
            async with conn.execute(
                "SELECT * FROM users WHERE platform = ? AND platform_user_id = ?",
                (platform, platform_user_id),
            ) as cursor:
                row = await cursor.fetchone()
        assert row is not None
        user = user_from_row(row)

        async def remember() -> None:
            if self.db.watching and changes == self._user_changes:
                self._users[key] = _SeenUser(user, user.platform_language, now)

        await self.db.after_commit(remember)
        return user

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
        self._forget_user(user_id)
        async with self.db.transaction() as conn:
            await conn.execute("UPDATE users SET language = ? WHERE id = ?", (language, user_id))

    async def set_user_market(self, user_id: int, market_id: int) -> None:
        self._forget_user(user_id)
        async with self.db.transaction() as conn:
            await conn.execute("UPDATE users SET market_id = ? WHERE id = ?", (market_id, user_id))

    async def set_secretary(self, user_id: int) -> bool:
        """Promote; False when the user was already a secretary (or does not exist)."""
        self._forget_user(user_id)
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE users SET is_secretary = 1 WHERE id = ? AND is_secretary = 0", (user_id,)
            )
            return cursor.rowcount == 1

    async def unset_secretary(self, user_id: int) -> bool:
        """Demote a promoted secretary; False when they were not one."""
        self._forget_user(user_id)
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
        cached = self._conversations.get(user_id) if self.db.watching else None
        if cached is not None:
            return cached.conversation()
        row = await self._one("SELECT * FROM conversations WHERE user_id = ?", (user_id,))
        if row is None:
            return Conversation()
        kept = _Kept.of_row(row)
        await self._remember_conversation(user_id, kept)
        return kept.conversation()

    async def _remember_conversation(self, user_id: int, kept: _Kept) -> None:
        async def remember() -> None:
            if self.db.watching:
                self._conversations[user_id] = kept

        await self.db.after_commit(remember)

    async def save_conversation(self, user_id: int, conv: Conversation, now: datetime) -> None:
        """Store the conversation; nothing is written when it is as stored already."""
        kept = _Kept.of(conv)
        if self.db.watching and self._conversations.get(user_id) == kept:
            return
        self._conversations.pop(user_id, None)  # until this commits
        await self._remember_conversation(user_id, kept)
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO conversations"
                " (user_id, state, data, choices, pushed, pages, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET"
                " state = excluded.state, data = excluded.data, choices = excluded.choices,"
                " pushed = excluded.pushed, pages = excluded.pages,"
                " updated_at = excluded.updated_at",
                (user_id, *kept.columns(), utc_text(now)),
            )

    # markets -------------------------------------------------------------------------------

    async def create_market(
        self, *, name: str, place: str, opens: str, closes: str, timezone: str, now: datetime
    ) -> Market:
        async with self.db.transaction() as conn:
            await self._stalls_changed()
            cursor = await conn.execute(
                "INSERT INTO markets (name, place, opens, closes, timezone, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                (name, place, opens, closes, timezone, utc_text(now)),
            )
            market_id = int((await cursor.fetchone())[0])
        market = await self.get_market(market_id)
        assert market is not None
        return market

    async def get_market(self, market_id: int) -> Market | None:
        row = await self._one("SELECT * FROM markets WHERE id = ?", (market_id,))
        return _market(row) if row else None

    async def markets(self) -> list[Market]:
        known = self._markets.get(None)
        if known is not MISSING:
            return list(known)
        token = self._markets.token()
        markets = [_market(r) for r in await self._all("SELECT * FROM markets ORDER BY id")]
        self._markets.put(None, markets, token)
        return list(markets)

    # stalls --------------------------------------------------------------------------------

    async def get_stall(self, stall_id: int) -> Stall | None:
        row = await self._one("SELECT * FROM stalls WHERE id = ?", (stall_id,))
        return _stall(row) if row else None

    async def stall_of_owner(self, user_id: int) -> Stall | None:
        """The stall ``user_id`` owns (kept in memory: every market card asks)."""
        known = self._owned.get(user_id)
        if known is not MISSING:
            return known
        token = self._owned.token()
        row = await self._one("SELECT * FROM stalls WHERE owner_id = ?", (user_id,))
        stall = _stall(row) if row else None
        self._owned.put(user_id, stall, token)
        return stall

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
            await self._stalls_changed()
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
            await self._stalls_changed()
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
            await self._stalls_changed()
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
        async with self.db.transaction() as conn:
            await self._stalls_changed()
            if "name" in changes:  # asked first: a failed statement would end a PostgreSQL
                async with conn.execute(  # transaction, which may be the chat turn's
                    "SELECT 1 FROM stalls WHERE name = ? AND id != ? AND market_id ="
                    " (SELECT market_id FROM stalls WHERE id = ?)",
                    (changes["name"], stall_id, stall_id),
                ) as cursor:
                    if await cursor.fetchone() is not None:
                        return False
            self.db.catalog_changed()
            await conn.execute(
                f"UPDATE stalls SET {columns}, updated_at = ? WHERE id = ?",
                (*values, utc_text(now), stall_id),
            )
        return True

    async def update_stall_intro(self, stall_id: int, intro: str, now: datetime) -> None:
        async with self.db.transaction() as conn:
            await self._stalls_changed()
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
        where = f"status IN ({marks}) AND (CAST(? AS INTEGER) IS NULL OR market_id = ?)"
        values = [*(s.value for s in statuses), market_id, market_id]
        rows = await self._all(
            f"SELECT * FROM stalls WHERE {where} ORDER BY created_at, id LIMIT ? OFFSET ?",
            (*values, _NO_LIMIT if limit is None else limit, offset),
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
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
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
            product_id = int((await cursor.fetchone())[0])
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
            "SELECT 1 FROM products WHERE stall_id = ? AND name = ? AND id != ?",
            (stall_id, name, 0 if except_id is None else except_id),
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
        if self._stalls.answering:
            found = (await self._visible_stalls(market_id)).containing(query.lower())
            return sorted(found, key=lambda s: (len(s.name), s.id))[:limit]
        rows = await self._all(
            f"SELECT s.* FROM stalls s WHERE {_VISIBLE} AND {_OF_MARKET}"
            " AND lower(s.name) LIKE ? ESCAPE '\\' ORDER BY length(s.name), s.id LIMIT ?",
            (market_id, market_id, f"%{like_escaped(query.lower())}%", limit),
        )
        return [_stall(r) for r in rows]

    async def stalls_named_in(self, text: str, market_id: int | None = None) -> list[Stall]:
        """Visible stalls (of one market, if given) that ``text`` names (see
        :meth:`_StallNames.named_in`)."""
        return (await self._stall_names(market_id)).named_in(text.lower())

    async def stalls_called(self, words: str, market_id: int | None = None) -> list[Stall]:
        """Visible stalls (of one market, if given) that ``words`` call by name (see
        :meth:`_StallNames.called`)."""
        return (await self._stall_names(market_id)).called(words.lower())

    async def _stall_names(self, market_id: int | None) -> _StallNames:
        """The visible stalls' names (kept in memory while the cache answers)."""
        if self._stalls.answering:
            return await self._visible_stalls(market_id)
        rows = await self._all(
            f"SELECT s.* FROM stalls s WHERE {_VISIBLE} AND {_OF_MARKET} ORDER BY s.id",
            (market_id, market_id),
        )
        return _StallNames([(s.name.lower(), s) for s in map(_stall, rows)])

    async def _visible_stalls(self, market_id: int | None) -> _StallNames:
        """The visible stalls of a market (of every market: ``None``) with their names in lower
        case, kept in memory until a stall changes."""
        known = self._stalls.get(None)
        if known is not MISSING:
            return known.get(market_id, _NO_STALLS)
        token = self._stalls.token()
        rows = await self._all(f"SELECT s.* FROM stalls s WHERE {_VISIBLE} ORDER BY s.id")
        every = [(stall.name.lower(), stall) for stall in map(_stall, rows)]
        by_market: dict[int | None, list[tuple[str, Stall]]] = {None: every}
        for pair in every:
            by_market.setdefault(pair[1].market_id, []).append(pair)
        stalls = {key: _StallNames(pairs) for key, pairs in by_market.items()}
        self._stalls.put(None, stalls, token)
        return stalls.get(market_id, _NO_STALLS)

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
            f"{_LISTINGS} WHERE {_VISIBLE} AND {_OF_MARKET} ORDER BY p.id",
            (market_id, market_id),
        )
        return [_listing(row) for row in rows]

    async def visible_listings_rows(self, market_id: int | None) -> list[aiosqlite.Row]:
        """:meth:`visible_listings` as rows, for :func:`listing_of_row` in a worker thread (a
        county's 100,000 rows would hold the event loop)."""
        return await self.db.read_all(
            f"{_LISTINGS} WHERE {_VISIBLE} AND {_OF_MARKET} ORDER BY p.id",
            (market_id, market_id),
        )

    async def listings_of(
        self, products: Sequence[int], stalls: Sequence[int]
    ) -> list[tuple[Product, Stall]]:
        """The visible listings among ``products`` and of ``stalls`` (one query). This and the
        catalogue changes are read as committed (:meth:`_committed`): a search index never
        takes in a change that may still roll back."""
        if not products and not stalls:
            return []
        ids = self.db.dialect.json_values("?", "integer")
        # one set of product ids (not "p.id IN … OR p.stall_id IN …", which scans every product:
        # 25 ms at 100,000 listings against 0.6 ms by the keys)
        rows = await self._committed(
            f"{_LISTINGS} WHERE {_VISIBLE} AND p.id IN ({ids}"
            f" UNION SELECT id FROM products WHERE stall_id IN ({ids})) ORDER BY p.id",
            (json.dumps(list(products)), json.dumps(list(stalls))),
        )
        return [_listing(row) for row in rows]

    async def _committed(self, sql: str, params: Sequence[object] = ()) -> list[aiosqlite.Row]:
        """Rows of what was committed. On SQLite up to :data:`SMALL_READ` rows (the change feed
        since the last look, a few listings by their ids) are read inline on the side
        connection (:meth:`InlineConnection.read_committed`: tens of microseconds, where the
        reader connection's worker thread waits for the interpreter lock while the event loop
        is busy, and the message that asked holds the write lock meanwhile); a read that finds
        more is made again by :meth:`Database.read_all`, off the event loop."""
        if isinstance(self.db.conn, InlineConnection):
            rows = await self.db.conn.read_committed(f"{sql} LIMIT {SMALL_READ + 1}", params)
            if rows is not None and len(rows) <= SMALL_READ:
                return rows
        return await self.db.read_all(sql, params)

    async def catalog_mark(self) -> int:
        """Where the change feed stands now (0: no change yet). On SQLite the newest change
        (one writer at a time: ``seq`` is commit order); on PostgreSQL the lowest transaction
        still in flight, every change of an older one being committed (migration 0017)."""
        sql = "SELECT coalesce(max(seq), 0) FROM catalog_changes"
        if self.db.backend == "postgresql":
            sql = f"SELECT {_FEED_HORIZON}"
        rows = await self._committed(sql)
        return int(rows[0][0]) if rows else 0

    async def catalog_changes(self, after: int) -> CatalogChanges:
        """What changed after the mark ``after`` (from :meth:`catalog_mark` or an earlier
        answer), up to the newest change committed."""
        if self.db.backend == "postgresql":
            return await self._catalog_changes_in_commit_order(after)
        rows = await self._committed(
            "SELECT seq, product_id, stall_id, market_id FROM catalog_changes WHERE seq >= ?"
            " ORDER BY seq",
            (after,),
        )
        complete = after == 0 or (bool(rows) and int(rows[0]["seq"]) == after)
        newer = [row for row in rows if int(row["seq"]) > after]
        return _feed(newer, int(newer[-1]["seq"]) if newer else after, complete)

    async def _catalog_changes_in_commit_order(self, after: int) -> CatalogChanges:
        """PostgreSQL: the changes written by the transaction ``after`` (the lowest one in
        flight at the last read) or a later one, read in one statement with the new mark, the
        lowest transaction in flight now. A change numbered before one already read but
        committed after it is read now; a change read before may come again (applying one twice
        does no harm). Incomplete when no row of an older transaction (or copied without one) is
        left: they were pruned, or none was ever written (the reader rebuilds once)."""
        rows = await self.db.read_all(
            "SELECT h.horizon, (SELECT count(*) FROM catalog_changes"
            "  WHERE tx IS NULL OR tx < ?) AS older,"
            " c.seq, c.product_id, c.stall_id, c.market_id"
            f" FROM (SELECT {_FEED_HORIZON} AS horizon) h"
            " LEFT JOIN catalog_changes c ON c.tx >= ? ORDER BY c.seq",
            (after, after),
        )
        newer = [row for row in rows if row["seq"] is not None]
        complete = after == 0 or int(rows[0]["older"]) > 0
        return _feed(newer, max(after, int(rows[0]["horizon"])), complete)

    async def prune_catalog_changes(self, before: datetime) -> int:
        """Forget catalogue changes older than ``before``, except the newest (a reader's mark
        must stay findable); returns how many."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM catalog_changes WHERE at < ?"
                " AND seq < (SELECT max(seq) FROM catalog_changes)",
                (before.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),),
            )
            return cursor.rowcount

    async def markets_by_use(self, since: datetime) -> list[int]:
        """Every market's id, the most used first: by searches in it since ``since``, then by
        followers of its stalls (read on the reader connection, off the event loop)."""
        rows = await self.db.read_all(
            "WITH searched AS (SELECT market_id, count(*) AS n FROM search_log"
            "  WHERE at >= ? AND market_id IS NOT NULL GROUP BY market_id),"
            " followed AS (SELECT s.market_id, count(*) AS n FROM stall_followers f"
            "  JOIN stalls s ON s.id = f.stall_id GROUP BY s.market_id)"
            " SELECT m.id FROM markets m"
            " LEFT JOIN searched ON searched.market_id = m.id"
            " LEFT JOIN followed ON followed.market_id = m.id"
            " ORDER BY coalesce(searched.n, 0) DESC, coalesce(followed.n, 0) DESC, m.id",
            (utc_text(since),),
        )
        return [int(row[0]) for row in rows]

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
