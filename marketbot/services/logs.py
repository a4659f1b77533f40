"""What a bot process writes to its log: text lines (the default) or one JSON object a line,
secrets masked either way, and the named events an operator watches.

An event is a record with a stable name and fields (:func:`event`): in text it reads
``broadcast.finished id=12 audience=everyone sent=980 failed=3``; in JSON the name is the field
``event`` and each field a field of its own, beside ``time`` (UTC, ISO), ``level``, ``logger``,
``message``, ``pid`` and ``owner`` (this process's lease owner, ``host:pid:random``). Events
carry ids, counts, platform names and paths: never a message's text, a name or a phone number.
A module of a lower layer (``delivery``, ``storage``) logs an event as
``logger.warning("…", extra={"event": "rate.limited", "platform": …})``: the JSON lines show the
fields of any record's ``extra``.

The events (see the README's "Deployment" section for what each means):

* ``outbox.depth`` — platform, queued, in_flight, held, oldest_queued_s (every
  ``[log] outbox_every`` seconds; :mod:`marketbot.services.status`);
* ``broadcast.started`` / ``broadcast.finished`` — id, audience, recipients / sent, unconfirmed,
  unreachable, failed, held, cancelled (:mod:`marketbot.services.broadcasts`);
* ``lease.taken_over`` — lease, from_owner (a claim a stopped process left);
* ``outbox.taken_over`` — rows (in flight in a stopped process; :mod:`marketbot.delivery.engine`);
* ``planner.lease_taken`` — owner (:mod:`marketbot.services.jobs`);
* ``rate.limited`` — platform, retry_after (a 429; :mod:`marketbot.delivery.engine`);
* ``webhook.error``, ``webhook.refused``, ``page.error`` — method, path, status, error
  (:mod:`marketbot.platforms.web.server`);
* ``process.ready`` — platforms (:mod:`marketbot.platforms.web.runner`).

Usage::

    configure(config.log, secrets(config), chatting=bool(config.telegram.token))
    event(logger, "broadcast.started", id=12, audience="everyone", recipients=1000)
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TextIO
from urllib.parse import urlsplit

from marketbot.config import Config, LogConfig
from marketbot.redact import Redactor, secrets_of
from marketbot.redact import install as install_redaction
from marketbot.storage.leases import process_owner

__all__ = ["TEXT_FORMAT", "JsonFormatter", "configure", "event", "secrets"]

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_SHORTEST_SECRET = 6
"""As :mod:`marketbot.redact`: a shorter value would mask ordinary words."""

_STANDARD = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "asctime",
    "taskName",
    "color_message",
}
"""A record's own attributes (and uvicorn's message with terminal colours); the others are the
fields passed with ``extra``."""


def secrets(config: Config) -> list[str]:
    """Every configured secret: :func:`~marketbot.redact.secrets_of`'s (Telegram), WeChat's
    AppSecret, Token and EncodingAESKey, and the password in ``[database] url``."""
    password = urlsplit(config.database.url).password or ""
    wechat = config.wechat
    more = [wechat.app_secret, wechat.token, wechat.encoding_aes_key, password]
    return secrets_of(config) + [value for value in more if len(value) >= _SHORTEST_SECRET]


def event(logger: logging.Logger, name: str, level: int = logging.INFO, **fields: object) -> None:
    """Log the event ``name`` with ``fields`` (ids, counts, names of things: never user text)."""
    shown = " ".join(f"{key}={value}" for key, value in fields.items())
    logger.log(level, "%s %s", name, shown, extra={"event": name, **fields})


class JsonFormatter(logging.Formatter):
    """One JSON object a line (see module); ``secrets`` are masked in the whole line."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._redactor = Redactor(secrets)

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "pid": os.getpid(),
            "owner": process_owner(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in data:
                data[key] = value
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            data["exception"] = record.exc_text
        line = json.dumps(data, ensure_ascii=False, default=str)
        for secret in self._redactor.secrets:
            line = line.replace(secret, "***")
        return line


_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING}


def configure(
    config: LogConfig,
    secrets: Iterable[str],
    *,
    chatting: bool,
    stream: TextIO | None = None,
) -> logging.Handler:
    """Write the root logger's records to ``stream`` (default stderr) as ``config`` says, with
    ``secrets`` masked. ``chatting``: a chat platform other than the terminal is served (the
    'auto' level is then info). Returns the handler (it replaces the root's handlers)."""
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    secrets = list(secrets)
    if config.format == "json":
        handler.setFormatter(JsonFormatter(secrets))
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    if config.level == "auto":
        root.setLevel(logging.INFO if chatting else logging.WARNING)
    else:
        root.setLevel(_LEVELS.get(config.level, logging.ERROR))
    # httpx logs every request URL at INFO, and Telegram's URLs carry the bot token: quiet it,
    # and mask every secret in whatever is still written.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    install_redaction(secrets, root)
    return handler
