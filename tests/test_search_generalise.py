"""The search generalises by rule and resource, not by table entries: sentences, English through
CC-CEDICT, fuzzy pinyin, initials, typos, categories, refusals, intents, units, in-stock first
(marketbot.search)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketbot.search import (
    CATEGORIES,
    CatalogItem,
    SearchIndex,
    UnitOffer,
    detect_intent,
    load_tables,
)

_TABLES = load_tables()
_ROWS = [
    # (stall, name, category, description, in stock, unit, price in fen)
    (1, "荆条筐", "shougongyi", "", True, "个", 3000),
    (2, "荆条篮子", "shougongyi", "", True, "个", 2500),
    (3, "核桃", "ganguo", "本地核桃", True, "斤", 1500),
    (4, "黄芪", "yaocai", "", True, "斤", 4000),
    (5, "小麻油", "liangyou", "500毫升一瓶", True, "瓶", 2800),
    (5, "小麻油", "liangyou", "", True, "斤", 300),
    (6, "古法沙棘膏", "qita", "", True, "瓶", 3000),
    (7, "山木耳", "shanzhen", "", True, "两", 1250),
    (8, "山木耳", "shanzhen", "", True, "斤", 4500),
    (9, "山木耳", "shanzhen", "", False, "斤", 4000),
    (10, "红枣", "ganguo", "", True, "斤", 800),
    (11, "苹果", "guoshu", "", True, "斤", 500),
    (12, "蜂蜜", "fengchanpin", "", True, "斤", 5000),
    (13, "柳条簸箕", "shougongyi", "", True, "个", 2000),
    (14, "土鸡蛋", "qindanrou", "", True, "个", 100),
    (15, "小米", "liangyou", "", True, "斤", 600),
    (16, "蜂蜜", "fengchanpin", "", False, "斤", 4000),
    (17, "沙棘汁", "yinpin", "", True, "瓶", 500),
    (18, "槐花蜜", "fengchanpin", "", True, "斤", 4500),
    (19, "野山楂", "zhenpin", "秘书自己加的类别", True, "斤", 900),
]
_ITEMS = [
    CatalogItem(pid, name, cat, desc, stall, f"摊{stall}", price, unit, stock)
    for pid, (stall, name, cat, desc, stock, unit, price) in enumerate(_ROWS, start=1)
]
_INDEX = SearchIndex.build(_ITEMS, _TABLES)


def _names(query: str) -> list[str]:
    return [group.name for group in _INDEX.search(query).groups]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("有卖竹篮子的吗", "荆条篮子"),
        ("想给孩子带点核桃", "核桃"),
        ("哪里能买到黄芪", "黄芪"),
        ("给我妈买点红枣", "红枣"),
        ("核桃好吃吗", "核桃"),
    ],
)
def test_a_product_word_is_found_in_any_sentence(query: str, first: str) -> None:
    assert _names(query)[0] == first
    assert _INDEX.search(query).wish is not None


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("walnuts", "核桃"),
        ("dried dates", "红枣"),
        ("wicker", "柳条簸箕"),
        ("do you sell honey?", "蜂蜜"),
        ("jujube", "红枣"),
    ],
)
def test_english_through_the_dictionary(query: str, first: str) -> None:
    assert first in _names(query)[:2]


@pytest.mark.parametrize(
    ("query", "first"),
    [("huanqi", "黄芪"), ("huangqi", "黄芪"), ("sanmuer", "山木耳"), ("jtk", "荆条筐")],
)
def test_fuzzy_pinyin_and_initials(query: str, first: str) -> None:
    assert _names(query)[0] == first


@pytest.mark.parametrize(("query", "first"), [("小麻汕", "小麻油"), ("沙基膏", "古法沙棘膏")])
def test_look_alike_and_sound_alike_typos(query: str, first: str) -> None:
    assert _names(query)[0] == first


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("坚果", "核桃"),
        ("土特产", "红枣"),
        ("粮食", "小米"),
        ("手工品", "荆条筐"),
        ("水果", "苹果"),
        ("喝的", "沙棘汁"),
        ("肉蛋", "土鸡蛋"),
        ("果蔬", "苹果"),
    ],
)
def test_collective_words_bring_their_kind(query: str, expected: str) -> None:
    answer = _INDEX.search(query)
    assert expected in [group.name for group in answer.groups]
    assert answer.wish is None  # a kind of goods is no product wish


def test_the_new_categories_and_any_secretary_key() -> None:
    assert {"guoshu", "qindanrou", "yinpin"} <= set(CATEGORIES)
    assert _names("野山楂") == ["野山楂"]


@pytest.mark.parametrize(
    "query", ["耳机", "机油", "核桃手机壳", "苹果手机", "电池", "核桃油", "蛋糕", "面包", "奶茶"]
)
def test_near_misses_are_refused(query: str) -> None:
    answer = _INDEX.search(query)
    assert answer.groups == ()
    assert answer.wish  # still an unmet wish worth recording


@pytest.mark.parametrize(
    ("query", "intent"),
    [
        ("集市在哪", "place"),
        ("在哪赶集", "place"),
        ("怎么走", "place"),
        ("where is the market", "place"),
        ("地址", "place"),
        ("明天 8:00", "time"),
        ("周六 9:00", "time"),
        ("下次集市什么时候", "time"),
        ("几点开", "time"),
        ("帮助", "help"),
        ("菜单", "help"),
        ("首页", "help"),
        ("help", "help"),
        ("menu", "help"),
        ("我要摆摊", "register"),
        ("我想卖东西", "register"),
        ("怎么登记", "register"),
        ("卖完了", "sold_out"),
        ("你好", "chitchat"),
        ("谢谢", "chitchat"),
        ("\u200b", "chitchat"),
        ("123", "chitchat"),
        ("？？！", "chitchat"),
        ("asdfgh", "chitchat"),
        ("nan", "chitchat"),
        ("8、00", "chitchat"),
        ("晚上6、半", "chitchat"),
    ],
)
def test_messages_that_are_no_product_wish(query: str, intent: str) -> None:
    answer = _INDEX.search(query)
    assert (answer.intent, answer.wish, answer.wanted, answer.groups) == (intent, None, None, ())


def test_a_vendor_names_what_is_sold_out() -> None:
    answer = _INDEX.search("核桃卖完了")
    assert (answer.intent, answer.terms, answer.wish) == ("sold_out", ("核桃",), None)
    assert detect_intent("核桃卖完了吗", _TABLES) is None  # a visitor's question


def test_a_time_never_matches_a_description() -> None:
    assert _INDEX.search("8:00").groups == ()
    assert _INDEX.search("明天 8:00").groups == ()


def test_offers_per_unit_leave_out_sold_out_listings() -> None:
    group = _INDEX.search("山木耳").groups[0]
    assert group.offers() == (UnitOffer("两", 1250, 1250, 1), UnitOffer("斤", 4500, 4500, 1))
    listed = [(item.stall_name, item.price_fen, item.in_stock) for item in group.listings()]
    assert listed == [("摊7", 1250, True), ("摊8", 4500, True), ("摊9", 4000, False)]


def test_a_sold_out_exact_match_ranks_below_goods_in_stock() -> None:
    index = SearchIndex.build(
        [
            CatalogItem(1, "蜂蜜", "fengchanpin", "", 1, "甲", 5000, "斤", False),
            CatalogItem(2, "槐花蜜", "fengchanpin", "", 2, "乙", 4500, "斤", True),
        ],
        _TABLES,
    )
    assert [group.name for group in index.search("蜂蜜").groups] == ["槐花蜜", "蜂蜜"]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("0123456789:：、. \u200b!?？。，"), max_size=12))
def test_digits_and_punctuation_are_never_a_wish(text: str) -> None:
    answer = _INDEX.search(text)
    assert answer.wish is None and answer.groups == ()
