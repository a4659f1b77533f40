"""One WeChat turn against the simulator's real deadline behaviour (it gives up after its
timeout and retries, three tries in all), a product card's photo after the passive reply, and
the note told once across a restart. WeChat's 5 s and our 4 s are scaled down together (the
simulator waits 0.5 s, the bot answers ``success`` after 0.4 s) so the tests stay fast."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from marketbot.app import App
from marketbot.clock import FixedClock
from marketbot.config import Config
from marketbot.storage.photos import PhotoStore
from tests.wechat_bench import (
    SECRETARY,
    VISITOR,
    SlowCore,
    bench_config,
    until,
    wait_state,
    wechat,
)
from tests.wechat_fake_api import PNG
from tests.wechat_sim import ReplyError

SIM_TIMEOUT = 0.5
"""WeChat's 5 s, scaled."""
DEADLINE = 0.4
"""The bot's 4 s, scaled the same."""


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return bench_config(tmp_path)


async def test_a_slow_turn_answers_success_in_time_then_a_customer_service_message(
    app: App, config: Config
) -> None:
    slow = SlowCore(app)
    async with wechat(app, config, "service", deadline=DEADLINE, core=slow) as bench:
        slow.outbox = app.core.outbox  # type: ignore[assignment]
        bench.sim.timeout = SIM_TIMEOUT
        reply = await bench.sim.text(VISITOR, "木耳")
        assert reply is None  # "success" on the first try: WeChat neither retries nor bubbles
        assert bench.sim.tries == [1]
        slow.gate.set()
        await until(lambda: bench.api.texts_to(VISITOR), "the late answer")
        late = bench.api.texts_to(VISITOR)[0]
        assert "山木耳" in late and "[1] " in late and "weixin://" not in late
        assert slow.turns == 1


async def test_a_slow_turn_on_a_subscription_account_is_held_for_the_next_message(
    app: App, config: Config
) -> None:
    slow = SlowCore(app)
    async with wechat(app, config, "subscription", deadline=DEADLINE, core=slow) as bench:
        slow.outbox = app.core.outbox  # type: ignore[assignment]
        bench.sim.timeout = SIM_TIMEOUT
        assert await bench.sim.text(VISITOR, "木耳") is None
        assert bench.sim.tries == [1]
        slow.gate.set()
        await wait_state(app, "held")
        reply = await bench.sim.text(VISITOR, "/help")
        assert reply is not None and "山木耳" in reply  # handed over with the next answer
    assert bench.api.calls == []


async def test_the_simulator_shows_the_error_bubble_when_the_bot_misses_wechats_deadline(
    app: App, config: Config
) -> None:
    """The simulator enforces the deadline: a bot answering later than WeChat waits gets
    three tries and then the error bubble (and the turn still ran once)."""
    slow = SlowCore(app)
    async with wechat(app, config, "subscription", deadline=2 * SIM_TIMEOUT, core=slow) as bench:
        bench.sim.timeout = SIM_TIMEOUT
        with pytest.raises(ReplyError, match="error bubble"):
            await bench.sim.text(VISITOR, "木耳")
        assert slow.turns == 1 and bench.platform.callback.turns_started == 1
        slow.gate.set()


async def test_a_product_card_photo_follows_the_reply_as_an_image_uploaded_once(
    app: App, config: Config, clock: FixedClock
) -> None:
    stall = await app.store.stall_by_name(1, "老魏山货")
    assert stall is not None
    product = next(p for p in await app.store.products_of_stall(stall.id) if p.name == "山木耳")
    photo = await PhotoStore(app.db).save(PNG, platform="test", file_id="x", now=clock.now())
    await app.store.update_product(product.id, clock.now(), photo_id=photo)

    def images() -> list[str]:
        return [m["image"]["media_id"] for m in bench.api.custom if m["msgtype"] == "image"]

    async with wechat(app, config, "service") as bench:
        await bench.sim.follow(VISITOR, scene=f"stall_{stall.id}")
        reply = await bench.sim.press(VISITOR, "山木耳")
        assert reply is not None and "45元/斤" in reply and "📷" not in reply
        await until(lambda: len(images()) == 1, "the photo")
        # Shown again two days later: the media id is reused, no upload.
        clock.advance(timedelta(days=2))
        await bench.sim.text(VISITOR, "1")  # back to the stall ...
        await bench.sim.press(VISITOR, "山木耳")  # ... and the product again
        await until(lambda: len(images()) == 2, "the photo again")
        assert images()[0] == images()[1]
        assert bench.api.calls.count("/cgi-bin/media/upload") == 1
        # Three days after the upload WeChat has forgotten it: uploaded anew.
        clock.advance(timedelta(days=1))
        await bench.sim.text(VISITOR, "1")
        await bench.sim.press(VISITOR, "山木耳")
        await until(lambda: len(images()) == 3, "the photo a third time")
        assert bench.api.calls.count("/cgi-bin/media/upload") == 2
        assert images()[2] != images()[0]


async def test_a_subscription_account_tells_its_limits_once_even_across_a_restart(
    app: App, config: Config
) -> None:
    async with wechat(app, config, "subscription") as bench:
        reply = await bench.sim.text(SECRETARY, "你好")
        assert reply is not None and "订阅号" in reply and "weixin://" not in reply
    async with wechat(app, config, "subscription") as bench:  # the restarted process
        reply = await bench.sim.text(SECRETARY, "/help")
        assert reply is not None and "订阅号" not in reply
