"""Product search for visitors: short words, sentences, pinyin, English, typos and synonyms.

Usage::

    from marketbot.search import CatalogItem, SearchIndex, load_tables

    index = SearchIndex.build(items, load_tables([Path("search-tables")]))
    answer = index.search("有香菇卖吗？")
    answer.intent, answer.wish, [group.name for group in answer.groups]
    detect_intent("集市在哪", tables)  # Detected("place") — no search needed

See docs/search.md for how queries are read and ranked and how to extend the word tables.
"""

from marketbot.search.engine import SearchIndex
from marketbot.search.intents import Detected, detect_intent
from marketbot.search.model import (
    CATEGORIES,
    CatalogItem,
    Intent,
    Match,
    ProductGroup,
    SearchAnswer,
    UnitOffer,
)
from marketbot.search.tables import SearchTables, TableError, add_entry, load_tables

__all__ = [
    "CATEGORIES",
    "CatalogItem",
    "Detected",
    "Intent",
    "Match",
    "ProductGroup",
    "SearchAnswer",
    "SearchIndex",
    "SearchTables",
    "TableError",
    "UnitOffer",
    "add_entry",
    "detect_intent",
    "load_tables",
]
