"""Turning stored stalls and markets into QR codes and posters (used by the CLI and the chat).

Deep links need the bot's username: from ``[telegram] username``, or from Telegram itself when
the bot runs (the Telegram adapter fills it in).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

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
from marketbot.printouts.qr import deep_link, qr_png, start_payload
from marketbot.storage.market_data import Storage
from marketbot.storage.schedules import ScheduleStore

__all__ = ["NotFound", "Printer"]


class NotFound(LookupError):
    """No stall or market with that id."""


@dataclass(slots=True)
class Printer:
    store: Storage
    bot_username: str

    def link(self, kind: str, ident: int) -> str:
        if not self.bot_username:
            raise ValueError(
                "the bot's username is not known: set [telegram] username in the config "
                "(or pass --username)"
            )
        return deep_link(
            self.bot_username, start_payload("stall" if kind == "stall" else "market", ident)
        )

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
        return stall, qr_png(self.link("stall", stall.id), stall.name, f"@{self.bot_username}")

    async def market_qr(self, market_id: int) -> tuple[Market, bytes]:
        market = await self._market(market_id)
        return market, qr_png(self.link("market", market.id), market.name, f"@{self.bot_username}")

    async def _poster_stall(self, stall: Stall) -> PosterStall:
        products = [
            PosterProduct(p.name, p.price_fen, p.unit)
            for p in await self.store.products_of_stall(stall.id)
            if p.in_stock
        ]
        return PosterStall(
            stall.name, stall.vendor_name, stall.village, products, self.link("stall", stall.id)
        )

    async def stall_poster(self, stall_id: int) -> tuple[Stall, bytes]:
        stall = await self._stall(stall_id)
        return stall, stalls_pdf([await self._poster_stall(stall)])

    async def all_posters(self) -> tuple[int, bytes]:
        """One page per approved stall; ValueError when there is none."""
        stalls, _ = await self.store.stalls(statuses=[StallStatus.APPROVED])
        pages = [await self._poster_stall(s) for s in stalls]
        return len(pages), stalls_pdf(pages)

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
        )
        return market, market_pdf(poster)
