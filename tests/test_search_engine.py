"""Visitor queries of every kind against a small market (marketbot.search)."""

from __future__ import annotations

import pytest

from marketbot.search import CatalogItem, SearchAnswer, SearchIndex, load_tables

_LISTINGS = [
    # (stall, name, category, description, in stock)
    (1, "干香菇", "shanzhen", "椴木香菇，晒干的", True),
    (2, "香菇", "shanzhen", "鲜香菇，早上刚摘的", True),
    (2, "香菇酱", "tiaowei", "香菇丁炒的酱", True),
    (3, "红枣", "ganguo", "本地红枣，熬粥蒸馍都好", True),
    (4, "稷山板枣", "ganguo", "皮薄核小", True),
    (4, "醉枣", "ganguo", "白酒泡的醉枣", True),
    (5, "枣花蜜", "fengchanpin", "枣花开时摇的蜜", True),
    (5, "荆条蜜", "fengchanpin", "太行山荆条花期的蜜，浅琥珀色", True),
    (6, "核桃", "ganguo", "本地核桃", True),
    (6, "核桃仁", "ganguo", "剥好的", True),
    (7, "枸杞", "yaocai", "宁夏红枸杞", True),
    (8, "高粱笤帚", "shougongyi", "高粱穗扎的扫炕笤帚", True),
    (9, "柿饼", "ganguo", "带白霜", True),
    (10, "土豆", "qita", "山地土豆，沙瓤", True),
    (11, "玉米面", "liangyou", "石磨玉米面", True),
    (11, "黄小米", "liangyou", "今年新小米", True),
    (12, "小磨香油", "liangyou", "石磨芝麻油", True),
    (13, "窗花剪纸", "shougongyi", "手工剪的窗花", True),
    (14, "连翘茶", "qita", "连翘嫩叶炒的茶", True),
    (14, "苦荞茶", "qita", "苦荞麦炒的茶", True),
    (15, "绿茶", "qita", "南方进的绿茶", False),
    (16, "黄酱", "tiaowei", "黄豆晒的大酱，配咖啡色酱油", True),
    (17, "五香豆腐干", "xiaochi", "烟熏的豆腐干", True),
    (18, "猴头菇", "shanzhen", "干猴头菇，煲汤用", True),
    (19, "平遥牛肉", "xiaochi", "真空包装", True),
    (20, "太谷饼", "xiaochi", "老式太谷饼，酥甜", True),
    (21, "党参", "yaocai", "潞党参", True),
]


def _items() -> list[CatalogItem]:
    return [
        CatalogItem(
            product_id=number,
            name=name,
            category=category,
            description=description,
            stall_id=stall,
            stall_name=f"摊位{stall}",
            price_fen=1000,
            unit="斤",
            in_stock=in_stock,
            coming=stall % 2 == 0,
        )
        for number, (stall, name, category, description, in_stock) in enumerate(_LISTINGS, 1)
    ]


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex.build(_items(), load_tables())


def names(answer: SearchAnswer) -> list[str]:
    return [group.name for group in answer.groups]


@pytest.mark.parametrize(
    ("query", "first", "also"),
    [
        ("茶", "连翘茶", {"苦荞茶", "绿茶"}),
        ("蜜", "枣花蜜", {"荆条蜜"}),
        ("香菇", "香菇", {"干香菇"}),
        ("核桃", "核桃", {"核桃仁"}),
    ],
)
def test_short_chinese_queries(index: SearchIndex, query: str, first: str, also: set[str]) -> None:
    found = names(index.search(query))
    assert found[0] == first
    assert also <= set(found[:5])


def test_a_word_as_the_head_of_a_name_comes_before_it_as_a_modifier(index: SearchIndex) -> None:
    found = names(index.search("枣"))
    assert set(found[:3]) == {"红枣", "稷山板枣", "醉枣"}
    assert found[3] == "枣花蜜"


@pytest.mark.parametrize(
    ("query", "intent", "wanted", "first"),
    [
        ("有香菇卖吗？", "find", "香菇", "香菇"),
        ("我想买点枸杞", "find", "枸杞", "枸杞"),
        ("哪儿有卖扫帚的", "find", "扫帚", "高粱笤帚"),
        ("还有柿饼没", "find", "柿饼", "柿饼"),
        ("红枣多少钱一斤", "price", "红枣", "红枣"),
        ("大娘，您这柿饼甜不甜", "find", "柿饼", "柿饼"),
        ("想买些平遥牛肉带回北京", "find", "平遥牛肉", "平遥牛肉"),
        ("有没有野生的香菇", "find", "香菇", "香菇"),
    ],
)
def test_sentences_with_filler(
    index: SearchIndex, query: str, intent: str, wanted: str, first: str
) -> None:
    answer = index.search(query)
    assert (answer.intent, answer.wanted) == (intent, wanted)
    assert names(answer)[0] == first


def test_browse_for_something_tasty(index: SearchIndex) -> None:
    answer = index.search("这儿有啥好吃的")
    assert answer.intent == "browse"
    assert answer.groups
    categories = {group.items[0].category for group in answer.groups}
    assert categories <= {"xiaochi", "ganguo"}


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("hongzao", "红枣"),
        ("xiang gu", "香菇"),
        ("hz", "红枣"),
        ("hóngzǎo", "红枣"),
        ("hong2 zao3", "红枣"),
        ("HeTao", "核桃"),
        ("dang shen", "党参"),
        ("taigubing", "太谷饼"),
    ],
)
def test_pinyin(index: SearchIndex, query: str, first: str) -> None:
    answer = index.search(query)
    assert names(answer)[0] == first
    assert answer.groups[0].match == "pinyin"


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("jujube", "红枣"),
        ("red dates", "红枣"),
        ("millet", "黄小米"),
        ("sesame oil", "小磨香油"),
        ("paper cutting", "窗花剪纸"),
        ("green tea", "绿茶"),
        ("Walnuts", "核桃"),
    ],
)
def test_english(index: SearchIndex, query: str, first: str) -> None:
    answer = index.search(query)
    assert names(answer)[0] == first
    assert answer.groups[0].match == "english"


def test_english_question_keeps_its_intent(index: SearchIndex) -> None:
    answer = index.search("How much is the honey?")
    assert answer.intent == "price"
    assert answer.wanted == "蜂蜜"
    assert {"枣花蜜", "荆条蜜"} <= set(names(answer))


@pytest.mark.parametrize(
    ("query", "expected"),
    [("棗", {"红枣", "稷山板枣", "醉枣"}), ("紅棗", {"红枣"}), ("醬", {"黄酱", "香菇酱"})],
)
def test_traditional_characters(index: SearchIndex, query: str, expected: set[str]) -> None:
    assert set(names(index.search(query))[: len(expected)]) == expected


def test_traditional_category_word(index: SearchIndex) -> None:
    found = names(index.search("雜糧"))
    assert set(found[:2]) == {"黄小米", "玉米面"}


@pytest.mark.parametrize(
    ("query", "first"), [("红早", "红枣"), ("香姑", "香菇"), ("核挑", "核桃"), ("枸记", "枸杞")]
)
def test_typos(index: SearchIndex, query: str, first: str) -> None:
    answer = index.search(query)
    assert names(answer)[0] == first
    assert answer.groups[0].match == "fuzzy"
    assert answer.wanted == first


@pytest.mark.parametrize(
    ("query", "first", "wanted"),
    [
        ("大枣", "红枣", "红枣"),
        ("马铃薯", "土豆", "土豆"),
        ("山药蛋", "土豆", "土豆"),
        ("棒子面", "玉米面", "玉米面"),
        ("扫帚", "高粱笤帚", "扫帚"),
        ("芝麻油", "小磨香油", "香油"),
    ],
)
def test_synonyms_and_local_names(index: SearchIndex, query: str, first: str, wanted: str) -> None:
    answer = index.search(query)
    assert names(answer)[0] == first
    assert answer.groups[0].match == "synonym"
    assert answer.wanted == wanted


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("粮食", {"黄小米", "玉米面", "小磨香油"}),
        ("特产", {"平遥牛肉", "红枣"}),
        ("送人的", {"平遥牛肉", "窗花剪纸"}),
    ],
)
def test_category_words(index: SearchIndex, query: str, expected: set[str]) -> None:
    answer = index.search(query)
    assert expected <= set(names(answer))
    assert all(group.match == "category" for group in answer.groups)


@pytest.mark.parametrize(
    ("query", "intent", "wanted"),
    [
        ("红枣多少钱", "price", "红枣"),
        ("黄精怎么卖", "price", "黄精"),
        ("剪纸在哪", "find", "剪纸"),
        ("哪个摊卖平遥牛肉", "find", "平遥牛肉"),
        ("柿饼什么时候有", "time", "柿饼"),
        ("where can I buy walnuts", "find", "核桃"),
    ],
)
def test_questions(index: SearchIndex, query: str, intent: str, wanted: str) -> None:
    """Where to buy goods finds them (each stall shown: ``where``)."""
    answer = index.search(query)
    assert (answer.intent, answer.wanted) == (intent, wanted)
    assert answer.where == ("哪" in query or "where" in query)


@pytest.mark.parametrize(
    "query", ["几点开门", "什么时候赶集", "下一集是哪天", "when is the market"]
)
def test_pure_time_questions(index: SearchIndex, query: str) -> None:
    answer = index.search(query)
    assert (answer.intent, answer.wanted, answer.groups) == ("time", None, ())


@pytest.mark.parametrize(
    "query",
    [
        "电池",
        "雨伞",
        "咖啡",
        "手机壳",
        "香烟",
        "啤酒",
        "电热毯",
        "白酒",
        "面包",
        "苹果手机",
        "酒",
        "有电池卖吗",
        "coffee",
        "umbrella",
        "phone case",
    ],
)
def test_nothing_sold_finds_nothing(index: SearchIndex, query: str) -> None:
    answer = index.search(query)
    assert answer.groups == ()
    assert answer.wanted


def test_unmet_wish_is_recorded_normalized(index: SearchIndex) -> None:
    assert index.search("有電池賣嗎？").wanted == "电池"
    assert index.search("Do you have coffee?").wanted == "coffee"


def test_description_matches_come_last_and_only_for_the_thing_itself(index: SearchIndex) -> None:
    answer = index.search("煲汤")
    assert names(answer) == ["猴头菇"]
    assert answer.groups[0].match == "description"
    assert index.search("咖啡色").groups == ()


def test_two_goods_in_one_question(index: SearchIndex) -> None:
    answer = index.search("红枣和核桃都要")
    assert answer.terms == ("红枣", "核桃")
    assert {"红枣", "核桃"} <= set(names(answer)[:2])
