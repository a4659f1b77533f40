"""A platform's rate limit shared with other bot processes on one PostgreSQL database.

Telegram's ~30 messages a second are per bot, not per process. Each process's lane keeps its
own :class:`~marketbot.delivery.pacing.Pacer` (spacing, per-chat intervals, pauses) and, on a
database several processes share, also needs a sending slot of the platform
(:class:`~marketbot.storage.rate_buckets.RateBucketStore`: slots ``1 / rate`` apart, each given
to one process) for each message, sent no earlier than its slot. :class:`SharedRate` reserves
the slots a run at a time (a fifth of a second's worth), so a message costs no round trip of
its own. A slot at most :data:`HOLD` seconds away is waited for with the row already claimed,
so the message goes at its slot and not a round trip later; a slot not used within half a
spacing of its time is dropped, so a process that fell behind does not send a late run of
messages beside the others' punctual ones. Over any stretch the processes together send at
most the rate, plus one message (the slot a stretch may begin inside).

A platform's "retry later" seen by one process pauses them all (:meth:`SharedRate.pause`: the
next free slot moves to the end of the pause); the others stop once they used the slots in hand
(at most a run each). On SQLite (one process per file) the engine uses none: its pacer alone
keeps the rate (and pauses).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from marketbot.delivery.fairness import EPS
from marketbot.storage.rate_buckets import RateBucketStore

__all__ = ["HOLD", "SharedRate"]

BATCH_SECONDS = 0.2
"""A reservation is this many seconds of the configured rate (at least one slot)."""
HOLD = 0.5
"""Seconds a process waits for its next slot with a row claimed (longer: the row goes back)."""


class SharedRate:
    """This process's slots of one platform's shared rate."""

    def __init__(self, store: RateBucketStore, platform: str, rate_per_second: float) -> None:
        self._store = store
        self.platform = platform
        self.rate = rate_per_second
        self.spacing = 1.0 / rate_per_second
        self.batch = max(1, math.ceil(rate_per_second * BATCH_SECONDS))
        self._next = -math.inf
        self._left = 0

    @property
    def held(self) -> int:
        """Slots in hand (some may be too late to use)."""
        return self._left

    def _drop_late(self, t: float) -> None:
        slack = self.spacing / 2
        if self._left and t - self._next > slack:
            late = math.ceil((t - slack - self._next) / self.spacing - EPS)
            dropped = min(self._left, late)
            self._left -= dropped
            self._next += dropped * self.spacing

    def waiting(self, now: datetime) -> float:
        """Seconds until the next slot in hand (0.0: it is due, or none is in hand and
        :meth:`acquire` will reserve). No round trip: checked before claiming a row, so a
        process does not claim a row it cannot send yet."""
        t = now.timestamp()
        self._drop_late(t)
        return max(self._next - t, 0.0) if self._left else 0.0

    async def acquire(self, now: datetime) -> float:
        """Use the next slot: 0.0 when it is due (send now), else the seconds until it is
        (reserving a run of slots when none is in hand; other processes or a pause may hold
        the slots until then)."""
        t = now.timestamp()
        self._drop_late(t)
        if not self._left:
            start = await self._store.reserve(self.platform, self.batch, self.rate, now)
            self._next, self._left = start.timestamp(), self.batch
        wait = self._next - t
        if wait > EPS:
            return wait
        self._next += self.spacing
        self._left -= 1
        return 0.0

    async def pause(self, now: datetime, seconds: float) -> None:
        """The platform asked to stop all sending for ``seconds``: this process's slots are
        dropped and no process gets one before the pause is over."""
        self._left = 0
        await self._store.pause(self.platform, now + timedelta(seconds=seconds))
