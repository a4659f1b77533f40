"""A secretary's broadcast on WeChat, end to end (safe mode over real HTTP on 127.0.0.1): the
preview says how many get it now and how many wait, and why; on a 服务号 customer-service
messages inside the 48-hour window and one mass message outside it, within each follower's
allowance of 4 a month; on a 订阅号 everything is held; the report separates sent, held and
unreachable."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest

from marketbot.app import App
from marketbot.clock import FixedClock
from marketbot.config import Config
from marketbot.storage.push_state import AllowanceStore
from tests.wechat_bench import SECRETARY, VISITOR, Bench, bench_config, until, wechat

OLD = ("oOld-1", "oOld-2")
"""Subscribers who last wrote three days ago: outside the 48-hour window."""
SPENT = "oSpent"
"""…and one whose four mass messages of December are used."""
LEFT = "oLeft"
"""…and one who unfollowed."""


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return bench_config(tmp_path)


async def _people(bench: Bench, app: App, clock: FixedClock) -> None:
    """Five subscribers of the market (see above) and the secretary, all written to now."""
    for openid in (*OLD, SPENT, LEFT):
        reply = await bench.sim.text(openid, "/subscribe")
        assert reply is not None and "会提醒您" in reply
    await bench.sim.event(LEFT, "unsubscribe")
    three_days = timedelta(days=3)
    clock.advance(three_days)
    bench.api.now += three_days.total_seconds()
    for month_used in range(4):  # WeChat's count and ours agree
        await AllowanceStore(app.db).record(
            "wechat", [SPENT], 900 + month_used, "2026-12", clock.now()
        )
    bench.api.mass_received[(SPENT, "2026-12")] = 4
    reply = await bench.sim.text(VISITOR, "/subscribe")
    assert reply is not None and "会提醒您" in reply


async def _compose(bench: Bench) -> str:
    """The secretary's broadcast to the market's subscribers, up to the preview."""
    sim = bench.sim
    await sim.text(SECRETARY, "/broadcast")
    await sim.text(SECRETARY, "本周六加开一场集，早上七点开始")
    await sim.press(SECRETARY, "不加照片")
    reply = await sim.press(SECRETARY, "订阅了")
    assert reply is not None and "共 5 人" in reply
    return reply


async def test_on_a_service_account_a_broadcast_goes_now_by_mass_message_or_waits(
    app: App, config: Config, clock: FixedClock
) -> None:
    async with wechat(app, config, "service") as bench:
        await _people(bench, app, clock)
        preview = await _compose(bench)
        # The budget before sending: the visitor (window) and the two old ones (one mass
        # message) now; the spent one waits; the one who left gets nothing.
        assert "现在就能收到：3 人" in preview
        assert "群发次数已用完，等他们下次发消息时再给：1 人" in preview
        assert "已经取消关注，收不到：1 人" in preview
        assert "现在没法主动发给他们" not in preview

        await bench.sim.press(SECRETARY, "现在发送")
        await until(
            lambda: any("发送完毕" in text for text in bench.api.texts_to(SECRETARY)),
            "the report",
        )
    report = next(text for text in bench.api.texts_to(SECRETARY) if "发送完毕" in text)
    assert "送达：3\n" in report
    assert "无法送达（对方屏蔽了机器人或已注销）：1" in report
    assert "转交（这个平台不能主动发给他们）：1" in report
    # One mass message to both old subscribers (an OpenID list needs two); the visitor got a
    # customer-service message; nobody got it twice; the allowance is counted.
    assert [sorted(m["touser"]) for m in bench.api.mass] == [sorted(OLD)]
    assert "本周六加开一场集" in bench.api.mass[0]["text"]["content"]
    assert any("本周六加开一场集" in text for text in bench.api.texts_to(VISITOR))
    assert all(not bench.api.texts_to(openid) for openid in OLD)
    used = await AllowanceStore(app.db).used("wechat", [*OLD, SPENT, VISITOR], "2026-12")
    assert used == {OLD[0]: 1, OLD[1]: 1, SPENT: 4}
    states = await app.store._all(
        "SELECT chat_id, state FROM delivery_outbox o JOIN delivery_announcements a"
        " ON a.id = o.announcement_id WHERE a.kind = 'broadcast'"
    )
    assert dict((str(r[0]), str(r[1])) for r in states) == {
        VISITOR: "sent",
        OLD[0]: "sent",
        OLD[1]: "sent",
        SPENT: "held",
        LEFT: "unreachable",
    }


async def test_a_new_month_gives_the_allowance_back(
    app: App, config: Config, clock: FixedClock
) -> None:
    async with wechat(app, config, "service") as bench:
        await _people(bench, app, clock)
        clock.advance(timedelta(days=31))  # January in Shanghai: four again for everyone
        bench.api.now += 31 * 86400
        bench.api.month = "2027-01"
        preview = await _compose(bench)
        # The visitor's window closed too: all four who follow get one mass message.
        assert "现在就能收到：4 人" in preview
        assert "用完" not in preview


async def test_on_a_subscription_account_a_broadcast_is_held_and_its_report_too(
    app: App, config: Config, clock: FixedClock
) -> None:
    async with wechat(app, config, "subscription") as bench:
        await _people(bench, app, clock)
        preview = await _compose(bench)
        assert "现在就能收到：0 人" in preview
        assert "现在没法主动发给他们，等他们下次发消息时再给：4 人" in preview
        assert "已经取消关注，收不到：1 人" in preview
        started = await bench.sim.press(SECRETARY, "现在发送")
        # no message is edited here: no progress "above", the report comes when it is done
        assert started is not None and "发完后会把结果告诉您" in started
        assert "上面的消息" not in started

        async def report_held() -> bool:
            rows = await app.store._all(
                "SELECT 1 FROM delivery_outbox o JOIN delivery_announcements a"
                " ON a.id = o.announcement_id WHERE o.chat_id = ? AND o.state = 'held'"
                " AND a.meaning LIKE '%report%'",
                (SECRETARY,),
            )
            return bool(rows)

        async with asyncio.timeout(10):
            while not await report_held():  # noqa: ASYNC110 - a database row
                await asyncio.sleep(0.02)
        # The report comes with the secretary's next reply.
        reply = await bench.sim.text(SECRETARY, "/help")
        assert reply is not None and "发送完毕" in reply
        assert "送达：0" in reply and "转交（这个平台不能主动发给他们）：4" in reply
        assert "无法送达（对方屏蔽了机器人或已注销）：1" in reply
        # The visitor's copy waits for their next message.
        reply = await bench.sim.text(VISITOR, "木耳")
        assert reply is not None and "本周六加开一场集" in reply
    assert bench.api.calls == [] and bench.api.mass == []


async def test_a_mass_message_wechat_refuses_spends_no_allowance(
    app: App, config: Config, clock: FixedClock
) -> None:
    """Configured as a 服务号 but not verified: WeChat answers 48001; nothing is counted."""
    async with wechat(app, config, "service") as bench:
        await _people(bench, app, clock)
        await _compose(bench)
        bench.api.account = "subscription"  # what WeChat really thinks of the account
        await bench.sim.press(SECRETARY, "现在发送")

        async def states() -> dict[str, str]:
            rows = await app.store._all(
                "SELECT chat_id, state FROM delivery_outbox o JOIN delivery_announcements a"
                " ON a.id = o.announcement_id WHERE a.kind = 'broadcast'"
            )
            return {str(r[0]): str(r[1]) for r in rows}

        async with asyncio.timeout(10):
            while {"pending", "sending"} & set((await states()).values()):  # noqa: ASYNC110
                await asyncio.sleep(0.02)
    # the first refused; the second, alone now, cannot get a mass message: it waits
    final = await states()
    assert sorted(final[chat] for chat in OLD) == ["failed", "held"]
    assert bench.api.mass == []
    used = await AllowanceStore(app.db).used("wechat", [*OLD, SPENT], "2026-12")
    assert used == {SPENT: 4}
