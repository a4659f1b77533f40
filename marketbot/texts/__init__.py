"""The text catalogue: every user-visible string, in Simplified Chinese (default) and English.

Each area keeps its strings in a module of this package as ``TEXTS = {key: (zh, en)}``; this module
merges them (a key may appear in one module only) and formats them with :func:`t`. Strings are HTML
for Telegram: escape user text with :func:`esc` before passing it in.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Literal

from marketbot.texts import (
    broadcast,
    calendar,
    core,
    market_days,
    posters,
    reminders,
    telegram,
    web,
    wechat,
)

__all__ = ["LANGUAGES", "Lang", "catalogue", "esc", "normalize_lang", "t"]

Lang = Literal["zh", "en"]
LANGUAGES: tuple[Lang, ...] = ("zh", "en")

_MODULES: tuple[Mapping[str, tuple[str, str]], ...] = (
    core.TEXTS,
    calendar.TEXTS,
    market_days.TEXTS,
    posters.TEXTS,
    reminders.TEXTS,
    telegram.TEXTS,
    broadcast.TEXTS,
    wechat.TEXTS,
    web.TEXTS,
)


def _merge() -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for module in _MODULES:
        for key, value in module.items():
            if key in merged:
                raise RuntimeError(f"text key {key!r} is defined twice")
            merged[key] = value
    return merged


_CATALOGUE = _merge()


def catalogue() -> Mapping[str, tuple[str, str]]:
    """Every key with its (zh, en) strings."""
    return _CATALOGUE


def normalize_lang(code: str | None, default: Lang = "zh") -> Lang:
    """Map a platform language code (``en-GB``, ``zh-hans``) to a catalogue language."""
    if not code:
        return default
    code = code.lower()
    if code.startswith("en"):
        return "en"
    if code.startswith("zh"):
        return "zh"
    return default


def t(lang: Lang, key: str, /, **values: object) -> str:
    """The string ``key`` in ``lang``, with ``{name}`` placeholders filled from ``values``."""
    zh, en = _CATALOGUE[key]
    template = en if lang == "en" else zh
    return template.format(**values) if values else template


def esc(text: object) -> str:
    """Escape user text for Telegram HTML."""
    return html.escape(str(text), quote=False)
