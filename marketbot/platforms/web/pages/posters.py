"""Posters (PDF) and QR codes (PNG) as read-only downloads of the web app, for chats that cannot
carry files (on WeChat the secretary gets the link instead of the file):

* ``/poster/stall_42.pdf`` — a visible stall's poster; ``/poster/stall_42.png`` its QR code;
* ``/poster/market_1.pdf`` — a market's entrance poster (its days, next dates, hours, code);
  ``/poster/market_1.png`` its QR code;
* ``/poster/stalls.pdf`` — every approved stall's poster, one a page.

Everything on them is on the public pages already. Anything else is 404.
"""

from __future__ import annotations

import re

from marketbot.chat.context import Services
from marketbot.platforms.base import HttpRequest, HttpResponse
from marketbot.printouts.printing import NoLink, NotFound, Printer
from marketbot.storage.db import Database
from marketbot.storage.schedules import ScheduleStore
from marketbot.storage.web_reads import WebReads

__all__ = ["POSTER_ROUTE", "PosterFiles"]

POSTER_ROUTE = "/poster/{name}"
_NAME = re.compile(r"(stall|market)_([1-9][0-9]{0,11})\.(pdf|png)|stalls\.pdf")


class PosterFiles:
    """The route's handler (see module)."""

    def __init__(self, services: Services, db: Database) -> None:
        self._services = services
        self._reads = WebReads(db)
        self._schedules = ScheduleStore(db)

    async def __call__(self, request: HttpRequest) -> HttpResponse:
        name = request.path_param("name") or ""
        match = _NAME.fullmatch(name)
        if match is None:
            return HttpResponse(404, "not found")
        printer = Printer(self._services.store, self._services.links)
        png = match[3] == "png"
        try:
            if match[1] == "stall":
                if await self._reads.visible_stall(int(match[2])) is None:
                    return HttpResponse(404, "not found")
                make = printer.stall_qr if png else printer.stall_poster
                _, data = await make(int(match[2]))
            elif match[1] == "market" and png:
                _, data = await printer.market_qr(int(match[2]))
            elif match[1] == "market":
                now = self._services.clock.now()
                _, data = await printer.market_poster(int(match[2]), self._schedules, now)
            else:
                _, data = await printer.all_posters()
        except (NotFound, NoLink, ValueError):
            return HttpResponse(404, "not found")
        headers = (
            ("Content-Disposition", f'inline; filename="{name}"'),
            ("Cache-Control", "no-cache"),
            ("X-Content-Type-Options", "nosniff"),
        )
        kind = "image/png" if png else "application/pdf"
        return HttpResponse(200, body=data, content_type=kind, headers=headers)
