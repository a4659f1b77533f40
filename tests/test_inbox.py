"""Nothing lost, nothing twice, across a crash: an update is handled once however often its
platform delivers it, and a reply committed with its turn reaches the person even when the
process died before sending it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from marketbot.app import App
from marketbot.clock import SystemClock
from marketbot.config import DeliveryConfig
from marketbot.delivery import DeliveryEngine
from marketbot.neutral import Inbound, Reply
from marketbot.storage.db import Database
from marketbot.storage.inbox import InboxStore
from tests.old_schema import schema_before


class Recording:
    """A platform's sender that keeps what it sent."""

    platform = "telegram"

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    async def send(self, chat_id: str, reply: Reply) -> None:
        self.sent.append((chat_id, reply.text))


def _update(key: str, text: str) -> Inbound:
    return Inbound("telegram", "7", "7", text=text, display_name="Ann", key=key)


async def test_an_update_delivered_again_is_handled_once(app: App) -> None:
    first = await app.core.handle(_update("100", "/register"))
    assert first and all(o.ref is not None for o in first)
    again = await app.core.handle(_update("100", "/register"))
    assert again == []
    (next_question,) = await app.core.handle(_update("101", "李大姐沙棘"))
    assert "2/5" in next_question.reply.text  # the flow moved on once, from its first step


async def test_a_reply_never_sent_before_a_crash_is_sent_after_the_restart(app: App) -> None:
    out = await app.core.handle(_update("200", "/start"))  # committed; then the process died
    assert out and all(o.ref is not None for o in out)
    sender = Recording()
    engine = DeliveryEngine(
        app.db,
        {"telegram": sender},
        DeliveryConfig(rate_per_second=1000.0, per_chat_interval=0.0),
        SystemClock(),
    )
    await engine.start()  # the restart
    try:
        await asyncio.wait_for(engine.wait_idle(), 10)
    finally:
        await engine.stop()
    assert len(sender.sent) == len(out)
    assert any("欢迎来赶集" in text for _, text in sender.sent)
    # and the turn itself is not run again when Telegram delivers the update once more
    assert await app.core.handle(_update("200", "/start")) == []


async def test_a_reply_the_platform_sent_is_not_sent_again_after_a_restart(app: App) -> None:
    out = await app.core.handle(_update("300", "/start"))
    for outbound in out:
        assert outbound.ref is not None
        assert await app.core.sending(outbound.ref)
        await app.core.sent(outbound.ref)
    sender = Recording()
    engine = DeliveryEngine(app.db, {"telegram": sender}, DeliveryConfig(), SystemClock())
    await engine.start()
    try:
        await asyncio.wait_for(engine.wait_idle(), 10)
    finally:
        await engine.stop()
    assert sender.sent == []


async def test_old_updates_are_forgotten_slice_by_slice_and_recent_ones_kept(app: App) -> None:
    inbox, now = InboxStore(app.db), datetime(2026, 12, 2, 10, tzinfo=UTC)
    old, new = now - timedelta(days=8), now - timedelta(hours=1)
    for number in range(11):  # interleaved along the key: every slice has old and new rows
        for platform in ("telegram", "wechat"):
            assert await inbox.first_time(platform, f"{number:03d}", old if number % 2 else new)
    pruned = await inbox.prune(now - timedelta(days=7), slice_rows=3)
    assert pruned == 10
    for number in range(11):
        for platform in ("telegram", "wechat"):
            # an update forgotten counts as new again; one kept is still recognised
            assert await inbox.first_time(platform, f"{number:03d}", now) == bool(number % 2)


async def test_the_inbox_becomes_one_keyed_tree_with_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "before.db"
    with schema_before(path, 20) as conn:
        conn.execute(
            "INSERT INTO inbox VALUES ('telegram', '41', '2026-12-01T08:00:00+00:00'),"
            " ('wechat', 'o1:7', '2026-12-01T09:00:00+00:00')"
        )
    db = await Database.open(path)
    try:
        assert [m.number for m in db.applied_now] == [20]
        async with db.conn.execute(
            "SELECT type, name FROM sqlite_schema WHERE tbl_name = 'inbox'"
        ) as cursor:
            assert [tuple(row) for row in await cursor.fetchall()] == [("table", "inbox")]
        inbox, now = InboxStore(db), datetime(2026, 12, 2, tzinfo=UTC)
        assert not await inbox.first_time("telegram", "41", now)  # handled before the upgrade
        assert not await inbox.first_time("wechat", "o1:7", now)
        assert await inbox.first_time("telegram", "42", now)
    finally:
        await db.close()
