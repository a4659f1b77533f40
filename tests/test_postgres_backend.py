"""PostgreSQL as the stores' backend: the server of the tests, the migrations applied there, and
the connection's interface (rows by name and position, RETURNING, rowcount, transactions)."""

from __future__ import annotations

import socket
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from marketbot.storage.db import Database, DatabaseOpenError, load_migrations, utc_text


async def test_migrated_database_has_every_table(postgres_url: str) -> None:
    db = await Database.open(postgres_url)
    try:
        assert db.backend == "postgresql"
        rows = await db.conn.execute_fetchall("SELECT max(number) AS n FROM schema_migrations")
        assert rows[0]["n"] == rows[0][0] == len(load_migrations())
    finally:
        await db.close()


async def test_a_server_that_cannot_be_reached_is_explained_without_the_password() -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    pytest.importorskip("psycopg", reason="psycopg is not installed")
    with pytest.raises(DatabaseOpenError) as err:
        await Database.open(f"postgresql://marketbot:s3cret@127.0.0.1:{port}/market")
    assert "s3cret" not in str(err.value) and "MARKETBOT_DATABASE_URL" in str(err.value)


async def test_watching_twice_starts_one_watch(postgres_url: str) -> None:
    db = await Database.open(postgres_url)
    try:
        await db.watch()
        first = db._watch
        await db.watch()
        assert db._watch is first and not db.watching  # PostgreSQL: no rows cached
    finally:
        await db.close()
    assert db._watch is None


async def test_instants_are_timestamptz_and_read_back_as_the_stores_text(
    postgres_url: str,
) -> None:
    db = await Database.open(postgres_url)
    try:
        kinds = await db.read_all(
            "SELECT column_name, data_type FROM information_schema.columns"
            " WHERE table_name = 'users' AND column_name IN ('created_at', 'platform')"
        )
        assert dict(tuple(row) for row in kinds) == {
            "created_at": "timestamp with time zone",
            "platform": "text",
        }
        stamp = utc_text(datetime(2026, 12, 1, 18, 30, tzinfo=ZoneInfo("Asia/Shanghai")))
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO users (platform, platform_user_id, chat_id, created_at,"
                " last_seen_at) VALUES ('console', 'a', 'a', ?, ?)",
                (stamp, "2026-12-01T10:30:00.250000+00:00"),
            )
        rows = await db.read_all(
            "SELECT created_at, last_seen_at FROM users WHERE created_at < last_seen_at"
        )
        assert [tuple(row) for row in rows] == [
            ("2026-12-01T10:30:00+00:00", "2026-12-01T10:30:00.250000+00:00")
        ]
        assert stamp == "2026-12-01T10:30:00+00:00"
    finally:
        await db.close()
