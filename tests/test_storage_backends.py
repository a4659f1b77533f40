"""The stores on both backends (``backend_target``: an SQLite file, then a PostgreSQL database):
the statements whose spelling differs between them, and the transaction rules the stores rely
on, behave the same."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import pytest

from marketbot.domain.model import StallStatus
from marketbot.neutral import Reply
from marketbot.storage.broadcasts import Audience, BroadcastStore
from marketbot.storage.categories import CategoryStore
from marketbot.storage.db import Database, DatabaseOpenError, load_migrations
from marketbot.storage.market_data import NewProduct, NewStall, Storage
from marketbot.storage.outbox import OutboxStore, StreamedPart
from marketbot.storage.reminders import ReminderStore

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
async def db(backend_target: str) -> AsyncIterator[Database]:
    database = await Database.open(backend_target)
    try:
        yield database
    finally:
        await database.close()


async def _user(store: Storage, name: str, platform: str = "console") -> int:
    user = await store.upsert_user(
        platform=platform,
        platform_user_id=name,
        chat_id=name,
        display_name=name,
        platform_language=None,
        now=NOW,
    )
    return user.id


async def _market_with_stall(
    store: Storage, stall_name: str = "老魏山货", market_id: int | None = None
) -> tuple[int, int]:
    if market_id is None:
        market = await store.create_market(
            name="集", place="村", opens="08:00", closes="13:00", timezone="Asia/Shanghai", now=NOW
        )
        market_id = market.id
    owner = await _user(store, f"owner-{stall_name}")
    stall = await store.submit_stall(
        owner_id=owner,
        market_id=market_id,
        stall=NewStall(stall_name, "老魏", "东泉村", None, "", show_phone=True),
        now=NOW,
    )
    assert stall is not None
    await store.set_stall_status(
        stall.id,
        expected=[StallStatus.PENDING],
        new=StallStatus.APPROVED,
        reviewer_id=owner,
        now=NOW,
    )
    return market_id, stall.id


async def test_every_migration_is_applied_once_and_a_newer_database_is_refused(
    db: Database, backend_target: str
) -> None:
    rows = await db.conn.execute_fetchall("SELECT number FROM schema_migrations ORDER BY number")
    assert [row["number"] for row in rows] == [m.number for m in load_migrations()]
    assert [row[0] for row in rows] == [m.number for m in load_migrations()]
    assert await db.migrate() == []
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO schema_migrations (number, name, applied_at) VALUES (?, ?, ?)",
            (999, "future", "2099-01-01T00:00:00+00:00"),
        )
    with pytest.raises(DatabaseOpenError, match="newer marketbot"):
        await db.migrate()


async def test_new_ids_flags_and_names_read_back_the_same(db: Database) -> None:
    store = Storage(db)
    market_id, stall_id = await _market_with_stall(store)
    first = await store.add_product(
        stall_id, NewProduct("核桃", "ganguo", 1500, "斤", in_stock=False), NOW
    )
    second = await store.add_product(stall_id, NewProduct("红枣", "ganguo", 1200, "斤"), NOW)
    assert second.id == first.id + 1 and market_id >= 1
    assert first.in_stock is False and second.in_stock is True
    assert await store.product_name_taken(stall_id, "核桃")
    assert not await store.product_name_taken(stall_id, "核桃", except_id=first.id)
    stall = await store.get_stall(stall_id)
    assert stall is not None and stall.show_phone is True
    category = await CategoryStore(db).add(market_id, "手工醋", "vinegar", by=None, now=NOW)
    assert category.key.startswith("c")


async def test_a_stall_name_matches_literally_and_a_taken_name_leaves_the_turn_usable(
    db: Database,
) -> None:
    store = Storage(db)
    market_id, stall_id = await _market_with_stall(store, "百分百_山货")
    _, other_id = await _market_with_stall(store, "百分之五十", market_id)
    assert [s.id for s in await store.search_visible_stalls("百分百_", 5, market_id)] == [stall_id]
    assert await store.search_visible_stalls("百分%", 5) == []
    async with db.transaction():  # as the chat turn's: a refused name must not end it
        assert not await store.update_stall_info(other_id, NOW, name="百分百_山货")
        assert await store.update_stall_info(other_id, NOW, village="段村")
    stall = await store.get_stall(other_id)
    assert stall is not None and stall.name == "百分之五十" and stall.village == "段村"
    page, total = await store.stalls(statuses=[StallStatus.APPROVED])
    assert total == 2 and len(page) == 2


async def test_lists_passed_as_one_parameter_select_the_same_rows(db: Database) -> None:
    store, reminders = Storage(db), ReminderStore(db)
    market_id, stall_id = await _market_with_stall(store)
    people = [await _user(store, f"p{n}") for n in range(4)]
    wechat = await _user(store, "w0", platform="wechat")
    for person in [*people[:2], wechat]:
        await reminders.subscribe(person, market_id, NOW)
    assert await reminders.subscribers_with(market_id, [people[1], people[2]]) == 4
    await reminders.set_attendance(stall_id, date(2026, 12, 3), True, NOW)
    assert await reminders.coming_to({market_id: date(2026, 12, 3)}) == [stall_id]
    assert await reminders.coming_to({market_id: date(2026, 12, 6)}) == []
    broadcasts = BroadcastStore(db)
    subscribers = Audience("market", market_id, exclude=(people[0],))
    assert await broadcasts.audience_count(subscribers, ["wechat"]) == 1
    assert await broadcasts.audience_count(subscribers, ["console", "wechat"]) == 2
    groups = await broadcasts.audience_groups(subscribers, None, "zh")
    assert groups == {("zh", "console"): 1, ("zh", "wechat"): 1}
    users = await broadcasts.audience_users(Audience("market", market_id), ["console"])
    assert [u.id for u in users] == people[:2]


async def test_the_outbox_claims_marks_and_streams_in_chunks(db: Database) -> None:
    store = Storage(db)
    market_id, _ = await _market_with_stall(store)
    people = [await _user(store, f"p{n}") for n in range(7)]
    for person in people:
        await ReminderStore(db).subscribe(person, market_id, NOW)
    outbox = OutboxStore(db)
    _, blocked = await outbox.reply_row("console", "p1", Reply("?"), {}, NOW)
    await outbox.mark_unreachable(blocked, "console", "p1", "blocked", NOW, 1)
    announcement, created = await outbox.create(
        kind="notice",
        reply=Reply("你好"),
        recipients=[("console", "p0"), ("console", "p1"), ("fax", "f0")],
        key="k1",
        priority=1,
        not_before=None,
        platforms=["console"],
        now=NOW,
    )
    assert created
    assert await outbox.counts(announcement) == {
        ("console", "pending"): 1,
        ("console", "unreachable"): 1,
        ("fax", "failed"): 1,
    }
    rows = await outbox.pending_rows(announcement, "console", 0, 10)
    claimed = await outbox.mark_replies([rows[0].id], [], NOW)
    assert claimed == {rows[0].id}
    assert await outbox.mark_replies([], [rows[0].id], NOW) == set()
    assert (await outbox.counts(announcement))[("console", "sent")] == 1
    again = await outbox.create(
        kind="notice",
        reply=Reply("你好"),
        recipients=[("console", "p0")],
        key="k1",
        priority=1,
        not_before=None,
        platforms=["console"],
        now=NOW,
    )
    assert again == (announcement, False)
    selection = BroadcastStore(db).selection(Audience("market", market_id), None, "zh")
    async with db.transaction():
        ((streamed, made),) = await outbox.create_streamed(
            kind="broadcast",
            parts=[StreamedPart("zh", ("console",), Reply("x"), "b1")],
            selection=selection,
            priority=0,
            not_before=None,
            platforms=["console"],
            now=NOW,
            total=7,
            chunk=3,
        )
    assert made
    assert await outbox.counts(streamed) == {
        ("console", "pending"): 6,
        ("console", "unreachable"): 1,
    }


async def test_a_transaction_is_all_or_nothing_and_unseen_until_committed(
    db: Database,
) -> None:
    store = Storage(db)
    market_id, stall_id = await _market_with_stall(store)

    async def failing_turn() -> None:
        async with db.transaction():
            await store.add_product(stall_id, NewProduct("核桃", "ganguo", 1500, "斤"), NOW)
            raise RuntimeError("the turn fails")

    with pytest.raises(RuntimeError):
        await failing_turn()
    assert await store.products_of_stall(stall_id) == []
    async with db.transaction():
        await store.add_product(stall_id, NewProduct("红枣", "ganguo", 1200, "斤"), NOW)
        elsewhere = asyncio.create_task(db.read_all("SELECT count(*) FROM products"))
        assert (await elsewhere)[0][0] == 0  # another task reads what was committed
    assert (await db.read_all("SELECT count(*) FROM products"))[0][0] == 1
    changes = await store.catalog_changes(0)  # written by the triggers of migration 0014
    (product,) = await store.products_of_stall(stall_id)
    assert changes.products == {product.id} and stall_id in changes.stalls
    assert changes.mark == await store.catalog_mark() and market_id >= 1


async def test_a_claim_skips_a_row_another_process_holds_on_postgresql(
    postgres_url: str,
) -> None:
    first, second = await Database.open(postgres_url), await Database.open(postgres_url)
    try:
        outbox = OutboxStore(first)
        announcement, _ = await outbox.create(
            kind="notice",
            reply=Reply("你好"),
            recipients=[("console", "a"), ("console", "b")],
            key=None,
            priority=1,
            not_before=None,
            platforms=["console"],
            now=NOW,
        )
        row_a, row_b = await outbox.pending_rows(announcement, "console", 0, 10)
        held = asyncio.Event()
        release = asyncio.Event()

        async def other_process() -> None:  # holds row a's lock in an open transaction
            async with first.transaction() as conn:
                await conn.execute(
                    "SELECT id FROM delivery_outbox WHERE id = ? FOR UPDATE", (row_a.id,)
                )
                held.set()
                await release.wait()

        holder = asyncio.create_task(other_process())
        await held.wait()
        claims = OutboxStore(second)
        async with asyncio.timeout(5):  # skipped at once, never waited for
            assert not await claims.claim(row_a.id, NOW)
            assert await claims.mark_replies([row_a.id, row_b.id], [], NOW) == {row_b.id}
        release.set()
        await holder
        assert await claims.claim(row_a.id, NOW)
        assert not await claims.claim(row_a.id, NOW)  # sending now: not pending any more
    finally:
        await first.close()
        await second.close()
