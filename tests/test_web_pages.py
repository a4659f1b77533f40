"""The market's web pages over real HTTP on 127.0.0.1: what a visitor gets, in which language,
how it is cached, that user text stays text, and that QR codes open the pages.

The site: the demo market with 逢三六九 market days (the next one cancelled for snow, the one
after moved a day), a stall named ``<script>alert(1)</script>``, a photo, a sold-out item and a
stall coming next market day.
"""

from __future__ import annotations

import asyncio
import io
import json
import re
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from PIL import Image

from marketbot.app import App, choose_platforms, open_app
from marketbot.calendar import CalendarOptions
from marketbot.calendar.labels import format_market_day
from marketbot.clock import FixedClock
from marketbot.config import Config, ConfigError, TelegramConfig, WebConfig, load_config
from marketbot.domain.schedule import market_today, upcoming
from marketbot.platforms.web.pages import WebPages
from marketbot.platforms.web.pages.html import json_ld
from marketbot.platforms.web.pages.ics import escape_text, fold
from marketbot.storage.market_data import NewProduct, NewStall
from marketbot.storage.photos import PhotoStore
from marketbot.storage.reminders import ReminderStore
from marketbot.storage.schedules import ScheduleStore
from tests.telegram_harness import serving

XSS = "<script>alert(1)</script>"
XSS_GOODS = "</script><script>alert(2)</script>"
BOT = "ganji_test_bot"
PAGE_LIMIT = 50 * 1024


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Site:
    base: str
    app: App
    config: Config
    clock: FixedClock
    xss_stall: int
    photo_id: int
    cancelled: date
    moved: date
    moved_to: date
    coming_day: date

    def url(self, path: str) -> str:
        return self.base + path


def jpeg(width: int = 1200, height: int = 900) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (180, 90, 30)).save(out, "JPEG")
    return out.getvalue()


async def furnish(app: App, clock: FixedClock) -> dict[str, object]:
    """The site described in the module docstring (market 1, demo stalls 1..n)."""
    store, now = app.store, clock.now()
    market = (await store.markets())[0]
    await store.ensure_user(platform="console", platform_user_id="sec", chat_id="sec", now=now)
    secretary = (await store.users_by_platform_ids("console", ["sec"]))[0]
    schedules = ScheduleStore(app.db)
    schedule = await schedules.set(
        market.id, "逢三六九", CalendarOptions(), by=secretary.id, now=now
    )
    today = market_today(now, market.timezone)
    first, second = (d.day for d in upcoming(schedule, {}, today, 2))
    await schedules.change_day(
        market.id, first, moved_to=None, reason="下大雪，路不通", by=secretary.id, now=now
    )
    moved_to = second + timedelta(days=1)
    await schedules.change_day(
        market.id, second, moved_to=moved_to, reason="让给庙会", by=secretary.id, now=now
    )
    await ReminderStore(app.db).set_attendance(1, moved_to, True, now)
    photo = await PhotoStore(app.db).save(jpeg(), platform="console", file_id="p1", now=now)
    await store.add_product(
        1, NewProduct("野生猴头菇", "shanzhen", 9900, "斤", photo_id=photo), now
    )
    walnut = next(p for p in await store.products_of_stall(1) if p.name == "山杏仁")
    await store.update_product(walnut.id, now, in_stock=False)
    xss, _ = await store.upsert_stall_by_name(
        market_id=market.id,
        stall=NewStall(XSS, "</title><h1>x", "村&<b>", "13800138000", 'say "hi" & <i>'),
        now=now,
    )
    await store.add_product(xss.id, NewProduct(XSS_GOODS, "qita", 100, "个"), now)
    return {
        "xss_stall": xss.id,
        "photo_id": photo,
        "cancelled": first,
        "moved": second,
        "moved_to": moved_to,
        "coming_day": moved_to,
    }


@pytest.fixture
async def site(config: Config, clock: FixedClock) -> AsyncIterator[Site]:
    port = free_port()
    config = replace(
        config,
        web=WebConfig(listen="127.0.0.1", port=port, public_url=f"http://127.0.0.1:{port}"),
        telegram=TelegramConfig(username=BOT),
    )
    async with open_app(config, clock) as app:
        facts = await furnish(app, clock)
        pages = WebPages(app.core.services, app.db)
        async with serving(app, config, [pages], asyncio.Event()):
            yield Site(f"http://127.0.0.1:{port}", app, config, clock, **facts)  # type: ignore[arg-type]


async def get(site: Site, path: str, **headers: str) -> httpx.Response:
    async with httpx.AsyncClient(trust_env=False, timeout=10) as client:
        return await client.get(site.url(path), headers=headers)


def json_lds(page: str) -> list[dict[str, object]]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return [json.loads(block) for block in blocks]


def assert_self_contained(response: httpx.Response) -> None:
    """≤ 50 KB with its CSS, no script to run, nothing loaded from elsewhere."""
    page = response.text
    assert len(response.content) <= PAGE_LIMIT
    assert page.count("<script") == page.count('<script type="application/ld+json">') <= 1
    assert not re.search(r'<(img|iframe|script|video|audio)[^>]+src="(https?:)?//', page)
    assert re.findall(r'<link rel="([a-z]+)"', page) == ["canonical"]
    assert response.headers["content-type"] == "text/html; charset=utf-8"


async def test_the_market_page_shows_place_days_categories_and_stalls(site: Site) -> None:
    response = await get(site, "/market/1")
    assert response.status_code == 200
    page = response.text
    assert_self_contained(response)
    for seen in ("水磨头", "逢三六九", "农历", "老魏山货", "杨婶黄精坊", "山珍", "08:00"):
        assert seen in page, seen
    assert "下大雪，路不通" in page and "取消" in page
    assert "让给庙会" in page and f"改到 {format_market_day(site.moved_to, 'zh')}" in page
    assert "https://uri.amap.com/search?keyword=" in page
    assert f"https://t.me/{BOT}?start=market_1" in page
    assert 'href="/market/1/calendar.ics?lang=zh"' in page
    assert 'action="/market/1/search"' in page and 'method="get"' in page
    assert f'<meta property="og:url" content="{site.url("/market/1")}">' in page
    events = [n for g in json_lds(page) for n in g["@graph"]]  # type: ignore[attr-defined]
    statuses = {e["eventStatus"].rsplit("/", 1)[1] for e in events}
    assert {"EventScheduled", "EventCancelled", "EventRescheduled"} <= statuses
    assert all(e["@type"] == "Event" and "+08:00" in e["startDate"] for e in events)


async def test_a_stall_page_shows_goods_prices_photo_and_coming(site: Site) -> None:
    response = await get(site, "/stall/1")
    assert response.status_code == 200
    page = response.text
    assert_self_contained(response)
    for seen in ("老魏山货", "魏大爷", "魏家庄村", "山木耳", "45元/斤", "野生猴头菇", "卖完了"):
        assert seen in page, seen
    assert "下个集" in page and "会来摆摊" in page
    assert f'<img src="/photo/{site.photo_id}.jpg"' in page
    assert f'content="{site.url(f"/photo/{site.photo_id}.jpg")}"' in page  # og:image
    assert f"https://t.me/{BOT}?start=stall_1" in page
    products = [n for g in json_lds(page) for n in g["@graph"]]  # type: ignore[attr-defined]
    assert {p["@type"] for p in products} == {"Product"}
    sold_out = next(p for p in products if p["name"] == "山杏仁")
    assert sold_out["offers"]["availability"] == "https://schema.org/OutOfStock"
    assert sold_out["offers"]["priceCurrency"] == "CNY"


async def test_a_phone_is_shown_only_with_the_vendors_consent(site: Site) -> None:
    for path in ("/stall/2", f"/stall/{site.xss_stall}", "/market/1"):
        page = (await get(site, path)).text
        assert "tel:" not in page
        assert "13934561234" not in page and "13800138000" not in page
    stall = await site.app.store.get_stall(2)
    assert stall is not None and stall.phone
    assert await site.app.store.update_stall_info(2, site.clock.now(), show_phone=True)
    page = (await get(site, "/stall/2")).text
    digits = "".join(ch for ch in stall.phone if ch.isdigit())
    assert f'href="tel:{digits}"' in page


async def test_user_text_stays_text_in_html_and_in_json_ld(site: Site) -> None:
    page = (await get(site, f"/stall/{site.xss_stall}")).text
    assert XSS not in page and "<i>" not in page and "</title><h1>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("</script>") == 1  # the JSON-LD's own end, nothing else
    graph = json_lds(page)[0]["@graph"]
    assert graph[0]["name"] == XSS_GOODS  # type: ignore[index]
    assert graph[0]["offers"]["seller"]["name"] == XSS  # type: ignore[index]
    assert "</script>" not in json_ld({"name": XSS})


async def test_search_is_the_chats_search_and_logs_only_wishes(site: Site) -> None:
    response = await get(site, "/market/1/search?q=核桃")
    assert response.status_code == 200
    assert_self_contained(response)
    page = response.text
    assert "核桃" in page and "老魏山货" in page and "15元/斤" in page
    assert 'href="/stall/1?lang=zh"' in page
    assert 'value="核桃"' in page
    since = site.clock.now() - timedelta(days=1)
    assert ("核桃", 1) in [(w, min(r, 1)) for w, r in await site.app.store.searches_since(since)]
    await get(site, "/market/1/search?q=你好")
    await get(site, "/market/1/search")
    assert [w for w, _ in await site.app.store.searches_since(since)] == ["核桃"]
    nothing = (await get(site, "/market/1/search?q=拖拉机")).text
    assert "没找到“拖拉机”" in nothing


async def test_language_from_accept_language_and_the_switch(site: Site) -> None:
    english = (await get(site, "/stall/1", **{"Accept-Language": "en-GB,en;q=0.9,zh;q=0.5"})).text
    assert '<html lang="en">' in english and "Goods" in english and "sold out" in english
    assert 'href="?lang=zh"' in english
    chinese = (await get(site, "/stall/1", **{"Accept-Language": "fr, zh-CN;q=0.8"})).text
    assert '<html lang="zh-CN">' in chinese and "货品" in chinese and 'href="?lang=en"' in chinese
    switched = (await get(site, "/stall/1?lang=en", **{"Accept-Language": "zh-CN"})).text
    assert "Goods" in switched
    search = (await get(site, "/market/1/search?q=honey&lang=en")).text
    assert 'href="?q=honey&amp;lang=zh"' in search


async def test_pages_revalidate_with_etag_and_last_modified(site: Site) -> None:
    first = await get(site, "/stall/1")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert first.headers["cache-control"] == "no-cache"
    assert first.headers["vary"] == "Accept-Language"
    again = await get(site, "/stall/1", **{"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    since = await get(site, "/stall/1", **{"If-Modified-Since": modified})
    assert since.status_code == 304
    walnut = next(p for p in await site.app.store.products_of_stall(1) if p.name == "核桃")
    await site.app.store.update_product(walnut.id, site.clock.now(), price_fen=1600)
    changed = await get(site, "/stall/1", **{"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert "16元/斤" in changed.text


@pytest.mark.parametrize(
    "path",
    [
        "/stall/999",
        "/stall/abc",
        "/stall/0",
        "/market/7",
        "/market/7/search?q=a",
        "/market/x/calendar.ics",
    ],
)
async def test_unknown_ids_get_a_kind_page(site: Site, path: str) -> None:
    response = await get(site, path)
    assert response.status_code == 404
    assert "没有这个页面" in response.text and 'href="/?lang=zh"' in response.text


async def test_a_stall_not_approved_is_not_shown(site: Site) -> None:
    store, now = site.app.store, site.clock.now()
    await store.ensure_user(platform="console", platform_user_id="new", chat_id="new", now=now)
    owner = (await store.users_by_platform_ids("console", ["new"]))[0]
    pending = await store.submit_stall(
        owner_id=owner.id, market_id=1, stall=NewStall("新摊", "新人", "", None, ""), now=now
    )
    assert pending is not None
    assert (await get(site, f"/stall/{pending.id}")).status_code == 404
    assert "新摊" not in (await get(site, "/market/1")).text


async def test_photos_are_resized_cached_and_only_of_visible_goods(site: Site) -> None:
    response = await get(site, f"/photo/{site.photo_id}.jpg")
    assert response.status_code == 200 and response.headers["content-type"] == "image/jpeg"
    with Image.open(io.BytesIO(response.content)) as image:
        assert max(image.size) == 240
    assert "max-age" in response.headers["cache-control"]
    again = await get(
        site, f"/photo/{site.photo_id}.jpg", **{"If-None-Match": response.headers["etag"]}
    )
    assert again.status_code == 304
    hidden = await PhotoStore(site.app.db).save(
        jpeg(10, 10), platform="console", file_id="p2", now=site.clock.now()
    )
    assert (await get(site, f"/photo/{hidden}.jpg")).status_code == 404
    assert (await get(site, "/photo/999.jpg")).status_code == 404


async def test_the_pages_are_read_only(site: Site) -> None:
    async with httpx.AsyncClient(trust_env=False) as client:
        for path in ("/stall/1", "/market/1", "/market/1/search?q=a"):
            assert (await client.post(site.url(path), content=b"x")).status_code == 405
    assert 'method="post"' not in (await get(site, "/market/1")).text.lower()


def unfold(feed: str) -> list[str]:
    return feed.replace("\r\n ", "").split("\r\n")


async def test_the_calendar_feed_has_a_year_of_held_days(site: Site) -> None:
    response = await get(site, "/market/1/calendar.ics")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    raw = response.content
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    lines = unfold(raw.decode())
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR"
    starts = [line for line in lines if line.startswith("DTSTART:")]
    assert 95 <= len(starts) <= 115  # 逢三六九: nine days a lunar month
    day = lambda d: f"DTSTART:{d:%Y%m%d}T000000Z"  # noqa: E731 (08:00 in Shanghai)
    assert day(site.cancelled) not in starts
    assert day(site.moved) not in starts and day(site.moved_to) in starts
    assert f"UID:market-1-{site.moved.isoformat()}@127.0.0.1" in lines
    assert any(line.startswith("DESCRIPTION:") and "让给庙会" in line for line in lines)
    assert (
        await get(site, "/market/1/calendar.ics", **{"If-None-Match": response.headers["etag"]})
    ).status_code == 304


def test_ics_text_is_escaped_and_folded_between_characters() -> None:
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    line = "SUMMARY:" + "赶集" * 40
    folded = fold(line)
    parts = folded.encode().split(b"\r\n")
    assert all(len(p) <= 75 for p in parts) and parts[-1] == b""
    assert all(p.decode() for p in parts[:-1])  # no character cut in two (decodes)
    assert folded.replace("\r\n ", "").removesuffix("\r\n") == line


async def test_a_qr_code_opens_the_stall_page(site: Site, tmp_path: Path) -> None:
    import zxingcpp

    from marketbot.cli import main

    config_file = tmp_path / "config.toml"
    config_file.write_text(
        f'[database]\npath = "{site.config.database.path}"\n[web]\npublic_url = "{site.base}"\n',
        encoding="utf-8",
    )
    png = tmp_path / "stall1.png"
    code = await asyncio.to_thread(
        main, ["qr", "stall", "1", "--out", str(png), "--config", str(config_file)]
    )
    assert code == 0
    with Image.open(png) as image:
        found = zxingcpp.read_barcodes(image)
    assert [r.text for r in found] == [site.url("/stall/1")]
    page = await get(site, "/stall/1")
    assert page.status_code == 200 and "<h1>老魏山货</h1>" in page.text


async def test_web_links_come_before_telegram_only_with_a_public_url(
    config: Config, clock: FixedClock
) -> None:
    config = replace(config, telegram=TelegramConfig(username=BOT))
    async with open_app(config, clock) as app:
        assert app.core.services.links.best("stall", 3) == f"https://t.me/{BOT}?start=stall_3"
        stop = asyncio.Event()
        names = [p.name for p in choose_platforms(app, config, console=False, stop=stop)]
        assert "web" not in names
    config = replace(config, web=WebConfig(public_url="https://ganji.example.cn/"))
    async with open_app(config, clock) as app:
        assert app.core.services.links.best("stall", 3) == "https://ganji.example.cn/stall/3"
        stop = asyncio.Event()
        names = [p.name for p in choose_platforms(app, config, console=False, stop=stop)]
        assert "web" in names


@pytest.mark.parametrize(
    "bad", ["ganji.example.cn", "https://a b", "https://x.cn/?q=1", "ftp://x"]
)
def test_a_bad_public_url_is_refused(tmp_path: Path, bad: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f'[web]\npublic_url = "{bad}"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"web\.public_url"):
        load_config(path)


class _WeChatCodes:
    def link(self, kind: str, ident: int) -> str | None:
        return f"https://weixin.qq.com/q/{kind}{ident}"


async def test_wechat_follow_button_when_a_wechat_link_exists_and_head_works(
    site: Site,
) -> None:
    site.app.core.services.links.register("wechat", _WeChatCodes(), rank=0)
    page = (await get(site, "/stall/1")).text
    assert (
        'class="btn wx" href="https://weixin.qq.com/q/stall1"' in page and "在微信里关注" in page
    )
    async with httpx.AsyncClient(trust_env=False) as client:
        head = await client.head(site.url("/market/1"))
    assert head.status_code == 200 and head.content == b"" and head.headers["etag"]
