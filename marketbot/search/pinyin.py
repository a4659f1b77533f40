"""Pinyin of goods names (pypinyin, corrected by pinyin.tsv) and parsing of typed pinyin.

Readings are toneless, with ``ü`` written ``u`` (``lv``/``lu`` both find 绿豆), one syllable per
character; characters without a reading (digits, Latin letters) read as ``#``.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from marketbot.search.normalize import is_han

__all__ = [
    "NO_READING",
    "PinyinReader",
    "fuzzy_key",
    "fuzzy_variants",
    "initials",
    "parse_syllables",
    "syllables",
]

NO_READING = "#"
_LONGEST_SYLLABLE = 6
#: The fuzzy pairs of Chinese input methods: initials z/zh, c/ch, s/sh, l/n, finals -n/-ng.
_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("l", "n"))
_FUZZY_FINALS = (("ang", "an"), ("eng", "en"), ("ing", "in"))
_MAX_VARIANTS = 32


@dataclass(frozen=True, slots=True)
class _Dictionaries:
    """pypinyin's dictionaries, toneless and compact.

    ``chars``: character (by code point: no string a character) → usual reading; ``phrases``:
    phrase → readings separated by spaces, for phrases read otherwise than their characters'
    usual readings; ``plain_phrases``: the other phrases (nine in ten: a set, not a map, saves
    ~4 MB); ``longest``: first two
    characters of a phrase (as one number) → length of the longest such phrase.
    """

    chars: dict[int, str]
    phrases: dict[str, str]
    plain_phrases: frozenset[str]
    longest: dict[int, int]
    syllables: frozenset[str]


def _start_key(text: str, position: int) -> int:
    """The two characters of ``text`` at ``position`` as one number (smaller than a string)."""
    return ord(text[position]) << 21 | ord(text[position + 1])


def _plain(syllable: str, table: dict[int, str]) -> str:
    plain = syllable.translate(table)
    if plain.isascii():
        return plain
    return "".join(c for c in unicodedata.normalize("NFKD", plain) if c.isascii())


def _tone_table(readings: list[str]) -> dict[int, str]:
    table: dict[int, str] = {ord("ü"): "u", ord("v"): "u"}
    for char in set("".join(readings)):
        if not char.isascii():
            base = unicodedata.normalize("NFKD", char)[0]
            table[ord(char)] = "u" if base in "uü" else base
    return table


def _first_readings(text: str) -> Iterator[tuple[str, list[str]]]:
    """Each phrase of pypinyin's ``phrases_dict.json`` with the first reading of each of its
    characters, read line by line from the file as pypinyin ships it (one value a line), so that
    no list of every phrase's readings is built (~60 MB at its peak); any other layout is
    parsed as JSON."""
    if not text.startswith('{\n"'):
        yield from ((p, [o[0] for o in r]) for p, r in json.loads(text).items())
        return
    phrase = ""
    first: list[str] = []
    depth = 0
    fresh = False
    for line in text.splitlines():
        line = line.strip()
        if line.endswith(": ["):
            phrase, first, depth = json.loads(line[:-3]), [], 1
        elif line == "[":
            depth, fresh = 2, True
        elif line in ("]", "],"):
            depth -= 1
            if depth == 0 and phrase:
                yield phrase, first
                phrase = ""
        elif depth == 2 and fresh:
            first.append(json.loads(line.rstrip(",")))
            fresh = False


@lru_cache(maxsize=1)
def _dictionaries() -> _Dictionaries:
    """Read pypinyin's data files (``pinyin_dict.json``, ``phrases_dict.json``) directly.

    Importing pypinyin keeps its phrase dictionary twice and a segmentation prefix set in memory
    (about 57 MB); these compact maps take a fraction of that and give the same readings.
    """
    spec = importlib.util.find_spec("pypinyin")
    if spec is None or spec.origin is None:  # pragma: no cover - a declared dependency
        raise ImportError("pypinyin is required for the search")
    folder = Path(spec.origin).parent
    char_readings: dict[str, str] = json.loads((folder / "pinyin_dict.json").read_text("utf-8"))
    phrase_readings = _first_readings((folder / "phrases_dict.json").read_text("utf-8"))
    table = _tone_table(list(char_readings.values()))
    chars: dict[int, str] = {}
    found: set[str] = set()
    for code, readings in char_readings.items():
        plain = [_plain(reading, table) for reading in readings.split(",")]
        chars[int(code)] = sys.intern(plain[0])
        found.update(plain)
    phrases: dict[str, str] = {}
    plain_phrases: set[str] = set()
    longest: dict[int, int] = {}
    for phrase, first in phrase_readings:
        spoken = [_plain(reading, table) for reading in first]
        if spoken == [chars.get(ord(char)) for char in phrase]:
            plain_phrases.add(phrase)
        else:
            phrases[phrase] = " ".join(spoken)
        start = _start_key(phrase, 0)
        longest[start] = max(longest.get(start, 0), len(phrase))
    known = frozenset(s for s in found if s.isascii() and s.isalpha())
    return _Dictionaries(chars, phrases, frozenset(plain_phrases), longest, known)


def syllables() -> frozenset[str]:
    """Every toneless syllable the pinyin library knows."""
    return _dictionaries().syllables


class PinyinReader:
    """Reads goods names the way pypinyin does (longest known phrase first, else each
    character's usual reading), with ``overrides`` (word → syllables) taking precedence.

    The lookup is done here, on pypinyin's own dictionaries, because pypinyin's converter takes
    about 25 µs a character (too slow to build a 100,000-product index) and its import about
    57 MB of memory.
    """

    def __init__(self, overrides: Mapping[str, tuple[str, ...]]) -> None:
        self._overrides = overrides
        self._longest = max((len(word) for word in overrides), default=0)
        self._override_starts = frozenset(word[0] for word in overrides)
        self._dictionaries = _dictionaries()

    def read(self, text: str) -> tuple[str, ...]:
        """One syllable (or ``#``) per character of ``text``."""
        tokens: list[str] = []
        position = 0
        while position < len(text):
            found = self._word_at(text, position)
            tokens.extend(found)
            position += len(found)
        return tuple(tokens)

    def _word_at(self, text: str, position: int) -> tuple[str, ...]:
        char = text[position]
        if not is_han(char):
            return (NO_READING,)
        data = self._dictionaries
        phrase = ""
        start = _start_key(text, position) if position + 1 < len(text) else -1
        for length in range(min(data.longest.get(start, 0), len(text) - position), 1, -1):
            candidate = text[position : position + length]
            if candidate in data.phrases or candidate in data.plain_phrases:
                phrase = candidate
                break
        if char in self._override_starts:
            top = min(self._longest, len(text) - position)
            for length in range(top, len(phrase) - 1, -1):
                override = self._overrides.get(text[position : position + length])
                if override is not None:
                    return override
        if phrase in data.phrases:
            return tuple(data.phrases[phrase].split(" "))
        if phrase:
            return tuple(data.chars[ord(char)] for char in phrase)
        return (data.chars.get(ord(char), NO_READING),)


def initials(tokens: tuple[str, ...]) -> str:
    """The first letters of the syllables: ``('hong', 'zao')`` → ``hz``."""
    return "".join(token[0] for token in tokens)


def parse_syllables(letters: str, limit: int = 8) -> list[tuple[str, ...]]:
    """Ways to cut ``letters`` into pinyin syllables, fewest syllables first (at most ``limit``).

    ``xian`` gives ``[('xian',), ('xi', 'an')]``; letters that are not pinyin give ``[]``.
    """
    known = syllables()
    letters = letters.replace("v", "u")
    tails: dict[int, list[tuple[str, ...]]] = {len(letters): [()]}
    for start in range(len(letters) - 1, -1, -1):
        found: list[tuple[str, ...]] = []
        for end in range(start + 1, min(len(letters), start + _LONGEST_SYLLABLE) + 1):
            head = letters[start:end]
            if head in known:
                found.extend((head, *tail) for tail in tails.get(end, []))
        found.sort(key=len)
        if found:
            tails[start] = found[:limit]
    return tails.get(0, [])


@lru_cache(maxsize=4096)
def fuzzy_key(syllable: str) -> str:
    """``syllable`` with the fuzzy pairs folded: ``huang`` → ``huan``, ``zhi`` → ``zi``,
    ``lan`` → ``nan``."""
    for long, short in _FUZZY_INITIALS:
        if syllable.startswith(long):
            syllable = short + syllable[len(long) :]
            break
    for long, short in _FUZZY_FINALS:
        if syllable.endswith(long):
            return syllable[: -len(long)] + short
    return syllable


@lru_cache(maxsize=1)
def _by_fuzzy_key() -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    for syllable in sorted(syllables()):
        found.setdefault(fuzzy_key(syllable), []).append(syllable)
    return {key: tuple(group) for key, group in found.items()}


def fuzzy_variants(tokens: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Other syllable sequences the typed ``tokens`` may mean under the fuzzy pairs (the typed
    ones excluded), at most 32."""
    by_key = _by_fuzzy_key()
    variants: list[tuple[str, ...]] = [()]
    for token in tokens:
        options = by_key.get(fuzzy_key(token), (token,))
        variants = [(*head, option) for head in variants for option in options]
        variants = variants[:_MAX_VARIANTS]
    return [variant for variant in variants if variant != tokens]
