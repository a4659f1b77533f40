"""Classes of failure read from a sixth blind evaluation (independent5, marketbot.search), each
fixed by a rule or a resource and tested here with words of a market of its own; and the
version-keyed cache every lookup of the search shares (marketbot.search.kept).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketbot.search.kept import Kept
from marketbot.search.normalize import singular
from tests.search_rows import index_of, names

_ROWS = [
    # (name, category, in stock)
    ("五常大米", "liangyou", True),
    ("黑芝麻", "liangyou", True),
    ("枣花蜂蜜", "fengchanpin", True),
    ("椴树蜜", "fengchanpin", True),
    ("黄酒", "yinpin", True),
    ("红糖", "tiaowei", True),
    ("花椒", "tiaowei", True),
    ("香菜", "guoshu", True),
    ("鸡肉", "qindanrou", True),
    ("鸡爪", "qindanrou", False),
    ("兔肉", "qindanrou", True),
    ("鹅蛋", "qindanrou", True),
    ("马铃薯", "guoshu", True),
    ("山药蛋", "guoshu", True),
    ("红薯", "guoshu", True),
]

_INDEX = index_of(_ROWS)


def _names(query: str) -> list[str]:
    return names(_INDEX, query)


_BEFORE = ["", "有", "请问有", "想买点", "老板，有没有"]
_AFTER = ["", "吗", "卖不", "有没有", "多少钱"]


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("五常大来", "五常大米"),  # 来 looks like 米 and is a word of its own
        ("黑芝吗", "黑芝麻"),  # 吗 sounds like 麻 and is a particle
    ],
)
@given(before=st.sampled_from(_BEFORE), after=st.sampled_from(_AFTER))
def test_a_name_typed_with_its_last_character_wrong_is_found(
    typed: str, meant: str, before: str, after: str
) -> None:
    # the typed name is read as a piece of a name and a word beside it; with that character
    # it is one character off the name
    assert _names(before + typed + after)[:1] == [meant]


def test_a_question_word_after_the_goods_asks_about_them() -> None:
    # 哪个 "which" (CC-CEDICT) frames the two goods rather than joining the second to it
    assert _names("枣花蜂蜜和椴树蜜哪个好")[:2] == ["枣花蜂蜜", "椴树蜜"]


@pytest.mark.parametrize("query", ["黄酒打一斤多少钱", "黄酒称二斤", "黄酒来两斤吧"])
def test_a_verb_and_a_quantity_after_the_goods_are_a_clause_of_their_own(query: str) -> None:
    assert _names(query)[:1] == ["黄酒"]


@pytest.mark.parametrize(
    ("query", "wished"),
    [("蒸馒头想要点红糖", "红糖"), ("炖排骨想要点花椒", "花椒"), ("拌凉粉想要点香菜", "香菜")],
)
def test_goods_after_a_wish_word_are_asked_for(query: str, wished: str) -> None:
    # the first goods (a dish being made) are no purpose the second is for
    assert wished in _names(query)


def test_closer_kin_ranks_before_farther_kin_whatever_the_stock() -> None:
    # 鸡爪 begins like 鸡肉 (both "chicken"), sold out; 兔肉 only shares the head 肉
    found = _names("鸡肉")
    assert found[0] == "鸡肉"
    assert found.index("鸡爪") < found.index("兔肉")


@pytest.mark.parametrize("query", ["马铃", "山药", "chinese yam", "铁棍山药"])
def test_a_word_inside_a_longer_word_that_means_another_thing_is_no_match(query: str) -> None:
    # 马铃 "bell" in 马铃薯 "potato", 山药 "yam" in 山药蛋 "potato"; no kind of yam (红薯
    # "sweet potato; yam") stands in for goods nobody here sells
    assert _names(query) == []


def test_the_longer_word_itself_is_still_found() -> None:
    assert _names("马铃薯")[0] == "马铃薯"
    assert {"山药蛋", "马铃薯"} <= set(_names("土豆")[:2])


@pytest.mark.parametrize("query", ["肉", "有肉吗", "蛋"])
def test_a_category_word_of_catalogue_categories_browses_the_kind(query: str) -> None:
    answer = _INDEX.search(query)
    assert answer.intent == "browse"
    assert answer.groups  # the goods of the kind are shown


def test_a_product_name_is_still_a_wish() -> None:
    assert _INDEX.search("鸡肉").intent == "find"
    assert _INDEX.search("鹅蛋").intent == "find"


@pytest.mark.parametrize("typed", ["huajiaoo", "huajjiao", "hhuajiao"])
def test_pinyin_with_a_letter_typed_twice_is_read(typed: str) -> None:
    assert _names(typed) == ["花椒"]


@pytest.mark.parametrize("typed", ["aabbcc", "hhhh", "zzxxcc"])
def test_doubled_letters_of_no_pinyin_find_nothing(typed: str) -> None:
    assert _names(typed) == []


@pytest.mark.parametrize(
    ("plural", "one"),
    [("shoes", "shoe"), ("toes", "toe"), ("potatoes", "potato"), ("peaches", "peach")],
)
def test_english_plurals_in_oes_keep_their_e_after_a_short_stem(plural: str, one: str) -> None:
    assert singular(plural) == one


def test_kept_values_last_until_the_version_moves() -> None:
    version = [0]
    calls: list[str] = []
    kept: Kept[str, str] = Kept(lambda: version[0], limit=10)

    def compute(key: str) -> str:
        calls.append(key)
        return key.upper()

    assert kept.get("a", lambda: compute("a")) == "A"
    assert kept.get("a", lambda: compute("a")) == "A"
    assert calls == ["a"]
    version[0] = 1
    assert kept.get("a", lambda: compute("a")) == "A"
    assert calls == ["a", "a"]


@given(st.lists(st.text(alphabet="abcdef", min_size=1, max_size=2), max_size=60))
def test_kept_never_holds_more_than_its_limit(keys: list[str]) -> None:
    kept: Kept[str, int] = Kept(lambda: 0, limit=5)
    for key in keys:
        assert kept.get(key, key.__len__) == len(key)
        assert len(kept) <= 5
