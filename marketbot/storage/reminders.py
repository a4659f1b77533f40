"""SQL for market-day reminders: subscriptions, reminder times per market, planned reminders
(each sent at most once) and vendors' attendance answers. Dates are ISO civil dates; instants
are UTC ISO text.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

import aiosqlite

from marketbot.domain.model import User
from marketbot.storage.committed import MISSING, CommittedCache
from marketbot.storage.db import Database, Queries, utc_text
from marketbot.storage.market_data import user_from_row

__all__ = [
    "DEFAULT_EVENING",
    "DEFAULT_MORNING",
    "PlannedReminder",
    "ReminderKind",
    "ReminderStore",
    "ReminderTimes",
]

ReminderKind = Literal["evening", "morning"]
SLICE = 1000
"""Rows of a big read taken in one step of the event loop."""
DEFAULT_EVENING = "19:00"
DEFAULT_MORNING = "07:00"


@dataclass(frozen=True, slots=True)
class ReminderTimes:
    """When a market's reminders go out (HH:MM, market time); None turns one off."""

    evening: str | None = DEFAULT_EVENING
    """The evening before the market day."""
    morning: str | None = DEFAULT_MORNING
    """The morning of the market day."""


@dataclass(frozen=True, slots=True)
class PlannedReminder:
    id: int
    market_id: int
    market_day: date
    kind: ReminderKind
    due_at: datetime
    status: str


def _planned(row: aiosqlite.Row) -> PlannedReminder:
    return PlannedReminder(
        id=row["id"],
        market_id=row["market_id"],
        market_day=date.fromisoformat(row["market_day"]),
        kind=row["kind"],
        due_at=datetime.fromisoformat(row["due_at"]),
        status=row["status"],
    )


class ReminderStore(Queries):
    """Subscriptions, reminder times, planned reminders and attendance. Whether someone
    subscribes to a market is kept in memory once read (:mod:`marketbot.storage.committed`:
    every market card asks it)."""

    def __init__(self, db: Database) -> None:
        super().__init__(db)
        self._subscribed: CommittedCache[tuple[int, int], bool] = CommittedCache.of(
            db, "subscriptions"
        )

    # subscriptions -------------------------------------------------------------------------

    async def is_subscribed(self, user_id: int, market_id: int) -> bool:
        known = self._subscribed.get((user_id, market_id))
        if known is not MISSING:
            return known
        token = self._subscribed.token()
        rows = await self._all(
            "SELECT 1 FROM subscriptions WHERE user_id = ? AND market_id = ?", (user_id, market_id)
        )
        self._subscribed.put((user_id, market_id), bool(rows), token)
        return bool(rows)

    async def subscribe(self, user_id: int, market_id: int, now: datetime) -> None:
        async with self.db.transaction() as conn:
            self._subscribed.writing()
            await conn.execute(
                "INSERT INTO subscriptions (user_id, market_id, created_at) VALUES (?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (user_id, market_id, utc_text(now)),
            )

    async def unsubscribe(self, user_id: int, market_id: int) -> None:
        async with self.db.transaction() as conn:
            self._subscribed.writing()
            await conn.execute(
                "DELETE FROM subscriptions WHERE user_id = ? AND market_id = ?",
                (user_id, market_id),
            )

    async def subscribers_with(self, market_id: int, others: Iterable[int]) -> int:
        """How many people the subscribers of ``market_id`` and ``others`` (user ids) are
        together: one count, however many subscribe."""
        rows = await self._all(
            "SELECT count(*) AS n FROM (SELECT user_id FROM subscriptions WHERE market_id = ?"
            f" UNION {self.db.dialect.json_values('?', 'integer')}) AS everyone",
            (market_id, json.dumps(sorted(set(others)))),
        )
        return int(rows[0]["n"])

    # reminder times ------------------------------------------------------------------------

    async def times(self, market_id: int) -> ReminderTimes:
        rows = await self._all(
            "SELECT evening, morning FROM reminder_settings WHERE market_id = ?", (market_id,)
        )
        if not rows:
            return ReminderTimes()
        return ReminderTimes(evening=rows[0]["evening"], morning=rows[0]["morning"])

    async def set_times(self, market_id: int, times: ReminderTimes) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO reminder_settings (market_id, evening, morning) VALUES (?, ?, ?)"
                " ON CONFLICT (market_id) DO UPDATE SET evening = excluded.evening,"
                " morning = excluded.morning",
                (market_id, times.evening, times.morning),
            )

    # planned reminders ---------------------------------------------------------------------

    async def all_times(self) -> dict[int, ReminderTimes]:
        """The reminder times of every market that set them (the others use the defaults)."""
        rows = await self._all("SELECT market_id, evening, morning FROM reminder_settings")
        return {
            int(r["market_id"]): ReminderTimes(evening=r["evening"], morning=r["morning"])
            for r in rows
        }

    async def planned_rows(
        self, since: datetime, market_id: int | None = None
    ) -> dict[tuple[int, str, ReminderKind], tuple[int, str, str]]:
        """What a re-plan compares against, in one query: every scheduled reminder, and the
        others (sent, dropped, obsolete) due from ``since`` on, as ``(market, ISO day, kind) →
        (id, due_at UTC text, status)`` (of ``market_id`` only, when given)."""
        sql = (
            "SELECT id, market_id, market_day, kind, due_at, status FROM reminders"
            " WHERE (status = 'scheduled'"
            " OR (status IN ('sent', 'dropped', 'obsolete') AND due_at >= ?))"
        )
        params: tuple[object, ...] = (utc_text(since),)
        if market_id is not None:
            sql, params = sql + " AND market_id = ?", (*params, market_id)
        planned: dict[tuple[int, str, ReminderKind], tuple[int, str, str]] = {}
        async with self.db.conn.execute(sql, params) as cursor:
            while rows := await cursor.fetchmany(SLICE):
                for r in rows:
                    planned[(int(r[1]), str(r[2]), r[3])] = (int(r[0]), str(r[4]), str(r[5]))
                if len(rows) == SLICE:
                    # a county's thousands: read inside the re-plan's transaction (it must see
                    # what that transaction wrote), so in slices, the event loop running between
                    await asyncio.sleep(0)
        return planned

    async def apply_plan(
        self,
        upserts: Sequence[tuple[int, date, ReminderKind, datetime]],
        obsolete: Sequence[int],
        now: datetime,
    ) -> None:
        """Write a re-plan's differences in one transaction, ``executemany`` of :data:`SLICE`
        rows at a time (a county's first plan is thousands; the event loop runs between):
        reminders ``(market, day, kind, due)`` added or moved (an obsolete one is scheduled
        again), and the scheduled ones no longer wanted (``obsolete``, by id). Reminders
        already sent or dropped are never touched."""
        if not upserts and not obsolete:
            return
        stamp = utc_text(now)
        async with self.db.transaction() as conn:
            for start in range(0, len(obsolete), SLICE):
                if start:
                    await asyncio.sleep(0)
                await conn.executemany(
                    "UPDATE reminders SET status = 'obsolete', settled_at = ?"
                    " WHERE id = ? AND status = 'scheduled'",
                    [(stamp, reminder_id) for reminder_id in obsolete[start : start + SLICE]],
                )
            for start in range(0, len(upserts), SLICE):
                if start or obsolete:
                    await asyncio.sleep(0)
                await conn.executemany(
                    "INSERT INTO reminders (market_id, market_day, kind, due_at, status)"
                    " VALUES (?, ?, ?, ?, 'scheduled')"
                    " ON CONFLICT (market_id, market_day, kind) DO UPDATE SET"
                    " due_at = excluded.due_at,"
                    " status = CASE WHEN reminders.status = 'obsolete' THEN 'scheduled'"
                    "   ELSE reminders.status END"
                    " WHERE reminders.status IN ('scheduled', 'obsolete')",
                    [
                        (market_id, day.isoformat(), kind, utc_text(due))
                        for market_id, day, kind, due in upserts[start : start + SLICE]
                    ],
                )

    async def due(self, now: datetime) -> list[PlannedReminder]:
        """Scheduled reminders whose time has come, oldest first."""
        rows = await self._all(
            "SELECT * FROM reminders WHERE status = 'scheduled' AND due_at <= ?"
            " ORDER BY due_at, id",
            (utc_text(now),),
        )
        return [_planned(r) for r in rows]

    async def scheduled(self) -> list[PlannedReminder]:
        """Every scheduled reminder, as committed (a county's thousands: read and made into
        objects off the event loop)."""
        rows = await self.db.read_all(
            "SELECT * FROM reminders WHERE status = 'scheduled' ORDER BY due_at, id"
        )
        return await asyncio.to_thread(lambda: [_planned(r) for r in rows])

    async def get(self, reminder_id: int) -> PlannedReminder | None:
        rows = await self._all("SELECT * FROM reminders WHERE id = ?", (reminder_id,))
        return _planned(rows[0]) if rows else None

    async def settle(self, reminder_id: int, status: str, now: datetime) -> bool:
        """Mark a scheduled reminder sent or dropped; False if it was not scheduled any more."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE reminders SET status = ?, settled_at = ?"
                " WHERE id = ? AND status = 'scheduled'",
                (status, utc_text(now), reminder_id),
            )
            return cursor.rowcount == 1

    # attendance ----------------------------------------------------------------------------

    async def set_attendance(self, stall_id: int, day: date, coming: bool, now: datetime) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO attendance (stall_id, market_day, coming, updated_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (stall_id, market_day) DO UPDATE SET"
                " coming = excluded.coming, updated_at = excluded.updated_at",
                (stall_id, day.isoformat(), int(coming), utc_text(now)),
            )
        self.db.catalog_changed()  # who is coming ranks the search

    async def attendance(self, stall_id: int, day: date) -> bool | None:
        rows = await self._all(
            "SELECT coming FROM attendance WHERE stall_id = ? AND market_day = ?",
            (stall_id, day.isoformat()),
        )
        return bool(rows[0]["coming"]) if rows else None

    async def market_vendors(self, market_id: int) -> dict[int, User]:
        """The owners of the market's approved stalls, by stall id: one query."""
        rows = await self._all(
            "SELECT u.*, s.id AS stall FROM users u JOIN stalls s ON s.owner_id = u.id"
            " WHERE s.market_id = ? AND s.status = 'approved' ORDER BY s.id",
            (market_id,),
        )
        return {int(r["stall"]): user_from_row(r) for r in rows}

    async def coming_to(self, days: Mapping[int, date]) -> list[int]:
        """The stalls that said they come to their market's day in ``days`` (market id → day):
        one query for every market."""
        days_sql = self.db.dialect.json_rows("?", [("market", "integer"), ("day", "text")])
        rows = await self._all(
            "SELECT a.stall_id FROM attendance a JOIN stalls s ON s.id = a.stall_id"
            f" JOIN ({days_sql}) d ON d.market = s.market_id AND d.day = a.market_day"
            " WHERE a.coming = 1 ORDER BY a.stall_id",
            (json.dumps([[market, day.isoformat()] for market, day in days.items()]),),
        )
        return [int(r["stall_id"]) for r in rows]

    async def coming_stall_ids(self, day: date) -> list[int]:
        rows = await self._all(
            "SELECT stall_id FROM attendance WHERE market_day = ? AND coming = 1"
            " ORDER BY updated_at, stall_id",
            (day.isoformat(),),
        )
        return [int(r["stall_id"]) for r in rows]
