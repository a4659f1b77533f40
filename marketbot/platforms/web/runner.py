"""Running several platforms in one process, around the one web server and one background.

Start: the web server listens (only when some platform has routes; ``/readyz`` says 503) →
every platform starts → the background (the delivery engine with every platform's sender and
the reminder scheduler) starts → ``/readyz`` says 200. Then it runs until ``stop`` is set.

Stop: the web server stops taking requests (those in progress finish) → the platforms stop, in
reverse order → the background stops last, so that nothing still coming in finds the outbox
gone.

Usage::

    await run_platforms([telegram, console], web=config.web, stop=stop, background=engine_on)
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager

from marketbot.config import WebConfig
from marketbot.platforms.base import Platform
from marketbot.platforms.web.server import StatusReader, WebServer
from marketbot.services.logs import event

__all__ = ["run_platforms"]

logger = logging.getLogger(__name__)


async def run_platforms(
    platforms: Sequence[Platform],
    *,
    web: WebConfig,
    stop: asyncio.Event,
    background: Callable[[], AbstractAsyncContextManager[object]] | None = None,
    on_listening: Callable[[WebServer], object] | None = None,
    status: StatusReader | None = None,
) -> None:
    """Serve ``platforms`` until ``stop`` is set (see module).

    ``on_listening(server)`` is called once the web server listens (tests read its port);
    ``status`` is what the server's ``GET /status`` answers.
    """
    routes = [route for platform in platforms for route in platform.routes()]
    server = WebServer(web, routes, status=status) if routes else None
    started: list[Platform] = []
    async with contextlib.AsyncExitStack() as late:
        try:
            if server is not None:
                await server.start()
                if on_listening is not None:
                    on_listening(server)
            for platform in platforms:
                await platform.start()
                started.append(platform)
            if background is not None:
                await late.enter_async_context(background())
            if server is not None:
                server.mark_ready()
            event(logger, "process.ready", platforms=",".join(p.name for p in platforms))
            await stop.wait()
        finally:
            if server is not None:
                await server.stop()
            for platform in reversed(started):
                try:
                    await platform.stop()
                except Exception:
                    logger.exception("stopping %s failed", platform.name)
