"""The core's turn: one transaction per message, the search cache invalidated only after a commit,
who is coming ranking the search, and instants compared in UTC (three bugs found reading main)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from marketbot.app import App
from marketbot.calendar import CalendarOptions
from marketbot.clock import FixedClock
from marketbot.domain.schedule import market_today
from marketbot.neutral import Inbound
from marketbot.storage.broadcasts import BroadcastStore
from tests.conftest import SHANGHAI, Chat


async def test_saying_i_come_ranks_the_stall_first_in_search(
    app: App, chat: Chat, clock: FixedClock
) -> None:
    """Bug 1: attendance did not bump the catalogue version and the cache ignored it."""
    clock.set(datetime(2026, 12, 1, 19, 0, tzinfo=SHANGHAI))  # today's market (廿三) is over
    days = app.core.services.days
    await days.schedules.set(
        1, "逢三六九", CalendarOptions(), by=1, now=app.core.services.clock.now()
    )
    catalog, clock = app.core.services.catalog, app.core.services.clock
    market = (await app.store.markets())[0]
    before = await catalog.search(market, "核桃", clock.now(), log=False)
    assert before.groups and not any(i.coming for g in before.groups for i in g.items)
    await chat.as_("laowei")
    await chat.send("/mystall")
    await chat.press("下次集市去不去")
    await chat.press("我去")
    after = await catalog.search(market, "核桃", clock.now(), log=False)
    laowei = [i for g in after.groups for i in g.items if i.stall_name == "老魏山货"]
    assert laowei and all(item.coming for item in laowei)


async def test_a_search_during_a_write_does_not_keep_stale_prices(app: App) -> None:
    """Bug 2: the version was bumped before the write committed, so a search that ran while the
    writer waited for the lock cached the old price under the new version, for good."""
    store, catalog, clock = app.store, app.core.services.catalog, app.core.services.clock
    market = (await store.markets())[0]
    product = next(p for p in await store.products_of_stall(1) if p.name == "核桃")
    await catalog.search(market, "核桃", clock.now(), log=False)  # warm the cache
    holding = asyncio.Event()
    release = asyncio.Event()

    async def other_writer() -> None:
        async with store.db.transaction():
            holding.set()
            await release.wait()

    blocker = asyncio.create_task(other_writer())
    await holding.wait()
    writer = asyncio.create_task(
        store.update_product(product.id, now=clock.now(), price_fen=99999)
    )
    await asyncio.sleep(0)  # the writer now waits for the lock
    stale = await catalog.search(market, "核桃", clock.now(), log=False)
    assert all(i.price_fen != 99999 for g in stale.groups for i in g.items)
    release.set()
    await asyncio.gather(blocker, writer)
    fresh = await catalog.search(market, "核桃", clock.now(), log=False)
    prices = {i.price_fen for g in fresh.groups for i in g.items if i.product_id == product.id}
    assert prices == {99999}


async def test_the_vendors_daily_limit_counts_from_local_midnight(
    app: App, clock: FixedClock
) -> None:
    """Bug 3: UTC text was compared with +08:00 text, so at 01:00 market time the day's
    announcements counted as none."""
    clock.set(datetime(2026, 12, 2, 1, 0, tzinfo=SHANGHAI))  # 17:00 UTC the day before
    store = BroadcastStore(app.db)
    await store.create(
        author_id=1,
        stall_id=1,
        audience="followers:1",
        text="新到的核桃",
        photo_id=None,
        recipients=1,
        send_at=None,
        now=clock.now(),
    )
    today = market_today(clock.now(), "Asia/Shanghai")
    midnight = datetime(today.year, today.month, today.day, tzinfo=SHANGHAI)
    assert await store.count_since(1, midnight) == 1
    assert await store.count_since(1, midnight + timedelta(hours=2)) == 0


async def test_goods_listed_in_the_hours_after_a_market_opened_are_new(
    app: App, clock: FixedClock
) -> None:
    """The same mix hid goods listed in the 8 hours after a market opened from "new goods"."""
    store = app.store
    opened = datetime(2026, 12, 3, 8, 0, tzinfo=SHANGHAI)
    clock.set(opened + timedelta(hours=3))  # 11:00 local = 03:00 UTC, after the opening
    product = next(p for p in await store.products_of_stall(1) if p.name == "核桃")
    await store.update_product(product.id, now=clock.now(), name="新核桃")
    market = (await store.markets())[0]
    found = await store.products_added_since(market.id, opened)
    assert product.id not in [p.id for p, _ in found]  # renamed, not newly listed
    before = {p.id for p, _ in found}
    from marketbot.storage.market_data import NewProduct

    added = await store.add_product(
        1, NewProduct(name="沙棘汁", category="qita", price_fen=1500, unit="瓶"), now=clock.now()
    )
    found = await store.products_added_since(market.id, opened)
    assert {p.id for p, _ in found} - before == {added.id}


async def test_a_failing_handler_leaves_nothing_half_done(app: App, chat: Chat) -> None:
    """One transaction per message: the user row, the handler's writes and the conversation
    commit together; when the handler fails nothing of it stays and the draft is intact."""
    await chat.as_("li")
    await chat.send("/register")
    await chat.send("李大姐沙棘")
    before = await app.store.get_conversation(
        (await app.store.users_by_chat("console", "li"))[0].id
    )
    router = app.core.router
    original = router.dispatch

    async def write_then_fail(ctx, choice):  # type: ignore[no-untyped-def]
        await ctx.store.set_language(ctx.user.id, "en")
        ctx.conv.state = "somewhere.else"
        raise RuntimeError("boom")

    router.dispatch = write_then_fail  # type: ignore[method-assign]
    try:
        out = await chat.send("李大姐")
    finally:
        router.dispatch = original  # type: ignore[method-assign]
    assert "出了点问题" in out
    user = (await app.store.users_by_chat("console", "li"))[0]
    assert user.language != "en"
    after = await app.store.get_conversation(user.id)
    assert (after.state, after.data) == (before.state, before.data)
    out = await chat.send("李大姐")  # the flow goes on where it was
    assert "村" in out


async def test_entry_payload_opens_the_stall_from_any_platform(app: App) -> None:
    out = await app.core.handle(
        Inbound(platform="plain", user_id="u1", chat_id="u1", text="/start", entry="stall_1")
    )
    assert "老魏山货" in out[0].reply.text
