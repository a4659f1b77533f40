"""One person's messages reaching different bot processes at once (PostgreSQL): their turns run
one after the other — the second waits for the first's transaction — while other people's go on."""

from __future__ import annotations

import asyncio
from pathlib import Path

from marketbot.storage.db import Database
from marketbot.storage.inbox import InboxStore


async def _waiting_locks(db: Database) -> int:
    rows = await db.read_all(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
    )
    return int(rows[0][0])


async def test_a_senders_second_turn_waits_for_the_first(
    three: tuple[Database, Database, Database],
) -> None:
    first, second, other = three
    holding, release = asyncio.Event(), asyncio.Event()
    order: list[str] = []

    async def turn(db: Database, user: str, name: str, hold: bool) -> None:
        async with db.transaction():
            await InboxStore(db).hold_sender("telegram", user)
            order.append(name)
            if hold:
                holding.set()
                await release.wait()

    one = asyncio.create_task(turn(first, "7", "first", True))
    await holding.wait()
    two = asyncio.create_task(turn(second, "7", "second", False))
    for _ in range(1000):  # until the second turn waits for the lock (seen by the server)
        if await _waiting_locks(other):
            break
        await asyncio.sleep(0.01)
    assert await _waiting_locks(other) == 1
    await turn(other, "8", "someone else", False)  # another person is not held up
    assert order == ["first", "someone else"]
    release.set()
    await asyncio.gather(one, two)
    assert order == ["first", "someone else", "second"]


async def test_on_sqlite_holding_a_sender_is_free(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "m.db")
    try:
        await db.migrate()
        async with db.transaction():
            await InboxStore(db).hold_sender("console", "li")
        async with db.transaction():
            await InboxStore(db).hold_sender("console", "li")  # no lock left behind
    finally:
        await db.close()
