"""The web server's failures as events an operator watches, over real HTTP on 127.0.0.1: a
webhook that raises is answered 500 and logged ``webhook.error`` (type and frames, never the
body nor the exception's message), a webhook refused (4xx) ``webhook.refused``, a page that
raises ``page.error``; a page's 404 is no event."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import httpx
import pytest

from marketbot.config import WebConfig
from marketbot.platforms.base import HttpRequest, HttpResponse, Route
from marketbot.platforms.web import WebServer

PRIVATE = "我的电话 13800138000"


async def _crash(request: HttpRequest) -> HttpResponse:
    body = await request.body(1000)
    raise ValueError(body.decode())  # a message quoting what a person wrote


async def _refuse(request: HttpRequest) -> HttpResponse:
    return HttpResponse(403, "wrong secret")


async def _missing(request: HttpRequest) -> HttpResponse:
    return HttpResponse(404, "no such stall")


@pytest.fixture
async def web() -> AsyncIterator[httpx.AsyncClient]:
    routes = [
        Route("/hook", _crash),
        Route("/guarded", _refuse),
        Route("/page", _crash, methods=("GET",)),
        Route("/stall", _missing, methods=("GET",)),
    ]
    server = WebServer(WebConfig(port=0), routes)
    await server.start()
    try:
        url = f"http://127.0.0.1:{server.port}"
        async with httpx.AsyncClient(base_url=url, trust_env=False) as client:
            yield client
    finally:
        await server.stop()


def _events(caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    return [
        {k: r.__dict__.get(k) for k in ("event", "method", "path", "status", "error")}
        for r in caplog.records
        if "event" in r.__dict__
    ]


async def test_failures_and_refusals_are_events(
    web: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="marketbot.platforms.web.server"):
        crashed = await web.post("/hook", content=PRIVATE.encode())
        refused = await web.post("/guarded", content=b"{}")
        page = await web.get("/page")
        missing = await web.get("/stall")
    assert [crashed.status_code, refused.status_code, page.status_code, missing.status_code] == [
        500,
        403,
        500,
        404,
    ]
    assert PRIVATE not in crashed.text
    assert _events(caplog) == [
        {
            "event": "webhook.error",
            "method": "POST",
            "path": "/hook",
            "status": 500,
            "error": "ValueError",
        },
        {
            "event": "webhook.refused",
            "method": "POST",
            "path": "/guarded",
            "status": 403,
            "error": None,
        },
        {
            "event": "page.error",
            "method": "GET",
            "path": "/page",
            "status": 500,
            "error": "ValueError",
        },
    ]
    crash = next(r for r in caplog.records if r.__dict__.get("event") == "webhook.error")
    assert "_crash" in str(crash.__dict__["frames"])  # where it happened
    everything = caplog.text + "".join(str(r.__dict__) for r in caplog.records)
    assert "13800138000" not in everything
