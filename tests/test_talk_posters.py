"""Stall posters show the market and its days, the phone only with the vendor's consent, and a
stall with few goods prints them large instead of leaving an empty block."""

from __future__ import annotations

import pypdfium2

from marketbot.printouts.posters import PosterProduct, PosterStall, stalls_pdf
from tests.conftest import Chat


def _text_and_glyph_height(pdf: bytes, char: str) -> tuple[str, float]:
    page = pypdfium2.PdfDocument(pdf)[0]
    textpage = page.get_textpage()
    text = textpage.get_text_range()
    index = text.index(char)
    _left, bottom, _right, top = textpage.get_charbox(index)
    return text, top - bottom


def _stall(count: int) -> PosterStall:
    goods = [PosterProduct(f"沙棘{i}号", 3500, "瓶") for i in range(count)]
    return PosterStall("李大姐沙棘", "李大姐", "东泉村", goods, "https://t.me/x?start=stall_1")


def test_few_goods_are_printed_large() -> None:
    _, few = _text_and_glyph_height(stalls_pdf([_stall(2)]), "棘0")
    _, many = _text_and_glyph_height(stalls_pdf([_stall(12)]), "棘0")
    assert few > 1.5 * many


async def test_a_stall_poster_shows_the_market_days_and_the_phone_with_consent(
    chat: Chat,
) -> None:
    from marketbot.platforms.telegram.links import TelegramLinks
    from marketbot.printouts.printing import Printer

    links = chat.app.core.services.links
    links.register("telegram", TelegramLinks("pingyao_market_bot"), rank=1)
    store = chat.app.store
    stall = await store.stall_by_name(1, "杨婶黄精坊")  # has a phone, not shown yet
    assert stall is not None and stall.phone
    _, pdf = await Printer(store, links).stall_poster(stall.id)
    text, _ = _text_and_glyph_height(pdf, "杨")
    assert "水磨头村山货集 逢三六九" in text
    assert stall.phone not in text
    await store.update_stall_info(stall.id, chat.app.core.services.clock.now(), show_phone=True)
    _, pdf = await Printer(store, links).stall_poster(stall.id)
    text, _ = _text_and_glyph_height(pdf, "杨")
    assert f"电话：{stall.phone}" in text


def test_names_outside_gb2312_print_with_a_fuller_system_font() -> None:
    import pytest

    from marketbot.printouts.qr import fallback_fonts

    wanted = "喆堃燊臺灣龍"
    if not any(all(ord(c) in cmap for c in wanted) for _, cmap in fallback_fonts()):
        pytest.skip("no fuller CJK font installed (apt-get install fonts-noto-cjk)")
    goods = [PosterProduct("臺灣龍眼", 3500, "斤")]
    stall = PosterStall("王喆的山货", "李堃", "燊村", goods, "https://t.me/x?start=stall_1")
    text, _ = _text_and_glyph_height(stalls_pdf([stall]), "王")
    assert "王喆的山货" in text and "李堃" in text and "燊村" in text and "臺灣龍眼" in text
    assert "〓" not in text
