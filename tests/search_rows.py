"""A search index from a few listings written as ``(name, category key, in stock)`` rows, for the
search rule tests (each listing its own stall, 5 元 a 斤), with the word tables as shipped."""

from __future__ import annotations

from marketbot.search import CatalogItem, SearchIndex
from marketbot.search.tables import load_tables

TABLES = load_tables()

Row = tuple[str, str, bool]


def index_of(rows: list[Row]) -> SearchIndex:
    """The index of ``rows``, product and stall ids counted from 1."""
    items = [
        CatalogItem(pid, name, category, "", pid, f"摊{pid}", 500, "斤", stock)
        for pid, (name, category, stock) in enumerate(rows, start=1)
    ]
    return SearchIndex.build(items, TABLES)


def names(index: SearchIndex, query: str) -> list[str]:
    """The names of the product groups ``index`` answers ``query`` with, best first."""
    return [group.name for group in index.search(query).groups]
