"""Search in the chat as visitors ask (terminal and Telegram inline mode), the demand log and the
weekly summary."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from marketbot.app import App, background
from marketbot.calendar import CalendarOptions
from marketbot.clock import FixedClock, SystemClock
from marketbot.platforms.console import ConsoleSender
from marketbot.platforms.telegram.links import TelegramLinks
from marketbot.services.demand import send_weekly
from tests.conftest import Chat
from tests.fake_bot_api import FakeBotApi
from tests.telegram_harness import telegram_harness


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("有红枣卖吗？", "红枣"),
        ("我想买点核桃", "核桃"),
        ("hongzao", "红枣"),
        ("hz", "红枣"),
        ("jujube", "红枣"),
        ("honey", "蜜"),
        ("walnut", "核桃"),
        ("millet", "小米"),
        ("棗", "红枣"),
        ("大枣", "红枣"),
        ("核挑", "核桃"),
        ("木耳", "山木耳"),
        ("蜜", "蜜"),
    ],
)
async def test_visitors_find_goods_the_way_they_ask(chat: Chat, query: str, expected: str) -> None:
    out = await chat.send(query)
    assert "没有人卖" not in out, out
    assert expected in out


async def test_price_place_and_time_questions(chat: Chat, clock: FixedClock) -> None:
    out = await chat.send("红枣多少钱一斤")
    assert "价钱" in out and "12元/斤 @老油坊" in out
    out = await chat.send("哪个摊有卖笸箩")
    assert "王家荆条编" in out and "铺则底街" in out
    await chat.app.core.services.days.schedules.set(
        1, "逢三六九", CalendarOptions(), by=1, now=clock.now()
    )
    out = await chat.send("几点开市")
    assert "08:00–13:00" in out and "12月1日" in out


@pytest.mark.parametrize("query", ["电池", "雨伞", "咖啡"])
async def test_things_nobody_sells_find_nothing_kindly(chat: Chat, query: str) -> None:
    out = await chat.send(query)
    assert f"没有人卖“{query}”" in out
    assert "按分类看" in out


async def test_searches_are_logged_without_personal_data(chat: Chat) -> None:
    await chat.as_("alice")
    await chat.send("沙棘膏")
    await chat.send("电池")
    await chat.as_("bob")
    await chat.send("电池")
    async with chat.app.db.conn.execute("SELECT * FROM search_log") as cursor:
        rows = [dict(r) for r in await cursor.fetchall()]
    assert {r["wanted"] for r in rows} == {"沙棘膏", "电池"}
    assert set(rows[0]) == {"id", "at", "market_id", "wanted", "intent", "results"}


async def test_demand_summary_and_vendor_hint(app: App, chat: Chat, clock: FixedClock) -> None:
    await chat.as_("li")  # registers and lists 黄花菜, but is not approved yet
    for line in ["/register", "李家干货", "李大姐", "东泉村", "跳过", "跳过", "提交"]:
        await chat.send(line)
    for line in ["/add", "黄花菜", "干果", "25", "斤", "跳过", "跳过", "保存"]:
        await chat.send(line)
    for name in ["t1", "t2", "t3"]:
        await chat.as_(name)
        await chat.send("有黄花菜吗")
    await chat.send("核桃")
    await chat.as_("secretary")
    out = await chat.send("/demand")
    assert "黄花菜（3 次）" in out and "3 次有人找“黄花菜”" in out
    assert "核桃（1 次）" in out
    await chat.as_("tourist")
    assert "只有村书记" in await chat.send("/demand")

    chat.lines.clear()
    senders = [ConsoleSender(chat.console)]
    async with background(app, app.core.services.config, senders, pacing=SystemClock()):
        outbox = app.core.services.days.outbox
        assert outbox is not None
        services = app.core.services
        assert await send_weekly(
            app.store, services.catalog, services.config, outbox, clock.now(), "2026-W49"
        )
        assert not await send_weekly(
            app.store, services.catalog, services.config, outbox, clock.now(), "2026-W49"
        )
        for _ in range(600):
            if chat.text.count("📨") >= 2:
                break
            await asyncio.sleep(0.01)
    assert "📨 → secretary" in chat.text and "过去 7 天共 4 次搜索" in chat.text
    assert "📨 → li" in chat.text and "您的摊位有“黄花菜”" in chat.text


async def test_inline_mode_offers_product_cards(app: App) -> None:
    app.core.services.links.register("telegram", TelegramLinks("pingyao_market_bot"), rank=1)
    api = FakeBotApi()
    async with telegram_harness(app.core, api=api) as tg:
        await tg.send(
            {
                "update_id": 9001,
                "inline_query": {
                    "id": "q1",
                    "from": {
                        "id": 77,
                        "is_bot": False,
                        "first_name": "Ann",
                        "language_code": "en",
                    },
                    "query": "jujube",
                    "offset": "",
                },
            }
        )
    answer = api.calls_to("answerInlineQuery")[-1].params
    results = answer["results"]
    assert results[0]["title"].startswith("红枣")
    button = results[0]["reply_markup"]["inline_keyboard"][0][0]
    assert button["url"] == "https://t.me/pingyao_market_bot?start=stall_4"
    assert "老油坊" in results[0]["input_message_content"]["message_text"]


async def test_index_follows_changes(chat: Chat, clock: FixedClock) -> None:
    assert "没有人卖" in await chat.send("黄花菜")
    await chat.as_("laowei")
    await chat.send("/add")
    for line in ["黄花菜", "干果", "25", "斤", "跳过", "跳过", "保存"]:
        await chat.send(line)
    await chat.as_("tourist")
    assert "黄花菜：25元/斤 @老魏山货" in await chat.send("黄花菜")
    clock.advance(timedelta(minutes=1))
