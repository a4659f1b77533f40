"""Turning stored stalls and markets into QR codes and posters (used by the CLI and the chat).

The link a code opens is the best one the configured platforms can make
(:meth:`marketbot.services.links.Links.best`); it is printed as text under the code too.

Drawing a code or a poster is CPU work (a poster of every stall takes seconds): it runs in a
worker thread, so a chat turn asking for one never holds up the event loop; one drawing at a time
(:data:`_DRAWING`), as the font and image libraries keep shared caches.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import ParamSpec, TypeVar

from marketbot.calendar import format_market_day
from marketbot.domain.model import Market, Stall, StallStatus
from marketbot.domain.schedule import market_today, upcoming
from marketbot.printouts.posters import (
    MAX_MARKET_DAYS,
    PosterMarket,
    PosterProduct,
    PosterStall,
    market_pdf,
    stalls_pdf,
)
from marketbot.printouts.qr import qr_png
from marketbot.services.links import EntryKind, Links
from marketbot.storage.market_data import Storage
from marketbot.storage.photos import PhotoStore
from marketbot.storage.schedules import ScheduleStore

__all__ = ["NoLink", "NotFound", "Printer"]

_P = ParamSpec("_P")
_T = TypeVar("_T")
_DRAWING = threading.Lock()
"""Held while a worker thread draws."""


def _locked(draw: Callable[[], _T]) -> _T:
    with _DRAWING:
        return draw()


async def _drawn(draw: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs) -> _T:
    """``draw(*args)`` in a worker thread, the event loop running meanwhile."""
    return await asyncio.to_thread(_locked, functools.partial(draw, *args, **kwargs))


class NotFound(LookupError):
    """No stall or market with that id."""


class NoLink(LookupError):
    """No configured platform can make a link yet (no web address, no bot username)."""


def _shown(url: str) -> str:
    """A link as printed under its code: without the scheme."""
    return url.removeprefix("https://").removeprefix("http://")


@dataclass(slots=True)
class Printer:
    store: Storage
    links: Links

    def link(self, kind: EntryKind, ident: int) -> str:
        url = self.links.best(kind, ident)
        if url is None:
            raise NoLink(
                "no platform can make a link yet: set [web] public_url or [telegram] username "
                "in the config (or pass --username)"
            )
        return url

    async def _stall(self, stall_id: int) -> Stall:
        stall = await self.store.get_stall(stall_id)
        if stall is None:
            raise NotFound(f"there is no stall with id {stall_id}")
        return stall

    async def _market(self, market_id: int) -> Market:
        market = await self.store.get_market(market_id)
        if market is None:
            raise NotFound(f"there is no market with id {market_id}")
        return market

    async def stall_qr(self, stall_id: int) -> tuple[Stall, bytes]:
        stall = await self._stall(stall_id)
        link = self.link("stall", stall.id)
        return stall, await _drawn(qr_png, link, stall.name, _shown(link))

    async def market_qr(self, market_id: int) -> tuple[Market, bytes]:
        market = await self._market(market_id)
        link = self.link("market", market.id)
        return market, await _drawn(qr_png, link, market.name, _shown(link))

    async def _poster_stall(self, stall: Stall) -> PosterStall:
        photos = PhotoStore(self.store.db)
        products = [
            PosterProduct(
                p.name,
                p.price_fen,
                p.unit,
                await photos.data(p.photo_id) if p.photo_id is not None else None,
                p.price_max_fen,
                p.price_note,
            )
            for p in await self.store.products_of_stall(stall.id)
            if p.in_stock
        ]
        market = await self.store.get_market(stall.market_id)
        schedule = await ScheduleStore(self.store.db).get(stall.market_id)
        where = " ".join(
            part
            for part in (market.name if market else "", schedule.phrase if schedule else "")
            if part
        )
        return PosterStall(
            stall.name,
            stall.vendor_name,
            stall.village,
            products,
            self.link("stall", stall.id),
            market=where,
            phone=stall.phone if stall.phone and stall.show_phone else "",
        )

    async def stall_poster(self, stall_id: int) -> tuple[Stall, bytes]:
        stall = await self._stall(stall_id)
        return stall, await _drawn(stalls_pdf, [await self._poster_stall(stall)])

    async def all_posters(self) -> tuple[int, bytes]:
        """One page per approved stall; ValueError when there is none."""
        stalls, _ = await self.store.stalls(statuses=[StallStatus.APPROVED])
        pages = [await self._poster_stall(s) for s in stalls]
        return len(pages), await _drawn(stalls_pdf, pages)

    async def market_poster(
        self, market_id: int, schedules: ScheduleStore, now: datetime
    ) -> tuple[Market, bytes]:
        """The entrance poster, with the next market days (and lunar dates) when scheduled."""
        market = await self._market(market_id)
        next_days: list[str] = []
        schedule = await schedules.get(market.id)
        if schedule is not None:
            today = market_today(now, market.timezone)
            changes = await schedules.changes(market.id, since=today)
            held = [u.held_on for u in upcoming(schedule, changes, today, MAX_MARKET_DAYS)]
            next_days = [format_market_day(d, "zh") for d in sorted(d for d in held if d)]
        poster = PosterMarket(
            market.name,
            market.place,
            f"{market.opens}–{market.closes}",
            next_days[:MAX_MARKET_DAYS],
            self.link("market", market.id),
            schedule.phrase if schedule is not None else "",
        )
        return market, await _drawn(market_pdf, poster)
