"""Two clients of one PostgreSQL database: a CSV imported by ``marketbot import`` (its own event
loop, connections and transactions, as another process would have) is searchable in the running
bot within 2 s: the bot's watch follows the catalogue's change feed (``catalog_changes``)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from marketbot.app import App
from marketbot.cli import main
from marketbot.clock import FixedClock

CSV = (
    "stall,vendor,village,product,category,price,unit,description,in_stock\n"
    "马家枸杞,马姐,段村,黑枸杞,药材,60,斤,青海来的,1\n"
)


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
async def test_a_csv_imported_by_another_client_is_found_within_two_seconds(
    app: App, clock: FixedClock, tmp_path: Path, postgres_url: str
) -> None:
    assert app.db.backend == "postgresql"
    market = (await app.store.markets())[0]
    catalog = app.core.services.catalog

    async def found() -> bool:
        answer = await catalog.search(market, "黑枸杞", clock.now(), log=False)
        return any(item.name == "黑枸杞" for group in answer.groups for item in group.items)

    await app.db.watch()  # as `marketbot run` does
    assert not await found()
    (tmp_path / "goods.csv").write_text(CSV, encoding="utf-8")
    code = await asyncio.to_thread(
        main, ["import", str(tmp_path / "goods.csv"), "--db", postgres_url]
    )
    assert code == 0
    imported = time.monotonic()
    while not await found():
        assert time.monotonic() - imported < 2, "not found within 2 s"
        await asyncio.sleep(0.05)
