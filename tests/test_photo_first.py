"""A vendor snaps the goods first and says what they are after: the photo is kept for the new
product (no photo step then), or given to one of their own goods with a tap — never another's."""

from __future__ import annotations

from marketbot.app import App
from marketbot.neutral import Inbound
from tests.conftest import Chat
from tests.test_console_flows import register


async def _photo_of(app: App, stall_id: int, name: str) -> int | None:
    product = next(p for p in await app.store.products_of_stall(stall_id) if p.name == name)
    return product.photo_id


async def test_a_photo_then_name_and_price_lists_it_with_the_photo(app: App, chat: Chat) -> None:
    await chat.as_("laowei")
    out = await chat.send("#photo basket")
    assert "收到照片" in out and "核桃" in out  # its own goods offered to take the photo
    out = await chat.send("荆条筐 25一个")
    assert "请核对" in out and "有照片" in out
    await chat.press("保存")
    assert await _photo_of(app, 1, "荆条筐") is not None


async def test_a_photo_then_a_name_skips_the_photo_step(chat: Chat) -> None:
    await register(chat, "li", "李大姐沙棘")
    out = await chat.send("#photo jar")
    assert "收到照片" in out and "✖️" in out
    await chat.send("沙棘膏")
    await chat.press("蜂产品")
    await chat.send("35")
    out = await chat.press("瓶")
    assert "照片" not in out.split("\n")[0]  # straight on to the description
    assert "介绍" in out


async def test_a_photo_given_to_an_own_product(app: App, chat: Chat) -> None:
    await chat.as_("laowei")
    await chat.send("#photo walnut")
    out = await chat.press("核桃")
    assert "换上了新照片" in out
    assert await _photo_of(app, 1, "核桃") is not None


async def test_nobody_gives_a_photo_to_another_stalls_goods(app: App, chat: Chat) -> None:
    await register(chat, "li", "李大姐沙棘")
    await chat.send("#photo jar")
    walnut = next(p for p in await app.store.products_of_stall(1) if p.name == "核桃")
    forged = Inbound("console", "li", "li", choice=f"add:photofor:{walnut.id}")
    replies = await app.core.handle(forged)
    assert "换上了新照片" not in "\n".join(r.reply.text for r in replies)
    assert await _photo_of(app, 1, "核桃") == walnut.photo_id
