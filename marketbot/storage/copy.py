"""Copying every row of one marketbot database into another, across backends (``marketbot copy``:
a village's SQLite file up to PostgreSQL, or back).

Both databases are opened (and so migrated) to the same schema version first; the target must
hold no rows at all (the copy adds nothing to a database in use). Every table of
:data:`TABLES` is copied in that order (each table after the tables it refers to), ids and all,
in one transaction of the target: all of it or nothing. The catalogue's triggers write
``catalog_changes`` rows while the copy inserts stalls and products; those are replaced by the
source's own rows at the end. Then PostgreSQL's identity sequences are moved past the copied ids
(SQLite's row ids follow by themselves), so new rows never collide with copied ones.

The source should not be written meanwhile (stop the bot): rows are read table by table, tables
with an ``id`` in pages along it.

Usage::

    source, target = await Database.open("marketbot.db"), await Database.open(url)
    counts = await copy_database(source, target)    # {"users": 120, "products": 530, …}
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from marketbot.storage.db import Database

__all__ = ["TABLES", "CopyError", "copy_database", "row_counts"]

TABLES = (
    "markets",
    "users",
    "conversations",
    "photos",
    "photo_platform_ids",
    "stalls",
    "products",
    "market_schedules",
    "market_day_changes",
    "market_categories",
    "subscriptions",
    "reminder_settings",
    "reminders",
    "attendance",
    "stall_followers",
    "delivery_announcements",
    "delivery_outbox",
    "delivery_unreachable",
    "broadcasts",
    "broadcast_parts",
    "broadcast_settings",
    "push_allowance_uses",
    "notes_told",
    "search_log",
    "demand_reports",
    "inbox",
    "catalog_changes",
    "leases",
    "rate_buckets",
)
"""Every table but ``schema_migrations``, each after the tables it refers to (a test holds this
list and the migrated schema together)."""

PAGE = 5000
"""Rows read and written at once."""


class CopyError(Exception):
    """The copy cannot be made; the message says why."""


async def row_counts(db: Database) -> dict[str, int]:
    """Rows per table of :data:`TABLES`."""
    counts = {}
    for table in TABLES:
        rows = await db.read_all(f"SELECT count(*) FROM {table}")
        counts[table] = int(rows[0][0])
    return counts


async def _pages(db: Database, table: str) -> Any:
    """The rows of ``table``: along ``id`` in pages where it has one, else all at once."""
    probe = await db.read_all(f"SELECT * FROM {table} LIMIT 1")
    columns = list(probe[0].keys()) if probe else []  # `in` a row looks at its values
    if "id" not in columns:
        yield await db.read_all(f"SELECT * FROM {table}")
        return
    after = 0
    while True:
        rows = await db.read_all(
            f"SELECT * FROM {table} WHERE id > ? ORDER BY id LIMIT ?", (after, PAGE)
        )
        if not rows:
            return
        yield rows
        after = int(rows[-1]["id"])


async def _insert(conn: Any, table: str, rows: Sequence[Any]) -> None:
    columns = list(rows[0].keys())
    marks = ", ".join("?" for _ in columns)
    await conn.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
        [tuple(row) for row in rows],
    )


async def copy_database(source: Database, target: Database) -> dict[str, int]:
    """Copy every row of ``source`` into the empty ``target``; returns the rows per table."""
    if await source.applied_migrations() != await target.applied_migrations():
        raise CopyError("the two databases are at different schema versions")
    filled = {table: n for table, n in (await row_counts(target)).items() if n}
    if filled:
        raise CopyError(
            "the target database is not empty ("
            + ", ".join(f"{table}: {n} rows" for table, n in sorted(filled.items()))
            + "); copy into a new database"
        )
    copied: dict[str, int] = {}
    async with target.transaction() as conn:
        for table in TABLES:
            copied[table] = 0
            if table == "catalog_changes":  # the triggers' rows of this copy make way
                await conn.execute("DELETE FROM catalog_changes")
            async for rows in _pages(source, table):
                if rows:
                    await _insert(conn, table, rows)
                    copied[table] += len(rows)
        if target.backend == "postgresql":
            await _advance_sequences(conn)
    return copied


async def _advance_sequences(conn: Any) -> None:
    """Each identity sequence past the largest id copied into its column."""
    cursor = await conn.execute(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND is_identity = 'YES'"
    )
    for table, column in await cursor.fetchall():
        await conn.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'),"
            f" coalesce((SELECT max({column}) FROM {table}), 0) + 1, false)"
        )
