"""What can go wrong when sending one message, in platform-neutral terms.

Adapters translate their platform's errors into these, so the delivery code that paces
reminders and broadcasts never sees a platform type.
"""

from __future__ import annotations

from typing import Protocol

from marketbot.messages import Reply

__all__ = ["DeliveryError", "RetryLater", "Sender", "TransientFailure", "Unreachable"]


class DeliveryError(Exception):
    """Base class: a message could not be delivered."""


class RetryLater(DeliveryError):
    """The platform asks us to pause all sending for ``seconds`` (Telegram's 429)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds} s")
        self.seconds = seconds


class Unreachable(DeliveryError):
    """The person blocked the bot or no longer exists (Telegram's 403): do not try again."""


class TransientFailure(DeliveryError):
    """A timeout, network error or server error: worth retrying a bounded number of times."""


class Sender(Protocol):
    """Sends one reply to one chat of one platform; raises a :class:`DeliveryError` subclass."""

    platform: str

    async def send(self, chat_id: str, reply: Reply) -> None: ...
