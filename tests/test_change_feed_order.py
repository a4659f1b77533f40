"""The catalogue's change feed on PostgreSQL, where several processes write at once: a change
numbered before another (its ``seq``) may commit after it, and a reader that had passed the
higher number still gets the lower one (migration 0017)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from marketbot.storage.db import Database
from marketbot.storage.market_data import Storage
from tests.test_storage_backends import _market_with_stall

if TYPE_CHECKING:
    from marketbot.storage.db import Connection


async def _rename(conn: Connection, stall_id: int, name: str) -> int:
    """Rename a stall in the open transaction ``conn``; the seq its change got."""
    await conn.execute("UPDATE stalls SET name = ? WHERE id = ?", (name, stall_id))
    cursor = await conn.execute(
        "SELECT max(seq) FROM catalog_changes WHERE stall_id = ?", (stall_id,)
    )
    return int((await cursor.fetchone())[0])


async def test_a_change_committed_after_a_later_numbered_one_is_still_read(
    three: tuple[Database, Database, Database],
) -> None:
    slow, quick, reader = three
    market, early = await _market_with_stall(Storage(slow), "早摊")
    _, late = await _market_with_stall(Storage(slow), "晚摊", market)
    feed = Storage(reader)
    mark = await feed.catalog_mark()
    version = await reader.data_version()
    numbered = asyncio.Event()
    finish = asyncio.Event()
    seqs: dict[str, int] = {}

    async def slow_writer() -> None:  # numbered first, committed last
        async with slow.transaction() as conn:
            seqs["slow"] = await _rename(conn, early, "早摊新名")
            numbered.set()
            await finish.wait()

    writing = asyncio.create_task(slow_writer())
    await numbered.wait()
    async with quick.transaction() as conn:
        seqs["quick"] = await _rename(conn, late, "晚摊新名")
    assert seqs["slow"] < seqs["quick"]

    first = await feed.catalog_changes(mark)
    assert late in first.stalls and early not in first.stalls  # not committed yet
    assert first.complete
    finish.set()
    await writing
    assert await reader.data_version() != version
    second = await feed.catalog_changes(first.mark)
    assert early in second.stalls  # committed late, numbered early: read all the same
    assert second.complete and second.mark >= first.mark
    third = await feed.catalog_changes(second.mark)
    assert not third.stalls  # nothing is in flight now: nothing comes again
