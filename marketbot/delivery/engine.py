"""The delivery engine: the one outbound path for reminders, broadcasts and notices.

``enqueue`` writes an announcement and one outbox row per recipient; one dispatcher task per
platform (a *lane*) drains the rows through that platform's :class:`Sender`:

- **Paced**: a global rate, one message at a time per chat with ``per_chat_interval`` between
  them, and a platform's "retry later" pauses the whole lane (:mod:`marketbot.delivery.pacing`).
  Up to ``max_in_flight`` sends overlap, so network latency does not lower the rate.
- **Fair**: announcements in a lane share it by stride scheduling, ``priority + 1`` shares each,
  so a small reminder is not stuck behind a big broadcast.
- **Crash-safe**: a row is committed as ``sending`` before the platform is called and as its
  outcome after. At start, rows left ``sending`` become ``unconfirmed`` (counted as sent, never
  resent) and pending rows are resumed, so nobody gets an announcement twice.
- **Several processes** (one PostgreSQL): a row is claimed with this engine's lease (its
  ``owner``, by default the process), renewed every third of ``lease`` while the row is sent. A
  third of a lease apart, :meth:`DeliveryEngine.keep_leases` also takes over what a killed
  process left: its rows in flight once their lease ran out (``unconfirmed``, never resent) and
  the pending rows of announcements no lane here has yet. Every second it also takes up the
  announcements with rows pending that another process started or was killed sending
  (:meth:`DeliveryEngine.take_up`), so a broadcast goes on within a second of its process
  killed. At start on PostgreSQL only such rows (and this owner's) are recovered, never a live
  process's.
- **One rate for all processes** (PostgreSQL): each message is also sent in a slot of the
  platform's rate that no other process has, reserved a run at a time after the row is claimed
  (:mod:`marketbot.delivery.shared_rate`), so the processes together keep ``rate_per_second``.
  A row is claimed up to :data:`CLAIM_AHEAD` before its time and sent at its slot (a slot
  missed by more than half a spacing is lost, so a claim's round trip must not make it late).
  On SQLite (one process per file) the lane's pacer alone keeps it.
- **Outcomes**: unreachable chats (blocked the bot) are remembered and skipped until
  :meth:`DeliveryEngine.mark_reachable`; timeouts and server errors are retried with exponential
  backoff up to ``max_attempts``, then recorded as failed with the reason.

Usage::

    engine = DeliveryEngine(db, {sender.platform: sender}, config.delivery, SystemClock(),
                            on_progress=show_progress)
    await engine.start()
    announcement = await engine.enqueue("broadcast", Reply("明天赶集"), recipients)
    ...
    await engine.stop()
"""

from __future__ import annotations

import asyncio
import functools
import logging
import math
import random
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, get_args

from marketbot.clock import Clock
from marketbot.config import DeliveryConfig
from marketbot.delivery.fairness import EPS, Flow, Schedule
from marketbot.delivery.pacing import Pacer
from marketbot.delivery.ports import (
    DeliveryError,
    Held,
    MaybeDelivered,
    RetryLater,
    Sender,
    TransientFailure,
    Unreachable,
)
from marketbot.delivery.shared_rate import HOLD, SharedRate
from marketbot.neutral import Reply
from marketbot.storage.db import Database
from marketbot.storage.outbox import (
    LEASE,
    Failure,
    Kind,
    OutboxRow,
    OutboxStore,
    Progress,
    Selection,
    StreamedPart,
)
from marketbot.storage.rate_buckets import RateBucketStore

__all__ = ["TAKE_UP_EVERY", "DeliveryEngine", "ProgressCallback", "Sleep", "backoff"]

logger = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
ProgressCallback = Callable[[int, Progress], Awaitable[None]]

_BATCH = 256
_LOW_WATER = 64
_BACKOFF_CAP = 60.0
_ERROR_PAUSE = 1.0
TAKE_UP_EVERY = 1.0
CLAIM_AHEAD = 0.2
"""Seconds before its time a row is claimed when the rate is shared (PostgreSQL): a claim waits
for this process's other transactions (replies, outcomes) and may take a while on a busy
machine. A process killed meanwhile leaves that row unconfirmed (as any row it claimed)."""
"""Seconds (real time) between two looks for announcements other processes left or started."""


def backoff(attempts: int) -> float:
    """Seconds to wait after ``attempts`` transient failures: 1, 2, 4, 8 … at most 60.

    No jitter: retries re-enter the paced queue, which spreads them anyway.
    """
    return min(2.0 ** max(attempts - 1, 0), _BACKOFF_CAP)


async def _every(seconds: float, work: Callable[[], Awaitable[object]], failure: str) -> None:
    """``work()`` every ``seconds`` (real time) until cancelled; a failure is logged with
    ``failure``, and the next round comes all the same."""
    while True:
        await asyncio.sleep(seconds)
        try:
            await work()
        except Exception:
            logger.exception(failure)


def _reason(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


@dataclass(eq=False)
class _Lane:
    """The dispatcher state of one platform."""

    platform: str
    sender: Sender
    pacer: Pacer
    slots: asyncio.Semaphore
    schedule: Schedule = field(default_factory=Schedule)
    wakeup: asyncio.Event = field(default_factory=asyncio.Event)
    in_flight: int = 0
    sends: set[asyncio.Task[None]] = field(default_factory=set)
    task: asyncio.Task[None] | None = None
    shared: SharedRate | None = None
    """The platform's rate shared with other processes (PostgreSQL); None: this pacer alone."""


class DeliveryEngine:
    """Sends announcements to many chats, paced, fairly and without duplicates (see module)."""

    def __init__(
        self,
        db: Database,
        senders: Mapping[str, Sender],
        config: DeliveryConfig,
        clock: Clock,
        *,
        sleep: Sleep = asyncio.sleep,
        on_progress: ProgressCallback | None = None,
        progress_interval: float = 3.0,
        max_in_flight: int | None = None,
        owner: str | None = None,
        lease: timedelta = LEASE,
        shared_rate: bool | None = None,
    ) -> None:
        """``senders`` maps a platform name to its sender; ``sleep`` and ``clock`` are the only
        sources of time (tests pass fakes). ``on_progress(announcement_id, progress)`` is called
        at most every ``progress_interval`` seconds per announcement while it is sending and once
        when it is done. ``max_in_flight`` bounds overlapping sends per platform (default: one
        second's worth of the rate, enough for up to a second of latency). ``owner`` names the
        engine in the rows' leases (default: the process, as the chat core's replies) and
        ``lease`` is how long a claimed row stays its own without a renewal. ``shared_rate``:
        each message is also sent in a slot of the platform's rate reserved in the database, so
        the rate holds across processes (default: on PostgreSQL, not on SQLite's one process
        per file).
        """
        if max_in_flight is not None and max_in_flight < 1:
            raise ValueError("max_in_flight must be at least 1")
        self._db = db
        self._store = OutboxStore(db, owner, lease)
        self._lease = lease
        self._keepers: list[asyncio.Task[None]] = []
        self._shared_rate = not db.dialect.one_process if shared_rate is None else shared_rate
        self._senders = dict(senders)
        self._config = config
        self._clock = clock
        self._sleep = sleep
        self._on_progress = on_progress
        self._progress_interval = progress_interval
        self._max_in_flight = max_in_flight or max(1, math.ceil(config.rate_per_second))
        self._lanes: dict[str, _Lane] = {}
        self._rng = random.Random(self._store.owner)
        self._unreachable: set[tuple[str, str]] = set()
        self._running = False
        self._aux: set[asyncio.Task[None]] = set()
        self._idle_waiters: list[asyncio.Future[None]] = []
        self._last_notified: dict[int, float] = {}
        self._notify_locks: dict[int, asyncio.Lock] = {}

    # -- public API ------------------------------------------------------------------------

    @property
    def owner(self) -> str:
        """Whose leases this engine's rows carry (by default the process)."""
        return self._store.owner

    async def start(self) -> None:
        """Recover from a previous run, then start one dispatcher per platform.

        Rows left ``sending`` become ``unconfirmed``; pending rows are resumed; announcements
        that ended while the process was down get their final progress callback; rows of long
        finished announcements are pruned.
        """
        if self._running:
            return
        await self.prune()
        recovered = await self._store.recover(self._clock.now(), at_start=True)
        if recovered:
            logger.warning("%d message(s) were in flight at the last stop: unconfirmed", recovered)
        self._unreachable = await self._store.unreachable_chats()
        self._lanes = {
            platform: _Lane(
                platform,
                sender,
                Pacer(self._config.rate_per_second, self._config.per_chat_interval),
                asyncio.Semaphore(self._max_in_flight),
                shared=self._shared(platform),
            )
            for platform, sender in self._senders.items()
        }
        self._running = True  # from here on, enqueue adds flows itself
        await self._adopt_left(warn=True)
        for lane in self._lanes.values():
            lane.task = asyncio.create_task(self._run_lane(lane), name=f"delivery:{lane.platform}")
        # in real time: a lease is real time for the other processes too
        leasing = _every(
            self._lease.total_seconds() / 3,
            self.keep_leases,
            "could not renew or take over outbox leases",
        )
        self._keepers = [asyncio.create_task(leasing, name="delivery:leases")]
        if not self._db.dialect.one_process:  # a broadcast whose process died goes on at once
            taking_up = _every(
                TAKE_UP_EVERY, self.take_up, "could not look for announcements to take up"
            )
            self._keepers.append(asyncio.create_task(taking_up, name="delivery:take-up"))

    async def _adopt_left(self, *, warn: bool) -> None:
        """Flows for the announcements with pending rows that no lane has; the final callback
        for those that ended meanwhile."""
        for announcement_id, platform in await self._store.active():
            lane = self._lanes.get(platform)
            if lane is None:
                if warn:
                    logger.warning(
                        "announcement %d has rows for %s, which has no sender; they wait",
                        announcement_id,
                        platform,
                    )
                continue
            if announcement_id not in lane.schedule.flows:
                await self._add_flow(lane, announcement_id, taken_up=True)
                lane.wakeup.set()
        for announcement_id in await self._store.unfinished():
            if not any(announcement_id in lane.schedule.flows for lane in self._lanes.values()):
                self._spawn(self._finish(announcement_id))

    async def keep_leases(self) -> int:
        """Renew the leases of the rows this engine is sending; take over what a stopped
        process left (rows whose lease ran out become ``unconfirmed``; pending announcements no
        lane has are adopted). Returns how many rows were taken over."""
        now = self._clock.now()
        await self._store.renew(now)
        taken = await self._store.recover(now)
        if taken:
            logger.warning(
                "took over %d message(s) in flight in a stopped process",
                taken,
                extra={"event": "outbox.taken_over", "rows": taken},
            )
        if self._running:
            await self._adopt_left(warn=False)
        return taken

    async def take_up(self) -> None:
        """Start sending the announcements another process started, or was killed sending,
        that have rows pending for a platform here (an index probe per unfinished
        announcement)."""
        for lane in list(self._lanes.values()):
            for announcement_id in await self._store.pending_for(lane.platform):
                if announcement_id not in lane.schedule.flows:
                    await self._add_flow(lane, announcement_id, taken_up=True)
                    lane.wakeup.set()

    async def prune(self) -> int:
        """Forget the rows of announcements finished more than ``keep_days`` ago (run at start
        and daily); returns how many rows went."""
        cutoff = self._clock.now() - timedelta(days=self._config.keep_days)
        pruned = await self._store.prune(cutoff)
        if pruned:
            logger.info("pruned %d delivered outbox rows older than %s", pruned, cutoff)
        return pruned

    async def stop(self, grace: float = 10.0) -> None:
        """Stop dispatching and wait up to ``grace`` seconds for sends in flight.

        Sends still running then are cancelled; their rows stay ``sending`` and are reported
        ``unconfirmed`` at the next start (never resent).
        """
        if not self._running:
            return
        self._running = False
        tasks = [lane.task for lane in self._lanes.values() if lane.task is not None]
        tasks += self._keepers
        self._keepers = []
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        sends = [task for lane in self._lanes.values() for task in lane.sends]
        if sends:
            _, late = await asyncio.wait(sends, timeout=grace)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        aux = list(self._aux)
        for task in aux:
            task.cancel()
        await asyncio.gather(*aux, return_exceptions=True)
        self._lanes = {}
        self._check_idle()

    async def enqueue(
        self,
        kind: Kind,
        reply: Reply,
        recipients: Iterable[tuple[str, str]],
        *,
        key: str | None = None,
        priority: int = 0,
        not_before: datetime | None = None,
        meaning: Mapping[str, object] | None = None,
    ) -> int:
        """Queue ``reply`` for each ``(platform, chat_id)``; returns the announcement id.

        ``meaning`` is stored beside the rendered reply (what it is about: ``{"notice":
        "approved", "stall": 3}``) for platforms that choose a channel by it.

        Inside a transaction (a chat turn) the rows are written with it and sending starts once
        it commits; a rollback leaves nothing queued.

        Recipients are deduplicated. With a ``key`` used before, nothing new is created and the
        first announcement's id is returned (how "each reminder at most once" is kept). Chats
        known unreachable are recorded as unreachable without sending; platforms without a
        sender as failed. ``priority`` ≥ 0 gives ``priority + 1`` shares of the rate;
        ``not_before`` (aware) delays the start.
        """
        if kind not in get_args(Kind):
            raise ValueError(f"unknown announcement kind {kind!r}")
        if priority < 0:
            raise ValueError("priority must not be negative")
        if not_before is not None and not_before.tzinfo is None:
            raise ValueError("not_before must be an aware datetime")
        unique = list(dict.fromkeys((str(platform), str(chat)) for platform, chat in recipients))
        announcement_id, created = await self._store.create(
            kind=kind,
            reply=reply,
            recipients=unique,
            key=key,
            priority=priority,
            not_before=not_before,
            platforms=self._senders,
            now=self._clock.now(),
            meaning=meaning,
        )
        if not created:
            return announcement_id

        async def start_sending() -> None:
            await self.adopt(announcement_id, {p for p, _ in unique})

        # Queued inside a chat turn, its rows exist only once the turn commits.
        await self._db.after_commit(start_sending)
        return announcement_id

    async def enqueue_streamed(
        self,
        kind: Kind,
        parts: Sequence[StreamedPart],
        selection: Selection,
        *,
        total: int,
        priority: int = 0,
        not_before: datetime | None = None,
        meaning: Mapping[str, object] | None = None,
    ) -> list[int]:
        """:meth:`enqueue` for an audience the database selects (a broadcast to a million):
        one announcement per part (a language, on some platforms), its rows streamed into the
        outbox in chunks (:meth:`OutboxStore.create_streamed`), never listed in Python;
        ``total`` is how many people the selection has (a small audience is one statement).
        Returns the announcement ids, in the order of ``parts``."""
        if priority < 0:
            raise ValueError("priority must not be negative")
        if not_before is not None and not_before.tzinfo is None:
            raise ValueError("not_before must be an aware datetime")
        made = await self._store.create_streamed(
            kind=kind,
            parts=parts,
            selection=selection,
            priority=priority,
            not_before=not_before,
            platforms=self._senders,
            now=self._clock.now(),
            total=total,
            meaning=meaning,
        )
        for (announcement_id, created), part in zip(made, parts, strict=True):
            if created:  # its rows exist once the turn commits
                await self._db.after_commit(
                    functools.partial(self.adopt, announcement_id, set(part.platforms))
                )
        return [announcement_id for announcement_id, _ in made]

    async def adopt(self, announcement_id: int, platforms: Iterable[str]) -> None:
        """Start sending the pending rows of an announcement written elsewhere (a reply its
        platform could not send: the engine retries it)."""
        if not self._running:
            return
        lanes = [self._lanes[p] for p in sorted(set(platforms)) if p in self._lanes]
        for lane in lanes:
            await self._add_flow(lane, announcement_id)
            lane.wakeup.set()
        if not lanes:
            self._spawn(self._finish(announcement_id))

    async def progress(self, announcement_id: int) -> Progress:
        """Counts of the announcement's rows and an estimate of the time left."""
        announcement = await self._store.announcement(announcement_id)
        if announcement is None:
            raise KeyError(announcement_id)
        counts = await self._store.counts(announcement_id)

        def total(*states: str) -> int:
            return sum(n for (_, state), n in counts.items() if state in states)

        active: dict[str, int] = {}
        for (platform, state), n in counts.items():
            if state in ("pending", "sending"):
                active[platform] = active.get(platform, 0) + n
        now = self._now()
        start_in = 0.0
        if announcement.not_before is not None:
            start_in = max(announcement.not_before.timestamp() - now, 0.0)
        eta = max(
            (self._lane_eta(platform, announcement_id, n, now) for platform, n in active.items()),
            default=0.0,
        )
        pending = total("pending", "sending")
        return Progress(
            announcement_id=announcement_id,
            total=sum(counts.values()),
            sent=total("sent"),
            unconfirmed=total("unconfirmed"),
            unreachable=total("unreachable"),
            failed=total("failed"),
            held=total("held"),
            pending=pending,
            cancelled=total("cancelled"),
            eta_seconds=(start_in + eta) if pending else 0.0,
            done=pending == 0,
            was_cancelled=announcement.cancelled_at is not None,
        )

    async def problems(self, announcement_id: int) -> list[Failure]:
        """Recipients not confirmed delivered (failed, unreachable, unconfirmed), with reasons."""
        return await self._store.problems(announcement_id)

    async def cancel(self, announcement_id: int) -> None:
        """Pending rows become ``cancelled``; sends in flight finish. Final callback follows."""
        await self._store.cancel(announcement_id, self._clock.now())
        loaded = False
        for lane in self._lanes.values():
            flow = lane.schedule.flows.get(announcement_id)
            if flow is not None:
                loaded = True
                flow.cancel()
                lane.wakeup.set()
        if self._running and not loaded:
            self._spawn(self._finish(announcement_id))

    async def mark_reachable(self, platform: str, chat_id: str) -> None:
        """The person wrote to the bot again: later announcements reach them again.

        Cheap for people who were reachable: while running, the engine's copy of the unreachable
        table answers without a write.
        """
        chat = (platform, chat_id)
        if self._running and chat not in self._unreachable:
            return
        await self._store.set_reachable(platform, chat_id)
        self._unreachable.discard(chat)

    async def wait_idle(self) -> None:
        """Wait until nothing is queued or in flight (returns at once when not started)."""
        if self._idle():
            return
        waiter = asyncio.get_running_loop().create_future()
        self._idle_waiters.append(waiter)
        await waiter

    # -- time ----------------------------------------------------------------------------------

    def _shared(self, platform: str) -> SharedRate | None:
        if not self._shared_rate:
            return None
        return SharedRate(RateBucketStore(self._db), platform, self._config.rate_per_second)

    def _now(self) -> float:
        return self._clock.now().timestamp()

    @staticmethod
    def _at(seconds: float) -> datetime:
        return datetime.fromtimestamp(seconds, UTC)

    # -- flows -----------------------------------------------------------------------------

    async def _add_flow(
        self, lane: _Lane, announcement_id: int, *, taken_up: bool = False
    ) -> None:
        """A flow for the announcement's pending rows on the lane. ``taken_up``: other processes
        may be sending it (PostgreSQL); this one starts at a random point of its pending rows
        (going up, then on from the first), not where they are claiming one after the other."""
        announcement = await self._store.announcement(announcement_id)
        if announcement is None:
            return
        not_before = announcement.not_before
        flow = lane.schedule.add(
            announcement_id,
            announcement.reply,
            announcement.priority,
            -math.inf if not_before is None else not_before.timestamp(),
        )
        if announcement.cancelled_at is not None:
            flow.cancel()
        if taken_up and not self._db.dialect.one_process:
            flow.cursor = await self._store.split_point(
                announcement_id, lane.platform, self._rng.random()
            )
            flow.wrap = flow.cursor > 0
        self._last_notified.setdefault(announcement_id, self._now())

    async def _refill(self, lane: _Lane, now: float) -> None:
        for flow in list(lane.schedule.flows.values()):
            if flow.cancelled or flow.exhausted or len(flow.queue) >= _LOW_WATER:
                continue
            rows = await self._store.pending_rows(
                flow.announcement_id, lane.platform, flow.cursor, _BATCH
            )
            if not flow.cancelled:
                flow.add_loaded(rows, now, batch=_BATCH)

    def _retire(self, lane: _Lane, flow: Flow) -> None:
        flows = lane.schedule.flows
        if flows.get(flow.announcement_id) is flow and flow.finished():
            del flows[flow.announcement_id]
            if self._running:
                self._spawn(self._finish(flow.announcement_id))

    def _chat_ready_at(self, lane: _Lane) -> Callable[[str], float]:
        def ready_at(chat_id: str) -> float:
            if (lane.platform, chat_id) in self._unreachable:
                return -math.inf  # skipped without sending
            return lane.pacer.chat_ready_at(chat_id)

        return ready_at

    # -- the dispatcher ------------------------------------------------------------------------

    async def _run_lane(self, lane: _Lane) -> None:
        while True:
            await lane.slots.acquire()
            try:
                flow, row = await self._next_send(lane)
            except asyncio.CancelledError:
                lane.slots.release()
                raise
            except Exception:
                lane.slots.release()
                logger.exception("delivery dispatcher for %s failed; retrying", lane.platform)
                await self._sleep(_ERROR_PAUSE)
                continue
            task = asyncio.create_task(self._deliver(lane, flow, row))
            lane.sends.add(task)
            task.add_done_callback(lane.sends.discard)

    async def _next_send(self, lane: _Lane) -> tuple[Flow, OutboxRow]:
        """Wait for the pacer and a ready row, claim it (committed ``sending``) and return it."""
        while True:
            lane.wakeup.clear()
            now = self._now()
            # sharing the rate, a row is claimed a little ahead of the pacer's time (the claim
            # is a round trip), so that the message goes at its slot
            ahead = CLAIM_AHEAD if lane.shared is not None else 0.0
            wait = lane.pacer.ready_at() - now
            if wait > ahead + EPS:
                await self._sleep(wait - ahead)
                continue
            await self._refill(lane, now)
            for flow in list(lane.schedule.flows.values()):
                self._retire(lane, flow)
            picked = lane.schedule.pick(now, self._chat_ready_at(lane))
            if not isinstance(picked, tuple):
                self._check_idle()
                await self._wait(lane, picked - now)
                continue
            flow, row = picked
            flow.in_flight += 1  # held: the flow is not finished while its row is in hand
            claimed = False
            try:
                if (lane.platform, row.chat_id) in self._unreachable:
                    await self._store.skip_unreachable(row.id, self._clock.now())
                    continue
                if (
                    lane.shared is not None
                    and (wait := lane.shared.waiting(self._clock.now())) > HOLD
                ):
                    flow.put_back(row)  # other processes hold the rate's slots for a while
                    await self._wait(lane, wait)
                    continue
                if not await self._store.claim(row.id, self._clock.now()):
                    continue  # cancelled meanwhile
                wait = lane.pacer.ready_at() - self._now()
                if EPS < wait <= ahead + EPS:  # claimed ahead: the pacer's time, row in hand
                    await self._sleep(wait)
                    wait = lane.pacer.ready_at() - self._now()
                if wait <= EPS and lane.shared is not None:
                    # a slot of the shared rate, used for a row claimed (never for one another
                    # process claimed first)
                    wait = await self._shared_slot(lane.shared)
                now = self._now()
                if wait > EPS:
                    # A "retry later" arrived while claiming, or the shared rate's next slot is
                    # later (other processes hold the slots until then): put the row back, wait.
                    await self._store.requeue(
                        row.id,
                        self._clock.now(),
                        attempts=row.attempts,
                        next_attempt_at=None,
                        error=None,
                    )
                    flow.put_back(row)
                    await self._wait(lane, wait)
                    continue
                lane.pacer.begin(now, row.chat_id)
                lane.in_flight += 1
                claimed = True
                return flow, row
            finally:
                if not claimed:
                    flow.in_flight -= 1

    async def _shared_slot(self, shared: SharedRate) -> float:
        """Use the next slot of the shared rate: 0.0 once it is due, waited for with the row
        claimed when it is at most :data:`HOLD` away (so the message goes at its slot, not a
        claim's round trip later); else the seconds until it."""
        while (wait := await shared.acquire(self._clock.now())) > EPS and wait <= HOLD:
            await self._sleep(wait)
        return wait

    async def _wait(self, lane: _Lane, delay: float) -> None:
        """Sleep ``delay`` seconds (forever when infinite) or until the lane is woken."""
        if lane.wakeup.is_set():
            return
        if math.isinf(delay):
            await lane.wakeup.wait()
            return
        sleeper = asyncio.ensure_future(self._sleep(max(delay, EPS)))
        waker = asyncio.ensure_future(lane.wakeup.wait())
        try:
            await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeper.cancel()
            waker.cancel()

    async def _deliver(self, lane: _Lane, flow: Flow, row: OutboxRow) -> None:
        """Send one claimed row and record its outcome."""
        tries = row.attempts + 1
        try:
            await self._attempt(lane, flow, row, tries)
        except Exception:
            # The outcome could not be written: the row stays ``sending`` and is reported
            # unconfirmed at the next start.
            logger.exception("could not record the outcome of outbox row %d", row.id)
        finally:
            lane.pacer.end(self._now(), row.chat_id)
            flow.in_flight -= 1
            lane.in_flight -= 1
            lane.slots.release()
            lane.wakeup.set()
            self._retire(lane, flow)
            if self._running and lane.schedule.flows.get(flow.announcement_id) is flow:
                self._maybe_notify(flow.announcement_id)
            self._check_idle()

    async def _attempt(self, lane: _Lane, flow: Flow, row: OutboxRow, tries: int) -> None:
        store = self._store
        try:
            await lane.sender.send(row.chat_id, flow.reply)
        except RetryLater as exc:
            lane.pacer.pause(self._now(), exc.seconds)
            logger.warning(
                "%s asks to pause all sending for %.1f s",
                lane.platform,
                exc.seconds,
                extra={
                    "event": "rate.limited",
                    "platform": lane.platform,
                    "retry_after": exc.seconds,
                },
            )
            await store.requeue(
                row.id, self._clock.now(), attempts=row.attempts, next_attempt_at=None, error=None
            )
            flow.put_back(row)
            if lane.shared is not None:  # the platform's limit is the bot's: pause every process
                await lane.shared.pause(self._clock.now(), exc.seconds)
        except Unreachable as exc:
            self._unreachable.add((lane.platform, row.chat_id))
            await store.mark_unreachable(
                row.id, lane.platform, row.chat_id, _reason(exc), self._clock.now(), tries
            )
        except TransientFailure as exc:
            if tries >= self._config.max_attempts:
                await store.settle(
                    row.id, "failed", self._clock.now(), attempts=tries, error=_reason(exc)
                )
                return
            due = self._now() + backoff(tries)
            await store.requeue(
                row.id,
                self._clock.now(),
                attempts=tries,
                next_attempt_at=self._at(due),
                error=_reason(exc),
            )
            flow.put_back(replace(row, attempts=tries), due)
        except Held as exc:
            await store.settle(
                row.id, "held", self._clock.now(), attempts=tries, error=_reason(exc)
            )
        except MaybeDelivered as exc:
            await store.settle(
                row.id, "unconfirmed", self._clock.now(), attempts=tries, error=_reason(exc)
            )
        except DeliveryError as exc:
            await store.settle(
                row.id, "failed", self._clock.now(), attempts=tries, error=_reason(exc)
            )
        except Exception as exc:
            logger.exception(
                "sending to %s chat %s failed unexpectedly", lane.platform, row.chat_id
            )
            await store.settle(
                row.id, "failed", self._clock.now(), attempts=tries, error=_reason(exc)
            )
        else:
            await store.settle(row.id, "sent", self._clock.now(), attempts=tries)

    # -- completion, progress callbacks, idleness ------------------------------------------

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coro)
        self._aux.add(task)

        def done(finished: asyncio.Task[None]) -> None:
            self._aux.discard(finished)
            self._check_idle()

        task.add_done_callback(done)

    async def _finish(self, announcement_id: int) -> None:
        try:
            if await self._store.finish(announcement_id, self._clock.now()):
                await self._notify(announcement_id, final=True)
        except Exception:
            logger.exception("could not finish announcement %d", announcement_id)

    def _maybe_notify(self, announcement_id: int) -> None:
        if self._on_progress is None:
            return
        now = self._now()
        if now - self._last_notified.get(announcement_id, -math.inf) >= self._progress_interval:
            self._last_notified[announcement_id] = now
            self._spawn(self._notify(announcement_id, final=False))

    async def _notify(self, announcement_id: int, *, final: bool) -> None:
        """Call ``on_progress``; intermediate calls never overtake the final one."""
        if self._on_progress is None:
            return
        lock = self._notify_locks.setdefault(announcement_id, asyncio.Lock())
        if not final and lock.locked():
            return
        try:
            async with lock:
                progress = await self.progress(announcement_id)
                if progress.done and not final:
                    return  # the final call reports it
                await self._on_progress(announcement_id, progress)
        except Exception:
            logger.exception("progress callback for announcement %d failed", announcement_id)
        finally:
            if final:
                self._notify_locks.pop(announcement_id, None)
                self._last_notified.pop(announcement_id, None)

    def _lane_eta(self, platform: str, announcement_id: int, active: int, now: float) -> float:
        """Seconds to send ``active`` rows at this announcement's share of the lane's rate."""
        lane = self._lanes.get(platform)
        if lane is None:
            return active / self._config.rate_per_second
        rate = lane.pacer.rate_per_second * lane.schedule.share(announcement_id, now)
        return max(lane.pacer.paused_until - now, 0.0) + active / rate

    def _idle(self) -> bool:
        if not self._running:
            return True
        busy = any(lane.schedule.flows or lane.in_flight for lane in self._lanes.values())
        return not busy and not self._aux

    def _check_idle(self) -> None:
        if self._idle_waiters and self._idle():
            waiters, self._idle_waiters = self._idle_waiters, []
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_result(None)
