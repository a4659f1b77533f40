"""What Telegram is to the rest of the bot: its name, what it can show, how widely its links
open. No python-telegram-bot import here, so wiring code can name Telegram cheaply."""

from __future__ import annotations

from marketbot.neutral import Capabilities

__all__ = ["CAPABILITIES", "LINK_RANK", "PLATFORM"]

PLATFORM = "telegram"

CAPABILITIES = Capabilities(
    buttons=True,  # inline keyboards
    edit=True,  # a pressed message can be replaced
    replies_per_inbound=None,
    text_limit=4096,  # characters (UTF-16 code units) after entity parsing
    limit_in_bytes=False,
    documents=True,
    contact_button=True,  # the one-time "share my phone number" keyboard
    inline_mode=True,  # @bot query in any chat
    push=True,
)

LINK_RANK = 1
"""Deep links open only where Telegram does (not in mainland China): a web page or a WeChat code
(rank 0) comes first when configured."""
