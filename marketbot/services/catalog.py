"""What is on sale, searchable: one in-memory search index per market, updated in place when
listings change, and the demand log (what visitors asked for and whether anyone sells it).

An index is built once, in a worker thread (a county's 100,000 listings take seconds, which must
not hold the event loop), the first time its market is searched, or before that by
:meth:`Catalog.warm`, which :func:`marketbot.app.serve` starts beside the platforms: the bot
answers at once, the most-used markets' indexes are built first, and a search for a market not
built yet waits for that one market's build (tens of milliseconds once the word tables are
loaded, about a second after a start), never answering from a missing index as if nothing were
sold. From then on every change is applied in place: the triggers of migration 0014 record each
product, stall, attendance and market-day change in ``catalog_changes``, whichever process made
it, and before a search (after this process committed a change, or when :meth:`Database.watch`
saw another process commit) the changes after the last one applied are read with the listings
they touch and added to, replaced in or removed from each index. Only when changes were pruned
before they were read is everything rebuilt — in a worker thread again, the old index serving
meanwhile (:meth:`Catalog.rebuild_all`). An index keeps the answers it gave until it changes
(a price too): the same question again costs no search.

The log keeps no personal data: the time, the market, the normalized thing asked for, the kind of
question and the number of product lines found. :meth:`Catalog.demand` summarizes a week of it.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from marketbot.domain.model import Market, Product, Stall
from marketbot.domain.schedule import market_today, upcoming
from marketbot.search import CatalogItem, SearchAnswer, SearchIndex, SearchTables, load_tables
from marketbot.search.dictionary import dictionary
from marketbot.storage.categories import CategoryStore
from marketbot.storage.market_data import CatalogChanges, Storage, listing_of_row
from marketbot.storage.reminders import ReminderStore
from marketbot.storage.schedules import ScheduleStore

__all__ = ["Catalog", "Demand", "Wanted", "catalog_item"]

logger = logging.getLogger(__name__)

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


def catalog_item(product: Product, stall: Stall, coming: Iterable[int]) -> CatalogItem:
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


_ANSWERS_KEPT = 512
"""Answers an index keeps until it changes (a market's visitors ask the same few things)."""


@dataclass(eq=False)
class _Entry:
    """One market's index (``market_id`` None: every market), with its listings by product and
    by stall, the market day its "coming" flags are about, and the answers it gave since it
    last changed (every change goes through here, and empties them)."""

    market_id: int | None
    day: date | None
    coming: frozenset[int]
    index: SearchIndex
    categories: tuple[tuple[str, str, str], ...] = ()
    """The market's own categories its word tables hold (key, Chinese and English name)."""
    items: dict[int, CatalogItem] = field(default_factory=dict)
    by_stall: dict[int, set[int]] = field(default_factory=dict)
    answers: dict[tuple[str, int], SearchAnswer] = field(default_factory=dict)

    def search(self, query: str, limit: int) -> SearchAnswer:
        """The index's answer, computed once until the index changes."""
        key = (query, limit)
        answer = self.answers.get(key)
        if answer is None:
            if len(self.answers) >= _ANSWERS_KEPT:
                self.answers.clear()
            answer = self.answers[key] = self.index.search(query, limit)
        return answer

    def put(self, product: Product, stall: Stall) -> None:
        self.drop(product.id)
        self.answers.clear()
        item = catalog_item(product, stall, self.coming)
        self.index.add(item)
        self.items[product.id] = item
        self.by_stall.setdefault(stall.id, set()).add(product.id)

    def drop(self, product_id: int) -> None:
        item = self.items.pop(product_id, None)
        if item is not None:
            self.answers.clear()
            self.index.remove(product_id)
            self.by_stall.get(item.stall_id, set()).discard(product_id)

    def takes(self, stall: Stall) -> bool:
        return self.market_id is None or stall.market_id == self.market_id

    def recome(self, day: date | None, coming: frozenset[int]) -> None:
        """Another market day, or other stalls coming: flip the listings whose flag changed."""
        self.answers.clear()
        for stall_id in self.coming ^ coming:
            for product_id in self.by_stall.get(stall_id, ()):
                item = replace(self.items[product_id], coming=stall_id in coming)
                self.index.add(item)
                self.items[product_id] = item
        self.day, self.coming = day, coming


def _built(
    market_id: int | None,
    box: list[Sequence[object]],
    day: date | None,
    coming: frozenset[int],
    tables: SearchTables,
    categories: tuple[tuple[str, str, str], ...],
) -> _Entry:
    """An index of the listing rows in ``box`` with ``tables`` and the market's own
    ``categories`` as words; runs in a worker thread, which also frees the rows (freeing
    100,000 rows is tens of milliseconds the event loop need not spend)."""
    rows = box.pop()
    index = SearchIndex(tables.with_categories(categories))
    entry = _Entry(market_id, day, coming, index, categories)
    for row in rows:
        product, stall = listing_of_row(row)  # type: ignore[arg-type]
        item = catalog_item(product, stall, coming)
        entry.index.add(item)
        entry.items[product.id] = item
        entry.by_stall.setdefault(stall.id, set()).add(product.id)
    entry.index.prepare()
    return entry


_PAUSES = [0]
"""Builds running, then the switch interval (µs) to restore when the last ends."""
_BUILD_SWITCH = 0.0005


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No automatic garbage collection while an index is built, and what it made moved to the
    collector's permanent generation afterwards.

    A build makes millions of objects; each full collection walks them all holding the
    interpreter lock (~150–250 ms of the event loop at 100,000 listings), from whichever thread
    triggers it. The index lives as long as the process, so after the build it is frozen out of
    the collector's sight; reference counting still frees an index replaced later.

    Meanwhile the interpreter switches threads every 0.5 ms rather than 5: the event loop's
    thread gives the interpreter lock up at every SQLite call and would otherwise wait up to
    5 ms for the building thread each time it takes it back."""
    _PAUSES[0] += 1
    if _PAUSES[0] == 1:
        _PAUSES.append(int(sys.getswitchinterval() * 1_000_000))
        sys.setswitchinterval(_BUILD_SWITCH)
    gc.disable()
    try:
        yield
    finally:
        _PAUSES[0] -= 1
        if _PAUSES[0] == 0:
            gc.freeze()
            gc.enable()
            sys.setswitchinterval(_PAUSES.pop() / 1_000_000)


class Catalog:
    """Search over visible listings, per market (``None``: every market, for the CLI)."""

    def __init__(self, store: Storage, tables: SearchTables) -> None:
        self.store = store
        self.tables = tables
        self._entries: dict[int | None, _Entry] = {}
        self._building: dict[int | None, asyncio.Task[_Entry]] = {}
        self._mark: int | None = None
        """The last change applied to the indexes (None: no index yet)."""
        self._version = -1
        """``Database.catalog_version`` when the changes were last read."""
        self._sync_lock = asyncio.Lock()
        self._rebuilding: asyncio.Task[None] | None = None
        self._warming: asyncio.Task[None] | None = None
        self._slot = asyncio.Lock()
        """One build at a time, in the order asked: a search's own build goes before the next
        market warming would build (and the word tables are loaded once, by the first)."""
        self._coming: dict[int, tuple[tuple[date, bool], date | None, frozenset[int]]] = {}
        store.db.on_external_change(self.refresh)

    @classmethod
    def with_tables(cls, store: Storage, folder: str) -> Catalog:
        """The built-in word tables plus the secretary's files in ``folder`` (if it exists)."""
        extra = [Path(folder)] if folder and Path(folder).exists() else []
        return cls(store, load_tables(extra))

    async def _added(self, market_id: int | None) -> tuple[tuple[str, str, str], ...]:
        """The categories market ``market_id`` added (every market's for ``None``)."""
        store = CategoryStore(self.store.db)
        if market_id is None:
            added = [c for found in (await store.every_added()).values() for c in found]
        else:
            added = await store.added(market_id)
        return tuple((c.key, c.zh, c.en) for c in added)

    async def _coming_to(
        self, market: Market | None, now: datetime
    ) -> tuple[date | None, frozenset[int]]:
        """The market day in progress or next (today's once it has closed no longer counts), and
        the stalls that said they come to it; remembered until a stall or the market's days
        change, or the day or closing time passes."""
        if market is None:
            return None, frozenset()
        local = now.astimezone(ZoneInfo(market.timezone))
        moment = (market_today(now, market.timezone), local.strftime("%H:%M") >= market.closes)
        cached = self._coming.get(market.id)
        if cached is not None and cached[0] == moment:
            return cached[1], cached[2]
        day, coming = await self._read_coming(market, *moment)
        self._coming[market.id] = (moment, day, coming)
        return day, coming

    async def _read_coming(
        self, market: Market, today: date, closed: bool
    ) -> tuple[date | None, frozenset[int]]:
        schedules = ScheduleStore(self.store.db)
        schedule = await schedules.get(market.id)
        if schedule is None:
            return None, frozenset()
        changes = await schedules.changes(market.id, since=today)
        held = sorted(
            d
            for d in (u.held_on for u in upcoming(schedule, changes, today, _NEXT_DAYS))
            if d is not None and not (d == today and closed)
        )
        if not held:
            return None, frozenset()
        return held[0], frozenset(await ReminderStore(self.store.db).coming_stall_ids(held[0]))

    async def index(self, market: Market | None, now: datetime) -> SearchIndex:
        """The market's index (every market's: ``None``), current with every committed change."""
        return (await self._entry(market, now)).index

    async def _entry(self, market: Market | None, now: datetime) -> _Entry:
        key = market.id if market else None
        await self.refresh()
        entry = self._entries.get(key)
        if entry is None:
            entry = await self._build(market, now)
        day, coming = await self._coming_to(market, now)
        if entry.day != day or entry.coming != coming:
            entry.recome(day, coming)
        return entry

    async def _build(self, market: Market | None, now: datetime) -> _Entry:
        """The first index of a market, built in a worker thread (once, however many ask)."""
        key = market.id if market else None
        task = self._building.get(key)
        if task is None:
            task = asyncio.create_task(self._replace(market, now))
            self._building[key] = task
            task.add_done_callback(lambda _: self._building.pop(key, None))
        return await asyncio.shield(task)

    def warm(self, markets: Sequence[Market], now: datetime) -> None:
        """Start building the indexes of ``markets`` not built yet, one after another in the
        order given (the most used first), each in a worker thread; a search meanwhile builds
        its own market's at once, or waits for the build under way (:meth:`index`)."""
        self._warming = asyncio.create_task(self._warm(list(markets), now), name="search-warm")

    async def _warm(self, markets: list[Market], now: datetime) -> None:
        for market in markets:
            if market.id in self._entries:
                continue
            try:
                await self._build(market, now)
            except Exception:  # that market is built when it is searched, or fails then
                logger.exception("building the search index of market %s failed", market.id)
        # the English questions' word index, so that the first of them does not wait for it
        await asyncio.to_thread(dictionary().index_words)

    async def warmed(self) -> None:
        """Wait until :meth:`warm` has built every index it was given."""
        if self._warming is not None:
            await asyncio.shield(self._warming)

    async def stop(self) -> None:
        """Stop warming and the builds under way (the bot is stopping)."""
        tasks: list[asyncio.Task[object]] = [*self._building.values()]
        tasks += [t for t in (self._warming, self._rebuilding) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._warming = self._rebuilding = None

    async def _replace(self, market: Market | None, now: datetime) -> _Entry:
        """A new index of the market from the database, built in a worker thread, brought up
        to date with the changes committed meanwhile and put in place of the old one."""
        key = market.id if market else None
        async with self._slot:
            mark = await self.store.catalog_mark()
            rows = await self.store.visible_listings_rows(key)
            day, coming = await self._coming_to(market, now)
            categories = await self._added(key)
            box: list[Sequence[object]] = [rows]
            del rows
            with _collector_paused():
                entry = await asyncio.to_thread(
                    _built, key, box, day, coming, self.tables, categories
                )
        async with self._sync_lock:
            version = self.store.db.catalog_version
            changes = await self.store.catalog_changes(mark)
            await self._apply(changes, [entry])
            if self._mark is not None and self._mark < changes.mark:
                behind = await self.store.catalog_changes(self._mark)
                await self._apply(behind, list(self._entries.values()))
            old = [self._entries.pop(key, None)]
            self._entries[key] = entry
            self._mark = changes.mark
            self._version = version
        await asyncio.to_thread(old.clear)  # an old index is freed off the event loop
        return entry

    async def refresh(self) -> None:
        """Apply the catalogue changes committed since the last look (by any process)."""
        if self._mark is None or self.store.db.catalog_version == self._version:
            return
        async with self._sync_lock:
            version = self.store.db.catalog_version
            if version == self._version or self._mark is None:
                return
            changes = await self.store.catalog_changes(self._mark)
            self._version = version
            if not changes.complete:
                logger.warning("catalogue changes were pruned before they were read: rebuilding")
                if self._rebuilding is None or self._rebuilding.done():
                    self._rebuilding = asyncio.create_task(self.rebuild_all())
                return
            await self._apply(changes, list(self._entries.values()))
            self._mark = changes.mark
            renamed = await self._recategorised(changes.markets)
        for key in renamed:  # a market's own categories changed: its words, so a new index
            await self._build_anew(key)

    async def _apply(self, changes: CatalogChanges, entries: list[_Entry]) -> None:
        if changes.stalls or changes.markets:
            self._coming.clear()  # who comes, or when the next market day is, may differ
        if not changes.products and not changes.stalls:
            return
        listings = await self.store.listings_of(sorted(changes.products), sorted(changes.stalls))
        for entry in entries:
            with entry.index.changes():  # a price changed: the answers computed stay
                for stall_id in changes.stalls:
                    for product_id in list(entry.by_stall.get(stall_id, ())):
                        entry.drop(product_id)
                for product_id in changes.products:
                    entry.drop(product_id)
                for product, stall in listings:
                    if entry.takes(stall):
                        entry.put(product, stall)

    async def _recategorised(self, markets: frozenset[int]) -> list[int | None]:
        """The indexes (by market; None: every market's) of ``markets`` whose market's own
        categories are no longer those the index was built with."""
        if not markets:
            return []
        return [
            key
            for key, entry in list(self._entries.items())
            if (key is None or key in markets) and await self._added(key) != entry.categories
        ]

    async def _build_anew(self, key: int | None) -> None:
        """Replace the index of market ``key`` by a new build (the old one serves meanwhile)."""
        market = None if key is None else await self.store.get_market(key)
        if key is None or market is not None:
            await self._replace(market, datetime.now(UTC))

    async def rebuild_all(self) -> None:
        """Build every index anew, each in a worker thread; the old ones serve until the new
        one is ready (after a restart that missed changes, or to measure it)."""
        markets = {m.id: m for m in await self.store.markets()}
        now = datetime.now(UTC)
        for key in list(self._entries):
            if key is None:
                await self._replace(None, now)
            elif key in markets:
                await self._replace(markets[key], now)

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
        answer = (await self._entry(market, now)).search(query, limit)
        if log:
            await self.log_wish(market, answer, now, len(answer.groups))
        return answer

    async def log_wish(
        self, market: Market | None, answer: SearchAnswer, now: datetime, found: int
    ) -> None:
        """Log the product wish of an answer (if it is one) with how many answers it had."""
        if answer.wish:
            await self.store.log_search(
                at=now.astimezone(UTC).replace(minute=0, second=0, microsecond=0),
                market_id=market.id if market else None,
                wanted=private(answer.wish),
                intent=answer.intent,
                results=found,
            )

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
