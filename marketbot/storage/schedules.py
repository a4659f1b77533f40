"""The ``market_schedules`` and ``market_day_changes`` tables: a market's schedule as typed and
the days cancelled or moved. Days are civil dates, ISO text in the database.

Usage::

    store = ScheduleStore(db)
    await store.set(market.id, "逢三六九", CalendarOptions(), by=user.id, now=now)
    schedule = await store.get(market.id)
    changes = await store.changes(market.id, since=today)
"""

from __future__ import annotations

from datetime import date, datetime

import aiosqlite

from marketbot.calendar import CalendarOptions, parse_rule
from marketbot.domain.schedule import DAY30, DayChange, Schedule
from marketbot.storage.committed import MISSING, CommittedCache
from marketbot.storage.db import Database, utc_text

__all__ = ["ScheduleStore"]


def _schedule(row: aiosqlite.Row) -> Schedule:
    options = CalendarOptions(
        day30=DAY30.get(row["day30"], "skip"),
        fairs_in_leap_month=bool(row["fairs_in_leap_month"]),
    )
    return Schedule(market_id=row["market_id"], phrase=row["phrase"], options=options)


def _change(row: aiosqlite.Row) -> DayChange:
    moved = row["moved_to"]
    return DayChange(
        day=date.fromisoformat(row["day"]),
        moved_to=date.fromisoformat(moved) if moved else None,
        reason=row["reason"],
    )


class ScheduleStore:
    """Typed access to market schedules and day changes. A market's schedule and its changes
    from a day on are kept in memory once read (:mod:`marketbot.storage.committed`: every market
    card shows the next market day)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._schedules: CommittedCache[int, Schedule | None] = CommittedCache.of(db, "schedule")
        self._changes: CommittedCache[tuple[int, date], dict[date, DayChange]] = CommittedCache.of(
            db, "day_changes"
        )
        self.held: CommittedCache[tuple[int, date, int], tuple[date, ...]] = CommittedCache.of(
            db, "held_days"
        )
        """A market's next held days as computed from both (by market, first day and count),
        forgotten whenever either is written."""

    async def get(self, market_id: int) -> Schedule | None:
        known = self._schedules.get(market_id)
        if known is not MISSING:
            return known
        token = self._schedules.token()
        async with self.db.conn.execute(
            "SELECT * FROM market_schedules WHERE market_id = ?", (market_id,)
        ) as cursor:
            row = await cursor.fetchone()
        schedule = _schedule(row) if row else None
        self._schedules.put(market_id, schedule, token)
        return schedule

    async def all(self, market_id: int | None = None) -> dict[int, Schedule]:
        """Every market's schedule by market id (of ``market_id`` only, when given): one query."""
        sql = "SELECT * FROM market_schedules"
        params: tuple[int, ...] = ()
        if market_id is not None:
            sql, params = sql + " WHERE market_id = ?", (market_id,)
        async with self.db.conn.execute(sql, params) as cursor:
            rows = await cursor.fetchall()
        return {int(row["market_id"]): _schedule(row) for row in rows}

    async def set(
        self, market_id: int, phrase: str, options: CalendarOptions, *, by: int, now: datetime
    ) -> Schedule:
        """Save (or replace) the market's schedule; the phrase must parse."""
        parse_rule(phrase)
        async with self.db.transaction() as conn:
            self._schedules.writing()
            self.held.writing()
            self.db.catalog_changed()  # the next market day decides who is coming
            await conn.execute(
                "INSERT INTO market_schedules"
                " (market_id, phrase, day30, fairs_in_leap_month, set_by, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (market_id) DO UPDATE SET phrase = excluded.phrase,"
                " day30 = excluded.day30, fairs_in_leap_month = excluded.fairs_in_leap_month,"
                " set_by = excluded.set_by, updated_at = excluded.updated_at",
                (
                    market_id,
                    phrase,
                    options.day30,
                    int(options.fairs_in_leap_month),
                    by,
                    utc_text(now),
                ),
            )
        return Schedule(market_id=market_id, phrase=phrase, options=options)

    async def changes(self, market_id: int, *, since: date) -> dict[date, DayChange]:
        """Changes to days from ``since`` on, and moves from earlier days onto such dates."""
        known = self._changes.get((market_id, since))
        if known is not MISSING:
            return dict(known)
        token = self._changes.token()
        iso = since.isoformat()
        async with self.db.conn.execute(
            "SELECT * FROM market_day_changes WHERE market_id = ?"
            " AND (day >= ? OR moved_to >= ?) ORDER BY day",
            (market_id, iso, iso),
        ) as cursor:
            rows = await cursor.fetchall()
        found = {change.day: change for change in map(_change, rows)}
        self._changes.put((market_id, since), found, token)
        return dict(found)

    async def all_changes(
        self, *, since: date, market_id: int | None = None
    ) -> dict[int, dict[date, DayChange]]:
        """:meth:`changes` of every market (or of ``market_id``) in one query, by market id."""
        iso = since.isoformat()
        sql = "SELECT * FROM market_day_changes WHERE (day >= ? OR moved_to >= ?)"
        params: tuple[object, ...] = (iso, iso)
        if market_id is not None:
            sql, params = sql + " AND market_id = ?", (*params, market_id)
        async with self.db.conn.execute(sql + " ORDER BY market_id, day", params) as cursor:
            rows = await cursor.fetchall()
        found: dict[int, dict[date, DayChange]] = {}
        for row in rows:
            change = _change(row)
            found.setdefault(int(row["market_id"]), {})[change.day] = change
        return found

    async def change(self, market_id: int, day: date) -> DayChange | None:
        async with self.db.conn.execute(
            "SELECT * FROM market_day_changes WHERE market_id = ? AND day = ?",
            (market_id, day.isoformat()),
        ) as cursor:
            row = await cursor.fetchone()
        return _change(row) if row else None

    async def change_day(
        self,
        market_id: int,
        day: date,
        *,
        moved_to: date | None,
        reason: str,
        by: int,
        now: datetime,
    ) -> DayChange:
        """Cancel ``day`` (``moved_to`` None) or move it; replaces an earlier change of it."""
        if moved_to == day:
            raise ValueError("a day cannot be moved onto itself")
        async with self.db.transaction() as conn:
            self._changes.writing()
            self.held.writing()
            self.db.catalog_changed()  # the next market day decides who is coming
            await conn.execute(
                "INSERT INTO market_day_changes"
                " (market_id, day, moved_to, reason, changed_by, changed_at)"
                " VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (market_id, day) DO UPDATE SET moved_to = excluded.moved_to,"
                " reason = excluded.reason, changed_by = excluded.changed_by,"
                " changed_at = excluded.changed_at",
                (
                    market_id,
                    day.isoformat(),
                    moved_to.isoformat() if moved_to else None,
                    reason,
                    by,
                    utc_text(now),
                ),
            )
        return DayChange(day=day, moved_to=moved_to, reason=reason)

    async def restore_day(self, market_id: int, day: date) -> bool:
        """Undo the change of ``day``; False if it had none."""
        async with self.db.transaction() as conn:
            self._changes.writing()
            self.held.writing()
            self.db.catalog_changed()  # the next market day decides who is coming
            cursor = await conn.execute(
                "DELETE FROM market_day_changes WHERE market_id = ? AND day = ?",
                (market_id, day.isoformat()),
            )
            return cursor.rowcount > 0
