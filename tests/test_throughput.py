"""The per-message path stays short: a visitor's search is one transaction of at most six
statements (users and conversations come from memory, written only when changed), and a
restart loses nothing the caches held."""

from __future__ import annotations

from marketbot.app import App, open_app
from marketbot.clock import FixedClock
from marketbot.config import Config
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
