"""Links that open a stall or a market, asked of the platforms that are configured.

Each platform that can open a stall from a link (a Telegram deep link, a web page, a WeChat
code) registers a :class:`LinkMaker`; QR codes, posters and share cards ask :meth:`Links.best`
for the one most people can open, so nothing above the platforms builds a platform's URL.

Usage::

    links = Links()
    links.register("web", web_links, rank=0)        # lower rank: preferred
    links.best("stall", 42)                          # "https://ganji.example.cn/stall/42"
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, Protocol

__all__ = ["EntryKind", "Link", "LinkMaker", "Links", "entry_payload", "parse_entry"]

EntryKind = Literal["stall", "market"]


_MAX_ID = 10**18  # ids are SQLite integers; 18 digits keep payloads short and parseable
_PAYLOAD = re.compile(r"(stall|market)_([1-9][0-9]{0,17})")


def entry_payload(kind: EntryKind, ident: int) -> str:
    """The short text an entry link carries, e.g. ``stall_42``: a Telegram start parameter and a
    WeChat ``scene_str`` (at most 64 characters of ``[A-Za-z0-9_-]``) alike."""
    if kind not in ("stall", "market"):
        raise ValueError(f"unknown kind {kind!r}")
    if isinstance(ident, bool) or not 0 < ident < _MAX_ID:
        raise ValueError(f"{kind} id must be a positive integer, not {ident!r}")
    return f"{kind}_{ident}"


def parse_entry(payload: str | None) -> tuple[EntryKind, int] | None:
    """``("stall", 42)`` for ``"stall_42"``; None for anything that is not a canonical payload."""
    if not payload:
        return None
    match = _PAYLOAD.fullmatch(payload)
    if match is None:
        return None
    kind: EntryKind = "stall" if match[1] == "stall" else "market"
    return kind, int(match[2])


class LinkMaker(Protocol):
    """One platform's links; None where it cannot make one now (its name not known yet)."""

    def link(self, kind: EntryKind, ident: int) -> str | None: ...


@dataclass(frozen=True, slots=True)
class Link:
    platform: str
    url: str


class Links:
    """The link makers of the platforms configured, best first."""

    def __init__(self) -> None:
        self._makers: list[tuple[int, str, LinkMaker]] = []

    def register(self, platform: str, maker: LinkMaker, *, rank: int) -> None:
        self._makers = sorted(
            [m for m in self._makers if m[1] != platform] + [(rank, platform, maker)],
            key=lambda m: m[0],
        )

    def all(self, kind: EntryKind, ident: int) -> list[Link]:
        """Every platform's link for the stall or market, best first."""
        found = []
        for _rank, platform, maker in self._makers:
            url = maker.link(kind, ident)
            if url:
                found.append(Link(platform, url))
        return found

    def best(self, kind: EntryKind, ident: int) -> str | None:
        """The link most people can open, or None when no platform can make one."""
        found = self.all(kind, ident)
        return found[0].url if found else None
