"""The pacer's bookkeeping: global slots, the per-chat interval and pauses."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketbot.delivery.pacing import Pacer


def test_slots_are_one_over_the_rate_apart() -> None:
    pacer = Pacer(10, 1.0)
    assert pacer.ready_at() == -math.inf
    pacer.begin(0.0, "a")
    assert pacer.ready_at() == pytest.approx(0.1)
    pacer.begin(0.1, "b")
    assert pacer.ready_at() == pytest.approx(0.2)


def test_a_slightly_late_send_keeps_the_schedule_a_late_one_starts_anew() -> None:
    pacer = Pacer(10, 1.0)
    pacer.begin(0.0, "a")
    pacer.begin(0.13, "b")  # 30 ms late: timer jitter must not lower the rate
    assert pacer.ready_at() == pytest.approx(0.2)
    pacer.begin(0.9, "c")  # after idling: no burst to catch up
    assert pacer.ready_at() == pytest.approx(1.0)


def test_a_chat_waits_for_its_previous_message_and_the_interval() -> None:
    pacer = Pacer(10, 1.0)
    assert pacer.chat_ready_at("a") == -math.inf
    pacer.begin(0.0, "a")
    assert pacer.chat_ready_at("a") == math.inf  # in flight
    assert pacer.chat_ready_at("b") == -math.inf
    pacer.end(0.3, "a")
    assert pacer.chat_ready_at("a") == pytest.approx(1.3)


def test_a_pause_holds_every_chat_and_never_shrinks() -> None:
    pacer = Pacer(10, 1.0)
    pacer.begin(0.0, "a")
    pacer.pause(0.05, 30)
    assert pacer.ready_at() == pytest.approx(30.05)
    pacer.pause(1.0, 5)  # a shorter pause asked later does not cut the first one
    assert pacer.paused_until == pytest.approx(30.05)
    pacer.begin(30.05, "b")
    assert pacer.ready_at() == pytest.approx(30.15)


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="rate"):
        Pacer(0, 1.0)
    with pytest.raises(ValueError, match="interval"):
        Pacer(10, -1)


@given(
    rate=st.sampled_from([1.0, 10.0, 25.0, 30.0]),
    delays=st.lists(st.floats(min_value=0, max_value=0.5), min_size=2, max_size=200),
)
def test_following_the_pacer_never_exceeds_one_message_over_the_rate(
    rate: float, delays: list[float]
) -> None:
    """Sends that start whenever allowed, plus any lateness: no second holds more than rate + 1,
    and with no lateness no second holds more than the rate."""
    pacer = Pacer(rate, 0.0)
    late: list[float] = []
    punctual: list[float] = []
    now = 0.0
    for delay in delays:
        now = max(now, pacer.ready_at()) + delay
        pacer.begin(now, "x")
        late.append(now)
    exact = Pacer(rate, 0.0)
    now = 0.0
    for _ in delays:
        now = max(now, exact.ready_at())
        exact.begin(now, "x")
        punctual.append(now)
    n = int(rate)
    assert all(late[i + n + 1] - late[i] >= 1 - 1e-9 for i in range(len(late) - n - 1))
    assert all(punctual[i + n] - punctual[i] >= 1 - 1e-9 for i in range(len(punctual) - n))
