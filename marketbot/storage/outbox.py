"""All SQL of the delivery outbox: announcements, one row per recipient, unreachable chats.

A row moves ``pending → sending → sent`` (or ``unreachable``, ``failed``, back to ``pending`` for a
retry, ``cancelled``); ``sending`` is written and committed before the platform is called, so a row
a crash leaves ``sending`` is known to be the one in flight and becomes ``unconfirmed``. A row
``sending`` carries its process's lease (``lease_owner``, ``lease_expires_at``; see
:mod:`marketbot.storage.leases`): the process renews it while it sends, and another process marks
the row ``unconfirmed`` only once the lease has run out. Times are UTC ISO text. Replies are
stored as JSON (attachments base64) so a restarted process can send them.
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from marketbot.neutral import Attachment, Choice, Reply
from marketbot.storage.db import Database, inserted_id, utc_text
from marketbot.storage.leases import process_owner

if TYPE_CHECKING:
    from marketbot.storage.db import Connection

__all__ = [
    "ACTIVE_STATES",
    "CHUNK_USERS",
    "LEASE",
    "STATES",
    "Announcement",
    "Failure",
    "Kind",
    "OutboxRow",
    "OutboxStore",
    "Progress",
    "Selection",
    "StreamedPart",
    "reply_from_json",
    "reply_to_json",
]

Kind = Literal["reminder", "broadcast", "notice"]
STATES = ("pending", "sending", "sent", "unconfirmed", "unreachable", "failed", "cancelled")
ACTIVE_STATES = ("pending", "sending")
"""States of rows not settled yet."""

SKIPPED_REASON = "skipped: the chat was unreachable"

CHUNK_USERS = 5_000
"""User ids covered by one ``INSERT … SELECT`` when an audience is streamed into the outbox
(each runs in a worker thread for about 15 ms, holding the connection meanwhile)."""


LEASE = timedelta(seconds=60)
"""How long a claimed row stays its process's without a renewal."""


def _parse(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def reply_to_json(reply: Reply) -> str:
    """The reply as JSON (``edit`` is left out: an outbox message is always a new one)."""
    data: dict[str, Any] = {"text": reply.text}
    if reply.choices:
        data["choices"] = [[[c.id, c.label] for c in row] for row in reply.choices]
    if reply.photo is not None:
        data["photo"] = reply.photo
    if reply.contact_request:
        data["contact_request"] = True
    if reply.attachment is not None:
        data["attachment"] = {
            "filename": reply.attachment.filename,
            "kind": reply.attachment.kind,
            "data": base64.b64encode(reply.attachment.data).decode("ascii"),
        }
    return json.dumps(data, ensure_ascii=False)


def reply_from_json(text: str) -> Reply:
    data = json.loads(text)
    choices = tuple(
        tuple(Choice(id=str(cid), label=str(label)) for cid, label in row)
        for row in data.get("choices", ())
    )
    attachment = None
    if "attachment" in data:
        stored = data["attachment"]
        attachment = Attachment(
            filename=str(stored["filename"]),
            data=base64.b64decode(stored["data"]),
            kind=stored["kind"],
        )
    return Reply(
        text=str(data["text"]),
        choices=choices,
        photo=data.get("photo"),
        contact_request=bool(data.get("contact_request", False)),
        attachment=attachment,
    )


@dataclass(frozen=True, slots=True)
class Progress:
    """Row counts of one announcement; ``pending`` includes the rows in flight.

    ``unconfirmed`` rows were in flight when the process stopped: counted as sent, never resent.
    """

    announcement_id: int
    total: int
    sent: int
    unconfirmed: int
    unreachable: int
    failed: int
    pending: int
    cancelled: int
    eta_seconds: float
    done: bool
    was_cancelled: bool
    held: int = 0
    """Waiting for the person's next message (a platform that cannot push to them)."""

    @property
    def settled(self) -> int:
        """Rows with a final state."""
        return self.total - self.pending

    @property
    def delivered(self) -> int:
        """Sent, counting the unconfirmed ones as sent."""
        return self.sent + self.unconfirmed

    @property
    def fraction(self) -> float:
        return 1.0 if self.total == 0 else self.settled / self.total


@dataclass(frozen=True, slots=True)
class Announcement:
    id: int
    kind: Kind
    key: str | None
    reply: Reply
    priority: int
    not_before: datetime | None
    created_at: datetime
    cancelled_at: datetime | None
    finished_at: datetime | None


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """A pending row as the engine needs it."""

    id: int
    chat_id: str
    attempts: int
    next_attempt_at: datetime | None


@dataclass(frozen=True, slots=True)
class Failure:
    platform: str
    chat_id: str
    state: str
    reason: str


@dataclass(frozen=True, slots=True)
class Selection:
    """People to queue for, as the database selects them: ``whole`` yields the columns ``id``
    (users.id), ``lang``, ``platform`` and ``chat_id``, one row per person; ``chunk`` the same
    for the user ids in ``(:low, :high]`` (made by
    :meth:`marketbot.storage.broadcasts.BroadcastStore.selection`); ``params`` are their other
    named parameters."""

    whole: str
    chunk: str
    params: Mapping[str, object]


@dataclass(frozen=True, slots=True)
class StreamedPart:
    """One announcement of a streamed audience: its people of one language on ``platforms``."""

    lang: str
    platforms: tuple[str, ...]
    reply: Reply
    key: str | None


class OutboxStore:
    """The outbox tables of one :class:`~marketbot.storage.db.Database`; writes take its lock.

    Rows are claimed with the lease of ``owner`` (default: this process,
    :func:`~marketbot.storage.leases.process_owner`) for ``lease``."""

    def __init__(self, db: Database, owner: str | None = None, lease: timedelta = LEASE) -> None:
        self._db = db
        self._owner = owner or process_owner()
        self._lease = lease

    @property
    def owner(self) -> str:
        return self._owner

    async def create(
        self,
        *,
        kind: Kind,
        reply: Reply,
        recipients: Sequence[tuple[str, str]],
        key: str | None,
        priority: int,
        not_before: datetime | None,
        platforms: Iterable[str],
        now: datetime,
        meaning: Mapping[str, object] | None = None,
    ) -> tuple[int, bool]:
        """Insert an announcement and its rows; returns ``(id, created)``.

        With a ``key`` already used, nothing is written and the existing id is returned. Rows of
        chats known unreachable are written as ``unreachable`` (skipped), rows of platforms
        missing from ``platforms`` (no sender) as ``failed``.
        """
        stamp = utc_text(now)
        async with self._db.transaction() as conn:
            announcement_id, created = await self._announce(
                conn, kind, reply, key, priority, not_before, stamp, meaning
            )
            if not created:
                return announcement_id, False
            await conn.executemany(
                "INSERT INTO delivery_outbox"
                " (announcement_id, platform, chat_id, state, updated_at)"
                " VALUES (?, ?, ?, 'pending', ?)",
                [(announcement_id, platform, chat, stamp) for platform, chat in recipients],
            )
            await self._skip_unsendable(conn, announcement_id, platforms, everywhere=True)
        return announcement_id, True

    async def create_streamed(
        self,
        *,
        kind: Kind,
        parts: Sequence[StreamedPart],
        selection: Selection,
        priority: int,
        not_before: datetime | None,
        platforms: Iterable[str],
        now: datetime,
        total: int,
        meaning: Mapping[str, object] | None = None,
        chunk: int = CHUNK_USERS,
    ) -> list[tuple[int, bool]]:
        """Announcements for ``parts`` and their rows, straight from ``selection`` in the
        database: ``INSERT … SELECT``, over chunks of ``chunk`` user ids when the audience has
        more than ``chunk`` people (``total``), each chunk and the ``COMMIT`` in a worker
        thread while the event loop runs; no list of recipients is ever made in Python. One
        transaction (the chat turn's when one is open), so the announcements exist with all
        their rows or not at all.

        Returns ``(id, created)`` per part; a part whose ``key`` was used before gets nothing
        new (like :meth:`create`). Unreachable chats and platforms without a sender as there."""
        stamp = utc_text(now)
        async with self._db.transaction() as conn:
            made: list[tuple[int, bool]] = []
            groups: list[tuple[str, str, int]] = []
            for part in parts:
                announcement_id, created = await self._announce(
                    conn, kind, part.reply, part.key, priority, not_before, stamp, meaning
                )
                made.append((announcement_id, created))
                if created:
                    groups.extend(
                        (part.lang, platform, announcement_id) for platform in part.platforms
                    )
            if not groups:
                return made
            mapping = json.dumps(groups, ensure_ascii=False)
            if total <= chunk:  # a stall's followers: one statement, through the audience's index
                await conn.execute(
                    self._stream_sql(selection.whole),
                    {**selection.params, "stamp": stamp, "groups": mapping},
                )
            else:
                self._db.commit_in_thread()
                async with conn.execute(  # each through the key (both at once: a scan)
                    "SELECT (SELECT min(id) FROM users), (SELECT max(id) FROM users)"
                ) as cursor:
                    bounds = await cursor.fetchone()
                low = int(bounds[0] or 0) - 1 if bounds else 0
                high = int(bounds[1] or 0) if bounds else 0
                while low < high:  # each chunk in a worker thread, the loop running
                    await self._db.execute_in_thread(
                        self._stream_sql(selection.chunk),
                        {
                            **selection.params,
                            "stamp": stamp,
                            "groups": mapping,
                            "low": low,
                            "high": min(low + chunk, high),
                        },
                    )
                    low += chunk
            known = set(platforms)
            for (announcement_id, created), part in zip(made, parts, strict=True):
                if created:
                    await self._skip_unsendable(
                        conn,
                        announcement_id,
                        known,
                        everywhere=not known.issuperset(part.platforms),
                    )
        return made

    def _stream_sql(self, select: str) -> str:
        """Rows for the people ``select`` yields, each into the announcement of their group
        (``:groups``, a JSON list of ``[lang, platform, announcement id]``)."""
        groups = self._db.dialect.json_rows(
            ":groups", [("lang", "text"), ("platform", "text"), ("aid", "integer")]
        )
        return (
            "INSERT INTO delivery_outbox (announcement_id, platform, chat_id, state, updated_at)"
            " SELECT g.aid, s.platform, s.chat_id, 'pending', :stamp"
            f" FROM ({select}) s"
            f" JOIN ({groups}) g"
            " ON g.lang = s.lang AND g.platform = s.platform"
            " WHERE true ORDER BY s.id"
            " ON CONFLICT DO NOTHING"
        )

    async def _announce(
        self,
        conn: Connection,
        kind: Kind,
        reply: Reply,
        key: str | None,
        priority: int,
        not_before: datetime | None,
        stamp: str,
        meaning: Mapping[str, object] | None,
    ) -> tuple[int, bool]:
        """The announcement row (the existing id, not created, when ``key`` was used)."""
        if key is not None:
            async with conn.execute(
                "SELECT id FROM delivery_announcements WHERE key = ?", (key,)
            ) as cursor:
                existing = await cursor.fetchone()
            if existing is not None:
                return int(existing[0]), False
        cursor = await conn.execute(
            "INSERT INTO delivery_announcements"
            " (kind, key, reply, priority, not_before, created_at, meaning)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (
                kind,
                key,
                reply_to_json(reply),
                priority,
                None if not_before is None else utc_text(not_before),
                stamp,
                json.dumps(dict(meaning or {}), ensure_ascii=False, sort_keys=True),
            ),
        )
        return int((await cursor.fetchone())[0]), True

    async def _skip_unsendable(
        self,
        conn: Connection,
        announcement_id: int,
        platforms: Iterable[str],
        *,
        everywhere: bool,
    ) -> None:
        """Rows of chats known unreachable become ``unreachable`` (found from the small table
        of such chats, through the outbox's unique index); with ``everywhere``, rows of
        platforms missing from ``platforms`` (no sender) become ``failed``."""
        await conn.execute(
            "UPDATE delivery_outbox SET state = 'unreachable', last_error = ?"
            " WHERE id IN (SELECT o.id FROM delivery_unreachable u"
            f" {self._db.dialect.join_in_order} delivery_outbox o"
            "  ON o.announcement_id = ? AND o.platform = u.platform AND o.chat_id = u.chat_id)",
            (SKIPPED_REASON, announcement_id),
        )
        if not everywhere:
            return
        known = sorted(set(platforms))
        marks = ", ".join("?" * len(known))
        others = f" AND platform NOT IN ({marks})" if known else ""
        await conn.execute(
            "UPDATE delivery_outbox SET state = 'failed',"
            " last_error = 'no sender for platform ' || platform"
            f" WHERE announcement_id = ? AND state = 'pending'{others}",
            (announcement_id, *known),
        )

    async def announcement(self, announcement_id: int) -> Announcement | None:
        async with self._db.conn.execute(
            "SELECT id, kind, key, reply, priority, not_before, created_at, cancelled_at,"
            " finished_at FROM delivery_announcements WHERE id = ?",
            (announcement_id,),
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return None
        created = _parse(row["created_at"])
        assert created is not None
        return Announcement(
            id=int(row["id"]),
            kind=row["kind"],
            key=row["key"],
            reply=reply_from_json(row["reply"]),
            priority=int(row["priority"]),
            not_before=_parse(row["not_before"]),
            created_at=created,
            cancelled_at=_parse(row["cancelled_at"]),
            finished_at=_parse(row["finished_at"]),
        )

    async def recover(self, now: datetime, *, at_start: bool = False) -> int:
        """Rows in flight in a process that stopped become ``unconfirmed`` (counted as sent,
        never resent); returns how many. Those are the rows whose lease ran out before ``now``
        (or that carry none); ``at_start`` also this owner's (a previous engine of this process)
        and, on SQLite, every row ``sending`` (one process per file: they are a previous run's).
        A live process's rows are never taken."""
        whose, params = "lease_owner IS NULL OR lease_expires_at < ?", [utc_text(now)]
        if at_start and self._db.dialect.one_process:
            whose, params = "true", []
        elif at_start:
            whose, params = f"{whose} OR lease_owner = ?", [*params, self._owner]
        reason = "in flight when the process stopped"
        if not at_start:
            reason = "in flight when its process stopped (its lease ran out)"
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE delivery_outbox SET state = 'unconfirmed', last_error = ?"
                f" WHERE state = 'sending' AND ({whose})",
                (reason, *params),
            )
            return cursor.rowcount

    async def renew(self, now: datetime) -> int:
        """Extend the leases of this owner's rows still ``sending`` to ``now`` plus the lease;
        returns how many."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE delivery_outbox SET lease_expires_at = ?"
                " WHERE state = 'sending' AND lease_owner = ?",
                (utc_text(now + self._lease), self._owner),
            )
            return cursor.rowcount

    async def active(self) -> list[tuple[int, str]]:
        """``(announcement id, platform)`` pairs with pending rows, oldest first."""
        async with self._db.conn.execute(
            "SELECT DISTINCT announcement_id, platform FROM delivery_outbox"
            " WHERE state = 'pending' ORDER BY announcement_id, platform"
        ) as cursor:
            return [(int(row[0]), str(row[1])) async for row in cursor]

    async def pending_for(self, platform: str) -> list[int]:
        """Unfinished announcements with rows pending for ``platform``, oldest first: an index
        probe per unfinished announcement (cheap enough to repeat every second, unlike
        :meth:`active`, which reads every pending row)."""
        async with self._db.conn.execute(
            "SELECT a.id FROM delivery_announcements a WHERE a.finished_at IS NULL"
            " AND EXISTS (SELECT 1 FROM delivery_outbox o WHERE o.announcement_id = a.id"
            " AND o.state = 'pending' AND o.platform = ?) ORDER BY a.id",
            (platform,),
        ) as cursor:
            return [int(row[0]) async for row in cursor]

    async def split_point(self, announcement_id: int, platform: str, share: float) -> int:
        """The row id after which ``share`` (0 to 1) of the pending rows' id range lies below:
        where a process taking up an announcement others are sending starts (0: none pending)."""
        async with self._db.conn.execute(
            "SELECT min(id), max(id) FROM delivery_outbox"
            " WHERE announcement_id = ? AND state = 'pending' AND platform = ?",
            (announcement_id, platform),
        ) as cursor:
            row = await cursor.fetchone()
        if row is None or row[0] is None:
            return 0
        low, high = int(row[0]), int(row[1])
        return low - 1 + math.floor((high - low + 1) * share)

    async def unfinished(self) -> list[int]:
        """Announcements not marked finished yet."""
        async with self._db.conn.execute(
            "SELECT id FROM delivery_announcements WHERE finished_at IS NULL ORDER BY id"
        ) as cursor:
            return [int(row[0]) async for row in cursor]

    async def pending_rows(
        self, announcement_id: int, platform: str, after_id: int, limit: int
    ) -> list[OutboxRow]:
        async with self._db.conn.execute(
            "SELECT id, chat_id, attempts, next_attempt_at FROM delivery_outbox"
            " WHERE announcement_id = ? AND platform = ? AND state = 'pending' AND id > ?"
            " ORDER BY id LIMIT ?",
            (announcement_id, platform, after_id, limit),
        ) as cursor:
            return [
                OutboxRow(
                    id=int(row[0]),
                    chat_id=str(row[1]),
                    attempts=int(row[2]),
                    next_attempt_at=_parse(row[3]),
                )
                async for row in cursor
            ]

    async def reply_row(
        self,
        platform: str,
        chat_id: str,
        reply: Reply,
        meaning: Mapping[str, object],
        now: datetime,
    ) -> tuple[int, int]:
        """A reply to someone's message, kept until it is sent: an announcement of one pending
        row that no dispatcher picks up while its platform sends it (after a crash, the engine
        does). Returns ``(announcement id, row id)``."""
        stamp = utc_text(now)
        async with self._db.transaction() as conn:
            announcement_id = await inserted_id(
                conn,
                "INSERT INTO delivery_announcements (kind, reply, priority, created_at, meaning)"
                " VALUES ('notice', ?, 3, ?, ?)",
                (reply_to_json(reply), stamp, json.dumps(dict(meaning), ensure_ascii=False)),
            )
            row_id = await inserted_id(
                conn,
                "INSERT INTO delivery_outbox"
                " (announcement_id, platform, chat_id, state, updated_at)"
                " VALUES (?, ?, ?, 'pending', ?)",
                (announcement_id, platform, chat_id, stamp),
            )
            return announcement_id, row_id

    async def row_of(self, row_id: int) -> tuple[int, str] | None:
        """The announcement and platform of an outbox row."""
        async with self._db.conn.execute(
            "SELECT announcement_id, platform FROM delivery_outbox WHERE id = ?", (row_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return (int(row[0]), str(row[1])) if row else None

    async def meaning_in_flight(self, platform: str, chat_id: str) -> dict[str, object]:
        """The meaning (with the announcement's ``kind``) of the row being sent to a chat now:
        the engine sends one message at a time per chat, committed as ``sending`` first."""
        async with self._db.conn.execute(
            "SELECT a.kind, a.meaning FROM delivery_outbox o"
            " JOIN delivery_announcements a ON a.id = o.announcement_id"
            " WHERE o.platform = ? AND o.chat_id = ? AND o.state = 'sending'"
            " ORDER BY o.id DESC LIMIT 1",
            (platform, chat_id),
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return {}
        try:
            meaning = json.loads(row[1] or "{}")
        except ValueError:
            meaning = {}
        found: dict[str, object] = dict(meaning) if isinstance(meaning, dict) else {}
        found.setdefault("kind", str(row[0]))
        return found

    async def claim(self, row_id: int, now: datetime) -> bool:
        """``pending → sending`` with this owner's lease, committed; False when the row is no
        longer pending, or (on PostgreSQL) when another process is claiming it at this moment
        (its lock is skipped, not waited for)."""
        pending = self._db.dialect.unlocked("delivery_outbox", "id = ? AND state = 'pending'")
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                f"UPDATE delivery_outbox SET {self._SENDING} WHERE {pending}",
                (utc_text(now), self._owner, utc_text(now + self._lease), row_id),
            )
            return cursor.rowcount == 1

    _SENDING = "state = 'sending', updated_at = ?, lease_owner = ?, lease_expires_at = ?"
    """A claim's assignments: the row's lease taken."""

    async def mark_replies(
        self, claims: Sequence[int], sent: Sequence[int], now: datetime
    ) -> set[int]:
        """For many replies at once, in one transaction: the rows ``sent`` become ``sent``
        (their announcements finished), the rows ``claims`` go ``pending → sending``. Returns
        the claimed rows (those still pending)."""
        stamp = utc_text(now)
        async with self._db.transaction() as conn:
            if sent:
                ids = json.dumps(list(sent))
                await conn.execute(
                    "UPDATE delivery_outbox SET state = 'sent', attempts = 1, last_error = NULL,"
                    " next_attempt_at = NULL, updated_at = ?"
                    f" WHERE id IN ({self._db.dialect.json_values('?', 'integer')})",
                    (stamp, ids),
                )
                await conn.execute(
                    "UPDATE delivery_announcements SET finished_at = ?"
                    " WHERE id IN (SELECT o.announcement_id FROM delivery_outbox o"
                    f"  WHERE o.id IN ({self._db.dialect.json_values('?', 'integer')}))"
                    " AND finished_at IS NULL AND NOT EXISTS (SELECT 1 FROM delivery_outbox o"
                    "  WHERE o.announcement_id = delivery_announcements.id"
                    "  AND o.state IN ('pending', 'sending'))",
                    (stamp, ids),
                )
            if not claims:
                return set()
            pending = self._db.dialect.unlocked(
                "delivery_outbox",
                f"id IN ({self._db.dialect.json_values('?', 'integer')}) AND state = 'pending'",
            )
            async with conn.execute(
                f"UPDATE delivery_outbox SET {self._SENDING} WHERE {pending} RETURNING id",
                (stamp, self._owner, utc_text(now + self._lease), json.dumps(list(claims))),
            ) as cursor:
                return {int(row[0]) for row in await cursor.fetchall()}

    async def requeue(
        self,
        row_id: int,
        now: datetime,
        *,
        attempts: int,
        next_attempt_at: datetime | None,
        error: str | None,
    ) -> None:
        """Back to ``pending`` for another try (``cancelled`` if its announcement was); only
        a row this owner is sending (never one another process took over meanwhile: that one
        might have been sent, and stays ``unconfirmed``)."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE delivery_outbox SET state = CASE WHEN (SELECT cancelled_at"
                "  FROM delivery_announcements a WHERE a.id = announcement_id) IS NULL"
                "  THEN 'pending' ELSE 'cancelled' END,"
                " attempts = ?, next_attempt_at = ?, last_error = coalesce(?, last_error),"
                " updated_at = ?"
                " WHERE id = ? AND state = 'sending' AND lease_owner = ?",
                (
                    attempts,
                    None if next_attempt_at is None else utc_text(next_attempt_at),
                    error,
                    utc_text(now),
                    row_id,
                    self._owner,
                ),
            )

    async def settle(
        self,
        row_id: int,
        state: Literal["sent", "failed", "unreachable", "unconfirmed", "held"],
        now: datetime,
        *,
        attempts: int,
        error: str | None = None,
    ) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE delivery_outbox SET state = ?, attempts = ?, last_error = ?,"
                " next_attempt_at = NULL, updated_at = ? WHERE id = ?",
                (state, attempts, error, utc_text(now), row_id),
            )

    async def take_held(self, platform: str, chat_id: str, now: datetime) -> list[Reply]:
        """The messages held for this chat, oldest first; they count as sent from now on."""
        async with self._db.transaction() as conn:
            async with conn.execute(
                "SELECT o.id, a.reply FROM delivery_outbox o"
                " JOIN delivery_announcements a ON a.id = o.announcement_id"
                " WHERE o.platform = ? AND o.chat_id = ? AND o.state = 'held' ORDER BY o.id",
                (platform, chat_id),
            ) as cursor:
                rows = list(await cursor.fetchall())
            if rows:  # nearly always none: no second trip to the database then
                await conn.executemany(
                    "UPDATE delivery_outbox SET state = 'sent', updated_at = ? WHERE id = ?",
                    [(utc_text(now), row[0]) for row in rows],
                )
        return [reply_from_json(row[1]) for row in rows]

    async def mark_unreachable(
        self, row_id: int, platform: str, chat_id: str, reason: str, now: datetime, attempts: int
    ) -> None:
        """The row is ``unreachable`` and the chat is remembered as such, in one transaction."""
        stamp = utc_text(now)
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE delivery_outbox SET state = 'unreachable', attempts = ?,"
                " last_error = ?, next_attempt_at = NULL, updated_at = ? WHERE id = ?",
                (attempts, reason, stamp, row_id),
            )
            await conn.execute(
                "INSERT INTO delivery_unreachable (platform, chat_id, since, reason)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (platform, chat_id) DO NOTHING",
                (platform, chat_id, stamp, reason),
            )

    async def skip_unreachable(self, row_id: int, now: datetime) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE delivery_outbox SET state = 'unreachable', last_error = ?,"
                " updated_at = ? WHERE id = ? AND state = 'pending'",
                (SKIPPED_REASON, utc_text(now), row_id),
            )

    async def unreachable_chats(self) -> set[tuple[str, str]]:
        async with self._db.conn.execute(
            "SELECT platform, chat_id FROM delivery_unreachable"
        ) as cursor:
            return {(str(row[0]), str(row[1])) async for row in cursor}

    async def set_reachable(self, platform: str, chat_id: str) -> bool:
        """Forget that the chat was unreachable; True when it was."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM delivery_unreachable WHERE platform = ? AND chat_id = ?",
                (platform, chat_id),
            )
            return cursor.rowcount > 0

    async def cancel(self, announcement_id: int, now: datetime) -> int:
        """Pending rows become ``cancelled``; returns how many."""
        stamp = utc_text(now)
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE delivery_announcements SET cancelled_at = coalesce(cancelled_at, ?)"
                " WHERE id = ?",
                (stamp, announcement_id),
            )
            cursor = await conn.execute(
                "UPDATE delivery_outbox SET state = 'cancelled', updated_at = ?"
                " WHERE announcement_id = ? AND state = 'pending'",
                (stamp, announcement_id),
            )
            return cursor.rowcount

    async def finish(self, announcement_id: int, now: datetime) -> bool:
        """Mark the announcement finished if no row is pending or sending; True if done now."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE delivery_announcements SET finished_at = ?"
                " WHERE id = ? AND finished_at IS NULL AND NOT EXISTS (SELECT 1"
                "  FROM delivery_outbox o WHERE o.announcement_id = delivery_announcements.id"
                "  AND o.state IN ('pending', 'sending'))",
                (utc_text(now), announcement_id),
            )
            return cursor.rowcount == 1

    async def prune(self, finished_before: datetime) -> int:
        """Delete the rows of announcements that finished before ``finished_before``; the
        announcements stay (broadcast reports live in their own table). Returns rows deleted."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM delivery_outbox WHERE announcement_id IN ("
                " SELECT id FROM delivery_announcements"
                " WHERE finished_at IS NOT NULL AND finished_at < ?)",
                (utc_text(finished_before),),
            )
            return cursor.rowcount

    async def counts(self, announcement_id: int) -> dict[tuple[str, str], int]:
        """Committed rows per ``(platform, state)``, counted in a worker thread (a million
        rows take tens of milliseconds)."""
        rows = await self._db.read_all(
            "SELECT platform, state, COUNT(*) FROM delivery_outbox"
            " WHERE announcement_id = ? GROUP BY platform, state",
            (announcement_id,),
        )
        return {(str(row[0]), str(row[1])): int(row[2]) for row in rows}

    async def problems(self, announcement_id: int) -> list[Failure]:
        """Rows not confirmed delivered (failed, unreachable, unconfirmed), with their reason."""
        async with self._db.conn.execute(
            "SELECT platform, chat_id, state, coalesce(last_error, '') FROM delivery_outbox"
            " WHERE announcement_id = ? AND state IN ('failed', 'unreachable', 'unconfirmed')"
            " ORDER BY id",
            (announcement_id,),
        ) as cursor:
            return [Failure(str(r[0]), str(r[1]), str(r[2]), str(r[3])) async for r in cursor]
