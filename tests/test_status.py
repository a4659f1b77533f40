"""What an operator watches, on both backends: the outbox's rows queued, in flight and held per
platform, the oldest queued row's age (announcements not due yet left out), the leases and who
holds them, the migrations; read by ``marketbot status`` and ``GET /status``, with no user data;
and ``outbox.depth`` logged now and then."""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from marketbot import __version__
from marketbot.app import App
from marketbot.cli import main
from marketbot.clock import FixedClock
from marketbot.config import Config, WebConfig
from marketbot.neutral import Reply
from marketbot.platforms.web import WebServer
from marketbot.platforms.web.pages import WebPages
from marketbot.services.status import depth_log, read_status, status_json, status_lines
from marketbot.storage.db import Database, load_migrations
from marketbot.storage.leases import LeaseStore, process_owner
from marketbot.storage.outbox import OutboxStore
from tests.telegram_harness import serving
from tests.test_storage_backends import db

__all__ = ["db"]  # the fixture: a new database on each backend

NOW = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
PHONE_CHAT = "13800138000"
"""A chat id that looks like a phone number: it must appear in no status."""


async def _queue(db: Database) -> None:
    """On telegram: 4 rows of a reminder made 90 s ago, 1 of them in flight (owner "A") and 1
    held; a broadcast due in an hour (2 rows, not counted as late); on wechat 1 row queued 30 s
    ago."""
    outbox = OutboxStore(db, owner="A")
    reminder, _ = await outbox.create(
        kind="reminder",
        reply=Reply("明天赶集"),
        recipients=[("telegram", f"c{i}") for i in range(3)] + [("telegram", PHONE_CHAT)],
        key=None,
        priority=0,
        not_before=None,
        platforms=["telegram", "wechat"],
        now=NOW - timedelta(seconds=90),
    )
    rows = await outbox.pending_rows(reminder, "telegram", 0, 10)
    assert await outbox.claim(rows[0].id, NOW)
    await outbox.settle(rows[1].id, "held", NOW, attempts=1)
    await outbox.create(
        kind="broadcast",
        reply=Reply("later"),
        recipients=[("telegram", "c0"), ("telegram", "c1")],
        key=None,
        priority=0,
        not_before=NOW + timedelta(hours=1),
        platforms=["telegram", "wechat"],
        now=NOW - timedelta(seconds=300),
    )
    await outbox.create(
        kind="notice",
        reply=Reply("approved"),
        recipients=[("wechat", "o1")],
        key=None,
        priority=0,
        not_before=None,
        platforms=["telegram", "wechat"],
        now=NOW - timedelta(seconds=30),
    )


async def test_the_outbox_by_platform_and_state_with_the_oldest_queued_age(db: Database) -> None:
    await _queue(db)
    await LeaseStore(db).take("reminder-planner", "B", NOW, timedelta(seconds=60))
    await LeaseStore(db).take("broadcast-report:9", "C", NOW - timedelta(minutes=5), timedelta(0))
    status = await read_status(db, NOW, __version__)

    assert status.schema_version == status.migrations_known == len(load_migrations())
    by_platform = {d.platform: d for d in status.outbox}
    telegram, wechat = by_platform["telegram"], by_platform["wechat"]
    assert (telegram.queued, telegram.in_flight, telegram.held) == (4, 1, 1)  # 2 + 2 scheduled
    assert telegram.oldest_queued_s == 90.0  # the scheduled broadcast is not late
    assert (wechat.queued, wechat.in_flight, wechat.held, wechat.oldest_queued_s) == (
        1,
        0,
        0,
        30.0,
    )
    assert status.oldest_queued_s == 90.0
    held = [(lease.name, lease.owner, lease.rows) for lease in status.leases]
    assert held == [("reminder-planner", "B", 0), ("outbox", "A", 1)]  # the expired one is free


async def test_an_empty_deployment(db: Database) -> None:
    status = await read_status(db, NOW, __version__)
    assert status.outbox == () and status.leases == () and status.oldest_queued_s is None
    assert status_lines(status)[2:] == [
        "outbox (queued / in flight / held, oldest queued):",
        "  empty",
        "leases:",
        "  none held",
    ]


async def test_the_json_says_what_an_operator_needs_and_no_user_data(db: Database) -> None:
    await _queue(db)
    data = status_json(await read_status(db, NOW, __version__))
    assert data["version"] == __version__ and data["owner"] == process_owner()
    assert data["database"] == {
        "backend": db.backend,
        "schema_version": len(load_migrations()),
        "migrations_known": len(load_migrations()),
        "up_to_date": True,
    }
    assert data["outbox"] == {
        "platforms": {
            "telegram": {"queued": 4, "in_flight": 1, "held": 1, "oldest_queued_s": 90.0},
            "wechat": {"queued": 1, "in_flight": 0, "held": 0, "oldest_queued_s": 30.0},
        },
        "oldest_queued_s": 90.0,
    }
    # the owner (checked above) holds random hex digits, which may spell "c0"
    text = json.dumps({key: value for key, value in data.items() if key != "owner"})
    for private in (PHONE_CHAT, "c0", "o1", "明天赶集", "approved"):
        assert private not in text


async def test_the_depth_is_logged_now_and_then(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    await _queue(db)
    clock = FixedClock(NOW)
    seen = asyncio.Event()

    class Watch(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if getattr(record, "event", None) == "outbox.depth":
                seen.set()

    watch = Watch()
    logging.getLogger("marketbot.services.status").addHandler(watch)
    try:
        with caplog.at_level(logging.INFO, logger="marketbot.services.status"):
            async with depth_log(db, clock, ["telegram", "console"], every=0.01):
                for _ in range(2):  # at start, then again
                    await asyncio.wait_for(seen.wait(), timeout=10)
                    seen.clear()
    finally:
        logging.getLogger("marketbot.services.status").removeHandler(watch)
    lines = {
        r.__dict__["platform"]: r.__dict__
        for r in caplog.records
        if r.__dict__.get("event") == "outbox.depth"
    }
    assert set(lines) == {"console", "telegram", "wechat"}  # served, and any with rows
    assert (lines["console"]["queued"], lines["console"]["oldest_queued_s"]) == (0, None)
    telegram = lines["telegram"]
    assert (telegram["queued"], telegram["in_flight"], telegram["held"]) == (4, 1, 1)
    assert caplog.records[0].getMessage().startswith("outbox.depth platform=")


async def test_no_depth_log_when_told_none(db: Database) -> None:
    async with depth_log(db, FixedClock(NOW), ["telegram"], every=0):
        assert not [t for t in asyncio.all_tasks() if t.get_name() == "marketbot-outbox-depth"]


async def test_status_over_http(db: Database) -> None:
    await _queue(db)

    async def reader() -> dict[str, object]:
        return status_json(await read_status(db, NOW, __version__))

    server = WebServer(WebConfig(port=0), status=reader)
    await server.start()
    try:
        url = f"http://127.0.0.1:{server.port}"
        async with httpx.AsyncClient(base_url=url, trust_env=False) as client:
            answer = await client.get("/status")
    finally:
        await server.stop()
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    assert answer.json() == json.loads(json.dumps(await reader()))


async def test_no_status_route_without_a_reader() -> None:
    server = WebServer(WebConfig(port=0))
    await server.start()
    try:
        url = f"http://127.0.0.1:{server.port}"
        async with httpx.AsyncClient(base_url=url, trust_env=False) as client:
            assert (await client.get("/status")).status_code == 404
    finally:
        await server.stop()


def test_marketbot_status_prints_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = str(tmp_path / "market.db")
    assert main(["status", "--db", target]) == 1  # a new file: not migrated, and not by status
    assert "schema version 0 of" in capsys.readouterr().err
    assert main(["migrate", "--db", target]) == 0

    async def queue() -> None:
        db = await Database.open(target)
        try:
            await _queue(db)
        finally:
            await db.close()

    asyncio.run(queue())
    capsys.readouterr()
    assert main(["status", "--db", target]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:3] == [
        f"marketbot {__version__}",
        f"database: sqlite, schema version {len(load_migrations())}",
        "outbox (queued / in flight / held, oldest queued):",
    ]
    assert lines[3].startswith("  telegram: 4 / 1 / 1, ")  # its age: from the real clock
    assert lines[-2] == "leases:"
    assert lines[-1].startswith("  outbox: A until ")
    assert lines[-1].endswith("(1 rows in flight)")
    assert main(["status", "--db", target, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["outbox"]["platforms"]["wechat"]["queued"] == 1


async def test_a_running_bot_answers_status(app: App, config: Config) -> None:
    """``marketbot run`` with the web pages: ``GET /status`` beside ``/healthz`` and ``/readyz``,
    read from the bot's database."""
    config = replace(config, web=WebConfig(port=0, public_url="http://127.0.0.1"))
    stop = asyncio.Event()
    pages = WebPages(app.core.services, app.db)
    async with serving(app, config, [pages], stop) as web:
        url = f"http://127.0.0.1:{web.port}"
        async with httpx.AsyncClient(base_url=url, trust_env=False) as client:
            assert (await client.get("/readyz")).status_code == 200
            data = (await client.get("/status")).json()
    assert data["database"]["backend"] == app.db.backend
    assert data["database"]["up_to_date"] is True
    assert data["owner"] == process_owner()
