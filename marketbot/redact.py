"""Secrets never reach a log line: a logging filter that masks configured secrets (the bot token,
webhook and app secrets) in every record, its exception and stack included, whatever logger it
comes from (httpx logs each request URL, and Telegram's URLs carry the token).

Usage::

    install(secrets_of(config))   # on the root logger's handlers, after logging is configured
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterable

from marketbot.config import Config

__all__ = ["MASK", "Redactor", "install", "secrets_of"]

MASK = "***"
_SHORTEST = 6
"""Shorter "secrets" would mask ordinary words; such a value is no secret worth the name."""


def secrets_of(config: Config) -> list[str]:
    """The configured secrets: the Telegram token (and its numeric-free half) and the webhook
    secret."""
    found = [config.telegram.token, config.telegram.webhook_secret]
    token = config.telegram.token
    if ":" in token:
        found.append(token.split(":", 1)[1])
    return [value for value in found if len(value) >= _SHORTEST]


class Redactor(logging.Filter):
    """Replaces every secret in a record's message, exception and stack with ``***``."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = sorted(set(secrets), key=len, reverse=True)

    def _mask(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        record.msg = self._mask(record.getMessage())
        record.args = None
        if record.exc_info:
            record.exc_text = self._mask("".join(traceback.format_exception(*record.exc_info)))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = self._mask(record.exc_text)
        if record.stack_info:
            record.stack_info = self._mask(record.stack_info)
        return True


def install(secrets: Iterable[str], logger: logging.Logger | None = None) -> Redactor:
    """Mask ``secrets`` in everything the handlers of ``logger`` (default: root) write."""
    redactor = Redactor(secrets)
    for handler in (logger or logging.getLogger()).handlers:
        handler.addFilter(redactor)
    return redactor
