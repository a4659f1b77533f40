"""Several bot processes on one PostgreSQL: throughput with 1 and 2 processes, then a broadcast
while processes are killed — nothing lost, nothing twice, the rate kept across processes.

The shape is a real deployment's, on loopback: Telegram (a fake Bot API, ``tests/fake_bot_api.py``
served over HTTP) posts every update as a webhook request to a load balancer (a TCP round-robin
proxy, a connection per update, as nginx opens one per request to its upstreams), which passes
it to one of N real ``marketbot run`` processes in **webhook mode**, each on a port of its own,
all on one PostgreSQL (``tests/postgres_server.py``: a server of its own in a temporary
directory). A process that is down refuses the connection and the balancer tries the next one;
a request cut off by a kill, or answered 503 while a process starts, is posted again later, as
Telegram does with an update not answered 200. The processes send their replies and the
broadcast to the fake Bot API, which records every ``sendMessage`` per chat (and answers 429
with ``retry_after`` on demand).

1. **Throughput**: ``--clients`` visitors search at once (the questions of
   ``search_eval/dev.tsv``), each waiting for the answer before the next (an update counts once
   the webhook request is answered 200: handled, replies sent); updates per second through the
   balancer with 1 process and with 2, and the ratio. The machine has 2 cores and the harness
   (fake Telegram, balancer, load) and PostgreSQL run on them too: the CPU each used is printed
   beside the figure (nothing is subtracted). Each bot process runs in a session of its own, as
   separate services do (with Linux's autogroup scheduling, processes of one session share one
   session's part of a busy machine: in one session, a second process got no more CPU).
2. **Kills**: a secretary starts a broadcast to ``--audience`` subscribed chats through the chat
   (``/broadcast``, the text, no photo, the market's subscribers, send now) while ``--visitors``
   new visitors each send one search; meanwhile a random process is SIGKILLed ``--kills``
   times and started again, and ``--floods`` times the Bot API answers a send of the broadcast
   429 with ``retry_after`` 2 s (every process must pause: the limit is the bot's). At the end
   (every outbox row settled: rows in flight in a killed process become ``unconfirmed`` once
   their lease ran out and another process took them over, a minute on; ``--no-takeover``, as
   ``--quick`` does, counts them unconfirmed at once instead of waiting)::

       lost=… duplicated=… rate_fraction=… backlog_fraction=… ratio=…

   lost: subscribed chats without the broadcast, or visitors never answered, and not reported
   unconfirmed (a message in flight at a kill may have been sent: never resent, counted apart);
   duplicated: chats given the broadcast more than once, or visitors given one of the messages
   of their answer more than once (an answer may be several messages: 小吃 is the goods, then
   the stalls so named); rate_fraction: the most broadcast sends arriving at the Bot API in any
   ``--window`` seconds, over the configured rate × the window;
   backlog_fraction: the broadcast's sends over its duration less the time paused by 429s, over
   the configured rate. Replies to visitors are sent at once by the process that answers, not
   paced by the delivery engine: they are counted apart. The exit status is 1 when anything
   was lost or duplicated.

Usage::

    .venv/bin/python benchmarks/scale_out.py            # ~6 min: 10,000 chats, 10 kills
    .venv/bin/python benchmarks/scale_out.py --quick    # a smoke run (under a minute)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE / "search_eval"))
os.environ.setdefault("PTB_TIMEDELTA", "1")

import httpx  # noqa: E402
from run import load_queries  # noqa: E402

from tests.fake_bot_api import ApiCall, FakeBotApi  # noqa: E402
from tests.postgres_server import PostgresServer, free_port  # noqa: E402

TOKEN = "7000001:SCALE-OUT-token"
SECRET = "scale-out-secret"
SECRETARY = 2002
FIRST_AUDIENCE = 5_000_000_000
FIRST_VISITOR = 6_000_000_000
FLOOD_PAUSE = 2
"""Seconds of the ``retry_after`` of the 429s the Bot API answers on demand."""
JSON_FIELDS = frozenset(
    {"reply_markup", "allowed_updates", "commands", "scope", "link_preview_options", "entities"}
)
"""Bot API parameters python-telegram-bot posts as JSON text inside the form."""


# -- HTTP on loopback: the Bot API server and the balancer -------------------------------------


@dataclass
class _Posted:
    """What :class:`FakeBotApi` reads of python-telegram-bot's ``RequestData``."""

    parameters: dict[str, Any]
    contains_files: bool = False


async def _read_request(reader: asyncio.StreamReader) -> tuple[str, dict[str, str], bytes]:
    """One HTTP/1.1 request: its path, headers (lower-case names) and body (at EOF:
    ``asyncio.IncompleteReadError``)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    _, path, _ = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return path, headers, body


Serve = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


class Loopback:
    """A loopback TCP server calling ``serve`` for each connection; at :meth:`stop` every
    connection is closed and its task awaited."""

    def __init__(self, serve: Serve) -> None:
        self._serve = serve
        self.port = free_port()
        self._server: asyncio.Server | None = None
        self._open: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._open.add(task)
        self._writers.add(writer)
        try:
            await self._serve(reader, writer)
        finally:
            self._writers.discard(writer)
            self._open.discard(task)
            writer.close()

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):
            writer.close()
        if self._open:
            await asyncio.wait(self._open, timeout=5)


class BotApiServer:
    """:class:`FakeBotApi` over HTTP: ``POST /bot<token>/<method>`` with form parameters."""

    def __init__(self, api: FakeBotApi) -> None:
        self.api = api
        self.server = Loopback(self._serve)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                path, _, body = await _read_request(reader)
                params: dict[str, Any] = {}
                for name, value in urllib.parse.parse_qsl(body.decode(), keep_blank_values=True):
                    params[name] = json.loads(value) if name in JSON_FIELDS else value
                url = f"http://127.0.0.1:{self.server.port}{path}"
                status, answer = await self.api.do_request(url, "POST", _Posted(params))  # type: ignore[arg-type]
                writer.write(
                    f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n"
                    f"Content-Length: {len(answer)}\r\n\r\n".encode()
                    + answer
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass


class Balancer:
    """Round robin over the processes' ports, a connection at a time; a port that refuses the
    connection (its process is down) is skipped."""

    def __init__(self, ports: list[int]) -> None:
        self.server = Loopback(self._serve)
        self.ports = ports
        self.active = 1
        self.passed: Counter[int] = Counter()
        """Connections passed to each port."""
        self._next = 0

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        for _ in range(self.active):
            port = self.ports[self._next % self.active]
            self._next += 1
            with contextlib.suppress(OSError):
                connection = await asyncio.open_connection("127.0.0.1", port)
                self.passed[port] += 1
                return connection
        return None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream = await self._connect()
        if upstream is None:
            return
        up_reader, up_writer = upstream

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            try:
                while chunk := await source.read(65536):
                    sink.write(chunk)
                    await sink.drain()
            except ConnectionError:
                pass
            finally:
                sink.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))


# -- the bot processes ----------------------------------------------------------------------


@dataclass
class Bots:
    """N ``marketbot run`` processes in webhook mode, one port and config file each."""

    folder: Path
    url: str
    api_port: int
    rate: float
    postmaster: int
    """PostgreSQL's server process (its children do the work)."""
    ports: list[int] = field(default_factory=list)
    processes: dict[int, subprocess.Popen[bytes]] = field(default_factory=dict)
    killed: list[int] = field(default_factory=list)
    cpu: Counter[int] = field(default_factory=Counter)
    """CPU seconds of the processes of each slot that are gone (killed or stopped)."""

    def config(self, slot: int) -> Path:
        path = self.folder / f"bot{slot}.toml"
        path.write_text(
            f'[database]\nurl = "{self.url}"\n\n'
            f"[secretaries]\ntelegram = [{SECRETARY}]\n\n"
            f'[telegram]\ntoken = "{TOKEN}"\n'
            f'base_url = "http://127.0.0.1:{self.api_port}/bot"\n'
            f'base_file_url = "http://127.0.0.1:{self.api_port}/file/bot"\n'
            'mode = "webhook"\nwebhook_url = "https://bench.invalid/telegram"\n'
            f'webhook_secret = "{SECRET}"\n\n'
            f"[delivery]\nrate_per_second = {self.rate}\n\n"
            f'[web]\nlisten = "127.0.0.1"\nport = {self.ports[slot]}\n',
            encoding="utf-8",
        )
        return path

    def spawn(self, slot: int) -> Path:
        """Start the process of ``slot``; returns its log file."""
        log = self.folder / f"bot{slot}.log"
        with open(log, "ab") as out:
            self.processes[slot] = subprocess.Popen(
                [sys.executable, "-m", "marketbot", "run", "--config", str(self.config(slot))],
                cwd=ROOT,
                stdout=out,
                stderr=out,
                start_new_session=True,  # a service of its own (see the module)
            )
        return log

    async def start(self, slot: int) -> None:
        """Start the process of ``slot`` and wait until it says it is ready."""
        log = self.spawn(slot)
        async with httpx.AsyncClient() as client:
            for _ in range(600):
                if self.processes[slot].poll() is not None:
                    raise SystemExit(f"bot process {slot} exited; see {log}")
                with contextlib.suppress(httpx.HTTPError):
                    ready = await client.get(f"http://127.0.0.1:{self.ports[slot]}/readyz")
                    if ready.status_code == 200:
                        return
                await asyncio.sleep(0.1)
        raise SystemExit(f"bot process {slot} did not get ready in a minute")

    def kill(self, slot: int) -> None:
        process = self.processes.pop(slot)
        self.killed.append(process.pid)
        self.cpu[slot] += cpu_seconds(process.pid)
        process.send_signal(signal.SIGKILL)
        process.wait()

    def stop_all(self) -> None:
        for slot, process in list(self.processes.items()):
            self.cpu[slot] += cpu_seconds(process.pid)
            process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes.clear()

    def cpu_now(self) -> float:
        """CPU seconds of every bot process so far, the gone ones included."""
        return sum(self.cpu.values()) + sum(cpu_seconds(p.pid) for p in self.processes.values())


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of a live process (0.0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_cpu(parent: int) -> float:
    """CPU seconds of the live children of ``parent`` (PostgreSQL's server processes)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == parent:
                total += cpu_seconds(int(stat.parent.name))
    return total


def machine_busy() -> tuple[float, float]:
    """CPU seconds busy and in all, over every core, since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    tick = os.sysconf("SC_CLK_TCK")
    return (sum(values) - idle) / tick, sum(values) / tick


# -- Telegram's side: posting updates, the load ---------------------------------------------


class Telegram:
    """Posts updates to the balancer as Telegram posts webhook requests: again (after a pause)
    until one is answered 200."""

    def __init__(self, api: FakeBotApi, balancer: Balancer) -> None:
        self.api = api
        self.balancer = balancer
        self.url = f"http://127.0.0.1:{balancer.server.port}/telegram"
        self.client = httpx.AsyncClient(
            limits=httpx.Limits(max_connections=None, max_keepalive_connections=0),
            timeout=httpx.Timeout(60.0),
        )
        self.retries = 0

    async def post(self, update: dict[str, Any], port: int | None = None) -> None:
        """Post ``update`` through the balancer (or straight to the process on ``port``)."""
        url = self.url if port is None else f"http://127.0.0.1:{port}/telegram"
        while True:
            with contextlib.suppress(httpx.HTTPError):
                answer = await self.client.post(
                    url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
                )
                if answer.status_code == 200:
                    return
            self.retries += 1
            await asyncio.sleep(0.5)

    async def say(self, user: int, text: str, port: int | None = None) -> None:
        await self.post(self.api.user_message(user, text), port)

    async def press(self, user: int, label_start: str) -> None:
        """Press the button of ``user``'s chat whose label starts so (waiting for it a while:
        the message that shows it may come after the update was answered)."""

        def shown() -> list[str]:
            return [label for label in self.api.last_labels(user) if label.startswith(label_start)]

        try:
            await self.api.wait_until(lambda: bool(shown()), within=30.0)
        except TimeoutError:
            raise SystemExit(f"no button {label_start!r}: {self.api.last_labels(user)}") from None
        await self.post(self.api.press(user, shown()[0]))

    async def close(self) -> None:
        await self.client.aclose()


@dataclass
class Throughput:
    processes: int
    updates: int
    seconds: float
    bots_cpu: float
    harness_cpu: float
    postgres_cpu: float
    machine_cpu: float

    @property
    def per_second(self) -> float:
        return self.updates / self.seconds


async def throughput(
    telegram: Telegram, bots: Bots, queries: list[str], args: argparse.Namespace, users: int
) -> Throughput:
    """Closed-loop searches by ``--clients`` visitors: warm-up, then a measured stretch."""
    done = 0
    counting = False

    async def visitor(user: int) -> None:
        nonlocal done
        rng = random.Random(user)
        while True:
            await telegram.say(user, rng.choice(queries))
            if counting:
                done += 1

    tasks = [asyncio.create_task(visitor(users + i)) for i in range(args.clients)]
    try:
        await asyncio.sleep(args.warmup)
        counting, done = True, 0
        cpu0, own0, (busy0, _) = bots.cpu_now(), time.process_time(), machine_busy()
        pg0 = children_cpu(bots.postmaster)
        started = time.perf_counter()
        await asyncio.sleep(args.measure)
        seconds = time.perf_counter() - started
        updates = done
        result = Throughput(
            processes=len(bots.processes),
            updates=updates,
            seconds=seconds,
            bots_cpu=(bots.cpu_now() - cpu0) / seconds,
            harness_cpu=(time.process_time() - own0) / seconds,
            postgres_cpu=(children_cpu(bots.postmaster) - pg0) / seconds,
            machine_cpu=(machine_busy()[0] - busy0) / seconds,
        )
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return result


# -- the kills -------------------------------------------------------------------------------


def _sends(api: FakeBotApi, first: int, count: int) -> Iterator[ApiCall]:
    for call in api.calls:
        chat = call.chat_id
        if call.method == "sendMessage" and chat is not None and first <= chat < first + count:
            yield call


async def _settled(url: str, within: float, killed: list[int] | None) -> set[int]:
    """Wait until no outbox row is pending or in flight, then return the chats whose message
    is unconfirmed (may have been sent, never resent): the rows in flight in a killed process
    once their lease ran out and a live process took them over; with ``killed`` (the killed
    processes' pids) their rows still in flight, without waiting for the lease."""
    import psycopg

    left = "state = 'pending' OR state = 'sending'"
    dead = "state = 'sending' AND split_part(lease_owner, ':', 2)::int = ANY(%s)"
    if killed is not None:
        left = f"state = 'pending' OR (state = 'sending' AND NOT ({dead}))"
    params = () if killed is None else (killed,)
    deadline = time.monotonic() + within
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        while True:
            cursor = await conn.execute(
                f"SELECT count(*) FROM delivery_outbox WHERE {left}", params
            )
            row = await cursor.fetchone()
            if row is not None and row[0] == 0:
                break
            if time.monotonic() > deadline:
                raise SystemExit(f"outbox rows still pending or in flight after {within:.0f} s")
            await asyncio.sleep(1.0)
        unsure = "state = 'unconfirmed'" if killed is None else f"state = 'unconfirmed' OR {dead}"
        cursor = await conn.execute(f"SELECT chat_id FROM delivery_outbox WHERE {unsure}", params)
        return {int(row[0]) for row in await cursor.fetchall()}


@dataclass
class Kills:
    lost: int
    duplicated: int
    unconfirmed: int
    rate_fraction: float
    backlog_fraction: float
    sends: int
    broadcast_seconds: float
    paused: float
    visitors_answered: int
    kills: int
    retries: int
    reply_rate: float


def _paused(calls: list[ApiCall], start: float, end: float) -> float:
    """Seconds of [start, end] inside a pause a 429 asked for."""
    spans = sorted((c.at, c.at + 2.0) for c in calls if c.error and "Too Many Requests" in c.error)
    total, reach = 0.0, start
    for a, b in spans:
        a, b = max(a, reach), min(b, end)
        if b > a:
            total, reach = total + b - a, b
    return total


async def kills(
    telegram: Telegram, bots: Bots, queries: list[str], args: argparse.Namespace
) -> Kills:
    api, rng = telegram.api, random.Random(args.seed)
    asked = [rng.choice(queries) for _ in range(args.visitors)]
    await telegram.say(SECRETARY, "/broadcast")
    await telegram.say(SECRETARY, "明天赶集，下雨照常。")
    await telegram.press(SECRETARY, "不加照片")
    await telegram.press(SECRETARY, "订阅")
    for k in range(1, args.floods + 1):  # spread over the broadcast
        chat = FIRST_AUDIENCE + k * args.audience // (args.floods + 1)
        api.fail_next("sendMessage", 429, retry_after=FLOOD_PAUSE, chat_id=chat)
    await telegram.press(SECRETARY, "📣 现在发送")
    started = time.monotonic()
    expected = args.audience / args.rate

    async def visitor(n: int) -> None:
        await asyncio.sleep(n * expected * 0.8 / args.visitors)
        await telegram.say(FIRST_VISITOR + n, asked[n])

    visitors = asyncio.gather(*(visitor(n) for n in range(args.visitors)))
    for k in range(args.kills):
        await asyncio.sleep(started + expected * (k + 1) / (args.kills + 1) - time.monotonic())
        slot = rng.randrange(len(bots.processes))
        bots.kill(slot)
        killed_at = time.monotonic() - started
        await bots.start(slot)
        print(
            f"  killed process {slot} at {killed_at:.1f} s, ready again at"
            f" {time.monotonic() - started:.1f} s",
            flush=True,
        )
    await visitors
    unconfirmed = await _settled(bots.url, expected + 180, None if args.takeover else bots.killed)
    broadcast = list(_sends(api, FIRST_AUDIENCE, args.audience))
    received = Counter(c.chat_id for c in broadcast if c.ok)
    audience = range(FIRST_AUDIENCE, FIRST_AUDIENCE + args.audience)
    lost = [c for c in audience if not received[c] and c not in unconfirmed]
    duplicated = [c for c in audience if received[c] > 1]
    answers = Counter(c.chat_id for c in _sends(api, FIRST_VISITOR, args.visitors) if c.ok)
    chats = [FIRST_VISITOR + n for n in range(args.visitors)]
    unanswered = [c for c in chats if not answers[c] and c not in unconfirmed]
    texts: dict[int, Counter[str]] = {c: Counter() for c in chats}
    for call in _sends(api, FIRST_VISITOR, args.visitors):
        if call.ok and call.chat_id is not None:
            texts[call.chat_id][call.text or ""] += 1
    twice = [c for c in chats if any(n > 1 for n in texts[c].values())]
    for chat in duplicated + twice:  # what to look into: each message the chat was sent
        print(f"  sent more than once to chat {chat}:", flush=True)
        for call in api.calls:
            if call.chat_id == chat and call.method == "sendMessage":
                text = (call.text or "").replace("\n", " ")[:60]
                print(f"    {call.at - started:8.3f} s {call.error or 'ok'}: {text}", flush=True)
    times = sorted(c.at for c in broadcast)
    first, last = times[0], times[-1]
    most, j = 0, 0
    for i, t in enumerate(times):
        while times[j] <= t - args.window:
            j += 1
        most = max(most, i - j + 1)
    paused = _paused(broadcast, first, last)
    if args.workdir:
        per_second = Counter(int(t - first) for t in times)
        (args.workdir / "broadcast_per_second.txt").write_text(
            "".join(f"{s} {per_second[s]}\n" for s in range(int(last - first) + 1))
        )
    replies = [c.at for c in _sends(api, FIRST_VISITOR, args.visitors)]
    return Kills(
        lost=len(lost) + len(unanswered),
        duplicated=len(duplicated) + len(twice),
        unconfirmed=len(unconfirmed),
        rate_fraction=most / (args.rate * args.window),
        backlog_fraction=(len(times) - 1) / (last - first - paused) / args.rate,
        sends=len(times),
        broadcast_seconds=last - first,
        paused=paused,
        visitors_answered=sum(1 for c in chats if answers[c]),
        kills=args.kills,
        retries=telegram.retries,
        reply_rate=len(replies) / max(last - first, 1e-9),
    )


# -- putting it together ----------------------------------------------------------------------


async def _load_audience(url: str, audience: int) -> None:
    """``audience`` Telegram users subscribed to market 1 (one statement each table: this
    benchmark only, going through the stores would take minutes)."""
    import psycopg

    async with await psycopg.AsyncConnection.connect(url) as conn:
        await conn.execute(
            "INSERT INTO users (platform, platform_user_id, chat_id, display_name, created_at,"
            " last_seen_at) SELECT 'telegram', (%s + g)::text, (%s + g)::text, 'a' || g,"
            " now(), now() FROM generate_series(0, %s - 1) AS g",
            (FIRST_AUDIENCE, FIRST_AUDIENCE, audience),
        )
        selected = "SELECT id, now() FROM users WHERE platform_user_id::bigint BETWEEN %s AND %s"
        bounds = (FIRST_AUDIENCE, FIRST_AUDIENCE + audience - 1)
        await conn.execute(
            f"INSERT INTO conversations (user_id, updated_at) {selected}"
            " AND platform = 'telegram'",
            bounds,
        )
        await conn.execute(
            "INSERT INTO subscriptions (user_id, market_id, created_at)"
            " SELECT id, 1, now() FROM users WHERE platform = 'telegram'"
            " AND platform_user_id::bigint BETWEEN %s AND %s",
            bounds,
        )


async def _prepare(url: str, audience: int) -> None:
    """The market and its demo stalls (as a first start makes them), then the audience."""
    from marketbot.app import open_app
    from marketbot.clock import SystemClock
    from marketbot.config import Config, DatabaseConfig, SecretariesConfig

    config = Config(
        database=DatabaseConfig(url=url), secretaries=SecretariesConfig(telegram=(SECRETARY,))
    )
    async with open_app(config, SystemClock()):
        pass
    await _load_audience(url, audience)


def _postmaster(server: PostgresServer) -> int:
    return int(Path(server.data, "postmaster.pid").read_text().split()[0])


@contextlib.asynccontextmanager
async def _setup(args: argparse.Namespace, folder: Path) -> AsyncIterator[tuple[Telegram, Bots]]:
    server = PostgresServer()
    try:
        url = server.fresh()
        await _prepare(url, args.audience)
        api = FakeBotApi(username="scale_out_bot", latency=args.latency)
        api_server = BotApiServer(api)
        await api_server.server.start()
        bots = Bots(folder, url, api_server.server.port, args.rate, _postmaster(server))
        bots.ports = [free_port() for _ in range(2)]
        balancer = Balancer(bots.ports)
        await balancer.server.start()
        telegram = Telegram(api, balancer)
        try:
            yield telegram, bots
        finally:
            bots.stop_all()
            await telegram.close()
            await balancer.server.stop()
            await api_server.server.stop()
    finally:
        server.stop()


async def bench(args: argparse.Namespace, folder: Path) -> int:
    queries = [q.text for q in load_queries()]
    async with _setup(args, folder) as (telegram, bots):
        print(f"PostgreSQL, fake Bot API and balancer up ({telegram.url})", flush=True)
        results = []
        for n in (1, 2):
            await bots.start(n - 1)
            # its first search waits for the search indexes: not part of the measure
            await telegram.say(7_000_000_000, queries[0], bots.ports[n - 1])
            telegram.balancer.active = n
            result = await throughput(
                telegram, bots, queries, args, users=7_000_000_000 + n * 1000
            )
            results.append(result)
            print(
                f"{n} process(es): {result.per_second:.1f} updates/s ({result.updates} in"
                f" {result.seconds:.1f} s); CPU cores busy: bots {result.bots_cpu:.2f},"
                f" PostgreSQL {result.postgres_cpu:.2f}, harness {result.harness_cpu:.2f},"
                f" whole machine {result.machine_cpu:.2f} of {os.cpu_count()}; bots' CPU per"
                f" update {result.bots_cpu / result.per_second * 1000:.1f} ms",
                flush=True,
            )
        ratio = results[1].per_second / results[0].per_second
        print(
            f"throughput_1={results[0].per_second:.1f} throughput_2={results[1].per_second:.1f}"
            f" ratio={ratio:.2f}",
            flush=True,
        )
        outcome = await kills(telegram, bots, queries, args)
        print(
            f"broadcast to {args.audience} chats at {args.rate:g}/s: {outcome.sends} sends in"
            f" {outcome.broadcast_seconds:.1f} s ({outcome.paused:.1f} s paused by 429),"
            f" {outcome.kills} kills, {outcome.visitors_answered}/{args.visitors} visitors"
            f" answered, {outcome.unconfirmed} unconfirmed, {outcome.retries} webhook requests"
            f" posted again; replies to visitors {outcome.reply_rate:.1f}/s besides",
            flush=True,
        )
        print(
            f"lost={outcome.lost} duplicated={outcome.duplicated}"
            f" rate_fraction={outcome.rate_fraction:.3f}"
            f" backlog_fraction={outcome.backlog_fraction:.3f} ratio={ratio:.2f}",
            flush=True,
        )
        return 0 if outcome.lost == 0 and outcome.duplicated == 0 else 1


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a small smoke run")
    parser.add_argument("--audience", type=int, default=10_000)
    parser.add_argument("--visitors", type=int, default=1000)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--floods", type=int, default=3, help="429s the Bot API answers")
    parser.add_argument("--rate", type=float, default=50.0, help="configured messages/second")
    parser.add_argument("--window", type=float, default=5.0, help="seconds of a rate window")
    parser.add_argument("--clients", type=int, default=32, help="visitors searching at once")
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--measure", type=float, default=15.0)
    parser.add_argument("--latency", type=float, default=0.03, help="Bot API answer, seconds")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument(
        "--no-takeover",
        dest="takeover",
        action="store_false",
        help="count what a killed process left in flight as unconfirmed at once, instead of"
        " waiting for its lease to run out and another process to take it over (a minute)",
    )
    parser.add_argument("--workdir", type=Path, help="keep the config files and logs here")
    if parser.parse_args(argv).quick:  # smaller defaults; flags given still count
        parser.set_defaults(
            audience=300, visitors=40, kills=2, floods=1, warmup=2.0, measure=3.0, takeover=False
        )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="marketbot-scale-out-") as scratch:
        folder = args.workdir or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        return asyncio.run(bench(args, folder))


if __name__ == "__main__":
    sys.exit(main())
