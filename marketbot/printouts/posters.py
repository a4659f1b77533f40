"""Printable A4 posters: one page per stall for the stall itself, one for a market's entrance.

Pages are laid out top-down (name, details, goods) with the QR code anchored at the bottom; text
that would not fit shrinks, wraps or ends in an ellipsis, so no input leaves the page. The code
is drawn as vector squares, 80 mm across on a stall's poster and 100 mm on a market's, so it
scans from a metre away and more. All text is real text in the bundled CJK font (see
``docs/posters.md``): it can be selected and searched. Callers pass plain data, with sold-out
products already left out and market days already formatted.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from fpdf import FPDF
from fpdf.enums import TextMode
from PIL import Image

from marketbot.domain.prices import format_price
from marketbot.printouts.qr import (
    FONT,
    bundled_coverage,
    fallback_fonts,
    fit_lines,
    printable,
    qr_matrix,
)
from marketbot.texts.posters import TEXTS

__all__ = [
    "MAX_MARKET_DAYS",
    "MAX_PRODUCTS",
    "PosterMarket",
    "PosterProduct",
    "PosterStall",
    "market_pdf",
    "stalls_pdf",
]

MAX_PRODUCTS = 8
MAX_MARKET_DAYS = 5

# Layout is in millimetres; the PDF itself is in points (fpdf2 writes a text stroke's width
# unscaled, so only with points as the unit is the stroke that draws bold text the right width).
_MM = 72 / 25.4  # points per millimetre
_PT = 1 / _MM  # millimetres per point, for font sizes
_PAGE_W, _PAGE_H = 210.0, 297.0
_MARGIN = 16.0
_WIDTH = _PAGE_W - 2 * _MARGIN
_STALL_CODE_MM = 80.0  # the code without its quiet zone
_MARKET_CODE_MM = 100.0
_GAP = 4.0  # between the text above the code and the code's quiet zone
_BOLD_STROKE = 0.03  # em: the font has one weight, bold is drawn with a stroke

Color = tuple[int, int, int]
_INK: Color = (25, 25, 25)
_GREY: Color = (105, 105, 105)
_RULE: Color = (190, 190, 190)
_ACCENT: Color = (178, 34, 34)

Align = Literal["L", "C", "R"]


@dataclass(frozen=True)
class PosterProduct:
    name: str
    price_fen: int
    unit: str
    """As stored (``斤``, ``瓶``); empty for a price without a unit."""
    photo: bytes | None = None
    """The product's photo (any format Pillow reads), printed small beside its name."""
    price_max_fen: int | None = None
    price_note: str = ""


@dataclass(frozen=True)
class PosterStall:
    name: str
    vendor: str
    village: str
    products: Sequence[PosterProduct]
    link: str
    market: str = ""
    """The market's name and days as the notice board writes them (水磨头村山货集 逢三六九)."""
    phone: str = ""
    """Printed only when the vendor chose to show it to visitors."""


@dataclass(frozen=True)
class PosterMarket:
    name: str
    place: str
    hours: str
    next_days: Sequence[str]
    link: str
    rule: str = ""
    """The market days as the notice board writes them (逢三六九): still right when the dates
    printed below it have passed."""


def _both(key: str, **values: object) -> tuple[str, str]:
    zh, en = TEXTS[key]
    return zh.format(**values), en.format(**values)


class _Poster:
    """An A4 document in the bundled font, with layout helpers taking millimetres."""

    def __init__(self, title: str) -> None:
        self.pdf = FPDF(orientation="portrait", unit="pt", format="A4")
        self.pdf.set_auto_page_break(auto=False)
        self.pdf.add_font("cjk", "", FONT)
        self._size = 12.0
        # characters outside GB2312 come from fuller fonts the machine has (see SYSTEM_FONTS)
        self._fonts: list[tuple[str, frozenset[int]]] = [("cjk", bundled_coverage())]
        for number, (path, cmap) in enumerate(fallback_fonts()):
            self._fonts.append((f"fallback{number}", cmap))
            self.pdf.add_font(f"fallback{number}", "", path)
        self.pdf.set_title(printable(title, fallback=True))
        self.pdf.set_lang("zh-CN")
        self.pdf.set_creator("marketbot")

    def page(self) -> None:
        self.pdf.add_page()
        self.pdf.set_fill_color(*_ACCENT)
        self.rect(0, 0, _PAGE_W, 7)

    def font(self, size: float, bold: bool = False, color: Color = _INK) -> None:
        self._size = size
        self.pdf.set_font("cjk", "", size)
        self.pdf.set_text_color(*color)
        if bold:
            self.pdf.text_mode = TextMode.FILL_STROKE
            self.pdf.set_draw_color(*color)
            self.pdf.set_line_width(size * _BOLD_STROKE)
        else:
            self.pdf.text_mode = TextMode.FILL

    def _runs(self, text: str) -> list[tuple[str, str]]:
        """``text`` in runs of one font each: the bundled font where it has the character."""
        runs: list[tuple[str, str]] = []
        for char in text:
            name = next((n for n, cmap in self._fonts if ord(char) in cmap), "cjk")
            if runs and runs[-1][0] == name:
                runs[-1] = (name, runs[-1][1] + char)
            else:
                runs.append((name, char))
        return runs

    def width(self, text: str) -> float:
        """The width of ``text`` in the current font, in millimetres."""
        total = 0.0
        for name, run in self._runs(text):
            self.pdf.set_font(name, "", self._size)
            total += self.pdf.get_string_width(run)
        self.pdf.set_font("cjk", "", self._size)
        return total * _PT

    def _line(self, left: float, baseline: float, line: str) -> None:
        for name, run in self._runs(line):
            self.pdf.set_font(name, "", self._size)
            self.pdf.text(left * _MM, baseline * _MM, run)
            left += self.pdf.get_string_width(run) * _PT
        self.pdf.set_font("cjk", "", self._size)

    def text(
        self,
        text: str,
        top: float,
        *,
        size: float,
        bold: bool = False,
        color: Color = _INK,
        align: Align = "L",
        x: float = _MARGIN,
        width: float = _WIDTH,
        max_lines: int = 1,
        min_size: float | None = None,
    ) -> float:
        """Write ``text`` from ``top`` down and return the y under it.

        The size steps down towards ``min_size`` until the text fits in ``max_lines``; at the
        smallest size the last line ends in an ellipsis.
        """
        text = printable(text, fallback=True)
        smallest = size if min_size is None else min_size
        self.font(size, bold, color)
        while (
            size > smallest and len(fit_lines(text, width, max_lines + 1, self.width)) > max_lines
        ):
            size = max(smallest, size * 0.9)
            self.font(size, bold, color)
        for line in fit_lines(text, width, max_lines, self.width):
            left = x
            if align == "C":
                left += (width - self.width(line)) / 2
            elif align == "R":
                left += width - self.width(line)
            self._line(left, top + size * _PT * 1.05, line)
            top += size * _PT * 1.3
        return top

    def rect(self, x: float, y: float, w: float, h: float) -> None:
        """A filled rectangle in the current fill colour."""
        self.pdf.rect(x * _MM, y * _MM, w * _MM, h * _MM, style="F")

    def rule(self, y: float, color: Color = _RULE, weight: float = 0.2) -> None:
        """A horizontal line across the text width; ``weight`` in millimetres."""
        self.pdf.set_draw_color(*color)
        self.pdf.set_line_width(weight * _MM)
        self.pdf.line(_MARGIN * _MM, y * _MM, (_PAGE_W - _MARGIN) * _MM, y * _MM)

    def code_block(self, link: str, code_mm: float, scan_key: str) -> float:
        """The QR code with the link and the scan instructions under it, at the bottom of the
        page; returns the lowest y the text above may use."""
        zh, en = _both(scan_key)
        bottom = _PAGE_H - _MARGIN
        self.text(en, bottom - 6, size=12, color=_GREY, align="C", min_size=8)
        self.text(zh, bottom - 15, size=17, bold=True, align="C", min_size=10)
        bare = link.removeprefix("https://")
        self.text(bare, bottom - 22, size=9, color=_GREY, align="C", min_size=6)
        matrix = qr_matrix(link)
        module = code_mm / (len(matrix) - 8)
        side = module * len(matrix)
        left, top = (_PAGE_W - side) / 2, bottom - 22 - side + module  # 3 modules clear
        self.pdf.set_fill_color(0, 0, 0)
        for row_index, row in enumerate(matrix):
            column = 0
            while column < len(row):  # one rectangle per run of dark modules
                if not row[column]:
                    column += 1
                    continue
                start = column
                while column < len(row) and row[column]:
                    column += 1
                # a hair taller than a module, so that no seam shows between rows
                y = top + row_index * module
                self.rect(left + start * module, y, (column - start) * module, module * 1.02)
        return top - _GAP

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def _thumbnail(data: bytes | None) -> bytes | None:
    """A small JPEG of a photo for print (the PDF stays small), or None if it cannot be read."""
    if not data:
        return None
    try:
        with Image.open(io.BytesIO(data)) as image:
            small = image.convert("RGB")
            small.thumbnail((240, 240))
            out = io.BytesIO()
            small.save(out, format="JPEG", quality=80)
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    return out.getvalue()


_MAX_PITCH = 40.0  # mm a product line takes at most (a stall with few goods)
_MAX_GOODS_SIZE = 36.0  # pt


def _stall_page(doc: _Poster, stall: PosterStall) -> None:
    doc.page()
    limit = doc.code_block(stall.link, _STALL_CODE_MM, "poster.scan_stall")
    y = doc.text(stall.name, 16, size=34, bold=True, max_lines=2, min_size=20)
    details = [_both("poster.vendor", vendor=stall.vendor)[0]] if stall.vendor.strip() else []
    details += [stall.village] if stall.village.strip() else []
    details += [_both("poster.phone", phone=stall.phone)[0]] if stall.phone.strip() else []
    if details:
        y = doc.text("　".join(details), y + 1, size=15, color=_GREY, min_size=12)
    if stall.market.strip():
        y = doc.text(stall.market, y + 1, size=15, color=_ACCENT, min_size=11)
    doc.rule(y + 2, color=_ACCENT, weight=0.6)
    y += 5

    shown = list(stall.products[:MAX_PRODUCTS])
    if not shown:
        doc.text("　".join(_both("poster.no_goods")), y + 4, size=18, color=_GREY)
        return
    goods, price = (" ".join(_both(key)) for key in ("poster.goods", "poster.price"))
    more = len(stall.products) - len(shown)
    # few goods are printed larger and in the middle of the free space, so that no large empty
    # block is left above the code
    room = limit - y - 6 - (8 if more else 0)
    pitch = min(_MAX_PITCH, room / len(shown))
    y += max(0.0, (room - pitch * len(shown)) / 2)
    doc.text(goods, y, size=10, color=_GREY)
    doc.text(price, y, size=10, color=_GREY, align="R")
    y += 6
    size = min(_MAX_GOODS_SIZE, pitch / _PT / 1.6)
    for product in shown:
        amount = printable(  # prices: digits and GB2312 units
            format_price(
                product.price_fen,
                product.unit.strip() or None,
                "zh",
                max_fen=product.price_max_fen,
                note=product.price_note,
            )
        )
        doc.font(size, bold=True)
        price_width = min(doc.width(amount), _WIDTH * 0.45)
        top = y + (pitch - size * _PT * 1.3) / 2
        thumb = _thumbnail(product.photo)
        indent = 0.0
        if thumb is not None:
            side = pitch - 2
            doc.pdf.image(io.BytesIO(thumb), _MARGIN * _MM, (y + 1) * _MM, side * _MM, side * _MM)
            indent = side + 3
        doc.text(
            product.name,
            top,
            size=size,
            x=_MARGIN + indent,
            width=_WIDTH - price_width - 8 - indent,
        )
        doc.text(
            amount,
            top,
            size=size,
            bold=True,
            color=_ACCENT,
            align="R",
            x=_MARGIN + _WIDTH - price_width,
            width=price_width,
            min_size=size / 2,
        )
        y += pitch
        doc.rule(y)
    if more:
        zh, en = _both("poster.more_goods", count=more)
        doc.text(f"{zh}　{en}", y + 2, size=11, color=_GREY, min_size=8)


def stalls_pdf(stalls: Sequence[PosterStall]) -> bytes:
    """One A4 page per stall, in the given order: the first :data:`MAX_PRODUCTS` products are
    listed and the rest counted."""
    if not stalls:
        raise ValueError("no stalls to make posters of")
    doc = _Poster(stalls[0].name if len(stalls) == 1 else "marketbot")
    for stall in stalls:
        _stall_page(doc, stall)
    return doc.output()


def _label(doc: _Poster, key: str, top: float, width: float) -> None:
    zh, en = _both(key)
    below = doc.text(zh, top + 1, size=12, color=_GREY, width=width)
    doc.text(en, below - 0.5, size=8, color=_GREY, width=width)


def market_pdf(market: PosterMarket) -> bytes:
    """One A4 page for a market's entrance: name, place, hours, the next market days (at most
    :data:`MAX_MARKET_DAYS`) and the code."""
    doc = _Poster(market.name)
    doc.page()
    limit = doc.code_block(market.link, _MARKET_CODE_MM, "poster.scan_market")
    y = doc.text(market.name, 18, size=40, bold=True, max_lines=2, min_size=22, align="C")
    doc.rule(y + 2, color=_ACCENT, weight=0.6)
    y += 7
    label_width = 32.0
    x, width = _MARGIN + label_width + 2, _WIDTH - label_width - 2
    for key, value in (("poster.place", market.place), ("poster.hours", market.hours)):
        if value.strip():
            _label(doc, key, y, label_width)
            y = doc.text(value, y, size=17, x=x, width=width, max_lines=2, min_size=12) + 3
    if market.rule.strip():
        _label(doc, "poster.rule", y, label_width)
        y = doc.text(
            market.rule, y, size=26, x=x, width=width, bold=True, max_lines=2, min_size=14
        )
        y += 4
    days = list(market.next_days[:MAX_MARKET_DAYS])
    if days:
        _label(doc, "poster.next_days", y, label_width)
        pitch = min(9.0, (limit - y) / len(days))
        size = min(16.0, pitch / _PT / 1.3)
        for day in days:
            doc.text(day, y, size=size, x=x, width=width, min_size=size / 2)
            y += pitch
    return doc.output()
