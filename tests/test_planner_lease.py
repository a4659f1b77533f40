"""Several bot processes on one database: one plans and fires the reminders (it holds the
planner's lease), the others wait; when the leader is killed another takes over after the
lease ran out, and a leader whose lease was taken stops."""

from __future__ import annotations

from marketbot.app import App
from marketbot.clock import FixedClock
from marketbot.services.jobs import LEASE, ReminderScheduler
from marketbot.storage.leases import LeaseStore
from tests.test_reminders import EVENING, _setup


def _reminder_jobs(scheduler: ReminderScheduler) -> set[str]:
    return {j.id for j in scheduler.scheduler.get_jobs() if j.id.startswith("reminder:")}


async def _two_started(app: App, clock: FixedClock) -> tuple[ReminderScheduler, ReminderScheduler]:
    """Two processes' schedulers on the app's database, started in turn."""
    clock.set(EVENING - LEASE * 60)
    await _setup(app, clock)
    days, leases = app.core.services.days, LeaseStore(app.db)
    first = ReminderScheduler(days, clock, leases=leases, owner="host:1:a")
    second = ReminderScheduler(days, clock, leases=leases, owner="host:2:b")
    await first.start()
    await second.start()
    return first, second


async def test_one_process_plans_and_another_takes_over(app: App, clock: FixedClock) -> None:
    first, second = await _two_started(app, clock)
    try:
        assert first.leading and _reminder_jobs(first)
        assert not second.leading and _reminder_jobs(second) == set()
        await second.keep_lease()  # the leader's lease runs: nothing changes
        assert not second.leading

        clock.advance(LEASE * 2)  # the leader was killed: nobody renewed
        await second.keep_lease()
        assert second.leading and _reminder_jobs(second)

        await first.keep_lease()  # the old leader comes back: its lease is gone
        assert not first.leading and _reminder_jobs(first) == set()
    finally:
        await first.stop()
        await second.stop()


async def test_a_stopping_leader_hands_over_at_once(app: App, clock: FixedClock) -> None:
    first, second = await _two_started(app, clock)
    try:
        await first.stop()
        await second.keep_lease()
        assert second.leading
    finally:
        await second.stop()
