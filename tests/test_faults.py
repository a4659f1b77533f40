"""Failures a fault-and-abuse audit found (issue 14): hidden caps, a job marked done before it
ran, CSV bytes read as mojibake, formulas in exports, personal data in the demand log, a
database that cannot be opened or is newer than the code, and an outbox that grows forever."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from marketbot.app import App, open_app
from marketbot.clock import FixedClock, SystemClock
from marketbot.config import Config, ConfigError, DatabaseConfig
from marketbot.delivery import DeliveryEngine
from marketbot.domain.model import StallStatus
from marketbot.neutral import Reply
from marketbot.services import demand
from marketbot.services.csv_io import export_csv, read_table
from marketbot.storage.db import Database, DatabaseOpenError
from marketbot.storage.market_data import NewProduct, NewStall
from marketbot.storage.outbox import OutboxStore
from tests.conftest import SHANGHAI, Chat


async def _many_stalls(app: App, count: int) -> None:
    market = (await app.store.markets())[0]
    now = app.core.services.clock.now()
    for number in range(count):
        stall, _ = await app.store.upsert_stall_by_name(
            market_id=market.id,
            stall=NewStall(f"摊{number}", f"人{number}", "村", None, ""),
            now=now,
        )
        await app.store.upsert_product_by_name(
            stall.id, NewProduct(f"货{number}", "qita", 100, "个"), now
        )


async def test_no_hidden_cap_on_stalls_export_has_them_all(app: App) -> None:
    await _many_stalls(app, 1010)
    stalls, total = await app.store.stalls(statuses=[StallStatus.APPROVED])
    assert len(stalls) == total >= 1010
    exported = await export_csv(app.store)
    assert "摊1009" in exported and exported.count("\r\n") >= 1011


async def test_the_weekly_demand_is_marked_done_only_after_it_was_queued(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = app.core.services

    class Failing:
        async def enqueue(self, *args: object, **kwargs: object) -> int:
            raise RuntimeError("the outbox is down")

    with pytest.raises(RuntimeError):
        await demand.send_weekly(
            app.store, services.catalog, services.config, Failing(), services.clock.now(), "W1"
        )
    sent: list[object] = []

    class Recording:
        async def enqueue(self, *args: object, **kwargs: object) -> int:
            sent.append(args)
            return len(sent)

    assert await demand.send_weekly(
        app.store, services.catalog, services.config, Recording(), services.clock.now(), "W1"
    )
    assert sent  # tried again, and sent this time
    assert not await demand.send_weekly(
        app.store, services.catalog, services.config, Recording(), services.clock.now(), "W1"
    )


def _csv(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "goods.csv"
    path.write_bytes(data)
    return path


HEADER = "stall,vendor,village,product,category,price,unit,description,in_stock\n"


def test_a_stray_byte_in_utf8_is_reported_with_its_line(tmp_path: Path) -> None:
    rows = HEADER + "老魏山货,老魏,东泉村,核桃,干果,15,斤,薄皮核桃,1\n"
    data = rows.encode("utf-8")
    broken = data.replace("薄皮".encode(), b"\xff" + "皮".encode())
    with pytest.raises(ValueError, match=r"line 2: byte 0xff"):
        read_table(_csv(tmp_path, broken))


def test_a_gb18030_file_is_read_as_gb18030(tmp_path: Path) -> None:
    rows = HEADER + "老魏山货,老魏,东泉村,核桃,干果,15,斤,薄皮核桃,1\n"
    table = read_table(_csv(tmp_path, rows.encode("gb18030")))
    assert table[0]["stall"] == "老魏山货" and table[0]["description"] == "薄皮核桃"


async def test_export_neutralises_formulas_and_import_takes_them_back(
    app: App, tmp_path: Path
) -> None:
    now = app.core.services.clock.now()
    stall = (await app.store.stalls(statuses=[StallStatus.APPROVED]))[0][0]
    for name, description in (("=HYPERLINK(1)", "+1"), ("@SUM(A1)", "-2度保存")):
        await app.store.upsert_product_by_name(
            stall.id, NewProduct(name, "qita", 100, "个", description=description), now
        )
    exported = await export_csv(app.store)
    for cell in ("'=HYPERLINK(1)", "'+1", "'@SUM(A1)", "'-2度保存"):
        assert cell in exported
    assert ",=HYPERLINK" not in exported and ",@SUM" not in exported
    table = read_table(_csv(tmp_path, exported.encode("utf-8")))
    names = {row["product"]: row["description"] for row in table}
    assert names["=HYPERLINK(1)"] == "+1" and names["@SUM(A1)"] == "-2度保存"


async def test_the_demand_log_keeps_no_phone_or_id_numbers_and_only_the_hour(
    app: App, clock: FixedClock
) -> None:
    clock.set(datetime(2026, 12, 1, 10, 37, 12, 345000, tzinfo=SHANGHAI))
    catalog = app.core.services.catalog
    market = (await app.store.markets())[0]
    for query in ("电池 13812345678", "身份证 11010519491231002X 复印"):
        await catalog.search(market, query, clock.now())
    rows = await app.store._all("SELECT at, wanted FROM search_log")
    text = " ".join(str(r["wanted"]) for r in rows)
    assert "13812345678" not in text and "11010519491231002" not in text
    assert all(str(r["at"]).startswith("2026-12-01T02:00:00") for r in rows)


async def test_a_file_that_is_not_a_database_stops_start_at_once(tmp_path: Path) -> None:
    path = tmp_path / "market.db"
    path.write_bytes(b"this is a text file, not SQLite" * 100)
    started = time.monotonic()
    with pytest.raises(DatabaseOpenError, match=str(path)) as info:
        await asyncio.wait_for(Database.open(path), timeout=5)
    assert isinstance(info.value, ConfigError)
    assert time.monotonic() - started < 1.0


async def test_a_folder_that_cannot_be_made_stops_start_with_the_file_named(
    tmp_path: Path,
) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(DatabaseOpenError, match=r"data/market\.db"):
        await asyncio.wait_for(Database.open(blocker / "market.db"), timeout=5)


async def test_a_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "market.db"
    db = await Database.open(path)
    await db.close()
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO schema_migrations (number, name, applied_at) VALUES (999, 'future', 'x')"
        )
    with pytest.raises(DatabaseOpenError, match=r"newer marketbot.*999"):
        await Database.open(path)


async def test_open_app_refuses_too(tmp_path: Path, clock: FixedClock) -> None:
    path = tmp_path / "market.db"
    path.write_bytes(b"garbage" * 1000)
    config = replace(Config(), database=DatabaseConfig(path=str(path)))
    with pytest.raises(ConfigError, match="cannot be opened"):
        async with open_app(config, clock):
            pass


async def test_delivered_rows_of_old_announcements_are_pruned(app: App) -> None:
    store = OutboxStore(app.db)
    long_ago = datetime.now(SHANGHAI) - timedelta(days=40)
    old, _ = await store.create(
        kind="notice",
        reply=Reply("旧消息"),
        recipients=[("console", "a"), ("console", "b")],
        key=None,
        priority=0,
        not_before=None,
        platforms=["console"],
        now=long_ago,
    )
    await store.cancel(old, long_ago)
    assert await store.finish(old, long_ago)
    recent, _ = await store.create(
        kind="notice",
        reply=Reply("新消息"),
        recipients=[("console", "a")],
        key=None,
        priority=0,
        not_before=None,
        platforms=["console"],
        now=datetime.now(SHANGHAI),
    )
    engine = DeliveryEngine(app.db, {}, app.core.services.config.delivery, SystemClock())
    assert await engine.prune() == 2
    assert await store.counts(old) == {}
    assert sum((await store.counts(recent)).values()) == 1


async def test_a_suspended_vendor_cannot_change_goods(app: App, chat: Chat) -> None:
    await chat.as_("laowei")
    await chat.send("/mystall")
    walnut = next(p for p in await app.store.products_of_stall(1) if p.name == "核桃")
    await chat.as_("secretary")
    secretary = (await app.store.users_by_chat("console", "secretary"))[0]
    assert await app.store.set_stall_status(
        1,
        expected=[StallStatus.APPROVED],
        new=StallStatus.SUSPENDED,
        reviewer_id=secretary.id,
        now=app.core.services.clock.now(),
    )
    await chat.as_("laowei")
    for action in ("price", "name", "desc", "stock", "del"):
        out = await _press_forged(app, "laowei", f"my:{action}:{walnut.id}")
        assert "暂停" in out, (action, out)
    after = await app.store.get_product(walnut.id)
    assert after == walnut


async def test_a_promoted_secretary_can_be_demoted(app: App, chat: Chat) -> None:
    await chat.as_("helper")
    await chat.send("/start")
    helper = (await app.store.users_by_chat("console", "helper"))[0]
    assert await app.store.set_secretary(helper.id)
    await chat.as_("secretary")
    await chat.send("/start")
    await chat.press("书记管理")
    await chat.press("撤销书记")
    await chat.press("helper")
    out = await chat.press("确定")
    assert "已撤销" in out
    assert chat.to("helper") and "撤销" in chat.to("helper")[0].reply.text
    await chat.as_("helper")
    out = await chat.send("/pending")
    assert "书记" in out and "待审核" not in out


async def _press_forged(app: App, user: str, choice: str) -> str:
    from marketbot.neutral import Inbound

    inbound = Inbound("console", user, user, choice=choice, display_name=user)
    return "\n".join(o.reply.text for o in await app.core.handle(inbound))


async def test_a_hundred_and_twenty_coming_stalls_fit_on_telegram(app: App) -> None:
    from marketbot.calendar import CalendarOptions
    from tests.fake_bot_api import FakeBotApi
    from tests.telegram_harness import telegram_harness

    clock = app.core.services.clock
    await app.core.services.days.schedules.set(1, "每天", CalendarOptions(), by=1, now=clock.now())
    await _many_stalls(app, 120)
    market = (await app.store.markets())[0]
    from marketbot.domain.schedule import market_today

    today = market_today(clock.now(), market.timezone)
    held = await app.core.services.days.held_days(market, today, 2)
    stalls, _ = await app.store.stalls(statuses=[StallStatus.APPROVED])
    for stall in stalls:  # today's market opened at 08:00: "next" is tomorrow's
        await app.core.services.days.reminders.set_attendance(stall.id, held[1], True, clock.now())
    api = FakeBotApi()
    async with telegram_harness(app.core, api=api) as tg:
        await tg.say(7, "/start")
        await tg.press(7, "📅 下次集市")
        await tg.press(7, "🧺 下次谁来")
        pages = [api.last_text(7)]
        for _ in range(30):
            if "下一页" not in str(api.last_keyboard(7)):
                break
            await tg.press(7, "下一页 ➡️")
            pages.append(api.last_text(7))
        assert all(call.ok for call in api.calls_to("sendMessage", "editMessageText"))
    shown = "\n".join(pages)
    missing = [s.name for s in stalls if f"<b>{s.name}</b>" not in shown]
    assert not missing and len(pages) > 1  # every stall on some page, none too long


async def test_thirty_markets_page_and_the_audiences_stay_few(app: App, chat: Chat) -> None:
    now = app.core.services.clock.now()
    for number in range(30):
        await app.store.create_market(
            name=f"第{number}集", place="村", opens="08:00", closes="12:00",
            timezone="Asia/Shanghai", now=now,
        )  # fmt: skip
    await chat.as_("tourist")
    await chat.send("/start")
    out = await chat.press("换个集市")
    assert len(chat.choice_ids()) <= 12 and "下一页" in out
    seen = out
    while "下一页" in chat.text:
        seen += await chat.press("下一页")
    assert all(f"第{n}集" in seen for n in range(30))
    await chat.as_("secretary")
    await chat.send("/broadcast")
    await chat.send("明天开集")
    out = await chat.press("不加照片")
    assert len([c for c in chat.choice_ids() if c.startswith("bc:aud:")]) == 4
