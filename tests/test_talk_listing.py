"""A vendor lists a product the short way — one message ``沙棘膏 35元一瓶`` and 保存 — or step by
step with ⬅️ back on every step and answers in their own words."""

from __future__ import annotations

import pytest

from handlers.listing import guess_category
from marketbot.app import App
from marketbot.domain.listing import ListingLine, read_listing
from marketbot.domain.prices import ParsedPrice
from marketbot.neutral import Inbound
from marketbot.platforms.console import console_photo
from marketbot.search import load_tables
from tests.conftest import Chat
from tests.fake_bot_api import FakeBotApi
from tests.telegram_harness import telegram_harness
from tests.test_console_flows import register


async def _products(chat: Chat) -> dict[str, tuple[str, int, str]]:
    stall = await chat.app.store.stall_by_name(1, "李大姐沙棘")
    assert stall is not None
    products = await chat.app.store.products_of_stall(stall.id)
    return {p.name: (p.category, p.price_fen, p.unit) for p in products}


def test_a_line_is_a_name_and_a_price() -> None:
    assert read_listing("沙棘膏 35元一瓶") == [ListingLine("沙棘膏", ParsedPrice(3500, "瓶"))]
    found = read_listing("沙棘膏35元一瓶\n黄精  60元/斤\n小米 5块")
    assert found is not None
    assert [(f.name, f.price.fen, f.price.unit) for f in found] == [
        ("沙棘膏", 3500, "瓶"),
        ("黄精", 6000, "斤"),
        ("小米", 500, None),
    ]
    for not_a_listing in [
        "沙棘膏",
        "35元",
        "十三香",
        "",
        "古法熬制 不加糖",
        "沙棘膏 35元一瓶\n你好",
    ]:
        assert read_listing(not_a_listing) is None, not_a_listing


def test_the_category_is_guessed_from_the_search_tables() -> None:
    tables = load_tables()
    assert guess_category(tables, "黄精") == "yaocai"
    assert guess_category(tables, "土蜂蜜") == "fengchanpin"
    assert guess_category(tables, "黄小米") == "liangyou"
    assert guess_category(tables, "荆条筐") == "shougongyi"
    assert guess_category(tables, "电池") == "qita"


@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("红枣", "ganguo"),  # of the 枣 kind, shown first by 干果 (not 补品, what it is for)
        ("小麻油", "liangyou"),  # of the 油 kind, in the name 粮油
        ("沙棘汁", "yinpin"),  # the name ends with what the goods are
        ("荞面碗托", "xiaochi"),
        ("红枣酒", "yinpin"),
        ("九蒸九晒黄精", "yaocai"),
    ],
)
def test_the_category_is_what_the_name_ends_with(name: str, category: str) -> None:
    assert guess_category(load_tables(), name) == category


async def test_a_product_listed_in_two_messages(chat: Chat) -> None:
    await register(chat, "li", "李大姐沙棘")
    out = await chat.send("黄精 60元一斤")
    assert "请核对" in out and "黄精" in out and "60元/斤" in out and "药材" in out
    for field in ["名称", "类别", "价格", "单位", "照片", "介绍"]:
        assert any(field in c.label for o in chat.mine() for c in o.reply.flat_choices())
    out = await chat.press("保存")
    assert "已保存" in out or "已上架" in out
    assert (await _products(chat))["黄精"] == ("yaocai", 6000, "斤")


async def test_a_field_of_the_preview_is_changed_and_back_to_the_preview(chat: Chat) -> None:
    await register(chat, "li", "李大姐沙棘")
    await chat.send("/add 沙棘膏 35元一瓶")
    assert "35元/瓶" in chat.text
    await chat.press("价格")
    out = await chat.send("30")
    assert "请核对" in out and "30元/瓶" in out  # the unit stays, back to the preview
    await chat.press("类别")
    out = await chat.press("蜂产品")
    assert "请核对" in out and "蜂产品" in out
    await chat.press("介绍")
    await chat.send("古法熬制")
    await chat.press("保存")
    assert (await _products(chat))["沙棘膏"] == ("fengchanpin", 3000, "瓶")


async def test_several_lines_at_once(chat: Chat) -> None:
    await register(chat, "li", "李大姐沙棘")
    await chat.send("/add")
    out = await chat.send("沙棘膏 35元一瓶\n黄精 60元一斤\n小米 5块")
    assert "3 件" in out and "5元/个" in out
    out = await chat.send("好的")
    assert "已保存 3 件" in out
    products = await _products(chat)
    assert set(products) == {"沙棘膏", "黄精", "小米"}


async def test_a_price_without_unit_asks_the_unit_then_shows_the_preview(chat: Chat) -> None:
    await register(chat, "li", "李大姐沙棘")
    out = await chat.send("核桃 20")
    assert "按什么卖" in out
    out = await chat.press("斤")
    assert "请核对" in out and "20元/斤" in out


async def test_a_photo_with_that_caption(app: App, chat: Chat) -> None:
    await register(chat, "li", "李大姐沙棘")
    photo = console_photo("jar")
    replies = await app.core.handle(
        Inbound("console", "li", "li", text="沙棘膏 35元一瓶", photo=photo)
    )
    assert "请核对" in replies[0].reply.text and "有照片" in replies[0].reply.text
    await chat.send("保存")
    stall = await app.store.stall_by_name(1, "李大姐沙棘")
    assert stall is not None
    (product,) = await app.store.products_of_stall(stall.id)
    assert product.photo_id is not None


async def test_a_photo_with_caption_on_telegram(app: App) -> None:
    api = FakeBotApi()
    api.files["AgACjar"] = b"\xff\xd8\xff\xe0 jar"
    async with telegram_harness(app.core, api=api) as tg:
        await tg.say(7, "/register")
        for answer in ["李大姐沙棘", "李大姐", "东泉村", "跳过", "跳过"]:
            if answer == "跳过":
                await tg.press(7, "跳过")
            else:
                await tg.say(7, answer)
        await tg.press(7, "✅ 提交")
        await tg.say(7, "沙棘膏 35元一瓶", photo="AgACjar")
        assert "请核对" in (api.last_text(7) or "")
        await tg.press(7, "✅ 保存")
    stall = await app.store.stall_by_name(1, "李大姐沙棘")
    assert stall is not None
    (product,) = await app.store.products_of_stall(stall.id)
    assert (product.name, product.price_fen, product.unit) == ("沙棘膏", 3500, "瓶")
    assert product.photo_id is not None


async def test_a_visitor_typing_a_name_and_price_still_searches(chat: Chat) -> None:
    await chat.as_("tourist")
    out = await chat.send("沙棘膏 35元一瓶")
    assert "请核对" not in out


async def test_back_on_every_step(chat: Chat) -> None:
    await register(chat, "li", "李大姐沙棘")
    await chat.send("/add")
    await chat.send("沙棘膏")
    assert "属于哪一类" in chat.text
    out = await chat.press("返回")
    assert "卖的是什么" in out
    await chat.send("沙棘膏")
    await chat.press("蜂产品")
    await chat.send("35元一瓶")
    assert "照片" in chat.text
    out = await chat.press("返回")  # the unit came with the price: back to the price
    assert "多少钱" in out
    await chat.send("35")
    assert "按什么卖" in chat.text
    out = await chat.press("返回")
    assert "多少钱" in out
    await chat.send("35")
    await chat.press("瓶")
    await chat.press("跳过")
    out = await chat.press("返回")
    assert "照片" in out


async def test_natural_answers_at_fixed_steps(chat: Chat) -> None:
    await register(chat, "li", "李大姐沙棘")
    await chat.send("/add")
    await chat.send("沙棘膏")
    await chat.press("蜂产品")
    await chat.send("35元/瓶")
    out = await chat.send("没有照片")
    assert "需要发一张照片" not in out and "介绍一下" in out
    out = await chat.send("没有")
    assert "请核对" in out and "📝 —" in out
    out = await chat.send("好的")
    assert "已保存" in out or "已上架" in out
    assert "沙棘膏" in await _products(chat)


async def test_back_from_the_unit_of_a_one_message_draft(chat: Chat) -> None:
    await register(chat, "li", "李大姐沙棘")
    out = await chat.send("核桃 20")
    assert "按什么卖" in out
    out = await chat.press("返回")
    assert "多少钱" in out  # not a preview without a unit
    await chat.send("20元一斤")
    await chat.send("没有照片")
    out = await chat.send("没有")
    assert "请核对" in out and "20元/斤" in out
    await chat.press("保存")
    assert (await _products(chat))["核桃"][2] == "斤"
