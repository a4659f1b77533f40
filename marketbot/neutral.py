"""The neutral chat model shared by the core, the handlers and every adapter.

An adapter turns a platform update into an :class:`Inbound`, hands it to the core, and renders the
:class:`Outbound` replies it gets back: inline keyboards on Telegram, numbered choices in the
terminal. Reply text is a small HTML subset (``<b>``, ``<i>``, ``<code>``) with every piece of
user text escaped, which Telegram renders as-is and plain-text adapters strip.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "MAX_CHOICE_ID_BYTES",
    "NUMBERED",
    "Attachment",
    "Capabilities",
    "Choice",
    "InPhoto",
    "Inbound",
    "Outbound",
    "Reply",
    "ShareCard",
    "html_to_plain",
]

MAX_CHOICE_ID_BYTES = 64
"""The longest choice id, in UTF-8 bytes: the smallest button-data limit of the platforms served
(see each platform's capabilities), so an id fits wherever it is shown."""


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a platform can show and do. The core and the handlers ask this, never a platform's
    name; each platform declares its own.

    ``buttons`` False means choices are numbered lines and a typed number presses one.
    ``replies_per_inbound`` is how many messages may answer one inbound (None: any; WeChat's
    passive reply is one), ``text_limit`` the longest message (in UTF-8 bytes when
    ``limit_in_bytes``). ``push`` False means a message to someone who did not just write is
    held until they next write (an unverified WeChat account); ``holds`` that messages to its
    people can be held until they next write (a reply window, a monthly allowance), so their
    next message is answered with what waits for them.
    """

    buttons: bool = False
    edit: bool = False
    replies_per_inbound: int | None = None
    text_limit: int = 4096
    limit_in_bytes: bool = False
    documents: bool = True
    contact_button: bool = False
    inline_mode: bool = False
    push: bool = True
    holds: bool = False


NUMBERED = Capabilities()
"""A plain text platform: numbered choices, no editing, files sent, messages pushed."""


@dataclass(frozen=True, slots=True)
class Choice:
    """A button: ``id`` is ``prefix:arg`` (never user text), ``label`` is what people see."""

    id: str
    label: str

    def __post_init__(self) -> None:
        size = len(self.id.encode("utf-8"))
        if not 1 <= size <= MAX_CHOICE_ID_BYTES:
            raise ValueError(f"choice id must be 1-{MAX_CHOICE_ID_BYTES} bytes: {self.id!r}")


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file the bot made (a QR code PNG, a poster PDF), sent as a photo or a document."""

    filename: str
    data: bytes
    kind: Literal["photo", "document"]


@dataclass(frozen=True, slots=True)
class InPhoto:
    """A photo someone sent: the platform's id for it and, when the platform gave them, its
    bytes (stored once, shown on every platform)."""

    platform_id: str
    data: bytes | None = None
    mime: str = "image/jpeg"


@dataclass(frozen=True, slots=True)
class Reply:
    """One message to show: HTML text, optional photo and rows of choices.

    ``edit`` asks the adapter to replace the message whose button was pressed, when it can.
    ``contact_request`` asks for a "share my phone number" button where the platform has one.
    """

    text: str
    choices: tuple[tuple[Choice, ...], ...] = ()
    photo: int | None = None
    """A stored photo (its id); each platform sends it its own way."""
    edit: bool = False
    contact_request: bool = False
    attachment: Attachment | None = None

    def flat_choices(self) -> list[Choice]:
        """All choices in reading order (the order of their numbers in a text rendering)."""
        return [choice for row in self.choices for choice in row]


@dataclass(frozen=True, slots=True)
class Inbound:
    """One thing a user did: typed text, pressed a button, sent a photo or shared a contact, or
    came in through a link or code (``entry``: ``stall_42``, ``market_1``, from a Telegram
    ``/start`` parameter, a WeChat QR scene or a web link; see
    :func:`marketbot.services.links.parse_entry`)."""

    platform: str
    user_id: str
    chat_id: str
    text: str | None = None
    choice: str | None = None
    photo: InPhoto | None = None
    contact_phone: str | None = None
    display_name: str = ""
    language_code: str | None = None
    entry: str | None = None
    key: str | None = None
    """The platform's id for this update (Telegram's update_id): one delivered again after a
    crash is recognised and not handled twice."""


@dataclass(frozen=True, slots=True)
class ShareCard:
    """A product card offered for sharing into another chat (where the platform has an inline
    mode, ``@bot 黄精``). ``text`` is the message that is posted (HTML); ``link`` opens the
    stall."""

    id: str
    title: str
    description: str
    text: str
    link: str
    link_label: str
    photo: int | None = None


@dataclass(frozen=True, slots=True)
class Outbound:
    """A reply to the chat a message came from. (Messages to anyone else go through the
    delivery outbox, never back through the platform that received the message.)"""

    platform: str
    chat_id: str
    reply: Reply
    ref: int | None = None
    """The outbox row that keeps the reply until it is sent (platforms that confirm updates to
    their server); the platform reports back through the core's ``sending`` / ``sent`` /
    ``retry`` / ``undeliverable``."""


_TAG = re.compile(r"<[^>]+>")


def html_to_plain(text: str) -> str:
    """Render reply HTML as plain text for adapters without markup (terminal, WeChat)."""
    return html.unescape(_TAG.sub("", text))
