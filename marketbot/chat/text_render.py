"""Replies as plain text, for every platform without buttons (the terminal, WeChat, a test one).

Choices become numbered lines, ``[1] 保存``, numbered on across the replies of one answer, in
the order the core records them, so a typed number always presses what it shows. A message
pushed to someone (a reminder, a notice) numbers its buttons on after the ones already open
(:meth:`marketbot.chat.core.Core.shown` says from where), so the numbers of the flow the person
is in keep their meaning.

:func:`pages` makes the text of one answer fit a platform that takes one message per inbound
and a size limit (in characters or UTF-8 bytes): it cuts between lines, and every page but the
last ends with the hint to type 0 for more.
"""

from __future__ import annotations

from collections.abc import Sequence

from marketbot.neutral import Capabilities, Reply, html_to_plain

__all__ = ["MORE", "pages", "reply_lines", "size"]

MORE = ("0", "更多", "more", "next", "下一页")
"""What a person types to see the next page of a long answer."""


def size(text: str, caps: Capabilities) -> int:
    """The length of ``text`` as the platform counts it."""
    return len(text.encode("utf-8")) if caps.limit_in_bytes else len(text)


def reply_lines(reply: Reply, first_number: int = 1, *, file_note: str | None = None) -> list[str]:
    """Plain-text lines of one reply; its choices numbered from ``first_number``. A file it
    carries is named by ``file_note`` (where the platform put it) or by its file name."""
    lines: list[str] = []
    if reply.photo:
        lines.append(f"[📷 #{reply.photo}]")
    if reply.attachment is not None:
        lines.append(f"[📎 {file_note or reply.attachment.filename}]")
    lines.extend(html_to_plain(reply.text).splitlines())
    number = first_number
    for row in reply.choices:
        cells = []
        for choice in row:
            cells.append(f"[{number}] {choice.label}")
            number += 1
        lines.append("   ".join(cells))
    return lines


def _cut(line: str, limit: int, caps: Capabilities) -> list[str]:
    """A single line longer than a page, cut at the limit."""
    parts, current = [], ""
    for char in line:
        if size(current + char, caps) > limit:
            parts.append(current)
            current = ""
        current += char
    return [*parts, current] if current else parts


def pages(replies: Sequence[Reply], caps: Capabilities, more_hint: str) -> list[str]:
    """The answer as plain-text pages that each fit ``caps.text_limit`` (hint included)."""
    blocks: list[list[str]] = []
    number = 1
    for reply in replies:
        blocks.append(reply_lines(reply, number))
        number += len(reply.flat_choices())
    lines: list[str] = []
    for block in blocks:
        if lines:
            lines.append("")
        lines.extend(block)
    limit = max(caps.text_limit - size("\n\n" + more_hint, caps), 16)
    found: list[str] = []
    current: list[str] = []
    for line in lines:
        for piece in _cut(line, limit, caps) if size(line, caps) > limit else [line]:
            candidate = "\n".join([*current, piece])
            if current and size(candidate, caps) > limit:
                found.append("\n".join(current).strip("\n"))
                current = [piece]
            else:
                current.append(piece)
    if current or not found:
        found.append("\n".join(current).strip("\n"))
    return [page + "\n\n" + more_hint for page in found[:-1]] + found[-1:]
