"""Delivery: the outbox and the engine that sends reminders, broadcasts and notices.

See :mod:`marketbot.delivery.engine` for the guarantees and ``docs/delivery.md`` for the states.
"""

from marketbot.delivery.engine import DeliveryEngine, ProgressCallback
from marketbot.delivery.report import progress_text, report_text
from marketbot.storage.outbox import Progress

__all__ = ["DeliveryEngine", "Progress", "ProgressCallback", "progress_text", "report_text"]
