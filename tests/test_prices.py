"""Prices typed in chat (marketbot.domain.prices) and their units (marketbot.domain.units)."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from marketbot.domain.prices import (
    MAX_FEN,
    PRICE_ERROR_REASONS,
    ParsedPrice,
    PriceError,
    format_price,
    parse_price,
)
from marketbot.domain.units import BUTTON_UNITS, KNOWN_UNITS, normalize_unit, unit_label
from marketbot.texts import LANGUAGES, Lang

# ---------------------------------------------------------------- units


@pytest.mark.parametrize(
    ("typed", "unit"),
    [
        ("斤", "斤"),
        ("一斤", "斤"),
        ("/瓶", "瓶"),
        ("／瓶", "瓶"),
        ("每袋", "袋"),
        ("每一斤", "斤"),
        ("1斤", "斤"),
        ("元/斤", "斤"),
        (" 罐 ", "罐"),
        ("（盒）", "盒"),
        ("筐。", "筐"),
        ("一两", "两"),
        ("千克", "公斤"),
        ("市斤", "斤"),
        ("kg", "公斤"),
        ("KG", "公斤"),
        ("/kg", "公斤"),
        ("jin", "斤"),
        ("liang", "两"),
        ("bottle", "瓶"),
        ("Bottles", "瓶"),
        ("per bottle", "瓶"),
        ("a bag", "袋"),
        ("jar", "罐"),
        ("piece", "个"),
        ("pc", "个"),
        ("pcs", "个"),
        ("bag", "袋"),
        ("box", "盒"),
        ("basket", "筐"),
        ("bunch", "把"),
        ("块", "块"),
        ("串", "串"),
        ("半斤", "半斤"),
        ("斤装", "斤装"),
        ("每半斤", "半斤"),
        ("小份装罐", "小份装罐"),
    ],
)
def test_normalize_unit_accepts(typed: str, unit: str) -> None:
    assert normalize_unit(typed) == unit


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "/",
        "每",
        "一",
        "元",
        "块钱",
        "毛",
        "角",
        "分",
        "钱",
        "十",
        "两斤",
        "保存",  # a button's word typed at the unit question: no unit
        "好的",
        "取消",
        "10斤",
        "5斤装",
        "斤2",
        "abc",
        "bottle of",
        "🍄",
        "斤!!x",
        "五个字的单位",
        "一一",
        "分斤",
        "人民币",
    ],
)
def test_normalize_unit_refuses(typed: str) -> None:
    assert normalize_unit(typed) is None


def test_button_units_are_the_agreed_set() -> None:
    assert BUTTON_UNITS == ("斤", "两", "瓶", "罐", "个", "袋", "把", "盒", "筐")
    assert set(BUTTON_UNITS) <= set(KNOWN_UNITS)


@pytest.mark.parametrize("unit", KNOWN_UNITS)
def test_known_units_are_canonical_and_their_english_names_read_back(unit: str) -> None:
    assert normalize_unit(unit) == unit
    assert normalize_unit(unit_label(unit, "en", short=True)) == unit
    assert unit_label(unit, "zh") == unit


@pytest.mark.parametrize(
    ("unit", "lang", "short", "label"),
    [
        ("斤", "en", False, "jin (500 g)"),
        ("斤", "en", True, "jin"),
        ("两", "en", False, "liang (50 g)"),
        ("瓶", "en", False, "bottle"),
        ("公斤", "en", True, "kg"),
        ("斤", "zh", False, "斤"),
        ("半斤", "en", False, "半斤"),
        ("半斤", "zh", True, "半斤"),
    ],
)
def test_unit_label(unit: str, lang: Lang, short: bool, label: str) -> None:
    assert unit_label(unit, lang, short=short) == label


# ---------------------------------------------------------------- parse_price: accepted

ACCEPTED: list[tuple[str, int, str | None]] = [
    ("15", 1500, None),
    ("15元", 1500, None),
    ("15.5", 1550, None),
    ("15.50", 1550, None),
    ("0.5", 50, None),
    ("0.05", 5, None),
    (".5", 50, None),
    ("¥15", 1500, None),
    ("￥15", 1500, None),
    ("¥ 15", 1500, None),
    ("¥15元", 1500, None),
    ("15块", 1500, None),
    ("15块钱", 1500, None),
    ("15元钱", 1500, None),
    ("15元整", 1500, None),
    ("15圆", 1500, None),
    ("十五", 1500, None),
    ("十五块", 1500, None),
    ("十五元", 1500, None),
    ("12块5", 1250, None),
    ("12 块 5", 1250, None),
    ("12元5", 1250, None),
    ("12块50", 1250, None),
    ("12块05", 1205, None),
    ("12元5角", 1250, None),
    ("12块5毛", 1250, None),
    ("12块5毛5", 1255, None),
    ("12元5角8分", 1258, None),
    ("1元8分", 108, None),
    ("一块零五", 105, None),
    ("一块零五分", 105, None),
    ("5毛", 50, None),
    ("5角", 50, None),
    ("五毛钱", 50, None),
    ("两毛五", 25, None),
    ("8分", 8, None),
    ("八分钱", 8, None),
    ("两块五", 250, None),
    ("一块五", 150, None),
    ("三块八", 380, None),
    ("一块两毛", 120, None),
    ("一百二", 12000, None),
    ("一百二十五", 12500, None),
    ("一百零五", 10500, None),
    ("一百一", 11000, None),
    ("两百", 20000, None),
    ("一千二", 120000, None),
    ("一千零二十", 102000, None),
    ("两千五", 250000, None),
    ("一万五", 1500000, None),
    ("一万两千", 1200000, None),
    ("一万零五", 1000500, None),
    ("十万", 10000000, None),
    ("二十", 2000, None),
    ("廿", 2000, None),
    ("廿五", 2500, None),
    ("卅", 3000, None),
    ("十", 1000, None),
    ("两", 200, None),
    ("１５", 1500, None),
    ("１５．５元", 1550, None),
    ("1,200", 120000, None),
    ("1.5万", 1500000, None),
    ("2千", 200000, None),
    ("100000", MAX_FEN, None),
    ("35元/瓶", 3500, "瓶"),
    ("35元／瓶", 3500, "瓶"),
    ("35/瓶", 3500, "瓶"),
    ("35 / 瓶", 3500, "瓶"),
    ("35元一瓶", 3500, "瓶"),
    ("35一斤", 3500, "斤"),
    ("35元每斤", 3500, "斤"),
    ("每斤35", 3500, "斤"),
    ("每斤 35 元", 3500, "斤"),
    ("一斤35元", 3500, "斤"),
    ("一斤三十五", 3500, "斤"),
    ("每两三十", 3000, "两"),
    ("每块5元", 500, "块"),
    ("30元/斤", 3000, "斤"),
    ("12块5/斤", 1250, "斤"),
    ("一块五一斤", 150, "斤"),
    ("十五元/半斤", 1500, "半斤"),
    ("35/kg", 3500, "公斤"),
    ("35元/块", 3500, "块"),
    ("RMB 15", 1500, None),
    ("rmb15", 1500, None),
    ("CNY15", 1500, None),
    ("15 RMB", 1500, None),
    ("15 yuan", 1500, None),
    ("15yuan", 1500, None),
    ("15 kuai", 1500, None),
    ("35 per bottle", 3500, "瓶"),
    ("35 yuan per bottle", 3500, "瓶"),
    ("35 a jar", 3500, "罐"),
    ("¥12.50 / jin", 1250, "斤"),
    ("  15  ", 1500, None),
    ("\t35元/瓶\n", 3500, "瓶"),
]


@pytest.mark.parametrize(("text", "fen", "unit"), ACCEPTED)
def test_parse_price_accepts(text: str, fen: int, unit: str | None) -> None:
    assert parse_price(text) == ParsedPrice(fen=fen, unit=unit)


# ---------------------------------------------------------------- parse_price: refused

REFUSED: list[tuple[str, str]] = [
    ("", "empty"),
    ("   ", "empty"),
    ("\n\t", "empty"),
    ("0", "zero"),
    ("0.00", "zero"),
    ("零", "zero"),
    ("0元/斤", "zero"),
    ("-0", "zero"),
    ("-15", "negative"),
    ("－15", "negative"),
    ("−15", "negative"),
    ("-15元/斤", "negative"),
    ("¥-15", "negative"),
    ("-¥15", "negative"),
    ("负十五", "negative"),
    ("100000.01", "too_large"),
    ("100001", "too_large"),
    ("十万零一", "too_large"),
    ("一亿", "too_large"),
    ("99999999999999999999", "too_large"),
    ("15.555", "unparseable"),
    ("0.001", "unparseable"),
    ("1 5", "unparseable"),
    ("12.5块5", "unparseable"),
    ("1,2", "unparseable"),
    ("15$", "unparseable"),
    ("$15", "unparseable"),
    ("15 dollars", "unparseable"),
    ("¥¥15", "unparseable"),
    ("abc", "unparseable"),
    ("便宜", "unparseable"),
    ("元", "unparseable"),
    ("块5", "unparseable"),
    ("5斤", "unparseable"),
    ("35元/", "unparseable"),
    ("35/元", "unparseable"),
    ("35/abc", "unparseable"),
    ("每斤", "unparseable"),
    ("五五", "unparseable"),
    ("百五", "unparseable"),
    ("十十", "unparseable"),
    ("三十两", "unparseable"),
    ("两十", "unparseable"),
    ("一百零", "unparseable"),
    ("零五", "unparseable"),
    ("万", "unparseable"),
    ("1e5", "unparseable"),
    ("NaN", "unparseable"),
    ("inf", "unparseable"),
    ("每斤35元/斤", "unparseable"),
    ("一斤/三", "unparseable"),
    ("35/毛巾", "unparseable"),
    ("1" * 65, "unparseable"),
]


@pytest.mark.parametrize(("text", "reason"), REFUSED)
def test_parse_price_refuses(text: str, reason: str) -> None:
    with pytest.raises(PriceError) as caught:
        parse_price(text)
    assert caught.value.reason == reason


def test_price_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unparseable"):
        parse_price("many")


# ---------------------------------------------------------------- format_price


@pytest.mark.parametrize(
    ("fen", "unit", "lang", "shown"),
    [
        (3500, "瓶", "zh", "35元/瓶"),
        (1250, "斤", "zh", "12.5元/斤"),
        (50, "个", "zh", "0.5元/个"),
        (1205, "斤", "zh", "12.05元/斤"),
        (120000, None, "zh", "1200元"),
        (3500, "瓶", "en", "¥35 / bottle"),
        (1250, "斤", "en", "¥12.50 / jin"),
        (5, None, "en", "¥0.05"),
        (120000, "半斤", "en", "¥1,200 / 半斤"),
        (MAX_FEN, None, "en", "¥100,000"),
    ],
)
def test_format_price(fen: int, unit: str | None, lang: Lang, shown: str) -> None:
    assert format_price(fen, unit, lang) == shown


def test_format_price_refuses_negative() -> None:
    with pytest.raises(ValueError, match="negative"):
        format_price(-1, None, "zh")


# ---------------------------------------------------------------- properties

PRICE_ALPHABET = st.sampled_from(
    [*"0123456789.,-/ ¥元块圆毛角分钱整每一二两三五十百千万亿廿零斤瓶个", "rmb", "yuan", "per "]
)
UNITS = st.sampled_from((None, *KNOWN_UNITS, "半斤", "斤装"))


@given(st.one_of(st.text(max_size=80), st.lists(PRICE_ALPHABET, max_size=12).map("".join)))
@example("9" * 64)
@example("一" * 64)
def test_parse_price_raises_only_price_error(text: str) -> None:
    try:
        outcome: ParsedPrice | PriceError = parse_price(text)
    except PriceError as error:
        outcome = error
    if isinstance(outcome, PriceError):
        assert outcome.reason in PRICE_ERROR_REASONS
    else:
        assert 0 < outcome.fen <= MAX_FEN or (outcome.negotiable and outcome.fen == 0)
        unit = (outcome.unit or "").lstrip("0123456789")  # a bundle: 3个, 2斤
        assert not unit or normalize_unit(unit) == unit
        assert outcome.max_fen is None or outcome.fen < outcome.max_fen <= MAX_FEN


@given(st.integers(1, MAX_FEN), UNITS, st.sampled_from(LANGUAGES))
@example(1, None, "zh")
@example(MAX_FEN, "斤", "en")
def test_formatted_price_reads_back(fen: int, unit: str | None, lang: Lang) -> None:
    assert parse_price(format_price(fen, unit, lang)) == ParsedPrice(fen=fen, unit=unit)


@given(st.integers(1, MAX_FEN), st.sampled_from(["{}", "¥{}", "{}元", "{}块", " {} 元 "]))
def test_decimal_yuan_reads_back(fen: int, template: str) -> None:
    yuan, cents = divmod(fen, 100)
    assert parse_price(template.format(f"{yuan}.{cents:02d}")).fen == fen


@given(st.integers(0, 10**6), st.integers(1, 99))
def test_more_than_two_decimals_is_unparseable(yuan: int, cents: int) -> None:
    with pytest.raises(PriceError) as caught:
        parse_price(f"{yuan}.{cents:02d}1")
    assert caught.value.reason == "unparseable"


@given(st.integers(MAX_FEN + 1, 10**15))
def test_above_the_cap_is_too_large(fen: int) -> None:
    yuan, cents = divmod(fen, 100)
    with pytest.raises(PriceError) as caught:
        parse_price(f"{yuan}.{cents:02d}")
    assert caught.value.reason == "too_large"


@given(st.integers(1, MAX_FEN // 100))
def test_minus_makes_negative(yuan: int) -> None:
    with pytest.raises(PriceError) as caught:
        parse_price(f"-{yuan}")
    assert caught.value.reason == "negative"


_CN = "零一二三四五六七八九"


def _chinese(number: int) -> str:
    """The standard written Chinese numeral for 1 ≤ number < 10**8 (the test's oracle)."""

    def section(value: int) -> str:
        out, zero = "", False
        for unit_value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            digit = value // unit_value % 10
            if digit == 0:
                zero = bool(out)
            else:
                out += ("零" if zero else "") + _CN[digit] + unit
                zero = False
        return out

    high, low = divmod(number, 10_000)
    if not high:
        text = section(low)
    else:
        text = section(high) + "万" + ("零" if 0 < low < 1000 else "") + section(low)
    return text[1:] if text.startswith("一十") else text


@pytest.mark.parametrize(
    ("number", "written"),
    [(15, "十五"), (105, "一百零五"), (1020, "一千零二十"), (10005, "一万零五"), (100000, "十万")],
)
def test_chinese_oracle(number: int, written: str) -> None:
    assert _chinese(number) == written


@given(st.integers(1, MAX_FEN // 100))
def test_chinese_numerals_read_back(yuan: int) -> None:
    assert parse_price(_chinese(yuan) + "元").fen == yuan * 100
