"""Updates per second through marketbot's real Telegram ``Application``, next to a bare echo bot.

Usage::

    python benchmarks/throughput.py [--sizes 10000,100000] [--updates 1200] [--clients 64]
                                    [--profile search] [--sql] [--where]

Both bots are python-telegram-bot ``Application`` objects over the same fake Bot API of the tests
(``tests/fake_bot_api.py``: no network, every call answered in memory), measured in the same run
so that a busy machine slows both. ``--clients`` people write at once, each waiting for the
answer to their message before the next (a closed loop); an update counts once every handler of
it has finished (its reply sent). Scenarios, per catalogue size:

* ``search``: visitors ask for goods (the queries of ``search_eval/dev.tsv``);
* ``start``: visitors send ``/start``;
* ``add``: vendors list a product (``名字 20元一斤``, then press 保存);
* ``mixed``: four visitors searching for every vendor changing a price (``/mystall``, the
  product, 改价格, the new price).

Meanwhile a watchdog task measures the event loop's lag (how late a 5 ms sleep wakes); the
longest stall is reported, also during a global index rebuild (what inline mode searches). Then
500 visitors write at once with the Bot API answering each request in 0.1 s: the median time to
their first reply. ``--profile NAME`` prints a cProfile of one scenario; ``--sql`` counts the SQL
statements of one search message; ``--where`` names each step that held the loop over 30 ms.
The last line is ``search_ratio=… start_ratio=… mixed_ratio_100k=… loop_stall_ms=…``.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import itertools
import pstats
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE / "search_eval"))

from run import load_queries  # noqa: E402
from search_speed import generate  # noqa: E402
from telegram import Update  # noqa: E402
from telegram.ext import (  # noqa: E402  # noqa: E402
    Application,
    ApplicationBuilder,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from marketbot.app import App, open_app  # noqa: E402
from marketbot.clock import SystemClock  # noqa: E402
from marketbot.config import Config, DatabaseConfig, TelegramConfig  # noqa: E402
from marketbot.platforms.telegram.adapter import build_application  # noqa: E402
from marketbot.storage.photos import PhotoStore  # noqa: E402
from tests.fake_bot_api import FAKE_TOKEN, FakeBotApi  # noqa: E402

VENDORS = 80
"""Vendors with a stall of their own (users 1001…), three products each."""
VISITOR_BASE = 100_000
GOODS = ["核桃", "红枣", "小米", "蜂蜜", "土鸡蛋", "黄花菜", "沙棘汁", "莜面"]


class Watchdog:
    """How long the event loop is held: the longest single step (one callback or task step,
    during which nothing else can run: the *stall*), how late a task that sleeps 5 ms at a time
    wakes (the *lag*, which under full load also counts every other task's steps queued before
    it) and the longest garbage collection."""

    def __init__(self) -> None:
        self.worst = 0.0
        self.worst_gc = 0.0
        self.worst_lag = 0.0
        self.where = ""
        """The step that held the loop longest (a debugging aid: ``--where`` prints it)."""
        self.verbose = False
        self._task: asyncio.Task[None] | None = None
        self._gc_started = 0.0
        gc.callbacks.append(self._gc)
        run = asyncio.events.Handle._run
        dog = self

        def timed(handle: asyncio.events.Handle) -> None:
            started = time.perf_counter()
            try:
                run(handle)
            finally:
                took = time.perf_counter() - started
                if took > dog.worst:
                    dog.worst, dog.where = (
                        took,
                        repr(getattr(handle._callback, "__self__", handle))[:300],
                    )

        asyncio.events.Handle._run = timed  # type: ignore[method-assign]

    def _gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
        else:
            self.worst_gc = max(self.worst_gc, time.perf_counter() - self._gc_started)

    async def _run(self) -> None:
        while True:
            started = time.perf_counter()
            await asyncio.sleep(0.005)
            self.worst_lag = max(self.worst_lag, time.perf_counter() - started - 0.005)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    def reset(self) -> float:
        worst, self.worst = self.worst, 0.0
        if worst > 0.03 and self.verbose:
            print(f"    (longest step {worst * 1000:.0f} ms: {self.where})")
        return worst * 1000

    def reset_lag(self) -> float:
        worst, self.worst_lag = self.worst_lag, 0.0
        return worst * 1000

    def reset_gc(self) -> float:
        worst, self.worst_gc = self.worst_gc, 0.0
        return worst * 1000

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)


class Bot:
    """An Application fed through its update queue; ``run(update)`` waits until it is handled."""

    def __init__(self, application: Application[Any, Any, Any, Any, Any, Any], api: FakeBotApi):
        self.application = application
        self.api = api
        self._waiting: dict[int, asyncio.Future[None]] = {}
        application.add_handler(TypeHandler(Update, self._done), group=99)

    async def _done(self, update: Update, context: object) -> None:
        if len(self.api.calls) > 5000:
            del self.api.calls[:4000]  # the fake's log, not the bot's memory: keep it small
        future = self._waiting.pop(update.update_id, None)
        if future is not None and not future.done():
            future.set_result(None)

    async def run(self, update: dict[str, Any]) -> None:
        future = asyncio.get_running_loop().create_future()
        self._waiting[update["update_id"]] = future
        await self.application.update_queue.put(Update.de_json(update, self.application.bot))
        await future


Script = Callable[[Bot, int], Awaitable[int]]
"""One client's next step (its index given): sends some updates, returns how many."""


async def measure(bot: Bot, script: Script, clients: int, updates: int) -> float:
    """Updates per second with ``clients`` people writing in a closed loop."""
    done = 0

    async def client(number: int) -> None:
        nonlocal done
        while done < updates:
            sent = await script(bot, number)
            done += sent

    started = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(clients)))
    return done / (time.perf_counter() - started)


def echo_bot(api: FakeBotApi) -> Bot:
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        await update.message.reply_text(update.message.text or "")

    application = (
        ApplicationBuilder()
        .token(FAKE_TOKEN)
        .request(api)
        .get_updates_request(api)
        .updater(None)
        .job_queue(None)
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT, echo))
    return Bot(application, api)


async def seed(app: App, listings: int) -> None:
    """``listings`` generated products over 2,000 approved stalls, plus the vendors' stalls."""
    now = datetime.now(UTC).isoformat()
    conn = app.db.conn
    market = (await app.store.markets())[0].id
    items = generate(listings)
    owners = []
    for number in range(VENDORS):
        user = await app.store.upsert_user(
            platform="telegram",
            platform_user_id=str(1001 + number),
            chat_id=str(1001 + number),
            display_name="摊主",
            platform_language="zh-hans",
            now=datetime.now(UTC),
        )
        assert user is not None
        owners.append(user.id)
    async with app.db.transaction():
        await conn.execute("DELETE FROM products")
        await conn.executemany(
            "INSERT OR IGNORE INTO stalls (id, market_id, owner_id, name, vendor_name, village,"
            " status, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, '摊主', '东泉村', 'approved', ?, ?)",
            [
                (10_000 + s, market, owners[s - 1] if s <= VENDORS else None, f"摊位{s}", now, now)
                for s in range(1, 2001)
            ],
        )
        await conn.executemany(
            "INSERT OR IGNORE INTO products (stall_id, name, category, price_fen, unit,"
            " description, in_stock, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    10_000 + (item.stall_id if item.stall_id > VENDORS else VENDORS + 1),
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
        await conn.executemany(
            "INSERT INTO products (stall_id, name, category, price_fen, unit, description,"
            " in_stock, created_at, updated_at)"
            " VALUES (?, ?, 'shanzhen', 2000, '斤', '', 1, ?, ?)",
            [
                (10_000 + s, name, now, now)
                for s in range(1, VENDORS + 1)
                for name in ("核桃", "红枣", "小米")
            ],
        )
        app.db.catalog_changed()


def scripts(api: FakeBotApi, queries: list[str]) -> dict[str, Script]:
    ids = itertools.count(1)
    rng = random.Random(3)

    def press(user: int, part: str) -> dict[str, Any]:
        """The update of ``user`` pressing the newest button whose label contains ``part``."""
        label = next((x for x in api.last_labels(user) if part in x), part)
        return api.press(user, label)

    def visitor(number: int) -> int:
        return VISITOR_BASE + number

    async def search(bot: Bot, number: int) -> int:
        await bot.run(api.user_message(visitor(number), rng.choice(queries)))
        return 1

    async def start(bot: Bot, number: int) -> int:
        await bot.run(api.user_message(visitor(number), "/start"))
        return 1

    async def add(bot: Bot, number: int) -> int:
        vendor = 1001 + number % VENDORS
        name = rng.choice(GOODS) + "".join(rng.choices("甲乙丙丁戊己庚辛壬癸", k=4))
        await bot.run(api.user_message(vendor, f"{name} {rng.randrange(2, 90)}元一斤"))
        await bot.run(press(vendor, "保存"))
        return 2

    async def change_price(bot: Bot, number: int) -> int:
        vendor = 1001 + number % VENDORS
        await bot.run(api.user_message(vendor, "/mystall"))
        await bot.run(press(vendor, "核桃"))
        await bot.run(press(vendor, "改价格"))
        await bot.run(api.user_message(vendor, f"{rng.randrange(10, 40)}元一斤"))
        return 4

    async def mixed(bot: Bot, number: int) -> int:
        if number % 5 == 0:
            return await change_price(bot, number // 5)
        return await search(bot, number)

    del ids
    return {"search": search, "start": start, "add": add, "mixed": mixed}


async def echo_rate(clients: int, updates: int) -> float:
    api = FakeBotApi()
    bot = echo_bot(api)
    counter = itertools.count()

    async def say(bot: Bot, number: int) -> int:
        await bot.run(api.user_message(VISITOR_BASE + number, f"你好 {next(counter)}"))
        return 1

    async with bot.application:
        await bot.application.start()
        await measure(bot, say, clients, updates // 4)  # warm up
        rate = await measure(bot, say, clients, updates)
        await bot.application.stop()
    return rate


async def first_replies(app: App, config: Config, visitors: int, queries: list[str]) -> float:
    """Median seconds from writing to the first reply, ``visitors`` writing at once, each Bot
    API request answered after 0.1 s."""
    api = FakeBotApi(latency=0.1)
    bot = Bot(marketbot_application(app, config, api), api)
    async with bot.application:
        await bot.application.start()
        delays: list[float] = []

        async def one(number: int) -> None:
            started = time.perf_counter()
            sent = asyncio.create_task(
                api.wait_until(lambda: bool(api.message_calls(VISITOR_BASE + number)), 120)
            )
            await bot.run(api.user_message(VISITOR_BASE + number, queries[number % len(queries)]))
            await sent
            delays.append(time.perf_counter() - started)

        await asyncio.gather(*(one(n) for n in range(visitors)))
        await bot.application.stop()
    return statistics.median(delays)


def marketbot_application(
    app: App, config: Config, api: FakeBotApi
) -> Application[Any, Any, Any, Any, Any, Any]:
    return build_application(
        replace(config.telegram, token=FAKE_TOKEN),
        app.core,
        request=api,
        photos=PhotoStore(app.db),
    )


async def first_search_after_change(app: App) -> float:
    """Milliseconds of the first search (description words: the slowest kind) after a price
    change was committed."""
    store, catalog = app.store, app.core.services.catalog
    market = (await store.markets())[0]
    product = (await store.products_of_stall(10_000 + VENDORS + 1))[0]
    await store.update_product(product.id, datetime.now(UTC), price_fen=product.price_fen + 1)
    started = time.perf_counter()
    await catalog.search(market, "泡水喝的", datetime.now(UTC), log=False)
    return (time.perf_counter() - started) * 1000


async def rebuild_all(app: App) -> None:
    """A global index rebuild, as inline mode (every market) needs after a restart."""
    catalog = app.core.services.catalog
    rebuild = getattr(catalog, "rebuild_all", None)
    if rebuild is not None:
        await rebuild()
        return
    app.db.catalog_changed()
    await catalog.index(None, datetime.now(UTC))


async def count_sql(app: App, bot: Bot, api: FakeBotApi, query: str) -> list[str]:
    """The SQL statements one search message runs."""
    statements: list[str] = []
    await app.db.conn.set_trace_callback(statements.append)
    try:
        await bot.run(api.user_message(VISITOR_BASE + 1, query))
    finally:
        await app.db.conn.set_trace_callback(None)
    return statements


async def one_size(
    listings: int, args: argparse.Namespace, echo: float, queries: list[str], dog: Watchdog
) -> dict[str, float]:
    folder = Path(tempfile.mkdtemp(prefix="throughput-"))
    config = replace(
        Config(),
        database=DatabaseConfig(path=str(folder / "market.db")),
        telegram=TelegramConfig(token=FAKE_TOKEN),
    )
    results: dict[str, float] = {}
    async with open_app(config, SystemClock()) as app:
        started = time.perf_counter()
        await seed(app, listings)
        print(f"  seeded {listings} listings in {time.perf_counter() - started:.1f} s")
        await app.db.watch()  # as `marketbot run` does: other processes' writes are noticed
        await asyncio.sleep(0)  # end the step that seeded (the benchmark's, not the bot's)
        dog.reset()
        api = FakeBotApi()
        bot = Bot(marketbot_application(app, config, api), api)
        steps = scripts(api, queries)
        async with bot.application:
            await bot.application.start()
            started = time.perf_counter()
            await bot.run(api.user_message(VISITOR_BASE, "红枣"))
            stalls = [dog.reset()]
            print(
                f"  first search (index built): {time.perf_counter() - started:.2f} s,"
                f" loop stall meanwhile {stalls[-1]:.0f} ms"
            )
            await measure(bot, steps["search"], args.clients, args.updates // 10)  # warm up
            if args.sql:
                statements = await count_sql(app, bot, api, "红枣")
                print(f"  SQL statements of one search message: {len(statements)}")
                for sql in statements:
                    print("    " + " ".join(sql.split())[:110])
            results["after_change"] = await first_search_after_change(app)
            print(f"  first search after a price change: {results['after_change']:.1f} ms")
            stalls.append(dog.reset())
            dog.reset_lag()
            for name in ("search", "start", "add", "mixed"):
                if args.profile == name:
                    profile = cProfile.Profile()
                    profile.enable()
                rate = await measure(bot, steps[name], args.clients, args.updates)
                if args.profile == name:
                    profile.disable()
                    stats = pstats.Stats(profile)
                    stats.sort_stats("tottime").print_stats(30)
                    stats.sort_stats("cumulative").print_stats(60)
                results[name] = rate
                stalls.append(dog.reset())
                print(
                    f"  {name:7} {rate:8.0f} updates/s  ratio {rate / echo:.3f}"
                    f"  (loop stall {stalls[-1]:.0f} ms, lag {dog.reset_lag():.0f} ms,"
                    f" longest gc {dog.reset_gc():.0f} ms)"
                )
            started = time.perf_counter()
            rebuild = asyncio.create_task(rebuild_all(app))
            rate = await measure(bot, steps["search"], args.clients, args.updates // 2)
            await rebuild
            stalls.append(dog.reset())
            print(
                f"  global index rebuild: {time.perf_counter() - started:.1f} s,"
                f" searches meanwhile {rate:.0f}/s, loop stall {stalls[-1]:.0f} ms,"
                f" lag {dog.reset_lag():.0f} ms"
            )
            await bot.application.stop()
        if listings == max(args.sizes):
            median = await first_replies(app, config, 500, queries)
            results["first_reply"] = median
            stalls.append(dog.reset())
            print(
                f"  500 visitors at once, Bot API 0.1 s: median first reply {median:.2f} s"
                f" (loop stall {stalls[-1]:.0f} ms, lag {dog.reset_lag():.0f} ms)"
            )
    results["stall"] = max(stalls)
    return results


async def main_async(args: argparse.Namespace) -> int:
    queries = [query.text for query in load_queries()]
    dog = Watchdog()
    dog.verbose = args.where
    dog.start()
    echo = await echo_rate(args.clients, args.updates * 2)
    print(f"echo bot (bare python-telegram-bot): {echo:.0f} updates/s")
    by_size: dict[int, dict[str, float]] = {}
    for size in args.sizes:
        print(f"{size} listings:")
        by_size[size] = await one_size(size, args, echo, queries, dog)
    big, small = by_size[max(args.sizes)], by_size[min(args.sizes)]
    echo_after = await echo_rate(args.clients, args.updates * 2)
    print(f"echo bot again: {echo_after:.0f} updates/s")
    print(f"500 visitors at once: median first reply {big['first_reply']:.2f} s")
    await dog.stop()
    anchor = (echo + echo_after) / 2
    stall = max(r["stall"] for r in by_size.values())
    print(
        f"search_ratio={small['search'] / anchor:.3f} start_ratio={small['start'] / anchor:.3f}"
        f" mixed_ratio_100k={big['mixed'] / anchor:.3f} loop_stall_ms={stall:.0f}"
    )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--updates", type=int, default=1200)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--profile", default="")
    parser.add_argument("--sql", action="store_true")
    parser.add_argument("--where", action="store_true")
    args = parser.parse_args()
    args.sizes = [int(size) for size in args.sizes.split(",")]
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
