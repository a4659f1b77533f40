"""Delivery: the outbox and the engine that sends reminders, broadcasts and notices.

See :mod:`marketbot.delivery.engine` for the guarantees and ``docs/delivery.md`` for the states.
"""

from marketbot.delivery.engine import DeliveryEngine, ProgressCallback
from marketbot.delivery.report import Progress, parse_cancel, status_reply

__all__ = ["DeliveryEngine", "Progress", "ProgressCallback", "parse_cancel", "status_reply"]
