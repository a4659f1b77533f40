"""Opening the SQLite database (WAL, foreign keys) and applying the numbered migrations.

Migrations are the files ``marketbot/storage/migrations/NNNN_name.sql``, append-only: each is
applied once, together with its row in ``schema_migrations``, in one transaction. Never edit one
that has shipped; add the next number instead.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import aiosqlite

__all__ = ["Database", "Migration", "Queries", "load_migrations"]

_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    number: int
    name: str
    sql: str


def load_migrations() -> list[Migration]:
    """All migrations shipped in the package, in order; numbers must be 1, 2, 3, … without gaps."""
    found: list[Migration] = []
    for entry in resources.files("marketbot.storage.migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.number)
    numbers = [m.number for m in found]
    if numbers != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migration numbers must run 1..n without gaps, found {numbers}")
    return found


class Database:
    """One aiosqlite connection plus a lock that serialises write transactions."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn
        self._write_lock = asyncio.Lock()
        self.catalog_version = 0
        """Bumped by every change to what is on sale (stalls, products, who is coming), so
        the search index knows when to rebuild."""

    @classmethod
    async def open(cls, path: str | Path) -> Database:
        """Open (creating if needed) and migrate the database at ``path`` (``:memory:`` works)."""
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(str(path), isolation_level=None)
        conn.row_factory = aiosqlite.Row
        await conn.execute("PRAGMA foreign_keys = ON")
        await conn.execute("PRAGMA journal_mode = WAL")
        await conn.execute("PRAGMA busy_timeout = 5000")
        db = cls(conn)
        await db.migrate()
        return db

    async def close(self) -> None:
        await self.conn.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """A write transaction: committed on success, rolled back on any exception."""
        async with self._write_lock:
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            await self.conn.execute("COMMIT")

    async def applied_migrations(self) -> set[int]:
        await self.conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " number INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        async with self.conn.execute("SELECT number FROM schema_migrations") as cursor:
            return {int(row[0]) async for row in cursor}

    async def migrate(self) -> list[Migration]:
        """Apply every migration not applied yet; returns the ones applied now."""
        done = await self.applied_migrations()
        applied: list[Migration] = []
        for migration in load_migrations():
            if migration.number in done:
                continue
            stamp = datetime.now(UTC).isoformat()
            name = migration.name.replace("'", "")
            script = (
                "BEGIN IMMEDIATE;\n"
                f"{migration.sql}\n;"
                "INSERT INTO schema_migrations (number, name, applied_at) "
                f"VALUES ({migration.number}, '{name}', '{stamp}');\n"
                "COMMIT;"
            )
            async with self._write_lock:
                try:
                    await self.conn.executescript(script)
                except BaseException:
                    if self.conn.in_transaction:
                        await self.conn.execute("ROLLBACK")
                    raise
            applied.append(migration)
        return applied


class Queries:
    """Base of the stores: the database and two read helpers."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def _one(self, sql: str, params: Sequence[object] = ()) -> aiosqlite.Row | None:
        async with self.db.conn.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def _all(self, sql: str, params: Sequence[object] = ()) -> list[aiosqlite.Row]:
        async with self.db.conn.execute(sql, params) as cursor:
            return list(await cursor.fetchall())
