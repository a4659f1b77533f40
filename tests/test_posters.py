"""Posters: pages, text that stays text, codes that scan, and layouts that stay on the page.

Pages are rendered with PDFium and their codes read back with zxing-cpp; text is read with both
pypdf and PDFium (two independent readers), and PDFium gives each character's box.
"""

from __future__ import annotations

import io

import pypdfium2 as pdfium
import pytest
import zxingcpp
from pypdf import PdfReader

from marketbot.platforms.telegram.links import deep_link
from marketbot.printouts.posters import (
    MAX_PRODUCTS,
    PosterMarket,
    PosterProduct,
    PosterStall,
    market_pdf,
    stalls_pdf,
)
from marketbot.services.links import entry_payload

BOT = "shuimotou_market_bot"
MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)
SCALE = 2  # render at 144 dpi

P = PosterProduct
WANG = PosterStall(
    name="王大爷的山货",
    vendor="王德福",
    village="水磨头村",
    products=[
        P("九蒸九晒黄精", 8800, "斤"),
        P("古法沙棘膏", 3500, "瓶"),
        P("小磨香油", 4000, "斤"),
        P("山木耳", 6000, "斤"),
        P("山蘑菇", 2500, "斤"),
        P("荆条篮子", 4500, "个"),
        P("土鸡蛋", 150, "个"),
        P("核桃", 1250, "斤"),
        P("小米", 800, "斤"),  # the ninth: counted, not listed
    ],
    link=deep_link(BOT, entry_payload("stall", 1)),
)
LI = PosterStall(
    name="Li's Honey 李家蜂蜜",
    vendor="",
    village="",
    products=[P("槐花蜜", 6800, "瓶"), P("Comb honey", 12000, "")],
    link=deep_link(BOT, entry_payload("stall", 2)),
)
HUGE = PosterStall(
    name="很长的摊位名字" * 28 + "END",  # 199 characters
    vendor="张" * 60,
    village="东泉镇水磨头村" * 12,
    products=[P(f"商品{i} with a long English name " * 4, 99_999_99 - i, "斤") for i in range(30)],
    link=deep_link("b" * 29 + "bot", entry_payload("stall", 10**18 - 1)),
)
MARKET = PosterMarket(
    name="水磨头山货集",
    place="平遥县东泉镇水磨头村 村委会广场",
    hours="上午 7:00–12:00",
    next_days=[
        "3月8日 周六（二月初九）",
        "3月13日 周四（二月十四）",
        "3月18日 周二（二月十九）",
        "3月23日 周日（二月廿四）",
        "3月28日 周五（二月廿九）",
        "4月2日 周三（三月初五）",  # the sixth: left out
    ],
    link=deep_link(BOT, entry_payload("market", 1)),
)


@pytest.fixture(scope="module")
def stalls() -> bytes:
    return stalls_pdf([WANG, LI, HUGE])


@pytest.fixture(scope="module")
def market() -> bytes:
    return market_pdf(MARKET)


def pages(data: bytes) -> list[pdfium.PdfPage]:
    """The pages, which keep their document open for as long as they are used."""
    return list(pdfium.PdfDocument(data))


def scan(page: pdfium.PdfPage) -> zxingcpp.Barcode:
    codes = zxingcpp.read_barcodes(page.render(scale=SCALE).to_pil())
    assert len(codes) == 1
    assert codes[0].format == zxingcpp.BarcodeFormat.QRCode
    assert codes[0].ec_level == "H"
    return codes[0]


def pypdf_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_one_a4_page_per_stall_with_names_and_prices_as_text(stalls: bytes) -> None:
    texts = pypdf_text(stalls)
    assert len(texts) == 3
    assert all(
        page.mediabox.width == pytest.approx(A4[0], abs=0.5)
        and page.mediabox.height == pytest.approx(A4[1], abs=0.5)
        for page in PdfReader(io.BytesIO(stalls)).pages
    )
    wang, li, _ = texts
    for name, price in [
        ("九蒸九晒黄精", "88元/斤"),
        ("古法沙棘膏", "35元/瓶"),
        ("土鸡蛋", "1.5元/个"),
        ("核桃", "12.5元/斤"),
    ]:
        assert name in wang
        assert price in wang
    assert "王大爷的山货" in wang
    assert "王德福" in wang
    assert "水磨头村" in wang
    assert "小米" not in wang  # only the first eight are listed...
    assert "还有 1 种商品" in wang  # ...and the rest counted
    assert "Li's Honey 李家蜂蜜" in li
    assert "68元/瓶" in li
    assert "120元" in li
    assert "摊主" not in li  # no vendor line for a stall without one


def test_scan_line_in_chinese_and_english(stalls: bytes) -> None:
    for text in pypdf_text(stalls):
        assert "扫一扫" in text
        assert "Scan with your phone" in text


def test_each_page_scans_to_its_stall(stalls: bytes) -> None:
    links = [scan(page).text for page in pages(stalls)]
    assert links == [WANG.link, LI.link, HUGE.link]


def test_the_code_is_large_enough_to_scan_from_a_metre(stalls: bytes) -> None:
    for page in pages(stalls):
        position = scan(page).position
        width_mm = (position.top_right.x - position.top_left.x) / SCALE / MM
        assert width_mm >= 70


def char_boxes(page: pdfium.PdfPage) -> list[tuple[str, tuple[float, float, float, float]]]:
    text = page.get_textpage()
    boxes = []
    for index in range(text.count_chars()):
        char = text.get_text_range(index, 1)
        if char.strip():
            boxes.append((char, text.get_charbox(index)))
    return boxes


def test_a_huge_stall_stays_inside_the_page_and_clear_of_its_code(stalls: bytes) -> None:
    page = pages(stalls)[2]
    code = scan(page).position
    # the code's corners in PDF points (PDF y grows upwards), with a 2-module quiet zone kept
    left, right = code.top_left.x / SCALE, code.top_right.x / SCALE
    top, bottom = A4[1] - code.top_left.y / SCALE, A4[1] - code.bottom_left.y / SCALE
    quiet = (right - left) / 45 * 2
    boxes = char_boxes(page)
    assert len(boxes) > 100
    for char, (x0, y0, x1, y1) in boxes:
        assert 10 * MM <= x0 < x1 <= A4[0] - 10 * MM, char
        assert 10 * MM <= y0 < y1 <= A4[1] - 10 * MM, char
        overlaps = x0 < right + quiet and x1 > left - quiet and y0 < top + quiet
        assert not (overlaps and y1 > bottom - quiet), char


def test_a_huge_stall_is_shortened_not_dropped(stalls: bytes) -> None:
    text = pypdf_text(stalls)[2]
    assert "很长的摊位名字很长的摊位名字" in text
    assert "END" not in text  # the name is cut...
    assert "…" in text  # ...and says so
    assert "商品0" in text
    assert f"商品{MAX_PRODUCTS - 1}" in text
    assert f"商品{MAX_PRODUCTS} " not in text
    assert f"还有 {30 - MAX_PRODUCTS} 种商品" in text
    assert "99999.99元/斤" in text


def test_market_poster(market: bytes) -> None:
    (text,) = pypdf_text(market)
    for part in [
        "水磨头山货集",
        "平遥县东泉镇水磨头村",
        "7:00–12:00",
        "3月8日 周六（二月初九）",
        "3月28日 周五（二月廿九）",
        "下次赶集",
        "Next market days",
        "扫一扫",
    ]:
        assert part in text
    assert "4月2日" not in text
    (page,) = pages(market)
    code = scan(page)
    assert code.text == MARKET.link
    assert (code.position.top_right.x - code.position.top_left.x) / SCALE / MM >= 90


def test_pdfium_reads_the_same_text(market: bytes) -> None:
    (page,) = pages(market)
    assert "水磨头山货集" in page.get_textpage().get_text_range()


def test_the_font_is_embedded_from_the_project() -> None:
    reader = PdfReader(io.BytesIO(stalls_pdf([LI])))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    for font in fonts.values():
        descendant = font.get_object()["/DescendantFonts"][0].get_object()
        assert "NotoSansCJKSC" in descendant["/BaseFont"]
        assert "/FontFile2" in descendant["/FontDescriptor"].get_object()  # embedded, subset


def test_no_stalls_is_an_error() -> None:
    with pytest.raises(ValueError, match="no stalls"):
        stalls_pdf([])
