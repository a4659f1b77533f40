"""The WeChat callback refuses what WeChat did not send, over real HTTP on 127.0.0.1 in safe
mode: forged signatures, stale timestamps, replays, XXE and billion-laughs bodies, another
AppID, plaintext where encryption is configured and oversized bodies; each with a test."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from marketbot.app import App
from marketbot.config import Config
from marketbot.platforms.wechat.callback import MAX_BODY
from marketbot.platforms.wechat.crypto import MessageCrypto, sign
from marketbot.platforms.wechat.wire import cdata
from tests.wechat_bench import AES_KEY, TOKEN, VISITOR, Bench, bench_config, wechat
from tests.wechat_sim import ACCOUNT

XXE = (
    '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    "<xml><ToUserName>x</ToUserName><Encrypt>&e;</Encrypt></xml>"
)
LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;">]>'
    "<xml><Encrypt>&d;</Encrypt></xml>"
)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return bench_config(tmp_path)


def _query(timestamp: int | None = None, **extra: str) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    nonce = "271828"
    return {"signature": sign(TOKEN, stamp, nonce), "timestamp": stamp, "nonce": nonce, **extra}


async def _post(bench: Bench, query: dict[str, str], body: bytes) -> httpx.Response:
    return await bench.sim.post(query, body)


async def test_url_verification_echoes_only_with_the_right_signature(
    app: App, config: Config
) -> None:
    async with (
        wechat(app, config, "subscription") as bench,
        httpx.AsyncClient(timeout=5) as client,
    ):
        good = await client.get(bench.sim.url, params=_query(echostr="echo123"))
        assert good.status_code == 200 and good.text == "echo123"
        forged = {**_query(echostr="echo123"), "signature": "0" * 40}
        bad = await client.get(bench.sim.url, params=forged)
        assert bad.status_code == 403 and "echo123" not in bad.text


async def test_forged_signatures_are_refused(app: App, config: Config) -> None:
    async with wechat(app, config, "subscription") as bench:
        sim = bench.sim
        query, body = sim.signed(sim.message_xml(VISITOR, "text", Content="木耳"))
        assert (await _post(bench, {**query, "signature": "f" * 40}, body)).status_code == 403
        assert (await _post(bench, {**query, "msg_signature": "f" * 40}, body)).status_code == 403
        del query["signature"]
        assert (await _post(bench, query, body)).status_code == 403
        assert bench.platform.callback.turns_started == 0


# ±300 s is accepted; 10 s beyond it, as a loaded machine may take a second to check
@pytest.mark.parametrize("skew", [-310, 310, -86400])
async def test_stale_timestamps_are_refused(app: App, config: Config, skew: int) -> None:
    async with wechat(app, config, "subscription") as bench:
        sim = bench.sim
        xml = sim.message_xml(VISITOR, "text", Content="木耳")
        query, body = sim.signed(xml, timestamp=int(time.time()) + skew)
        response = await _post(bench, query, body)
        assert response.status_code == 403
        assert bench.platform.callback.turns_started == 0


async def test_a_replayed_request_runs_nothing_again(app: App, config: Config) -> None:
    async with wechat(app, config, "subscription") as bench:
        sim = bench.sim
        query, body = sim.signed(sim.message_xml(VISITOR, "text", Content="/subscribe"))
        first = sim.check(await _post(bench, query, body), VISITOR, query)
        again = sim.check(await _post(bench, query, body), VISITOR, query)
        assert first is not None and first == again
        assert bench.platform.callback.turns_started == 1
        # The same message re-signed with a new timestamp is the same message: still once.
        query2, body2 = sim.signed(sim.crypto.decrypt(_encrypt_of(body)))
        assert sim.check(await _post(bench, query2, body2), VISITOR, query2) == first
        assert bench.platform.callback.turns_started == 1


def _encrypt_of(body: bytes) -> str:
    text = body.decode()
    return text.split("<Encrypt><![CDATA[", 1)[1].split("]]>", 1)[0]


@pytest.mark.parametrize("hostile", [XXE, LAUGHS], ids=["xxe", "billion-laughs"])
async def test_entity_bodies_are_refused(app: App, config: Config, hostile: str) -> None:
    async with wechat(app, config, "subscription") as bench:
        # outside the encryption
        response = await _post(bench, _query(encrypt_type="aes"), hostile.encode())
        assert response.status_code == 400
        # inside it, correctly encrypted and signed
        query, body = bench.sim.signed(hostile)
        assert (await _post(bench, query, body)).status_code == 403
        assert bench.platform.callback.turns_started == 0


async def test_a_message_for_another_appid_is_refused(app: App, config: Config) -> None:
    async with wechat(app, config, "subscription") as bench:
        other = MessageCrypto(TOKEN, AES_KEY, "wx0000000000000000")
        sealed = other.encrypt(bench.sim.message_xml(VISITOR, "text", Content="木耳"))
        query = _query(encrypt_type="aes")
        query["msg_signature"] = sign(TOKEN, query["timestamp"], query["nonce"], sealed)
        body = f"<xml><ToUserName>{cdata(ACCOUNT)}</ToUserName><Encrypt>{cdata(sealed)}</Encrypt>"
        response = await _post(bench, query, (body + "</xml>").encode())
        assert response.status_code == 403
        assert bench.platform.callback.turns_started == 0


async def test_plaintext_is_refused_where_encryption_is_configured(
    app: App, config: Config
) -> None:
    async with wechat(app, config, "subscription") as bench:
        xml = bench.sim.message_xml(VISITOR, "text", Content="木耳")
        response = await _post(bench, _query(), xml.encode())
        assert response.status_code == 403
        assert bench.platform.callback.turns_started == 0


async def test_oversized_bodies_are_refused(app: App, config: Config) -> None:
    async with wechat(app, config, "subscription") as bench:
        big = b"<xml><Encrypt>" + b"A" * MAX_BODY + b"</Encrypt></xml>"
        response = await _post(bench, _query(encrypt_type="aes"), big)
        assert response.status_code == 413

        async def stream() -> AsyncIterator[bytes]:  # no Content-Length: cut once over the cap
            for _ in range(64):
                yield b"B" * 4096

        async with httpx.AsyncClient(timeout=5) as client:
            try:
                chunked = await client.post(
                    bench.sim.url, params=_query(encrypt_type="aes"), content=stream()
                )
            except httpx.ReadError:
                pass  # the server hung up while we still sent: refused all the same
            else:
                assert chunked.status_code == 413
        assert bench.platform.callback.turns_started == 0
