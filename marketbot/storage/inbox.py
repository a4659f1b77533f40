"""The ``inbox`` table: the updates already handled, by platform and the platform's id for them."""

from __future__ import annotations

from datetime import datetime

from marketbot.storage.db import Queries, utc_text

__all__ = ["InboxStore"]


class InboxStore(Queries):
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
