"""Server time of the market's web pages at 100,000 products: the market page, stall pages and
search results, each rendered whole (queries, search, HTML, ETag) by the pages' own handlers,
in-process, as the web app calls them (HTTP itself is not counted).

The catalogue is the one of ``search_speed.py`` (seeded, the same every run) over 2,000 stalls,
written to a SQLite file; the market has 逢三六九 market days. Searches use the queries of
``search_eval/dev.tsv``, and are logged like any visitor's. The anchor beside the figures is a
plain indexed SQLite query (one stall's product count) timed the same way, so a slow machine
shows as a slow anchor.

Prints per page, then last ``p50_ms=… p99_ms=… bytes_max=… anchor_p50_ms=…`` over all pages
(target: p99 ≤ 20 ms; each page ≤ 50 KB).

Usage::

    python benchmarks/web_pages.py [--products 100000] [--rounds 300]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE / "search_eval"))

from run import load_queries  # noqa: E402
from search_speed import generate  # noqa: E402

from marketbot.app import open_app  # noqa: E402
from marketbot.calendar import CalendarOptions  # noqa: E402
from marketbot.clock import SystemClock  # noqa: E402
from marketbot.config import Config, DatabaseConfig, WebConfig  # noqa: E402
from marketbot.platforms.base import HttpResponse  # noqa: E402
from marketbot.platforms.web.pages import WebPages  # noqa: E402
from marketbot.storage.schedules import ScheduleStore  # noqa: E402

STALLS = 2_000


class Request:
    """An HttpRequest as the web app would hand it over."""

    def __init__(self, path: dict[str, str], query: dict[str, str]) -> None:
        self._path, self._query = path, query

    def header(self, name: str) -> str | None:
        return "zh-CN,zh;q=0.9,en;q=0.8" if name.lower() == "accept-language" else None

    def query(self, name: str) -> str | None:
        return self._query.get(name)

    def path_param(self, name: str) -> str | None:
        return self._path.get(name)

    async def body(self, limit: int) -> bytes:
        return b""


async def seed(db_path: Path, products: int) -> None:
    """The generated catalogue, written straight into the tables (a benchmark's setup)."""
    import sqlite3

    items = generate(products)
    now = datetime.now(UTC).isoformat()
    conn = sqlite3.connect(db_path)
    with conn:
        conn.executemany(
            "INSERT INTO stalls (id, market_id, name, vendor_name, village, intro, status,"
            " created_at, updated_at) VALUES (?, 1, ?, ?, ?, ?, 'approved', ?, ?)",
            [
                (s, f"摊位{s}", f"摊主{s}", f"村{s % 40}", "自家种的，山里采的。", now, now)
                for s in range(1, STALLS + 1)
            ],
        )
        conn.executemany(
            "INSERT OR IGNORE INTO products (stall_id, name, category, price_fen, unit,"
            " description, in_stock, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    (item.product_id - 1) % STALLS + 1,
                    item.name,
                    item.category,
                    item.price_fen,
                    item.unit,
                    item.description,
                    int(item.in_stock),
                    now,
                    now,
                )
                for item in items
            ],
        )
    conn.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def timed(call: Callable[[], Awaitable[object]], rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        await call()
        times.append((time.perf_counter() - started) * 1000)
    return times


async def main_async(products: int, rounds: int) -> int:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "market.db"
        config = replace(
            Config(),
            database=DatabaseConfig(path=str(path)),
            bot=replace(Config().bot, demo_data=False),
            web=WebConfig(public_url="https://ganji.example.cn"),
        )
        clock = SystemClock()
        async with open_app(config, clock):
            pass  # created and migrated, the market made
        await seed(path, products)
        async with open_app(config, clock) as app:
            schedules = ScheduleStore(app.db)
            await schedules.set(1, "逢三六九", CalendarOptions(), by=None, now=clock.now())  # type: ignore[arg-type]
            total = await app.db.conn.execute_fetchall("SELECT count(*) FROM products")
            print(f"products={next(iter(total))[0]} stalls={STALLS}")
            pages = WebPages(app.core.services, app.db)
            rng = random.Random(11)
            queries = [q.text for q in load_queries()]
            sizes: list[int] = []

            async def market() -> None:
                page = str(rng.randint(1, STALLS // 40))
                answer = await pages.market(Request({"ident": "1"}, {"page": page}), "zh")
                record(answer)

            async def stall() -> None:
                ident = str(rng.randint(1, STALLS))
                record(await pages.stall(Request({"ident": ident}, {}), "zh"))

            async def search() -> None:
                query = {"q": rng.choice(queries)}
                record(await pages.search(Request({"ident": "1"}, query), "zh"))

            def record(answer: HttpResponse) -> None:
                assert answer.status == 200, answer.status
                sizes.append(len(answer.body or b""))

            started = time.perf_counter()
            await search()  # builds the search index once
            print(f"first_search_ms={(time.perf_counter() - started) * 1000:.0f} (index build)")
            every: list[float] = []
            for name, call in (("market", market), ("stall", stall), ("search", search)):
                await timed(call, 5)  # warm
                times = await timed(call, rounds)
                every += times
                print(
                    f"{name}: p50_ms={statistics.median(times):.2f}"
                    f" p99_ms={percentile(times, 0.99):.2f} max_ms={max(times):.2f}"
                )

            async def anchor() -> None:
                await app.db.conn.execute_fetchall(
                    "SELECT count(*) FROM products WHERE stall_id = ?", (rng.randint(1, STALLS),)
                )

            anchors = await timed(anchor, rounds)
            print(
                f"p50_ms={statistics.median(every):.2f} p99_ms={percentile(every, 0.99):.2f}"
                f" bytes_max={max(sizes)} anchor_p50_ms={statistics.median(anchors):.3f}"
            )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args()
    return asyncio.run(main_async(args.products, args.rounds))


if __name__ == "__main__":
    sys.exit(main())
