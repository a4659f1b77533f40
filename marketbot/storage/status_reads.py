"""What an operator reads of a running deployment: migrations applied, the outbox's depth by
state and platform, how long the oldest queued message has waited, and who holds which lease.
Read-only, and no user data (counts, platform names, lease names and owners only).

The counts over the outbox go through :meth:`~marketbot.storage.db.Database.read_all` (a worker
thread on SQLite, a pooled connection on PostgreSQL): a broadcast's million rows are counted off
the event loop.

Usage::

    reads = StatusReads(db)
    depth = await reads.outbox_depth()          # [Depth(platform, "pending", 120), ...]
    oldest = await reads.oldest_queued(now)     # {platform: datetime(...)}
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from marketbot.storage.db import Queries, utc_text
from marketbot.storage.dialect import like_escaped

__all__ = ["QUEUED_STATES", "AppliedMigration", "Depth", "HeldLease", "StatusReads"]

QUEUED_STATES = ("pending", "sending", "held")
"""The outbox states counted: queued (``pending``, retries waiting included), in flight
(``sending``) and held for the person's next message (``held``)."""
_QUEUED = ", ".join(f"'{state}'" for state in QUEUED_STATES)


@dataclass(frozen=True, slots=True)
class AppliedMigration:
    number: int
    name: str
    applied_at: str


@dataclass(frozen=True, slots=True)
class Depth:
    platform: str
    state: str
    rows: int


@dataclass(frozen=True, slots=True)
class HeldLease:
    """A named lease (``leases``) or, with ``rows``, the outbox rows one owner has in flight."""

    name: str
    owner: str
    expires_at: str
    rows: int = 0


def _instant(value: object) -> datetime:
    return datetime.fromisoformat(str(value))


class StatusReads(Queries):
    """The status queries (see module)."""

    async def migrations(self) -> list[AppliedMigration]:
        rows = await self._all(
            "SELECT number, name, applied_at FROM schema_migrations ORDER BY number"
        )
        return [AppliedMigration(int(r[0]), str(r[1]), str(r[2])) for r in rows]

    async def outbox_depth(self) -> list[Depth]:
        """Rows queued, in flight and held, by platform and state (none: no row)."""
        rows = await self.db.read_all(
            "SELECT platform, state, count(*) FROM delivery_outbox"
            f" WHERE state IN ({_QUEUED})"
            " GROUP BY platform, state ORDER BY platform, state"
        )
        return [Depth(str(r[0]), str(r[1]), int(r[2])) for r in rows]

    async def oldest_queued(self, now: datetime) -> dict[str, datetime]:
        """By platform, since when its oldest queued row has been due: its announcement's
        ``not_before`` (a scheduled broadcast) or creation. Rows of announcements not due yet
        are left out; a row waiting to be retried counts from its announcement too."""
        rows = await self.db.read_all(
            "SELECT o.platform, min(coalesce(a.not_before, a.created_at))"
            " FROM delivery_announcements a"
            " JOIN delivery_outbox o ON o.announcement_id = a.id AND o.state = 'pending'"
            " WHERE a.finished_at IS NULL AND a.cancelled_at IS NULL"
            " AND coalesce(a.not_before, a.created_at) <= ?"
            " GROUP BY o.platform ORDER BY o.platform",
            (utc_text(now),),
        )
        return {str(r[0]): _instant(r[1]) for r in rows}

    async def leases(self, now: datetime) -> list[HeldLease]:
        """The named leases held at ``now`` (expired ones are free: left out)."""
        rows = await self._all(
            "SELECT name, owner, expires_at FROM leases WHERE expires_at >= ? ORDER BY name",
            (utc_text(now),),
        )
        return [HeldLease(str(r[0]), str(r[1]), str(r[2])) for r in rows]

    async def outbox_leases(self) -> list[HeldLease]:
        """Per owner, the outbox rows it has in flight and when its latest lease runs out."""
        rows = await self.db.read_all(
            "SELECT lease_owner, count(*), max(lease_expires_at) FROM delivery_outbox"
            " WHERE state = 'sending' AND lease_owner IS NOT NULL"
            " GROUP BY lease_owner ORDER BY lease_owner"
        )
        return [HeldLease("outbox", str(r[0]), str(r[2]), rows=int(r[1])) for r in rows]

    async def lease(self, name: str) -> HeldLease | None:
        """The row of lease ``name``, expired or not (None: nobody has taken it)."""
        row = await self._one("SELECT name, owner, expires_at FROM leases WHERE name = ?", (name,))
        return None if row is None else HeldLease(str(row[0]), str(row[1]), str(row[2]))

    async def expired(self, prefix: str, now: datetime) -> list[str]:
        """The names of the leases starting with ``prefix`` that ran out before ``now``: claims
        their holder left (it stopped or was killed)."""
        rows = await self._all(
            "SELECT name FROM leases WHERE name LIKE ? ESCAPE '\\' AND expires_at < ?"
            " ORDER BY name",
            (like_escaped(prefix) + "%", utc_text(now)),
        )
        return [str(r[0]) for r in rows]
