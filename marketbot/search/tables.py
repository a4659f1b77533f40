"""The search's word tables: loading the data files that a secretary can extend.

Six tables ship in ``marketbot/search/data`` (see the header of each file and docs/search.md):
``synonyms``, ``english``, ``categories``, ``intents``, ``lookalike`` and ``pinyin``. Extra
files of the same format extend them; an extra file belongs to the table its name starts with
(``synonyms-local.tsv``, ``english_more.tsv``). Columns are separated by a Tab or ``|``; the
words of one column by ``,``, ``，`` or ``、``; ``#`` starts a comment line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Final, TypeVar

from marketbot.search.model import CATEGORIES
from marketbot.search.normalize import latin_words, name_key, normalize_text, singular

__all__ = [
    "KINDS",
    "TABLE_NAMES",
    "CategoryWord",
    "SearchTables",
    "TableError",
    "add_entry",
    "load_tables",
]

TABLE_NAMES: Final = ("synonyms", "english", "categories", "intents", "lookalike", "pinyin")
#: The kinds of intents.tsv.
KINDS: Final = (
    "price",
    "place",
    "time",
    "day",
    "browse",
    "filler",
    "modifier",
    "connector",
    "unit",
    "tail",
    "help",
    "register",
    "sold_out",
    "chitchat",
    "service",
)

_WORD_SPLIT = re.compile(r"[,，、]")


class TableError(ValueError):
    """A data file line that cannot be read; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class CategoryWord:
    """What a category word means: catalogue categories, goods words shown first, and the
    words of its line."""

    categories: tuple[str, ...]
    terms: tuple[str, ...]
    words: tuple[str, ...] = ()  # every word of the line ("送人", "礼品", "礼盒" …)
    #: What marks goods of the kind whatever they are called: a character or word in a name
    #: (编 of 手编簸箕), or an English word of the dictionary's gloss of a name's word
    #: ("basket": 簸箕 "wicker or bamboo winnowing basket").
    signs: tuple[str, ...] = ()


@dataclass(frozen=True)
class SearchTables:
    """Every table, normalized (Simplified, lower case) and merged over all files.

    ``synonyms`` maps a goods word to every word it is the same thing as (itself included);
    ``canonical`` to the usual name. ``english`` keys are singular English phrases.
    ``phrases`` maps a phrase of intents.tsv to its kind; ``lookalikes`` a character to the
    characters confused with it; ``pinyin`` a word to its syllables. ``lexicon`` holds every goods
    word the tables know.
    """

    synonyms: Mapping[str, tuple[str, ...]]
    canonical: Mapping[str, str]
    english: Mapping[str, tuple[str, ...]]
    categories: Mapping[str, CategoryWord]
    phrases: Mapping[str, str]
    lookalikes: Mapping[str, str]
    pinyin: Mapping[str, tuple[str, ...]]
    lexicon: frozenset[str]

    def category(self, word: str) -> CategoryWord | None:
        """The category entry for ``word``, with or without a trailing ``的``."""
        found = self.categories.get(word)
        if found is None and word.endswith("的"):
            found = self.categories.get(word[:-1])
        return found

    def with_categories(self, names: Iterable[tuple[str, str, str]]) -> SearchTables:
        """These tables plus a market's own categories, each ``(code, Chinese name, English
        name or "")``: the Chinese name becomes a category word for ``code`` (joining the
        meaning a word of ``categories.tsv`` already has), the English name an English phrase
        for it. The tables themselves are shared, not copied."""
        categories: dict[str, CategoryWord] = {}
        english: dict[str, tuple[str, ...]] = {}
        for code, zh, en in names:
            word = _zh(zh)
            if not word:
                continue
            known = categories.get(word) or self.categories.get(word)
            if known is None:
                categories[word] = CategoryWord((code,), ())
            elif code not in known.categories:
                joined = (*known.categories, code)
                categories[word] = CategoryWord(joined, known.terms, known.words)
            phrase = _en(en)
            if phrase:
                targets = english.get(phrase) or self.english.get(phrase, ())
                english[phrase] = (*targets, word) if word not in targets else targets
        if not categories and not english:
            return self
        return replace(
            self,
            categories=_Overlay(categories, self.categories),
            english=_Overlay(english, self.english),
        )


_V = TypeVar("_V")


class _Overlay(Mapping[str, _V]):
    """``top`` over ``base``, read-only, without copying ``base``."""

    def __init__(self, top: Mapping[str, _V], base: Mapping[str, _V]) -> None:
        self._top = top
        self._base = base

    def __getitem__(self, key: str) -> _V:
        return self._top[key] if key in self._top else self._base[key]

    def __contains__(self, key: object) -> bool:
        return key in self._top or key in self._base

    def __iter__(self) -> Iterator[str]:
        yield from self._top
        yield from (key for key in self._base if key not in self._top)

    def __len__(self) -> int:
        return len(self._top) + sum(1 for key in self._base if key not in self._top)


@dataclass
class _Builder:
    synonyms: dict[str, list[str]]
    canonical: dict[str, str]
    english: dict[str, list[str]]
    categories: dict[str, CategoryWord]
    phrases: dict[str, str]
    lookalikes: dict[str, set[str]]
    pinyin: dict[str, tuple[str, ...]]


def _split_words(column: str) -> list[str]:
    return [word.strip() for word in _WORD_SPLIT.split(column) if word.strip()]


def _zh(word: str) -> str:
    return name_key(word)


def _en(phrase: str) -> str:
    return " ".join(singular(word) for word in latin_words(phrase))


def _lines(text: str) -> Iterator[tuple[int, list[str]]]:
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        separator = "\t" if "\t" in line else "|"
        yield number, [column.strip() for column in line.split(separator)]


def _add_synonyms(builder: _Builder, columns: list[str]) -> str | None:
    words = [_zh(word) for column in columns[:2] for word in _split_words(column)]
    words = [word for word in words if word]
    if not words or len(columns) > 2:
        return "expected: name<Tab>other names"
    # A line for a thing already named (its usual name on a line before, maybe of another
    # file): every name of both lines is one thing (地踏菜 of synonyms-north.tsv is also 地软).
    words += [word for word in builder.synonyms.get(words[0], ()) if word not in words]
    for word in words:
        group = builder.synonyms.setdefault(word, [])
        group.extend(other for other in words if other not in group)
        builder.canonical.setdefault(word, words[0])
    return None


def _add_english(builder: _Builder, columns: list[str]) -> str | None:
    if len(columns) != 2:
        return "expected: English names<Tab>Chinese words"
    targets = [_zh(word) for word in _split_words(columns[1])]
    phrases = [_en(phrase) for phrase in _split_words(columns[0])]
    if not all(targets) or not phrases or not all(phrases):
        return "an English name or a Chinese word is empty"
    for phrase in phrases:
        known = builder.english.setdefault(phrase, [])
        known.extend(word for word in targets if word not in known)
    return None


def _add_category(builder: _Builder, columns: list[str]) -> str | None:
    if not 2 <= len(columns) <= 4:
        return "expected: words<Tab>categories<Tab>goods shown first<Tab>signs"
    codes = tuple(_split_words(columns[1].lower()))
    unknown = [code for code in codes if code not in CATEGORIES]
    if unknown:
        return f"unknown category {unknown[0]!r} (one of {', '.join(CATEGORIES)})"
    terms = tuple(_zh(word) for word in _split_words(columns[2])) if len(columns) >= 3 else ()
    signs = tuple(
        _en(sign) if sign.isascii() else _zh(sign)
        for sign in (_split_words(columns[3]) if len(columns) == 4 else ())
    )
    if not codes and not terms:
        return "a category word needs categories or goods words"
    keys = tuple(_zh(word).removesuffix("的") or _zh(word) for word in _split_words(columns[0]))
    if not all(keys):
        return "a category word is empty"
    for key in keys:
        builder.categories[key] = CategoryWord(codes, terms, keys, signs)
    return None


def _add_phrase(builder: _Builder, columns: list[str]) -> str | None:
    if len(columns) != 2 or columns[1] not in KINDS:
        return f"expected: phrase<Tab>kind (one of {', '.join(KINDS)})"
    phrase = normalize_text(columns[0]).strip()
    if phrase.isascii() and "'" in phrase:
        phrase = " ".join(latin_words(phrase))  # "i'm" as a query reads it: "i am"
    phrase = " ".join(phrase.split()) if phrase.isascii() else _zh(phrase)
    if not phrase:
        return "the phrase is empty"
    builder.phrases[phrase] = columns[1]
    return None


def _add_lookalike(builder: _Builder, columns: list[str]) -> str | None:
    chars = [char for char in _zh(columns[0]) if not char.isascii()]
    if len(columns) != 1 or len(chars) < 2:
        return "expected: two or more look-alike characters written together"
    for char in chars:
        builder.lookalikes.setdefault(char, set()).update(
            other for other in chars if other != char
        )
    return None


def _add_pinyin(builder: _Builder, columns: list[str]) -> str | None:
    if len(columns) != 2:
        return "expected: word<Tab>pinyin"
    word = _zh(columns[0])
    syllables = tuple(latin_words(columns[1]))
    if not word or len(syllables) != len(word) or not all(s.isalpha() for s in syllables):
        return "give one pinyin syllable per character, separated by spaces"
    builder.pinyin[word] = tuple(s.replace("v", "u") for s in syllables)
    return None


_READERS = {
    "synonyms": _add_synonyms,
    "english": _add_english,
    "categories": _add_category,
    "intents": _add_phrase,
    "lookalike": _add_lookalike,
    "pinyin": _add_pinyin,
}


def _table_of(path: Path) -> str:
    for name in TABLE_NAMES:
        if path.name.startswith(name):
            return name
    raise TableError(f"{path}: the file name must start with one of {', '.join(TABLE_NAMES)}")


def _read(builder: _Builder, table: str, text: str, origin: str) -> None:
    reader = _READERS[table]
    for number, columns in _lines(text):
        problem = reader(builder, columns)
        if problem is not None:
            raise TableError(f"{origin}:{number}: {problem}")


def _extra_files(paths: Sequence[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.glob("*.tsv")) if path.is_dir() else [path])
    return files


def load_tables(extra_paths: Sequence[Path] = ()) -> SearchTables:
    """The built-in tables extended by ``extra_paths`` (files, or folders of ``*.tsv`` files).

    Raises :class:`TableError` naming the file and line of the first unreadable entry.
    """
    builder = _Builder({}, {}, {}, {}, {}, {}, {})
    data = resources.files("marketbot.search") / "data"
    # Each table's file, then the built-in files that extend it (synonyms-goods.tsv).
    more = sorted((file.name, file) for file in data.iterdir() if file.name.endswith(".tsv"))
    for table in TABLE_NAMES:
        _read(builder, table, (data / f"{table}.tsv").read_text("utf-8"), f"{table}.tsv")
        for name, file in more:
            if name.startswith(f"{table}-"):
                _read(builder, table, file.read_text("utf-8"), name)
    for path in _extra_files(extra_paths):
        _read(builder, _table_of(path), path.read_text("utf-8-sig"), str(path))
    lexicon = set(builder.synonyms) | set(builder.pinyin)
    for entry in builder.categories.values():
        lexicon.update(term for term in entry.terms if len(term) > 1)
    for targets in builder.english.values():
        lexicon.update(word for word in targets if word not in builder.categories)
    return SearchTables(
        synonyms={word: tuple(group) for word, group in builder.synonyms.items()},
        canonical=builder.canonical,
        english={phrase: tuple(words) for phrase, words in builder.english.items()},
        categories=builder.categories,
        phrases=builder.phrases,
        lookalikes={char: "".join(sorted(others)) for char, others in builder.lookalikes.items()},
        pinyin=builder.pinyin,
        lexicon=frozenset(lexicon),
    )


def add_entry(directory: Path, table: str, columns: Sequence[str]) -> Path:
    """Append one checked entry to ``directory/<table>-extra.tsv`` and return that file.

    ``columns`` are the entry's columns as in the table's file, e.g. ``("红枣", "大枣,枣子")``
    for ``synonyms``. Raises :class:`TableError` when the entry could not be read back.
    """
    if table not in _READERS:
        raise TableError(f"unknown table {table!r} (one of {', '.join(TABLE_NAMES)})")
    line = "\t".join(column.strip() for column in columns)
    if "\n" in line or not line.strip():
        raise TableError("an entry is one non-empty line")
    _read(_Builder({}, {}, {}, {}, {}, {}, {}), table, line, "entry")
    path = directory / f"{table}-extra.tsv"
    directory.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as file:
        if file.tell() == 0:
            file.write(f"# {table}: entries added by the secretary (format: see {table}.tsv)\n")
        file.write(line + "\n")
    return path
