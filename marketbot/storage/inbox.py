"""The ``inbox`` table: the updates already handled, by platform and the platform's id for them;
and the turn of one sender, held while their message is handled.

Several bot processes on one PostgreSQL database may get one person's messages at once (a load
balancer sends each update to any process): :meth:`InboxStore.hold_sender` takes a lock on the
sender for the message's transaction (``pg_advisory_xact_lock``), so their turns run one after
the other and each sees the conversation the previous one saved. On SQLite every turn holds the
database's write lock already (one process, one writer): nothing more to hold.

The table is keyed by (platform, update_key) and has no other index (each B-tree a turn touches
is a page more written at its commit: migration 0020), so :meth:`InboxStore.prune` walks the key
in slices of :data:`PRUNE_SLICE` rows, each slice a transaction of its own: the updates of a
busy week are forgotten without holding the write lock (or, on SQLite, the event loop) for
long.
"""

from __future__ import annotations

from datetime import datetime

from marketbot.storage.db import Queries, utc_text

__all__ = ["PRUNE_SLICE", "InboxStore"]

PRUNE_SLICE = 2000
"""Rows of the inbox looked at per transaction when old updates are forgotten."""


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

    async def prune(self, before: datetime, slice_rows: int = PRUNE_SLICE) -> int:
        """Forget updates received before ``before`` (platforms redeliver within a day), in
        slices of ``slice_rows`` keys (see the module)."""
        after: tuple[str, str] = ("", "")
        pruned = 0
        while True:
            async with self.db.transaction() as conn:
                async with conn.execute(
                    "SELECT platform, update_key FROM inbox WHERE (platform, update_key) > (?, ?)"
                    " ORDER BY platform, update_key LIMIT 1 OFFSET ?",
                    (*after, slice_rows - 1),
                ) as cursor:
                    row = await cursor.fetchone()
                sql = "DELETE FROM inbox WHERE (platform, update_key) > (?, ?) AND received_at < ?"
                params = [*after, utc_text(before)]
                if row is not None:  # the slice's last key, else the rest of the table
                    sql += " AND (platform, update_key) <= (?, ?)"
                    params += [str(row[0]), str(row[1])]
                cursor = await conn.execute(sql, params)
                pruned += cursor.rowcount
            if row is None:
                return pruned
            after = (str(row[0]), str(row[1]))
