"""The crash test, short: the real ``marketbot run`` killed with SIGKILL three times during a
small market morning (a secretary sets the market days and broadcasts to everyone, two vendors
register stalls, three visitors subscribe and search, the evening reminder falls due), restarted
each time; the fake Bot API's log and the database prove that nothing was lost or sent twice
and nobody is stuck (:mod:`tests.crash_market`; ``benchmarks/crash.py`` is the long version)."""

from __future__ import annotations

from pathlib import Path

from tests.crash_market import Morning, run_morning


def test_killed_three_times_nothing_lost_nothing_twice_nobody_stuck(tmp_path: Path) -> None:
    morning = Morning(vendors=2, visitors=3, kills=3, seed=14, window=1.5, deadline=25.0)
    result = run_morning(morning, tmp_path)
    assert result.problems == []
    assert (result.kills, result.lost, result.duplicated, result.stuck) == (3, 0, 0, 0)
    assert result.messages >= 40 and result.replies >= result.messages
    assert result.broadcast_rows >= 5  # everyone who used the bot
    assert result.reminder_rows == 3  # the three subscribers
