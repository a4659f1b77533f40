"""PostgreSQL behind the stores' connection interface (psycopg 3 and its async pool).

The stores talk to :class:`~marketbot.storage.inline.InlineConnection`'s interface: ``await
conn.execute(sql, params)`` or ``async with conn.execute(...) as cursor``, ``executemany``,
``execute_fetchall``, ``cursor.rowcount``, rows indexable by name and by position.
:class:`PgConnection` offers the same over a pool of PostgreSQL connections, so the stores keep
one code path.

Where a statement runs: inside a transaction (:meth:`PgConnection.begin`), the task that opened
it uses the transaction's own connection; every other task, and every statement outside a
transaction, takes a pooled connection in autocommit mode. So another task never sees (nor joins)
an open transaction's uncommitted rows: it reads what was committed, as PostgreSQL's isolation
gives.

The statements are the stores' SQLite text, translated by :func:`pg_sql`, which does only this:
``?`` becomes ``%s``, ``:name`` becomes ``%(name)s`` and a literal ``%`` becomes ``%%`` (psycopg's
placeholders); in a quoted string a ``?`` or ``:name`` stays, a ``%`` is doubled too. Parameters:
a Python ``bool`` is sent as the integer 0 or 1, as SQLite stores it (the schema keeps flags as
integers on both). Instants are ``timestamptz`` columns here (:mod:`marketbot.storage.pg_ddl`)
and ISO text in the stores, as on SQLite: text parameters are cast by the server, and a
``timestamptz`` is read back as the text :func:`~marketbot.storage.db.utc_text` writes
(``2026-12-01T02:00:00+00:00``).

Usage::

    conn = await PgConnection.open("postgresql://marketbot@127.0.0.1:5432/marketbot")
    async with conn.execute("SELECT id, name FROM markets WHERE id = ?", (1,)) as cursor:
        row = await cursor.fetchone()          # row[0] == row["id"]
    await conn.close()
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from datetime import UTC
from functools import lru_cache
from typing import Any

import psycopg
from psycopg.adapt import Dumper
from psycopg.pq import Format
from psycopg.rows import RowMaker
from psycopg.types.datetime import TimestamptzLoader
from psycopg_pool import AsyncConnectionPool

from marketbot.storage.inline import Statement

__all__ = ["PgConnection", "PgCursor", "PgRow", "pg_sql"]

POOL_SIZE = 4
"""Connections kept open: one for the transaction of the moment, the others for reads."""

_TOKENS = re.compile(r"'(?:[^']|'')*'|\"[^\"]*\"|::|\?|:[A-Za-z_]\w*|%")


@lru_cache(maxsize=1024)
def pg_sql(sql: str) -> str:
    """The SQLite statement ``sql`` with psycopg's placeholders (see the module doc)."""

    def replace(match: re.Match[str]) -> str:
        token = match[0]
        if token.startswith(("'", '"')):  # psycopg reads % everywhere, even in a literal
            return token.replace("%", "%%")
        if token == "?":
            return "%s"
        if token == "%":
            return "%%"
        if token.startswith(":") and token != "::":
            return f"%({token[1:]})s"
        return token

    return _TOKENS.sub(replace, sql)


class PgRow(tuple[Any, ...]):
    """A row indexable by position and by column name, like ``sqlite3.Row``."""

    _names: dict[str, int]

    def __new__(cls, values: Sequence[Any], names: dict[str, int]) -> PgRow:
        row = super().__new__(cls, values)
        row._names = names
        return row

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return super().__getitem__(self._names[key])
        return super().__getitem__(key)

    def keys(self) -> list[str]:
        return list(self._names)


def _row_maker(cursor: psycopg.AsyncCursor[Any]) -> RowMaker[PgRow]:
    names = {column.name: i for i, column in enumerate(cursor.description or ())}
    return lambda values: PgRow(values, names)


class _FlagDumper(Dumper):
    """``True``/``False`` as the integers 1/0 (flags are integer columns, as in SQLite)."""

    format = Format.TEXT
    oid = psycopg.postgres.types["int4"].oid

    def dump(self, obj: Any) -> bytes:
        return b"1" if obj else b"0"


class _InstantLoader(TimestamptzLoader):
    """A ``timestamptz`` as ISO text in UTC, as the stores keep instants on both backends."""

    def load(self, data: Any) -> str:  # type: ignore[override]
        return super().load(data).astimezone(UTC).isoformat()


class PgCursor:
    """A finished statement's rows (read at once) and ``rowcount``. ``lastrowid`` is always
    ``None``: the stores read new ids with ``RETURNING`` (or
    :func:`~marketbot.storage.db.inserted_id`)."""

    lastrowid: int | None = None

    def __init__(self, rows: list[PgRow], rowcount: int) -> None:
        self._rows = rows
        self._next = 0
        self.rowcount = rowcount

    async def fetchone(self) -> Any:
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    async def fetchall(self) -> list[Any]:
        rest = self._rows[self._next :]
        self._next = len(self._rows)
        return rest

    async def fetchmany(self, size: int) -> list[Any]:
        some = self._rows[self._next : self._next + size]
        self._next += len(some)
        return some

    def __aiter__(self) -> PgCursor:
        return self

    async def __anext__(self) -> Any:
        row = await self.fetchone()
        if row is None:
            raise StopAsyncIteration
        return row

    async def close(self) -> None:
        self._rows = []


class _Statement(Statement[PgCursor]):
    """A statement on the transaction's connection or a pooled one."""

    def __init__(self, run: Callable[[], Awaitable[PgCursor]]) -> None:
        self._run = run

    async def _result(self) -> PgCursor:
        return await self._run()


class PgConnection:
    """The stores' connection on PostgreSQL: a pool, and the transaction of the moment."""

    def __init__(self, pool: AsyncConnectionPool[psycopg.AsyncConnection[Any]]) -> None:
        self.pool = pool
        self._tx: psycopg.AsyncConnection[Any] | None = None
        self._tx_task: asyncio.Task[Any] | None = None

    @classmethod
    async def open(cls, url: str, *, size: int = POOL_SIZE) -> PgConnection:
        """A pool of ``size`` connections to ``url``; raises ``psycopg.Error`` (or
        ``psycopg_pool.PoolTimeout``) when the server cannot be reached. One connection is
        tried first, so that a wrong URL fails at once with the server's reason (the pool
        would retry until its timeout)."""
        first = await psycopg.AsyncConnection.connect(url)
        await first.close()

        async def configure(conn: psycopg.AsyncConnection[Any]) -> None:
            conn.adapters.register_dumper(bool, _FlagDumper)
            conn.adapters.register_loader("timestamptz", _InstantLoader)

        pool: AsyncConnectionPool[psycopg.AsyncConnection[Any]] = AsyncConnectionPool(
            url,
            min_size=1,
            max_size=size,
            kwargs={"autocommit": True},
            configure=configure,
            open=False,
        )
        try:
            await pool.open(wait=True, timeout=10.0)
        except BaseException:
            await pool.close()
            raise
        return cls(pool)

    @property
    def in_transaction(self) -> bool:
        return self._tx is not None

    async def begin(self) -> None:
        """Open a transaction on a connection of its own, for the current task."""
        conn = await self.pool.getconn()
        try:
            await conn.execute("BEGIN")
        except BaseException:
            await self.pool.putconn(conn)
            raise
        self._tx, self._tx_task = conn, asyncio.current_task()

    async def end(self, commit: bool) -> None:
        """Commit (or roll back) the transaction and give its connection back."""
        conn, self._tx, self._tx_task = self._tx, None, None
        if conn is None:
            return
        try:
            await conn.execute("COMMIT" if commit else "ROLLBACK")
        finally:
            await self.pool.putconn(conn)

    async def _run(
        self, sql: str, params: Sequence[Any] | Mapping[str, Any] | None, many: bool = False
    ) -> PgCursor:
        statement = pg_sql(sql) if params is not None else sql
        if self._tx is not None and self._tx_task is asyncio.current_task():
            return await self._on(self._tx, statement, params, many)
        async with self.pool.connection() as conn:
            return await self._on(conn, statement, params, many)

    @staticmethod
    async def _on(
        conn: psycopg.AsyncConnection[Any],
        sql: str,
        params: Any,
        many: bool,
    ) -> PgCursor:
        async with conn.cursor(row_factory=_row_maker) as cursor:
            if many:
                await cursor.executemany(sql, params)
                return PgCursor([], cursor.rowcount)
            await cursor.execute(sql, params)
            rows = await cursor.fetchall() if cursor.description is not None else []
            return PgCursor(rows, cursor.rowcount)

    def execute(self, sql: str, parameters: Sequence[Any] | Mapping[str, Any] = ()) -> _Statement:
        return _Statement(lambda: self._run(sql, parameters))

    def executemany(
        self, sql: str, parameters: Iterable[Sequence[Any] | Mapping[str, Any]]
    ) -> _Statement:
        return _Statement(lambda: self._run(sql, list(parameters), many=True))

    async def executescript(self, script: str) -> PgCursor:
        """Several statements without parameters (a migration), as they are."""
        return await self._run(script, None)

    async def read_committed(
        self, sql: str, parameters: Sequence[Any] | Mapping[str, Any] = ()
    ) -> list[Any]:
        """Rows of a read on a pooled connection, whatever task asks: what was committed."""
        async with self.pool.connection() as conn:
            cursor = await self._on(conn, pg_sql(sql), parameters, many=False)
        return await cursor.fetchall()

    async def execute_fetchall(self, sql: str, parameters: Sequence[Any] = ()) -> list[Any]:
        cursor = await self._run(sql, parameters)
        return await cursor.fetchall()

    async def close(self) -> None:
        await self.end(commit=False)
        await self.pool.close()
