"""QR codes as PNG images. The link a code holds comes from the platforms
(:class:`marketbot.services.links.Links`); codes use error correction level H, so a creased or
smudged print still scans.

The bundled CJK font (a GB2312 subset of Noto Sans CJK SC, see ``docs/posters.md``) is located here
too, with the text helpers :mod:`marketbot.printouts.posters` shares: :func:`printable` keeps a
missing glyph from printing as an empty box, and :func:`fit_lines` wraps and ellipsizes.
"""

from __future__ import annotations

import functools
import io
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

import qrcode
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from PIL import Image, ImageDraw, ImageFont

__all__ = [
    "FONT",
    "SYSTEM_FONTS",
    "bundled_coverage",
    "fallback_fonts",
    "fit_lines",
    "printable",
    "qr_matrix",
    "qr_png",
]

FONT = Path(__file__).with_name("fonts") / "NotoSansCJKsc-Regular-GB2312.ttf"
"""The bundled font: Noto Sans CJK SC cut down to GB2312 (simplified characters in common use)."""

SYSTEM_FONTS: tuple[Path, ...] = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),  # Debian: fonts-noto-cjk
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),  # Debian: fonts-wqy-microhei
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),  # Debian: fonts-wqy-zenhei
)
"""Fuller CJK fonts that posters fall back on, where the machine has them, for characters
outside GB2312 (喆, 堃, 燊, Traditional characters; 𠮷 with fonts-noto-cjk)."""
_MISSING = "〓"  # the geta mark: the typesetter's stand-in for a character the font lacks


def qr_matrix(link: str) -> list[list[bool]]:
    """The modules of the code for ``link`` (True is dark), with a 4-module quiet zone."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_H, border=4)
    code.add_data(link)
    code.make(fit=True)
    return [[bool(cell) for cell in row] for row in code.get_matrix()]


def bundled_coverage() -> frozenset[int]:
    """The characters of the bundled font."""
    return _coverage()


@functools.cache
def _coverage() -> frozenset[int]:
    font = TTFont(FONT, lazy=True)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


def _cmap(path: Path) -> frozenset[int]:
    font = (
        TTFont(path, lazy=True, fontNumber=0) if path.suffix == ".ttc" else TTFont(path, lazy=True)
    )
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


@functools.cache
def fallback_fonts() -> tuple[tuple[Path, frozenset[int]], ...]:
    """The system fonts of :data:`SYSTEM_FONTS` present here, with the characters each has."""
    found = []
    for path in SYSTEM_FONTS:
        if path.is_file():
            try:
                found.append((path, _cmap(path)))
            except Exception:
                continue
    return tuple(found)


@functools.cache
def _all_coverage() -> frozenset[int]:
    return _coverage().union(*(cmap for _, cmap in fallback_fonts()))


def printable(text: str, *, fallback: bool = False) -> str:
    """``text`` on one line (runs of whitespace made one space) in characters the font has
    (with ``fallback``, the bundled font or a system font of :func:`fallback_fonts`).

    Letters and digits none has (rare characters outside GB2312 where no fuller font is
    installed) become 〓, so a name shows that something is missing; symbols they lack (emoji),
    marks and format characters are left out.
    """
    covered = _all_coverage() if fallback else _coverage()
    chars: list[str] = []
    for char in " ".join(text.split()):
        if ord(char) in covered:
            chars.append(char)
        elif unicodedata.category(char)[0] in "LN":
            chars.append(_MISSING)
    return " ".join("".join(chars).split())


def fit_lines(
    text: str, width: float, max_lines: int, measure: Callable[[str], float]
) -> list[str]:
    """``text`` wrapped into at most ``max_lines`` lines no wider than ``width``.

    Lines break between any two CJK characters and at spaces between Latin words (a word wider
    than the line is broken anywhere); what does not fit ends in an ellipsis on the last line.
    ``measure`` gives the width of a string in the same unit as ``width``.
    """
    lines: list[str] = []
    line = ""
    for token in re.findall(r"[A-Za-z0-9]+ ?|.", text):
        if line and measure(line + token.rstrip()) > width:
            lines.append(line.rstrip())
            line = ""
        if not line and token.isspace():
            continue
        line += token
        while measure(line.rstrip()) > width:  # a word wider than the line: break it anywhere
            head = _prefix(line, width, measure)
            lines.append(head)
            line = line[len(head) :]
    if line.strip():
        lines.append(line.rstrip())
    if len(lines) <= max_lines:
        return lines
    kept = lines[:max_lines]
    kept[-1] = _ellipsize(kept[-1] + "…", width, measure)
    return kept


def _prefix(text: str, width: float, measure: Callable[[str], float]) -> str:
    end = len(text)
    while end > 1 and measure(text[:end]) > width:
        end -= 1
    return text[:end]


def _ellipsize(text: str, width: float, measure: Callable[[str], float]) -> str:
    if measure(text) <= width:
        return text
    body = text.removesuffix("…")
    while body and measure(body.rstrip() + "…") > width:
        body = body[:-1]
    return body.rstrip() + "…"


def qr_png(link: str, caption: str, subcaption: str = "") -> bytes:
    """A PNG of the code for ``link`` with ``caption`` (the stall's name) under it in bold and
    ``subcaption`` (the bot's name) under that in grey; long captions wrap to two lines, then
    end in an ellipsis."""
    matrix = qr_matrix(link)
    module = max(8, 800 // len(matrix))
    side = module * len(matrix)
    inner = side - 2 * 4 * module  # the text lines up with the code, inside the quiet zone
    big = ImageFont.truetype(FONT, side // 13)
    small = ImageFont.truetype(FONT, side // 24)
    bold = max(1, big.size // 28)  # the font has one weight: bold is drawn with a stroke
    title = fit_lines(printable(caption), inner - 2 * bold, 2, big.getlength)
    sub = fit_lines(printable(subcaption), inner, 1, small.getlength)
    big_line = round(big.size * 1.35)
    small_line = round(small.size * 1.5)
    height = side + len(title) * big_line + len(sub) * small_line + 3 * module

    image = Image.new("L", (side, height), 255)
    draw = ImageDraw.Draw(image)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                box = (x * module, y * module, (x + 1) * module - 1, (y + 1) * module - 1)
                draw.rectangle(box, fill=0)
    y = side - module  # the text keeps 3 of the 4 modules of quiet zone clear
    for line in title:
        draw.text(
            (side // 2, y), line, font=big, fill=0, anchor="ma", stroke_width=bold, stroke_fill=0
        )
        y += big_line
    for line in sub:
        draw.text((side // 2, y), line, font=small, fill=90, anchor="ma")
        y += small_line
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
