"""Announcements by secretaries and vendors: their rows, who they go to, when, and what the author
sees while they are sent.

- The rows are :class:`marketbot.storage.broadcasts.BroadcastStore`'s.
- :func:`audience_of` turns an audience code into an :class:`Audience` the database selects,
  :func:`audience_count` counts it by SQL; :func:`parse_send_time` reads a
  time such as ``18:30``, ``明天 8:00``, ``12月5日 9:00`` or ``2026-12-05 09:00``.
- :class:`BroadcastDesk` wraps the delivery engine (it is the reminders' outbox too): it queues an
  announcement once per language and platform (keys ``broadcast:<id>:<lang>:<platform>``), shows
  its author one progress message edited in place, then the report, and cancels on request.
  A report claimed by a process that was then killed is shown by another process within
  :data:`REPORT_SWEEP` of the claim running out (:meth:`BroadcastDesk.report_timer`).
- Logged for the operator (:mod:`marketbot.services.logs`): ``broadcast.started``,
  ``broadcast.finished`` and ``lease.taken_over`` (a report's claim a stopped process left).

Audience codes: ``market:<id>`` (subscribers of a market), ``vendors`` (owners of approved
stalls), ``coming`` (vendors coming to the next market day), ``everyone`` (everyone who has used
the bot) and ``followers:<stall id>`` (a vendor's announcement).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from marketbot.clock import Clock
from marketbot.config import Config
from marketbot.delivery import DeliveryEngine, Progress
from marketbot.delivery.ports import (
    DeliveryError,
    Editor,
    Held,
    Reach,
    ReachEstimate,
    Sender,
)
from marketbot.delivery.report import progress_text, report_text
from marketbot.domain.model import User, user_lang
from marketbot.neutral import Choice, Reply
from marketbot.services.logs import event
from marketbot.services.market_days import MarketDays
from marketbot.storage.broadcasts import Audience, Broadcast, BroadcastStore
from marketbot.storage.leases import LeaseStore
from marketbot.storage.market_data import Storage
from marketbot.storage.outbox import StreamedPart
from marketbot.storage.status_reads import StatusReads
from marketbot.texts import Lang, esc, normalize_lang, t

__all__ = [
    "BroadcastDesk",
    "SendTimeError",
    "announcement_reply",
    "audience_count",
    "audience_of",
    "parse_send_time",
    "stop_choice_id",
]

logger = logging.getLogger(__name__)

REPORT_CLAIM = "broadcast-report:"
"""The lease (name prefix, then the broadcast's id) of the process telling a broadcast's author
its final report."""
REPORT_LEASE = timedelta(minutes=3)
"""How long a report's claim holds: longer than telling the author takes, short enough that a
claim left by a killed process is soon taken over."""
REPORT_SWEEP = 60.0
"""Seconds between two looks for reports' claims that ran out
(:meth:`BroadcastDesk.report_timer`)."""


# audiences -----------------------------------------------------------------------------------


async def _coming_stalls(days: MarketDays, now: datetime) -> tuple[int, ...]:
    """The stalls coming to their market's next day: set-based, whatever the number of markets."""
    return tuple(await days.reminders.coming_to(await days.next_days(now)))


async def audience_of(days: MarketDays, audience: str, now: datetime) -> Audience:
    """The people an audience code names, as the database selects them."""
    kind, _, ident = audience.partition(":")
    number = int(ident) if ident.isdigit() and len(ident) < 12 else None
    if kind == "market" and number is not None:
        return Audience("market", number)
    if kind == "followers" and number is not None:
        return Audience("followers", number)
    if audience == "vendors":
        return Audience("vendors")
    if audience == "coming":
        return Audience("stalls", stall_ids=await _coming_stalls(days, now))
    if audience == "everyone":
        return Audience("everyone")
    raise ValueError(f"unknown audience {audience!r}")


async def audience_count(
    days: MarketDays, store: BroadcastStore, audience: str, now: datetime
) -> int:
    """How many people ``audience`` names on the platforms being served: one SQL count."""
    return await store.audience_count(await audience_of(days, audience, now), days.platforms)


# reading a time ------------------------------------------------------------------------------


class SendTimeError(ValueError):
    """``reason`` is ``format`` (not a time we read) or ``past`` (already gone)."""

    def __init__(self, reason: Literal["format", "past"]) -> None:
        super().__init__(reason)
        self.reason = reason


_CLOCK = r"(?P<h>\d{1,2})\s*[:：点时]\s*(?P<m>\d{1,2})?\s*分?"
_RELATIVE = {"今天": 0, "today": 0, "明天": 1, "tomorrow": 1, "后天": 2}
_PATTERNS = (
    re.compile(rf"(?P<rel>今天|明天|后天|today|tomorrow)?\s*{_CLOCK}"),
    re.compile(rf"(?P<mo>\d{{1,2}})\s*月\s*(?P<d>\d{{1,2}})\s*[日号]?\s*{_CLOCK}"),
    re.compile(
        rf"(?P<y>\d{{4}})\s*[-/年.]\s*(?P<mo>\d{{1,2}})\s*[-/月.]\s*(?P<d>\d{{1,2}})\s*[日号]?"
        rf"\s*{_CLOCK}"
    ),
)


def parse_send_time(text: str, now: datetime, zone: str) -> datetime:
    """The instant ``text`` names in ``zone``; a day without a year is the next one to come.

    Raises :class:`SendTimeError` for text that is not a time, an impossible date, or the past.
    """
    cleaned = text.strip().lower().replace("：", ":")
    tz = ZoneInfo(zone)
    local = now.astimezone(tz)
    for pattern in _PATTERNS:
        match = pattern.fullmatch(cleaned)
        if match is None:
            continue
        found = match.groupdict()
        try:
            clock = time(int(found["h"]), int(found["m"] or 0))
            if found.get("y"):
                day = date(int(found["y"]), int(found["mo"]), int(found["d"]))
            elif found.get("mo"):
                day = date(local.year, int(found["mo"]), int(found["d"]))
                if day < local.date():
                    day = date(local.year + 1, day.month, day.day)
            else:
                day = local.date() + timedelta(days=_RELATIVE.get(found.get("rel") or "", 0))
        except ValueError:
            raise SendTimeError("format") from None
        when = datetime.combine(day, clock, tzinfo=tz)
        if when <= now:
            raise SendTimeError("past")
        return when
    raise SendTimeError("format")


# what recipients see -------------------------------------------------------------------------


def stop_choice_id(broadcast_id: int) -> str:
    """The "cancel sending" button of a broadcast."""
    return f"bc:stop:{broadcast_id}"


def announcement_reply(
    text: str, photo: int | None, lang: Lang, stall: tuple[int, str] | None = None
) -> Reply:
    """The message as recipients see it: a header in their language, then the author's text
    (escaped); ``stall`` (id, name) for a vendor's, which gets "see the stall" / "unfollow"."""
    if stall is None:
        return Reply(t(lang, "bc.header") + "\n\n" + esc(text), photo=photo)
    stall_id, name = stall
    body = t(lang, "bc.header_stall", stall=esc(name)) + "\n\n" + esc(text)
    buttons = (
        Choice(f"stall:{stall_id}", t(lang, "bc.btn.see_stall")),
        Choice(f"follow:off:{stall_id}", t(lang, "bc.btn.unfollow")),
    )
    return Reply(body, photo=photo, choices=(buttons,))


# the desk ------------------------------------------------------------------------------------


def _total(parts: Sequence[Progress], broadcast_id: int) -> Progress:
    return Progress(
        announcement_id=broadcast_id,
        total=sum(p.total for p in parts),
        sent=sum(p.sent for p in parts),
        unconfirmed=sum(p.unconfirmed for p in parts),
        unreachable=sum(p.unreachable for p in parts),
        failed=sum(p.failed for p in parts),
        pending=sum(p.pending for p in parts),
        cancelled=sum(p.cancelled for p in parts),
        held=sum(p.held for p in parts),
        eta_seconds=max((p.eta_seconds for p in parts), default=0.0),
        done=all(p.done for p in parts),
        was_cancelled=any(p.was_cancelled for p in parts),
    )


class BroadcastDesk:
    """The delivery engine with announcements on top; also the reminders' outbox.

    ``on_progress`` is the engine's progress callback (pass it when building the engine, then set
    :attr:`engine`).
    """

    def __init__(
        self, store: Storage, config: Config, clock: Clock, senders: Iterable[Sender]
    ) -> None:
        self.users = store
        self.store = BroadcastStore(store.db)
        self.leases = LeaseStore(store.db)
        self.status = StatusReads(store.db)
        self.config = config
        self.clock = clock
        self.senders = {s.platform: s for s in senders}
        self.editors: dict[str, Editor] = {
            s.platform: s for s in self.senders.values() if isinstance(s, Editor)
        }
        self.engine: DeliveryEngine | None = None
        self._starting = asyncio.Lock()
        self._locks: dict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._showing: set[asyncio.Task[None]] = set()

    def _engine(self) -> DeliveryEngine:
        if self.engine is None:
            raise RuntimeError("the broadcast desk has no delivery engine")
        return self.engine

    async def enqueue(
        self,
        kind: Literal["reminder", "broadcast", "notice"],
        reply: Reply,
        recipients: Iterable[tuple[str, str]],
        *,
        key: str | None = None,
        priority: int = 0,
        meaning: Mapping[str, object] | None = None,
    ) -> int:
        """The :class:`~marketbot.delivery.ports.Outbox` of reminders and notices."""
        return await self._engine().enqueue(
            kind, reply, recipients, key=key, priority=priority, meaning=meaning
        )

    async def enqueue_audience(
        self,
        kind: Literal["reminder", "broadcast", "notice"],
        replies: Mapping[str, Reply],
        audience: Audience,
        *,
        keys: Mapping[str, str],
        priority: int = 0,
        meaning: Mapping[str, object] | None = None,
    ) -> int:
        """The :class:`~marketbot.delivery.ports.Outbox`'s streamed queueing (reminders to a
        market's subscribers): one announcement per language, on every platform served."""
        platforms = sorted(self.senders)
        groups = await self.groups(audience, platforms)
        on: dict[str, set[str]] = defaultdict(set)
        for lang, platform in groups:
            on[lang].add(platform)
        parts = [
            StreamedPart(lang, tuple(sorted(on[lang])), replies[lang], keys[lang])
            for lang in sorted(on)
        ]
        if parts:
            async with self.store.db.transaction():
                await self._engine().enqueue_streamed(
                    kind,
                    parts,
                    self.store.selection(audience, platforms, self.config.bot.language),
                    total=sum(groups.values()),
                    priority=priority,
                    meaning=meaning,
                )
        return sum(groups.values())

    async def adopt(self, announcement_id: int, platforms: Iterable[str]) -> None:
        await self._engine().adopt(announcement_id, platforms)

    async def settled(self) -> None:
        await self._engine().wait_idle()

    async def groups(
        self, audience: Audience, platforms: Iterable[str] | None
    ) -> dict[tuple[str, str], int]:
        """How many people of ``audience`` each announcement of :meth:`start` would be (by
        language and platform): one grouped SQL count."""
        return await self.store.audience_groups(audience, platforms, self.config.bot.language)

    async def reach(
        self, audience: Audience, groups: Mapping[tuple[str, str], int]
    ) -> Reach | None:
        """How a broadcast to ``audience`` (counted in ``groups``, from :meth:`groups`) would go
        out now, where a platform limits pushing (a reply window, a monthly allowance); None
        when everyone would simply get it. Only such a platform's people are read."""
        counts: dict[str, int] = defaultdict(int)
        for (_lang, platform), n in groups.items():
            counts[platform] += n
        total, limited = Reach(), False
        for platform, n in sorted(counts.items()):
            sender = self.senders.get(platform)
            if isinstance(sender, ReachEstimate):
                people = await self.store.audience_users(audience, (platform,))
                total += await sender.broadcast_reach([user.chat_id for user in people])
                limited = True
            else:
                total += Reach(now=n)
        return total if limited else None

    async def start(
        self,
        broadcast: Broadcast,
        audience: Audience,
        stall: tuple[int, str] | None = None,
        platforms: Iterable[str] | None = None,
        groups: Mapping[tuple[str, str], int] | None = None,
    ) -> None:
        """Queue ``broadcast`` for ``audience`` (on ``platforms``; None: all), one announcement
        per language and platform, and (when it goes at once) show its author the progress
        message. The audience is counted per group (``groups``, from :meth:`groups`, when the
        caller counted already) and streamed into the outbox by SQL, in chunks (a million
        people are never a list here); all in one transaction."""
        engine = self._engine()
        default = self.config.bot.language
        if groups is None:
            groups = await self.groups(audience, platforms)
        parts = [
            StreamedPart(
                lang,
                (platform,),
                announcement_reply(
                    broadcast.text, broadcast.photo_id, normalize_lang(lang), stall
                ),
                f"broadcast:{broadcast.id}:{lang}:{platform}",
            )
            for lang, platform in sorted(groups)
        ]
        async with self._starting, self.store.db.transaction():
            announcement_ids = await engine.enqueue_streamed(
                "broadcast",
                parts,
                self.store.selection(audience, platforms, default),
                total=sum(groups.values()),
                not_before=broadcast.send_at,
                meaning={"broadcast": broadcast.id, "audience": broadcast.audience},
            )
            for announcement_id in announcement_ids:
                await self.store.add_part(announcement_id, broadcast.id)
            recipients = sum(groups.values())

            async def started() -> None:
                event(
                    logger,
                    "broadcast.started",
                    id=broadcast.id,
                    audience=broadcast.audience,
                    recipients=recipients,
                    send_at=None if broadcast.send_at is None else broadcast.send_at.isoformat(),
                )

            await self.store.db.after_commit(started)
        if broadcast.send_at is None:
            # once queued for good: the progress message is a network call, never inside the
            # transaction that queues (a crash between them cannot send the broadcast twice),
            # and it follows the reply to the author's "send now"
            await self.store.db.after_commit(lambda: self._show_soon(broadcast.id))

    async def cancel(self, broadcast_id: int) -> None:
        """Pending messages are not sent; the author gets the report."""
        engine = self._engine()
        for announcement_id in await self.store.parts(broadcast_id):
            await engine.cancel(announcement_id)

    async def progress(self, broadcast_id: int) -> Progress:
        engine = self._engine()
        parts = [await engine.progress(a) for a in await self.store.parts(broadcast_id)]
        return _total(parts, broadcast_id)

    async def on_progress(self, announcement_id: int, _progress: Progress) -> None:
        """The engine's callback: update the author's progress message, or show the report."""
        async with self._starting:  # a broadcast being queued has recorded all its parts
            broadcast_id = await self.store.of_announcement(announcement_id)
        if broadcast_id is not None:
            await self._show(broadcast_id)

    async def _show_soon(self, broadcast_id: int) -> None:
        task = asyncio.get_running_loop().create_task(self._show(broadcast_id))
        self._showing.add(task)
        task.add_done_callback(self._showing.discard)

    async def _show(self, broadcast_id: int) -> None:
        async with self._locks[broadcast_id]:
            broadcast = await self.store.get(broadcast_id)
            if broadcast is None or broadcast.status != "queued":
                return
            total = await self.progress(broadcast_id)
            if not total.done:
                await self._tell_safely(broadcast, total)
                return
            # the report is claimed in the database: of several processes whose engines all see
            # the broadcast done, one tells the author; a claim left by a killed process runs
            # out and the next progress callback or start of another process shows it
            owner, claim = self._engine().owner, f"{REPORT_CLAIM}{broadcast_id}"
            left = await self.status.lease(claim)
            now = self.clock.now()
            if not await self.leases.take(claim, owner, now, REPORT_LEASE):
                return
            if left is not None and left.owner != owner:  # it ran out: its holder stopped
                event(
                    logger, "lease.taken_over", logging.WARNING, lease=claim, from_owner=left.owner
                )
            try:
                broadcast = await self.store.get(broadcast_id)  # another may have finished it
                if broadcast is None or broadcast.status != "queued":
                    return
                await self._tell_safely(broadcast, total)
                # recorded once the report was shown: a crash in between shows it again at the
                # next start (an edit with the same text changes nothing), never loses it
                await self.store.finish(broadcast_id, total, self.clock.now())
                self._locks.pop(broadcast_id, None)
                event(
                    logger,
                    "broadcast.finished",
                    id=broadcast_id,
                    audience=broadcast.audience,
                    sent=total.sent,
                    unconfirmed=total.unconfirmed,
                    unreachable=total.unreachable,
                    failed=total.failed,
                    held=total.held,
                    cancelled=total.cancelled,
                )
            finally:
                await self.leases.release(claim, owner)

    async def _tell_safely(self, broadcast: Broadcast, total: Progress) -> None:
        """The author's progress message or report; a vendor's note to followers has none."""
        author = await self.users.get_user(broadcast.author_id)
        if author is None or broadcast.stall_id is not None:
            return
        try:
            await self._tell(broadcast, author, total)
        except DeliveryError as exc:
            logger.warning("could not show broadcast %d's progress: %s", broadcast.id, exc)

    async def recover(self) -> None:
        """At start: the report of every broadcast that finished sending while the process was
        down, or was not shown before a crash. On SQLite (one process per file) a report's
        claim left in the file is a stopped run's and is dropped; on PostgreSQL it may be a
        live process's, and one of a killed process runs out."""
        one_process = self.store.db.dialect.one_process
        for broadcast in await self.store.queued():
            if one_process:
                await self.leases.forget(f"{REPORT_CLAIM}{broadcast.id}")
            due = broadcast.send_at is None or broadcast.send_at <= self.clock.now()
            if due and (await self.progress(broadcast.id)).done:
                await self._show(broadcast.id)

    async def sweep_reports(self) -> int:
        """Show the reports whose claim ran out (the process telling the author was killed);
        a claim left on a broadcast finished meanwhile is dropped. Returns how many claims
        were looked at."""
        names = await self.status.expired(REPORT_CLAIM, self.clock.now())
        for name in names:
            broadcast_id = int(name.removeprefix(REPORT_CLAIM))
            broadcast = await self.store.get(broadcast_id)
            if broadcast is None or broadcast.status != "queued":
                await self.leases.forget(name)
            else:
                await self._show(broadcast_id)
        return len(names)

    @contextlib.asynccontextmanager
    async def report_timer(self, every: float = REPORT_SWEEP) -> AsyncIterator[None]:
        """:meth:`sweep_reports` every ``every`` seconds while inside: a report left by a
        killed process is shown within ``every`` of its claim running out, without waiting
        for another progress callback or start."""

        async def run() -> None:
            while True:
                await asyncio.sleep(every)
                try:
                    await self.sweep_reports()
                except Exception:
                    logger.exception("looking for reports left by stopped processes failed")

        task = asyncio.create_task(run(), name="marketbot-report-sweep")
        try:
            yield
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def _tell(self, broadcast: Broadcast, author: User, total: Progress) -> None:
        lang = user_lang(author, self.config.bot.language)
        if total.done:
            reply = Reply(
                t(lang, "bc.report_title", id=broadcast.id) + "\n" + report_text(total, lang)
            )
        else:
            stop = Choice(stop_choice_id(broadcast.id), t(lang, "bc.btn.stop_sending"))
            text = (
                t(lang, "bc.progress_title", id=broadcast.id) + "\n" + progress_text(total, lang)
            )
            reply = Reply(text, choices=((stop,),))
        editor = self.editors.get(author.platform)
        if editor is not None and broadcast.progress_ref is not None:
            await editor.edit(author.chat_id, broadcast.progress_ref, reply)
        elif editor is not None and not total.done:
            ref = await editor.send_tracked(author.chat_id, reply)
            await self.store.set_progress_ref(broadcast.id, ref)
        elif total.done and (sender := self.senders.get(author.platform)) is not None:
            try:
                await sender.send(author.chat_id, reply)
            except Held:  # the platform cannot message the author now: with their next message
                recipient = [(author.platform, author.chat_id)]
                await self.enqueue("notice", reply, recipient, meaning={"report": broadcast.id})
