"""Prices people really say: 面议, ranges, about a price, bundles — money stays integer fen."""

from __future__ import annotations

import pytest

from marketbot.domain.prices import ParsedPrice, format_price, parse_price
from tests.conftest import Chat
from tests.test_console_flows import register


@pytest.mark.parametrize(
    ("typed", "parsed", "shown"),
    [
        ("面议", ParsedPrice(0, None, note="negotiable"), "面议"),
        ("15-20", ParsedPrice(1500, None, max_fen=2000), "15-20元"),
        ("15到20", ParsedPrice(1500, None, max_fen=2000), "15-20元"),
        ("15到20元一斤", ParsedPrice(1500, "斤", max_fen=2000), "15-20元/斤"),
        ("15元-20元/斤", ParsedPrice(1500, "斤", max_fen=2000), "15-20元/斤"),
        ("15元左右", ParsedPrice(1500, None, note="about"), "约15元"),
        ("大概15块一斤", ParsedPrice(1500, "斤", note="about"), "约15元/斤"),
        ("10元3个", ParsedPrice(1000, "3个"), "10元/3个"),
        ("3块钱2斤", ParsedPrice(300, "2斤"), "3元/2斤"),
        ("15元1斤", ParsedPrice(1500, "斤"), "15元/斤"),
    ],
)
def test_prices_people_say(typed: str, parsed: ParsedPrice, shown: str) -> None:
    assert parse_price(typed) == parsed
    text = format_price(parsed.fen, parsed.unit, "zh", max_fen=parsed.max_fen, note=parsed.note)
    assert text == shown
    assert parse_price(text) == parsed  # what is shown reads back


def test_english_shows_them_too() -> None:
    assert format_price(0, None, "en", note="negotiable") == "price on request"
    assert format_price(1500, "斤", "en", max_fen=2000) == "¥15–20 / jin"
    assert format_price(1500, "斤", "en", note="about") == "about ¥15 / jin"


def test_a_range_must_go_up() -> None:
    with pytest.raises(ValueError, match="unparseable"):
        parse_price("20-15")


async def test_a_vendor_lists_with_the_prices_they_say(chat: Chat) -> None:
    await register(chat, "li", "李大姐沙棘")
    out = await chat.send("核桃 15到20元一斤\n鸡蛋 10元3个\n小米 3块钱2斤")
    assert "15-20元/斤" in out and "10元/3个" in out and "3元/2斤" in out
    await chat.press("全部保存")
    out = await chat.send("土鸡 面议")
    assert "按什么卖" in out
    out = await chat.press("个")
    assert "💰 面议" in out
    await chat.press("保存")
    out = await chat.send("/mystall")
    assert (
        "土鸡\u3000面议" in out and "核桃\u300015-20元/斤" in out and "鸡蛋\u300010元/3个" in out
    )
    stall = await chat.app.store.stall_by_name(1, "李大姐沙棘")
    assert stall is not None
    prices = {
        p.name: (p.price_fen, p.price_max_fen, p.price_note, p.unit)
        for p in await chat.app.store.products_of_stall(stall.id)
    }
    assert prices["核桃"] == (1500, 2000, "", "斤")
    assert prices["土鸡"] == (0, None, "negotiable", "个")
    assert prices["小米"] == (300, None, "", "2斤")


async def test_changing_a_price_to_about_a_price(chat: Chat) -> None:
    await register(chat, "li", "李大姐沙棘")
    await chat.send("核桃 20元一斤")
    await chat.press("保存")
    await chat.send("/mystall")
    await chat.press("核桃")
    await chat.press("改价格")
    out = await chat.send("15元左右")
    assert "约15元/斤" in out
