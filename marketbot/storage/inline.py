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
``executemany``, ``executescript``, ``execute_fetchall``, ``set_trace_callback``, ``close``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from types import TracebackType
from typing import Any

__all__ = ["InlineConnection", "InlineCursor"]


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

    def __aiter__(self) -> InlineCursor:
        return self

    async def __anext__(self) -> Any:
        row = self._cursor.fetchone()
        if row is None:
            raise StopAsyncIteration
        return row

    async def close(self) -> None:
        self._cursor.close()


class _Statement:
    """``await conn.execute(...)`` or ``async with conn.execute(...) as cursor``."""

    def __init__(self, run: Callable[[], sqlite3.Cursor]) -> None:
        self._run = run
        self._cursor: InlineCursor | None = None

    async def _result(self) -> InlineCursor:
        return InlineCursor(self._run())

    def __await__(self) -> Generator[Any, None, InlineCursor]:
        return self._result().__await__()

    async def __aenter__(self) -> InlineCursor:
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


class InlineConnection:
    """A ``sqlite3`` connection in autocommit mode (transactions are explicit ``BEGIN``)."""

    def __init__(self, raw: sqlite3.Connection) -> None:
        self.raw = raw

    @property
    def in_transaction(self) -> bool:
        return self.raw.in_transaction

    def execute(self, sql: str, parameters: Sequence[Any] | Mapping[str, Any] = ()) -> _Statement:
        return _Statement(lambda: self.raw.execute(sql, parameters))

    def executemany(
        self, sql: str, parameters: Iterable[Sequence[Any] | Mapping[str, Any]]
    ) -> _Statement:
        return _Statement(lambda: self.raw.executemany(sql, parameters))

    async def executescript(self, script: str) -> InlineCursor:
        return InlineCursor(self.raw.executescript(script))

    async def execute_fetchall(self, sql: str, parameters: Sequence[Any] = ()) -> list[Any]:
        return self.raw.execute(sql, parameters).fetchall()

    async def set_trace_callback(self, callback: Callable[[str], object] | None) -> None:
        self.raw.set_trace_callback(callback)

    async def close(self) -> None:
        self.raw.close()
