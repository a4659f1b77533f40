"""Leases: which process holds a piece of shared work, and until when.

Several bot processes may share one PostgreSQL database. Work that must be done by one of them
at a time (planning reminders) is guarded by a named row of ``leases``: a process *takes* it when
it is free or its holder's expiry has passed, *renews* it while it works, and *releases* it when
it stops; a killed holder's lease runs out and another process takes it. The owner of a lease is
:func:`process_owner`, made once per process (host, pid and a random part, so a restarted process
with the same pid is another owner). Outbox rows carry a lease of their own
(:mod:`marketbot.storage.outbox`). On SQLite (one process) the same code works with one owner.

Usage::

    leases = LeaseStore(db)
    if await leases.take("reminder-planner", process_owner(), now, timedelta(seconds=60)):
        ...  # plan; renew before the minute is over, release when done
"""

from __future__ import annotations

import functools
import os
import secrets
import socket
from datetime import datetime, timedelta

from marketbot.storage.db import Database, utc_text

__all__ = ["LeaseStore", "process_owner"]


@functools.cache
def process_owner() -> str:
    """This process's owner id: ``host:pid:random``, the same for the life of the process."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


class LeaseStore:
    """The ``leases`` table of one :class:`~marketbot.storage.db.Database`."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def take(self, name: str, owner: str, now: datetime, duration: timedelta) -> bool:
        """Hold ``name`` until ``now + duration`` if it is free, expired or ``owner``'s
        already (then it is renewed); False while another owner's lease runs. One statement:
        two processes taking at once, one of them gets it."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO leases (name, owner, expires_at) VALUES (?, ?, ?)"
                " ON CONFLICT (name) DO UPDATE SET owner = excluded.owner,"
                " expires_at = excluded.expires_at"
                " WHERE leases.owner = excluded.owner OR leases.expires_at < ?"
                " RETURNING owner",
                (name, owner, utc_text(now + duration), utc_text(now)),
            )
            return await cursor.fetchone() is not None

    async def renew(self, name: str, owner: str, now: datetime, duration: timedelta) -> bool:
        """Extend ``owner``'s lease to ``now + duration``; False when ``owner`` no longer holds
        it (it ran out and another process took it: stop the work)."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE leases SET expires_at = ? WHERE name = ? AND owner = ?",
                (utc_text(now + duration), name, owner),
            )
            return cursor.rowcount == 1

    async def release(self, name: str, owner: str) -> bool:
        """Give ``name`` up at once (a process stopping); False when ``owner`` did not hold it."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM leases WHERE name = ? AND owner = ?", (name, owner)
            )
            return cursor.rowcount == 1

    async def forget(self, name: str) -> bool:
        """Drop ``name`` whoever holds it: at start on SQLite (one process per file), a lease
        left in the file is a stopped run's. False when nobody held it."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute("DELETE FROM leases WHERE name = ?", (name,))
            return cursor.rowcount == 1

    async def holder(self, name: str, now: datetime) -> str | None:
        """Who holds ``name`` at ``now`` (None: nobody, or the lease ran out)."""
        async with self._db.conn.execute(
            "SELECT owner FROM leases WHERE name = ? AND expires_at >= ?", (name, utc_text(now))
        ) as cursor:
            row = await cursor.fetchone()
        return None if row is None else str(row[0])
