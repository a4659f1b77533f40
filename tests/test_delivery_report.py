"""What the secretary sees: the progress message, the final report and their strings."""

from __future__ import annotations

import re
import string

import pytest

from marketbot.delivery.report import (
    Progress,
    format_eta,
    progress_bar,
    progress_text,
    report_text,
)
from marketbot.texts.delivery import TEXTS


def progress(**changes: object) -> Progress:
    values: dict[str, object] = {
        "announcement_id": 7,
        "total": 200,
        "sent": 120,
        "unconfirmed": 0,
        "unreachable": 3,
        "failed": 1,
        "pending": 74,
        "cancelled": 0,
        "eta_seconds": 95.0,
        "done": False,
        "was_cancelled": False,
    }
    values.update(changes)
    return Progress(**values)  # type: ignore[arg-type]


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_string_has_both_languages_with_the_same_placeholders() -> None:
    for key, (zh, en) in TEXTS.items():
        assert key.startswith("delivery.")
        assert zh.strip() and en.strip()
        assert placeholders(zh) == placeholders(en), key
        for text in (zh, en):
            assert set(re.findall(r"</?(\w+)", text)) <= {"b", "i", "code"}, key


def test_progress_bar_and_eta() -> None:
    assert progress_bar(0) == "▱" * 12
    assert progress_bar(0.5) == "▰" * 6 + "▱" * 6
    assert progress_bar(1) == "▰" * 12
    assert format_eta(0.2, "zh") == "约 1 秒"
    assert format_eta(42, "en") == "42 s"
    assert format_eta(95, "zh") == "约 2 分钟"
    assert format_eta(3 * 3600 + 61, "en") == "3 h 2 min"


def test_while_sending_the_message_shows_counts_and_time_left() -> None:
    text = progress_text(progress(unconfirmed=2), "zh")
    assert "▰▰▰▰▰▰▰▱▱▱▱▱ 63%" in text
    assert "已处理 126/200：送达 122，无法送达 3，失败 1" in text
    assert "预计还需约 2 分钟" in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_report_lists_the_outcomes(lang: str) -> None:
    final = progress(sent=190, pending=0, unreachable=6, failed=2, unconfirmed=2, done=True)
    lines = report_text(final, lang).split("\n")  # type: ignore[arg-type]
    assert len(lines) == 5
    assert [re.findall(r"\d+", line)[0] for line in lines[1:]] == ["190", "6", "2", "2"]
    plain = report_text(progress(sent=194, pending=0, done=True, unreachable=5), lang)  # type: ignore[arg-type]
    assert len(plain.split("\n")) == 4  # no "unconfirmed" line when there are none


def test_a_cancelled_report_says_so() -> None:
    final = progress(sent=20, pending=0, cancelled=176, done=True, was_cancelled=True)
    text = report_text(final, "en")
    assert text.startswith("⏹ <b>Sending cancelled</b> (200 people)")
    assert text.endswith("Not sent (cancelled): 176")
