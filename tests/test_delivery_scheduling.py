"""The stride scheduler that shares a platform's rate between announcements."""

from __future__ import annotations

import math
from collections import Counter

from marketbot.delivery.fairness import Schedule
from marketbot.neutral import Reply
from marketbot.storage.outbox import OutboxRow


def rows(prefix: str, n: int, first_id: int = 1) -> list[OutboxRow]:
    return [OutboxRow(first_id + i, f"{prefix}{i}", 0, None) for i in range(n)]


def always_ready(chat_id: str) -> float:
    return -math.inf


def drain(schedule: Schedule, n: int, now: float = 0.0) -> list[int]:
    order = []
    for _ in range(n):
        picked = schedule.pick(now, always_ready)
        assert isinstance(picked, tuple)
        order.append(picked[0].announcement_id)
    return order


def test_equal_weights_alternate_and_a_newcomer_gets_no_backlog_of_credit() -> None:
    schedule = Schedule()
    schedule.add(1, Reply("a"), 0, -math.inf).add_loaded(rows("a", 100), 0.0, batch=256)
    assert drain(schedule, 10) == [1] * 10
    schedule.add(2, Reply("b"), 0, -math.inf).add_loaded(rows("b", 100, 200), 0.0, batch=256)
    assert drain(schedule, 6) == [2, 1, 2, 1, 2, 1]


def test_priority_one_gets_two_shares() -> None:
    schedule = Schedule()
    schedule.add(1, Reply("a"), 0, -math.inf).add_loaded(rows("a", 100), 0.0, batch=256)
    schedule.add(2, Reply("b"), 1, -math.inf).add_loaded(rows("b", 100, 200), 0.0, batch=256)
    assert Counter(drain(schedule, 30)) == Counter({2: 20, 1: 10})
    assert schedule.share(2, 0.0) == 2 / 3


def test_a_flow_waits_for_not_before_and_busy_chats() -> None:
    schedule = Schedule()
    schedule.add(1, Reply("a"), 0, 60.0).add_loaded(rows("a", 2), 0.0, batch=256)
    assert schedule.pick(0.0, always_ready) == 60.0
    busy = {"a0": 61.5}
    picked = schedule.pick(61.0, lambda chat: busy.get(chat, -math.inf))
    assert isinstance(picked, tuple)
    assert picked[1].chat_id == "a1"  # a0 is not ready yet, a1 goes first
    assert schedule.pick(61.0, lambda chat: busy.get(chat, -math.inf)) == 61.5


def test_retries_wait_their_backoff_and_cancelled_flows_take_nothing_back() -> None:
    schedule = Schedule()
    flow = schedule.add(1, Reply("a"), 0, -math.inf)
    flow.add_loaded(rows("a", 1), 0.0, batch=256)
    picked = schedule.pick(0.0, always_ready)
    assert isinstance(picked, tuple)
    flow.put_back(picked[1], due=4.0)
    assert schedule.pick(1.0, always_ready) == 4.0
    assert isinstance(schedule.pick(4.0, always_ready), tuple)
    flow.cancel()
    flow.put_back(picked[1])
    assert not flow.queue and flow.finished()
