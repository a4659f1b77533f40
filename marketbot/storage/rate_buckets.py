"""A platform's rate limit shared by several bot processes: sending slots handed out in turn.

Each platform has one row (``rate_buckets``) holding its next free slot. Slots are ``1 / rate``
apart and each is given to one process only: :meth:`RateBucketStore.reserve` hands a process a
run of consecutive slots (one transaction, the row locked by its own update), not one round trip
per message, and the process sends each message no earlier than its slot. So over any stretch
the processes together send at most the rate (plus the slot a stretch may begin inside), however
many there are. A platform's "retry later" is for the whole bot: :meth:`RateBucketStore.pause`
moves the next free slot to the end of the pause. Instants are the processes' clocks (keep the
hosts' clocks in sync).

Usage::

    start = await RateBucketStore(db).reserve(platform, 5, 25.0, now)
    # send five messages, the first at ``start``, then one every 1/25 s
    await RateBucketStore(db).pause(platform, now + timedelta(seconds=3))  # a 429 came
"""

from __future__ import annotations

from datetime import datetime, timedelta

from marketbot.storage.db import Database, utc_text

__all__ = ["RateBucketStore"]


class RateBucketStore:
    """The ``rate_buckets`` table of one :class:`~marketbot.storage.db.Database`."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def reserve(self, platform: str, count: int, rate: float, now: datetime) -> datetime:
        """``count`` consecutive slots of ``platform`` (``rate`` a second) for this process
        alone; returns the first one's time, ``now`` or later (when other processes hold the
        slots until then, or a pause lasts). Two processes reserving at once are served one
        after the other (the row is locked)."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO rate_buckets (platform, next_slot_at) VALUES (?, ?)"
                " ON CONFLICT (platform) DO NOTHING",
                (platform, utc_text(now)),
            )
            cursor = await conn.execute(
                "UPDATE rate_buckets SET next_slot_at = next_slot_at WHERE platform = ?"
                " RETURNING next_slot_at",
                (platform,),
            )
            row = await cursor.fetchone()
            assert row is not None
            start = max(datetime.fromisoformat(str(row[0])), now)
            await conn.execute(
                "UPDATE rate_buckets SET next_slot_at = ? WHERE platform = ?",
                (utc_text(start + timedelta(seconds=count / rate)), platform),
            )
        return start

    async def pause(self, platform: str, until: datetime) -> None:
        """Give no process a slot of ``platform`` before ``until`` (a slot already further on
        stays)."""
        stamp = utc_text(until)
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO rate_buckets (platform, next_slot_at) VALUES (?, ?)"
                " ON CONFLICT (platform) DO UPDATE SET next_slot_at = CASE"
                " WHEN rate_buckets.next_slot_at < excluded.next_slot_at"
                " THEN excluded.next_slot_at ELSE rate_buckets.next_slot_at END",
                (platform, stamp),
            )
