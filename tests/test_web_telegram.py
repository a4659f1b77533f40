"""Telegram's webhook through the shared web app, over real HTTP on 127.0.0.1: the real
Application and core behind it, the fake Bot API in front of the bot.

Nobody without the secret makes the bot read a byte; nobody with it makes the bot hold more
than a megabyte per request, even six at once; a real update is answered by the bot before the
webhook answers 200.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import tracemalloc
from collections.abc import AsyncIterator
from dataclasses import replace

import httpx
import pytest

from marketbot.app import App
from marketbot.config import Config, TelegramConfig, WebConfig
from marketbot.platforms.telegram.adapter import TelegramPlatform
from marketbot.platforms.telegram.webhook import MAX_BODY, SECRET_HEADER
from marketbot.platforms.web import WebServer
from tests.fake_bot_api import FAKE_TOKEN, FakeBotApi, message_update
from tests.telegram_harness import serving

SECRET = "s3cret-Token_for_tests"
USER = 4242
MB = 1024 * 1024


@pytest.fixture
def api() -> FakeBotApi:
    return FakeBotApi()


@pytest.fixture
async def web(app: App, config: Config, api: FakeBotApi) -> AsyncIterator[WebServer]:
    config = replace(
        config,
        telegram=TelegramConfig(
            token=FAKE_TOKEN,
            mode="webhook",
            webhook_path="tg/hook",
            webhook_url="https://market.example/tg/hook",
            webhook_secret=SECRET,
        ),
        web=WebConfig(listen="127.0.0.1", port=0),
    )
    platform = TelegramPlatform(config.telegram, app.core, request=api)
    async with serving(app, config, [platform], asyncio.Event()) as server:
        yield server


async def _exchange(
    port: int, head: str, *, body_bytes: int = 0, chunked: bool = False
) -> tuple[int | None, int]:
    """Send a request head, then up to ``body_bytes`` of body (64 KB at a time, stopping as soon
    as the server answers or hangs up); returns (status, body bytes the server let us send).

    The status is None when the server reset the connection before its answer could be read
    (closing a socket with unread data sends a reset, which may overtake the answer)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(head.encode("latin-1") + b"\r\n")
    status_line = asyncio.create_task(reader.readline())
    block = b"x" * (64 * 1024)
    frame = f"{len(block):x}\r\n".encode() + block + b"\r\n" if chunked else block
    sent = 0
    line = b""
    try:
        async with asyncio.timeout(20):
            with contextlib.suppress(ConnectionError):
                while sent < body_bytes and not status_line.done():
                    writer.write(frame)
                    await writer.drain()
                    sent += len(block)
            with contextlib.suppress(ConnectionError):
                line = await status_line
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()
    if not line:
        assert body_bytes, "the server hung up without answering"
        return None, sent
    return int(line.split()[1]), sent


def _head(secret: str | None, *, length: int | None = None, path: str = "/tg/hook") -> str:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json"]
    if secret is not None:
        lines.append(f"{SECRET_HEADER}: {secret}")
    chunked = "Transfer-Encoding: chunked"
    lines.append(f"Content-Length: {length}" if length is not None else chunked)
    return "\r\n".join(lines) + "\r\n"


async def test_health_and_ready_once_telegram_runs(web: WebServer, api: FakeBotApi) -> None:
    async with httpx.AsyncClient(trust_env=False) as client:
        base = f"http://127.0.0.1:{web.port}"
        assert (await client.get(f"{base}/healthz")).status_code == 200
        assert (await client.get(f"{base}/readyz")).status_code == 200
    assert api.webhook is not None
    assert api.webhook["url"] == "https://market.example/tg/hook"
    assert api.webhook["secret_token"] == SECRET
    assert api.webhook["allowed_updates"] == ["message", "callback_query", "inline_query"]


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET[:-1], SECRET + "x"])
async def test_without_the_secret_nothing_is_read(web: WebServer, secret: str | None) -> None:
    # 50 MB announced and not one byte sent: an answer proves the body was never waited for.
    status, _ = await _exchange(web.port, _head(secret, length=50 * MB))
    assert status == 403


async def test_an_announced_large_body_is_refused_unread(web: WebServer) -> None:
    status, _ = await _exchange(web.port, _head(SECRET, length=MAX_BODY + 1))
    assert status == 413


async def test_six_large_uploads_at_once_stay_small(web: WebServer, api: FakeBotApi) -> None:
    """Six concurrent 32 MB uploads without Content-Length: each is cut off after about a
    megabyte, and the process's memory grows by far less than what was offered."""
    offered = 32 * MB
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        results = await asyncio.gather(
            *(
                _exchange(web.port, _head(SECRET), body_bytes=offered, chunked=True)
                for _ in range(6)
            )
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert {status for status, _ in results} <= {413, None}  # None: reset while uploading
    assert all(sent < offered / 4 for _, sent in results), results
    assert peak - before < 16 * MB, f"memory grew by {(peak - before) / MB:.1f} MB"
    async with httpx.AsyncClient(trust_env=False) as client:  # and the bot still answers
        update = message_update(USER, "/start")
        answer = await client.post(
            f"http://127.0.0.1:{web.port}/tg/hook", json=update, headers={SECRET_HEADER: SECRET}
        )
    assert answer.status_code == 200
    assert any("欢迎来赶集" in text for text in api.sent_texts(USER))


async def test_an_update_is_answered_by_the_bot_before_the_webhook_says_ok(
    web: WebServer, api: FakeBotApi
) -> None:
    url = f"http://127.0.0.1:{web.port}/tg/hook"
    headers = {SECRET_HEADER: SECRET}
    async with httpx.AsyncClient(trust_env=False) as client:
        answer = await client.post(url, json=message_update(USER, "/start"), headers=headers)
        assert answer.status_code == 200
        # already sent when the webhook answered: no waiting needed
        assert any("欢迎来赶集" in text for text in api.sent_texts(USER))
        answer = await client.post(url, json=message_update(USER, "沙棘膏多少钱"), headers=headers)
        assert answer.status_code == 200
        assert "38元/瓶" in api.last_text(USER)
        assert (await client.post(url, content=b"{not json", headers=headers)).status_code == 400
        not_update = json.dumps({"hello": 1}).encode()
        assert (await client.post(url, content=not_update, headers=headers)).status_code == 400
        assert (await client.get(url, headers=headers)).status_code == 405
