"""A vendor types several products on one line, as people type them or voice input writes
them (``山木耳 45一斤 小麻油 28一瓶``, ``山木耳45元一斤，小麻油28元一瓶。``): each is its own
product."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from handlers.listing import guess_category
from marketbot.domain.listing import MAX_LINES, read_listing
from marketbot.search import load_tables
from tests.conftest import Chat
from tests.test_console_flows import register
from tests.test_talk_listing import _products


def _read(text: str) -> list[tuple[str, int, str | None]] | None:
    found = read_listing(text)
    return None if found is None else [(f.name, f.price.fen, f.price.unit) for f in found]


def test_several_products_on_one_line() -> None:
    two = [("山木耳", 4500, "斤"), ("小麻油", 2800, "瓶")]
    assert _read("山木耳 45一斤 小麻油 28一瓶") == two
    assert _read("山木耳45元一斤，小麻油28元一瓶。") == two
    assert _read("山木耳45元一斤小麻油28元一瓶") == two
    assert _read("核桃 15元/斤、杏仁 30元/斤") == [("核桃", 1500, "斤"), ("杏仁", 3000, "斤")]
    assert _read("小米5块黄米6块") == [("小米", 500, None), ("黄米", 600, None)]


def test_a_name_with_spaces_or_a_measure_stays_one_product() -> None:
    assert _read("黄精 九蒸九晒 60元一斤") == [("黄精 九蒸九晒", 6000, "斤")]
    assert _read("500毫升 小麻油 28元") == [("500毫升 小麻油", 2800, None)]
    assert _read("块菌 30元一斤") == [("块菌", 3000, "斤")]


def test_a_line_that_is_not_all_products_is_no_listing() -> None:
    assert _read("沙棘膏 35元一瓶 买二送一") is None
    assert _read("12元 " * 30) is None
    assert _read("沙棘膏35元一瓶" * (MAX_LINES + 1)) is None


_NAME_CHARS = "山木耳小麻油核桃黄精沙棘膏蜂蜜红枣杏仁荆条筐蘑菇香椿"
_PRICES = [("45元一斤", 4500, "斤"), ("28元/瓶", 2800, "瓶"), ("5块", 500, None)]


@given(
    st.lists(
        st.tuples(
            st.text(alphabet=_NAME_CHARS, min_size=1, max_size=6),
            st.sampled_from(["", " "]),
            st.sampled_from(_PRICES),
            st.sampled_from([" ", "，", "、", "", "  ", "; ", "。"]),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_products_typed_one_after_the_other_are_read_back(
    items: list[tuple[str, str, tuple[str, int, str | None], str]],
) -> None:
    line = "".join(f"{name}{space}{price}{sep}" for name, space, (price, _, _), sep in items)
    assert _read(line) == [(name, fen, unit) for name, _, (_, fen, unit), _ in items]


def test_a_collective_word_does_not_decide_a_products_category() -> None:
    # 陈醋 is named by 特产 and 送礼 (many kinds); 醋 by 调味 alone
    assert guess_category(load_tables(), "老陈醋") == "tiaowei"


async def test_a_vendor_lists_two_products_in_one_line(chat: Chat) -> None:
    await register(chat, "li", "李大姐沙棘")
    out = await chat.send("山木耳45元一斤，小麻油28元一瓶。")
    assert "2 件" in out and "山木耳" in out and "45元/斤" in out and "28元/瓶" in out
    await chat.press("全部保存")
    products = await _products(chat)
    assert products["山木耳"][1:] == (4500, "斤")
    assert products["小麻油"][1:] == (2800, "瓶")
