"""A transaction belongs to the task that opened it: a task started inside it (a progress
message shown soon, a rebuild) inherits the context but is not part of the transaction. It
waits for the write lock like anyone else instead of slipping a savepoint into a transaction
that may commit under it (which left the connection in a transaction of nobody's and made the
next turn fail with "cannot start a transaction within a transaction")."""

from __future__ import annotations

import asyncio
from pathlib import Path

from marketbot.storage.db import Database


async def test_a_task_started_inside_a_transaction_is_not_part_of_it(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "t.db")
    try:
        ran: list[str] = []

        async def note() -> None:
            ran.append("after")

        async def child() -> None:
            await db.after_commit(note)  # no transaction of its own: at once

        async with db.transaction():
            await asyncio.create_task(child())
            assert ran == ["after"]
            await db.after_commit(note)  # the opener's: once it commits
            assert ran == ["after"]
        assert ran == ["after", "after"]
    finally:
        await db.close()


async def test_a_transaction_begun_in_such_a_task_waits_and_commits_on_its_own(
    tmp_path: Path,
) -> None:
    db = await Database.open(tmp_path / "t.db")
    try:
        async with db.transaction() as conn:
            await conn.execute("CREATE TABLE notes (who TEXT)")
        entered = asyncio.Event()

        async def child() -> None:
            async with db.transaction() as conn:
                entered.set()
                await conn.execute("INSERT INTO notes VALUES ('child')")

        async with db.transaction() as conn:
            task = asyncio.create_task(child())
            await conn.execute("INSERT INTO notes VALUES ('opener')")
        await task
        assert entered.is_set()
        async with db.conn.execute("SELECT who FROM notes ORDER BY rowid") as cursor:
            assert [row[0] for row in await cursor.fetchall()] == ["opener", "child"]
    finally:
        await db.close()
