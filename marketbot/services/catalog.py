"""What is on sale, searchable: one in-memory search index per market, rebuilt when listings
change, and the demand log (what visitors asked for and whether anyone sells it).

The log keeps no personal data: the time, the market, the normalized thing asked for, the kind of
question and the number of product lines found. :meth:`Catalog.demand` summarizes a week of it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from marketbot.domain.model import Market, Product, Stall
from marketbot.domain.schedule import market_today, upcoming
from marketbot.search import CatalogItem, SearchAnswer, SearchIndex, SearchTables, load_tables
from marketbot.storage.categories import CategoryStore
from marketbot.storage.market_data import Storage
from marketbot.storage.reminders import ReminderStore
from marketbot.storage.schedules import ScheduleStore

__all__ = ["Catalog", "Demand", "Wanted", "catalog_item"]

_NEXT_DAYS = 3


@dataclass(frozen=True, slots=True)
class Wanted:
    term: str
    searches: int
    found: bool
    """Whether the latest of these searches found something."""


@dataclass(frozen=True, slots=True)
class Demand:
    since: datetime
    searches: int
    top: list[Wanted]
    unmet: list[Wanted]


def catalog_item(product: Product, stall: Stall, coming: set[int]) -> CatalogItem:
    return CatalogItem(
        product_id=product.id,
        name=product.name,
        category=product.category,
        description=product.description,
        stall_id=stall.id,
        stall_name=stall.name,
        price_fen=product.price_fen,
        unit=product.unit,
        in_stock=product.in_stock,
        coming=stall.id in coming,
        price_max_fen=product.price_max_fen,
        price_note=product.price_note,
    )


_DIGITS = re.compile(r"[0-9０-９]{5,}[0-9０-９xX]?")


def private(wish: str) -> str:
    """A wish as it may be kept: runs of five or more digits (a phone number, an ID number, a
    bank card) replaced by ``#``."""
    return _DIGITS.sub("#", wish)


class Catalog:
    """Search over visible listings, per market (``None``: every market, for the CLI)."""

    def __init__(self, store: Storage, tables: SearchTables) -> None:
        self.store = store
        self.tables = tables
        self._indexes: dict[int | None, tuple[int, date | None, SearchIndex]] = {}

    @classmethod
    def with_tables(cls, store: Storage, folder: str) -> Catalog:
        """The built-in word tables plus the secretary's files in ``folder`` (if it exists)."""
        extra = [Path(folder)] if folder and Path(folder).exists() else []
        return cls(store, load_tables(extra))

    async def market_tables(self, market_id: int | None) -> SearchTables:
        """The word tables with the categories market ``market_id`` added (every market's
        for ``None``): a visitor typing such a category's name gets its goods."""
        store = CategoryStore(self.store.db)
        if market_id is None:
            added = [c for found in (await store.every_added()).values() for c in found]
        else:
            added = await store.added(market_id)
        return self.tables.with_categories((c.key, c.zh, c.en) for c in added)

    async def _coming(self, market: Market | None, now: datetime) -> tuple[date | None, set[int]]:
        """The market day in progress or next (today's once it has closed no longer counts), and
        the stalls that said they come to it."""
        if market is None:
            return None, set()
        schedules = ScheduleStore(self.store.db)
        schedule = await schedules.get(market.id)
        if schedule is None:
            return None, set()
        today = market_today(now, market.timezone)
        changes = await schedules.changes(market.id, since=today)
        closed = now.astimezone(ZoneInfo(market.timezone)).strftime("%H:%M") >= market.closes
        held = sorted(
            d
            for d in (u.held_on for u in upcoming(schedule, changes, today, _NEXT_DAYS))
            if d is not None and not (d == today and closed)
        )
        if not held:
            return None, set()
        return held[0], set(await ReminderStore(self.store.db).coming_stall_ids(held[0]))

    async def index(self, market: Market | None, now: datetime) -> SearchIndex:
        key = market.id if market else None
        day, coming = await self._coming(market, now)
        cached = self._indexes.get(key)
        version = self.store.db.catalog_version
        if cached is not None and cached[0] == version and cached[1] == day:
            return cached[2]
        listings = await self.store.visible_listings(key)
        tables = await self.market_tables(key)
        index = SearchIndex.build((catalog_item(p, s, coming) for p, s in listings), tables)
        self._indexes[key] = (version, day, index)
        return index

    async def search(
        self,
        market: Market | None,
        query: str,
        now: datetime,
        *,
        limit: int = 10,
        log: bool = True,
    ) -> SearchAnswer:
        """Search, and log the product wish (no personal data: digit runs such as phone or ID
        numbers masked, the time kept to the hour only)."""
        answer = (await self.index(market, now)).search(query, limit)
        if log and answer.wish:
            await self.store.log_search(
                at=now.astimezone(UTC).replace(minute=0, second=0, microsecond=0),
                market_id=market.id if market else None,
                wanted=private(answer.wish),
                intent=answer.intent,
                results=len(answer.groups),
            )
        return answer

    async def demand(self, now: datetime, *, days: int = 7, top: int = 10) -> Demand:
        """The most-searched goods of the last ``days`` days, and those nobody sells."""
        since = now - timedelta(days=days)
        rows = await self.store.searches_since(since)
        counts: Counter[str] = Counter()
        last_found: dict[str, bool] = {}
        for wanted, results in rows:
            counts[wanted] += 1
            last_found[wanted] = results > 0
        ranked = [Wanted(term, n, last_found[term]) for term, n in counts.most_common()]
        return Demand(
            since=since,
            searches=sum(counts.values()),
            top=ranked[:top],
            unmet=[w for w in ranked if not w.found][:top],
        )
