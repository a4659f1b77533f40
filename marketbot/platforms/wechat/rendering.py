"""The passive reply's text as a 服务号 shows it: numbered choices as tappable
``weixin://bizmsgmenu`` links, photos taken out to go as image messages.

* :func:`with_menu_links`: a line of choices ``[1] 保存   [2] 取消`` becomes
  ``<a href="weixin://bizmsgmenu?msgmenucontent=1&msgmenuid=1">1 保存</a>   <a …>2 取消</a>``;
  a tap sends the bare number as a text message, exactly what typing it sends. The href holds
  only digits; a label's ``<`` and ``>`` (a product name is user text) become ``＜`` ``＞`` so it
  cannot close the link or open another. Links are added while the text stays within
  ``limit`` UTF-8 bytes; the choices that do not fit stay plain numbered text. Undocumented
  by WeChat but widely used; not on a 订阅号 (only a 服务号 is sure to show them).
* :func:`take_photos`: the ``[📷 #12]`` lines the text renderer writes for a reply's photo,
  removed, with the photo ids (a 服务号 sends them as images; a 订阅号 cannot show them).
"""

from __future__ import annotations

import re

__all__ = ["menu_link", "take_photos", "with_menu_links", "without_menu_links"]

_CELL = re.compile(r"\[(\d{1,4})\] (.+?)(?=   \[\d{1,4}\] |$)")
_CHOICE_LINE = re.compile(r"\[\d{1,4}\] .+")
_LINK = re.compile(
    r'<a href="weixin://bizmsgmenu\?msgmenucontent=(\d{1,4})&msgmenuid=\d{1,4}">'
    r"\d{1,4} ([^<]*)</a>"
)
_PHOTO = re.compile(r"\[📷 #(\d{1,12})\]")


def menu_link(number: int, label: str) -> str:
    """One tappable choice: the tap sends ``number`` (see module)."""
    shown = label.replace("<", "＜").replace(">", "＞")
    return (
        f'<a href="weixin://bizmsgmenu?msgmenucontent={number}&msgmenuid={number}">'
        f"{number} {shown}</a>"
    )


def _cells(line: str) -> list[tuple[int, str]] | None:
    """The choices of a line made only of numbered choices, else None."""
    if not _CHOICE_LINE.fullmatch(line):
        return None
    cells, position = [], 0
    for match in _CELL.finditer(line):
        if match.start() != position:
            return None
        cells.append((int(match[1]), match[2]))
        position = match.end() + 3
    if not cells or position - 3 != len(line):
        return None
    numbers = [number for number, _ in cells]
    if numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        return None
    return cells


def with_menu_links(text: str, limit: int) -> str:
    """``text`` with its choice lines as links, within ``limit`` UTF-8 bytes (see module)."""
    lines = text.split("\n")
    size = len(text.encode("utf-8"))
    for index, line in enumerate(lines):
        cells = _cells(line)
        if cells is None:
            continue
        rendered = []
        for number, label in cells:
            plain, link = f"[{number}] {label}", menu_link(number, label)
            extra = len(link.encode("utf-8")) - len(plain.encode("utf-8"))
            if size + extra <= limit:
                rendered.append(link)
                size += extra
            else:
                rendered.append(plain)
        lines[index] = "   ".join(rendered)
    return "\n".join(lines)


def without_menu_links(text: str) -> str:
    """The links made by :func:`with_menu_links` back to plain numbered choices (an answer
    that goes later, in pages of its own, where a link must not be cut in two)."""
    return _LINK.sub(lambda match: f"[{match[1]}] {match[2]}", text)


def take_photos(text: str) -> tuple[str, list[int]]:
    """``text`` without its photo lines, and their photo ids in order."""
    kept, photos = [], []
    for line in text.split("\n"):
        match = _PHOTO.fullmatch(line.strip())
        if match is None:
            kept.append(line)
        else:
            photos.append(int(match[1]))
    return "\n".join(kept).strip("\n"), photos
