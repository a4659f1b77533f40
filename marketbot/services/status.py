"""A deployment's status for its operator: what ``GET /status`` answers, what ``marketbot
status`` prints and what ``outbox.depth`` logs every ``[log] outbox_every`` seconds.

No user data: the version, this process's owner id, the database backend, the migrations, the
outbox's rows by platform and state with the oldest queued row's age, and the leases with their
holders (:mod:`marketbot.storage.status_reads`).

Usage::

    status = await read_status(db, clock.now(), __version__)
    print("\\n".join(status_lines(status)))        # or status_json(status)
    async with depth_log(db, clock, platforms_served, every=60.0): ...
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import datetime

from marketbot.clock import Clock
from marketbot.services.logs import event
from marketbot.storage.db import Database, load_migrations
from marketbot.storage.leases import process_owner
from marketbot.storage.status_reads import HeldLease, StatusReads

__all__ = [
    "PlatformDepth",
    "Status",
    "depth_log",
    "log_depth",
    "read_status",
    "status_json",
    "status_lines",
]

logger = logging.getLogger(__name__)

_NAMES = {"pending": "queued", "sending": "in_flight", "held": "held"}
"""The outbox states as the status names them."""


@dataclass(frozen=True, slots=True)
class PlatformDepth:
    platform: str
    queued: int = 0
    in_flight: int = 0
    held: int = 0
    oldest_queued_s: float | None = None
    """Seconds the oldest due row queued has waited (None: nothing queued is due)."""


@dataclass(frozen=True, slots=True)
class Status:
    version: str
    owner: str
    backend: str
    schema_version: int
    migrations_known: int
    outbox: tuple[PlatformDepth, ...]
    leases: tuple[HeldLease, ...]
    """Named leases held now, then each owner's outbox rows in flight (name ``outbox``)."""

    @property
    def oldest_queued_s(self) -> float | None:
        ages = [d.oldest_queued_s for d in self.outbox if d.oldest_queued_s is not None]
        return max(ages, default=None)


async def _depth(
    reads: StatusReads, now: datetime, platforms: Iterable[str] = ()
) -> list[PlatformDepth]:
    counts: dict[str, dict[str, int]] = {name: {} for name in platforms}
    for depth in await reads.outbox_depth():
        counts.setdefault(depth.platform, {})[_NAMES[depth.state]] = depth.rows
    oldest = await reads.oldest_queued(now)
    for platform in oldest:
        counts.setdefault(platform, {})
    return [
        PlatformDepth(
            platform,
            oldest_queued_s=(
                round((now - oldest[platform]).total_seconds(), 1) if platform in oldest else None
            ),
            **counts[platform],
        )
        for platform in sorted(counts)
    ]


async def read_status(db: Database, now: datetime, version: str) -> Status:
    """The status of the deployment whose database is ``db``, seen from this process (which
    runs marketbot ``version``)."""
    reads = StatusReads(db)
    applied = await reads.migrations()
    return Status(
        version=version,
        owner=process_owner(),
        backend=db.backend,
        schema_version=max((m.number for m in applied), default=0),
        migrations_known=len(load_migrations()),
        outbox=tuple(await _depth(reads, now)),
        leases=tuple(await reads.leases(now) + await reads.outbox_leases()),
    )


def status_json(status: Status) -> dict[str, object]:
    """The status as ``GET /status`` answers it."""
    return {
        "version": status.version,
        "owner": status.owner,
        "database": {
            "backend": status.backend,
            "schema_version": status.schema_version,
            "migrations_known": status.migrations_known,
            "up_to_date": status.schema_version == status.migrations_known,
        },
        "outbox": {
            "platforms": {
                d.platform: {
                    "queued": d.queued,
                    "in_flight": d.in_flight,
                    "held": d.held,
                    "oldest_queued_s": d.oldest_queued_s,
                }
                for d in status.outbox
            },
            "oldest_queued_s": status.oldest_queued_s,
        },
        "leases": [
            {"name": lease.name, "owner": lease.owner, "expires_at": lease.expires_at}
            | ({"rows": lease.rows} if lease.name == "outbox" else {})
            for lease in status.leases
        ],
    }


def status_lines(status: Status) -> list[str]:
    """The status as ``marketbot status`` prints it."""
    behind = status.migrations_known - status.schema_version
    lines = [
        f"marketbot {status.version}",
        f"database: {status.backend}, schema version {status.schema_version}"
        + (f" ({behind} migrations not applied: run marketbot migrate)" if behind else ""),
        "outbox (queued / in flight / held, oldest queued):",
    ]
    for d in status.outbox:
        age = "-" if d.oldest_queued_s is None else f"{d.oldest_queued_s:g} s"
        lines.append(f"  {d.platform}: {d.queued} / {d.in_flight} / {d.held}, {age}")
    if not status.outbox:
        lines.append("  empty")
    lines.append("leases:")
    for lease in status.leases:
        rows = f" ({lease.rows} rows in flight)" if lease.name == "outbox" else ""
        lines.append(f"  {lease.name}: {lease.owner} until {lease.expires_at}{rows}")
    if not status.leases:
        lines.append("  none held")
    return lines


async def log_depth(db: Database, now: datetime, platforms: Iterable[str]) -> None:
    """One ``outbox.depth`` record per platform (those served and any with rows)."""
    for d in await _depth(StatusReads(db), now, platforms):
        event(
            logger,
            "outbox.depth",
            platform=d.platform,
            queued=d.queued,
            in_flight=d.in_flight,
            held=d.held,
            oldest_queued_s=d.oldest_queued_s,
        )


@contextlib.asynccontextmanager
async def depth_log(
    db: Database, clock: Clock, platforms: Iterable[str], *, every: float
) -> AsyncIterator[None]:
    """Log the outbox's depth every ``every`` seconds while inside (0: never)."""
    served = tuple(platforms)

    async def run() -> None:
        while True:
            try:
                await log_depth(db, clock.now(), served)
            except Exception:
                logger.exception("reading the outbox's depth failed")
            await asyncio.sleep(every)

    task = asyncio.create_task(run(), name="marketbot-outbox-depth") if every > 0 else None
    try:
        yield
    finally:
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
