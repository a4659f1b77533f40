"""``marketbot migrate`` and ``marketbot copy``: the demo database copied to PostgreSQL and back
keeps every row (ids, bytes, the catalogue's change feed) and exports the same CSV; new rows
after a copy get new ids; a database in use is never copied into."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from marketbot.app import open_app
from marketbot.cli import main
from marketbot.clock import FixedClock
from marketbot.config import Config, DatabaseConfig
from marketbot.domain.model import StallStatus
from marketbot.services.csv_io import export_csv
from marketbot.storage.copy import TABLES, CopyError, copy_database
from marketbot.storage.db import Database, load_migrations
from marketbot.storage.market_data import NewProduct
from marketbot.storage.photos import PhotoStore
from marketbot.storage.reminders import ReminderStore


def _config(target: str) -> Config:
    database = DatabaseConfig(url=target) if "://" in target else DatabaseConfig(path=target)
    return replace(Config(), database=database)


async def _export(target: str, clock: FixedClock) -> str:
    async with open_app(_config(target), clock) as app:
        return await export_csv(app.store)


def _same_instant(row: Any) -> tuple[object, ...]:
    """A catalogue change with its instant as a datetime: SQLite's default spells it
    ``…00.997Z``, read back from PostgreSQL's ``timestamptz`` it is ``…00.997000+00:00``."""
    return tuple(
        datetime.fromisoformat(str(value)) if key == "at" else value
        for key, value in zip(row.keys(), row, strict=True)
    )


async def _rows(target: str) -> dict[str, list[tuple[object, ...]]]:
    db = await Database.open(target)
    try:
        found = {}
        for table in TABLES:
            read = await db.read_all(f"SELECT * FROM {table}")
            rows = [_same_instant(r) if table == "catalog_changes" else tuple(r) for r in read]
            found[table] = sorted(rows, key=repr)
        return found
    finally:
        await db.close()


async def _demo(path: Path, clock: FixedClock) -> str:
    """The demo database, with a photo's bytes and a subscription."""
    async with open_app(_config(str(path)), clock) as app:
        photo = await PhotoStore(app.db).save(
            b"\x89PNG\x00\xff", platform="console", file_id="p1", now=clock.now()
        )
        user = await app.store.upsert_user(
            platform="console",
            platform_user_id="li",
            chat_id="li",
            display_name="李",
            platform_language="zh-CN",
            now=clock.now(),
        )
        await ReminderStore(app.db).subscribe(user.id, 1, clock.now())
        assert photo
    return str(path)


async def _cli(*args: str) -> int:
    return int(await asyncio.to_thread(main, list(args)))


async def test_demo_database_to_postgresql_and_back_is_the_same(
    tmp_path: Path, postgres_url: str, clock: FixedClock, capsys: pytest.CaptureFixture[str]
) -> None:
    source = await _demo(tmp_path / "demo.db", clock)
    back = str(tmp_path / "back.db")
    assert await _cli("copy", "--from", f"sqlite:{source}", "--to", postgres_url) == 0
    assert "copied" in capsys.readouterr().out
    assert await _cli("copy", "--from", postgres_url, "--to", f"sqlite:{back}") == 0
    original = await _rows(source)
    assert original["photos"] and original["products"] and original["catalog_changes"]
    assert await _rows(postgres_url) == await _rows(back) == original
    exported = await _export(source, clock)
    assert exported.count("\n") > 20
    assert await _export(postgres_url, clock) == exported
    assert await _export(back, clock) == exported


async def test_new_rows_after_a_copy_get_new_ids(
    tmp_path: Path, postgres_url: str, clock: FixedClock
) -> None:
    source = await _demo(tmp_path / "demo.db", clock)
    db, target = await Database.open(source), await Database.open(postgres_url)
    try:
        await copy_database(db, target)
        with pytest.raises(CopyError, match="not empty"):
            await copy_database(db, target)
    finally:
        await db.close()
        await target.close()
    async with open_app(_config(postgres_url), clock) as app:
        stall = (await app.store.stalls(statuses=list(StallStatus)))[0][0]
        highest = max(p.id for p in await app.store.products_of_stall(stall.id))
        added = await app.store.add_product(
            stall.id, NewProduct("新货", "qita", 100, "个"), clock.now()
        )
        assert added.id > highest
        mark = await app.store.catalog_mark()
        assert mark > max(row[0] for row in (await _rows(source))["catalog_changes"])


def test_migrate_says_what_it_applied(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "new.db")
    assert main(["migrate", "--db", db]) == 0
    first = capsys.readouterr().out
    known = load_migrations()
    assert f"applied {len(known)} migrations now" in first
    assert f"{known[-1].number:04d}_{known[-1].name}" in first
    assert main(["migrate", "--db", db]) == 0
    assert f"schema version {len(known)}; applied 0 migrations now" in capsys.readouterr().out


def test_migrate_on_postgresql(postgres_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate", "--db", postgres_url]) == 0  # the template was migrated already
    known = len(load_migrations())
    assert f"schema version {known}; applied 0 migrations now" in capsys.readouterr().out


async def test_the_copy_knows_every_table(backend_target: str) -> None:
    db = await Database.open(backend_target)
    try:
        if db.backend == "sqlite":
            sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"
        else:
            sql = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        tables = {row[0] for row in await db.read_all(sql)}
    finally:
        await db.close()
    assert tables == {*TABLES, "schema_migrations"}
    assert len(TABLES) == len(set(TABLES))
