"""The market's days as an iCalendar feed (RFC 5545) a phone calendar can subscribe to.

Times are UTC (no VTIMEZONE needed); each event's UID is the scheduled day's, so a day moved
later updates the same event in the subscriber's calendar. Text values are escaped (``\\``,
``;``, ``,``, newlines) and lines folded at 75 octets without splitting a UTF-8 character.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from marketbot.calendar import lunar
from marketbot.domain.model import Market
from marketbot.domain.schedule import DayChange, Schedule

__all__ = ["HeldDay", "escape_text", "feed", "fold", "held_days"]

_LINE_OCTETS = 75


@dataclass(frozen=True, slots=True)
class HeldDay:
    """A day the market is held: ``day``, scheduled for ``scheduled`` (another day when
    moved), and the reason of the move."""

    day: date
    scheduled: date
    reason: str = ""


def held_days(
    schedule: Schedule, changes: Mapping[date, DayChange], start: date, end: date
) -> list[HeldDay]:
    """The days the market is held from ``start`` to ``end``: cancelled days removed, moved
    days at their new date (also those moved in from outside the stretch)."""
    end = min(end, lunar.LAST_DATE)
    held: dict[date, HeldDay] = {}
    scheduled = schedule.rule().dates_between(start, end, schedule.options)
    for day in scheduled:
        change = changes.get(day)
        if change is None:
            held.setdefault(day, HeldDay(day, day))
        elif change.moved_to is not None and start <= change.moved_to <= end:
            held[change.moved_to] = HeldDay(change.moved_to, day, change.reason)
    listed = set(scheduled)
    for change in changes.values():
        target = change.moved_to
        if change.day not in listed and target is not None and start <= target <= end:
            held[target] = HeldDay(target, change.day, change.reason)
    return [held[d] for d in sorted(held)]


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """One content line folded into lines of at most 75 octets (RFC 5545 3.1), CRLF-ended."""
    parts: list[str] = []
    current: list[str] = []
    size, limit = 0, _LINE_OCTETS
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, _LINE_OCTETS - 1  # the leading space counts
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts) + "\r\n"


def _utc(day: date, hhmm: str, zone: str) -> str:
    local = datetime.combine(day, time.fromisoformat(hhmm), tzinfo=ZoneInfo(zone))
    return local.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def feed(
    market: Market,
    days: Sequence[HeldDay],
    *,
    url: str,
    host: str,
    stamp: datetime,
    moved_note: str,
) -> bytes:
    """The whole feed. ``moved_note`` is a template with ``{day}`` and ``{reason}``."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//marketbot//market days//ZH",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(market.name)}",
        f"X-WR-TIMEZONE:{market.timezone}",
        "REFRESH-INTERVAL;VALUE=DURATION:P1D",
        "X-PUBLISHED-TTL:P1D",
    ]
    dtstamp = stamp.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    closes_next_day = market.closes <= market.opens
    for held in days:
        end_day = held.day + timedelta(days=1) if closes_next_day else held.day
        lines += [
            "BEGIN:VEVENT",
            f"UID:market-{market.id}-{held.scheduled.isoformat()}@{host}",
            f"DTSTAMP:{dtstamp}",
            f"DTSTART:{_utc(held.day, market.opens, market.timezone)}",
            f"DTEND:{_utc(end_day, market.closes, market.timezone)}",
            f"SUMMARY:{escape_text(market.name)}",
            f"LOCATION:{escape_text(market.place)}",
            f"URL:{url}",
        ]
        if held.day != held.scheduled:
            note = moved_note.format(day=held.scheduled.isoformat(), reason=held.reason)
            lines.append(f"DESCRIPTION:{escape_text(note)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) for line in lines).encode()
