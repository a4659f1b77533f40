"""Telegram's webhook as a route of the shared web app.

Each request is checked in this order, so that nobody without the secret makes the bot read
anything:

1. the ``X-Telegram-Bot-Api-Secret-Token`` header, compared in constant time: missing or wrong →
   403, the body never read;
2. the bot is running (it is not yet while it starts) → else 503, Telegram tries again later;
3. the body, at most :data:`MAX_BODY` bytes (Telegram's updates are a few kB): a larger
   ``Content-Length`` is refused before reading, a longer stream as soon as it passes the cap →
   413;
4. JSON that is an update → else 400.

A valid update is handed to python-telegram-bot's ``Application`` through its update processor
(one update at a time, as polling does) and answered 200 once it has been handled, not when it
was queued: an update whose handling was cut short by a crash is sent again by Telegram.

Usage::

    hook = TelegramWebhook(secret, bot, process)     # process(update) handles one update
    Route("/telegram", hook)                         # served by marketbot.platforms.web
    hook.accepting = True                            # once the Application has started
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable

from telegram import Bot, Update

from marketbot.platforms.base import HttpRequest, HttpResponse

__all__ = ["MAX_BODY", "SECRET_HEADER", "TelegramWebhook"]

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1024 * 1024
"""The longest update body accepted, in bytes (1 MB)."""


class TelegramWebhook:
    """The webhook route's handler (see module)."""

    def __init__(
        self,
        secret: str,
        bot: Bot,
        process: Callable[[Update], Awaitable[None]],
        *,
        max_body: int = MAX_BODY,
    ) -> None:
        if not secret:
            raise ValueError("a webhook needs a secret token")
        self._secret = secret.encode()
        self._bot = bot
        self._process = process
        self._max_body = max_body
        self.accepting = False

    async def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.header(SECRET_HEADER)
        if given is None or not hmac.compare_digest(given.encode(), self._secret):
            logger.warning("webhook request without the right secret token refused")
            return HttpResponse(403, "forbidden")
        if not self.accepting:
            return HttpResponse(503, "starting")
        body = await request.body(self._max_body)
        try:
            data = json.loads(body)
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                raise ValueError("not an update")
            update = Update.de_json(data, self._bot)
        except (ValueError, TypeError, KeyError) as exc:
            logger.warning("webhook body is not an update (%s)", type(exc).__name__)
            return HttpResponse(400, "not an update")
        await self._process(update)
        return HttpResponse(200)
