"""County-scale benchmark: cold start, reminder planning, a 1,000,000-recipient broadcast and the
terminal chat piped in, each printed next to its goal.

The county database is made by :func:`fill`: the real migrations (``Database.open``), then a
direct SQLite fill of the tables with ``executemany`` (this benchmark only: going through the
stores would take minutes and is not what is measured). Seeded, so every run is the same:

- the county: ``--markets`` markets (200) with schedules (lunar 逢三六九-type rules, weekly and
  solar ones), 5,000 approved stalls with their owners, 100,000 listings, 100,000 visitors
  following stalls;
- the cold-start variant: the same with 1,000 markets;
- the broadcast audience: 1,000,000 more people who wrote to the bot and subscribed to market 1.

Measured, each in a fresh child process so that one part's memory is not another's:

1. **Cold start** — ``marketbot run --db COUNTY`` (1,000 markets) as a real process, ``/start``
   piped in: seconds from spawning the process to the first line of the reply, on the first start
   ever (every reminder planned) and on a restart (the plan already there). Anchor: the same
   interpreter importing the application and exiting. Then, in-process, where a start's time
   goes: opening the database, starting to build the search indexes in the background, starting
   the delivery engine and the reminder scheduler (catch up, re-plan, one job per reminder);
   then, while the indexes are still being built, a search in the market whose index is built
   last (it builds that one at once), the time until every index is built and the longest
   event-loop stall meanwhile.
2. **Reminder planning** — :meth:`MarketDays.replan` over the 1,000 markets: seconds and SQL
   statements (calls of the connection's ``execute``; row executions counted with SQLite's
   trace callback) for the first plan, a re-plan with nothing
   changed and a re-plan after one market's schedule changed. Anchor: a plain ``executemany`` of
   the same number of reminder rows.
3. **Broadcast start** — the secretary's ``/broadcast`` flow in the terminal chat (text, no
   photo, "subscribers of market 1", send now) with 1,000,000 subscribers: seconds for the "send
   now" turn, the peak rise of the process's resident memory (RSS, sampled every 5 ms by a
   thread) over its level before the turn, and the longest event-loop stall while the whole flow
   runs (a watchdog task that wakes every 5 ms). Anchor: one plain ``INSERT … SELECT`` of the
   same rows into a table of the same shape.
4. **Terminal chat** — lines per second of a script (visitors searching and browsing, a vendor
   changing a price, comments, ``#as`` switches) piped into :func:`marketbot.app.run` on the demo
   database (after a first run that searched once, so the word tables are loaded in both):
   (N − 1) lines over the time of N lines less the time of one. Anchor: the same lines through
   Python's ``print`` to the same sink.

The last line is machine-readable::

    cold_start_s=… plan_statements=… broadcast_start_s=… broadcast_peak_mb=… loop_stall_ms=…
    console_lines_per_s=…       (one line)

Usage::

    .venv/bin/python benchmarks/scale.py                     # ~3-5 min on 2 cores
    .venv/bin/python benchmarks/scale.py --audience 100000   # a quicker run
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, market day 12-04 ahead
STAMP = (NOW - timedelta(days=30)).isoformat()
PHRASES = ["逢三六九", "逢一四七", "逢二五八", "逢五逢十", "每周六", "每周三、六", "每月1号和15号"]
GOODS = [
    *[
        "蘑菇",
        "木耳",
        "核桃",
        "红枣",
        "小米",
        "黄精",
        "党参",
        "蜂蜜",
        "柿饼",
        "粉条",
        "莜面",
        "沙棘膏",
        "土鸡蛋",
        "腊肉",
        "花椒",
    ],
    *[
        "黄花菜",
        "荞麦面",
        "杏仁",
        "山楂",
        "豆腐干",
        "老陈醋",
        "剪纸",
        "笤帚",
        "柴鸡",
        "羊肉",
        "酸枣",
        "苹果",
        "梨",
        "土豆",
        "南瓜",
    ],
]
GRADES = ["", "", "野生", "农家", "特级", "自产", "古法", "新"]
UNITS = ["斤", "瓶", "个", "袋", "盒", "把", "罐"]


# -- the county database ------------------------------------------------------------------------


def _chunks(
    rows: Iterator[tuple[Any, ...]], size: int = 50_000
) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _many(conn: sqlite3.Connection, sql: str, rows: Iterator[tuple[Any, ...]]) -> None:
    for batch in _chunks(rows):
        conn.executemany(sql, batch)


def fill(
    path: Path, *, markets: int, stalls: int, listings: int, followers: int, audience: int
) -> None:
    """Migrate ``path`` with the real migrations, then fill it directly (see module)."""
    from marketbot.storage.db import Database

    async def migrate() -> None:
        db = await Database.open(path)
        await db.close()

    asyncio.run(migrate())
    rng = random.Random(15)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    _many(
        conn,
        "INSERT INTO markets (id, name, place, opens, closes, timezone, created_at)"
        " VALUES (?, ?, ?, '08:00', '13:00', 'Asia/Shanghai', ?)",
        ((m, f"第{m}号集", f"第{m}村", STAMP) for m in range(1, markets + 1)),
    )
    _many(
        conn,
        "INSERT INTO market_schedules (market_id, phrase, updated_at) VALUES (?, ?, ?)",
        ((m, PHRASES[m % len(PHRASES)], STAMP) for m in range(1, markets + 1)),
    )
    user_sql = (
        "INSERT INTO users (id, platform, platform_user_id, chat_id, display_name, created_at,"
        " last_seen_at, market_id) VALUES (?, 'console', ?, ?, ?, ?, ?, ?)"
    )
    # vendors: users 10 … 10 + stalls
    first_vendor = 10
    _many(
        conn,
        user_sql,
        (
            (first_vendor + s, f"v{s}", f"v{s}", f"v{s}", STAMP, STAMP, 1 + s % markets)
            for s in range(stalls)
        ),
    )
    _many(
        conn,
        "INSERT INTO stalls (id, market_id, owner_id, name, vendor_name, village, status,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, '', 'approved', ?, ?)",
        (
            (
                s + 1,
                1 + s % markets,
                first_vendor + s,
                f"摊位{s + 1}",
                f"摊主{s + 1}",
                STAMP,
                STAMP,
            )
            for s in range(stalls)
        ),
    )
    from marketbot.search import CATEGORIES

    codes = list(CATEGORIES)
    _many(
        conn,
        "INSERT INTO products (id, stall_id, name, category, price_fen, unit, description,"
        " in_stock, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, '', ?, ?, ?)",
        (
            (
                p + 1,
                1 + p % stalls,
                f"{rng.choice(GRADES)}{rng.choice(GOODS)}{p + 1}",
                rng.choice(codes),
                rng.randrange(100, 50_000),
                rng.choice(UNITS),
                int(rng.random() < 0.85),
                STAMP,
                STAMP,
            )
            for p in range(listings)
        ),
    )
    # followers: users after the vendors, each following one stall
    first_follower = first_vendor + stalls
    _many(
        conn,
        user_sql,
        (
            (first_follower + f, f"f{f}", f"f{f}", f"f{f}", STAMP, STAMP, None)
            for f in range(followers)
        ),
    )
    _many(
        conn,
        "INSERT INTO stall_followers (user_id, stall_id, created_at) VALUES (?, ?, ?)",
        ((first_follower + f, 1 + f % stalls, STAMP) for f in range(followers)),
    )
    # the broadcast audience: people who wrote to the bot and subscribed to market 1
    first_audience = first_follower + followers
    _many(
        conn,
        user_sql,
        (
            (first_audience + a, f"a{a}", f"a{a}", f"a{a}", STAMP, STAMP, 1)
            for a in range(audience)
        ),
    )
    _many(
        conn,
        "INSERT INTO conversations (user_id, updated_at) VALUES (?, ?)",
        ((first_audience + a, STAMP) for a in range(audience)),
    )
    _many(
        conn,
        "INSERT INTO subscriptions (user_id, market_id, created_at) VALUES (?, 1, ?)",
        ((first_audience + a, STAMP) for a in range(audience)),
    )
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def _config_toml(folder: Path, db: Path) -> Path:
    path = folder / "config.toml"
    path.write_text(f'[database]\npath = "{db}"\n[bot]\ndemo_data = false\n', encoding="utf-8")
    return path


# -- 1. cold start --------------------------------------------------------------------------------


def _python() -> list[str]:
    return [sys.executable]


def _env() -> dict[str, str]:
    env = dict(os.environ, PYTHONUNBUFFERED="1", PYTHONPATH=str(ROOT))
    return env


def cold_start(db: Path, folder: Path) -> float:
    """Seconds from spawning ``marketbot run`` to the first line of its reply to /start."""
    config = _config_toml(folder, db)
    started = time.perf_counter()
    proc = subprocess.Popen(
        [
            *_python(),
            "-m",
            "marketbot",
            "run",
            "--config",
            str(config),
            "--now",
            "2026-12-03 10:00",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=folder,
        env=_env(),
        text=True,
        encoding="utf-8",
    )
    assert proc.stdin is not None
    assert proc.stdout is not None
    proc.stdin.write("/start\n")
    proc.stdin.flush()
    first = proc.stdout.readline()  # the banner "Terminal chat on …"
    assert first.startswith("Terminal chat"), first
    line = proc.stdout.readline()
    elapsed = time.perf_counter() - started
    assert line.strip(), "no reply"
    proc.stdin.close()
    proc.stdout.read()
    proc.wait(timeout=120)
    return elapsed


def cold_child(db: str) -> dict[str, float]:
    """Run in a fresh process: where a start's time goes, stage by stage (in-process), and
    the search indexes built in the background meanwhile."""

    async def measure() -> dict[str, float]:
        from marketbot.app import _warm, background, open_app
        from marketbot.clock import FixedClock, SystemClock
        from marketbot.config import Config, DatabaseConfig

        config = Config(database=DatabaseConfig(path=db))
        out: dict[str, float] = {}
        started = time.perf_counter()
        async with open_app(config, FixedClock(NOW)) as app:
            out["open_s"] = time.perf_counter() - started
            catalog = app.core.services.catalog
            started = time.perf_counter()
            await _warm(app)
            out["warm_start_s"] = time.perf_counter() - started
            sender: Any = _NeverSender()
            async with _Watchdog() as watchdog:
                async with background(app, config, [sender], pacing=SystemClock()):
                    out["background_s"] = time.perf_counter() - started
                out["loop_stall_ms"] = watchdog.worst * 1000
            async with _Watchdog() as watching:
                # a search in the market built last, while the others are being built
                last = (await app.store.markets_by_use(NOW - timedelta(days=7)))[-1]
                market = await app.store.get_market(last)
                asked = time.perf_counter()
                answer = await catalog.search(market, "蘑菇", NOW, log=False)
                out["search_unbuilt_s"] = time.perf_counter() - asked
                out["search_unbuilt_groups"] = len(answer.groups)
                await catalog.warmed()
                out["search_warm_s"] = time.perf_counter() - started
            out["warm_stall_ms"] = watching.worst * 1000
            out["warm_thread_stall_ms"] = watching.thread_worst * 1000
        return out

    return asyncio.run(measure())


def cold_breakdown(db: Path) -> dict[str, float]:
    proc = subprocess.run(
        [*_python(), __file__, "--child-cold", str(db)],
        check=True,
        capture_output=True,
        text=True,
        env=_env(),
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def import_anchor() -> float:
    started = time.perf_counter()
    subprocess.run([*_python(), "-c", "import marketbot.app"], check=True, env=_env(), cwd=ROOT)
    return time.perf_counter() - started


# -- 2. planning ----------------------------------------------------------------------------------


def planning(db: Path) -> dict[str, float]:
    """The first plan, a re-plan with nothing changed, one market's schedule changed."""

    async def measure() -> dict[str, float]:
        from marketbot.calendar import CalendarOptions
        from marketbot.clock import FixedClock
        from marketbot.config import Config
        from marketbot.services.market_days import MarketDays
        from marketbot.storage.db import Database
        from marketbot.storage.market_data import Storage

        database = await Database.open(db)
        executions = [0]
        calls = [0]

        def traced(_sql: str) -> None:
            executions[0] += 1

        await database.conn.set_trace_callback(traced)
        conn = database.conn

        def counting(send: Callable[..., Any]) -> Callable[..., Any]:
            def counted(*args: Any, **kwargs: Any) -> Any:  # one statement the stores ran
                calls[0] += 1
                return send(*args, **kwargs)

            return counted

        conn.execute = counting(conn.execute)  # type: ignore[method-assign]
        conn.executemany = counting(conn.executemany)  # type: ignore[method-assign]
        conn.execute_fetchall = counting(conn.execute_fetchall)  # type: ignore[method-assign]
        days = MarketDays(Storage(database), FixedClock(NOW), Config())
        out: dict[str, float] = {}

        async def timed(name: str, step: Callable[[], Any]) -> None:
            executions[0] = calls[0] = 0
            started = time.perf_counter()
            await step()
            out[f"{name}_s"] = time.perf_counter() - started
            out[f"{name}_statements"] = calls[0]
            out[f"{name}_executions"] = executions[0]

        await timed("first", days.replan)
        await timed("again", days.replan)
        await days.schedules.set(7, "逢一六", CalendarOptions(), by=10, now=NOW)
        await timed("one_changed", lambda: days.replan(7))
        await database.conn.set_trace_callback(None)
        async with database.conn.execute(
            "SELECT count(*) FROM reminders WHERE status = 'scheduled'"
        ) as cursor:
            row = await cursor.fetchone()
        out["rows"] = int(row[0]) if row else 0
        await database.close()
        return out

    return asyncio.run(measure())


def planning_anchor(rows: int) -> float:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute(
        "CREATE TABLE reminders (id INTEGER PRIMARY KEY, market_id INTEGER, market_day TEXT,"
        " kind TEXT, due_at TEXT, status TEXT, UNIQUE (market_id, market_day, kind))"
    )
    data = [
        (i // 24, (date(2026, 12, 3) + timedelta(days=i % 24)).isoformat(), "evening", STAMP)
        for i in range(rows)
    ]
    started = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO reminders (market_id, market_day, kind, due_at, status)"
        " VALUES (?, ?, ?, ?, 'scheduled')",
        data,
    )
    conn.execute("COMMIT")
    return time.perf_counter() - started


# -- 3. broadcast ---------------------------------------------------------------------------------


class _RssSampler:
    """Samples the process's resident memory every 5 ms in a thread (the loop may be busy)."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._page = os.sysconf("SC_PAGE_SIZE")

    def rss(self) -> int:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * self._page

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.rss())
            time.sleep(0.005)

    def __enter__(self) -> _RssSampler:
        self.peak = self.rss()
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.rss())


class _Watchdog:
    """The longest time the event loop took to wake a task that sleeps 5 ms; beside it, the
    same for a plain thread (the anchor: what the shared machine's scheduling alone costs)."""

    def __init__(self) -> None:
        self.worst = 0.0
        self.thread_worst = 0.0
        self._task: asyncio.Task[None] | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sleeper, daemon=True)

    def _sleeper(self) -> None:
        while not self._stop.is_set():
            before = time.perf_counter()
            time.sleep(0.005)
            self.thread_worst = max(self.thread_worst, time.perf_counter() - before - 0.005)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            before = loop.time()
            await asyncio.sleep(0.005)
            self.worst = max(self.worst, loop.time() - before - 0.005)

    async def __aenter__(self) -> _Watchdog:
        self._task = asyncio.create_task(self._run())
        self._thread.start()
        await asyncio.sleep(0)
        return self

    async def __aexit__(self, *_exc: object) -> None:
        assert self._task is not None
        self._stop.set()
        self._thread.join()
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


class _NeverSender:
    """A console sender whose sends never finish: the broadcast is started, not sent."""

    platform = "console"

    def __init__(self) -> None:
        self._never = asyncio.Event()

    async def send(self, chat_id: str, reply: object) -> None:
        await self._never.wait()


def broadcast_child(db: str) -> dict[str, float]:
    """Run in a fresh process: the secretary's flow up to "send now" (see module)."""

    async def measure() -> dict[str, float]:
        from marketbot.app import background, open_app
        from marketbot.clock import FixedClock, SystemClock
        from marketbot.config import Config, DatabaseConfig
        from marketbot.platforms.console import ConsoleChat

        config = Config(database=DatabaseConfig(path=db))
        out: dict[str, float] = {}
        sink: list[str] = []
        async with open_app(config, FixedClock(NOW)) as app:
            app.core.add_platform(
                "console",
                __import__("marketbot.platforms.console", fromlist=["CAPABILITIES"]).CAPABILITIES,
            )
            chat = ConsoleChat(app.core, "secretary", sink.append)
            sender: Any = _NeverSender()
            await app.db.watch()  # as serving does: write-ahead log checkpoints off the loop
            async with background(app, config, [sender], pacing=SystemClock()):
                async with _Watchdog() as watchdog:
                    started = time.perf_counter()
                    await chat.send("/broadcast")
                    await chat.send("明天赶集，下雨照常。")
                    await chat.send("1")  # no photo
                    out["audience_s"] = time.perf_counter() - started
                    choices = sink[-2] if len(sink) > 1 else ""
                    await chat.send("1")  # subscribers of market 1
                    out["preview_s"] = time.perf_counter() - started - out["audience_s"]
                    sink.clear()
                    with _RssSampler() as rss:
                        before = rss.peak
                        started = time.perf_counter()
                        await chat.send("1")  # send now
                        out["start_s"] = time.perf_counter() - started
                    out["peak_rise_mb"] = (rss.peak - before) / 2**20
                    out["rss_mb"] = rss.peak / 2**20
                    out["reply"] = 0.0
                    await asyncio.sleep(0.2)  # the progress message after the commit
                out["loop_stall_ms"] = watchdog.worst * 1000
                out["thread_stall_ms"] = watchdog.thread_worst * 1000
            sent = "\n".join(sink)
            out["started_ok"] = float("1000000" in sent.replace(",", "") or "开始发送" in sent)
            async with app.db.conn.execute("SELECT count(*) FROM delivery_outbox") as cursor:
                row = await cursor.fetchone()
            out["outbox_rows"] = float(row[0]) if row else 0.0
            _ = choices
        return out

    return asyncio.run(measure())


def broadcast(db: Path) -> dict[str, float]:
    proc = subprocess.run(
        [*_python(), __file__, "--child-broadcast", str(db)],
        check=True,
        capture_output=True,
        text=True,
        env=_env(),
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def broadcast_anchor(db: Path, audience: int) -> float:
    """One plain INSERT … SELECT of the audience into a table shaped like the outbox."""
    copy = db.with_suffix(".anchor.db")
    shutil.copy(db, copy)
    conn = sqlite3.connect(copy, isolation_level=None)
    conn.execute(
        "CREATE TABLE outbox_anchor (id INTEGER PRIMARY KEY, announcement_id INTEGER NOT NULL,"
        " platform TEXT NOT NULL, chat_id TEXT NOT NULL, state TEXT NOT NULL,"
        " updated_at TEXT NOT NULL, UNIQUE (announcement_id, platform, chat_id))"
    )
    started = time.perf_counter()
    conn.execute("BEGIN")
    conn.execute(
        "INSERT INTO outbox_anchor (announcement_id, platform, chat_id, state, updated_at)"
        " SELECT 1, u.platform, u.chat_id, 'pending', ? FROM subscriptions s"
        " JOIN users u ON u.id = s.user_id WHERE s.market_id = 1",
        (STAMP,),
    )
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    copy.unlink()
    return elapsed


# -- 4. the terminal chat -------------------------------------------------------------------------

SCRIPT_ROUND = """\
#as visitor{n}
/start
蘑菇
核桃多少钱
# a comment
1

小米
#as laowei
/mystall
#as visitor{n}
黄精
有没有蜂蜜
"""


def console_script(lines: int) -> str:
    out: list[str] = []
    n = 0
    while len(out) < lines:
        out.extend(SCRIPT_ROUND.format(n=n % 20).splitlines())
        n += 1
    return "\n".join(out[:lines]) + "\n"


def _messages(lines: int) -> int:
    """How many of the script's lines reach the bot as messages."""
    return sum(
        1
        for line in console_script(lines).splitlines()
        if line.strip() and not (line.startswith("#") and not line.startswith("#photo"))
    )


def console_child(folder: str, lines: int) -> float:
    """Seconds for ``marketbot.app.run`` over a script of ``lines`` lines (demo database)."""
    from marketbot.app import run
    from marketbot.clock import FixedClock
    from marketbot.config import Config, DatabaseConfig

    db = Path(folder) / f"console-{lines}.db"
    config = Config(database=DatabaseConfig(path=str(db)))
    sink = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115

    def write(text: str) -> None:
        print(text, file=sink)

    async def warm() -> None:  # create, migrate and seed the database, load the word tables
        await run(config, FixedClock(NOW), stdin=io.StringIO("蘑菇\n"), write=write)

    asyncio.run(warm())
    started = time.perf_counter()
    asyncio.run(
        run(config, FixedClock(NOW), stdin=io.StringIO(console_script(lines)), write=write)
    )
    return time.perf_counter() - started


def console(folder: Path, lines: int) -> tuple[float, float]:
    def child(n: int) -> float:
        proc = subprocess.run(
            [*_python(), __file__, "--child-console", str(folder), str(n)],
            check=True,
            capture_output=True,
            text=True,
            env=_env(),
            cwd=folder,
        )
        return float(proc.stdout.strip().splitlines()[-1])

    one = child(1)
    many = child(lines)
    rate = (lines - 1) / max(many - one, 1e-9)
    sink = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    script = console_script(lines).splitlines()
    started = time.perf_counter()
    for line in script:
        print(line, file=sink)
    anchor = len(script) / max(time.perf_counter() - started, 1e-9)
    return rate, anchor


# -- main -----------------------------------------------------------------------------------------


def _goal(ok: bool) -> str:
    return "met" if ok else "NOT met"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--markets", type=int, default=200)
    parser.add_argument("--cold-markets", type=int, default=1000)
    parser.add_argument("--stalls", type=int, default=5000)
    parser.add_argument("--listings", type=int, default=100_000)
    parser.add_argument("--followers", type=int, default=100_000)
    parser.add_argument("--audience", type=int, default=1_000_000)
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--child-broadcast", metavar="DB", help=argparse.SUPPRESS)
    parser.add_argument("--child-cold", metavar="DB", help=argparse.SUPPRESS)
    parser.add_argument("--child-console", nargs=2, metavar=("DIR", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_broadcast:
        print(json.dumps(broadcast_child(args.child_broadcast)))
        return 0
    if args.child_cold:
        print(json.dumps(cold_child(args.child_cold)))
        return 0
    if args.child_console:
        print(console_child(args.child_console[0], int(args.child_console[1])))
        return 0
    folder = Path(tempfile.mkdtemp(prefix="marketbot-scale-"))
    try:
        return _run(args, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _run(args: argparse.Namespace, folder: Path) -> int:
    sizes = dict(stalls=args.stalls, listings=args.listings, followers=args.followers)
    started = time.perf_counter()
    cold_db = folder / "county-1000.db"
    fill(cold_db, markets=args.cold_markets, audience=0, **sizes)
    county_db = folder / "county.db"
    fill(county_db, markets=args.markets, audience=args.audience, **sizes)
    print(
        f"county databases filled in {time.perf_counter() - started:.1f} s: "
        f"{args.markets} and {args.cold_markets} markets, {args.stalls:,} stalls, "
        f"{args.listings:,} listings, {args.followers:,} followers, "
        f"{args.audience:,} subscribers of market 1"
    )

    plan_db = folder / "plan.db"
    shutil.copy(cold_db, plan_db)
    plan = planning(plan_db)
    anchor_plan = planning_anchor(int(plan["rows"]))
    print(
        f"reminder planning, {args.cold_markets} markets ({int(plan['rows'])} reminders): "
        f"first {plan['first_s']:.2f} s / {int(plan['first_statements'])} statements "
        f"({int(plan['first_executions'])} row executions), unchanged {plan['again_s']:.3f} s /"
        f" {int(plan['again_statements'])} ({int(plan['again_executions'])}), one schedule "
        f"changed (incremental) {plan['one_changed_s']:.3f} s / "
        f"{int(plan['one_changed_statements'])} ({int(plan['one_changed_executions'])}); "
        f"anchor (plain executemany of the rows) {anchor_plan * 1000:.1f} ms, ratio "
        f"{plan['first_s'] / anchor_plan:.1f}"
    )

    anchor_import = import_anchor()
    cold_first = cold_start(cold_db, folder)
    cold_again = cold_start(cold_db, folder)
    cold = max(cold_first, cold_again)
    stages = cold_breakdown(cold_db)
    print(
        f"cold start to first reply, {args.cold_markets} markets: first start {cold_first:.2f} s,"
        f" restart {cold_again:.2f} s (goal ≤ 1.5 s: {_goal(cold <= 1.5)}); anchor (importing "
        f"the application) {anchor_import:.2f} s"
    )
    print(
        f"  where a restart's time goes (in-process): open and migrate {stages['open_s']:.2f} s,"
        f" starting to build the search indexes in the background {stages['warm_start_s']:.2f}"
        f" s, delivery engine and reminder scheduler (catch up, re-plan, jobs) "
        f"{stages['background_s']:.2f} s with a longest loop stall of "
        f"{stages['loop_stall_ms']:.0f} ms; meanwhile a search in the market built last "
        f"answered in {stages['search_unbuilt_s'] * 1000:.0f} ms "
        f"({int(stages['search_unbuilt_groups'])} products found), every market's index built "
        f"{stages['search_warm_s']:.2f} s after the start, the loop's longest stall while "
        f"they were built (after the scheduler's start) {stages['warm_stall_ms']:.0f} ms (a "
        f"plain thread sleeping 5 ms at a time overslept by at most "
        f"{stages['warm_thread_stall_ms']:.0f} ms meanwhile)"
    )

    bc = broadcast(county_db)
    anchor_bc = broadcast_anchor(county_db, args.audience)
    print(
        f"broadcast to {int(bc['outbox_rows']):,} subscribers: audience buttons "
        f"{bc['audience_s']:.2f} s, preview {bc['preview_s']:.2f} s, start (send now) "
        f"{bc['start_s']:.2f} s (goal ≤ 5 s: {_goal(bc['start_s'] <= 5)}; anchor plain "
        f"INSERT … SELECT {anchor_bc:.2f} s, ratio {bc['start_s'] / anchor_bc:.1f}); peak RSS "
        f"rise {bc['peak_rise_mb']:.0f} MB, process {bc['rss_mb']:.0f} MB (goal ≤ 200 MB: "
        f"{_goal(bc['peak_rise_mb'] <= 200)}); longest loop stall {bc['loop_stall_ms']:.0f} ms "
        f"(goal ≤ 50 ms: {_goal(bc['loop_stall_ms'] <= 50)}; anchor: a plain thread sleeping "
        f"5 ms at a time overslept by at most {bc['thread_stall_ms']:.0f} ms meanwhile)"
    )

    rate, anchor_rate = console(folder, args.lines)
    print(
        f"terminal chat, {args.lines} lines piped in ({_messages(args.lines)} of them messages, "
        f"the others comments, blanks and '#as'): {rate:.0f} lines/s (goal ≥ 2,000: "
        f"{_goal(rate >= 2000)}); anchor (print of the same lines) {anchor_rate:,.0f} lines/s"
    )
    print(
        f"cold_start_s={cold:.2f} plan_statements={int(plan['first_statements'])} "
        f"broadcast_start_s={bc['start_s']:.2f} broadcast_peak_mb={bc['peak_rise_mb']:.0f} "
        f"loop_stall_ms={bc['loop_stall_ms']:.0f} console_lines_per_s={rate:.0f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
