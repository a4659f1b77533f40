"""Telegram deep links: ``https://t.me/<bot>?start=stall_42`` opens the bot and sends it
``/start stall_42``."""

from __future__ import annotations

import re

from marketbot.services.links import EntryKind, entry_payload

__all__ = ["TelegramLinks", "deep_link"]

_BOT_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{4,31}")  # 5 to 32 characters
_START_PARAM = re.compile(r"[A-Za-z0-9_-]{1,64}")


def deep_link(bot_username: str, payload: str) -> str:
    """``https://t.me/<bot>?start=<payload>``; the username may come with its ``@``."""
    name = bot_username.removeprefix("@")
    if not _BOT_USERNAME.fullmatch(name):
        raise ValueError(f"not a Telegram bot username: {bot_username!r}")
    if not _START_PARAM.fullmatch(payload):
        raise ValueError(f"not a Telegram start parameter: {payload!r}")
    return f"https://t.me/{name}?start={payload}"


class TelegramLinks:
    """Deep links of the bot; none until its username is known (configured or read at start)."""

    def __init__(self, username: str = "") -> None:
        self.username = username.removeprefix("@")

    def link(self, kind: EntryKind, ident: int) -> str | None:
        if not self.username:
            return None
        return deep_link(self.username, entry_payload(kind, ident))
