"""Market days: the schedule a secretary typed, the days cancelled or moved, and what comes next.

All SQL of the ``market_schedules`` and ``market_day_changes`` tables lives in
:class:`ScheduleStore`. Days are civil dates (ISO text in the database) in the market's time zone;
:func:`market_today` turns the clock's instant into that date.

Usage::

    store = ScheduleStore(db)
    await store.set(market.id, "逢三六九", CalendarOptions(), by=user.id, now=now)
    schedule = await store.get(market.id)
    today = market_today(now, market.timezone)
    changes = await store.changes(market.id, since=today)
    days = upcoming(schedule, changes, today, 5)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import aiosqlite

from marketbot.calendar import CalendarOptions, MarketRule, parse_rule
from marketbot.calendar.rules import Day30
from marketbot.db import Database

__all__ = [
    "DayChange",
    "Schedule",
    "ScheduleStore",
    "UpcomingDay",
    "market_today",
    "parse_day",
    "upcoming",
]

_DAY30: dict[str, Day30] = {"skip": "skip", "day29": "day29", "next1": "next1"}


@dataclass(frozen=True, slots=True)
class Schedule:
    """A market's schedule phrase as typed, with the calendar settings chosen for it."""

    market_id: int
    phrase: str
    options: CalendarOptions

    def rule(self) -> MarketRule:
        """The phrase understood (it parsed when it was saved)."""
        return parse_rule(self.phrase)


@dataclass(frozen=True, slots=True)
class DayChange:
    """A scheduled market ``day`` that is cancelled (``moved_to`` is None) or moved."""

    day: date
    moved_to: date | None
    reason: str

    @property
    def cancelled(self) -> bool:
        return self.moved_to is None


@dataclass(frozen=True, slots=True)
class UpcomingDay:
    """A scheduled market day and what a secretary changed about it, if anything."""

    day: date
    change: DayChange | None = None
    moved_in: bool = False
    """Not one of the listed days: a day moved from outside the list onto a date it covers."""

    @property
    def held_on(self) -> date | None:
        """When the market is actually held: the day, the day it moved to, or None."""
        if self.change is None:
            return self.day
        return self.change.moved_to


def market_today(now: datetime, timezone: str) -> date:
    """The civil date at the market for the instant ``now``."""
    return now.astimezone(ZoneInfo(timezone)).date()


def upcoming(
    schedule: Schedule, changes: Mapping[date, DayChange], today: date, count: int
) -> list[UpcomingDay]:
    """The next ``count`` scheduled days from ``today`` with their changes, plus days moved in.

    A day moved from outside the list (already past, or later) onto a date the list covers is
    added too, so a visitor sees every market that will be held in that stretch.
    """
    scheduled = schedule.rule().next_dates(today, count, schedule.options)
    days = [UpcomingDay(d, changes.get(d)) for d in scheduled]
    listed = set(scheduled)
    last = scheduled[-1] if scheduled else None
    for change in changes.values():
        target = change.moved_to
        if change.day in listed or target is None or target < today:
            continue
        if change.day < today or (last is not None and target <= last):
            days.append(UpcomingDay(change.day, change, moved_in=True))
    return sorted(days, key=_sort_key)


def _sort_key(day: UpcomingDay) -> tuple[date, date]:
    """A moved-in day sorts at its new date, any other at its scheduled date."""
    return (day.held_on or day.day if day.moved_in else day.day), day.day


_FULL_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?")
_MONTH_DAY = re.compile(r"(\d{1,2})[-/.月](\d{1,2})[日号]?")


def parse_day(text: str, today: date) -> date | None:
    """A typed solar date: ``2026-12-05``, ``2026年12月5日``, ``12月5日``, ``12/5``.

    Without a year it is the next such date on or after ``today``. None if not a real date.
    """
    normal = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    full = _FULL_DATE.fullmatch(normal)
    if full:
        return _date(int(full[1]), int(full[2]), int(full[3]))
    short = _MONTH_DAY.fullmatch(normal)
    if short is None:
        return None
    month, day = int(short[1]), int(short[2])
    for year in range(today.year, today.year + 9):  # 29 February comes back within 8 years
        found = _date(year, month, day)
        if found is not None and found >= today:
            return found
    return None


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _schedule(row: aiosqlite.Row) -> Schedule:
    options = CalendarOptions(
        day30=_DAY30.get(row["day30"], "skip"),
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
    """Typed access to market schedules and day changes."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, market_id: int) -> Schedule | None:
        async with self.db.conn.execute(
            "SELECT * FROM market_schedules WHERE market_id = ?", (market_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return _schedule(row) if row else None

    async def set(
        self, market_id: int, phrase: str, options: CalendarOptions, *, by: int, now: datetime
    ) -> Schedule:
        """Save (or replace) the market's schedule; the phrase must parse."""
        parse_rule(phrase)
        async with self.db.transaction() as conn:
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
                    now.isoformat(),
                ),
            )
        return Schedule(market_id=market_id, phrase=phrase, options=options)

    async def changes(self, market_id: int, *, since: date) -> dict[date, DayChange]:
        """Changes to days from ``since`` on, and moves from earlier days onto such dates."""
        iso = since.isoformat()
        async with self.db.conn.execute(
            "SELECT * FROM market_day_changes WHERE market_id = ?"
            " AND (day >= ? OR moved_to >= ?) ORDER BY day",
            (market_id, iso, iso),
        ) as cursor:
            rows = await cursor.fetchall()
        return {change.day: change for change in map(_change, rows)}

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
                    now.isoformat(),
                ),
            )
        return DayChange(day=day, moved_to=moved_to, reason=reason)

    async def restore_day(self, market_id: int, day: date) -> bool:
        """Undo the change of ``day``; False if it had none."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM market_day_changes WHERE market_id = ? AND day = ?",
                (market_id, day.isoformat()),
            )
            return cursor.rowcount > 0
