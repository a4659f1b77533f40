"""Classes of failure read from an eighth blind evaluation (independent7, marketbot.search), each
fixed by a rule and tested here with words of a market of its own: a name that two goods share
(麻油 for 香油 "sesame oil" and for 胡麻油 "linseed oil") finds the goods asked only where a name
does not hold the other one; a character of a word asked inside a sentence is not read alone
where a modifier beside it completes a dictionary word it does not mean (海 of 海鲜); a verb of
cooking after the goods with a thing it makes (炖汤, 熬粥) says what they are for; asking the
way (which bus, which street, "how do I get to") is a place question; something done or felt
with 了 (辛苦了, 吃了没) is small talk.
"""

from __future__ import annotations

import pytest

from tests.search_rows import index_of, names

_ROWS = [
    # (name, category, in stock)
    ("小磨胡麻油", "liangyou", True),
    ("头道菜籽油", "liangyou", True),
    ("海红果干", "ganguo", True),
    ("手织粗布", "shougongyi", True),
    ("山里跑的笨鸡", "qindanrou", True),
    ("带骨羊排", "qindanrou", True),
]

_INDEX = index_of(_ROWS)


@pytest.mark.parametrize("query", ["香油", "有香油吗", "芝麻油", "想买点海鲜", "有海鲜吗", "海鲜"])
def test_goods_nobody_sells_are_not_answered_by_a_name_holding_another_thing(query: str) -> None:
    answer = _INDEX.search(query)
    assert answer.groups == ()
    assert answer.intent == "find"
    assert answer.wish  # the wish is logged: nobody sells it


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("麻油", "小磨胡麻油"),  # the shared name asked itself: both goods it names
        ("胡麻油", "小磨胡麻油"),
        ("想买点海红果", "海红果干"),
        ("有土布吗", "手织粗布"),  # 土布 "homespun cloth" is a 布 "cloth"
    ],
)
def test_the_goods_named_are_still_found(query: str, found: str) -> None:
    assert names(_INDEX, query)[:1] == [found]


def test_sesame_oil_is_found_where_it_is_sold() -> None:
    index = index_of([*_ROWS, ("纯芝麻香油", "liangyou", True)])
    answer = index.search("香油")
    assert [group.name for group in answer.groups][:1] == ["纯芝麻香油"]
    # the other oils come after it only as related goods, never as the goods asked
    assert all(group.match == "related" for group in answer.groups[1:])


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("想买一只笨鸡炖汤", "山里跑的笨鸡"),
        ("买点羊排熬汤", "带骨羊排"),
        ("笨鸡煮汤喝", "山里跑的笨鸡"),
    ],
)
def test_a_verb_of_cooking_after_the_goods_says_what_they_are_for(query: str, found: str) -> None:
    assert names(_INDEX, query)[:1] == [found]


@pytest.mark.parametrize(
    "query", ["how can I get to the market?", "How do we get there", "坐几路车到集上", "在哪条街"]
)
def test_asking_the_way_is_a_place_question(query: str) -> None:
    answer = _INDEX.search(query)
    assert answer.intent == "place"
    assert answer.wish is None  # no wish for the demand log


def test_asking_the_way_to_goods_still_finds_them() -> None:
    answer = _INDEX.search("哪条街有笨鸡")
    assert answer.intent == "find"
    assert [group.name for group in answer.groups][:1] == ["山里跑的笨鸡"]


@pytest.mark.parametrize("query", ["辛苦了", "吃了没", "累了吧", "到了吗？"])
def test_something_done_or_felt_is_small_talk(query: str) -> None:
    answer = _INDEX.search(query)
    assert answer.intent == "chitchat"
    assert answer.groups == ()
    assert answer.wish is None


def test_goods_before_le_are_still_asked_for() -> None:
    assert _INDEX.search("有马肉了吗").wish == "马肉"  # nobody sells it: a wish
    answer = _INDEX.search("笨鸡到了没")
    assert answer.intent == "find"
    assert [group.name for group in answer.groups][:1] == ["山里跑的笨鸡"]
