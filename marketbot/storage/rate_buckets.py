"""A platform's rate limit shared by several bot processes: a token bucket per platform.

The bucket (``rate_buckets``, one row per platform) refills at ``rate`` tokens a second from
``refilled_at`` up to ``capacity`` and starts full, so the tokens granted in any *t* seconds
never exceed ``rate`` × *t* + ``capacity``. A process takes a small batch at a time
(:meth:`RateBucketStore.take`: one transaction, the row locked by its own update), not one round
trip per message. A platform's "retry later" is for the whole bot: :meth:`RateBucketStore.pause`
records it (``resume_at``, migration 0019) and no process is granted a token before then.
Instants are the taking processes' clocks (keep the hosts' clocks in sync).

Usage::

    granted, wait = await RateBucketStore(db).take(platform, 5, 25.0, 10.0, now)
    # send up to ``granted`` messages; with none granted, ask again after ``wait`` seconds
    await RateBucketStore(db).pause(platform, now + timedelta(seconds=3))  # a 429 came
"""

from __future__ import annotations

import math
from datetime import datetime

from marketbot.storage.db import Database, utc_text

__all__ = ["RateBucketStore"]


class RateBucketStore:
    """The ``rate_buckets`` table of one :class:`~marketbot.storage.db.Database`."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def take(
        self, platform: str, want: int, rate: float, capacity: float, now: datetime
    ) -> tuple[int, float]:
        """Up to ``want`` tokens of ``platform``'s bucket (refilled at ``rate`` a second, at most
        ``capacity``) and, when fewer were granted, the seconds until ``want`` more could be.
        Two processes taking at once are served one after the other (the row is locked).
        While the bucket is paused (:meth:`pause`) none is granted and ``wait`` is the rest of
        the pause."""
        stamp = utc_text(now)
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO rate_buckets (platform, tokens, refilled_at) VALUES (?, ?, ?)"
                " ON CONFLICT (platform) DO NOTHING",
                (platform, capacity, stamp),
            )
            cursor = await conn.execute(
                "UPDATE rate_buckets SET tokens = tokens WHERE platform = ?"
                " RETURNING tokens, refilled_at, resume_at",
                (platform,),
            )
            row = await cursor.fetchone()
            assert row is not None
            if row[2] is not None and (resume := datetime.fromisoformat(str(row[2]))) > now:
                return 0, (resume - now).total_seconds()
            since = datetime.fromisoformat(str(row[1]))
            elapsed = max((now - since).total_seconds(), 0.0)
            tokens = min(float(row[0]) + elapsed * rate, capacity)
            granted = max(min(want, math.floor(tokens)), 0)
            tokens -= granted
            await conn.execute(
                "UPDATE rate_buckets SET tokens = ?, refilled_at = ? WHERE platform = ?",
                (tokens, utc_text(max(now, since)), platform),
            )
        wait = 0.0 if granted == want else max(want - tokens, 0.0) / rate
        return granted, wait

    async def pause(self, platform: str, until: datetime) -> None:
        """Grant ``platform``'s tokens to no process before ``until`` (a later pause already
        recorded stays)."""
        stamp = utc_text(until)
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO rate_buckets (platform, tokens, refilled_at, resume_at)"
                " VALUES (?, 0, ?, ?) ON CONFLICT (platform) DO UPDATE SET resume_at ="
                " CASE WHEN rate_buckets.resume_at IS NULL"
                " OR rate_buckets.resume_at < excluded.resume_at"
                " THEN excluded.resume_at ELSE rate_buckets.resume_at END",
                (platform, stamp, stamp),
            )
