"""A busy bot checkpoints its write-ahead log every :data:`CHECKPOINT_COMMITS` commits, not only
every few seconds: a log that grows for seconds at full load (hundreds of megabytes) makes every
commit dearer than one that starts again every few hundred commits."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from marketbot.storage.db import CHECKPOINT_COMMITS, Database


async def _commits(db: Database, count: int) -> None:
    for _ in range(count):
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO notes VALUES ('x')")
        await asyncio.sleep(0)  # a checkpoint started runs its step


async def test_the_log_is_checkpointed_every_so_many_commits_while_watched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = await Database.open(tmp_path / "t.db")
    checkpoints: list[int] = []

    async def checkpoint() -> None:
        checkpoints.append(1)

    try:
        async with db.transaction() as conn:
            await conn.execute("CREATE TABLE notes (who TEXT)")
        await _commits(db, CHECKPOINT_COMMITS)
        assert checkpoints == []  # not watched: SQLite checkpoints by itself
        await db.watch()
        monkeypatch.setattr(db, "_checkpoint", checkpoint)
        await _commits(db, 4 * CHECKPOINT_COMMITS - 1)
        assert len(checkpoints) == 3
        await _commits(db, 1)
        assert len(checkpoints) == 4
    finally:
        await db.close()
