"""The shared web app over real HTTP on 127.0.0.1: health and readiness, routes of platforms,
bodies read with a cap, and a port that is taken explained in one paragraph."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import httpx
import pytest

from marketbot.config import WebConfig
from marketbot.platforms.base import HttpRequest, HttpResponse, Route
from marketbot.platforms.web import WebServer, WebServerError

LIMIT = 1000


async def _echo(request: HttpRequest) -> HttpResponse:
    body = await request.body(LIMIT)
    return HttpResponse(200, f"{len(body)} bytes, x-note={request.header('X-Note')}")


@pytest.fixture
async def web() -> AsyncIterator[WebServer]:
    server = WebServer(WebConfig(port=0), [Route("/echo", _echo)])
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def _client(web: WebServer) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=f"http://127.0.0.1:{web.port}", trust_env=False)


async def test_health_at_once_ready_when_marked(web: WebServer) -> None:
    assert web.port != 0
    async with _client(web) as client:
        assert (await client.get("/healthz")).status_code == 200
        starting = await client.get("/readyz")
        assert starting.status_code == 503
        web.mark_ready()
        assert (await client.get("/readyz")).status_code == 200
        assert (await client.get("/nowhere")).status_code == 404
        assert (await client.get("/echo")).status_code == 405  # routes say their methods


async def test_a_route_reads_its_body_up_to_its_cap(web: WebServer) -> None:
    async with _client(web) as client:
        ok = await client.post("/echo", content=b"x" * LIMIT, headers={"X-Note": "hi"})
        assert (ok.status_code, ok.text) == (200, "1000 bytes, x-note=hi")
        declared = await client.post("/echo", content=b"x" * (LIMIT + 1))
        assert declared.status_code == 413

        async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: read until the cap
            for _ in range(5):
                yield b"y" * 300

        streamed = await client.post("/echo", content=chunks())
        assert streamed.status_code == 413
        assert (await client.get("/healthz")).status_code == 200


async def test_stop_then_the_port_is_free_again() -> None:
    server = WebServer(WebConfig(port=0))
    await server.start()
    port = server.port
    await server.stop()
    again = WebServer(WebConfig(port=port))
    await again.start()
    await again.stop()


async def test_a_taken_port_is_explained() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = WebServer(WebConfig(listen="127.0.0.1", port=port))
        with pytest.raises(WebServerError, match=r"\[web\] port"):
            await server.start()


async def test_requests_in_progress_finish_when_it_stops() -> None:
    entered = asyncio.Event()
    release = asyncio.Event()

    async def slow(request: HttpRequest) -> HttpResponse:
        entered.set()
        await release.wait()
        return HttpResponse(200, "done")

    server = WebServer(WebConfig(port=0), [Route("/slow", slow)])
    await server.start()
    async with _client(server) as client:
        answer = asyncio.create_task(client.post("/slow"))
        await entered.wait()
        stopping = asyncio.create_task(server.stop())
        release.set()
        assert (await answer).text == "done"
        await stopping
