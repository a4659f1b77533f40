"""Pacing for one platform: a global rate, spacing per chat, and pauses the platform asks for.

:class:`Pacer` is bookkeeping over float seconds and never sleeps itself: the engine asks when it
may send (:meth:`Pacer.ready_at`, :meth:`Pacer.chat_ready_at`), waits with its own (injectable)
sleep, and reports what it did (:meth:`Pacer.begin`, :meth:`Pacer.end`, :meth:`Pacer.pause`). Tests
drive it with a fake clock.

The global rate is a schedule of slots ``1 / rate`` apart. A send that starts a little late (timer
jitter, a database write) keeps the schedule, so jitter does not lower the achieved rate; one that
starts later than half a slot (after idling or a pause) starts a new schedule from its own time.
"""

from __future__ import annotations

import math

__all__ = ["Pacer"]

_PRUNE_ABOVE = 1024


class Pacer:
    """When the next message may go out, overall and to each chat."""

    def __init__(self, rate_per_second: float, per_chat_interval: float) -> None:
        if rate_per_second <= 0:
            raise ValueError("rate_per_second must be positive")
        if per_chat_interval < 0:
            raise ValueError("per_chat_interval must not be negative")
        self.rate_per_second = rate_per_second
        self.spacing = 1.0 / rate_per_second
        self.per_chat_interval = per_chat_interval
        self._next_slot = -math.inf
        self._paused_until = -math.inf
        self._busy: dict[str, int] = {}
        self._last_end: dict[str, float] = {}

    @property
    def paused_until(self) -> float:
        """End of the current pause (``-inf`` when none was asked for)."""
        return self._paused_until

    def ready_at(self) -> float:
        """Earliest time the next message may start, to any chat."""
        return max(self._next_slot, self._paused_until)

    def chat_ready_at(self, chat_id: str) -> float:
        """Earliest time a message may start to ``chat_id``; ``inf`` while one is in flight.

        The interval counts from the end of the previous send, so it holds where the platform
        receives the messages too, whatever the network latency.
        """
        if chat_id in self._busy:
            return math.inf
        last = self._last_end.get(chat_id)
        return -math.inf if last is None else last + self.per_chat_interval

    def begin(self, now: float, chat_id: str) -> None:
        """A message to ``chat_id`` starts at ``now`` (which must be ≥ :meth:`ready_at`)."""
        late = now - self._next_slot
        base = self._next_slot if late <= self.spacing / 2 else now
        self._next_slot = base + self.spacing
        self._busy[chat_id] = self._busy.get(chat_id, 0) + 1

    def end(self, now: float, chat_id: str) -> None:
        """The message to ``chat_id`` begun earlier has finished (whatever the outcome)."""
        left = self._busy.get(chat_id, 0) - 1
        if left > 0:
            self._busy[chat_id] = left
        else:
            self._busy.pop(chat_id, None)
        self._last_end[chat_id] = now
        if len(self._last_end) > _PRUNE_ABOVE:
            cutoff = now - self.per_chat_interval
            self._last_end = {c: t for c, t in self._last_end.items() if t > cutoff}

    def pause(self, now: float, seconds: float) -> None:
        """The platform asked to stop all sending for ``seconds`` from ``now``."""
        self._paused_until = max(self._paused_until, now + max(seconds, 0.0))
