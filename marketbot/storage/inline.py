"""An SQLite connection used on the event loop's own thread, with aiosqlite's async interface.

The statements of one message are small (a row by its key, a row inserted): SQLite runs each in
microseconds, while handing it to aiosqlite's worker thread and waking the loop again costs ten
times that, twice, with the two threads fighting for the interpreter lock. So the stores' SQL
runs here, inline. What could take long is kept off the loop: waiting for another process's
write lock (``busy_timeout`` is 0 here; :class:`~marketbot.storage.db.Database` retries ``BEGIN``
with async sleeps), checkpoints of the write-ahead log (automatic ones are off while the database
is watched; the watch runs them on a reader connection in a worker thread) and reading a whole
county's listings (the reader connection again).

Only what the stores use is offered: ``execute`` (awaited, or as ``async with``),
``executemany``, ``executescript``, ``execute_fetchall``, ``set_trace_callback``, ``close``, and
``read_committed`` for a few rows of what was committed (the catalogue's change feed), read
inline on the side connection where a trip to the reader connection's worker thread would wait
for the interpreter lock while the loop's thread is busy.

A transaction that runs statements in a worker thread (a broadcast's chunks,
:meth:`~marketbot.storage.db.Database.execute_in_thread`) lets the loop go on while it is open:
from then until it ends (:meth:`InlineConnection.lend` … :meth:`InlineConnection.release`) another
task's statement must not see its uncommitted rows, nor land inside it. A read (``SELECT``) of
another task then runs on a second connection of the same file (``side``: it sees what was
committed, WAL readers never wait for the writer); any other statement, or a read where there is
no second connection (``:memory:``), waits until the transaction has ended.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from types import TracebackType
from typing import Any, Generic, Protocol, TypeVar

__all__ = ["InlineConnection", "InlineCursor", "Statement"]

_READ = re.compile(r"\s*(?:SELECT|WITH)\b", flags=re.IGNORECASE)


class _Closing(Protocol):
    async def close(self) -> None: ...


CursorT = TypeVar("CursorT", bound=_Closing)


class InlineCursor:
    """A finished statement's cursor: its rows, ``rowcount`` and ``lastrowid``."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def fetchmany(self, size: int) -> list[Any]:
        """The next ``size`` rows at most (SQLite steps the statement only that far)."""
        return self._cursor.fetchmany(size)

    def __aiter__(self) -> InlineCursor:
        return self

    async def __anext__(self) -> Any:
        row = self._cursor.fetchone()
        if row is None:
            raise StopAsyncIteration
        return row

    async def close(self) -> None:
        self._cursor.close()


class Statement(Generic[CursorT]):
    """``await conn.execute(...)`` or ``async with conn.execute(...) as cursor`` (closed at the
    end), whatever the backend: a subclass says how the statement runs."""

    _cursor: CursorT | None = None

    async def _result(self) -> CursorT:
        raise NotImplementedError

    def __await__(self) -> Generator[Any, None, CursorT]:
        return self._result().__await__()

    async def __aenter__(self) -> CursorT:
        self._cursor = await self._result()
        return self._cursor

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._cursor is not None:
            await self._cursor.close()


class _Statement(Statement[InlineCursor]):
    """A statement on the inline connection (or its side connection)."""

    def __init__(
        self,
        conn: InlineConnection,
        sql: str,
        run: Callable[[sqlite3.Connection], sqlite3.Cursor],
    ) -> None:
        self._conn = conn
        self._sql = sql
        self._run = run

    async def _result(self) -> InlineCursor:
        conn = self._conn
        while conn.owner is not None and conn.owner is not asyncio.current_task():
            if conn.side is not None and _READ.match(self._sql):
                return InlineCursor(self._run(conn.side))
            await conn.free.wait()
        return InlineCursor(self._run(conn.raw))


class InlineConnection:
    """A ``sqlite3`` connection in autocommit mode (transactions are explicit ``BEGIN``), and
    optionally a second one, ``side``, for other tasks' reads while a transaction is lent to a
    worker thread."""

    def __init__(self, raw: sqlite3.Connection, side: sqlite3.Connection | None = None) -> None:
        self.raw = raw
        self.side = side
        self.owner: asyncio.Task[object] | None = None
        """The task whose transaction is lent to a worker thread, until it ends."""
        self.free = asyncio.Event()
        self.free.set()

    def lend(self, owner: asyncio.Task[object] | None) -> None:
        """From now until :meth:`release`, only ``owner`` runs statements here (see the module
        doc)."""
        self.owner = owner
        self.free.clear()

    def release(self) -> None:
        self.owner = None
        self.free.set()

    @property
    def in_transaction(self) -> bool:
        return self.raw.in_transaction

    def execute(self, sql: str, parameters: Sequence[Any] | Mapping[str, Any] = ()) -> _Statement:
        return _Statement(self, sql, lambda raw: raw.execute(sql, parameters))

    def executemany(
        self, sql: str, parameters: Iterable[Sequence[Any] | Mapping[str, Any]]
    ) -> _Statement:
        return _Statement(self, sql, lambda raw: raw.executemany(sql, parameters))

    async def executescript(self, script: str) -> InlineCursor:
        return InlineCursor(self.raw.executescript(script))

    async def read_committed(
        self, sql: str, parameters: Sequence[Any] | Mapping[str, Any] = ()
    ) -> list[Any] | None:
        """Rows of a small read of what was committed, on the side connection (a WAL reader:
        it never sees an open transaction's rows nor waits for one); ``None`` where there is
        no side connection (``:memory:``)."""
        if self.side is None:
            return None
        return self.side.execute(sql, parameters).fetchall()

    async def execute_fetchall(self, sql: str, parameters: Sequence[Any] = ()) -> list[Any]:
        cursor = await self.execute(sql, parameters)
        return await cursor.fetchall()

    async def set_trace_callback(self, callback: Callable[[str], object] | None) -> None:
        self.raw.set_trace_callback(callback)

    async def close(self) -> None:
        if self.side is not None:
            self.side.close()
        self.raw.close()
