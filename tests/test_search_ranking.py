"""Ranking, grouping and keeping the search index current (marketbot.search)."""

from __future__ import annotations

import pytest

from marketbot.search import CatalogItem, SearchIndex, SearchTables, load_tables


@pytest.fixture(scope="module")
def tables() -> SearchTables:
    return load_tables()


def item(
    product_id: int,
    name: str,
    stall_id: int,
    *,
    description: str = "",
    price_fen: int = 1000,
    in_stock: bool = True,
    coming: bool = False,
    category: str = "ganguo",
) -> CatalogItem:
    return CatalogItem(
        product_id=product_id,
        name=name,
        category=category,
        description=description,
        stall_id=stall_id,
        stall_name=f"摊位{stall_id}",
        price_fen=price_fen,
        unit="斤",
        in_stock=in_stock,
        coming=coming,
    )


def test_exact_name_then_name_contains_then_description(tables: SearchTables) -> None:
    index = SearchIndex.build(
        [
            item(1, "核桃糕", 1, coming=True),
            item(2, "山核桃", 2, coming=True),
            item(3, "枣夹核桃仁", 3, coming=True),
            item(4, "核桃", 4),
            item(5, "花生", 5, description="本地核桃一样香", coming=True),
        ],
        tables,
    )
    answer = index.search("核桃")
    assert [group.name for group in answer.groups] == [
        "核桃",
        "山核桃",
        "核桃糕",
        "枣夹核桃仁",
        "花生",
    ]
    assert [group.match for group in answer.groups] == [
        "exact",
        "name",
        "name",
        "name",
        "description",
    ]


def test_in_stock_first_then_coming_then_more_stalls(tables: SearchTables) -> None:
    index = SearchIndex.build(
        [
            item(1, "稷山红枣", 1, in_stock=False, coming=True),
            item(2, "骏枣红枣", 2, coming=False),
            item(3, "灰枣红枣", 3, coming=True),
            item(4, "壶瓶红枣", 4, coming=True),
            item(5, "壶瓶红枣", 5, coming=False),
        ],
        tables,
    )
    found = [group.name for group in index.search("红枣").groups]
    assert found == ["壶瓶红枣", "灰枣红枣", "骏枣红枣", "稷山红枣"]


def test_one_line_per_product_with_its_stall_count(tables: SearchTables) -> None:
    listings = [item(n, "柿饼", stall_id=n % 7, price_fen=2000 + n) for n in range(1, 50)]
    listings.append(item(99, "柿 饼", stall_id=3, price_fen=1500, in_stock=False))
    index = SearchIndex.build(listings, tables)
    (group,) = index.search("柿饼").groups
    assert group.stall_count == 7
    assert len(group.items) == 50
    assert group.items[0].price_fen == 2001
    assert group.items[-1].product_id == 99


def test_items_in_a_group_best_first(tables: SearchTables) -> None:
    index = SearchIndex.build(
        [
            item(1, "蜂蜜", 1, in_stock=False, price_fen=100),
            item(2, "蜂蜜", 2, price_fen=5000),
            item(3, "蜂蜜", 3, price_fen=4000, coming=True),
            item(4, "蜂蜜", 4, price_fen=3000),
        ],
        tables,
    )
    (group,) = index.search("蜂蜜").groups
    assert [listing.product_id for listing in group.items] == [3, 4, 2, 1]


def test_limit_is_respected(tables: SearchTables) -> None:
    index = SearchIndex.build([item(n, f"红枣{n}号", n) for n in range(1, 40)], tables)
    assert len(index.search("枣", limit=5).groups) == 5
    assert len(index.search("枣").groups) == 10


def test_add_update_and_remove(tables: SearchTables) -> None:
    index = SearchIndex.build([item(1, "香菇", 1), item(2, "木耳", 2)], tables)
    assert len(index) == 2
    index.add(item(3, "香菇", 3))
    assert index.search("香菇").groups[0].stall_count == 2
    index.add(item(3, "花菇", 3))  # the listing was renamed
    assert index.search("香菇").groups[0].stall_count == 1
    found = index.search("花菇").groups
    assert found[0].name == "花菇"
    assert [group.match for group in found[1:]] == ["related"]  # 香菇, a mushroom too
    assert index.remove(1)
    assert not index.remove(1)
    assert index.search("香菇").groups == ()
    index.add(item(4, "香菇", 4, description="椴木的"))
    assert index.search("椴木").groups[0].items[0].product_id == 4
    assert len(index) == 3


def test_browsing_shows_the_best_listed_goods(tables: SearchTables) -> None:
    index = SearchIndex.build(
        [item(1, "小米", 1, in_stock=False), item(2, "黄米", 2), item(3, "核桃", 3, coming=True)],
        tables,
    )
    answer = index.search("你们这儿都卖些啥")
    assert answer.intent == "browse"
    assert answer.wanted is None
    assert [group.name for group in answer.groups] == ["核桃", "黄米", "小米"]


def test_a_word_across_two_known_words_is_not_a_match(tables: SearchTables) -> None:
    index = SearchIndex.build([item(1, "五香烟熏豆腐干", 1)], tables)
    assert index.search("香烟").groups == ()
    assert index.search("豆腐干").groups[0].name == "五香烟熏豆腐干"


def test_empty_catalogue_and_empty_query(tables: SearchTables) -> None:
    index = SearchIndex.build([], tables)
    assert index.search("红枣").groups == ()
    blank = index.search("   ")
    assert (blank.intent, blank.wanted, blank.groups) == ("chitchat", None, ())
