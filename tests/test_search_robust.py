"""Whatever a visitor types, the search answers without raising (marketbot.search)."""

from __future__ import annotations

from typing import get_args

from hypothesis import given, settings
from hypothesis import strategies as st

from marketbot.search import CatalogItem, Intent, SearchIndex, load_tables

_INDEX = SearchIndex.build(
    [
        CatalogItem(1, "红枣", "ganguo", "本地红枣", 1, "张家", 1000, "斤", True),
        CatalogItem(2, "香菇酱", "tiaowei", "香菇丁炒的", 2, "韩家", 1800, "瓶", True, True),
        CatalogItem(3, "五香烟熏豆腐干", "xiaochi", "烟熏的", 3, "耿家", 1600, "斤", False),
        CatalogItem(4, "Honey 蜂蜜（500g）", "fengchanpin", "", 4, "老赵", 5000, "瓶", True),
    ],
    load_tables(),
)

_WEAK = ("related", "description")
_CHINESE = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
_TEXT = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=_CHINESE, max_size=20),
    st.text(
        alphabet=st.sampled_from("红枣香菇有吗多少钱在哪几点的 hongzaxg12ǎü，？!"), max_size=30
    ),
)


@settings(max_examples=300, deadline=None)
@given(query=_TEXT, limit=st.integers(min_value=1, max_value=12))
def test_any_text_gets_an_answer(query: str, limit: int) -> None:
    answer = _INDEX.search(query, limit=limit)
    assert answer.query == query
    assert answer.intent in get_args(Intent)
    assert len(answer.groups) <= limit
    assert answer.wish == answer.wanted
    assert answer.wish is None or answer.intent in ("find", "price", "place", "time")
    # in stock first among the names found for the words asked; goods only related to them or
    # described with them come after, the closest kin first
    named = [group.in_stock for group in answer.groups if group.match not in _WEAK]
    assert named == sorted(named, reverse=True)
    weak = [group.match in _WEAK for group in answer.groups]
    assert weak == sorted(weak)
    assert len({group.name for group in answer.groups}) == len(answer.groups)
    assert all(group.items and group.stall_count >= 1 for group in answer.groups)
    assert answer.wanted is None or answer.wanted.strip()


def test_very_long_and_odd_queries() -> None:
    for query in ["红枣" * 500, "\x00\n\t", "🍎🍎", "ＨＯＮＧＺＡＯ", "a" * 1000, "、、、"]:
        _INDEX.search(query)
    assert _INDEX.search("ＨＯＮＧＺＡＯ").groups[0].name == "红枣"
