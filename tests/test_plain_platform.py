"""A platform declared as "numbers only, one reply per inbound, no editing, 600 bytes, cannot push"
(the shape of an unverified WeChat account) carries the whole vendor → secretary → visitor loop
through the real core and delivery engine: notices are held and handed over in the person's
next reply, every reply fits, long answers page with 0, and nothing is lost."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator

import pytest

from marketbot.app import App
from marketbot.clock import SystemClock
from marketbot.config import DeliveryConfig
from marketbot.delivery import DeliveryEngine
from marketbot.delivery.ports import Held
from marketbot.neutral import Capabilities, Inbound, Reply

PLAIN = Capabilities(
    buttons=False,
    edit=False,
    replies_per_inbound=1,
    text_limit=600,
    limit_in_bytes=True,
    documents=False,
    push=False,
    holds=True,
)


class HoldingSender:
    """A platform that cannot message anyone first: everything pushed is held."""

    platform = "plain"

    def __init__(self) -> None:
        self.attempts = 0

    async def send(self, chat_id: str, reply: Reply) -> None:
        self.attempts += 1
        raise Held("this account cannot message people first")


class Plain:
    """Talks to the core as people on the plain platform; keeps the last text each one saw."""

    def __init__(self, app: App, engine: DeliveryEngine) -> None:
        self.app = app
        self.engine = engine
        self.last: dict[str, str] = {}

    async def say(self, who: str, text: str) -> str:
        out = await self.app.core.handle(
            Inbound(platform="plain", user_id=who, chat_id=who, text=text, display_name=who)
        )
        await asyncio.wait_for(self.engine.wait_idle(), timeout=10)
        assert len(out) == 1, "one reply per inbound"
        reply = out[0].reply
        assert not reply.choices and not reply.edit and reply.photo is None
        from marketbot.neutral import html_to_plain

        text_out = html_to_plain(reply.text)
        assert len(text_out.encode("utf-8")) <= 600, text_out
        self.last[who] = text_out
        return text_out

    async def press(self, who: str, label: str) -> str:
        """Type the number shown beside the first choice whose label contains ``label``."""
        for number, shown in re.findall(r"\[(\d+)\] ([^\[\n]+)", self.last[who]):
            if label in shown:
                return await self.say(who, number)
        raise AssertionError(f"no [n] {label} in:\n{self.last[who]}")


@pytest.fixture
async def plain(app: App) -> AsyncIterator[Plain]:
    app.core.add_platform("plain", PLAIN)
    engine = DeliveryEngine(
        app.db,
        {"plain": HoldingSender()},
        DeliveryConfig(rate_per_second=1000.0, per_chat_interval=0.0),
        SystemClock(),
    )
    app.core.outbox = engine
    await engine.start()
    try:
        yield Plain(app, engine)
    finally:
        await engine.stop()
        app.core.outbox = None


async def test_the_whole_loop_on_a_numbers_only_one_reply_platform(app: App, plain: Plain) -> None:
    await plain.say("boss", "/start")
    boss = (await app.store.users_by_chat("plain", "boss"))[0]
    await app.store.set_secretary(boss.id)

    for line in ("/register", "李大姐沙棘", "李大姐", "东泉村", "13812345678"):
        await plain.say("li", line)
    out = await plain.say("li", "古法熬制，不加糖")
    assert "请核对" in out
    out = await plain.press("li", "提交")
    assert "审核" in out

    for line in ("/add", "沙棘膏"):
        await plain.say("li", line)
    await plain.press("li", "蜂产品")
    await plain.say("li", "35元/瓶")
    await plain.press("li", "跳过")
    out = await plain.press("li", "跳过")
    assert "请核对" in out
    out = await plain.press("li", "保存")
    assert "35元/瓶" in out or "已" in out

    # Stored with what it means, beside the rendered text, for platforms choosing a channel.
    rows = await app.store._all(
        "SELECT a.meaning FROM delivery_announcements a JOIN delivery_outbox o"
        " ON o.announcement_id = a.id WHERE o.chat_id = 'boss'"
    )
    assert any('"notice": "review"' in row["meaning"] for row in rows)
    # The secretary's approval request was held; it comes with the next reply, numbered on.
    out = await plain.say("boss", "你好")
    assert "李大姐沙棘" in out
    out = await plain.press("boss", "通过")
    assert "已通过" in out

    # The vendor's approval notice comes with their next reply; nothing is lost.
    out = await plain.say("li", "/help")
    assert "通过" in out

    out = await plain.say("tourist", "沙棘膏")
    assert "李大姐沙棘" in out and "35" in out


async def test_long_answers_page_with_zero_and_numbers_stay_true(app: App, plain: Plain) -> None:
    first = await plain.say("tourist", "/help")
    pages = [first]
    while "回复 0" in pages[-1]:
        pages.append(await plain.say("tourist", "0"))
        assert len(pages) < 20
    assert len(pages) >= 1
    out = await plain.say("tourist", "/start")
    numbers = re.findall(r"\[(\d+)\]", out)
    assert numbers and numbers[0] == "1"


async def test_a_pushed_notice_keeps_the_flows_numbers(app: App, plain: Plain) -> None:
    """A held notice handed over mid-flow numbers its buttons after the flow's choices."""
    await plain.say("boss", "/start")
    boss = (await app.store.users_by_chat("plain", "boss"))[0]
    await app.store.set_secretary(boss.id)
    out = await plain.say("boss", "/schedule")  # the demo market's days
    assert "逢三六九" in out
    await plain.say("boss", "0")  # the next page
    out = await plain.press("boss", "重新设置日期")  # the secretary is in a flow now
    assert "公告栏" in out

    for answer in ("/register", "王大爷山货", "王大爷", "水磨头村", "跳过", "自家山上的货"):
        await plain.say("wang", answer)
    await plain.press("wang", "提交")

    out = await plain.say("boss", "逢三六九")
    pages = [out]
    while "回复 0" in pages[-1]:
        pages.append(await plain.say("boss", "0"))
    shown = re.findall(r"\[(\d+)\] ([^\[\n]+)", "\n".join(pages))
    assert [label.strip() for _, label in shown[:3]] == ["✅ 确定", "🔄 重新输入", "✖️ 取消"]
    approve = [int(n) for n, label in shown if "通过" in label]
    assert approve and approve[0] > 3  # numbered on after the flow's choices
    out = await plain.say("boss", "1")  # still the flow's first choice: 确定
    assert "已通过" not in out and "逢三六九" in out
    out = await plain.say("boss", "通过")  # the notice's button, by its label, later on
    assert "已通过" in out


async def test_a_poster_on_a_platform_without_files_says_how_to_get_it(
    app: App, plain: Plain
) -> None:
    from marketbot.platforms.telegram.links import TelegramLinks

    app.core.services.links.register("telegram", TelegramLinks("pingyao_market_bot"), rank=1)
    await plain.say("laowei", "/start")
    laowei = (await app.store.users_by_chat("plain", "laowei"))[0]
    console = (await app.store.users_by_chat("console", "laowei"))[0]
    stall = await app.store.stall_of_owner(console.id)
    assert stall is not None
    await app.store.set_secretary(laowei.id)
    out = await plain.say("laowei", "/mystall")
    assert out
    reply = await app.core.handle(
        Inbound(platform="plain", user_id="laowei", chat_id="laowei", choice=f"sec:qr:{stall.id}")
    )
    assert "收不了文件" in reply[0].reply.text and reply[0].reply.attachment is None
