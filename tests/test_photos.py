"""Photos stored once as bytes: a photo a vendor sent on Telegram shows in the terminal and on
any platform, a terminal photo is uploaded to Telegram once and its file id reused, and photos
from before (platform ids only) keep working after the migration."""

from __future__ import annotations

from pathlib import Path

from marketbot.app import App
from marketbot.domain.model import StallStatus
from marketbot.storage.db import Database
from marketbot.storage.market_data import NewStall
from marketbot.storage.photos import PhotoStore
from tests.conftest import Chat
from tests.fake_bot_api import FakeBotApi
from tests.old_schema import schema_before
from tests.telegram_harness import telegram_harness

VENDOR, TOURIST = 1001, 3003
JAR = b"\xff\xd8\xff\xe0 a jpeg of a jar of sea-buckthorn paste"


async def _list_with_photo_on_telegram(app: App, api: FakeBotApi) -> int:
    api.files["AgACjar"] = JAR
    now = app.core.services.clock.now()
    async with telegram_harness(app.core, api=api) as tg:
        await tg.say(VENDOR, "/start")
        vendor = (await app.store.users_by_platform_ids("telegram", [str(VENDOR)]))[0]
        market = (await app.store.markets())[0]
        stall = await app.store.submit_stall(
            owner_id=vendor.id,
            market_id=market.id,
            stall=NewStall("李大姐沙棘", "李大姐", "东泉村", None, ""),
            now=now,
        )
        assert stall is not None
        await app.store.set_stall_status(
            stall.id,
            expected=[StallStatus.PENDING],
            new=StallStatus.APPROVED,
            reviewer_id=vendor.id,
            now=now,
        )
        await tg.say(VENDOR, "/add")
        await tg.say(VENDOR, "沙棘膏")
        await tg.press(VENDOR, "蜂产品")
        await tg.say(VENDOR, "35元/瓶")
        await tg.say(VENDOR, photo="AgACjar")
        await tg.press(VENDOR, "跳过")
        await tg.press(VENDOR, "✅ 保存")
    product = next(p for p in await app.store.products_of_stall(stall.id) if p.name == "沙棘膏")
    assert product.photo_id is not None
    return product.photo_id


async def _list_walnuts_in_the_terminal(chat: Chat) -> None:
    await chat.as_("laowei")
    await chat.send("/add")
    await chat.send("山核桃")
    await chat.press("干果")
    await chat.send("20元一斤")
    await chat.send("#photo walnuts")
    await chat.press("跳过")
    await chat.press("保存")


async def test_a_telegram_photo_is_stored_once_and_shows_in_the_terminal(
    app: App, chat: Chat
) -> None:
    photo_id = await _list_with_photo_on_telegram(app, FakeBotApi())
    photos = PhotoStore(app.db)
    assert (
        await photos.data(photo_id) == b"\xff\xd8\xff\xe0 a jpeg of a jar of sea-buckthorn paste"
    )
    assert await photos.file_id(photo_id, "telegram") == "AgACjar"
    await chat.as_("tourist")
    await chat.send("沙棘膏")
    out = await chat.press("沙棘膏")
    assert f"[📷 #{photo_id}]" in out and "35元/瓶" in out


async def test_a_terminal_photo_is_uploaded_to_telegram_once(app: App, chat: Chat) -> None:
    await _list_walnuts_in_the_terminal(chat)
    api = FakeBotApi()
    async with telegram_harness(app.core, api=api) as tg:
        for _ in range(2):
            await tg.say(TOURIST, "山核桃")
            await tg.press(TOURIST, "山核桃 · 老魏山货")
    uploads = [c for c in api.calls_to("sendPhoto") if c.files]
    by_id = [c for c in api.calls_to("sendPhoto") if not c.files]
    assert len(uploads) == 1 and by_id  # the second time Telegram's own file id is used


async def test_photos_from_before_keep_their_platform_ids(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with schema_before(path, 8) as conn:
        conn.execute(
            "INSERT INTO markets (name, place, opens, closes, timezone, created_at)"
            " VALUES ('集', '村', '08:00', '13:00', 'Asia/Shanghai', 'x')"
        )
        conn.execute(
            "INSERT INTO users (platform, platform_user_id, chat_id, display_name, created_at,"
            " last_seen_at) VALUES ('telegram', '1', '1', 'a', 'x', 'x')"
        )
        conn.execute(
            "INSERT INTO stalls (market_id, owner_id, name, vendor_name, village, intro, status,"
            " created_at, updated_at) VALUES (1, 1, '摊', '人', '村', '', 'approved', 'x', 'x')"
        )
        conn.execute(
            "INSERT INTO products (stall_id, name, category, price_fen, unit, photo,"
            " photo_platform, description, in_stock, created_at, updated_at)"
            " VALUES (1, '黄精', 'yaocai', 5000, '斤', 'AgACold', 'telegram', '', 1, 'x', 'x')"
        )
    db = await Database.open(path)
    try:
        async with db.conn.execute("SELECT photo_id FROM products") as cursor:
            (photo_id,) = await cursor.fetchone()  # type: ignore[misc]
        photos = PhotoStore(db)
        assert await photos.file_id(photo_id, "telegram") == "AgACold"
        assert await photos.data(photo_id) is None
    finally:
        await db.close()


async def test_a_products_photo_is_printed_on_the_stall_poster(app: App, chat: Chat) -> None:
    import io

    from pypdf import PdfReader

    from marketbot.printouts.printing import Printer

    await _list_walnuts_in_the_terminal(chat)
    app.core.services.links.register("web", _Fixed(), rank=0)
    _, pdf = await Printer(app.store, app.core.services.links).stall_poster(1)
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert len(page.images) == 1
    assert "example.cn/stall/1" in page.extract_text()


class _Fixed:
    def link(self, kind: str, ident: int) -> str:
        return f"https://ganji.example.cn/{kind}/{ident}"
