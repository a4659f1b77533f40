"""QR codes: start payloads, deep links, text fitting, and PNGs read back with a real decoder."""

from __future__ import annotations

import io
import re

import pytest
import zxingcpp
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image, ImageDraw, ImageFont

from marketbot.platforms.telegram.links import deep_link
from marketbot.printouts.qr import FONT, fit_lines, printable, qr_png
from marketbot.services.links import entry_payload, parse_entry

BOT = "shuimotou_market_bot"
TELEGRAM_START = re.compile(r"[A-Za-z0-9_-]{1,64}")
ids = st.integers(min_value=1, max_value=10**18 - 1)
kinds = st.sampled_from(["stall", "market"])


def decode(png: bytes) -> list[zxingcpp.Barcode]:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    return zxingcpp.read_barcodes(image)


@given(kinds, ids)
def test_payload_round_trips_and_fits_telegram_and_wechat(kind: str, ident: int) -> None:
    payload = entry_payload(kind, ident)  # type: ignore[arg-type]
    assert TELEGRAM_START.fullmatch(payload)  # Telegram start parameter, WeChat scene_str
    assert parse_entry(payload) == (kind, ident)


def test_payload_examples() -> None:
    assert entry_payload("stall", 42) == "stall_42"
    assert entry_payload("market", 7) == "market_7"
    assert parse_entry("market_7") == ("market", 7)


@pytest.mark.parametrize(
    "payload",
    [
        None,
        "",
        "stall",
        "stall_",
        "stall_0",
        "stall_042",
        "stall_-1",
        "stall_+1",
        "stall_1 ",
        " stall_1",
        "stall_1\n",
        "STALL_1",
        "shop_1",
        "stall_1_2",
        "stall_１",  # full-width digit
        "stall_" + "9" * 19,
        "market_1.0",
    ],
)
def test_parse_refuses_anything_not_canonical(payload: str | None) -> None:
    assert parse_entry(payload) is None


@given(st.text(max_size=80))
def test_parse_never_raises_and_only_accepts_what_it_would_make(payload: str) -> None:
    parsed = parse_entry(payload)
    if parsed is not None:
        assert entry_payload(*parsed) == payload


@pytest.mark.parametrize(
    ("kind", "ident"),
    [("stall", 0), ("stall", -3), ("shop", 1), ("market", 10**18), ("stall", True)],
)
def test_start_payload_refuses_bad_input(kind: str, ident: int) -> None:
    with pytest.raises(ValueError, match=r"must be|unknown kind"):
        entry_payload(kind, ident)  # type: ignore[arg-type]


def test_deep_link() -> None:
    assert deep_link(BOT, "stall_42") == f"https://t.me/{BOT}?start=stall_42"
    assert deep_link("@" + BOT, "market_1") == f"https://t.me/{BOT}?start=market_1"


@pytest.mark.parametrize(
    ("username", "payload"),
    [
        ("", "stall_1"),
        ("abcd", "stall_1"),
        ("bad name", "stall_1"),
        ("x/y_bot", "stall_1"),
        ("a" * 33, "stall_1"),
        (BOT, ""),
        (BOT, "stall 1"),
        (BOT, "a&b=c"),
        (BOT, "x" * 65),
    ],
)
def test_deep_link_refuses_what_telegram_would_not_take(username: str, payload: str) -> None:
    with pytest.raises(ValueError, match="not a Telegram"):
        deep_link(username, payload)


@pytest.mark.parametrize(
    ("kind", "ident", "username"),
    [("stall", 42, BOT), ("market", 1, BOT), ("stall", 10**18 - 1, "b" * 29 + "bot")],
)
def test_png_decodes_to_exactly_the_link(kind: str, ident: int, username: str) -> None:
    link = deep_link(username, entry_payload(kind, ident))  # type: ignore[arg-type]
    codes = decode(qr_png(link, "王大爷的山货", "@" + username))
    assert [(code.text, code.format, code.ec_level) for code in codes] == [
        (link, zxingcpp.BarcodeFormat.QRCode, "H")
    ]


def test_png_survives_a_smudge_and_a_crease() -> None:
    link = deep_link(BOT, "stall_42")
    image = Image.open(io.BytesIO(qr_png(link, "王大爷的山货"))).convert("L")
    side = image.width
    draw = ImageDraw.Draw(image)
    # a smudge over a tenth of the code (here, levels M and Q no longer decode)
    draw.ellipse((side * 0.34, side * 0.34, side * 0.66, side * 0.652), fill=40)
    draw.line((0, side * 0.72, side, side * 0.68), fill=255, width=side // 60)  # a crease
    assert [code.text for code in zxingcpp.read_barcodes(image)] == [link]


def test_png_caption_of_any_length_stays_inside_the_image() -> None:
    link = deep_link(BOT, "stall_42")
    short = Image.open(io.BytesIO(qr_png(link, "山货")))
    long = Image.open(io.BytesIO(qr_png(link, "很长的名字" * 40, "@" + BOT)))
    assert long.width == short.width
    assert long.height < long.width * 1.5  # two caption lines and the bot name, no more
    assert [code.text for code in decode(qr_png(link, "很长的名字" * 40))] == [link]


def test_printable_replaces_what_the_font_lacks() -> None:
    assert printable("王大爷的山货  Honey\n小米") == "王大爷的山货 Honey 小米"
    assert printable("Mary's 🐝 Honey") == "Mary's Honey"  # symbols without a glyph go
    assert printable("张堃的摊") == "张〓的摊"  # letters without one show they are missing
    assert printable("35元/斤，¥12.5（新鲜）…") == "35元/斤，¥12.5（新鲜）…"


def test_font_is_the_projects_own_and_covers_gb2312() -> None:
    assert FONT.is_file()
    assert FONT.parent.name == "fonts"
    assert (FONT.parent / "OFL.txt").is_file()
    hanzi = []  # GB2312's level-1 and level-2 hanzi: rows 0xB0-0xF7, cells 0xA1-0xFE
    for row in range(0xB0, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                hanzi.append(bytes([row, cell]).decode("gb2312"))
            except UnicodeDecodeError:  # the five unused cells at the end of level 1
                continue
    gb2312 = "".join(hanzi)
    assert len(gb2312) == 6763
    assert printable(gb2312) == gb2312


def mono(text: str) -> float:
    return float(len(text))


@given(
    st.text(alphabet="王大爷的山货 Honey-Pot。、", max_size=120),
    st.integers(min_value=1, max_value=30),
    st.integers(min_value=1, max_value=4),
)
def test_fit_lines_never_overflows(text: str, width: int, max_lines: int) -> None:
    text = " ".join(text.split())
    lines = fit_lines(text, width, max_lines, mono)
    assert len(lines) <= max_lines
    assert all(mono(line) <= width for line in lines)
    if not any(line.endswith("…") for line in lines):
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_fit_lines_breaks_cjk_anywhere_and_latin_at_spaces() -> None:
    assert fit_lines("九蒸九晒黄精", 4, 3, mono) == ["九蒸九晒", "黄精"]
    assert fit_lines("wild honey pot", 10, 3, mono) == ["wild honey", "pot"]
    assert fit_lines("abcdefghij", 4, 3, mono) == ["abcd", "efgh", "ij"]
    assert fit_lines("九蒸九晒黄精古法沙棘膏", 4, 2, mono) == ["九蒸九晒", "黄精古…"]


def test_fit_lines_with_the_real_font() -> None:
    font = ImageFont.truetype(FONT, 40)
    lines = fit_lines("很长的名字" * 40, 500, 2, font.getlength)
    assert len(lines) == 2
    assert lines[1].endswith("…")
    assert all(font.getlength(line) <= 500 for line in lines)
