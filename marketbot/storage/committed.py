"""Committed rows kept in memory, one cache per table family and database, shared by every store
object of that database (stores are made wherever they are needed: ``ScheduleStore(db)``).

A cache answers only while the database is watched for other processes' writes
(:attr:`~marketbot.storage.db.Database.watching`: SQLite, where ``PRAGMA data_version`` covers
every table; never on PostgreSQL) and no transaction that writes its tables is open (another
task's reads on the shared connection would see that transaction's rows before they are
committed). It is emptied when such a transaction starts and when it ends (committed or rolled
back), and when another process writes the database. A read that spans the start or end of a
writing transaction is not kept. A cache that reaches :data:`LIMIT` values starts again empty
(its memory stays bounded whatever the keys).

Usage::

    cache = CommittedCache.of(db, "schedules")
    found = cache.get(key)                 # MISSING when not known
    if found is MISSING:
        token = cache.token()
        found = ...read the row...
        cache.put(key, found, token)
    ...
    async with db.transaction():
        cache.writing()                    # before the statements that write the tables
        ...
"""

from __future__ import annotations

import weakref
from collections.abc import Hashable
from enum import Enum
from typing import Any, Final, Generic, Literal, TypeVar

from marketbot.storage.db import Database

__all__ = ["LIMIT", "MISSING", "CommittedCache"]

LIMIT = 200_000
"""Values a cache holds at most."""


class _Missing(Enum):
    MISSING = "missing"


MISSING: Final = _Missing.MISSING
"""What :meth:`CommittedCache.get` returns for a key it does not know."""

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

_CACHES: weakref.WeakKeyDictionary[Database, dict[str, CommittedCache[Any, Any]]] = (
    weakref.WeakKeyDictionary()
)


class CommittedCache(Generic[K, V]):
    """Values by key, read from committed rows of one family of tables."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._values: dict[K, V] = {}
        self._writing = 0
        """Transactions open that write the tables (nothing is answered or kept meanwhile)."""
        self._epoch = 0
        """Counts the starts and ends of such transactions and other processes' writes."""
        db.on_external_change(self._forget)

    @classmethod
    def of(cls, db: Database, family: str) -> CommittedCache[Any, Any]:
        """The cache of ``family`` for ``db`` (made at the first call)."""
        caches = _CACHES.setdefault(db, {})
        if family not in caches:
            caches[family] = CommittedCache[Any, Any](db)
        return caches[family]

    @property
    def answering(self) -> bool:
        """Whether the cache may be asked now (else the rows are read each time)."""
        return self._db.watching and self._writing == 0

    def get(self, key: K) -> V | Literal[_Missing.MISSING]:
        if not self.answering:
            return MISSING
        return self._values.get(key, MISSING)

    def token(self) -> int:
        """Taken before a read whose result is to be kept (:meth:`put`)."""
        return self._epoch

    def put(self, key: K, value: V, token: int) -> None:
        """Keep ``value`` if nothing was written since ``token`` was taken."""
        if self.answering and token == self._epoch:
            if len(self._values) >= LIMIT:
                self._values.clear()
            self._values[key] = value

    def writing(self) -> None:
        """The current transaction writes the tables: forget everything until it has ended."""
        self._writing += 1
        self._epoch += 1
        self._values.clear()

        def ended() -> None:
            self._writing -= 1
            self._epoch += 1
            self._values.clear()

        self._db.when_ended(ended)

    async def _forget(self) -> None:
        """Another process wrote the database."""
        self._epoch += 1
        self._values.clear()
