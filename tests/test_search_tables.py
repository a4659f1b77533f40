"""The search's word tables and how a secretary extends them (marketbot.search.tables)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from marketbot.search import CatalogItem, SearchIndex, TableError, add_entry, load_tables
from marketbot.search.tables import TABLE_NAMES


def test_built_in_tables_load_and_are_broad() -> None:
    tables = load_tables()
    assert tables.canonical["大枣"] == "红枣"
    assert set(tables.synonyms["扫帚"]) >= {"扫帚", "笤帚"}
    assert tables.english["red date"] == ("红枣",)
    assert tables.phrases["多少钱"] == "price"
    assert "挑" in tables.lookalikes["桃"]
    assert tables.pinyin["参"] == ("shen",)
    assert len(tables.lexicon) > 500
    assert len(tables.english) > 300


def test_category_words_with_or_without_de() -> None:
    tables = load_tables()
    with_de = tables.category("送人的")
    assert with_de is not None
    assert with_de == tables.category("送人")
    assert "fengchanpin" in with_de.categories


def test_tables_are_normalized() -> None:
    tables = load_tables()
    assert "醬" not in tables.synonyms
    assert tables.english["sesame oil"] == ("香油",)


def test_an_extra_file_extends_the_tables(tmp_path: Path) -> None:
    (tmp_path / "synonyms-local.tsv").write_text("# 东泉的叫法\n黄精|鸡头根\n", encoding="utf-8")
    (tmp_path / "english_more.tsv").write_text("jiutou root\t黄精\n", encoding="utf-8")
    tables = load_tables([tmp_path])
    index = SearchIndex.build(
        [CatalogItem(1, "九蒸九晒黄精", "yaocai", "", 1, "合作社", 26000, "斤", True)], tables
    )
    assert index.search("鸡头根").groups[0].match == "synonym"
    assert index.search("jiutou root").groups[0].name == "九蒸九晒黄精"


@pytest.mark.parametrize(
    ("file_name", "line", "message"),
    [
        ("categories-x.tsv", "杂货\tshoes\t", "unknown category 'shoes'"),
        ("intents-x.tsv", "咋整\tquestion", "kind (one of price"),
        ("pinyin-x.tsv", "长山药\tchang shan", "one pinyin syllable per character"),
        ("lookalike-x.tsv", "桃", "two or more look-alike characters"),
        ("english-x.tsv", "honey", "English names<Tab>Chinese words"),
    ],
)
def test_a_bad_line_names_its_file_and_line(
    tmp_path: Path, file_name: str, line: str, message: str
) -> None:
    path = tmp_path / file_name
    path.write_text(f"# header\n\n{line}\n", encoding="utf-8")
    with pytest.raises(TableError, match=re.escape(message)) as raised:
        load_tables([path])
    assert f"{path}:3:" in str(raised.value)


def test_an_extra_file_must_name_its_table(tmp_path: Path) -> None:
    path = tmp_path / "words.tsv"
    path.write_text("红枣\t大枣\n", encoding="utf-8")
    with pytest.raises(TableError, match="must start with one of"):
        load_tables([path])


def test_add_entry_appends_a_checked_line(tmp_path: Path) -> None:
    folder = tmp_path / "search-tables"
    written = add_entry(folder, "synonyms", ["土豆", "山药蛋蛋"])
    add_entry(folder, "synonyms", ["莜面", "油面面"])
    assert written == folder / "synonyms-extra.tsv"
    lines = written.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("#")
    assert lines[1:] == ["土豆\t山药蛋蛋", "莜面\t油面面"]
    assert load_tables([folder]).canonical["山药蛋蛋"] == "土豆"


@pytest.mark.parametrize(
    ("table", "columns"),
    [("nosuch", ["a"]), ("categories", ["杂货", "shoes"]), ("synonyms", ["红枣\n大枣"])],
)
def test_add_entry_refuses_a_bad_entry(tmp_path: Path, table: str, columns: list[str]) -> None:
    with pytest.raises(TableError):
        add_entry(tmp_path, table, columns)
    assert not list(tmp_path.iterdir())


def test_every_table_has_a_documented_header() -> None:
    data = Path(__file__).resolve().parents[1] / "marketbot" / "search" / "data"
    docs = (Path(__file__).resolve().parents[1] / "docs" / "search.md").read_text("utf-8")
    for name in TABLE_NAMES:
        text = (data / f"{name}.tsv").read_text("utf-8")
        assert text.startswith(f"# {name}.tsv — ")
        assert f"{name}.tsv" in docs
