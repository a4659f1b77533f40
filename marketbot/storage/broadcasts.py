"""The announcement tables: announcements (who, audience, text, scheduled time, the final
report), the delivery-engine announcements each was sent as, stall followers and the vendors'
daily limit."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import aiosqlite

from marketbot.domain.model import StallStatus, User
from marketbot.storage.db import Queries, utc_text
from marketbot.storage.dialect import Dialect
from marketbot.storage.market_data import user_from_row
from marketbot.storage.outbox import Progress, Selection

__all__ = ["DEFAULT_VENDOR_LIMIT", "Audience", "Broadcast", "BroadcastStore"]

DEFAULT_VENDOR_LIMIT = 1
"""Announcements per stall per day unless a secretary changed it."""
_LIMIT_SETTING = "vendor_daily_limit"

Status = Literal["queued", "done", "cancelled"]


@dataclass(frozen=True, slots=True)
class Audience:
    """Who an announcement goes to, as the database selects them: the subscribers of market
    ``ident``, the followers of stall ``ident``, the owners of approved stalls (of
    ``stall_ids`` only for ``stalls``), or everyone who has written to the bot."""

    kind: Literal["market", "followers", "vendors", "stalls", "everyone"]
    ident: int = 0
    stall_ids: tuple[int, ...] = ()
    exclude: tuple[int, ...] = ()
    """User ids left out (the vendors, who get their own evening reminder)."""


def _members(audience: Audience, ranged: bool, dialect: Dialect) -> tuple[str, dict[str, object]]:
    """SQL selecting the user ids of ``audience`` (each once), with its named parameters.

    ``ranged``: only ids in ``(:low, :high]`` (a chunk), found through the index that leads
    with the user id (the ``+`` keeps SQLite from scanning the whole audience's index for
    every chunk instead; PostgreSQL's planner needs no such hint)."""
    params: dict[str, object] = {"approved": StallStatus.APPROVED.value, "ident": audience.ident}
    plus = "+" if ranged and dialect.name == "sqlite" else ""
    if audience.kind == "market":
        sql = f"SELECT user_id FROM subscriptions WHERE {plus}market_id = :ident"
        column = "user_id"
    elif audience.kind == "followers":
        sql = f"SELECT user_id FROM stall_followers WHERE {plus}stall_id = :ident"
        column = "user_id"
    elif audience.kind == "vendors":
        sql, column = f"SELECT owner_id FROM stalls WHERE {plus}status = :approved", "owner_id"
    elif audience.kind == "stalls":
        sql = (
            f"SELECT owner_id FROM stalls WHERE {plus}status = :approved"
            f" AND id IN ({dialect.json_values(':stalls', 'integer')})"
        )
        column = "owner_id"
        params["stalls"] = json.dumps(list(audience.stall_ids))
    else:
        sql, column = "SELECT user_id FROM conversations WHERE true", "user_id"
    if ranged:
        sql += f" AND {column} > :low AND {column} <= :high"
    return sql, params


_LANG = (
    "CASE WHEN u.language IN ('zh', 'en') THEN u.language"
    " WHEN lower(u.platform_language) LIKE 'en%' THEN 'en'"
    " WHEN lower(u.platform_language) LIKE 'zh%' THEN 'zh' ELSE :default_lang END"
)
""":func:`marketbot.domain.model.user_lang` in SQL (a test holds the two together)."""


@dataclass(frozen=True, slots=True)
class Broadcast:
    id: int
    author_id: int
    stall_id: int | None
    audience: str
    text: str
    photo_id: int | None
    recipients: int
    send_at: datetime | None
    created_at: datetime
    status: Status
    progress_ref: str | None
    report: Progress | None
    """The final counts, once done or cancelled."""


def _broadcast(row: aiosqlite.Row) -> Broadcast:
    report = None
    if row["status"] != "queued":
        report = Progress(
            announcement_id=row["id"],
            total=row["recipients"],
            sent=row["sent"] or 0,
            unconfirmed=row["unconfirmed"] or 0,
            unreachable=row["unreachable"] or 0,
            failed=row["failed"] or 0,
            held=row["held"] or 0,
            pending=0,
            cancelled=row["cancelled"] or 0,
            eta_seconds=0.0,
            done=True,
            was_cancelled=row["status"] == "cancelled",
        )
    return Broadcast(
        id=row["id"],
        author_id=row["author_id"],
        stall_id=row["stall_id"],
        audience=row["audience"],
        text=row["text"],
        photo_id=row["photo_id"],
        recipients=row["recipients"],
        send_at=datetime.fromisoformat(row["send_at"]) if row["send_at"] else None,
        created_at=datetime.fromisoformat(row["created_at"]),
        status=row["status"],
        progress_ref=row["progress_ref"],
        report=report,
    )


class BroadcastStore(Queries):
    """SQL for announcements, their engine parts, stall followers and the vendors' limit."""

    # announcements -------------------------------------------------------------------------

    async def create(
        self,
        *,
        author_id: int,
        stall_id: int | None,
        audience: str,
        text: str,
        photo_id: int | None,
        recipients: int,
        send_at: datetime | None,
        now: datetime,
    ) -> Broadcast:
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO broadcasts (author_id, stall_id, audience, text, photo_id,"
                " recipients, send_at, created_at, status)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued') RETURNING id",
                (
                    author_id,
                    stall_id,
                    audience,
                    text,
                    photo_id,
                    recipients,
                    utc_text(send_at) if send_at else None,
                    utc_text(now),
                ),
            )
            new_id = int((await cursor.fetchone())[0])
        found = await self.get(new_id)
        assert found is not None
        return found

    async def get(self, broadcast_id: int) -> Broadcast | None:
        rows = await self._all("SELECT * FROM broadcasts WHERE id = ?", (broadcast_id,))
        return _broadcast(rows[0]) if rows else None

    async def queued(self) -> list[Broadcast]:
        """Announcements not finished yet (queued, sending, or awaiting their report)."""
        rows = await self._all("SELECT * FROM broadcasts WHERE status = 'queued' ORDER BY id")
        return [_broadcast(r) for r in rows]

    async def recent(self, limit: int) -> list[Broadcast]:
        rows = await self._all("SELECT * FROM broadcasts ORDER BY id DESC LIMIT ?", (limit,))
        return [_broadcast(r) for r in rows]

    async def add_part(self, announcement_id: int, broadcast_id: int) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO broadcast_parts (announcement_id, broadcast_id) VALUES (?, ?)"
                " ON CONFLICT DO NOTHING",
                (announcement_id, broadcast_id),
            )

    async def parts(self, broadcast_id: int) -> list[int]:
        rows = await self._all(
            "SELECT announcement_id FROM broadcast_parts WHERE broadcast_id = ?"
            " ORDER BY announcement_id",
            (broadcast_id,),
        )
        return [int(r["announcement_id"]) for r in rows]

    async def of_announcement(self, announcement_id: int) -> int | None:
        rows = await self._all(
            "SELECT broadcast_id FROM broadcast_parts WHERE announcement_id = ?",
            (announcement_id,),
        )
        return int(rows[0]["broadcast_id"]) if rows else None

    async def set_progress_ref(self, broadcast_id: int, ref: str) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE broadcasts SET progress_ref = ? WHERE id = ?", (ref, broadcast_id)
            )

    async def finish(self, broadcast_id: int, report: Progress, now: datetime) -> None:
        """Record the final counts (once; a finished announcement is left alone)."""
        status = "cancelled" if report.was_cancelled else "done"
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE broadcasts SET status = ?, sent = ?, unconfirmed = ?, unreachable = ?,"
                " failed = ?, cancelled = ?, held = ?, finished_at = ?"
                " WHERE id = ? AND status = 'queued'",
                (
                    status,
                    report.sent,
                    report.unconfirmed,
                    report.unreachable,
                    report.failed,
                    report.cancelled,
                    report.held,
                    utc_text(now),
                    broadcast_id,
                ),
            )

    async def count_since(self, stall_id: int, since: datetime) -> int:
        """Announcements of ``stall_id`` created at or after ``since``."""
        rows = await self._all(
            "SELECT count(*) AS n FROM broadcasts WHERE stall_id = ? AND created_at >= ?",
            (stall_id, utc_text(since)),
        )
        return int(rows[0]["n"])

    # followers -----------------------------------------------------------------------------

    async def is_following(self, user_id: int, stall_id: int) -> bool:
        rows = await self._all(
            "SELECT 1 FROM stall_followers WHERE user_id = ? AND stall_id = ?",
            (user_id, stall_id),
        )
        return bool(rows)

    async def follow(self, user_id: int, stall_id: int, now: datetime) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO stall_followers (user_id, stall_id, created_at) VALUES (?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (user_id, stall_id, utc_text(now)),
            )

    async def unfollow(self, user_id: int, stall_id: int) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "DELETE FROM stall_followers WHERE user_id = ? AND stall_id = ?",
                (user_id, stall_id),
            )

    async def followers(self, stall_id: int) -> list[User]:
        rows = await self._all(
            "SELECT u.* FROM users u JOIN stall_followers f ON f.user_id = u.id"
            " WHERE f.stall_id = ? ORDER BY u.id",
            (stall_id,),
        )
        return [user_from_row(r) for r in rows]

    # audiences (the people of an announcement), counted and selected by SQL ---------------

    async def _named(self, sql: str, params: Mapping[str, object]) -> list[aiosqlite.Row]:
        async with self.db.conn.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def _counted(self, sql: str, params: Mapping[str, object]) -> list[aiosqlite.Row]:
        """A count over a whole audience (a million people take hundreds of milliseconds):
        read as committed, in a worker thread, so the event loop runs meanwhile."""
        return await self.db.read_all(sql, params)

    def _where(
        self, audience: Audience, platforms: Iterable[str] | None, *, ranged: bool = False
    ) -> tuple[str, dict[str, object]]:
        dialect = self.db.dialect
        members, params = _members(audience, ranged, dialect)
        where = f"u.id IN ({members})"
        if audience.exclude:
            where += f" AND u.id NOT IN ({dialect.json_values(':exclude', 'integer')})"
            params["exclude"] = json.dumps(list(audience.exclude))
        if ranged:
            where += " AND u.id > :low AND u.id <= :high"
        if platforms is not None:
            where += f" AND u.platform IN ({dialect.json_values(':platforms', 'text')})"
            params["platforms"] = json.dumps(sorted(platforms))
        return where, params

    async def audience_count(self, audience: Audience, platforms: Iterable[str] | None) -> int:
        """How many people ``audience`` is, on ``platforms`` (None: all): one count."""
        where, params = self._where(audience, platforms)
        rows = await self._counted(f"SELECT count(*) AS n FROM users u WHERE {where}", params)
        return int(rows[0]["n"])

    async def audience_groups(
        self, audience: Audience, platforms: Iterable[str] | None, default_lang: str
    ) -> dict[tuple[str, str], int]:
        """People of ``audience`` per ``(language, platform)``: one grouped count."""
        where, params = self._where(audience, platforms)
        rows = await self._counted(
            f"SELECT {_LANG} AS lang, u.platform AS platform, count(*) AS n FROM users u"
            f" WHERE {where} GROUP BY 1, 2",
            {**params, "default_lang": default_lang},
        )
        return {(str(r["lang"]), str(r["platform"])): int(r["n"]) for r in rows}

    async def audience_users(
        self, audience: Audience, platforms: Iterable[str] | None
    ) -> list[User]:
        """The people of ``audience`` as users (for small audiences: a stall's followers)."""
        where, params = self._where(audience, platforms)
        rows = await self._named(f"SELECT u.* FROM users u WHERE {where} ORDER BY u.id", params)
        return [user_from_row(r) for r in rows]

    def selection(
        self, audience: Audience, platforms: Iterable[str] | None, default_lang: str
    ) -> Selection:
        """``audience`` as the outbox streams it
        (:meth:`~marketbot.storage.outbox.OutboxStore.create_streamed`): whole, and by chunks
        of user ids (the named parameters ``:low`` and ``:high``)."""
        columns = (
            f"SELECT u.id AS id, {_LANG} AS lang, u.platform AS platform, u.chat_id AS chat_id"
        )
        where, params = self._where(audience, platforms)
        ranged, _ = self._where(audience, platforms, ranged=True)
        return Selection(
            f"{columns} FROM users u WHERE {where}",
            f"{columns} FROM users u WHERE {ranged}",
            {**params, "default_lang": default_lang},
        )

    # settings ------------------------------------------------------------------------------

    async def vendor_limit(self) -> int:
        rows = await self._all(
            "SELECT value FROM broadcast_settings WHERE name = ?", (_LIMIT_SETTING,)
        )
        return int(rows[0]["value"]) if rows else DEFAULT_VENDOR_LIMIT

    async def set_vendor_limit(self, value: int) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO broadcast_settings (name, value) VALUES (?, ?)"
                " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                (_LIMIT_SETTING, value),
            )
