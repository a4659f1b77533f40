"""Announcements by secretaries and vendors: their rows, who they go to, when, and what the author
sees while they are sent.

- :class:`BroadcastStore` is the SQL: announcements (who, audience, text, scheduled time, the
  final report), the delivery-engine announcements each was sent as, stall followers and the
  vendors' daily limit.
- :func:`audience_users` turns an audience code into people; :func:`parse_send_time` reads a
  time such as ``18:30``, ``明天 8:00``, ``12月5日 9:00`` or ``2026-12-05 09:00``.
- :class:`BroadcastDesk` wraps the delivery engine (it is the reminders' outbox too): it queues an
  announcement once per language and platform (keys ``broadcast:<id>:<lang>:<platform>``), shows
  its author one progress message edited in place, then the report, and cancels on request.

Audience codes: ``market:<id>`` (subscribers of a market), ``vendors`` (owners of approved
stalls), ``coming`` (vendors coming to the next market day), ``everyone`` (everyone who has used
the bot) and ``followers:<stall id>`` (a vendor's announcement).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import aiosqlite

from marketbot.clock import Clock
from marketbot.config import Config
from marketbot.context import user_lang
from marketbot.db import Queries
from marketbot.delivery import DeliveryEngine, Progress
from marketbot.delivery.report import progress_text, report_text
from marketbot.delivery_errors import DeliveryError, Editor, Sender
from marketbot.domain import StallStatus, User
from marketbot.messages import Choice, Reply
from marketbot.reminders import MarketDays
from marketbot.schedule import market_today
from marketbot.storage import Storage, user_from_row
from marketbot.texts import Lang, esc, t

__all__ = [
    "DEFAULT_VENDOR_LIMIT",
    "Broadcast",
    "BroadcastDesk",
    "BroadcastStore",
    "SendTimeError",
    "announcement_reply",
    "audience_users",
    "parse_send_time",
    "stop_choice_id",
]

logger = logging.getLogger(__name__)

DEFAULT_VENDOR_LIMIT = 1
"""Announcements per stall per day unless a secretary changed it."""
_LIMIT_SETTING = "vendor_daily_limit"

Status = Literal["queued", "done", "cancelled"]


@dataclass(frozen=True, slots=True)
class Broadcast:
    id: int
    author_id: int
    stall_id: int | None
    audience: str
    text: str
    photo: str | None
    photo_platform: str | None
    recipients: int
    send_at: datetime | None
    created_at: datetime
    status: Status
    progress_ref: str | None
    report: Progress | None
    """The final counts, once done or cancelled."""


def _broadcast(row: aiosqlite.Row) -> Broadcast:
    report = None
    if row["status"] != "queued":
        report = Progress(
            announcement_id=row["id"],
            total=row["recipients"],
            sent=row["sent"] or 0,
            unconfirmed=row["unconfirmed"] or 0,
            unreachable=row["unreachable"] or 0,
            failed=row["failed"] or 0,
            pending=0,
            cancelled=row["cancelled"] or 0,
            eta_seconds=0.0,
            done=True,
            was_cancelled=row["status"] == "cancelled",
        )
    return Broadcast(
        id=row["id"],
        author_id=row["author_id"],
        stall_id=row["stall_id"],
        audience=row["audience"],
        text=row["text"],
        photo=row["photo"],
        photo_platform=row["photo_platform"],
        recipients=row["recipients"],
        send_at=datetime.fromisoformat(row["send_at"]) if row["send_at"] else None,
        created_at=datetime.fromisoformat(row["created_at"]),
        status=row["status"],
        progress_ref=row["progress_ref"],
        report=report,
    )


class BroadcastStore(Queries):
    """SQL for announcements, their engine parts, stall followers and the vendors' limit."""

    # announcements -------------------------------------------------------------------------

    async def create(
        self,
        *,
        author_id: int,
        stall_id: int | None,
        audience: str,
        text: str,
        photo: str | None,
        photo_platform: str | None,
        recipients: int,
        send_at: datetime | None,
        now: datetime,
    ) -> Broadcast:
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO broadcasts (author_id, stall_id, audience, text, photo,"
                " photo_platform, recipients, send_at, created_at, status)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued')",
                (
                    author_id,
                    stall_id,
                    audience,
                    text,
                    photo,
                    photo_platform,
                    recipients,
                    send_at.isoformat() if send_at else None,
                    now.isoformat(),
                ),
            )
            new_id = cursor.lastrowid
        found = await self.get(int(new_id or 0))
        assert found is not None
        return found

    async def get(self, broadcast_id: int) -> Broadcast | None:
        rows = await self._all("SELECT * FROM broadcasts WHERE id = ?", (broadcast_id,))
        return _broadcast(rows[0]) if rows else None

    async def recent(self, limit: int) -> list[Broadcast]:
        rows = await self._all("SELECT * FROM broadcasts ORDER BY id DESC LIMIT ?", (limit,))
        return [_broadcast(r) for r in rows]

    async def add_part(self, announcement_id: int, broadcast_id: int) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO broadcast_parts (announcement_id, broadcast_id) VALUES (?, ?)"
                " ON CONFLICT DO NOTHING",
                (announcement_id, broadcast_id),
            )

    async def parts(self, broadcast_id: int) -> list[int]:
        rows = await self._all(
            "SELECT announcement_id FROM broadcast_parts WHERE broadcast_id = ?"
            " ORDER BY announcement_id",
            (broadcast_id,),
        )
        return [int(r["announcement_id"]) for r in rows]

    async def of_announcement(self, announcement_id: int) -> int | None:
        rows = await self._all(
            "SELECT broadcast_id FROM broadcast_parts WHERE announcement_id = ?",
            (announcement_id,),
        )
        return int(rows[0]["broadcast_id"]) if rows else None

    async def set_progress_ref(self, broadcast_id: int, ref: str) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE broadcasts SET progress_ref = ? WHERE id = ?", (ref, broadcast_id)
            )

    async def finish(self, broadcast_id: int, report: Progress, now: datetime) -> None:
        """Record the final counts (once; a finished announcement is left alone)."""
        status = "cancelled" if report.was_cancelled else "done"
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE broadcasts SET status = ?, sent = ?, unconfirmed = ?, unreachable = ?,"
                " failed = ?, cancelled = ?, finished_at = ? WHERE id = ? AND status = 'queued'",
                (
                    status,
                    report.sent,
                    report.unconfirmed,
                    report.unreachable,
                    report.failed,
                    report.cancelled,
                    now.isoformat(),
                    broadcast_id,
                ),
            )

    async def count_since(self, stall_id: int, since: datetime) -> int:
        """Announcements of ``stall_id`` created at or after ``since``."""
        rows = await self._all(
            "SELECT count(*) AS n FROM broadcasts WHERE stall_id = ? AND created_at >= ?",
            (stall_id, since.isoformat()),
        )
        return int(rows[0]["n"])

    # followers -----------------------------------------------------------------------------

    async def is_following(self, user_id: int, stall_id: int) -> bool:
        rows = await self._all(
            "SELECT 1 FROM stall_followers WHERE user_id = ? AND stall_id = ?",
            (user_id, stall_id),
        )
        return bool(rows)

    async def follow(self, user_id: int, stall_id: int, now: datetime) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO stall_followers (user_id, stall_id, created_at) VALUES (?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (user_id, stall_id, now.isoformat()),
            )

    async def unfollow(self, user_id: int, stall_id: int) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "DELETE FROM stall_followers WHERE user_id = ? AND stall_id = ?",
                (user_id, stall_id),
            )

    async def followers(self, stall_id: int) -> list[User]:
        rows = await self._all(
            "SELECT u.* FROM users u JOIN stall_followers f ON f.user_id = u.id"
            " WHERE f.stall_id = ? ORDER BY u.id",
            (stall_id,),
        )
        return [user_from_row(r) for r in rows]

    # people --------------------------------------------------------------------------------

    async def everyone(self) -> list[User]:
        """Everyone who has written to the bot (config secretaries who never did are left out)."""
        rows = await self._all(
            "SELECT * FROM users WHERE id IN (SELECT user_id FROM conversations) ORDER BY id"
        )
        return [user_from_row(r) for r in rows]

    async def vendors(self, stall_ids: Iterable[int] | None = None) -> list[User]:
        """Owners of approved stalls (of ``stall_ids`` only, when given)."""
        rows = await self._all(
            "SELECT u.*, s.id AS stall FROM users u JOIN stalls s ON s.owner_id = u.id"
            " WHERE s.status = ? ORDER BY u.id",
            (StallStatus.APPROVED.value,),
        )
        wanted = None if stall_ids is None else set(stall_ids)
        return [user_from_row(r) for r in rows if wanted is None or r["stall"] in wanted]

    # settings ------------------------------------------------------------------------------

    async def vendor_limit(self) -> int:
        rows = await self._all(
            "SELECT value FROM broadcast_settings WHERE name = ?", (_LIMIT_SETTING,)
        )
        return int(rows[0]["value"]) if rows else DEFAULT_VENDOR_LIMIT

    async def set_vendor_limit(self, value: int) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO broadcast_settings (name, value) VALUES (?, ?)"
                " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                (_LIMIT_SETTING, value),
            )


# audiences -----------------------------------------------------------------------------------


async def _coming_vendors(days: MarketDays, store: BroadcastStore, now: datetime) -> list[User]:
    stall_ids: set[int] = set()
    for market in await days.store.markets():
        held = await days.held_days(market, market_today(now, market.timezone), 3)
        if held:
            stall_ids.update(await days.reminders.coming_stall_ids(held[0]))
    return await store.vendors(stall_ids)


async def audience_users(
    days: MarketDays, store: BroadcastStore, audience: str, now: datetime
) -> list[User]:
    """The people ``audience`` names, once each, on the platforms being served."""
    kind, _, ident = audience.partition(":")
    number = int(ident) if ident.isdigit() and len(ident) < 12 else None
    users: list[User]
    if kind == "market" and number is not None:
        users = await days.reminders.subscribers(number)
    elif kind == "followers" and number is not None:
        users = await store.followers(number)
    elif audience == "vendors":
        users = await store.vendors()
    elif audience == "coming":
        users = await _coming_vendors(days, store, now)
    elif audience == "everyone":
        users = await store.everyone()
    else:
        raise ValueError(f"unknown audience {audience!r}")
    unique = {u.id: u for u in users}
    return [u for u in unique.values() if days.platforms is None or u.platform in days.platforms]


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
    text: str, photo: str | None, lang: Lang, stall: tuple[int, str] | None = None
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
        self.config = config
        self.clock = clock
        self.senders = {s.platform: s for s in senders}
        self.editors: dict[str, Editor] = {
            s.platform: s for s in self.senders.values() if isinstance(s, Editor)
        }
        self.engine: DeliveryEngine | None = None
        self._starting = asyncio.Lock()
        self._locks: dict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

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
    ) -> int:
        """The :class:`~marketbot.delivery_errors.Outbox` of reminders and notices."""
        return await self._engine().enqueue(kind, reply, recipients, key=key, priority=priority)

    async def start(
        self, broadcast: Broadcast, people: Sequence[User], stall: tuple[int, str] | None = None
    ) -> None:
        """Queue ``broadcast`` for ``people``, one announcement per language and platform, and
        (when it goes at once) show its author the progress message."""
        engine = self._engine()

        def photo(platform: str) -> str | None:
            return broadcast.photo if broadcast.photo_platform == platform else None

        groups: dict[tuple[Lang, str], list[str]] = defaultdict(list)
        for user in people:
            groups[(user_lang(user, self.config.bot.language), user.platform)].append(user.chat_id)
        async with self._starting:
            for (lang, platform), chats in sorted(groups.items()):
                announcement_id = await engine.enqueue(
                    "broadcast",
                    announcement_reply(broadcast.text, photo(platform), lang, stall),
                    [(platform, chat) for chat in chats],
                    key=f"broadcast:{broadcast.id}:{lang}:{platform}",
                    not_before=broadcast.send_at,
                )
                await self.store.add_part(announcement_id, broadcast.id)
        if broadcast.send_at is None:
            await self._show(broadcast.id)

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

    async def _show(self, broadcast_id: int) -> None:
        async with self._locks[broadcast_id]:
            broadcast = await self.store.get(broadcast_id)
            if broadcast is None or broadcast.status != "queued":
                return
            total = await self.progress(broadcast_id)
            if total.done:
                await self.store.finish(broadcast_id, total, self.clock.now())
            author = await self.users.get_user(broadcast.author_id)
            if author is None:
                return
            try:
                await self._tell(broadcast, author, total)
            except DeliveryError as exc:
                logger.warning("could not show broadcast %d's progress: %s", broadcast_id, exc)
            if total.done:
                self._locks.pop(broadcast_id, None)

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
            await sender.send(author.chat_id, reply)
