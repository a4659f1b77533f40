"""What a platform is, to the process that runs several at once.

A :class:`Platform` has a name, declares what it can show (:class:`Capabilities`), sends what the
delivery engine hands it (its :class:`~marketbot.delivery.ports.Sender`), may make links that open
a stall or a market (its :class:`~marketbot.services.links.LinkMaker`), may serve HTTP routes on
the one shared web app (:class:`Route`; Telegram's webhook now, WeChat's callback next), and is
started and stopped by the runner (:mod:`marketbot.platforms.web.runner`).

Routes are written against the small :class:`HttpRequest` here, not a web framework, so only
``platforms/web/`` knows Starlette. A route reads its body with a cap (``await
request.body(limit)``); a body over the cap raises :class:`BodyTooLarge`, which the web app
answers with 413 without reading the rest.

:class:`ChatCore` is what platforms need of the core: replies to the person who wrote come
back to the platform that received the message; the core itself puts a message for anyone else
into the delivery outbox, so the platform of its recipient sends it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from marketbot.delivery.ports import Sender
from marketbot.neutral import Capabilities, Inbound, Outbound, Reply, ShareCard
from marketbot.services.links import LinkMaker

__all__ = [
    "BodyTooLarge",
    "ChatCore",
    "HttpHandler",
    "HttpRequest",
    "HttpResponse",
    "Platform",
    "Route",
]

logger = logging.getLogger(__name__)


class BodyTooLarge(Exception):
    """A request body is longer than its route accepts (answered 413)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"request body over {limit} bytes")
        self.limit = limit


class HttpRequest(Protocol):
    """One HTTP request as a route sees it."""

    def header(self, name: str) -> str | None:
        """The header's value (case-insensitive name), or None."""
        ...

    def query(self, name: str) -> str | None:
        """The (first) query-string parameter ``name``, or None."""
        ...

    def path_param(self, name: str) -> str | None:
        """The part of the path matched by ``{name}`` in the route's path, or None."""
        ...

    async def body(self, limit: int) -> bytes:
        """The whole body; raises :class:`BodyTooLarge` (reading no more) past ``limit`` bytes."""
        ...


@dataclass(frozen=True, slots=True)
class HttpResponse:
    """``text`` as plain text, or ``body`` (when given) as ``content_type``; ``headers`` are
    added (ETag, Cache-Control, ...)."""

    status: int
    text: str = ""
    body: bytes | None = None
    content_type: str = "text/plain; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()


HttpHandler = Callable[[HttpRequest], Awaitable[HttpResponse]]


@dataclass(frozen=True, slots=True)
class Route:
    """``handler`` answers requests to ``path`` (e.g. ``/telegram``) with one of ``methods``."""

    path: str
    handler: HttpHandler
    methods: tuple[str, ...] = ("POST",)


class Platform(Protocol):
    """One platform served by the process (see the module docstring)."""

    @property
    def name(self) -> str:
        """The platform's name as stored with its users (``Inbound.platform``)."""
        ...

    @property
    def capabilities(self) -> Capabilities: ...

    @property
    def sender(self) -> Sender:
        """Sends reminders, broadcasts and notices to this platform's chats."""
        ...

    @property
    def links(self) -> LinkMaker | None:
        """Its links to stalls and markets; None when it has none."""
        ...

    @property
    def link_rank(self) -> int:
        """Lower is preferred for QR codes and posters (the link most people can open)."""
        ...

    def routes(self) -> Sequence[Route]:
        """HTTP routes it needs on the shared web app ([] when none: no server is started
        for it)."""
        ...

    async def start(self) -> None:
        """Start receiving (the web app already listens when it has routes)."""
        ...

    async def stop(self) -> None: ...


class ChatCore(Protocol):
    """What platforms need of the core."""

    async def handle(self, inbound: Inbound) -> list[Outbound]: ...

    async def share_cards(
        self, platform: str, query: str, language_code: str | None
    ) -> list[ShareCard]: ...

    def command_menu(self, lang: Literal["zh", "en"]) -> list[tuple[str, str]]: ...

    async def shown(self, platform: str, chat_id: str, reply: Reply) -> int: ...

    async def sending(self, ref: int) -> bool: ...

    async def sent(self, ref: int) -> None: ...

    async def retry(self, ref: int, error: str) -> None: ...

    async def undeliverable(self, ref: int, *, unreachable: bool, error: str) -> None: ...
