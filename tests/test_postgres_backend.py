"""PostgreSQL as the stores' backend: the server of the tests, the migrations applied there, and
the connection's interface (rows by name and position, RETURNING, rowcount, transactions)."""

from __future__ import annotations

import socket

import pytest

from marketbot.storage.db import Database, DatabaseOpenError


async def test_migrated_database_has_every_table(postgres_url: str) -> None:
    db = await Database.open(postgres_url)
    try:
        assert db.backend == "postgresql"
        rows = await db.conn.execute_fetchall("SELECT max(number) AS n FROM schema_migrations")
        assert rows[0]["n"] == rows[0][0] == 15
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
