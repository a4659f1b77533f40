"""Which row goes next on one platform: fair shares between the announcements in flight.

A :class:`Flow` is one announcement's rows on one platform, partly loaded in memory: ``queue`` in
outbox order, ``later`` for rows waiting out a retry backoff. A :class:`Schedule` picks among the
flows by stride scheduling: each flow has a pass value that grows by ``1 / weight`` per message,
the eligible flow with the lowest pass goes next, and a flow that was waiting (``not_before``,
backoff) rejoins at the current virtual time, without credit for the time it waited. So two
announcements of equal weight alternate, and a reminder enqueued behind a big broadcast starts at
once with half of the rate. No I/O here: the engine loads rows and records outcomes.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from marketbot.neutral import Reply
from marketbot.storage.outbox import OutboxRow

__all__ = ["EPS", "Flow", "Schedule"]

EPS = 1e-6
"""Seconds treated as "now" (clock values are datetimes with microsecond resolution)."""


@dataclass(eq=False)
class Flow:
    """One announcement's rows for one platform.

    ``in_flight`` counts rows taken out of the flow and not settled yet: the flow is not finished
    while one is in hand.
    """

    announcement_id: int
    reply: Reply
    weight: int
    not_before: float
    pass_value: float = 0.0
    queue: deque[OutboxRow] = field(default_factory=deque)
    later: list[tuple[float, OutboxRow]] = field(default_factory=list)
    cursor: int = 0
    exhausted: bool = False
    wrap: bool = False
    """Started part-way (taking up what other processes send): after the last row, go on from
    the first (once)."""
    in_flight: int = 0
    cancelled: bool = False

    def finished(self) -> bool:
        idle = self.cancelled or (self.exhausted and not self.queue and not self.later)
        return idle and self.in_flight == 0

    def add_loaded(self, rows: list[OutboxRow], now: float, *, batch: int) -> None:
        """Rows read from the outbox after ``cursor`` (at most ``batch`` of them)."""
        for row in rows:
            due = None if row.next_attempt_at is None else row.next_attempt_at.timestamp()
            if due is not None and due > now:
                self.later.append((due, row))
            else:
                self.queue.append(row)
        if rows:
            self.cursor = rows[-1].id
        self.exhausted = len(rows) < batch
        if self.exhausted and self.wrap:
            self.cursor, self.exhausted, self.wrap = 0, False, False

    def put_back(self, row: OutboxRow, due: float | None = None) -> None:
        """A row to try again: first in line, or after ``due`` (a backoff)."""
        if self.cancelled:
            return
        if due is None:
            self.queue.appendleft(row)
        else:
            self.later.append((due, row))

    def cancel(self) -> None:
        self.cancelled = True
        self.queue.clear()
        self.later.clear()

    def take_ready(
        self, now: float, chat_ready_at: Callable[[str], float]
    ) -> tuple[OutboxRow | None, float]:
        """The first row that may go now (retries first), else None and when one may."""
        due = math.inf
        for index, (when, row) in enumerate(self.later):
            if when > now + EPS:
                due = min(due, when)
                continue
            ready = chat_ready_at(row.chat_id)
            if ready <= now + EPS:
                del self.later[index]
                return row, due
            due = min(due, ready)
        for index, row in enumerate(self.queue):
            ready = chat_ready_at(row.chat_id)
            if ready <= now + EPS:
                del self.queue[index]
                return row, due
            due = min(due, ready)
        return None, due


class Schedule:
    """The flows of one platform and the stride scheduler that picks among them."""

    def __init__(self) -> None:
        self.flows: dict[int, Flow] = {}
        self._vtime = 0.0

    def add(self, announcement_id: int, reply: Reply, priority: int, not_before: float) -> Flow:
        """A new flow (or the existing one) joining at the current virtual time."""
        flow = self.flows.get(announcement_id)
        if flow is None:
            flow = Flow(announcement_id, reply, priority + 1, not_before, self._vtime)
            self.flows[announcement_id] = flow
        return flow

    def pick(
        self, now: float, chat_ready_at: Callable[[str], float]
    ) -> tuple[Flow, OutboxRow] | float:
        """The next row to send, or the earliest time one may become ready (``inf``: none)."""
        next_due = math.inf
        eligible: list[Flow] = []
        for flow in self.flows.values():
            if flow.cancelled:
                continue
            if flow.not_before > now + EPS:
                next_due = min(next_due, flow.not_before)
                continue
            flow.pass_value = max(flow.pass_value, self._vtime)
            eligible.append(flow)
        eligible.sort(key=lambda f: (f.pass_value, f.announcement_id))
        for flow in eligible:
            row, due = flow.take_ready(now, chat_ready_at)
            if row is not None:
                self._vtime = flow.pass_value
                flow.pass_value += 1.0 / flow.weight
                return flow, row
            next_due = min(next_due, due)
        return next_due

    def share(self, announcement_id: int, now: float) -> float:
        """The fraction of the rate the announcement gets now (1.0 when it is not loaded)."""
        flow = self.flows.get(announcement_id)
        own = flow.weight if flow is not None else 1
        others = sum(
            f.weight
            for f in self.flows.values()
            if f is not flow and not f.cancelled and f.not_before <= now + EPS
        )
        return own / (own + others)
