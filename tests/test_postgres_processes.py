"""Two processes on one PostgreSQL database: a CSV imported by ``marketbot import`` in another
process is searchable in the running bot within 2 s (its watch follows the catalogue's change
feed, ``catalog_changes``)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

import pytest

from marketbot.app import App
from marketbot.clock import FixedClock

ROOT = Path(__file__).resolve().parent.parent


def _names(groups: object) -> set[str]:
    return {item.name for group in groups for item in group.items}  # type: ignore[attr-defined]


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
async def test_a_csv_imported_by_another_process_is_found_within_two_seconds(
    app: App, clock: FixedClock, tmp_path: Path, postgres_url: str
) -> None:
    assert app.db.backend == "postgresql"
    store, catalog = app.store, app.core.services.catalog
    market = (await store.markets())[0]
    await app.db.watch()  # as `marketbot run` does
    before = await catalog.search(market, "黑枸杞", clock.now(), log=False)
    assert "黑枸杞" not in _names(before.groups)
    csv_file = tmp_path / "goods.csv"
    csv_file.write_text(
        "stall,vendor,village,product,category,price,unit,description,in_stock\n"
        "马家枸杞,马姐,段村,黑枸杞,药材,60,斤,青海来的,1\n",
        encoding="utf-8",
    )
    result = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "marketbot", "import", str(csv_file), "--db", postgres_url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    finished = time.monotonic()
    async with asyncio.timeout(2):
        while True:
            answer = await catalog.search(market, "黑枸杞", clock.now(), log=False)
            if "黑枸杞" in _names(answer.groups):
                break
            await asyncio.sleep(0.05)
    assert time.monotonic() - finished < 2
