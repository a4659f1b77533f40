"""Search in the chat as visitors ask (terminal and Telegram inline mode), the demand log and the
weekly summary."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from marketbot.app import App, background
from marketbot.calendar import CalendarOptions
from marketbot.clock import FixedClock, SystemClock
from marketbot.domain.model import StallStatus
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


async def test_the_same_question_after_a_price_change_shows_the_new_price(
    app: App, chat: Chat
) -> None:
    """The lines of an answer are made once while the index gives the same answer: a change
    of the listing makes them anew, in each language."""
    assert "120元/斤" in await chat.send("黄精")
    await chat.send("/lang")
    await chat.press("English")
    before = await chat.send("黄精")
    stalls, _ = await app.store.stalls(statuses=[StallStatus.APPROVED])
    products = [p for s in stalls for p in await app.store.products_of_stall(s.id)]
    product = next(p for p in products if p.name == "九蒸九晒黄精")
    await app.store.update_product(product.id, app.core.services.clock.now(), price_fen=7700)
    after = await chat.send("黄精")
    assert "77" in after and "120" in before
    await chat.send("/lang")
    await chat.press("中文")
    assert "77元" in await chat.send("黄精")


NOT_PRODUCTS = [
    "集市在哪", "在哪赶集", "怎么走", "where is the market", "地址", "集市地址在哪里",
    "明天 8:00", "周六 9:00", "8、00", "晚上6、半", "几点开市", "下次集市什么时候",
    "when is the market", "什么时候赶集", "我要摆摊", "我想卖东西", "怎么登记", "我也想摆个摊",
    "帮助", "菜单", "首页", "help", "menu", "怎么用", "你好", "您好", "谢谢", "thanks",
    "hello", "\u200b", "123", "。。。", "？？", "asdfgh", "qwerty", "nan", "ok", "好的",
    "嗯", "哈哈", "👍", "1234567", "!!!", "...", "zzz", "在吗", "再见", "谢谢啦", "hi",
    "早上好",
]  # fmt: skip
WISHES = [
    "核桃", "红枣", "小米", "山木耳", "蜂蜜", "黄精", "沙棘膏", "小麻油", "荆条筐", "山蘑菇",
    "有红枣卖吗", "核桃多少钱", "我想买点小米", "哪个摊有卖木耳", "walnut", "honey", "millet",
    "hongzao", "棗", "大枣", "电池", "手机", "耳机", "羽绒服", "苹果手机", "方便面", "香烟",
    "海鲜", "榴莲", "布洛芬", "有卖核桃的吗", "给我妈买点红枣", "想买两斤小米", "黄精怎么卖",
    "沙棘膏多少钱一瓶", "有没有蜂蜜", "山蘑菇有吗", "小麻油", "有荆条筐吗", "黑木耳", "香菇",
    "党参", "黄芪", "枸杞", "绿豆", "荞麦", "莜面", "柿饼", "杏干", "花椒",
]  # fmt: skip


async def test_a_day_of_messages_logs_exactly_the_product_wishes(app: App, chat: Chat) -> None:
    assert len(NOT_PRODUCTS) == 50 and len(WISHES) == 50
    await chat.as_("tourist")
    for text in NOT_PRODUCTS:
        await chat.send(text)
        await chat.send("/cancel")  # a "我要摆摊" starts registration; leave it
    assert [dict(r) for r in await app.store._all("SELECT wanted, intent FROM search_log")] == []
    for text in WISHES:
        await chat.send(text)
    rows = await app.store._all("SELECT wanted FROM search_log")
    assert len(rows) == len(WISHES)


async def test_a_vendor_says_a_good_is_sold_out(app: App, chat: Chat) -> None:
    await chat.as_("laowei")
    out = await chat.send("核桃卖完了")
    assert "核桃" in out and "售完" in out
    walnut = next(p for p in await app.store.products_of_stall(1) if p.name == "核桃")
    assert not walnut.in_stock
    await chat.as_("tourist")
    out = await chat.send("核桃卖完了吗")
    assert "售完" in out  # a visitor's question is a search


async def test_prices_per_unit_and_every_stall_of_a_product(app: App, chat: Chat) -> None:
    from marketbot.storage.market_data import NewProduct

    now = app.core.services.clock.now()
    stalls = (await app.store.stalls(statuses=[StallStatus.APPROVED]))[0]
    units = [("两", 1250, True), ("斤", 4500, True), ("斤", 9900, False), ("斤", 5000, True)]
    for stall, (unit, fen, stock) in zip(stalls, units, strict=False):
        await app.store.upsert_product_by_name(
            stall.id, NewProduct("野生榛蘑", "shanzhen", fen, unit, in_stock=stock), now
        )
    await chat.as_("tourist")
    out = await chat.send("野生榛蘑")
    line = next(line for line in out.splitlines() if "野生榛蘑" in line and "元" in line)
    assert "12.5元/两" in line and "45元/斤–50元/斤" in line and "99" not in line
    out = await chat.press("野生榛蘑（4）")
    for stall in stalls[:4]:
        assert stall.name in out
    assert out.count("元/") == 4 and "已售完" in out


async def test_negotiable_and_range_prices_in_search_lines(app: App, chat: Chat) -> None:
    from marketbot.storage.market_data import NewProduct

    now = app.core.services.clock.now()
    stalls = (await app.store.stalls(statuses=[StallStatus.APPROVED]))[0]
    listed = [
        NewProduct("野生猴头菇", "shanzhen", 0, "斤", price_note="negotiable"),
        NewProduct("野生猴头菇", "shanzhen", 1500, "斤", price_max_fen=2000),
        NewProduct("野生猴头菇", "shanzhen", 3000, "斤"),
        NewProduct("野生猴头菇", "shanzhen", 2500, "斤", price_note="about"),
    ]
    for stall, product in zip(stalls, listed, strict=False):
        await app.store.upsert_product_by_name(stall.id, product, now)
    await chat.as_("tourist")
    out = await chat.send("野生猴头菇")
    line = next(line for line in out.splitlines() if "野生猴头菇" in line and "元" in line)
    assert "15元/斤–30元/斤" in line and "面议" not in line  # 面议 never in a range
    out = await chat.press("野生猴头菇（4）")
    assert "面议" in out and "15-20元/斤" in out


async def test_an_english_reply_has_no_bare_chinese_search_word(chat: Chat) -> None:
    await chat.as_("tourist")
    await chat.send("/lang")
    await chat.press("English")
    out = await chat.send("battery")
    assert "battery" in out and "电池" not in out
    out = await chat.send("wicker basket")
    assert "basket" in out.lower()


@pytest.mark.parametrize(
    ("said", "answer"),
    [
        ("谢谢", "不客气"),
        ("谢谢啦！", "不客气"),
        ("Thank you!", "You are welcome"),  # and in English: their words are English
        ("再见", "再见，欢迎下次来赶集"),
        ("拜拜了", "再见，欢迎下次来赶集"),
        ("bye", "Goodbye, and come again"),
        ("你好", "想买什么"),
    ],
)
async def test_thanks_and_goodbyes_are_answered_as_such(
    chat: Chat, said: str, answer: str
) -> None:
    out = await chat.send(said)
    assert answer in out
    assert "没有找到" not in out
