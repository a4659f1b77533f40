"""SQLite: a transaction that runs statements in a worker thread (a broadcast's chunks) lets the
event loop go on while it is open; meanwhile another task's read sees only what was committed
(the side connection) and another task's write waits until the transaction has ended."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from marketbot.storage.db import Database

STAMP = datetime(2026, 12, 1, 2, 0, tzinfo=UTC).isoformat()
COUNT = "SELECT count(*) FROM search_log"


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "market.db")
    try:
        yield database
    finally:
        await database.close()


async def _count(db: Database) -> int:
    async with db.conn.execute(COUNT) as cursor:
        row = await cursor.fetchone()
    return int(row[0])


async def _log(db: Database, wanted: str) -> None:
    await db.conn.execute(
        "INSERT INTO search_log (at, wanted, intent, results) VALUES (?, ?, 'goods', 0)",
        (STAMP, wanted),
    )


async def test_other_tasks_read_the_committed_rows_while_a_thread_writes(db: Database) -> None:
    await _log(db, "committed")
    async with db.transaction():
        await db.execute_in_thread(
            "INSERT INTO search_log (at, wanted, intent, results) VALUES (?, 'x', 'goods', 0)",
            (STAMP,),
        )
        assert await _count(db) == 2  # the transaction's own task sees its rows
        assert await asyncio.create_task(_count(db)) == 1  # another task: committed only
        writer = asyncio.create_task(_log(db, "later"))
        for _ in range(20):  # the writer runs as far as it can: to the wait
            await asyncio.sleep(0)
        assert not writer.done()
    await writer
    assert await _count(db) == 3


async def test_a_transaction_without_a_thread_statement_lends_nothing(db: Database) -> None:
    async with db.transaction():
        await _log(db, "inline")
        assert db.conn.owner is None  # its statements never let the loop run meanwhile
    assert await _count(db) == 1


async def test_a_failed_thread_statement_frees_the_connection(db: Database) -> None:
    async def failing() -> None:
        async with db.transaction():
            await db.execute_in_thread("INSERT INTO no_such_table VALUES (1)")

    with pytest.raises(Exception, match="no_such_table"):
        await failing()
    assert db.conn.owner is None
    await _log(db, "after")
    assert await _count(db) == 1
