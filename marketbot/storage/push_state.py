"""What a platform's sender keeps about pushing to people: the monthly allowance of mass messages
each person has used (``push_allowance_uses``), when a person last wrote (read from ``inbox``),
the chats still waiting in an announcement (``delivery_outbox``), and the notes told once
(``notes_told``).

Usage::

    allowance = AllowanceStore(db)
    used = await allowance.used(platform, ["oA", "oB"], "2026-12")      # {"oA": 2}
    await allowance.record(platform, ["oA", "oB"], 17, "2026-12", now)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from marketbot.storage.db import Queries, utc_text

__all__ = ["AllowanceStore", "NotesTold"]


class AllowanceStore(Queries):
    """Mass messages per person and calendar month (see module)."""

    async def used(self, platform: str, chat_ids: Sequence[str], month: str) -> dict[str, int]:
        """How many mass messages each chat received in ``month`` (chats without any left out)."""
        found: dict[str, int] = {}
        for start in range(0, len(chat_ids), 500):
            chunk = list(chat_ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            rows = await self._all(
                "SELECT chat_id, count(*) FROM push_allowance_uses"
                f" WHERE platform = ? AND month = ? AND chat_id IN ({marks}) GROUP BY chat_id",
                [platform, month, *chunk],
            )
            found.update({str(row[0]): int(row[1]) for row in rows})
        return found

    async def record(
        self,
        platform: str,
        chat_ids: Sequence[str],
        announcement_id: int,
        month: str,
        now: datetime,
    ) -> None:
        """Count one mass message of ``announcement_id`` for each chat (committed at once)."""
        async with self.db.transaction() as conn:
            await conn.executemany(
                "INSERT INTO push_allowance_uses"
                " (platform, chat_id, announcement_id, month, sent_at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (platform, chat_id, announcement_id) DO NOTHING",
                [(platform, chat, announcement_id, month, utc_text(now)) for chat in chat_ids],
            )

    async def forget(self, platform: str, chat_ids: Sequence[str], announcement_id: int) -> None:
        """Undo :meth:`record` for a mass message that was refused."""
        async with self.db.transaction() as conn:
            await conn.executemany(
                "DELETE FROM push_allowance_uses"
                " WHERE platform = ? AND chat_id = ? AND announcement_id = ?",
                [(platform, chat, announcement_id) for chat in chat_ids],
            )

    async def reached(self, platform: str, chat_id: str, announcement_id: int) -> bool:
        """Whether ``announcement_id`` already went to the chat as a mass message."""
        row = await self._one(
            "SELECT 1 FROM push_allowance_uses"
            " WHERE platform = ? AND chat_id = ? AND announcement_id = ?",
            (platform, chat_id, announcement_id),
        )
        return row is not None

    async def in_flight_announcement(self, platform: str, chat_id: str) -> int | None:
        """The announcement of the row being sent to the chat now (one at a time per chat)."""
        row = await self._one(
            "SELECT announcement_id FROM delivery_outbox"
            " WHERE platform = ? AND chat_id = ? AND state = 'sending' ORDER BY id DESC LIMIT 1",
            (platform, chat_id),
        )
        return int(row[0]) if row else None

    async def waiting(self, platform: str, announcement_id: int) -> list[str]:
        """The chats of an announcement not sent yet (pending, or being sent now)."""
        rows = await self._all(
            "SELECT chat_id FROM delivery_outbox WHERE platform = ? AND announcement_id = ?"
            " AND state IN ('pending', 'sending') ORDER BY id",
            (platform, announcement_id),
        )
        return [str(row[0]) for row in rows]

    async def last_received(self, platform: str, key_prefix: str) -> datetime | None:
        """When the latest update whose key starts with ``key_prefix`` arrived (updates are
        kept a week), e.g. a person's last message."""
        row = await self._one(
            "SELECT max(received_at) FROM inbox"
            " WHERE platform = ? AND update_key >= ? AND update_key < ?",
            (platform, key_prefix, key_prefix + "\U0010ffff"),
        )
        return datetime.fromisoformat(str(row[0])) if row and row[0] else None


class NotesTold(Queries):
    """Notes told once to a person, remembered across restarts."""

    async def told(self, platform: str, chat_id: str, note: str) -> bool:
        row = await self._one(
            "SELECT 1 FROM notes_told WHERE platform = ? AND chat_id = ? AND note = ?",
            (platform, chat_id, note),
        )
        return row is not None

    async def tell(self, platform: str, chat_id: str, note: str, now: datetime) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO notes_told (platform, chat_id, note, told_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (platform, chat_id, note) DO NOTHING",
                (platform, chat_id, note, utc_text(now)),
            )
