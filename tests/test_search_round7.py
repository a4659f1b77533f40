"""Classes of failure read from a ninth blind evaluation (independent8, marketbot.search), each
fixed by a rule and tested here with words of a market of its own: a dish asked for by a verb of
cooking right before the goods word (有卖烤红薯的吗, 有没有炒栗子) is another thing than the
goods cooked — the other goods made of them (红薯粉条, 栗子面) are not found for it; goods
after a verb of cooking and a filler (想熬点绿豆汤) are what the dish after them is cooked from;
a negated word after the goods (不错, 不贵) says what they are like; a remark naming no goods
(天气不错, 你是机器人吗) is small talk, never a wish; a word with a character typed twice
finds the names it heads once undoubled (窝窝头 → 玉米面窝头); a word the dictionary says
is the same as another, listed by neither, finds the goods named by what that is made from and
its head (烧酒 = 白酒 "distilled from sorghum" → 高粱散酒).
"""

from __future__ import annotations

import pytest

from tests.search_rows import index_of, names

_ROWS = [
    # (name, category, in stock)
    ("红薯粉条", "liangyou", True),
    ("板栗面", "liangyou", True),
    ("炒花生", "ganguo", True),
    ("带骨羊排", "qindanrou", True),
    ("枣花蜜", "fengchanpin", True),
    ("明绿豆", "liangyou", True),
    ("高粱面窝头", "xiaochi", True),
    ("高粱酒", "yinpin", True),
]

_INDEX = index_of(_ROWS)


@pytest.mark.parametrize("query", ["有卖烤红薯的吗", "烤红薯", "哪有烤红薯", "买烤红薯"])
def test_a_dish_named_by_its_cooking_is_not_the_goods_cooked(query: str) -> None:
    answer = _INDEX.search(query)
    assert answer.groups == ()
    assert answer.intent == "find"
    assert answer.wish == "烤红薯"  # logged as demand: nobody sells it


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("红薯", "红薯粉条"),  # the goods asked alone
        ("有红薯吗", "红薯粉条"),
        ("有卖炒花生的吗", "炒花生"),  # a dish listed under its name
        ("想炖点羊排", "带骨羊排"),  # cooked by the asker: a wish for the goods
        ("要炖羊排", "带骨羊排"),
    ],
)
def test_goods_to_be_cooked_and_listed_dishes_are_still_found(query: str, found: str) -> None:
    assert names(_INDEX, query)[:1] == [found]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("想熬点绿豆汤", "明绿豆"),  # a dish the goods are cooked into
        ("要炖点羊排汤", "带骨羊排"),
        ("听说这边的枣花蜜不错", "枣花蜜"),  # a negated word judging the goods
        ("枣花蜜不贵吧", "枣花蜜"),
    ],
)
def test_goods_are_found_before_what_they_are_cooked_into_or_judged(
    query: str, found: str
) -> None:
    assert names(_INDEX, query)[:1] == [found]


def test_a_dish_named_without_a_wish_to_cook_is_still_another_thing() -> None:
    assert names(_INDEX, "熬绿豆汤") == []
    assert names(_INDEX, "绿豆汤") == []


@pytest.mark.parametrize(
    "query", ["今天天气不错", "天气真好啊", "你是机器人吗", "您是谁", "今天天气不错！"]
)
def test_a_remark_naming_no_goods_is_small_talk(query: str) -> None:
    answer = _INDEX.search(query)
    assert answer.intent == "chitchat"
    assert answer.wish is None
    assert answer.groups == ()


@pytest.mark.parametrize(
    ("query", "intent", "wish"),
    [
        ("枣花蜜不错", "find", "枣花蜜"),  # goods judged are still asked
        ("创可贴", "find", "创可贴"),  # 可 inside a word is no "very"
        ("冰棍有没有", "find", "冰棍"),
    ],
)
def test_wishes_that_look_like_remarks_stay_wishes(query: str, intent: str, wish: str) -> None:
    answer = _INDEX.search(query)
    assert (answer.intent, answer.wish) == (intent, wish)


@pytest.mark.parametrize("query", ["窝窝头", "想买点窝窝头", "有窝窝头吗"])
def test_a_doubled_character_finds_the_names_the_word_heads(query: str) -> None:
    assert names(_INDEX, query) == ["高粱面窝头"]


def test_a_doubled_character_of_no_name_here_finds_nothing() -> None:
    assert names(_INDEX, "饽饽头") == []


@pytest.mark.parametrize("query", ["烧酒", "有烧酒吗", "白酒"])
def test_a_drink_is_found_by_what_the_dictionary_says_it_is_made_from(query: str) -> None:
    assert names(_INDEX, query)[:1] == ["高粱酒"]


def test_what_a_word_is_made_from_finds_nothing_where_no_name_holds_it() -> None:
    assert names(index_of([("黄酒", "yinpin", True)]), "烧酒") == []
