"""Cleaning typed names, descriptions and phone numbers (marketbot.domain.textinput)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from marketbot.domain import textinput
from marketbot.domain.textinput import (
    DESCRIPTION_MAX,
    INTRO_MAX,
    PERSON_NAME_MAX,
    PRODUCT_NAME_MAX,
    STALL_NAME_MAX,
    TEXT_ERROR_REASONS,
    VILLAGE_MAX,
    TextError,
    clean_line,
    clean_phone,
    clean_text,
)


def test_limits() -> None:
    limits = (
        STALL_NAME_MAX,
        PERSON_NAME_MAX,
        VILLAGE_MAX,
        PRODUCT_NAME_MAX,
        DESCRIPTION_MAX,
        INTRO_MAX,
    )
    assert limits == (30, 20, 30, 30, 200, 300)
    assert {name for name in textinput.__all__ if name.endswith("_MAX")} == {
        "STALL_NAME_MAX",
        "PERSON_NAME_MAX",
        "VILLAGE_MAX",
        "PRODUCT_NAME_MAX",
        "DESCRIPTION_MAX",
        "INTRO_MAX",
    }


# ---------------------------------------------------------------- clean_line


@pytest.mark.parametrize(
    ("typed", "cleaned"),
    [
        ("王大爷的山货", "王大爷的山货"),
        ("  王大爷的   山货  ", "王大爷的 山货"),
        ("九蒸九晒\n黄精", "九蒸九晒 黄精"),
        ("古法\t\t沙棘膏\r\n", "古法 沙棘膏"),
        ("山\u3000木耳", "山 木耳"),
        ("小\u00a0麻油", "小 麻油"),
        ("ＡＢＣ山货１２３", "ABC山货123"),
        ("好吃，便宜！", "好吃，便宜！"),
        ("荆条（大）筐", "荆条（大）筐"),
        ("x\u200by", "xy"),
        ("\ufeff山货", "山货"),
        ("evil\u202etxt", "eviltxt"),
        ("bell\x07\x00", "bell"),
        ("Cafe\u0301", "Café"),
        ("e\u200b\u0301", "é"),
        ("🍄 山蘑菇", "🍄 山蘑菇"),
        ("3", "3"),
        ("Ωmega", "Ωmega"),
        ("<b>x</b>", "<b>x</b>"),
        ("'); DROP TABLE stalls;--", "'); DROP TABLE stalls;--"),
        ("*bold* _it_ [link](http://x)", "*bold* _it_ [link](http://x)"),
        ("a&amp;b", "a&amp;b"),
    ],
)
def test_clean_line_cleans(typed: str, cleaned: str) -> None:
    assert clean_line(typed, max_len=STALL_NAME_MAX) == cleaned


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        (None, "empty"),
        ("", "empty"),
        ("   ", "empty"),
        ("\n\t\r", "empty"),
        ("\u200b\u200d\ufeff", "empty"),
        ("\x00\x1b", "empty"),
        ("🍄🍄", "no_letters"),
        ("👍 👍", "no_letters"),
        ("...", "no_letters"),
        ("？！。", "no_letters"),
        ("<>", "no_letters"),
        ("-- ;", "no_letters"),
        ("山" * (STALL_NAME_MAX + 1), "too_long"),
    ],
)
def test_clean_line_refuses(typed: str | None, reason: str) -> None:
    with pytest.raises(TextError) as caught:
        clean_line(typed, max_len=STALL_NAME_MAX)
    assert caught.value.reason == reason
    assert caught.value.limit == STALL_NAME_MAX


def test_too_long_counts_after_cleaning_and_reports_the_limit() -> None:
    assert clean_line("  " + "山" * PERSON_NAME_MAX + "  ", max_len=PERSON_NAME_MAX) == (
        "山" * PERSON_NAME_MAX
    )
    with pytest.raises(TextError) as caught:
        clean_line("山 " * PERSON_NAME_MAX, max_len=PERSON_NAME_MAX)
    assert caught.value.reason == "too_long"
    assert (caught.value.limit, caught.value.length) == (PERSON_NAME_MAX, 2 * PERSON_NAME_MAX - 1)
    assert isinstance(caught.value, ValueError)


# ---------------------------------------------------------------- clean_text


@pytest.mark.parametrize(
    ("typed", "cleaned"),
    [
        ("自家种的黄精", "自家种的黄精"),
        ("第一行\n第二行", "第一行\n第二行"),
        ("第一行\r\n第二行\r第三行", "第一行\n第二行\n第三行"),
        ("  第一行  \n\n\n\n  第二行\t 内容  ", "第一行\n\n第二行 内容"),
        ("\n\n开头\n\n", "开头"),
        ("a\u2028b\u2029c", "a\nb\nc"),
        ("a\n \u200b \nb", "a\n\nb"),
        ("<i>hi</i>\n'); DROP TABLE stalls;--", "<i>hi</i>\n'); DROP TABLE stalls;--"),
    ],
)
def test_clean_text_cleans(typed: str, cleaned: str) -> None:
    assert clean_text(typed, max_len=DESCRIPTION_MAX) == cleaned


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        (None, "empty"),
        ("\n \n\t\n", "empty"),
        ("🍄\n🍄", "no_letters"),
        ("好" * (DESCRIPTION_MAX + 1), "too_long"),
        ("好\n" * DESCRIPTION_MAX, "too_long"),
    ],
)
def test_clean_text_refuses(typed: str | None, reason: str) -> None:
    with pytest.raises(TextError) as caught:
        clean_text(typed, max_len=DESCRIPTION_MAX)
    assert caught.value.reason == reason


# ---------------------------------------------------------------- clean_phone


@pytest.mark.parametrize(
    ("typed", "phone"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+8613812345678", "13812345678"),
        ("86 13812345678", "13812345678"),
        ("0086-138-1234-5678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("19912345678", "19912345678"),
        (" 15012345678 ", "15012345678"),
        ("0354-5123456", "0354-5123456"),
        ("03545123456", "0354-5123456"),
        ("(0354) 5123456", "0354-5123456"),
        ("（0354）5123456", "0354-5123456"),
        ("0354 51234567", "0354-51234567"),
        ("010-62345678", "010-62345678"),
        ("021 6234 5678", "021-62345678"),
        ("+86 10 6234 5678", "010-62345678"),
        ("+86 354 5123456", "0354-5123456"),
    ],
)
def test_clean_phone_accepts(typed: str, phone: str) -> None:
    assert clean_phone(typed) == phone


@pytest.mark.parametrize(
    "typed",
    [
        None,
        "",
        "1381234567",
        "138123456789",
        "12812345678",
        "23812345678",
        "+1 138 1234 5678",
        "5123456",
        "0354-0123456",
        "0354-123456",
        "010-6234567",
        "400-123-4567",
        "95588",
        "0354-5123456转123",
        "138abc45678",
        "电话13812345678",
    ],
)
def test_clean_phone_refuses(typed: str | None) -> None:
    assert clean_phone(typed) is None


# ---------------------------------------------------------------- properties

# Text with the troublemakers mixed in: controls, invisible and bidi marks, odd spaces, line
# breaks, combining marks, full-width letters, emoji.
AWKWARD = st.sampled_from(
    list("\x00\x07\x1b\x7f\x85\t\n\r\v\f \u00a0\u2028\u2029\u3000\u200b\u200d\u202e\ufeff")
    + list("\u0301\u0308ＡＺａ９e山货🍄<>&;'\"-")
)
TEXTS = st.one_of(st.text(max_size=60), st.lists(AWKWARD, max_size=40).map("".join))


def _outcome(clean: Callable[..., str], text: str | None, max_len: int) -> str | TextError:
    """What ``clean`` makes of ``text``: the cleaned text or the error it raised."""
    try:
        return clean(text, max_len=max_len)
    except TextError as error:
        return error


def _has_control(text: str) -> bool:
    return any(unicodedata.category(char) in ("Cc", "Cf", "Cs") for char in text)


@given(TEXTS, st.integers(1, 40))
@example("e\u200b\u0301", 5)
@example("ａ\u0301", 5)
def test_clean_line_output_is_clean_short_and_stable(text: str, max_len: int) -> None:
    cleaned = _outcome(clean_line, text, max_len)
    if isinstance(cleaned, TextError):
        assert cleaned.reason in TEXT_ERROR_REASONS
        assert cleaned.limit == max_len
        return
    assert not _has_control(cleaned)
    assert cleaned == cleaned.strip()
    assert "  " not in cleaned
    assert not any(char.isspace() and char != " " for char in cleaned)
    assert 0 < len(cleaned) <= max_len
    assert clean_line(cleaned, max_len=max_len) == cleaned


@given(TEXTS, st.integers(1, 60))
def test_clean_text_output_is_clean_short_and_stable(text: str, max_len: int) -> None:
    cleaned = _outcome(clean_text, text, max_len)
    if isinstance(cleaned, TextError):
        assert cleaned.reason in TEXT_ERROR_REASONS
        return
    assert not _has_control(cleaned.replace("\n", ""))
    assert "\n\n\n" not in cleaned
    assert not any(char.isspace() and char not in " \n" for char in cleaned)
    assert 0 < len(cleaned) <= max_len
    assert clean_text(cleaned, max_len=max_len) == cleaned


@given(TEXTS)
def test_clean_text_of_one_line_equals_clean_line(text: str) -> None:
    expected = _outcome(clean_line, text, 30)
    got = _outcome(clean_text, " ".join(text.splitlines()), 30)
    if isinstance(expected, TextError):
        assert isinstance(got, TextError)
        assert got.reason == expected.reason
    else:
        assert got == expected


@given(st.one_of(st.text(max_size=30), st.from_regex(r"\+?[0-9 ()-]{5,20}", fullmatch=True)))
def test_clean_phone_is_total_and_stable(text: str) -> None:
    phone = clean_phone(text)
    if phone is not None:
        assert clean_phone(phone) == phone


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), st.sampled_from(["", "+86", "86 "]))
def test_every_mobile_number_is_accepted(number: str, prefix: str) -> None:
    spaced = f"{prefix}{number[:3]} {number[3:7]}-{number[7:]}"
    assert clean_phone(spaced) == number
