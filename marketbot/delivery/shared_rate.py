"""A platform's rate limit shared with other bot processes on one PostgreSQL database.

Telegram's ~30 messages a second are per bot, not per process. Each process's lane keeps its
own :class:`~marketbot.delivery.pacing.Pacer` (spacing, per-chat intervals, pauses) and, on a
database several processes share, also needs a token of the platform's bucket
(:class:`~marketbot.storage.rate_buckets.RateBucketStore`) for each message. :class:`SharedRate`
takes the tokens a small batch at a time (a fifth of a second's worth), so a message costs no
round trip of its own; tokens held longer than :data:`KEEP` seconds are dropped unused, so a
process that stopped sending cannot spend a pile of them later in a burst beside the others.
A platform's "retry later" seen by one process pauses them all (:meth:`SharedRate.pause`: it is
recorded in the bucket, which grants nobody a token until it is over); the others stop once
they spent the tokens in hand (at most a batch each). On SQLite (one process per file) the
engine uses none: its pacer alone keeps the rate (and pauses).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from marketbot.storage.rate_buckets import RateBucketStore

__all__ = ["KEEP", "SharedRate"]

BATCH_SECONDS = 0.2
"""A batch of tokens is this many seconds of the configured rate (at least one token)."""
CAPACITY_BATCHES = 1
"""The bucket holds at most this many batches: what refills while nobody asks is kept that
long, never more (a burst of all processes together stays within it)."""
KEEP = 1.0
"""Seconds a process keeps tokens it took; older ones are dropped unused."""


class SharedRate:
    """This process's tokens of one platform's shared bucket."""

    def __init__(self, store: RateBucketStore, platform: str, rate_per_second: float) -> None:
        self._store = store
        self.platform = platform
        self.rate = rate_per_second
        self.batch = max(1, math.ceil(rate_per_second * BATCH_SECONDS))
        self.capacity = float(self.batch * CAPACITY_BATCHES)
        self._held = 0
        self._taken_at = -math.inf
        self._ask_at = -math.inf

    @property
    def held(self) -> int:
        """Tokens in hand (some may be too old to spend)."""
        return self._held

    def waiting(self, now: datetime) -> float:
        """Seconds until :meth:`acquire` would ask the bucket again, with no token in hand
        (0.0: a token may be had, or asked for, now). No round trip: checked before claiming a
        row, so a process the others outpace does not claim rows it cannot send."""
        if self._held:
            return 0.0
        return max(self._ask_at - now.timestamp(), 0.0)

    async def acquire(self, now: datetime) -> float:
        """Spend one token: 0.0 when one was taken (send now), else the seconds to wait before
        asking again (the bucket is empty: other processes are using the rate)."""
        t = now.timestamp()
        if self._held and t - self._taken_at > KEEP:
            self._held = 0
        if not self._held:
            if t < self._ask_at:
                return self._ask_at - t
            granted, wait = await self._store.take(
                self.platform, self.batch, self.rate, self.capacity, now
            )
            self._held, self._taken_at = granted, t
            if not granted:
                self._ask_at = t + wait
                return wait
        self._held -= 1
        return 0.0

    async def pause(self, now: datetime, seconds: float) -> None:
        """The platform asked to stop all sending for ``seconds``: this process's tokens are
        dropped and no process gets any before the pause is over."""
        t = now.timestamp()
        self._held = 0
        self._ask_at = max(self._ask_at, t + seconds)
        await self._store.pause(self.platform, now + timedelta(seconds=seconds))
