"""What WeChat is to the rest of the bot: its name and what an account of each type can do.
No WeChat library imported here, so wiring code can name WeChat cheaply.

Both account types: numbered choices (no buttons), no editing, one passive reply per inbound
(within 5 s), about 2000 UTF-8 bytes per text, no files. Only a verified 服务号 can push
(template and customer-service messages); a 订阅号 holds everything for the next message.
"""

from __future__ import annotations

from typing import Literal

from marketbot.neutral import Capabilities

__all__ = ["LINK_RANK", "PLATFORM", "TEXT_LIMIT", "capabilities"]

PLATFORM = "wechat"

TEXT_LIMIT = 2000
"""UTF-8 bytes of one text: passive replies longer than about 2048 bytes show WeChat's error
bubble; a little room is left for the page hint."""

LINK_RANK = 0
"""A 服务号's parametric QR codes open everywhere WeChat does (all of mainland China)."""


def capabilities(account: Literal["subscription", "service"]) -> Capabilities:
    return Capabilities(
        buttons=False,
        edit=False,
        replies_per_inbound=1,
        text_limit=TEXT_LIMIT,
        limit_in_bytes=True,
        documents=False,
        contact_button=False,
        inline_mode=False,
        push=account == "service",
        holds=True,
    )
