"""Broadcast benchmark: one announcement to many chats through the real delivery engine.

The engine sends through :class:`~marketbot.platforms.telegram.sender.TelegramSender` and a real
python-telegram-bot ``Bot`` whose transport is a fake Bot API in this file: it answers each
``sendMessage`` after 30–80 ms, refuses the chats that "blocked the bot" (403), sprinkles 429s
(``retry_after``) and 502s, answers 429 itself when more than ``--server-limit`` requests arrive
within a second, and appends one line per request to a log (line-buffered, so it survives
SIGKILL). The sender runs as a child process on a SQLite file:

1. a straight run;
2. a run killed with SIGKILL once half the chats have received it, then restarted.

For each it prints the achieved rate as a fraction of the configured one (requests per second of
run time; time waiting out a 429's ``retry_after`` is not counted, everything else is, including
start-up and recovery, but not the time the process was dead), duplicates, lost, unreachable.
Lost: a chat that should have got the message, did not, and is not reported failed or
unconfirmed. The last line is machine-readable::

    rate_fraction=… duplicates=… lost=… resumed_rate_fraction=… resumed_duplicates=… resumed_lost=…

Usage::

    .venv/bin/python benchmarks/broadcast.py                     # 10,000 chats at 25/s: ~15 min
    .venv/bin/python benchmarks/broadcast.py --recipients 500    # a quick run
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import zlib
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TextIO

TOKEN = "7000001:BENCHMARK-token"
FIRST_CHAT = 5_000_000_000


def recipients(n: int) -> list[str]:
    return [str(FIRST_CHAT + i) for i in range(n)]


def is_blocked(chat: str, seed: int, fraction: float) -> bool:
    return zlib.crc32(f"{seed}:{chat}".encode()) % 100_000 < fraction * 100_000


# -- the child: engine + PTB Bot + fake Bot API ---------------------------------------------------


def _fake_api_class() -> type:
    from telegram.request import BaseRequest, RequestData

    class FakeBotApi(BaseRequest):
        """Answers like Telegram, with latency and failures; logs each sendMessage."""

        def __init__(self, args: argparse.Namespace, log: TextIO) -> None:
            self._args = args
            self._log = log
            self._rng = random.Random(f"{args.seed}:{os.getpid()}")
            self._arrivals: list[float] = []
            self._message_id = 0

        @property
        def read_timeout(self) -> float | None:
            return 10.0

        async def initialize(self) -> None:
            return None

        async def shutdown(self) -> None:
            return None

        def _answer(self, code: int, body: dict[str, Any]) -> tuple[int, bytes]:
            return code, json.dumps(body).encode()

        def _outcome(self, chat: str, now: float) -> tuple[int, float, str]:
            """HTTP status, retry_after and why: ok, over-limit, blocked, flood or 5xx."""
            args = self._args
            window = [t for t in self._arrivals if t > now - 1.0]
            window.append(now)
            self._arrivals = window
            if len(window) > args.server_limit:
                return 429, 1.0, "over-limit"
            if is_blocked(chat, args.seed, args.blocked):
                return 403, 0.0, "blocked"
            roll = self._rng.random()
            if roll < args.p429:
                return 429, args.retry_after, "flood"
            if roll < args.p429 + args.p5xx:
                return 502, 0.0, "5xx"
            return 200, 0.0, "ok"

        async def do_request(
            self,
            url: str,
            method: str,
            request_data: RequestData | None = None,
            read_timeout: Any = None,
            write_timeout: Any = None,
            connect_timeout: Any = None,
            pool_timeout: Any = None,
        ) -> tuple[int, bytes]:
            endpoint = url.rsplit("/", 1)[-1]
            if endpoint == "getMe":
                me = {"id": 7000001, "is_bot": True, "first_name": "Bench", "username": "bench"}
                return self._answer(200, {"ok": True, "result": me})
            if endpoint != "sendMessage" or request_data is None:
                return self._answer(400, {"ok": False, "description": f"unexpected {endpoint}"})
            chat = str(request_data.parameters["chat_id"])
            latency = self._rng.uniform(self._args.latency_min, self._args.latency_max)
            await asyncio.sleep(latency / 2)  # on the way to the server
            now = time.time()
            code, retry_after, why = self._outcome(chat, now)
            self._log.write(f"R {now:.6f} {chat} {code} {retry_after} {why}\n")
            await asyncio.sleep(latency / 2)  # the answer on its way back
            if code == 429:
                return self._answer(
                    429,
                    {
                        "ok": False,
                        "error_code": 429,
                        "description": f"Too Many Requests: retry after {retry_after}",
                        "parameters": {"retry_after": retry_after},
                    },
                )
            if code == 403:
                body = {
                    "ok": False,
                    "error_code": 403,
                    "description": "Forbidden: bot was blocked",
                }
                return self._answer(403, body)
            if code == 502:
                return self._answer(
                    502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}
                )
            self._message_id += 1
            message = {
                "message_id": self._message_id,
                "date": int(now),
                "chat": {"id": int(chat), "type": "private"},
                "text": "ok",
            }
            return self._answer(200, {"ok": True, "result": message})

    return FakeBotApi


async def child(args: argparse.Namespace, log: TextIO) -> None:
    from telegram import Bot

    from marketbot.clock import SystemClock
    from marketbot.config import DeliveryConfig
    from marketbot.delivery import DeliveryEngine
    from marketbot.neutral import Choice, Reply
    from marketbot.platforms.telegram.sender import TelegramSender
    from marketbot.storage.db import Database

    api_class = _fake_api_class()
    db = await Database.open(args.db)
    bot = Bot(TOKEN, request=api_class(args, log), get_updates_request=api_class(args, log))
    async with bot:
        config = DeliveryConfig(rate_per_second=args.rate)
        engine = DeliveryEngine(db, {"telegram": TelegramSender(bot)}, config, SystemClock())
        log.write(f"S {time.time():.6f}\n")
        await engine.start()
        reply = Reply(
            "<b>明天（腊月初八）赶集</b>\n水磨头村口，早上七点开市。九蒸九晒黄精、沙棘膏都有。",
            choices=((Choice("market:1", "看看谁来摆摊"),),),
        )
        chats = [("telegram", chat) for chat in recipients(args.recipients)]
        announcement = await engine.enqueue("broadcast", reply, chats, key="benchmark")
        await engine.wait_idle()
        log.write(f"D {time.time():.6f}\n")
        progress = await engine.progress(announcement)
        problems = await engine.problems(announcement)
        await engine.stop()
    await db.close()
    result = {
        "progress": asdict(progress),
        "problems": {
            state: [p.chat_id for p in problems if p.state == state]
            for state in ("failed", "unreachable", "unconfirmed")
        },
    }
    print(json.dumps(result))


# -- the parent: run, kill, restart, count ----------------------------------------------------


@dataclass
class Outcome:
    requests: int
    seconds: float
    paused: float
    rate_fraction: float
    delivered: int
    duplicates: int
    lost: int
    unreachable: int
    blocked: int
    failed: int
    unconfirmed: int
    unconfirmed_received: int
    over_limit: int


def _union_within(intervals: list[tuple[float, float]], start: float, end: float) -> float:
    total, reach = 0.0, start
    for a, b in sorted(intervals):
        a, b = max(a, reach), min(b, end)
        if b > a:
            total += b - a
            reach = b
    return total


def analyse(log_path: Path, result: dict[str, Any], args: argparse.Namespace) -> Outcome:
    received: Counter[str] = Counter()
    requests = over_limit = 0
    pauses: list[tuple[float, float]] = []
    segments: list[tuple[float, float]] = []
    start: float | None = None
    for line in log_path.read_text(encoding="utf-8").splitlines():
        kind, stamp, *rest = line.split()
        t = float(stamp)
        if kind == "S":
            start = t
        elif kind in ("D", "K") and start is not None:
            segments.append((start, t))
            start = None
        elif kind == "R":
            chat, code, retry_after, why = rest[0], int(rest[1]), float(rest[2]), rest[3]
            requests += 1
            if code == 200:
                received[chat] += 1
            elif code == 429:
                pauses.append((t, t + retry_after))
                over_limit += why == "over-limit"
    seconds = sum(b - a for a, b in segments)
    paused = sum(_union_within(pauses, a, b) for a, b in segments)
    problems = result["problems"]
    failed, unconfirmed = set(problems["failed"]), set(problems["unconfirmed"])
    blocked = {c for c in recipients(args.recipients) if is_blocked(c, args.seed, args.blocked)}
    expected = set(recipients(args.recipients)) - blocked
    lost = [c for c in expected if not received[c] and c not in failed and c not in unconfirmed]
    return Outcome(
        requests=requests,
        seconds=seconds,
        paused=paused,
        rate_fraction=requests / (seconds - paused) / args.rate,
        delivered=len(received),
        duplicates=sum(n - 1 for n in received.values() if n > 1),
        lost=len(lost),
        unreachable=len(problems["unreachable"]),
        blocked=len(blocked),
        failed=len(failed),
        unconfirmed=len(unconfirmed),
        unconfirmed_received=sum(1 for c in unconfirmed if received[c]),
        over_limit=over_limit,
    )


def _child_command(args: argparse.Namespace, db: Path, log: Path) -> list[str]:
    flags = [
        "--recipients",
        str(args.recipients),
        "--rate",
        str(args.rate),
        "--latency-min",
        str(args.latency_min),
        "--latency-max",
        str(args.latency_max),
        "--p429",
        str(args.p429),
        "--retry-after",
        str(args.retry_after),
        "--p5xx",
        str(args.p5xx),
        "--blocked",
        str(args.blocked),
        "--server-limit",
        str(args.server_limit),
        "--seed",
        str(args.seed),
    ]
    return [sys.executable, __file__, "--child", "--db", str(db), "--log", str(log), *flags]


def _finish(process: subprocess.Popen[str], limit: float) -> dict[str, Any]:
    out, err = process.communicate(timeout=limit)
    if process.returncode != 0:
        sys.stderr.write(err)
        raise SystemExit(f"the sender process failed with exit code {process.returncode}")
    return dict(json.loads(out.strip().splitlines()[-1]))


def _received_so_far(log: Path) -> int:
    if not log.exists():
        return 0
    return sum(1 for line in log.read_text(encoding="utf-8").splitlines() if line.endswith(" ok"))


def run(args: argparse.Namespace, workdir: Path, *, kill: bool) -> Outcome:
    workdir.mkdir(parents=True, exist_ok=True)
    db, log = workdir / "bench.db", workdir / "received.log"
    limit = args.recipients / args.rate * 3 + 120
    command = _child_command(args, db, log)
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        if kill:
            target = int(args.recipients * args.kill_at)
            while _received_so_far(log) < target:
                if process.poll() is not None:
                    raise SystemExit("the sender finished before it could be killed")
                time.sleep(0.05)
            process.send_signal(signal.SIGKILL)
            process.wait()
            with open(log, "a", encoding="utf-8") as handle:
                handle.write(f"K {time.time():.6f}\n")
            print(f"  killed (SIGKILL) after {target} chats received; restarting", flush=True)
            process = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
        result = _finish(process, limit)
    finally:
        if process.poll() is None:
            process.kill()
    return analyse(log, result, args)


def report(title: str, outcome: Outcome, args: argparse.Namespace) -> None:
    print(title)
    print(
        f"  {outcome.requests} requests in {outcome.seconds:.1f} s "
        f"({outcome.paused:.1f} s paused by 429): "
        f"{outcome.rate_fraction:.3f} of the configured {args.rate:g}/s"
    )
    print(
        f"  delivered {outcome.delivered}, duplicates {outcome.duplicates}, lost {outcome.lost}, "
        f"unreachable {outcome.unreachable} (blocked {outcome.blocked}), failed {outcome.failed}, "
        f"unconfirmed {outcome.unconfirmed} (of which received {outcome.unconfirmed_received}), "
        f"429s for exceeding {args.server_limit}/s: {outcome.over_limit}",
        flush=True,
    )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=25.0, help="configured messages/second")
    parser.add_argument("--latency-min", type=float, default=0.03)
    parser.add_argument("--latency-max", type=float, default=0.08)
    parser.add_argument("--p429", type=float, default=0.0005, help="chance of a 429 per request")
    parser.add_argument("--retry-after", type=float, default=3.0, help="seconds a 429 asks for")
    parser.add_argument("--p5xx", type=float, default=0.002, help="chance of a 502 per request")
    parser.add_argument("--blocked", type=float, default=0.02, help="share of chats answering 403")
    parser.add_argument("--server-limit", type=int, default=30, help="429 above this many/second")
    parser.add_argument("--kill-at", type=float, default=0.5, help="kill after this share")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, help="keep databases and logs here")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--log", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main() -> None:
    args = parse_args()
    if args.child:
        os.environ.setdefault("PTB_TIMEDELTA", "1")
        # Line-buffered: every request's line reaches the OS at once and survives SIGKILL.
        with open(args.log, "a", buffering=1, encoding="utf-8") as log:
            asyncio.run(child(args, log))
        return
    with tempfile.TemporaryDirectory(prefix="marketbot-bench-") as scratch:
        base = args.workdir or Path(scratch)
        print(
            f"broadcast to {args.recipients} chats at {args.rate:g}/s, latency "
            f"{args.latency_min * 1000:.0f}-{args.latency_max * 1000:.0f} ms",
            flush=True,
        )
        straight = run(args, base / "straight", kill=False)
        report("straight run:", straight, args)
        resumed = run(args, base / "killed", kill=True)
        report("killed mid-way and restarted:", resumed, args)
    print(
        f"rate_fraction={straight.rate_fraction:.3f} duplicates={straight.duplicates} "
        f"lost={straight.lost} resumed_rate_fraction={resumed.rate_fraction:.3f} "
        f"resumed_duplicates={resumed.duplicates} resumed_lost={resumed.lost}"
    )


if __name__ == "__main__":
    main()
