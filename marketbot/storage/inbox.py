"""The ``inbox`` table: the updates already handled, by platform and the platform's id for them;
and the turn of one sender, held while their message is handled.

Several bot processes on one PostgreSQL database may get one person's messages at once (a load
balancer sends each update to any process): :meth:`InboxStore.hold_sender` takes a lock on the
sender for the message's transaction (``pg_advisory_xact_lock``), so their turns run one after
the other and each sees the conversation the previous one saved. On SQLite every turn holds the
database's write lock already (one process, one writer): nothing more to hold.
"""

from __future__ import annotations

from datetime import datetime

from marketbot.storage.db import Queries, utc_text

__all__ = ["InboxStore"]


class InboxStore(Queries):
    async def hold_sender(self, platform: str, user_id: str) -> None:
        """Wait for, then hold until the transaction ends, the turn of this sender (see the
        module); must be called inside the message's transaction."""
        if self.db.dialect.one_process:
            return
        async with self.db.transaction() as conn:
            await conn.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", (f"{platform}:{user_id}",)
            )

    async def first_time(self, platform: str, key: str, now: datetime) -> bool:
        """Record the update; False when it was handled before (a redelivery)."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO inbox (platform, update_key, received_at) VALUES (?, ?, ?)"
                " ON CONFLICT (platform, update_key) DO NOTHING",
                (platform, key, utc_text(now)),
            )
            return cursor.rowcount == 1

    async def prune(self, before: datetime) -> int:
        """Forget updates received before ``before`` (platforms redeliver within a day)."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM inbox WHERE received_at < ?", (utc_text(before),)
            )
            return cursor.rowcount
