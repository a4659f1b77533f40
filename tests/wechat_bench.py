"""The WeChat bench of the tests: the bot served as ``marketbot run`` serves it, the WeChat server
simulator in front, the fake WeChat API behind, in safe mode over real HTTP on 127.0.0.1.

Usage::

    async with wechat(app, config, "service") as bench:
        reply = await bench.sim.text("oVisitor", "木耳")
        assert bench.api.templates == []
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

from marketbot.app import App
from marketbot.config import Config, DatabaseConfig, SecretariesConfig, WebConfig, WeChatConfig
from marketbot.neutral import Inbound, Outbound
from marketbot.platforms.base import Platform
from marketbot.platforms.wechat.adapter import WeChatPlatform
from marketbot.storage.photos import PhotoStore
from tests.telegram_harness import serving
from tests.wechat_fake_api import FakeWeChatApi
from tests.wechat_sim import WeChatSimulator


def bench_config(tmp_path: Path) -> Config:
    """The test config with a WeChat secretary and the web app on a free port."""
    return replace(
        Config(),
        database=DatabaseConfig(path=str(tmp_path / "market.db")),
        secretaries=SecretariesConfig(wechat=(SECRETARY,)),
        web=WebConfig(listen="127.0.0.1", port=0),
    )


TOKEN = "marketToken2026"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
APP_ID = "wx5f3d8c2a1b0e9d77"
SECRETARY = "oSecretary-Wang"
VISITOR = "oVisitor-Zhang"
VENDOR = "oVendor-Li"


def wechat_config(api: FakeWeChatApi, account: str, **changes: object) -> WeChatConfig:
    base = WeChatConfig(
        app_id=APP_ID,
        app_secret="secret",
        token=TOKEN,
        encoding_aes_key=AES_KEY,
        account="service" if account == "service" else "subscription",
        api_base_url=api.url,
        reminder_template="TPL-reminder" if account == "service" else "",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


class Bench:
    def __init__(self, sim: WeChatSimulator, api: FakeWeChatApi, platform: WeChatPlatform) -> None:
        self.sim, self.api, self.platform = sim, api, platform


@asynccontextmanager
async def wechat(
    app: App,
    config: Config,
    account: str,
    *,
    deadline: float = 4.0,
    core: object = None,
    beside: Sequence[Platform] = (),
) -> AsyncIterator[Bench]:
    """The bench; ``beside`` are more platforms served by the same process (the web pages)."""
    async with FakeWeChatApi.running(account) as api:
        wx = wechat_config(api, account)
        platform = WeChatPlatform(
            wx,
            core or app.core,  # type: ignore[arg-type]
            db=app.db,
            photos=PhotoStore(app.db),
            secretaries=config.secretaries,
            deadline=deadline,
            clock=app.core.services.clock,
        )
        served = [platform, *beside]
        async with serving(app, replace(config, wechat=wx), served, asyncio.Event()) as web:
            url = f"http://127.0.0.1:{web.port}{wx.path}"
            yield Bench(WeChatSimulator(url, TOKEN, AES_KEY, APP_ID, api=api), api, platform)


async def until(check: Callable[[], object], what: str) -> None:
    """Wait (at most 10 s) for something that is to happen."""
    async with asyncio.timeout(10):
        while not check():  # noqa: ASYNC110 - polling what another server records
            await asyncio.sleep(0.02)


async def held_states(app: App) -> list[str]:
    rows = await app.store._all("SELECT state FROM delivery_outbox WHERE platform = 'wechat'")
    return [str(row[0]) for row in rows]


async def wait_state(app: App, state: str) -> None:
    async with asyncio.timeout(10):
        while state not in await held_states(app):  # noqa: ASYNC110 - a database row
            await asyncio.sleep(0.02)


class SlowCore:
    """The real core behind a gate: a turn waits until the test opens it."""

    def __init__(self, app: App) -> None:
        self.core = app.core
        self.gate = asyncio.Event()
        self.outbox = None
        self.turns = 0

    def __getattr__(self, name: str) -> object:
        return getattr(self.core, name)

    async def handle(self, inbound: Inbound) -> list[Outbound]:
        self.turns += 1
        await self.gate.wait()
        return await self.core.handle(inbound)
