"""Pinyin of goods names and of typed queries (marketbot.search.pinyin)."""

from __future__ import annotations

import random

import pytest
from pypinyin import lazy_pinyin
from pypinyin.constants import PHRASES_DICT

from marketbot.search import load_tables
from marketbot.search.pinyin import PinyinReader, initials, parse_syllables, syllables


@pytest.fixture(scope="module")
def reader() -> PinyinReader:
    return PinyinReader(load_tables().pinyin)


def _library(text: str) -> list[str]:
    return [syllable.replace("v", "u") for syllable in lazy_pinyin(text)]


def test_reads_like_pypinyin_on_its_own_phrases(reader: PinyinReader) -> None:
    sample = random.Random(5).sample(sorted(PHRASES_DICT), 600)
    differing = [
        phrase
        for phrase in sample
        if "参" not in phrase
        and "糁" not in phrase
        and _library(phrase) != list(reader.read(phrase))
    ]
    assert differing == []


@pytest.mark.parametrize(
    "name", ["九蒸九晒黄精", "古法沙棘膏", "大红袍花椒", "莜面栲栳栳", "薄荷", "重阳糕", "核桃"]
)
def test_goods_names_read_like_pypinyin(reader: PinyinReader, name: str) -> None:
    assert list(reader.read(name)) == _library(name)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("长山药", ("chang", "shan", "yao")),
        ("花旗参", ("hua", "qi", "shen")),
        ("玉米糁", ("yu", "mi", "shen")),
        ("绿豆", ("lu", "dou")),
        ("红枣500g", ("hong", "zao", "#", "#", "#", "#")),
    ],
)
def test_table_corrections_and_no_readings(
    reader: PinyinReader, name: str, expected: tuple[str, ...]
) -> None:
    assert reader.read(name) == expected


def test_parse_syllables_prefers_fewer_syllables() -> None:
    assert parse_syllables("xianggu")[0] == ("xiang", "gu")
    assert parse_syllables("xian")[:2] == [("xian",), ("xi", "an")]
    assert parse_syllables("lvdou")[0] == ("lu", "dou")
    assert parse_syllables("hz") == []
    assert parse_syllables("coffee") == []


def test_initials_and_syllables() -> None:
    assert initials(("hong", "zao")) == "hz"
    assert {"zhuang", "lu", "a", "er"} <= syllables()
    assert "v" not in "".join(syllables())


def test_phrases_read_line_by_line_as_the_json_says() -> None:
    """The line-by-line reading of pypinyin's phrases file gives what JSON parsing gives, and
    another layout falls back to JSON."""
    import json
    from pathlib import Path

    import pypinyin

    from marketbot.search.pinyin import _first_readings

    text = (Path(pypinyin.__file__).parent / "phrases_dict.json").read_text("utf-8")
    parsed = {phrase: [options[0] for options in per] for phrase, per in json.loads(text).items()}
    assert dict(_first_readings(text)) == parsed
    compact = json.dumps({"一丁": [["yī", "yí"], ["dīng"]]})
    assert dict(_first_readings(compact)) == {"一丁": ["yī", "dīng"]}
