"""APScheduler jobs for the planned reminders, rebuilt from the database.

At start: send (or drop) what fell due while the bot was down (:meth:`MarketDays.catch_up`),
plan the coming days, then one date job per scheduled reminder (ids ``reminder:<id>``,
``replace_existing``), an hourly re-plan and, when given, the Monday-morning demand summary
and the nightly housekeeping. Whenever the plan changes (a schedule, a day, reminder times)
the jobs are rebuilt. The bot's clock may run ahead of the machine's (``marketbot run --now``):
jobs are placed at the machine time that corresponds to the reminder's time on the bot's clock.

Several bot processes on one database plan and send reminders one at a time: with ``leases``,
the scheduler does all of the above only while it holds the ``reminder-planner`` lease
(:class:`~marketbot.storage.leases.LeaseStore`), renewing it every :data:`LEASE_RENEW`; the
others try to take it as often, so that one of them goes on within :data:`LEASE` of a leader
killed. A short overlap of two leaders is harmless: a reminder is fired (enqueued) once.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.schedulers.base import STATE_RUNNING

from marketbot.clock import Clock
from marketbot.services.logs import event
from marketbot.services.market_days import MarketDays
from marketbot.storage.leases import LeaseStore, process_owner
from marketbot.storage.reminders import PlannedReminder

__all__ = ["ReminderScheduler"]

logger = logging.getLogger(__name__)

REPLAN_HOURS = 1
PLANNER = "reminder-planner"
"""The lease of the process that plans and fires reminders."""
LEASE = timedelta(seconds=60)
"""How long the planner's lease runs without being renewed."""
LEASE_RENEW = timedelta(seconds=20)
"""How often the leader renews its lease and the others try to take it."""
STOP_WAIT = 10.0
"""Seconds a stop waits for the jobs running to end."""
_SLICE_SECONDS = 0.01
"""How long jobs are added before the event loop gets a turn (each add costs APScheduler a
wake-up: a county's 200 at a time held the loop 35–55 ms on a busy machine)."""


class ReminderScheduler:
    def __init__(
        self,
        days: MarketDays,
        clock: Clock,
        *,
        weekly: Callable[[], Awaitable[object]] | None = None,
        daily: Callable[[], Awaitable[object]] | None = None,
        timezone: str = "Asia/Shanghai",
        leases: LeaseStore | None = None,
        owner: str | None = None,
    ) -> None:
        """``weekly`` runs every Monday at 08:00 in ``timezone`` (the demand summary),
        ``daily`` every night at 03:00 (housekeeping: pruning the outbox). With ``leases`` the
        jobs run only while this process (``owner``) holds the planner's lease."""
        self.days = days
        self.clock = clock
        self.weekly = weekly
        self.daily = daily
        self.timezone = timezone
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self._rebuilding: set[asyncio.Task[None]] = set()
        self._jobs: set[asyncio.Task[object]] = set()
        """Jobs running now."""
        self._rebuild_lock = asyncio.Lock()
        self._placed: dict[str, datetime] = {}
        """Reminder jobs placed, with the reminder time each was placed for."""
        self._leases = leases
        self._owner = owner or process_owner()
        self.leading = False
        """Whether this process plans and fires the reminders now."""

    async def start(self) -> None:
        leading = self._leases is None or await self._take()
        if leading:  # what fell due while the bot was down, and the plan, before any job runs
            await self._catch_up()
        self.scheduler.start()
        if leading:
            await self._place_jobs()
        if self._leases is not None:
            self.scheduler.add_job(
                self._job,
                "interval",
                args=[self.keep_lease],
                seconds=LEASE_RENEW.total_seconds(),
                id="lease",
                replace_existing=True,
            )

    async def _take(self) -> bool:
        assert self._leases is not None
        return await self._leases.take(PLANNER, self._owner, self.clock.now(), LEASE)

    async def keep_lease(self) -> None:
        """The leader renews its lease (and stops leading if another process took it); the
        others take it once it ran out."""
        if self._leases is None:
            return
        if not self.leading:
            if await self._take():
                event(logger, "planner.lease_taken", owner=self._owner)
                await self._lead()
            return
        if not await self._leases.renew(PLANNER, self._owner, self.clock.now(), LEASE):
            logger.warning("the reminder planner's lease went to another process")
            self._follow()

    def _follow(self) -> None:
        """Stop planning: every job but the lease's goes."""
        self.leading = False
        if self._rebuild_soon in self.days.on_replanned:
            self.days.on_replanned.remove(self._rebuild_soon)
        for job in self.scheduler.get_jobs():
            if job.id != "lease":
                job.remove()
        self._placed.clear()

    async def _lead(self) -> None:
        await self._catch_up()
        await self._place_jobs()

    async def _catch_up(self) -> None:
        self.leading = True
        await self.days.catch_up()  # first: what fell due while the bot was down
        await self.days.replan()

    async def _place_jobs(self) -> None:
        await self.rebuild()
        self.scheduler.add_job(
            self._job,
            "interval",
            args=[self.days.replan],
            hours=REPLAN_HOURS,
            id="replan",
            replace_existing=True,
        )
        self.days.on_replanned.append(self._rebuild_soon)
        if self.weekly is not None:
            self.scheduler.add_job(
                self._job,
                "cron",
                args=[self.weekly],
                day_of_week="mon",
                hour=8,
                timezone=ZoneInfo(self.timezone),
                id="weekly-demand",
                replace_existing=True,
                misfire_grace_time=6 * 3600,
            )
        if self.daily is not None:
            self.scheduler.add_job(
                self._job,
                "cron",
                args=[self.daily],
                hour=3,
                timezone=ZoneInfo(self.timezone),
                id="daily-housekeeping",
                replace_existing=True,
                misfire_grace_time=6 * 3600,
            )

    async def _job(self, run: Callable[..., Awaitable[object]], *args: object) -> None:
        """Run one job, known to :meth:`stop` until it ends."""
        task = asyncio.current_task()
        if task is not None:
            self._jobs.add(task)
        try:
            await run(*args)
        finally:
            if task is not None:
                self._jobs.discard(task)

    async def stop(self) -> None:
        """No job starts any more; the ones running (a reminder being queued) end first, for
        :data:`STOP_WAIT` seconds at most, instead of being cut off."""
        if self._rebuild_soon in self.days.on_replanned:
            self.days.on_replanned.remove(self._rebuild_soon)
        if self.scheduler.running:
            self.scheduler.pause()
            if self._jobs:
                await asyncio.wait(set(self._jobs), timeout=STOP_WAIT)
            self.scheduler.shutdown(wait=False)
        if self._leases is not None and self.leading:
            self.leading = False
            await self._leases.release(PLANNER, self._owner)

    def _rebuild_soon(self) -> None:
        task = asyncio.get_running_loop().create_task(self.rebuild())
        self._rebuilding.add(task)
        task.add_done_callback(self._rebuilding.discard)

    async def rebuild(self) -> None:
        """One date job per scheduled reminder; jobs of reminders no longer scheduled go.

        Incremental: a job already placed for the same time is left alone, so a re-plan that
        changed one market touches only its jobs; jobs are added for :data:`_SLICE_SECONDS` at
        a time, the event loop running between (thousands at a county's start), the scheduler
        paused meanwhile: one wake-up once all are placed, not one queued per job (a reminder
        falling due during the rebuild goes out when it ends)."""
        async with self._rebuild_lock:
            wanted = {f"reminder:{r.id}": r for r in await self.days.reminders.scheduled()}
            await asyncio.sleep(0)  # reading them was a step of its own
            present = {job.id for job in self.scheduler.get_jobs()}
            for job_id in present:
                if job_id.startswith("reminder:") and job_id not in wanted:
                    self.scheduler.remove_job(job_id)
                    self._placed.pop(job_id, None)
            running = self.scheduler.state == STATE_RUNNING
            if running:
                self.scheduler.pause()
            try:
                added = await self._place(wanted, present)
            finally:
                if running:
                    self.scheduler.resume()
            for job_id in set(self._placed) - set(wanted):
                del self._placed[job_id]
            logger.info("%d reminder jobs scheduled (%d placed now)", len(wanted), added)

    async def _place(self, wanted: dict[str, PlannedReminder], present: set[str]) -> int:
        """Add the jobs of ``wanted`` not already placed for their time; how many were added."""
        machine_now = datetime.now(UTC)
        ahead = self.clock.now() - machine_now
        added = 0
        slice_started = time.perf_counter()
        for job_id, reminder in wanted.items():
            if job_id in present and self._placed.get(job_id) == reminder.due_at:
                continue
            run_at = max(reminder.due_at - ahead, machine_now)
            self.scheduler.add_job(
                self._job,
                "date",
                run_date=run_at,
                args=[self.days.fire, reminder.id],
                id=job_id,
                replace_existing=True,
                misfire_grace_time=None,
            )
            self._placed[job_id] = reminder.due_at
            added += 1
            if time.perf_counter() - slice_started >= _SLICE_SECONDS:
                await asyncio.sleep(0)
                slice_started = time.perf_counter()
        return added
