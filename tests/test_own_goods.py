"""A vendor changes their own goods in their own words, outside any flow: ``核桃 18元一斤`` for
goods already listed is a new price, ``核桃改成20`` too, ``核桃有货了`` puts them back in stock;
nobody changes goods of another stall this way."""

from __future__ import annotations

import pytest

from handlers.own_goods import read_words
from marketbot.app import App
from marketbot.domain.model import Product
from tests.conftest import Chat
from tests.test_console_flows import register


async def _walnut(app: App) -> Product:
    return next(p for p in await app.store.products_of_stall(1) if p.name == "核桃")


def test_words_about_one_good() -> None:
    said = read_words("核桃的价格降到16元！")
    assert said is not None and said.name == "核桃" and said.price is not None
    assert said.price.fen == 1600
    said = read_words("核桃又有货了")
    assert said is not None and said.name == "核桃" and said.price is None
    assert read_words("核桃改成好吃的") is None  # no price
    assert read_words("有核桃吗") is None
    said = read_words("核桃12")  # a name and a bare number: a new price, if the name is theirs
    assert said is not None and said.name == "核桃" and said.price is not None
    assert said.price.fen == 1200 and said.price.unit is None
    assert read_words("13912345678") is None


async def test_a_bare_number_after_ones_own_good_is_its_new_price(app: App, chat: Chat) -> None:
    await chat.as_("laowei")
    out = await chat.send("核桃12")
    assert "15元/斤 → 12元/斤" in out
    await chat.as_("tourist")
    out = await chat.send("核桃12")  # not theirs: a search
    assert "→" not in out


async def test_a_word_that_is_no_unit_is_asked_again(app: App, chat: Chat) -> None:
    await chat.as_("laowei")
    out = await chat.send("花椒 30块")
    assert "按什么卖" in out
    out = await chat.send("保存")  # the vendor thought the preview was shown
    assert "请核对" not in out and "按什么卖" in out
    out = await chat.send("斤")
    assert "30元/斤" in out and "请核对" in out


async def test_a_listed_good_typed_again_with_a_price_is_repriced(app: App, chat: Chat) -> None:
    await chat.as_("laowei")
    out = await chat.send("核桃 18元一斤")
    assert "15元/斤 → 18元/斤" in out and "请核对" not in out
    assert (await _walnut(app)).price_fen == 1800
    out = await chat.send("核桃改成20")
    assert "18元/斤 → 20元/斤" in out
    out = await chat.send("山木耳 50一斤 蜂蜜 30一斤")  # one known, one new
    assert "45元/斤 → 50元/斤" in out and "请核对" in out and "蜂蜜" in out
    assert [p.name for p in await app.store.products_of_stall(1)].count("核桃") == 1


async def test_back_in_stock_in_words(app: App, chat: Chat) -> None:
    await chat.as_("laowei")
    await chat.send("核桃卖完了")
    assert not (await _walnut(app)).in_stock
    out = await chat.send("核桃有货了")
    assert "有货" in out
    assert (await _walnut(app)).in_stock


async def test_nobody_changes_another_stalls_goods(app: App, chat: Chat) -> None:
    await register(chat, "li", "李大姐沙棘")
    await chat.send("核桃改成1")
    await chat.send("核桃有货了")
    walnut = await _walnut(app)
    assert walnut.price_fen == 1500 and walnut.in_stock


async def test_a_price_said_as_cheaper(app: App, chat: Chat) -> None:
    await chat.as_("laowei")
    out = await chat.send("核桃便宜点，12")
    assert "15元/斤 → 12元/斤" in out
    out = await chat.send("核桃涨价了 13块")
    assert "12元/斤 → 13元/斤" in out
    assert (await _walnut(app)).price_fen == 1300


@pytest.mark.parametrize("typed", ["删掉核桃", "核桃不卖了", "把核桃下架吧"])
async def test_goods_no_longer_sold_are_deleted_once_confirmed(
    app: App, chat: Chat, typed: str
) -> None:
    await chat.as_("laowei")
    out = await chat.send(typed)
    assert "确定要删除“核桃”吗" in out
    await chat.press("不删了")
    assert "核桃" in [p.name for p in await app.store.products_of_stall(1)]
    await chat.send(typed)
    out = await chat.press("删除")
    assert "已删除“核桃”" in out
    assert "核桃" not in [p.name for p in await app.store.products_of_stall(1)]


async def test_nobody_deletes_another_stalls_goods_in_words(app: App, chat: Chat) -> None:
    await register(chat, "li", "李大姐沙棘")
    out = await chat.send("删掉核桃")
    assert "确定要删除" not in out
    assert "核桃" in [p.name for p in await app.store.products_of_stall(1)]


async def test_sold_out_before_listing_anything_says_so(chat: Chat) -> None:
    await register(chat, "li", "李大姐沙棘")
    out = await chat.send("卖完了")
    assert "还没有商品" in out and "已经都标成售完" not in out


async def test_more_goods_typed_at_a_preview_join_it(app: App, chat: Chat) -> None:
    await chat.as_("laowei")
    out = await chat.send("花椒 30元一斤")
    assert "请核对" in out
    out = await chat.send("小米 5块一斤 黄米 6块一斤")  # the preview is not answered: more goods
    assert "花椒" in out and "小米" in out and "黄米" in out
    await chat.press("全部保存")
    names = [p.name for p in await app.store.products_of_stall(1)]
    assert {"花椒", "小米", "黄米"} <= set(names)


@pytest.mark.parametrize("said", ["核桃没了", "核桃卖没了", "核桃没货了"])
async def test_sold_out_said_with_mei(app: App, chat: Chat, said: str) -> None:
    await chat.as_("laowei")  # 没 of these is no question particle: the goods are gone
    out = await chat.send(said)
    assert "已售完" in out and not (await _walnut(app)).in_stock


async def test_a_price_change_said_with_ba(app: App, chat: Chat) -> None:
    await chat.as_("laowei")
    out = await chat.send("把核桃的价格改成18")
    assert "15元/斤 → 18元/斤" in out


async def test_a_visitor_saying_goods_are_gone_is_shown_them(chat: Chat) -> None:
    await chat.as_("tourist")
    out = await chat.send("核桃卖完了")  # no stall of theirs: what there is of 核桃
    assert "核桃：15元/斤" in out
