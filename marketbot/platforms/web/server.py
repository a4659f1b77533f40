"""The one web app every HTTP platform shares: a Starlette app served by uvicorn.

Platforms hand it their :class:`~marketbot.platforms.base.Route` values (Telegram's webhook now,
WeChat's callback and the market's pages next); it adds

* ``GET /healthz`` — 200 while the process serves (liveness);
* ``GET /readyz`` — 503 until :meth:`WebServer.mark_ready` (every platform started), then 200;
* ``GET /status`` — the deployment's status as JSON (:mod:`marketbot.services.status`: version,
  process owner, database, outbox depth, leases; no user data) when a reader is given. Keep it
  to the operators' network at the reverse proxy.

A route that raises, or answers 5xx, is logged as the event ``webhook.error`` (a ``POST``: a
platform's webhook or callback) or ``page.error``; a ``POST`` answered 4xx (a wrong secret or
signature) as ``webhook.refused``. They carry the method, path, status and the exception's type
and frames, never the request's body nor the exception's message (it may quote what a person
wrote).

A route reads its body through :meth:`_Request.body` with a cap: a ``Content-Length`` over the
cap is refused before anything is read, and a body without one is read in chunks and refused as
soon as it passes the cap (uvicorn stops reading the socket while a chunk waits, so a large
upload never sits in memory). Both are answered 413 and the connection is closed.

This is the pattern of python-telegram-bot's custom-webhook example (Starlette + uvicorn beside
``Application.start()``), with our own routes, caps and signal handling: the runner, not uvicorn,
owns SIGINT/SIGTERM, so that stopping stops every platform in order.

Usage::

    web = WebServer(config.web, [Route("/telegram", webhook)])
    await web.start()            # listening; /readyz says 503
    ...start the platforms...
    web.mark_ready()
    ...
    await web.stop()
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import traceback
from collections.abc import Awaitable, Callable, Generator, Mapping, Sequence

import uvicorn
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute
from starlette.routing import Route as StarletteRoute

from marketbot.config import WebConfig
from marketbot.platforms.base import BodyTooLarge, HttpHandler, Route
from marketbot.services.logs import event

__all__ = ["StatusReader", "WebServer", "WebServerError"]

logger = logging.getLogger(__name__)

_GRACE = 5.0
"""Seconds requests in progress get to finish when the server stops."""


StatusReader = Callable[[], Awaitable[Mapping[str, object]]]
"""What ``GET /status`` answers, read afresh for each request."""


class WebServerError(Exception):
    """The web server cannot listen where it is configured to (one paragraph)."""


class _Request:
    """A Starlette request as :class:`~marketbot.platforms.base.HttpRequest`."""

    def __init__(self, request: Request) -> None:
        self._request = request

    def header(self, name: str) -> str | None:
        return self._request.headers.get(name)

    def query(self, name: str) -> str | None:
        return self._request.query_params.get(name)

    def path_param(self, name: str) -> str | None:
        value = self._request.path_params.get(name)
        return None if value is None else str(value)

    async def body(self, limit: int) -> bytes:
        declared = self._request.headers.get("content-length")
        if declared is not None and (
            not (declared.isascii() and declared.isdigit()) or int(declared) > limit
        ):
            raise BodyTooLarge(limit)
        chunks: list[bytes] = []
        size = 0
        async for chunk in self._request.stream():
            size += len(chunk)
            if size > limit:
                raise BodyTooLarge(limit)
            chunks.append(chunk)
        return b"".join(chunks)


def _failed(request: Request, status: int, exc: BaseException | None = None) -> None:
    """Log a route's failure or a webhook's refusal (see module)."""
    webhook = request.method == "POST"
    if status < 500 and not webhook:
        return
    name = "webhook.refused" if status < 500 else "webhook.error" if webhook else "page.error"
    fields: dict[str, object] = {}
    if exc is not None:
        fields["error"] = type(exc).__name__
        fields["frames"] = "".join(traceback.format_tb(exc.__traceback__))
    level = logging.WARNING if status < 500 else logging.ERROR
    event(
        logger, name, level, method=request.method, path=request.url.path, status=status, **fields
    )


def _endpoint(handler: HttpHandler) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        try:
            answer = await handler(_Request(request))
        except BodyTooLarge as exc:
            logger.warning("refused a body over %d bytes on %s", exc.limit, request.url.path)
            return PlainTextResponse(
                "request body too large", status_code=413, headers={"Connection": "close"}
            )
        except ClientDisconnect:
            return Response(status_code=400)
        except Exception as exc:
            _failed(request, 500, exc)
            return PlainTextResponse("internal error", status_code=500)
        if answer.status >= 400:
            _failed(request, answer.status)
        if answer.body is None and not answer.headers:
            return PlainTextResponse(answer.text, status_code=answer.status)
        content = answer.text.encode() if answer.body is None else answer.body
        headers = dict(answer.headers)
        if answer.status != 304:
            headers["Content-Type"] = answer.content_type
        return Response(content, status_code=answer.status, headers=headers)

    return endpoint


class _Uvicorn(uvicorn.Server):
    """uvicorn that tells when it listens and leaves the signals to the runner."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.up = asyncio.Event()

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        self.up.set()


class WebServer:
    """The shared web app and its server (see module)."""

    def __init__(
        self,
        config: WebConfig,
        routes: Sequence[Route] = (),
        *,
        status: StatusReader | None = None,
    ) -> None:
        self.config = config
        self._ready = asyncio.Event()
        self._status = status
        self.port = config.port
        """The port it listens on (the one chosen when ``config.port`` is 0), once started."""
        table: list[BaseRoute] = [
            StarletteRoute("/healthz", self._healthz, methods=["GET"]),
            StarletteRoute("/readyz", self._readyz, methods=["GET"]),
        ]
        if status is not None:
            table.append(StarletteRoute("/status", self._read_status, methods=["GET"]))
        for route in routes:
            endpoint = _endpoint(route.handler)
            table.append(StarletteRoute(route.path, endpoint, methods=list(route.methods)))
        self.app = Starlette(routes=table)
        self._server: _Uvicorn | None = None
        self._task: asyncio.Task[None] | None = None

    async def _healthz(self, request: Request) -> Response:
        return PlainTextResponse("ok")

    async def _readyz(self, request: Request) -> Response:
        if self.ready:
            return PlainTextResponse("ready")
        return PlainTextResponse("starting", status_code=503)

    async def _read_status(self, request: Request) -> Response:
        assert self._status is not None
        try:
            return JSONResponse(await self._status(), headers={"Cache-Control": "no-store"})
        except Exception as exc:
            _failed(request, 503, exc)
            return PlainTextResponse("status unavailable", status_code=503)

    @property
    def ready(self) -> bool:
        """Every platform has started (``/readyz`` says 200)."""
        return self._ready.is_set()

    def mark_ready(self) -> None:
        self._ready.set()

    async def wait_ready(self) -> None:
        await self._ready.wait()

    def _bind(self) -> socket.socket:
        family = socket.AF_INET6 if ":" in self.config.listen else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((self.config.listen, self.config.port))
        except OSError as exc:
            sock.close()
            raise WebServerError(
                f"The web server cannot listen on {self.config.listen}:{self.config.port} "
                f"({exc.strerror or exc}). Another program may use that port: choose another "
                "with [web] port (and listen) in the config file."
            ) from None
        sock.setblocking(False)
        return sock

    async def start(self) -> None:
        """Listen; returns once connections are accepted."""
        sock = self._bind()
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.app,
            log_config=None,
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=int(_GRACE),
            server_header=False,
        )
        server = _Uvicorn(config)
        self._server = server
        self._task = asyncio.create_task(server.serve(sockets=[sock]), name="web server")
        up = asyncio.create_task(server.up.wait())
        await asyncio.wait({self._task, up}, return_when=asyncio.FIRST_COMPLETED)
        if not up.done():
            up.cancel()
            await self._task  # re-raise what stopped it
            raise WebServerError("the web server stopped while starting")
        logger.info("web server listening on %s:%d", self.config.listen, self.port)

    async def stop(self) -> None:
        """Stop accepting, let requests in progress finish (a few seconds at most)."""
        self._ready.clear()
        if self._server is None or self._task is None:
            return
        self._server.should_exit = True
        try:
            await self._task
        finally:
            self._server = self._task = None
