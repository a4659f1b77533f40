"""Opening the SQLite database (WAL, foreign keys), its transactions, and applying the numbered
migrations.

:meth:`Database.transaction` is reentrant within one task: the chat core opens one per incoming
message, and every store call the handler makes joins it (as a savepoint, so a store call that
fails undoes only its own writes), so the user, the handler's writes, the conversation and the
messages queued for other people commit together or not at all. Work that must wait for the
commit (a catalogue change invalidating the search cache, a network call) registers with
:meth:`Database.after_commit` / :meth:`Database.catalog_changed`.

Migrations are the files ``marketbot/storage/migrations/NNNN_name.sql``, append-only: each is
applied once, together with its row in ``schema_migrations``, in one transaction. Never edit one
that has shipped; add the next number instead.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

from marketbot.config import ConfigError

__all__ = ["Database", "DatabaseOpenError", "Migration", "Queries", "load_migrations", "utc_text"]

logger = logging.getLogger(__name__)

AfterCommit = Callable[[], Awaitable[None]]


class DatabaseOpenError(ConfigError):
    """The database cannot be used; the message says which file and what to do."""


@dataclass(eq=False)
class _Transaction:
    """The transaction open in this task: what to do once it commits. ``task`` is the task that
    opened it: a task started inside it inherits the context but not the transaction (it waits
    for the write lock like anyone else)."""

    db: Database
    task: asyncio.Task[Any] | None = None
    open: bool = True
    catalog_changed: bool = False
    after: list[AfterCommit] = field(default_factory=list)


_CURRENT: ContextVar[_Transaction | None] = ContextVar("marketbot_transaction", default=None)
_SAVEPOINTS = itertools.count(1)

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
        """Bumped after every committed change to what is on sale (stalls, products, who is
        coming), so the search index knows when to rebuild."""

    @classmethod
    async def open(cls, path: str | Path) -> Database:
        """Open (creating if needed) and migrate the database at ``path`` (``:memory:`` works).

        Any failure (a folder that cannot be written, a file that is not a database, a failing
        migration, a database of a newer version) closes the connection again and raises
        :class:`DatabaseOpenError` naming the file and what to do."""
        conn: aiosqlite.Connection | None = None
        try:
            if str(path) != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            conn = await aiosqlite.connect(str(path), isolation_level=None)
            conn.row_factory = aiosqlite.Row
            await conn.execute("PRAGMA foreign_keys = ON")
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA busy_timeout = 5000")
            db = cls(conn)
            await db.migrate()
        except (OSError, sqlite3.Error, DatabaseOpenError) as err:
            if conn is not None:
                await conn.close()
            if isinstance(err, DatabaseOpenError):
                raise
            raise DatabaseOpenError(
                f"The database {path} cannot be opened: {err}. Check that the file is a marketbot "
                "database (SQLite) and that its folder can be written, or point [database] path "
                "(or --db) at another file."
            ) from err
        return db

    async def close(self) -> None:
        await self.conn.close()

    def _current(self) -> _Transaction | None:
        tx = _CURRENT.get()
        mine = tx is not None and tx.task is asyncio.current_task()
        return tx if tx is not None and tx.db is self and tx.open and mine else None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """A write transaction: committed on success, rolled back on any exception.

        Inside another transaction of the same task it is a savepoint of that one: its writes
        commit with the outer transaction, and an exception undoes only them."""
        outer = self._current()
        if outer is not None:
            name = f"sp{next(_SAVEPOINTS)}"
            await self.conn.execute(f"SAVEPOINT {name}")
            try:
                yield self.conn
            except BaseException:
                await self.conn.execute(f"ROLLBACK TO {name}")
                await self.conn.execute(f"RELEASE {name}")
                raise
            await self.conn.execute(f"RELEASE {name}")
            return
        async with self._write_lock:
            tx = _Transaction(self, asyncio.current_task())
            token = _CURRENT.set(tx)
            try:
                await self.conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self.conn
                except BaseException:
                    await self.conn.execute("ROLLBACK")
                    raise
                await self.conn.execute("COMMIT")
            finally:
                tx.open = False
                _CURRENT.reset(token)
        if tx.catalog_changed:
            self.catalog_version += 1
        for callback in tx.after:
            try:
                await callback()
            except Exception:
                logger.exception("a step after a commit failed")

    def catalog_changed(self) -> None:
        """What is on sale changed: the search cache is invalidated once this commits."""
        tx = self._current()
        if tx is None:
            self.catalog_version += 1
        else:
            tx.catalog_changed = True

    async def after_commit(self, callback: AfterCommit) -> None:
        """Run ``callback`` once the current transaction has committed (at once if none is
        open); never if it rolls back."""
        tx = self._current()
        if tx is None:
            await callback()
        else:
            tx.after.append(callback)

    async def applied_migrations(self) -> set[int]:
        await self.conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " number INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        async with self.conn.execute("SELECT number FROM schema_migrations") as cursor:
            return {int(row[0]) async for row in cursor}

    async def migrate(self) -> list[Migration]:
        """Apply every migration not applied yet; returns the ones applied now. A database
        that has migrations this code does not know (a newer marketbot wrote it) is refused."""
        done = await self.applied_migrations()
        known = load_migrations()
        newer = sorted(done - {m.number for m in known})
        if newer:
            raise DatabaseOpenError(
                "This database was written by a newer marketbot: it has schema version "
                f"{max(done)}, this marketbot knows versions up to {len(known)}. Upgrade "
                "marketbot (or open a copy of the database made before the upgrade)."
            )
        applied: list[Migration] = []
        for migration in known:
            if migration.number in done:
                continue
            stamp = utc_text(datetime.now(UTC))
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


def utc_text(when: datetime) -> str:
    """An instant as stored: ISO text in UTC, so that text order is time order."""
    if when.tzinfo is None:
        raise ValueError("instants must carry a time zone")
    return when.astimezone(UTC).isoformat()


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
