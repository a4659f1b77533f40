"""The per-message path stays short: a visitor's search is one transaction of at most six
statements (users and conversations come from memory, written only when changed), and a
restart loses nothing the caches held."""

from __future__ import annotations

import asyncio

from marketbot.app import App, open_app
from marketbot.clock import FixedClock
from marketbot.config import Config
from marketbot.neutral import Reply
from marketbot.storage.market_data import NewStall
from marketbot.storage.outbox import OutboxStore
from tests.telegram_harness import telegram_harness

VISITOR = 4242


def _turns(statements: list[str]) -> list[list[str]]:
    """The statements of each transaction, BEGIN and COMMIT left out."""
    turns: list[list[str]] = []
    current: list[str] | None = None
    for sql in statements:
        word = sql.split()[0].upper()
        if word == "BEGIN":
            current = []
        elif word in ("COMMIT", "ROLLBACK"):
            assert current is not None
            turns.append(current)
            current = None
        elif current is not None:
            current.append(sql)
    return turns


async def test_a_search_message_is_one_transaction_of_at_most_six_statements(
    app: App,
) -> None:
    await app.db.watch()  # as `marketbot run` does: the caches are on
    statements: list[str] = []
    async with telegram_harness(app.core) as tg:
        await tg.say(VISITOR, "核桃")  # first contact: the user and the conversation are new
        await tg.say(VISITOR, "红枣")
        await app.db.conn.set_trace_callback(statements.append)
        try:
            await tg.say(VISITOR, "有蜂蜜吗")
        finally:
            await app.db.conn.set_trace_callback(None)
        assert "蜜" in tg.api.last_text(VISITOR)
    turn = _turns(statements)[0]
    assert any("INTO inbox" in sql for sql in turn)
    assert not any("FROM users" in sql or "INTO users" in sql for sql in turn), turn
    assert not any("FROM conversations" in sql for sql in turn), turn
    assert len(turn) <= 6, "\n".join(turn)


async def test_an_unchanged_conversation_is_not_written_again(app: App) -> None:
    await app.db.watch()
    statements: list[str] = []
    async with telegram_harness(app.core) as tg:
        await tg.say(VISITOR, "核桃")
        await app.db.conn.set_trace_callback(statements.append)
        try:
            await tg.say(VISITOR, "核桃")  # the same answer, the same buttons
        finally:
            await app.db.conn.set_trace_callback(None)
    assert not any("INTO conversations" in sql for sql in _turns(statements)[0])


async def test_what_the_caches_held_survives_a_restart(
    app: App, config: Config, clock: FixedClock
) -> None:
    await app.db.watch()
    async with telegram_harness(app.core) as tg:
        await tg.say(VISITOR, "/lang")
        await tg.press(VISITOR, "English")
        await tg.say(VISITOR, "/register")
        assert "stall" in tg.api.last_text(VISITOR).lower()
    await app.db.close()
    async with open_app(config, clock) as again:
        user = (await again.store.users_by_chat("telegram", str(VISITOR)))[0]
        assert user.language == "en"
        conv = await again.store.get_conversation(user.id)
        assert conv.state is not None and conv.state.startswith("vendor.reg")


async def test_a_user_changed_in_the_turn_that_first_read_them_is_read_again(app: App) -> None:
    await app.db.watch()
    async with telegram_harness(app.core) as tg:
        await tg.say(VISITOR, "/lang")
        app.store._users.clear()  # as after a restart: the press is the first read
        await tg.press(VISITOR, "English")
        await tg.say(VISITOR, "/help")
        assert "/start" in tg.api.last_text(VISITOR)
        user = (await app.store.users_by_chat("telegram", str(VISITOR)))[0]
        cached = await app.store.upsert_user(
            platform="telegram",
            platform_user_id=str(VISITOR),
            chat_id=str(VISITOR),
            display_name="",
            platform_language=None,
            now=app.core.services.clock.now(),
        )
        assert user.language == cached.language == "en"


async def test_stall_names_come_from_memory_and_follow_a_rename(app: App) -> None:
    await app.db.watch()
    store, now = app.store, app.core.services.clock.now()
    found = await store.search_visible_stalls("老魏", 5, 1)
    assert [s.name for s in found] == ["老魏山货"]
    assert await store.update_stall_info(found[0].id, now, name="魏家山货")
    assert await store.search_visible_stalls("老魏", 5, 1) == []
    assert [s.name for s in await store.search_visible_stalls("魏家", 5, 1)] == ["魏家山货"]
    assert [s.name for s in await store.search_visible_stalls("魏家", 5, None)] == ["魏家山货"]


async def test_stall_names_are_found_as_a_scan_of_every_name_would(app: App) -> None:
    await app.db.watch()
    store, now = app.store, app.core.services.clock.now()
    for name in ("红枣小院", "大红枣", "枣", "Red Dates 红枣"):
        await store.upsert_stall_by_name(
            market_id=1, stall=NewStall(name, "摊主", "村", None, ""), now=now
        )
    every = await store.search_visible_stalls("", 100, 1)
    for needle in ("红枣", "枣", "red", "dates 红", "枣小", "没有", "老魏"):
        expected = sorted(
            (s for s in every if needle in s.name.lower()), key=lambda s: (len(s.name), s.id)
        )
        assert await store.search_visible_stalls(needle, 100, 1) == expected[:100], needle


async def test_the_marks_of_many_replies_commit_together(app: App) -> None:
    """Replies of many chats are marked *sending* (and *sent*) in one transaction; each caller
    returns once its mark is committed, and a row is claimed once."""
    outbox, now = OutboxStore(app.db), app.core.services.clock.now()
    refs = [
        (await outbox.reply_row("telegram", str(chat), Reply("好"), {}, now))[1]
        for chat in range(5)
    ]
    statements: list[str] = []
    await app.db.conn.set_trace_callback(statements.append)
    try:
        claimed = await asyncio.gather(*map(app.core.sending, refs), app.core.sending(refs[0]))
        states = await _states(app, refs)
        await asyncio.gather(*map(app.core.sent, refs))
    finally:
        await app.db.conn.set_trace_callback(None)
    assert claimed == [True] * 5 + [False]
    assert states == {"sending"}
    assert len(_turns(statements)) == 2
    assert await _states(app, refs) == {"sent"}
    assert not await app.core.sending(refs[1])


async def _states(app: App, refs: list[int]) -> set[str]:
    marks = ", ".join("?" * len(refs))
    rows = await app.db.conn.execute_fetchall(
        f"SELECT state FROM delivery_outbox WHERE id IN ({marks})", refs
    )
    return {str(row[0]) for row in rows}
