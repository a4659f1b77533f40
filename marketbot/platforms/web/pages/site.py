"""The market's web pages, served by the one web app when ``[web] public_url`` is set.

Routes (all GET, read-only; HEAD too)::

    /                          every market
    /market/<id>               the market: place, hours, next days, categories, stalls
    /market/<id>/search?q=…    the chat's product search (Catalog.search, wishes logged)
    /market/<id>/calendar.ics  the next year of market days
    /stall/<id>                a stall: vendor, village, intro, goods, coming next day
    /photo/<id>.jpg            a goods photo, resized

Language: ``?lang=zh|en``, else ``Accept-Language``; every page links to the other language.
Pages carry an ETag (a digest of the page) and Last-Modified (when this process first served
that page); ``If-None-Match`` / ``If-Modified-Since`` get 304. Unknown ids get a kind 404 page.
A stall's phone is shown, with a call button, only when its vendor chose to show it.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

from marketbot.calendar.describe import describe_rule
from marketbot.calendar.labels import format_market_day
from marketbot.chat.context import Services
from marketbot.delivery.ports import Unreachable
from marketbot.domain.model import Categories, Market
from marketbot.domain.prices import format_price
from marketbot.domain.schedule import Schedule, UpcomingDay, market_today, upcoming
from marketbot.neutral import Capabilities, Reply
from marketbot.platforms.base import HttpRequest, HttpResponse, Route
from marketbot.platforms.web.pages.html import Head, e, layout
from marketbot.platforms.web.pages.ics import feed, held_days
from marketbot.platforms.web.pages.links import LINK_RANK, PLATFORM, WebLinks
from marketbot.platforms.web.pages.photos import PhotoCache, small_jpeg
from marketbot.platforms.web.pages.posters import POSTER_ROUTE, PosterFiles
from marketbot.search import SearchAnswer
from marketbot.services.links import EntryKind
from marketbot.storage.categories import CategoryStore
from marketbot.storage.db import Database
from marketbot.storage.reminders import ReminderStore
from marketbot.storage.schedules import ScheduleStore
from marketbot.storage.web_reads import Goods, WebReads
from marketbot.texts import Lang, t

__all__ = ["WebPages"]

logger = logging.getLogger(__name__)

STALLS_PER_PAGE = 40
GOODS_PER_PAGE = 40
RESULTS = 12
NEXT_DAYS = 6
_QUERY_CHARS = 60
_HTML = "text/html; charset=utf-8"
_SECURITY = (
    (
        "Content-Security-Policy",
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'",
    ),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
)
_CHAT_BUTTONS = {"telegram": ("tg", "web.open_telegram"), "wechat": ("wx", "web.follow_wechat")}


def choose_lang(request: HttpRequest) -> Lang:
    """``?lang=`` first, then the best of zh/en in ``Accept-Language`` (default zh)."""
    asked = request.query("lang")
    if asked in ("zh", "en"):
        return "en" if asked == "en" else "zh"
    best: tuple[float, Lang] = (0.0, "zh")
    for position, item in enumerate((request.header("accept-language") or "").split(",")):
        tag, _, params = item.strip().partition(";")
        tag = tag.strip().lower()
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                continue
        lang: Lang | None = (
            "en" if tag.startswith("en") else "zh" if tag.startswith("zh") else None
        )
        if lang is not None and weight - position * 1e-6 > best[0]:
            best = (weight - position * 1e-6, lang)
    return best[1]


def _ident(request: HttpRequest, name: str = "ident") -> int | None:
    raw = request.path_param(name) or ""
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < len(raw) <= 18 else None


def _page_number(request: HttpRequest) -> int:
    raw = request.query("page") or "1"
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < len(raw) <= 6 else 1


class _NoChats:
    """The pages have no chats to send to."""

    platform = PLATFORM

    async def send(self, chat_id: str, reply: Reply) -> None:
        raise Unreachable("the web pages have no chats")


Handler = Callable[[HttpRequest, Lang], Awaitable[HttpResponse]]


class WebPages:
    """The pages as a platform of the process (routes, a link maker, no chats)."""

    name = PLATFORM
    capabilities = Capabilities(push=False)
    link_rank = LINK_RANK

    def __init__(self, services: Services, db: Database) -> None:
        self.services = services
        self.db = db
        self.reads = WebReads(db)
        self.schedules = ScheduleStore(db)
        self.reminders = ReminderStore(db)
        public = services.config.web.public_url.rstrip("/")
        self.public = public
        self.host = urlsplit(public).hostname or "localhost"
        self.links = WebLinks(public)
        self.sender = _NoChats()
        self._photos = PhotoCache()
        self._categories: dict[int, tuple[int, dict[str, int], Categories]] = {}
        self._first_seen: dict[str, datetime] = {}

    # the Platform protocol ----------------------------------------------------------------

    def routes(self) -> Sequence[Route]:
        pages: list[tuple[str, Handler]] = [
            ("/", self.home),
            ("/market/{ident}", self.market),
            ("/market/{ident}/search", self.search),
            ("/market/{ident}/calendar.ics", self.calendar),
            ("/stall/{ident}", self.stall),
        ]
        routes = [Route(path, self._page(handler), ("GET",)) for path, handler in pages]
        routes.append(Route("/photo/{ident}.jpg", self.photo, ("GET",)))
        routes.append(Route(POSTER_ROUTE, PosterFiles(self.services, self.db), ("GET",)))
        return routes

    async def start(self) -> None:
        logger.info("market pages at %s", self.public)

    async def stop(self) -> None:
        pass

    # answers ------------------------------------------------------------------------------

    def _page(self, handler: Handler) -> Callable[[HttpRequest], Awaitable[HttpResponse]]:
        async def page(request: HttpRequest) -> HttpResponse:
            return await handler(request, choose_lang(request))

        return page

    def _answer(
        self,
        request: HttpRequest,
        body: bytes,
        content_type: str,
        *,
        lang: Lang | None,
        cache: str = "no-cache",
    ) -> HttpResponse:
        """200 with validators, or 304 when the client's copy is this one."""
        etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
        now = self.services.clock.now().astimezone(UTC).replace(microsecond=0)
        if len(self._first_seen) > 20_000:
            self._first_seen.clear()
        modified = self._first_seen.setdefault(etag, now)
        headers = [
            ("ETag", etag),
            ("Last-Modified", format_datetime(modified, usegmt=True)),
            ("Cache-Control", cache),
            *_SECURITY,
        ]
        if lang is not None:
            headers += [("Vary", "Accept-Language"), ("Content-Language", lang)]
        if _not_modified(request, etag, modified):
            return HttpResponse(304, headers=tuple(headers))
        return HttpResponse(200, body=body, content_type=content_type, headers=tuple(headers))

    def _html(self, request: HttpRequest, lang: Lang, page: str) -> HttpResponse:
        return self._answer(request, page.encode(), _HTML, lang=lang)

    def _in_market(
        self, request: HttpRequest, lang: Lang, market: Market, head: Head, body: str
    ) -> HttpResponse:
        """A page of ``market`` (its name in the header leads back to it)."""
        home = (f"/market/{market.id}?lang={lang}", market.name)
        page = layout(lang, head, body, home=home, switch=_switch(request, lang))
        return self._html(request, lang, page)

    def _url(self, path: str) -> str:
        return self.public + path

    def _not_found(self, lang: Lang, request: HttpRequest) -> HttpResponse:
        body = (
            f"<h1>{e(t(lang, 'web.not_found_title'))}</h1><p>{e(t(lang, 'web.not_found'))}</p>"
            f'<a class="btn" href="/?lang={lang}">{e(t(lang, "web.go_home"))}</a>'
        )
        head = Head(t(lang, "web.not_found_title"), t(lang, "web.not_found"), self._url("/"))
        page = layout(
            lang, head, body, home=("/", t(lang, "web.home_title")), switch=_switch(request, lang)
        )
        return HttpResponse(404, body=page.encode(), content_type=_HTML, headers=_SECURITY)

    # pages --------------------------------------------------------------------------------

    async def home(self, request: HttpRequest, lang: Lang) -> HttpResponse:
        markets = await self.services.store.markets()
        items = "".join(
            f'<li><a href="/market/{m.id}?lang={lang}">{e(m.name)}</a>'
            f' <span class="muted">{e(m.place)}</span></li>'
            for m in markets
        )
        title = t(lang, "web.home_title")
        head = Head(title, ", ".join(m.name for m in markets), self._url("/"))
        body = f'<h1>{e(title)}</h1><ul class="list">{items}</ul>'
        return self._html(
            request,
            lang,
            layout(lang, head, body, home=("/", title), switch=_switch(request, lang)),
        )

    async def _days(self, market: Market) -> tuple[Schedule | None, date, list[UpcomingDay]]:
        schedule = await self.schedules.get(market.id)
        today = market_today(self.services.clock.now(), market.timezone)
        if schedule is None:
            return None, today, []
        changes = await self.schedules.changes(market.id, since=today)
        return schedule, today, upcoming(schedule, changes, today, NEXT_DAYS)

    def _next_held(self, market: Market, today: date, days: Sequence[UpcomingDay]) -> date | None:
        now = self.services.clock.now().astimezone(ZoneInfo(market.timezone))
        closed = now.strftime("%H:%M") >= market.closes
        held = sorted(d.held_on for d in days if d.held_on is not None)
        return next((d for d in held if d > today or (d == today and not closed)), None)

    async def _category_counts(self, market_id: int) -> tuple[dict[str, int], Categories]:
        """How many goods each category has, and the market's categories (its own too)."""
        version = self.db.catalog_version
        cached = self._categories.get(market_id)
        if cached is None or cached[0] != version:
            counts = await self.services.store.visible_category_counts(market_id)
            categories = await CategoryStore(self.db).of_market(market_id)
            cached = (version, counts, categories)
            self._categories[market_id] = cached
        return cached[1], cached[2]

    def _chat_buttons(self, lang: Lang, kind: EntryKind, ident: int) -> str:
        buttons = []
        for link in self.services.links.all(kind, ident):
            if link.platform == PLATFORM:
                continue
            css, key = _CHAT_BUTTONS.get(link.platform, ("", "web.open_chat"))
            buttons.append(f'<a class="btn {css}" href="{e(link.url)}">{e(t(lang, key))}</a>')
        return "".join(buttons)

    def _day_line(self, lang: Lang, day: UpcomingDay) -> str:
        change = day.change
        if change is None:
            return f"<li>{e(format_market_day(day.day, lang))}</li>"
        reason = e(t(lang, "web.reason", reason=change.reason)) if change.reason else ""
        if change.moved_to is None:
            return (
                f"<li><s>{e(format_market_day(day.day, lang))}</s> "
                f'<span class="cancel">{e(t(lang, "web.cancelled"))}</span>'
                f' <span class="muted">{reason}</span></li>'
            )
        if day.moved_in:
            return (
                f"<li>{e(format_market_day(change.moved_to, lang))} <span class='tag'>"
                f"{e(t(lang, 'web.moved_from', day=format_market_day(day.day, lang)))}</span>"
                f' <span class="muted">{reason}</span></li>'
            )
        moved_to = format_market_day(change.moved_to, lang)
        return (
            f"<li><s>{e(format_market_day(day.day, lang))}</s> "
            f'<span class="cancel">{e(t(lang, "web.moved_to", day=moved_to))}</span>'
            f' <span class="muted">{reason}</span></li>'
        )

    def _event(self, market: Market, day: UpcomingDay, url: str) -> dict[str, object] | None:
        held = day.held_on
        shown = held or day.day
        zone = ZoneInfo(market.timezone)
        start = datetime.combine(shown, _hhmm(market.opens), tzinfo=zone)
        end = datetime.combine(shown, _hhmm(market.closes), tzinfo=zone)
        if end <= start:
            end += timedelta(days=1)
        event: dict[str, object] = {
            "@type": "Event",
            "name": market.name,
            "startDate": start.isoformat(),
            "endDate": end.isoformat(),
            "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
            "location": {"@type": "Place", "name": market.place, "address": market.place},
            "url": url,
        }
        if day.change is None:
            event["eventStatus"] = "https://schema.org/EventScheduled"
        elif held is None:
            event["eventStatus"] = "https://schema.org/EventCancelled"
        else:
            event["eventStatus"] = "https://schema.org/EventRescheduled"
            event["previousStartDate"] = day.day.isoformat()
        return event

    def _search_form(self, lang: Lang, market_id: int, query: str = "") -> str:
        return (
            f'<form class="search" method="get" action="/market/{market_id}/search" role="search">'
            f'<label for="q" style="flex-basis:100%">{e(t(lang, "web.search_label"))}</label>'
            f'<input id="q" name="q" type="search" value="{e(query)}" maxlength="{_QUERY_CHARS}"'
            f' placeholder="{e(t(lang, "web.search_placeholder"))}">'
            f'<input type="hidden" name="lang" value="{lang}">'
            f'<button type="submit">{e(t(lang, "web.search_button"))}</button></form>'
        )

    async def market(self, request: HttpRequest, lang: Lang) -> HttpResponse:
        ident = _ident(request)
        market = await self.services.store.get_market(ident) if ident else None
        if market is None:
            return self._not_found(lang, request)
        schedule, _today, days = await self._days(market)
        counts, categories = await self._category_counts(market.id)
        page = _page_number(request)
        stalls, total = await self.reads.market_stalls(
            market.id, offset=(page - 1) * STALLS_PER_PAGE, limit=STALLS_PER_PAGE
        )
        url = self._url(f"/market/{market.id}")
        rule = describe_rule(schedule.rule(), lang) if schedule else ""
        parts = [f"<h1>{e(market.name)}</h1>"]
        map_link = "https://uri.amap.com/search?" + urlencode({"keyword": market.place})
        parts.append(
            f"<p><b>{e(t(lang, 'web.place'))}：</b>{e(market.place)} "
            f'<a href="{e(map_link)}">{e(t(lang, "web.map"))}</a></p>'
            f"<p><b>{e(t(lang, 'web.hours'))}：</b>{e(market.opens)}–{e(market.closes)}</p>"
        )
        if schedule is None:
            parts.append(f"<p>{e(t(lang, 'web.no_schedule'))}</p>")
        else:
            parts.append(
                f"<p><b>{e(t(lang, 'web.rule'))}：</b>{e(schedule.phrase)}"
                f' <span class="muted">（{e(t(lang, "web.rule_words", words=rule))}）</span></p>'
                f"<h2>{e(t(lang, 'web.next_days'))}</h2><ul class='list'>"
                + "".join(self._day_line(lang, d) for d in days)
                + f'</ul><a class="btn" href="/market/{market.id}/calendar.ics?lang={lang}">'
                f"{e(t(lang, 'web.subscribe_calendar'))}</a>"
            )
        parts.append(self._chat_buttons(lang, "market", market.id))
        parts.append(f"<h2>{e(t(lang, 'web.search'))}</h2>{self._search_form(lang, market.id)}")
        if counts:
            links = []
            for category in categories.items:
                if counts.get(category.key):
                    name = category.name(lang)
                    href = f"/market/{market.id}/search?" + urlencode({"q": name, "lang": lang})
                    count = t(lang, "web.count", n=counts[category.key])
                    links.append(
                        f'<li><a href="{e(href)}">{e(name)}</a>'
                        f' <span class="muted">{e(count)}</span></li>'
                    )
            parts.append(
                f"<h2>{e(t(lang, 'web.categories'))}</h2><ul class='list'>{''.join(links)}</ul>"
            )
        parts.append(f"<h2>{e(t(lang, 'web.stalls'))}</h2>")
        if not stalls:
            parts.append(f"<p>{e(t(lang, 'web.no_stalls'))}</p>")
        else:
            parts.append("<ul class='list'>")
            for listed in stalls:
                s = listed.stall
                village = f" · {e(s.village)}" if s.village else ""
                parts.append(
                    f'<li><a href="/stall/{s.id}?lang={lang}">{e(s.name)}</a><br>'
                    f'<span class="muted">{e(s.vendor_name)}{village} · '
                    f"{e(t(lang, 'web.goods_count', n=listed.goods))}</span></li>"
                )
            parts.append("</ul>")
            parts.append(_pager(lang, request, page, total, STALLS_PER_PAGE))
        description = t(
            lang,
            "web.market_desc",
            place=market.place,
            rule=schedule.phrase if schedule else "",
            opens=market.opens,
            closes=market.closes,
        )
        events = [ev for d in days if (ev := self._event(market, d, url)) is not None]
        head = Head(
            market.name,
            description,
            url,
            schema=events,
        )
        return self._in_market(request, lang, market, head, "".join(parts))

    async def stall(self, request: HttpRequest, lang: Lang) -> HttpResponse:
        ident = _ident(request)
        stall = await self.reads.visible_stall(ident) if ident else None
        market = await self.services.store.get_market(stall.market_id) if stall else None
        if stall is None or market is None:
            return self._not_found(lang, request)
        page = _page_number(request)
        goods, total = await self.reads.stall_goods(
            stall.id, offset=(page - 1) * GOODS_PER_PAGE, limit=GOODS_PER_PAGE
        )
        _schedule, today, days = await self._days(market)
        next_day = self._next_held(market, today, days)
        url = self._url(f"/stall/{stall.id}")
        parts = [
            f"<h1>{e(stall.name)}</h1>",
            f"<p><b>{e(t(lang, 'web.vendor'))}：</b>{e(stall.vendor_name)}</p>",
        ]
        if stall.village:
            parts.append(f"<p><b>{e(t(lang, 'web.village'))}：</b>{e(stall.village)}</p>")
        if stall.intro:
            parts.append(f"<p>{e(stall.intro)}</p>")
        if next_day is not None:
            coming = await self.reminders.attendance(stall.id, next_day)
            if coming is not None:
                key = "web.coming" if coming else "web.not_coming"
                day = format_market_day(next_day, lang)
                parts.append(f'<p><span class="tag">{e(t(lang, key, day=day))}</span></p>')
        parts.append(f'<p class="muted">{e(t(lang, "web.at_market", market=market.name))}</p>')
        if stall.show_phone and stall.phone:
            digits = "".join(ch for ch in stall.phone if ch.isdigit() or ch == "+")
            call = t(lang, "web.call", phone=stall.phone)
            parts.append(f'<a class="btn" href="tel:{e(digits)}">{e(call)}</a>')
        else:
            parts.append(f'<p class="muted">{e(t(lang, "web.no_phone"))}</p>')
        parts.append(self._chat_buttons(lang, "stall", stall.id))
        parts.append(f"<h2>{e(t(lang, 'web.goods'))}</h2>")
        if not goods:
            parts.append(f"<p>{e(t(lang, 'web.no_goods'))}</p>")
        else:
            parts.append("<ul class='list'>")
            parts += [self._goods_line(lang, g) for g in goods]
            parts.append("</ul>")
            parts.append(_pager(lang, request, page, total, GOODS_PER_PAGE))
        back = t(lang, "web.back_market", market=market.name)
        parts.append(f'<a class="btn" href="/market/{market.id}?lang={lang}">{e(back)}</a>')
        names = "、" if lang == "zh" else ", "
        description = t(
            lang,
            "web.stall_desc",
            vendor=stall.vendor_name,
            village=stall.village or market.place,
            goods=names.join(g.product.name for g in goods[:8]),
        )
        photo = next((g.product.photo_id for g in goods if g.has_photo), None)
        image = self._url(f"/photo/{photo}.jpg") if photo else None
        _, categories = await self._category_counts(market.id)
        seller = {"@type": "Organization", "name": stall.name, "url": url}
        schema: list[object] = [
            {
                "@type": "Product",
                "name": g.product.name,
                "description": g.product.description or g.product.name,
                "category": categories.name(g.product.category, lang),
                **(
                    {"image": self._url(f"/photo/{g.product.photo_id}.jpg")} if g.has_photo else {}
                ),
                "offers": {
                    "@type": "Offer",
                    "price": f"{g.product.price_fen / 100:.2f}",
                    "priceCurrency": "CNY",
                    "availability": "https://schema.org/"
                    + ("InStock" if g.product.in_stock else "OutOfStock"),
                    "seller": seller,
                    "url": url,
                },
            }
            for g in goods
        ]
        head = Head(f"{stall.name} · {market.name}", description, url, image, "profile", schema)
        return self._in_market(request, lang, market, head, "".join(parts))

    def _goods_line(self, lang: Lang, goods: Goods) -> str:
        p = goods.product
        img = (
            f'<img src="/photo/{p.photo_id}.jpg" alt="{e(p.name)}" width="96" height="96"'
            ' loading="lazy">'
            if goods.has_photo
            else ""
        )
        price = e(format_price(p.price_fen, p.unit, lang))
        state = (
            f'<span class="price">{price}</span>'
            if p.in_stock
            else f'<span class="out"><s>{price}</s></span> '
            f'<span class="tag">{e(t(lang, "web.sold_out"))}</span>'
        )
        desc = f'<br><span class="muted">{e(p.description)}</span>' if p.description else ""
        return f'<li class="goods">{img}<div><b>{e(p.name)}</b> {state}{desc}</div></li>'

    async def search(self, request: HttpRequest, lang: Lang) -> HttpResponse:
        ident = _ident(request)
        market = await self.services.store.get_market(ident) if ident else None
        if market is None:
            return self._not_found(lang, request)
        query = " ".join((request.query("q") or "").split())[:_QUERY_CHARS]
        parts = [self._search_form(lang, market.id, query)]
        title = t(lang, "web.results_title", query=query) if query else t(lang, "web.search")
        if query:
            answer = await self.services.catalog.search(
                market, query, self.services.clock.now(), limit=RESULTS, log=True
            )
            parts.append(self._results(lang, query, answer))
        parts.append(
            f'<a class="btn" href="/market/{market.id}?lang={lang}">'
            f"{e(t(lang, 'web.back_market', market=market.name))}</a>"
        )
        url = self._url(f"/market/{market.id}/search?" + urlencode({"q": query}))
        head = Head(f"{title} · {market.name}", title, url)
        return self._in_market(
            request, lang, market, head, f"<h1>{e(title)}</h1>" + "".join(parts)
        )

    def _results(self, lang: Lang, query: str, answer: SearchAnswer) -> str:
        if not answer.groups:
            return f"<p>{e(t(lang, 'web.no_results', query=query))}</p>"
        parts = [f"<h2>{e(t(lang, 'web.results', query=query))}</h2><ul class='list'>"]
        for group in answer.groups:
            offers = " ".join(
                f'<span class="price">{e(_price_range(o.low_fen, o.high_fen, o.unit, lang))}'
                "</span>"
                for o in group.offers()
            )
            rows = []
            for item in group.listings():
                price = e(format_price(item.price_fen, item.unit, lang))
                sold = (
                    ""
                    if item.in_stock
                    else f' <span class="tag">{e(t(lang, "web.sold_out"))}</span>'
                )
                rows.append(
                    f'<br>· <a href="/stall/{item.stall_id}?lang={lang}">{e(item.stall_name)}</a>'
                    f" {price}{sold}"
                )
            count = e(t(lang, "web.stall_count", n=group.stall_count))
            parts.append(
                f"<li><b>{e(group.name)}</b> {offers} <span class='muted'>{count}</span>"
                + "".join(rows)
                + "</li>"
            )
        parts.append("</ul>")
        return "".join(parts)

    async def calendar(self, request: HttpRequest, lang: Lang) -> HttpResponse:
        ident = _ident(request)
        market = await self.services.store.get_market(ident) if ident else None
        schedule = await self.schedules.get(market.id) if market else None
        if market is None:
            return self._not_found(lang, request)
        today = market_today(self.services.clock.now(), market.timezone)
        days = []
        if schedule is not None:
            changes = await self.schedules.changes(market.id, since=today)
            days = held_days(schedule, changes, today, today + timedelta(days=365))
        stamp = datetime.combine(today, datetime.min.time(), tzinfo=UTC)
        body = feed(
            market,
            days,
            url=self._url(f"/market/{market.id}"),
            host=self.host,
            stamp=stamp,
            moved_note=t(lang, "web.ics_moved"),
        )
        return self._answer(request, body, "text/calendar; charset=utf-8", lang=lang)

    async def photo(self, request: HttpRequest) -> HttpResponse:
        ident = _ident(request)
        version = self.db.catalog_version
        found, jpeg = self._photos.get(ident, version) if ident else (True, None)
        if not found and ident:
            stored = await self.reads.public_photo(ident)
            jpeg = small_jpeg(stored[1]) if stored else None
            self._photos.put(ident, version, jpeg)
        if jpeg is None:
            return HttpResponse(404, "no such photo")
        return self._answer(request, jpeg, "image/jpeg", lang=None, cache="public, max-age=86400")


def _hhmm(value: str) -> time:
    return time.fromisoformat(value)


def _price_range(low: int, high: int, unit: str, lang: Lang) -> str:
    if low == high:
        return format_price(low, unit, lang)
    return f"{format_price(low, None, lang)}–{format_price(high, unit, lang)}"


def _switch(request: HttpRequest, lang: Lang) -> str:
    """The same page in the other language (its query kept)."""
    other = "zh" if lang == "en" else "en"
    keep = {k: v for k in ("q", "page") if (v := request.query(k))}
    return "?" + urlencode({**keep, "lang": other})


def _pager(lang: Lang, request: HttpRequest, page: int, total: int, per_page: int) -> str:
    pages = max(1, -(-total // per_page))
    if pages == 1:
        return ""
    query = request.query("q")

    def href(n: int) -> str:
        values = {"q": query} if query else {}
        return "?" + urlencode({**values, "page": n, "lang": lang})

    prev = (
        f'<a href="{e(href(page - 1))}">{e(t(lang, "web.previous"))}</a>'
        if page > 1
        else "<span></span>"
    )
    nxt = (
        f'<a href="{e(href(page + 1))}">{e(t(lang, "web.more"))}</a>'
        if page < pages
        else "<span></span>"
    )
    where = e(t(lang, "web.page_of", page=page, pages=pages))
    return f'<nav class="pages">{prev}<span class="muted">{where}</span>{nxt}</nav>'


def _not_modified(request: HttpRequest, etag: str, modified: datetime) -> bool:
    match = request.header("if-none-match")
    if match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in match.split(",")}
        return etag in tags or "*" in tags
    since = request.header("if-modified-since")
    if since is None:
        return False
    try:
        when = parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False
    if when.tzinfo is None:
        return False
    return modified <= when
