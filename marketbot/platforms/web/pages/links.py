"""Links to the market's web pages: ``https://ganji.example.cn/stall/42``. They open in any
phone camera, WeChat's scanner and every browser, so they rank before the chat platforms'."""

from __future__ import annotations

from marketbot.services.links import EntryKind, entry_payload

__all__ = ["LINK_RANK", "PLATFORM", "WebLinks", "page_path"]

PLATFORM = "web"
LINK_RANK = 0
"""Before Telegram's deep links (1): a page opens wherever someone scans the code."""


def page_path(kind: EntryKind, ident: int) -> str:
    """``/stall/42`` or ``/market/1`` (the id checked as an entry payload is)."""
    entry_payload(kind, ident)
    return f"/{kind}/{ident}"


class WebLinks:
    """The pages' :class:`~marketbot.services.links.LinkMaker` under ``public_url``."""

    def __init__(self, public_url: str) -> None:
        self.base = public_url.rstrip("/")

    def link(self, kind: EntryKind, ident: int) -> str | None:
        if not self.base:
            return None
        return self.base + page_path(kind, ident)
