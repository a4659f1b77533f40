"""Opening the database (SQLite, the embedded default, or PostgreSQL), its transactions, and
applying the numbered migrations.

:meth:`Database.transaction` is reentrant within one task: the chat core opens one per incoming
message, and every store call the handler makes joins it, so the user, the handler's writes, the
conversation and the messages queued for other people commit together or not at all. A joined
call takes no savepoint (one statement less each way): a statement that fails is undone by SQLite
itself, and a store call that fails after some of its writes fails the whole message, which the
core rolls back. Work that must wait for the commit (a catalogue change updating the search
index, a network call) registers with :meth:`Database.after_commit` /
:meth:`Database.catalog_changed`.

The database runs in WAL mode with ``synchronous = NORMAL``: a commit is durable across a crash
of the process (the WAL is in the operating system's hands once written); only a power cut or an
operating system crash can lose the last transactions, never corrupt the file.

The stores' statements run inline on the event loop's thread (:mod:`marketbot.storage.inline`:
microseconds each, where a trip to a worker thread costs far more); ``BEGIN`` never waits there
for another process's lock (it is retried with async sleeps), automatic checkpoints are off while
the database is watched (the watch checkpoints in a worker thread), and reads of a whole
catalogue go through :meth:`Database.read_all` on a second connection in a worker thread. The
``COMMIT`` of a transaction that wrote a great deal (a broadcast's million outbox rows) runs in a
worker thread too (:meth:`Database.commit_in_thread`), like the statements that wrote them
(:meth:`Database.execute_in_thread`), the write lock held until each has ended.

Other processes (``marketbot import``, a second bot) write the same file: :meth:`Database.watch`
polls ``PRAGMA data_version`` and tells the listeners registered with
:meth:`Database.on_external_change` (the search indexes, the stores' caches) within
:data:`WATCH_INTERVAL` seconds. Stores cache rows in memory only while the watch runs
(:attr:`Database.watching`).

Migrations are the files ``marketbot/storage/migrations/NNNN_name.sql``, append-only: each is
applied once, together with its row in ``schema_migrations``, in one transaction. Never edit one
that has shipped; add the next number instead. On PostgreSQL they are read and applied under an
advisory lock (:data:`MIGRATION_LOCK`): processes starting at once apply each migration once.

PostgreSQL (:meth:`Database.open` with a ``postgresql://`` URL): the stores' connection is a
:class:`~marketbot.storage.pg.PgConnection` (a pool; a transaction on a connection of its own,
other tasks on others), the migrations are applied through :func:`~marketbot.storage.pg_ddl.pg_ddl`
and the SQLite-only machinery has these counterparts there: ``BEGIN`` waits for row locks in the
server, not for a file lock (no retries); a statement "in a worker thread" is an ordinary awaited
statement (the server does the work, the loop is free meanwhile) and a ``COMMIT`` "in a thread" an
ordinary one; there are no checkpoints; :meth:`Database.read_all` reads on a pooled connection
(what was committed); the watch follows the catalogue's change feed (``catalog_changes``), not
every table, so the stores do not cache rows on PostgreSQL (:attr:`Database.watching` is
``False`` there).
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import aiosqlite

from marketbot.config import ConfigError
from marketbot.storage.dialect import POSTGRESQL, SQLITE, Dialect
from marketbot.storage.inline import InlineConnection
from marketbot.storage.pg_ddl import pg_ddl

if TYPE_CHECKING:
    from typing import TypeAlias

    from marketbot.storage.pg import PgConnection

    Connection: TypeAlias = InlineConnection | PgConnection
    """What the stores run their statements on: either backend's."""

__all__ = [
    "Database",
    "DatabaseOpenError",
    "Migration",
    "Queries",
    "inserted_id",
    "is_postgres_url",
    "load_migrations",
    "utc_text",
]

logger = logging.getLogger(__name__)

AfterCommit = Callable[[], Awaitable[None]]
ExternalChange = Callable[[], Awaitable[None]]

WATCH_INTERVAL = 0.5
"""Seconds between two looks at whether another process wrote the database."""
CHECKPOINT_EVERY = 20
"""Looks between two checkpoints of the write-ahead log (run in a worker thread)."""
BUSY_WAIT = 5.0
"""Seconds ``BEGIN`` waits for another process's write lock before failing."""
MIGRATION_LOCK = 0x6D61726B6574_01
"""The PostgreSQL advisory lock key (a fixed 64-bit number, "market" and 1) held while the
migrations are read and applied, so that two processes starting at once apply each one once."""


def is_postgres_url(target: str | Path) -> bool:
    """Whether ``target`` names a PostgreSQL database (else it is an SQLite file)."""
    return str(target).startswith(("postgresql://", "postgres://"))


class DatabaseOpenError(ConfigError):
    """The database cannot be used; the message says which file and what to do."""


class _Joined:
    """A store call's transaction inside the one its task has open: its statements are that
    one's, committed or rolled back with it."""

    __slots__ = ("conn",)

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    async def __aenter__(self) -> Connection:
        return self.conn

    async def __aexit__(self, *_exc: object) -> None:
        return None


@dataclass(eq=False)
class _Transaction:
    """The transaction open in this task: what to do once it commits. ``task`` is the task that
    opened it: a task started inside it inherits the context but not the transaction (it waits
    for the write lock like anyone else)."""

    db: Database
    task: asyncio.Task[Any] | None = None
    open: bool = True
    catalog_changed: bool = False
    commit_in_thread: bool = False
    after: list[AfterCommit] = field(default_factory=list)
    ended: list[Callable[[], None]] = field(default_factory=list)


_CURRENT: ContextVar[_Transaction | None] = ContextVar("marketbot_transaction", default=None)


class _Outer:
    """A transaction of its own (the write lock held from ``BEGIN`` to its end): committed when
    its block ends, rolled back when it raises; the steps after a commit run once the lock is
    released. A class, not a generator context manager: every chat turn opens one."""

    __slots__ = ("db", "token", "tx")

    def __init__(self, db: Database) -> None:
        self.db = db

    async def __aenter__(self) -> Connection:
        db = self.db
        await db._write_lock.acquire()
        self.tx = _Transaction(db, asyncio.current_task())
        self.token = _CURRENT.set(self.tx)
        try:
            await db._begin()
        except BaseException:
            self._close()
            raise
        return db.conn

    async def __aexit__(self, exc_type: type[BaseException] | None, *_exc: object) -> None:
        db, tx = self.db, self.tx
        try:
            await db._end(tx, commit=exc_type is None)
        finally:
            self._close()
        if exc_type is not None:
            return  # rolled back: the block's exception goes on
        if tx.catalog_changed:
            db.catalog_version += 1
        for callback in tx.after:
            try:
                await callback()
            except Exception:
                logger.exception("a step after a commit failed")

    def _close(self) -> None:
        """The transaction has ended (or never began): forget it, release the lock."""
        db, tx = self.db, self.tx
        try:
            tx.open = False
            _CURRENT.reset(self.token)
            if isinstance(db.conn, InlineConnection) and db.conn.owner is tx.task:
                db.conn.release()
            for ended in tx.ended:
                ended()
        finally:
            db._write_lock.release()


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
    """The stores' connection plus a lock that serialises write transactions, and (SQLite) a
    reader connection in a worker thread for whole-catalogue reads."""

    def __init__(self, conn: Connection, reader: aiosqlite.Connection | None = None) -> None:
        self.conn = conn
        self.reader = reader
        """Reads too big for the event loop's thread (``None`` for ``:memory:`` and
        PostgreSQL)."""
        self.dialect: Dialect = SQLITE if isinstance(conn, InlineConnection) else POSTGRESQL
        """The few spellings the stores' SQL differs in between the backends."""
        self._write_lock = asyncio.Lock()
        self.catalog_version = 0
        """Bumped after every committed change to what is on sale (stalls, products, who is
        coming), here or (seen by :meth:`watch`) in another process, so the search indexes and
        page caches know when to look."""
        self._external: list[ExternalChange] = []
        self._watch: asyncio.Task[None] | None = None
        self._data_version: int | None = None
        self.applied_now: list[Migration] = []
        """The migrations :meth:`open` applied (none when the database was up to date)."""

    @property
    def backend(self) -> Literal["sqlite", "postgresql"]:
        return self.dialect.name

    @property
    def watching(self) -> bool:
        """Whether other processes' writes are noticed (so rows may be cached in memory):
        on SQLite only, where ``PRAGMA data_version`` covers every table (asked a dozen times a
        chat turn: an attribute or two)."""
        watch = self._watch
        return watch is not None and self.dialect is SQLITE and not watch.done()

    @property
    def _watched(self) -> bool:
        return self._watch is not None and not self._watch.done()

    def on_external_change(self, listener: ExternalChange) -> None:
        """Call ``listener`` whenever another process has committed to the database."""
        self._external.append(listener)

    async def data_version(self) -> int:
        """SQLite's ``PRAGMA data_version``: changes when another connection commits. On
        PostgreSQL the catalogue's change feed: its newest row and how many rows it has (a
        change numbered before the newest but committed after it adds a row, not a newer one)."""
        sql = "PRAGMA data_version"
        if self.backend == "postgresql":
            sql = "SELECT coalesce(max(seq), 0) * 1000003 + count(*) FROM catalog_changes"
        async with self.conn.execute(sql) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def check_external(self) -> bool:
        """Whether another process committed since the last look; if so the listeners run."""
        version = await self.data_version()
        changed = self._data_version is not None and version != self._data_version
        self._data_version = version
        if changed:
            self.catalog_version += 1
            for listener in self._external:
                try:
                    await listener()
                except Exception:
                    logger.exception("reacting to another process's change failed")
        return changed

    async def watch(self) -> None:
        """Start noticing other processes' writes (every :data:`WATCH_INTERVAL` seconds)."""
        if self._watched:
            return
        await self.check_external()
        if self.reader is not None:  # SQLite on a file
            await self.conn.execute("PRAGMA wal_autocheckpoint = 0")

        async def run() -> None:
            looks = 0
            while True:
                await asyncio.sleep(WATCH_INTERVAL)
                looks += 1
                try:
                    await self.check_external()
                    if looks % CHECKPOINT_EVERY == 0:
                        await self._checkpoint()
                except Exception:
                    logger.exception("looking for other processes' changes failed")

        self._watch = asyncio.create_task(run(), name="marketbot-data-version")

    async def unwatch(self) -> None:
        if self._watch is not None:
            self._watch.cancel()
            await asyncio.gather(self._watch, return_exceptions=True)
            self._watch = None
            if self.reader is not None:
                await self.conn.execute("PRAGMA wal_autocheckpoint = 1000")
                await self._checkpoint()

    @classmethod
    async def open(cls, path: str | Path, *, migrate: bool = True) -> Database:
        """Open (creating if needed) and migrate the database at ``path`` (``:memory:`` works),
        or the PostgreSQL database of a ``postgresql://`` URL (it must exist; its tables are
        created and migrated).

        Any failure (a folder that cannot be written, a file that is not a database, a server
        that cannot be reached, a failing migration, a database of a newer version) closes the
        connection again and raises :class:`DatabaseOpenError` naming the database and what to
        do. ``migrate=False`` opens it as it is (``marketbot status`` reads, never migrates)."""
        if is_postgres_url(path):
            return await cls._open_postgres(str(path), migrate)
        conn: InlineConnection | None = None
        reader: aiosqlite.Connection | None = None
        try:
            if str(path) != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            conn = InlineConnection(  # in a worker thread only by execute_in_thread
                sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
            )
            conn.raw.row_factory = sqlite3.Row
            await conn.execute("PRAGMA foreign_keys = ON")
            await conn.execute("PRAGMA busy_timeout = 5000")  # while migrating, at start
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA synchronous = NORMAL")
            db = cls(conn)
            if migrate:
                db.applied_now = await db.migrate()
            await conn.execute("PRAGMA busy_timeout = 0")  # BEGIN retries without blocking
            if str(path) != ":memory:":
                reader = await aiosqlite.connect(str(path), isolation_level=None)
                reader.row_factory = aiosqlite.Row
                await reader.execute("PRAGMA busy_timeout = 5000")
                db.reader = reader
                conn.side = sqlite3.connect(str(path), isolation_level=None)
                conn.side.row_factory = sqlite3.Row
        except (OSError, sqlite3.Error, DatabaseOpenError) as err:
            if conn is not None:
                await conn.close()
            if reader is not None:
                await reader.close()
            if isinstance(err, DatabaseOpenError):
                raise
            raise DatabaseOpenError(
                f"The database {path} cannot be opened: {err}. Check that the file is a marketbot "
                "database (SQLite) and that its folder can be written, or point [database] path "
                "(or --db) at another file."
            ) from err
        return db

    @classmethod
    async def _open_postgres(cls, url: str, migrate: bool) -> Database:
        try:
            import psycopg
            import psycopg_pool

            from marketbot.storage.pg import PgConnection
        except ImportError as err:  # a dependency, but say what to do if it is missing
            raise DatabaseOpenError(
                f"PostgreSQL needs the Python package psycopg ({err}): install marketbot's "
                "dependencies again (pip install -e .), or use an SQLite file ([database] path)."
            ) from err
        shown = re.sub(r"//[^@/]*@", "//…@", url)  # no password in messages
        try:
            conn = await PgConnection.open(url)
            try:
                db = cls(conn)
                if migrate:
                    db.applied_now = await db.migrate()
            except BaseException:
                await conn.close()
                raise
        except (psycopg.Error, psycopg_pool.PoolTimeout) as err:
            raise DatabaseOpenError(
                f"The PostgreSQL database {shown} cannot be used: {err}. Check that the server "
                "runs, that the database exists (createdb) and that the user may create tables "
                "in it, or set [database] url (or MARKETBOT_DATABASE_URL) to another one."
            ) from err
        return db

    async def close(self) -> None:
        await self.unwatch()
        if self.reader is not None:
            await self.reader.close()
        await self.conn.close()

    async def read_all(
        self, sql: str, params: Sequence[object] | Mapping[str, object] = ()
    ) -> list[aiosqlite.Row]:
        """Rows of a big read (a whole catalogue, a county's audience counted), read in a
        worker thread on the reader connection (PostgreSQL: on a pooled connection): they are
        what was committed, never another task's open transaction."""
        if not isinstance(self.conn, InlineConnection):
            return await self.conn.read_committed(sql, params)
        if self.reader is None:
            async with self.conn.execute(sql, params) as cursor:
                return list(await cursor.fetchall())
        return list(await self.reader.execute_fetchall(sql, params))

    async def _begin(self) -> None:
        """``BEGIN IMMEDIATE``; while another process holds the write lock, retried with async
        sleeps (never blocking the loop) for up to :data:`BUSY_WAIT` seconds."""
        if not isinstance(self.conn, InlineConnection):
            await self.conn.begin()
            return
        delay, waited = 0.001, 0.0
        while True:
            try:
                await self.conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as err:
                if "locked" not in str(err) and "busy" not in str(err):
                    raise
                if waited >= BUSY_WAIT:
                    raise
            await asyncio.sleep(delay)
            waited += delay
            delay = min(delay * 2, 0.05)

    async def _checkpoint(self) -> None:
        """Copy the write-ahead log into the database file, in a worker thread."""
        if self.reader is not None:
            await self.reader.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def _current(self) -> _Transaction | None:
        tx = _CURRENT.get()
        mine = tx is not None and tx.task is asyncio.current_task()
        return tx if tx is not None and tx.db is self and tx.open and mine else None

    async def _end(self, tx: _Transaction, commit: bool) -> None:
        if not isinstance(self.conn, InlineConnection):
            await self.conn.end(commit)
        elif not commit:
            await self.conn.execute("ROLLBACK")
        elif tx.commit_in_thread:
            await self.execute_in_thread("COMMIT")
        else:
            await self.conn.execute("COMMIT")

    def transaction(self) -> AbstractAsyncContextManager[Connection]:
        """A write transaction: committed on success, rolled back on any exception.

        Inside another transaction of the same task it joins that one: its writes commit with
        the outer transaction (see the module doc for a failure inside). Joining is what most
        store calls do (a chat turn makes a dozen): it costs one object, nothing more."""
        if self._current() is not None:
            return _Joined(self.conn)
        return _Outer(self)

    async def execute_in_thread(
        self, sql: str, params: Sequence[object] | Mapping[str, object] = ()
    ) -> None:
        """Run a statement that writes many rows (a chunk of a broadcast's audience) on the
        inline connection, in a worker thread while the event loop carries on; the connection
        is free again only once it has ended, even when the waiting task is cancelled. Only
        inside a transaction of this task, whose write lock keeps other writers away; until
        that transaction ends, other tasks' reads go to the side connection and their other
        statements wait (:mod:`marketbot.storage.inline`). On PostgreSQL an ordinary statement
        of the transaction (the server works, the loop is free)."""
        if not isinstance(self.conn, InlineConnection):
            await self.conn.execute(sql, params)
            return
        tx = self._current()
        if tx is not None:
            self.conn.lend(tx.task)
        done = asyncio.get_running_loop().run_in_executor(None, self.conn.raw.execute, sql, params)
        try:
            await asyncio.shield(done)
        except asyncio.CancelledError:
            await asyncio.wait([done])
            raise

    def commit_in_thread(self) -> None:
        """The current transaction writes a great deal: its ``COMMIT``, which writes the pages
        still in memory out to the log (~70 ms after a million rows), runs in a worker thread
        while the event loop carries on (the write lock held meanwhile)."""
        tx = self._current()
        if tx is not None:
            tx.commit_in_thread = True

    def catalog_changed(self) -> None:
        """What is on sale changed: the search cache is invalidated once this commits."""
        tx = self._current()
        if tx is None:
            self.catalog_version += 1
        else:
            tx.catalog_changed = True

    def when_ended(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once the current transaction has ended, committed or rolled back
        (at once if none is open)."""
        tx = self._current()
        if tx is None:
            callback()
        else:
            tx.ended.append(callback)

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
        that has migrations this code does not know (a newer marketbot wrote it) is refused.

        On PostgreSQL several processes may start at once (or ``marketbot migrate`` run while a
        bot starts): the reading of ``schema_migrations`` and the applying are done under the
        session advisory lock :data:`MIGRATION_LOCK`, held on a pooled connection of its own,
        so the second process waits, then finds nothing to do. (SQLite serves one bot process
        per file: there the migrations are not locked beyond their own transactions.)"""
        if isinstance(self.conn, InlineConnection):
            return await self._migrate()
        async with self.conn.pool.connection() as holder:
            await holder.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
            try:
                return await self._migrate()
            finally:
                await holder.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))

    async def _migrate(self) -> list[Migration]:
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
            sql, begin = migration.sql, "BEGIN IMMEDIATE"
            if self.backend == "postgresql":
                sql, begin = pg_ddl(sql), "BEGIN"
            script = (
                f"{begin};\n"
                f"{sql}\n;"
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


async def inserted_id(conn: Connection, sql: str, params: Sequence[object]) -> int:
    """Run the ``INSERT`` ``sql`` of one row and return the row's ``id``: SQLite's last row id
    (``RETURNING`` costs SQLite a step of the statement and a fetch more, and every chat turn's
    reply inserts two rows), PostgreSQL's ``RETURNING id``."""
    if isinstance(conn, InlineConnection):
        cursor = await conn.execute(sql, params)
        assert cursor.lastrowid is not None
        return cursor.lastrowid
    returned = await conn.execute(sql + " RETURNING id", params)
    return int((await returned.fetchone())[0])


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
            row: aiosqlite.Row | None = await cursor.fetchone()
            return row

    async def _all(self, sql: str, params: Sequence[object] = ()) -> list[aiosqlite.Row]:
        async with self.db.conn.execute(sql, params) as cursor:
            return list(await cursor.fetchall())
