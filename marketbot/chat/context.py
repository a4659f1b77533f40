"""What a handler gets: the user, their language and conversation, the services, and an outbox
for messages to other people."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from marketbot.clock import Clock
from marketbot.config import Config
from marketbot.domain.model import User
from marketbot.neutral import NUMBERED, Capabilities, Choice, Inbound, Outbound, Reply
from marketbot.services.catalog import Catalog
from marketbot.services.links import Links
from marketbot.services.market_days import MarketDays
from marketbot.storage.market_data import Conversation, Storage
from marketbot.storage.photos import PhotoStore
from marketbot.texts import Lang, t

__all__ = ["Ctx", "FlowRouter", "MenuCommand", "Services", "button"]


class MenuCommand(Protocol):
    """A command of the menu as handlers see it (:class:`~marketbot.chat.dispatch.Command`)."""

    @property
    def handler(self) -> Callable[[Ctx, str], Awaitable[list[Reply]]]: ...

    @property
    def description_key(self) -> str: ...

    @property
    def for_secretaries(self) -> bool: ...


class FlowRouter(Protocol):
    """The part of the router handlers may use: asking the current question again, the
    commands (in menu order), and pressing a button on the user's behalf."""

    async def ask_again(self, ctx: Ctx) -> list[Reply]: ...

    def menu(self) -> Sequence[MenuCommand]: ...

    async def dispatch(self, ctx: Ctx, choice: str | None) -> list[Reply]: ...


@dataclass(frozen=True, slots=True)
class Services:
    """Long-lived dependencies shared by every handler call."""

    store: Storage
    clock: Clock
    config: Config
    days: MarketDays
    catalog: Catalog
    links: Links = field(default_factory=Links)
    """Links that open a stall or a market, from the platforms configured."""


def button(lang: Lang, key: str, choice_id: str, **values: object) -> Choice:
    """A choice whose label comes from the catalogue."""
    return Choice(choice_id, t(lang, key, **values))


@dataclass(slots=True)
class Ctx:
    """One inbound message being handled."""

    services: Services
    user: User
    lang: Lang
    conv: Conversation
    inbound: Inbound
    is_secretary: bool
    router: FlowRouter
    caps: Capabilities = NUMBERED
    """What the platform of this message can show and do."""
    notices: list[tuple[User, Reply, Mapping[str, object]]] = field(default_factory=list)

    @property
    def store(self) -> Storage:
        return self.services.store

    def t(self, key: str, /, **values: object) -> str:
        return t(self.lang, key, **values)

    def button(self, key: str, choice_id: str, **values: object) -> Choice:
        return button(self.lang, key, choice_id, **values)

    def notify(self, user: User, reply: Reply, about: Mapping[str, object] | None = None) -> None:
        """Queue a message to someone else (``about``: what it is about, for platforms that
        choose a channel by it); it is committed with this message and delivered through the
        outbox, on the recipient's platform."""
        self.notices.append((user, reply, dict(about or {"notice": "message"})))

    async def stored_photo(self) -> int | None:
        """The photo of this message, stored once (bytes and the platform's id); its id."""
        photo = self.inbound.photo
        if photo is None:
            return None
        return await PhotoStore(self.store.db).save(
            photo.data,
            platform=self.inbound.platform,
            file_id=photo.platform_id,
            now=self.services.clock.now(),
            mime=photo.mime,
        )

    def start_flow(self, state: str, **data: Any) -> None:
        self.conv.state = state
        self.conv.data = dict(data)

    def goto(self, state: str) -> None:
        self.conv.state = state

    def end_flow(self) -> None:
        self.conv.state = None
        self.conv.data = {}

    async def ask_again(self) -> list[Reply]:
        return await self.router.ask_again(self)

    def outbound(self, reply: Reply) -> Outbound:
        return Outbound(self.inbound.platform, self.inbound.chat_id, reply)
