"""Product search for visitors: short words, sentences, pinyin, English, typos and synonyms.

Usage::

    from marketbot.search import CatalogItem, SearchIndex, load_tables

    index = SearchIndex.build(items, load_tables([Path("search-tables")]))
    answer = index.search("有香菇卖吗？")
    answer.intent, answer.wanted, [group.name for group in answer.groups]

See docs/search.md for how queries are read and ranked and how to extend the word tables.
"""

from marketbot.search.engine import SearchIndex
from marketbot.search.model import (
    CATEGORIES,
    CatalogItem,
    Intent,
    Match,
    ProductGroup,
    SearchAnswer,
)
from marketbot.search.tables import SearchTables, TableError, add_entry, load_tables

__all__ = [
    "CATEGORIES",
    "CatalogItem",
    "Intent",
    "Match",
    "ProductGroup",
    "SearchAnswer",
    "SearchIndex",
    "SearchTables",
    "TableError",
    "add_entry",
    "load_tables",
]
