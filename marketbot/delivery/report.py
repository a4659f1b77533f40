"""Progress of one announcement and what the secretary sees: a progress message, then a report.

:class:`~marketbot.storage.outbox.Progress` holds the numbers; :func:`progress_text` renders the
live message (bar, counts, time left) and :func:`report_text` the final report.
"""

from __future__ import annotations

import math

from marketbot.storage.outbox import Progress
from marketbot.texts import Lang
from marketbot.texts.delivery import TEXTS

__all__ = [
    "format_eta",
    "progress_bar",
    "progress_text",
    "report_text",
]


def _text(lang: Lang, key: str, **values: object) -> str:
    zh, en = TEXTS[key]
    return (en if lang == "en" else zh).format(**values)


def progress_bar(fraction: float, width: int = 12) -> str:
    """``▰▰▰▱▱▱…``: ``width`` cells, filled in proportion to ``fraction`` (rounded down)."""
    filled = math.floor(min(max(fraction, 0.0), 1.0) * width + 1e-9)
    return "▰" * filled + "▱" * (width - filled)


def format_eta(seconds: float, lang: Lang) -> str:
    """A rough duration: seconds below a minute, whole minutes (rounded up) below an hour."""
    whole = max(math.ceil(seconds), 1)
    if whole < 60:
        return _text(lang, "delivery.eta_seconds", seconds=whole)
    minutes = math.ceil(whole / 60)
    if minutes < 60:
        return _text(lang, "delivery.eta_minutes", minutes=minutes)
    return _text(lang, "delivery.eta_hours", hours=minutes // 60, minutes=minutes % 60)


def progress_text(progress: Progress, lang: Lang) -> str:
    return _text(
        lang,
        "delivery.progress",
        bar=progress_bar(progress.fraction),
        percent=math.floor(progress.fraction * 100),
        settled=progress.settled,
        total=progress.total,
        sent=progress.delivered,
        unreachable=progress.unreachable,
        failed=progress.failed,
        eta=format_eta(progress.eta_seconds, lang),
    )


def report_text(progress: Progress, lang: Lang) -> str:
    """The final report; held, unconfirmed and cancelled lines only when there are any."""
    title = (
        "delivery.report.cancelled_title" if progress.was_cancelled else "delivery.report.finished"
    )
    lines = [
        _text(lang, title, total=progress.total),
        _text(lang, "delivery.report.sent", count=progress.sent),
        _text(lang, "delivery.report.unreachable", count=progress.unreachable),
        _text(lang, "delivery.report.failed", count=progress.failed),
    ]
    if progress.held:
        lines.append(_text(lang, "delivery.report.held", count=progress.held))
    if progress.unconfirmed:
        lines.append(_text(lang, "delivery.report.unconfirmed", count=progress.unconfirmed))
    if progress.cancelled:
        lines.append(_text(lang, "delivery.report.cancelled", count=progress.cancelled))
    return "\n".join(lines)
