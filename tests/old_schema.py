"""A database file as an older marketbot left it, to test what a migration does to its rows.

Usage::

    with schema_before(path, 20) as conn:    # migrations 1…19 applied, and recorded
        conn.execute("INSERT INTO inbox VALUES (…)")
    db = await Database.open(path)           # applies 20 and after
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from marketbot.storage.db import load_migrations

__all__ = ["schema_before"]


def schema_before(path: Path, number: int) -> sqlite3.Connection:
    """An SQLite file at ``path`` with the migrations before ``number`` applied and recorded;
    its connection (``with`` commits what the caller adds)."""
    conn = sqlite3.connect(path)
    conn.execute(
        "CREATE TABLE schema_migrations (number INTEGER PRIMARY KEY, name TEXT NOT NULL,"
        " applied_at TEXT NOT NULL)"
    )
    for migration in load_migrations():
        if migration.number < number:
            conn.executescript(migration.sql)
            conn.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, 'x')",
                (migration.number, migration.name),
            )
    return conn
