"""Posters on WeChat: a chat there cannot carry a PDF, so the secretary gets a link to the
poster on the market's web pages (served by the same web app), or a kind explanation when no
``[web] public_url`` is configured."""

from __future__ import annotations

import re
import socket
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from marketbot.app import App
from marketbot.config import Config, WebConfig
from marketbot.platforms.web.pages.site import WebPages
from tests.wechat_bench import SECRETARY, bench_config, wechat
from tests.wechat_sim import WeChatSimulator


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


PORT = _free_port()


@pytest.fixture
def config(tmp_path: Path, request: pytest.FixtureRequest) -> Config:
    base = bench_config(tmp_path)
    if "no_web" in request.node.name:
        return base
    public = f"http://127.0.0.1:{PORT}"
    return replace(base, web=WebConfig(listen="127.0.0.1", port=PORT, public_url=public))


async def _ask_for_the_market_poster(sim: WeChatSimulator, button: str = "集市海报") -> str:
    await sim.text(SECRETARY, "/start")
    reply = await sim.press(SECRETARY, "书记管理")
    reply = await sim.press(SECRETARY, button)
    assert reply is not None
    return reply


async def test_the_secretary_gets_a_link_to_the_poster_on_the_web_pages(
    app: App, config: Config
) -> None:
    pages = WebPages(app.core.services, app.db)
    async with wechat(app, config, "service", beside=[pages]) as bench:
        reply = await _ask_for_the_market_poster(bench.sim)
        found = re.search(r"http://127\.0\.0\.1:\d+/poster/market_1\.pdf", reply)
        assert found is not None, reply
        async with httpx.AsyncClient(trust_env=False, timeout=30) as client:
            poster = await client.get(found[0])
            missing = await client.get(f"http://127.0.0.1:{PORT}/poster/stall_9999.pdf")
            odd = await client.get(f"http://127.0.0.1:{PORT}/poster/..%2Fmarket.db")
    assert poster.status_code == 200 and poster.content.startswith(b"%PDF")
    assert poster.headers["content-type"] == "application/pdf"
    assert missing.status_code == 404 and odd.status_code == 404


async def test_the_market_qr_code_comes_as_a_link_too_never_a_word_of_another_app(
    app: App, config: Config
) -> None:
    pages = WebPages(app.core.services, app.db)
    async with wechat(app, config, "service", beside=[pages]) as bench:
        await bench.platform.links.prepare("market", 1)  # type: ignore[union-attr]
        reply = await _ask_for_the_market_poster(bench.sim, "集市二维码")
        found = re.search(r"http://127\.0\.0\.1:\d+/poster/market_1\.png", reply)
        assert found is not None, reply
        assert "Telegram" not in reply
        async with httpx.AsyncClient(trust_env=False, timeout=30) as client:
            code = await client.get(found[0])
            hidden = await client.get(f"http://127.0.0.1:{PORT}/poster/stall_9999.png")
    assert code.status_code == 200 and code.content.startswith(b"\x89PNG")
    assert code.headers["content-type"] == "image/png"
    assert hidden.status_code == 404


async def test_without_web_pages_the_secretary_is_told_kindly_no_web(
    app: App, config: Config
) -> None:
    async with wechat(app, config, "service") as bench:
        # the poster's code is the account's parametric QR code (made once, in the background)
        await bench.platform.links.prepare("market", 1)  # type: ignore[union-attr]
        reply = await _ask_for_the_market_poster(bench.sim)
    assert "public_url" in reply and "海报" in reply and "抱歉" in reply
