"""Classes of failure read from a fourth blind evaluation (marketbot.search), each fixed by a rule
or a resource and tested here with words that are in no evaluation set, at a market of its own.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from marketbot.search import CatalogItem, SearchIndex, load_tables
from marketbot.search.tables import _lines, _split_words, _zh
from tests.search_rows import TABLES, index_of, names

_ROWS = [
    # (name, category, in stock)
    ("荠菜", "shanzhen", True),
    ("苜蓿", "guoshu", True),
    ("沙葱", "shanzhen", True),
    ("蒲公英根", "yaocai", True),
    ("高粱米", "liangyou", True),
    ("罗汉豆", "liangyou", True),
    ("手工挂面", "liangyou", True),
    ("五仁月饼", "xiaochi", True),
    ("拨浪鼓", "shougongyi", True),
    ("空竹", "shougongyi", True),
    ("泥人", "shougongyi", True),
    ("纸钱", "qita", True),
    ("鞭炮", "qita", True),
    ("银耳", "shanzhen", True),
    ("花菇", "shanzhen", True),
    ("葵花油", "liangyou", True),
    ("酱油", "tiaowei", True),
    ("竹篮", "shougongyi", True),
    ("藤编篓", "shougongyi", True),
    ("草编凉帽", "shougongyi", True),
    ("高粱秆锅盖", "shougongyi", True),
    ("竹扫把", "shougongyi", True),
    ("玉米酒", "yinpin", True),
    ("玉米糁", "liangyou", True),
    ("红棉鞋", "shougongyi", True),
]


_INDEX = index_of(_ROWS)


def _names(query: str) -> list[str]:
    return names(_INDEX, query)


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("秫米", "高粱米"),  # sorghum by its older name
        ("炮仗", "鞭炮"),
        ("蒙古韭", "沙葱"),
        ("雪耳", "银耳"),
    ],
)
def test_other_names_of_goods_of_north_china_markets(query: str, first: str) -> None:
    assert _names(query)[:1] == [first]


def test_a_line_for_a_thing_already_named_joins_all_its_names(tmp_path: Path) -> None:
    # 大板豆 is written for 蚕豆 in a secretary's file; 罗汉豆 is a name of 蚕豆 elsewhere.
    (tmp_path / "synonyms-village.tsv").write_text("蚕豆\t大板豆\n", "utf-8")
    tables = load_tables([tmp_path])
    assert "罗汉豆" in tables.synonyms["大板豆"]
    items = [CatalogItem(1, "罗汉豆", "liangyou", "", 1, "摊1", 500, "斤", True)]
    index = SearchIndex.build(items, tables)
    assert [group.name for group in index.search("大板豆").groups] == ["罗汉豆"]


def test_the_north_china_synonyms_resource_names_one_thing_a_line() -> None:
    """No other name a single character (too vague to stand for a good), no name twice in the
    file, no other name that is a word for a kind (categories.tsv)."""
    text = (resources.files("marketbot.search") / "data" / "synonyms-north.tsv").read_text()
    seen: dict[str, int] = {}
    for number, columns in _lines(text):
        names = [_zh(word) for column in columns for word in _split_words(column)]
        for word in names:
            assert word not in seen, (number, word, seen.get(word))
            seen[word] = number
        for word in names[1:]:
            assert len(word) > 1, (number, word)
            assert TABLES.categories.get(word) is None, (number, word)
    assert len(seen) >= 300


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("听说高粱米非常好吃，哪家有", "高粱米"),  # a degree adverb judges the goods
        ("这里的银耳很白吧", "银耳"),
        ("银耳确实白吗", "银耳"),  # "really" judges them too
        ("花菇挺大的，便宜点", "花菇"),  # 挺: "very" is a later sense
        ("有没有那种手工做的鞋", "红棉鞋"),  # what stands before 的 describes the goods
        ("能带回去当礼物的银耳", "银耳"),  # a kind word takes no purpose clause
        ("给娃买个拨浪鼓戴", "拨浪鼓"),  # 戴 "surname; to put on or wear": a use
        ("会上有纸钱吗", "纸钱"),  # a fair (会) is the market
    ],
)
def test_sentences_around_the_goods(query: str, first: str) -> None:
    assert _names(query)[:1] == [first]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("五仁饼", "五仁月饼"),  # a character left off inside the name
        ("拨浪鼓鼓", "拨浪鼓"),  # a character typed twice
    ],
)
def test_a_name_typed_with_a_character_left_off_or_doubled(query: str, first: str) -> None:
    assert _names(query)[:1] == [first]


def test_goods_of_a_material_none_lists_find_the_goods_of_their_head() -> None:
    # 山芋粉条 is a goods word of the tables (山芋 is goods, 粉条 a goods word): where no such
    # noodles are listed, the noodles that are
    index = index_of([("宽粉条", "liangyou", True), ("山芋干", "ganguo", True)])
    answer = index.search("山芋粉条")
    assert [(g.name, g.match) for g in answer.groups][:1] == [("宽粉条", "related")]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("给孩子买点玩具", {"拨浪鼓", "空竹", "泥人"}),
        ("上坟用的", {"纸钱", "鞭炮"}),
        ("泥捏的", {"泥人"}),
        ("菌类", {"银耳", "花菇"}),
    ],
)
def test_words_for_kinds_of_goods_of_the_region(query: str, expected: set[str]) -> None:
    answer = _INDEX.search(query)
    assert answer.intent == "browse"
    assert expected <= {group.name for group in answer.groups}


def test_wild_vegetables_of_north_china() -> None:
    assert {"荠菜", "苜蓿", "沙葱"} <= set(_names("野菜"))


def test_a_wild_vegetable_is_no_herb_sold_as_medicine() -> None:
    assert "蒲公英根" not in _names("野菜")


def test_every_oil_headed_by_oil_is_an_oil_soy_sauce_is_none() -> None:
    names = _names("食用油")
    assert "葵花油" in names
    assert "酱油" not in names


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("paper money", "纸钱"),  # 纸 "paper" and 钱 "money": 纸钱, a goods word
        ("toys", "拨浪鼓"),
    ],
)
def test_english_nouns_spelled_by_their_chinese_words(query: str, first: str) -> None:
    assert first in _names(query)


def test_after_a_phrase_the_goods_of_its_head_noun() -> None:
    names = _names("bamboo basket")
    assert names[0] == "竹篮"
    assert "藤编篓" in names


@pytest.mark.parametrize("query", ["花生油", "牛肉干", "电饭锅", "塑料篮子"])
def test_goods_nobody_sells_still_find_nothing(query: str) -> None:
    assert _names(query) == []


def test_goods_to_be_cooked_are_what_the_goods_asked_for_are_for() -> None:
    answer = _INDEX.search("中午蒸银耳，还要买花菇")
    assert answer.terms == ("花菇",)
    assert _names("中午蒸银耳，还要买花菇")[:1] == ["花菇"]


def test_goods_bound_of_stalks_and_brooms_are_woven_ware_after_those_named_woven() -> None:
    names = _names("筐篮")
    assert {"高粱秆锅盖", "竹扫把"} <= set(names)
    assert names.index("藤编篓") < names.index("竹扫把")


def test_two_nouns_spelling_goods_come_before_one_of_them_alone() -> None:
    # "corn" alone is 玉米 (english.tsv, 玉米糁 here); together with "wine" it is 玉米酒
    assert _names("corn wine")[:1] == ["玉米酒"]
    assert "玉米糁" not in _names("corn wine")
