"""Migrations under a lock on PostgreSQL: processes opening a fresh, empty database at once (two
bots starting, or ``marketbot migrate`` while a bot starts) all succeed, and each migration is
applied once, by one of them."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from marketbot.storage.db import Database, load_migrations
from tests.conftest import PostgresServer


@pytest.fixture
def empty_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A new database with no tables at all (not the migrated template)."""
    postgres_server.databases += 1
    name = f"empty_{postgres_server.databases}"
    postgres_server.admin(f"CREATE DATABASE {name} TEMPLATE template0")
    url = postgres_server.url(name)
    try:
        yield url
    finally:
        postgres_server.drop(url)


async def test_processes_opening_a_fresh_database_at_once_apply_each_migration_once(
    empty_url: str,
) -> None:
    opened = await asyncio.gather(*(Database.open(empty_url) for _ in range(3)))
    try:
        known = [m.number for m in load_migrations()]
        applied = sorted(m.number for db in opened for m in db.applied_now)
        assert applied == known  # all of them, each by one process
        assert sorted(len(db.applied_now) for db in opened) == [0, 0, len(known)]
        rows = await opened[0].conn.execute_fetchall(
            "SELECT number, count(*) FROM schema_migrations GROUP BY number ORDER BY number"
        )
        assert [(int(r[0]), int(r[1])) for r in rows] == [(n, 1) for n in known]
    finally:
        for db in opened:
            await db.close()


async def test_the_lock_is_released_after_migrating(empty_url: str) -> None:
    first = await Database.open(empty_url)
    try:
        later = await asyncio.wait_for(Database.open(empty_url), timeout=10)
        await later.close()
        assert later.applied_now == []
    finally:
        await first.close()
