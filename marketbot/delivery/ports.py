"""The neutral sending interfaces: what can go wrong when sending one message, a platform's
:class:`Sender`, and the :class:`Outbox` that reminders, notices and broadcasts are queued in.

Adapters translate their platform's errors into these, so the delivery code that paces
reminders and broadcasts never sees a platform type.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

from marketbot.neutral import Reply
from marketbot.storage.broadcasts import Audience

__all__ = [
    "DeliveryError",
    "Editor",
    "Held",
    "MaybeDelivered",
    "Outbox",
    "PhotoLibrary",
    "Reach",
    "ReachEstimate",
    "RetryLater",
    "Sender",
    "TransientFailure",
    "Unreachable",
]


class DeliveryError(Exception):
    """Base class: a message could not be delivered."""


class RetryLater(DeliveryError):
    """The platform asks us to pause all sending for ``seconds`` (Telegram's 429)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds} s")
        self.seconds = seconds


class Unreachable(DeliveryError):
    """The person blocked the bot or no longer exists (Telegram's 403): do not try again."""


class MaybeDelivered(DeliveryError):
    """The request went out but no answer came (a read timeout): the message may have arrived.

    Never retried (no one gets a message twice); counted as sent and reported unconfirmed."""


class Held(DeliveryError):
    """The platform cannot push to this person now (no reply window, no quota left): the message
    waits and is handed over in the reply to their next message."""


class TransientFailure(DeliveryError):
    """A timeout, network error or server error: worth retrying a bounded number of times."""


class PhotoLibrary(Protocol):
    """Stored photos as a sender needs them: the platform's own id for a photo (sent before),
    else its bytes to upload, and a way to remember the id the upload got."""

    async def file_id(self, photo_id: int, platform: str) -> str | None: ...

    async def data(self, photo_id: int) -> bytes | None: ...

    async def remember(self, photo_id: int, platform: str, file_id: str) -> None: ...


class Sender(Protocol):
    """Sends one reply to one chat of one platform; raises a :class:`DeliveryError` subclass."""

    platform: str

    async def send(self, chat_id: str, reply: Reply) -> None: ...


@runtime_checkable
class Editor(Protocol):
    """A sender that can also change a message it sent (a broadcast's progress message).

    ``send_tracked`` returns a reference to the message for ``edit``; both raise a
    :class:`DeliveryError` subclass."""

    platform: str

    async def send_tracked(self, chat_id: str, reply: Reply) -> str: ...

    async def edit(self, chat_id: str, message_ref: str, reply: Reply) -> None: ...


class Outbox(Protocol):
    """Queues one reply for many chats; ``key`` makes queueing the same thing twice a no-op."""

    async def enqueue(
        self,
        kind: Literal["reminder", "broadcast", "notice"],
        reply: Reply,
        recipients: Iterable[tuple[str, str]],
        *,
        key: str | None = None,
        priority: int = 0,
        meaning: Mapping[str, object] | None = None,
    ) -> int: ...

    async def enqueue_audience(
        self,
        kind: Literal["reminder", "broadcast", "notice"],
        replies: Mapping[str, Reply],
        audience: Audience,
        *,
        keys: Mapping[str, str],
        priority: int = 0,
        meaning: Mapping[str, object] | None = None,
    ) -> int:
        """Queue ``replies[lang]`` for the people of ``audience`` whose language is ``lang``
        (``keys[lang]`` as ``enqueue``'s key), streamed by the database: an audience of any size
        is never a list. Returns how many people it goes to."""

    async def adopt(self, announcement_id: int, platforms: Iterable[str]) -> None:
        """Send the pending rows of an announcement written elsewhere (a reply to retry)."""

    async def settled(self) -> None:
        """Return once nothing waits to be sent now."""


@dataclass(frozen=True, slots=True)
class Reach:
    """How a broadcast would reach some chats if sent now: ``now`` get it at once;
    ``allowance`` wait for their next message because their monthly allowance of such messages
    is used; ``held`` wait because the platform cannot message them first now; ``unreachable``
    cannot get it (they left)."""

    now: int = 0
    allowance: int = 0
    held: int = 0
    unreachable: int = 0

    def __add__(self, other: Reach) -> Reach:
        return Reach(
            self.now + other.now,
            self.allowance + other.allowance,
            self.held + other.held,
            self.unreachable + other.unreachable,
        )


@runtime_checkable
class ReachEstimate(Protocol):
    """A sender whose platform limits pushed broadcasts (a reply window, a monthly allowance):
    it says, before sending, how a broadcast to ``chat_ids`` would go out."""

    platform: str

    async def broadcast_reach(self, chat_ids: Sequence[str]) -> Reach: ...
