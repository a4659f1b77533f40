"""PostgreSQL as the stores' backend: the server of the tests, the migrations applied there, and
the connection's interface (rows by name and position, RETURNING, rowcount, transactions)."""

from __future__ import annotations

from marketbot.storage.db import Database


async def test_migrated_database_has_every_table(postgres_url: str) -> None:
    db = await Database.open(postgres_url)
    try:
        assert db.backend == "postgresql"
        rows = await db.conn.execute_fetchall("SELECT max(number) AS n FROM schema_migrations")
        assert rows[0]["n"] == rows[0][0] == 15
    finally:
        await db.close()
