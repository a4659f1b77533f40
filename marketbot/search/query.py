"""Reading a query: what kind of question it is, and which goods words it asks for.

Chinese text is cut into the best sequence of pieces — goods words (from the tables or found in
product names), question phrases, filler, modifiers, number+unit — preferring the cut that
explains the most characters with goods words. Characters no piece explains are tried as a whole
(a one-character query stays as it is), corrected as a typo (one character swapped for a
homophone or a look-alike) or, failing that, kept as the unmet wish. Latin text is read as
English words first, then as pinyin (full syllables or initials).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from itertools import chain, islice, pairwise
from typing import Literal

from marketbot.search.dictionary import dictionary, stands_in
from marketbot.search.index import CatalogIndex
from marketbot.search.kept import Kept
from marketbot.search.model import Intent
from marketbot.search.normalize import has_han, latin_words, singular
from marketbot.search.pinyin import (
    NO_READING,
    PinyinReader,
    fuzzy_key,
    fuzzy_variants,
    initials,
    parse_syllables,
    syllables,
)
from marketbot.search.shapes import look_alike, part_of
from marketbot.search.tables import CategoryWord, SearchTables

__all__ = ["QueryReader", "Reading", "State", "Term", "Via"]

Via = Literal["direct", "english", "kind", "pinyin", "fuzzy", "dictionary"]
State = Literal["", "fresh", "dried"]

_QUERY_LIMIT = 40
#: Words looked up in the catalogue kept until it changes (pieces of the questions asked).
_KNOWN_KEPT = 16384
_LONGEST_TERM = 12
_LONGEST_ENGLISH = 5
#: English names of kinds of a thing are this long at most ("broomcorn millet").
_LONGEST_KIND = 3
_SYLLABLE_SCAN = 500
_MAX_TERMS = 4
#: A line of categories.tsv naming this many catalogue categories at most names one kind of
#: goods (杂粮: 粮油), not a collective word (特产, 送人 name nine).
_NARROW_LINE = 2
#: Goods named after this many things at least make a word a kind of many goods (茶: 苦荞茶,
#: 菊花茶).
_MATERIALS = 2
#: Names looked at to tell a kind of many goods.
_KIND_SCAN = 24
#: A mark among the kinds of pieces read: characters no table explains describe the goods.
_DESCRIBED = "described"
#: A word for a kind of goods heading a word named after goods before it (茶, 辣, 种子).
_LONGEST_KIND_WORD = 2
_NUMBER = "0-9一二两三四五六七八九十几半每"
_SPLIT = re.compile(r"[^\w]+|_")
#: What ``_english_at`` says of a phrase that names another thing: words kept as asked.
_ANOTHER_THING = "another thing"
#: Pieces that may stand before the head of a word that means what its head means.
_BEFORE_HEAD = frozenset({"modifier", "unknown", "term"})
#: A gloss in plain English words, naming a thing ("donkey"), no reference to another headword.
_PLAIN_GLOSS = re.compile(r"[a-z][a-z ,'-]*")
#: Noun suffixes that add no meaning: 梳子 and 梳, 篮儿 and 篮.
_NOUN_SUFFIXES = frozenset("子儿")
#: Kinds of intents.tsv that only match a whole message (行 "OK" is no piece of 自行车).
_WHOLE_ONLY = frozenset({"help", "register", "chitchat"})
#: Pieces between two goods words that may hold a verb making the second what the first is for.
_CLAUSE_KINDS = frozenset({"unknown", "modifier", "filler"})
#: Particles that may end a sentence after the goods (核桃的, 核桃吗, 核桃呢).
_PARTICLES = frozenset("的了吗呢吧啊呀么嘛哦哈啦呗噢喔哇")
#: A question ending "… or not" (能买到蜂巢蜜不, 有核桃没): particles only at the end.
_FINAL_PARTICLES = frozenset("不没")
#: A word, 了, and perhaps a question or modal particle: something done or felt (辛苦了, 吃了没).
_DONE = re.compile(r"(\w{1,3}?)了(?:没有|没|吗|么|呢|吧|啊|呀|哈)?")
#: A one-character verb ending a message says what the goods are for ("买个布老虎玩", "买点茶
#: 喝"): one whose first sense is one of these uses (not 夹 "to press" of 核桃夹).
_USES = (
    *("to eat", "to drink", "to play", "to use", "to wear", "to put on", "to cook", "to stew"),
    *("to stick", "to hang"),  # decorations: 买点窗花贴, 买个灯笼挂
)
#: A first sense that names no thing: a variant, a bound form, a surname, a verb, a classifier.
_NOT_A_THING = re.compile(r"(?:old |archaic )?variant|\(bound form\)|surname|to |cl:|used in")
#: English modifiers saying the state goods are asked in.
_ENGLISH_STATES: dict[str, State] = {"fresh": "fresh", "dried": "dried", "dry": "dried"}
#: Senses of a verb saying what a thing is to serve as (当手信, 做礼物).
_SERVE_AS = ("to act as", "to serve as")
#: Verbs of cooking: goods right after one, in a clause of their own, are a dish to be made;
#: and of preserving (冻梨, 腌萝卜, 熏豆腐 are dishes as much as 烤红薯).
_COOKING = (
    *("to deep fry", "to fry", "to steam", "to boil", "to stew", "to bake", "to roast"),
    *("to freeze", "to pickle", "to smoke", "to salt", "to cure"),
)
_COOKING_SENSES = 3
#: An English adjective of quality, as the first sense of a word.
_ADJECTIVE = re.compile(r"(?:good-)?[a-z]+(?:ful|ous|able|ible|ive|looking)")
#: How and why words after the goods ask about them (香椿芽咋这么贵, 核桃怎么这么小).
_WHY = frozenset({"咋", "怎么", "怎", "为啥", "为什么", "咋个", "怎么样", "咋样"})
#: An English word after the goods that says what they are for, or whom.
_PURPOSE = frozenset({"for"})
#: English words read through the dictionary are at least this long (not "a", "an", "to").
_SHORTEST_ENGLISH = 3
#: Look-alike (shape) fixes only for words this long: two of three characters must agree.
_SHAPE_FIX_LENGTH = 3
_SHAPE_SCAN = 300
#: Pinyin with one syllable mistyped is read only this long (two syllables at least agree).
_MISTYPED_SYLLABLES = 3
#: A material and a verb of making before 的: 木头做的, 竹子编的, 铁打的.
#: Characters of a frame that asks what is for sale (有卖, 有没有, 哪有, 买): a dish named after
#: them is what is asked.
_FOR_SALE = frozenset("有卖买")

#: Words opening a message said to the bot about itself: what it is, its name, its age
#: (你是机器人吗, 你叫啥, 您贵姓, 你几岁了).
_ADDRESSED = ("你是", "您是", "你叫", "您叫", "你姓", "您贵姓", "你几岁", "你多大")
#: The longest judging clause that ends a remark (不错, 很好, 不太贵).
_JUDGED = 3

_MADE_OF = re.compile(r"(?=(\w{1,2}?)(?:做|制|编|织|雕|打|烧|刻|捏|塑|制作)成?的)")
#: A name typed without its last character is found from this many characters on.
_CUT_SHORT = 4
#: A name typed with a character left off inside or typed twice is found from this many on.
_DROPPED = 3
#: Words read from their characters' meanings are this long at most (锅刷).
_LONGEST_COMPOSED = 3
#: The dictionary knows words of at most this many characters.
_LONGEST_WORD = 4
#: "甜不甜", "新不新鲜": a question about the goods, not a goods word.
_ASK_QUALITY = re.compile(r"(\w)不\1\w*$")


@dataclass(frozen=True, slots=True)
class Term:
    """A goods word (or category word) to look for, and how it was found in the query."""

    text: str
    via: Via
    #: Asked fresh (鲜玉米, 新鲜香椿: the goods themselves, not things made from them) or
    #: dried (干蘑菇): no goods said to be in the other state.
    state: State = ""
    #: A compound wish (荞麦皮枕头: a pillow filled with buckwheat hulls): the goods word that
    #: heads it, whose names answer only where they hold a word of each of ``holding`` too.
    head: str = ""
    holding: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Reading:
    """The understood query."""

    intent: Intent
    terms: tuple[Term, ...]
    where: bool = False  # the query also asks where ("哪家有山木耳")
    #: Modifiers of two characters or more asked for without goods ("野生的", "手工做的").
    modifiers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Piece:
    text: str
    kind: str  # "term", "unknown", "unit" or a kind of intents.tsv


class QueryReader:
    """Turns query text into a :class:`Reading`, using the tables and the catalogue index."""

    def __init__(self, tables: SearchTables, index: CatalogIndex, reader: PinyinReader) -> None:
        self._tables = tables
        self._index = index
        self._reader = reader
        self._zh_phrases = {
            p: k for p, k in tables.phrases.items() if not p.isascii() and k not in _WHOLE_ONLY
        }
        self._longest_phrase = max(map(len, self._zh_phrases), default=1)
        self._en_phrases = {
            tuple(singular(word) for word in phrase.split()): kind
            for phrase, kind in tables.phrases.items()
            if phrase.isascii()
        }
        self._english = {tuple(phrase.split()): words for phrase, words in tables.english.items()}
        #: The goods of English names of two or three words by their last word ("millet" →
        #: 黄米 of "broomcorn millet").
        self._english_kinds: dict[str, list[str]] = {}
        for phrase, words in self._english.items():
            if 1 < len(phrase) <= _LONGEST_KIND and not stands_in(phrase[:-1]):
                kinds = self._english_kinds.setdefault(phrase[-1], [])
                kinds.extend(word for word in words if word not in kinds)
        units = sorted(
            (p for p, k in self._zh_phrases.items() if k == "unit"), key=len, reverse=True
        )
        unit = f"(?:{'|'.join(map(re.escape, units))})"
        self._quantity = re.compile(f"[{_NUMBER}]+{unit}")
        #: A price asked by a quantity (一瓶多少, 一双要多少, 多少钱一袋) or a price stated and
        #: questioned (150一斤？, 30块一瓶).
        self._price_ask = re.compile(
            f"[{_NUMBER}]+{unit}(?:要|得|卖|是|能)?多少|多少钱?[{_NUMBER}]+{unit}"
            f"|[0-9]+(?:\\.[0-9]+)?(?:块钱|块|元|毛)?[一每]{unit}"
        )
        self._words = tables.lexicon | set(tables.categories)
        #: Ware by material: the first word of a line with a one-character sign (木 → 木器).
        self._wares = {
            sign: entry.words[0]
            for entry in tables.categories.values()
            if any(word.endswith(("器", "制品")) for word in entry.words)
            for sign in entry.signs
            if len(sign) == 1 and has_han(sign)
        }
        #: Price, place and time questions of two characters or more as pinyin, longest first.
        spoken = {
            "".join(tokens): kind
            for phrase, kind in self._zh_phrases.items()
            if kind in ("price", "place", "time") and len(phrase) > 1
            for tokens in [reader.read(phrase)]
            if NO_READING not in tokens
        }
        self._spoken_questions = sorted(spoken.items(), key=lambda item: -len(item[0]))
        self._prefixes = {word[:end] for word in self._words for end in range(1, len(word))}
        self._words_by_syllables: dict[str, list[str]] = {}
        self._words_by_initials: dict[str, list[str]] = {}
        self._words_by_fuzzy: dict[str, list[str]] = {}
        for word in sorted(self._words):
            tokens = reader.read(word)
            if NO_READING not in tokens:
                self._words_by_syllables.setdefault(" ".join(tokens), []).append(word)
                self._words_by_initials.setdefault(initials(tokens), []).append(word)
                fuzzy = " ".join(map(fuzzy_key, tokens))
                self._words_by_fuzzy.setdefault(fuzzy, []).append(word)
        self._words_by_length: dict[int, list[str]] = {}
        for word in sorted(self._words):
            self._words_by_length.setdefault(len(word), []).append(word)
        self._dictionary = dictionary()
        self._known: Kept[str, bool] = Kept(lambda: index.version, _KNOWN_KEPT)

    def read(self, query: str) -> Reading:
        """Understand ``query`` (already normalized: Simplified, half-width, lower case)."""
        query = query[:_QUERY_LIMIT]
        if has_han(query):
            return self._read_chinese(query)
        return self._read_latin(query)

    # -- Chinese ------------------------------------------------------------------------

    def _read_chinese(self, text: str) -> Reading:
        if self._says_done(text):
            return Reading("chitchat", ())
        kinds: set[str] = set()
        texts = [part for part in _SPLIT.split(text) if part]
        parts = [self._read_part(part, kinds) for part in texts]
        if any(map(self._names_goods, parts)):
            # Clauses around the goods that name none (老人晚上睡不着，… 酸枣仁 …) only set
            # the scene.
            named = [(part, found) for part, found in zip(texts, parts, strict=True)]
            named = [(part, found) for part, found in named if self._names_goods(found)]
            # Goods to be cooked (过年要炸油糕，哪里有黄米面) are what the goods of another
            # clause are for.
            wished = [found for part, found in named if not self._to_cook(part, found)]
            parts = wished or [found for _, found in named]
        terms = [term for found in parts for term in found]
        if self._described(texts, terms):
            kinds.add(_DESCRIBED)
        if self._price_ask.search(text):
            kinds.add("price")
        reading = self._reading(kinds, terms)
        if (
            reading.intent == "find"
            and reading.terms
            and not self._names_goods(list(reading.terms))
            and self._remark(text)
        ):
            return Reading("chitchat", ())
        if not reading.terms and reading.intent == "find":
            modifiers = [
                piece.text
                for part in _SPLIT.split(text)
                for piece in self._segment(part)
                if piece.kind == "modifier" and len(piece.text) > 1
            ]
            reading = replace(reading, modifiers=tuple(dict.fromkeys(modifiers)))
        return reading

    def _described(self, texts: list[str], terms: list[Term]) -> bool:
        """Whether characters no table explains stand beside the goods words found in the
        clauses ``texts`` (败火的 of 想喝点败火的茶): the goods asked are described."""
        words = {term.text for term in terms}
        return any(
            piece.kind == "unknown" and piece.text not in words
            for part in texts
            for piece in self._segment(part)
        )

    def _remark(self, text: str) -> bool:
        """Whether ``text``, naming no goods, is small talk: said to the bot about itself
        (你是机器人吗, 您是谁, 你叫啥) or judging a thing, a word of two characters, with 不 or
        an adverb of degree and a word that end it (今天天气不错, 天气真好啊) — no wish."""
        body = _SPLIT.sub("", text).rstrip("".join(_PARTICLES))
        if body.startswith(_ADDRESSED):
            return True
        for start in range(2, len(body) - 1):
            if not self._dictionary.is_word(body[start - 2 : start]):
                continue  # the thing judged: a word of two characters (天气)
            word = self._word_at(body, start)
            rest = body[start + len(word) :]
            if (
                body[start] == "不"
                and len(body) - start <= _JUDGED
                and body[start - 1] != body[start + 1]  # 远不远 asks
            ):
                return True  # 不错, 不贵
            if self._dictionary.is_degree(word) and 0 < len(rest) <= _JUDGED - 1:
                return True  # 很好, 真好
        return False

    def _says_done(self, text: str) -> bool:
        """Whether ``text`` is only something done or felt, with 了 and perhaps a question
        particle after it (辛苦了, 吃了没, 到了吗): a word some sense of which is a verb and no
        goods word of the tables or name here, or a verb of use (吃 "to eat", though 吃的 is a
        kind) — small talk, not a wish (有驴肉了吗 names goods)."""
        done = _DONE.fullmatch(_SPLIT.sub("", text))
        if done is None:
            return False
        word = done.group(1)
        if self._use_verb(word):
            return True
        return (
            self._dictionary.can_be_verb(word)
            and not self._knows(word)
            and not self._dictionary.asks(word)
        )

    def _to_cook(self, part: str, terms: list[Term]) -> bool:
        """Whether every goods word of the clause ``part`` follows a verb of cooking (炸油糕,
        炖鸡): a dish to be made."""
        at = [part.find(term.text) for term in terms]
        return bool(terms) and all(start > 0 and self._cooks(part[start - 1]) for start in at)

    def _dish(self, pieces: list[_Piece], heads: list[int]) -> str:
        """A dish asked for by its cooking and its goods (有卖烤红薯的吗, 烤红薯, 哪有烤红薯): a
        verb of cooking of one character right before the only goods word, with only question
        words holding "is there" or "sell" before it (有卖, 有没有, 哪有, 买) — a roast sweet
        potato is another thing than the goods of 红薯粉条. What the goods are cooked for
        (想熬点绿豆汤, 要炖羊肉) stays a wish for the goods; a dish listed under its name (炒花生)
        is one goods word already."""
        first = heads[0]
        if first == 0 or len(heads) > 1:
            return ""
        cook = pieces[first - 1]
        frame = "".join(piece.text for piece in pieces[: first - 1])
        if (
            cook.kind != "unknown"
            or len(cook.text) != 1
            or not self._cooks(cook.text)
            or any(piece.kind in _BEFORE_HEAD for piece in pieces[: first - 1])
            or not (frame == "" or _FOR_SALE.intersection(frame))
        ):
            return ""
        dish = cook.text
        for piece in pieces[first:]:  # and what it is cooked into (熬绿豆汤)
            if piece.kind not in ("term", "unknown"):
                break
            dish += piece.text
        return dish

    def _cooked_into(self, pieces: list[_Piece], heads: list[int]) -> bool:
        """Whether the one goods word follows a verb of cooking of one character with only
        fillers between (想熬点绿豆汤, 要炖点鸡汤): what stands after the goods is the dish they
        are cooked into, the goods are the wish (a dish asked by its name is ``_dish``)."""
        first = heads[0]
        cook = next((i for i in range(first - 1, -1, -1) if pieces[i].kind != "filler"), None)
        return (
            len(heads) == 1
            and cook is not None
            and cook < first - 1
            and pieces[cook].kind == "unknown"
            and len(pieces[cook].text) == 1
            and self._cooks(pieces[cook].text)
        )

    def _cooks(self, char: str) -> bool:
        """Whether one of the first senses of ``char`` is a verb of cooking (炸 "to deep fry",
        蒸 "(of cooking) to steam", 炖 "to stew")."""
        return any(
            verb in sense
            for sense in self._dictionary.senses(char)[:_COOKING_SENSES]
            for verb in _COOKING
        )

    def _names_goods(self, terms: list[Term]) -> bool:
        """Whether ``terms`` (of one clause) hold a word the tables or the catalogue know."""
        return any(term.via != "direct" or self._knows(term.head or term.text) for term in terms)

    def _reading(self, kinds: set[str], terms: list[Term]) -> Reading:
        """The reading; category words that are no goods word (送人, 带回去) give way to goods
        words named beside them ("买点核桃带回去" asks for walnuts)."""
        # The market's own people and places are no goods ("今天都有哪些摊位"); a time of day
        # names when, as a day does ("上午去还是下午去").
        if any(t.via == "direct" and self._dictionary.names_a_time_of_day(t.text) for t in terms):
            kinds = {*kinds, "day"}
        terms = [
            term
            for term in terms
            if not (
                term.via == "direct"
                and (
                    self._market_word(term.text) or self._dictionary.names_a_time_of_day(term.text)
                )
            )
        ]
        intent, where = _intent(kinds, terms)
        unexplained = any(term.via == "direct" for term in terms)
        asked = [term for term in terms if term.via != "kind"]
        goods = [
            term
            for term in asked
            if term.text in self._tables.lexicon or self._tables.category(term.text) is None
        ]
        if goods:  # kinds follow the goods asked for, unless words no table explains stand by
            goods += [term for term in terms if term.via == "kind" and not unexplained]
        chosen = _unique(goods or terms)
        if (
            intent == "find"
            and chosen
            and all(
                (self._collective(t.text) and not self._names_one(t.text))
                or (_DESCRIBED not in kinds and self._kind_of_many(t.text))
                for t in chosen
            )
        ):
            # 坚果, 有啥蔬菜, 有喝的吗, "any snacks?": what there is of a kind; asked where
            # (山货摊在哪), the market's place.
            intent = "place" if where else "browse"
        return Reading(intent, chosen, where)

    def _collective(self, word: str) -> bool:
        """Whether ``word`` is a word for a kind of goods (a word of ``categories.tsv``: 坚果,
        蔬菜, 土特产, 喝的) and no product name here or its end (腊肉 of 农家腊肉, 漆器 of
        推光漆器), nor a goods word of the tables (蘑菇, 茶叶) — unless its line names catalogue
        categories (野菜, 杂粮 of 粮油), or it is one character ending names (肉 of 羊肉, 蛋 of
        鸭蛋) whose line does: asking for it browses the kind."""
        category = self._tables.category(word)
        if category is None or not (len(word) > 1 or self._use_verb(word) or category.categories):
            return False  # 喝 of 喝的 is a kind; 艾 is goods
        if self._index.exact(word) is not None:
            return False
        if category.categories:
            return len(word) == 1 or not self._index.headed(word)
        return word not in self._tables.lexicon and not self._index.headed(word)

    def _names_one(self, word: str) -> bool:
        """Whether ``word`` is one character heading a single name here: that good is asked
        (筐 where 荆条筐 alone is listed), not the kind browsed."""
        return len(word) == 1 and len(self._index.headed(word)) == 1

    def _kind_of_many(self, word: str) -> bool:
        """Whether ``word`` is a word of ``categories.tsv`` or one character that no product is
        called, whose names here are mostly named after what they are made of, of two things
        at least (茶叶, 茶: 苦荞茶, 菊花茶, 连翘叶茶; 酒: 高粱酒, 柿子酒; 油: 胡麻油,
        菜籽油): a kind of many goods, browsed. Kinds of one thing named after their quality
        (醋: 老陈醋, 熏醋; 蜂蜜: 土蜂蜜) are goods asked for."""
        if self._index.exact(word) is not None or not (
            self._tables.category(word) is not None or len(word) == 1
        ):
            return False
        own = self._tables.category(word)
        heads = [word, *(w for w in own.words if w != word and word.startswith(w))] if own else []
        # the first names found tell (a very large catalogue holds thousands of 油)
        headed = chain.from_iterable(map(self._index.headed, heads or [word]))
        groups = {g.gid: g for g in islice(headed, _KIND_SCAN)}
        materials = [self._material(g.key[: g.head_end], heads or [word]) for g in groups.values()]
        named = [material for material in materials if material]
        return len(set(named)) >= _MATERIALS and 2 * len(named) > len(materials)

    def _material(self, head: str, kinds: list[str]) -> str:
        """What the head of a name ending with one of ``kinds`` says it is made of: the longest
        goods word of the tables or product name here ending right before the kind word, or
        before a character naming a part of it (连翘 of 连翘叶茶: 叶 "leaf"); ``""`` for a
        quality, a process or a place (老陈醋, 石磨白面, 太谷饼)."""
        kind = next((k for k in kinds if head.endswith(k)), "")
        before = head[: len(head) - len(kind)] if kind else ""
        found = self._material_ending(before, len(before))
        if not found and before and self._names_a_thing(before[-1]):
            found = self._material_ending(before, len(before) - 1)
        return found

    def _material_ending(self, before: str, end: int) -> str:
        """The longest goods word of the tables or product name here ending at ``end`` of
        ``before`` (see :meth:`_material`), or ``""``."""
        for start in range(max(0, end - _LONGEST_WORD), end - 1):
            word = before[start:end]
            if word in self._zh_phrases:
                continue
            if word in self._words:
                line = self._tables.category(word)
                if line is None or self._narrow(line):
                    return word
            elif self._index.exact(word) is not None:
                return word
        return ""

    @staticmethod
    def _narrow(line: CategoryWord) -> bool:
        """Whether a line of ``categories.tsv`` names one kind of goods (米, 杂粮), not a
        collective word of many categories (特产, 送人)."""
        return len(line.categories) <= _NARROW_LINE

    def _names_a_thing(self, char: str) -> bool:
        """Whether the first sense of ``char`` (after a surname) names a thing in plain words
        (叶 "leaf"), not a quality or an action (陈 "to lay out")."""
        senses = [s for s in self._dictionary.senses(char) if not s.startswith("surname")]
        return (
            bool(senses)
            and bool(_PLAIN_GLOSS.fullmatch(senses[0]))
            and not (_NOT_A_THING.match(senses[0]) or _ADJECTIVE.fullmatch(senses[0]))
        )

    def _read_part(self, part: str, kinds: set[str]) -> list[Term]:
        for made in _MADE_OF.finditer(part):
            material = made.group(1)
            ware = self._wares.get(material[0] if material[1:] in ("", "头", "子") else material)
            if ware is not None:  # 木头做的小物件, 有没有竹子编的: ware of that material
                return [Term(ware, "direct")]
        pieces = self._segment(self._without_class_suffix(part))
        if len(pieces) == 1 and pieces[0].kind == "term":
            cut = self._cut_short(part)
            if cut:
                return [Term(key, "fuzzy") for key in cut]
        if self._another_thing(part, pieces):
            return self._resolve(part)
        heads = [i for i, piece in enumerate(pieces) if piece.kind == "term"]
        if heads:
            tail = next(
                (i for i in range(heads[0], len(pieces)) if pieces[i].kind == "tail"), None
            )
            pieces = pieces[:tail]
            heads = [i for i in heads if i < len(pieces)]
        else:
            pieces = [_Piece(p.text, "unknown") if p.kind == "tail" else p for p in pieces]
        kinds.update(piece.kind for piece in pieces)
        mistyped = self._fragment_fixes(pieces, heads)
        if mistyped:
            return [Term(fix, "fuzzy") for fix in mistyped]
        runs = _unknown_runs(self._with_modifiers(pieces) if not heads else pieces)
        if not heads:
            if runs and len(part) <= _LONGEST_WORD and part not in self._zh_phrases:
                # A modifier may be part of the word mistyped (小迷 → 小米).
                whole = [run for run in runs if len(run) < len(part)]
                fixes = self._typo_fixes(part) if whole else []
                if fixes:
                    return [Term(fix, "fuzzy") for fix in fixes]
            return [term for run in runs for term in self._resolve(run)]
        dish = self._dish(pieces, heads)
        if dish:
            return [Term(dish, "direct")]
        if self._names_kind_of_last(pieces, heads):
            return self._resolve(self._content(pieces))
        covered = self._covered(pieces, heads)
        if covered:
            heads = [i for i in heads if i not in covered]
            if not heads:
                return [Term(self._content(pieces), "direct")]
        heads = self._before_purpose(pieces, heads)
        before = "".join(p.text for p in pieces[:-1])
        if (
            len(pieces) > 1
            and pieces[-1].kind == "term"
            and all(p.kind in ("unknown", "modifier") for p in pieces[:-1])
            and any(p.kind == "unknown" for p in pieces[:-1])
            and len(part) <= _LONGEST_WORD
            and (len(before) == 1 or not self._dictionary.is_word(before))
        ):
            # Characters typed before a goods word that are no word: a typo of a longer one
            # this catalogue lists (攸面 → 莜面, 胡马油 → 胡麻油)?
            fixes = [fix for fix in self._typo_fixes(part) if self._index.knows(fix)]
            # or a name typed with a character left off (千底布鞋 for 千层底布鞋)
            fixes = fixes or self._cut_short(part)
            if fixes:
                return [Term(fix, "fuzzy") for fix in fixes]
        kind = self._kind_named(pieces, heads)
        if kind:
            return [Term(kind, "direct")]
        compound = self._compound(pieces, heads)
        if compound is not None:
            return [compound]
        found = [Term(pieces[i].text, "direct", self._state(pieces[:i])) for i in heads]
        last = heads[-1]
        after = _right_after(pieces[last + 1 :])
        # What follows the goods in the message, tails included ("红枣带回家": 带 governs 回家).
        rest = part[sum(len(piece.text) for piece in pieces[: last + 1]) :]
        content = self._content(pieces)
        if (
            not self._frames_after(after, rest)
            or self._straddled(pieces, last)
            or self._other_word(content, pieces[last].text)
        ) and not self._cooked_into(pieces, heads):
            head = self._head_after_de(pieces)
            return [Term(head, "direct")] if head else self._resolve(content)
        return found

    def _compound(self, pieces: list[_Piece], heads: list[int]) -> Term | None:
        """Goods words typed together with no separator that name one thing (``荞麦皮枕头``, a
        pillow filled with buckwheat hulls; ``羊肉饺子``): the last heads it and is of other
        catalogue categories than each word before it, with at most a character naming a part
        between them (皮 "skin") and only particles, fillers or questions after (see
        :meth:`_other_kind`). Goods of one kind typed together are a list (``红豆绿豆``: two
        wishes); a place (吉县苹果), a word
        for a kind (手工剪纸, 苦荞茶送人) or a dish cooked (红枣蒸馍) is no part of one thing."""
        first, last = heads[0], heads[-1]
        if len(heads) < 2 or any(
            p.kind == "term" or (p.kind == "unknown" and not _PARTICLES.issuperset(p.text))
            for p in pieces[last + 1 :]
        ):
            return None
        span = pieces[first : last + 1]
        words = [pieces[i].text for i in heads]
        if self._dish_name(span, words):
            text = "".join(piece.text for piece in span)
            return Term(text, "direct", self._state(pieces[:first]), words[-1], (words[0],))
        if any(
            piece.kind not in ("term", "unknown")
            or (piece.kind == "unknown" and self._joins_not(piece.text))
            for piece in span
        ):
            return None
        if any(map(self._no_part_of_one_thing, words)) or self._cooks(words[-1][0]):
            return None
        if not all(self._other_kind(word, words[-1]) for word in words[:-1]):
            return None
        text = "".join(piece.text for piece in span)
        return Term(text, "direct", self._state(pieces[:first]), words[-1], tuple(words[:-1]))

    def _dish_name(self, span: list[_Piece], words: list[str]) -> bool:
        """Whether goods of one character, a verb of one character and goods name a dish as
        cooks name them (油泼面 "noodles splashed with oil", 醋溜白菜, 肉夹馍): what it is
        made with, how, and of what — one thing headed by the last, no list of two goods."""
        return (
            len(span) == 3
            and len(words) == 2
            and len(words[0]) == 1
            and span[1].kind == "unknown"
            and len(span[1].text) == 1
            and self._dictionary.is_verb(span[1].text)
        )

    def _other_kind(self, word: str, head: str) -> bool:
        """Whether the goods ``word`` are of another kind than the goods ``head``: of other
        catalogue categories, and no kin of it in the dictionary (黄豆 and 绿豆 are both
        "bean"). A goods word of the tables whose categories are not known here may be either
        and is read as asked beside it (keeping what is found for each); a word that is only
        part of names here (千层 of 千层底布鞋) says which of the head's goods."""
        if self._dictionary.kin(word, head):
            return False
        kinds, own = self._kinds_of(head), self._kinds_of(word)
        if not own:
            return word not in self._tables.lexicon
        return bool(kinds) and not kinds & own

    def _joins_not(self, text: str) -> bool:
        """Whether characters between two goods words keep them apart: more than one, or a
        character that can be a verb (装, 配) or is a particle (的)."""
        return len(text) > 1 or text in _PARTICLES or self._dictionary.can_be_verb(text)

    def _no_part_of_one_thing(self, word: str) -> bool:
        """Whether ``word`` cannot be one of the goods words of a compound wish: a word for a
        kind (手工, 送人, 编), a place (吉县) or the market's own people and places."""
        return (
            self._collective_word(word)
            or self._dictionary.is_place(word)
            or self._market_word(word)
        )

    def _kinds_of(self, word: str) -> frozenset[str]:
        """The catalogue categories of the goods ``word`` (or a word of its synonyms line)
        heads here; where none is listed, those of the lines of ``categories.tsv`` that list it
        among goods of one or two categories (荞麦 of 杂粮: 粮油) or that it is a word of (漆器:
        手工艺)."""
        members = (word, *self._tables.synonyms.get(word, ()))
        held = islice(chain.from_iterable(map(self._index.headed, members)), 50)
        found = {item.category for group in held for item in group.items}
        if not found:
            own = self._tables.category(word)
            found = {
                code
                for entry in chain(self._tables.categories.values(), [own] if own else [])
                if (word in entry.terms or entry is own) and self._narrow(entry)
                for code in entry.categories
            }
        return frozenset(found)

    def _state(self, before: list[_Piece]) -> State:
        """The state a modifier right before goods, or before 的 and them, says they are in:
        fresh (鲜玉米, 新鲜的玉米) or dried (干蘑菇)."""
        if before and before[-1].text == "的":
            before = before[:-1]
        if not before or before[-1].kind != "modifier":
            return ""
        state = self._dictionary.state(before[-1].text)
        return "fresh" if state == "fresh" else "dried" if state == "dried" else ""

    def _names_kind_of_last(self, pieces: list[_Piece], heads: list[int]) -> bool:
        """Whether the goods words end with a word for a kind of goods (one or two characters,
        no goods word itself) right after another goods word (``小米辣``: 辣, "hot", of the
        line of 辣椒; ``蜂蜜柚子茶``; ``辣椒种子``): it heads one word naming a kind of it after
        the goods before it — a chilli called 小米辣 is no millet, a pomelo tea no honey, chilli
        seeds no chillies — read whole, not as those goods. The word is no verb (``泡茶喝``),
        does not mean what the goods before it are (``辣椒辣吗`` asks whether they are hot) and
        ends the clause but for fillers. Where its line names catalogue categories (糕 of 小吃,
        米 of 粮油), the goods before it are listed here in others only (``红枣糕`` is a cake,
        no dates; ``黍子米`` is grain of 粮油 like 黍子, its 黄米)."""
        last = heads[-1]
        word, goods = pieces[last].text, pieces[last - 1].text if last else ""
        category = self._tables.category(word)
        return (
            len(word) <= _LONGEST_KIND_WORD
            and last > 0
            and pieces[last - 1].kind == "term"
            and len(goods) > 1
            and word not in self._tables.lexicon
            and category is not None
            and not self._dictionary.is_verb(word)
            # 辣 "hot" after 辣椒 "hot pepper" says what they are like (辣椒辣吗)
            and not self._dictionary.kin(word, goods)
            and all(piece.kind not in ("term", "unknown") for piece in pieces[last + 1 :])
            and not self._of_categories(goods, category.categories)
        )

    def _of_categories(self, goods: str, codes: tuple[str, ...]) -> bool:
        """Whether names headed by ``goods`` (or its usual name) are of one of ``codes``, or none
        is listed: the goods may be of those categories (绿豆 is of 粮油 however 绿豆凉粉 is)."""
        if not codes:
            return False
        canonical = self._tables.canonical.get(goods, goods)
        held = islice(chain(self._index.headed(goods), self._index.headed(canonical)), 50)
        found = {item.category for group in held for item in group.items}
        return not found or bool(found & set(codes))

    def _with_modifiers(self, pieces: list[_Piece]) -> list[_Piece]:
        """``pieces`` where characters no word explains and a modifier beside them spell a
        dictionary word no table knows and they do not mean, one unknown piece (海鲜 "seafood"
        of 想买点海鲜: 鲜 "fresh" is part of the word, so 海 "sea" alone is no goods word in
        海红果; 土布 "homespun cloth" is still 布 "cloth")."""
        joined = list(pieces)
        i = 0
        while i < len(joined):
            if joined[i].kind == "unknown":
                for a, b in ((i, i + 1), (i - 1, i)):
                    if a >= 0 and b < len(joined) and joined[a + b - i].kind == "modifier":
                        word = joined[a].text + joined[b].text
                        if (
                            self._dictionary.is_word(word)
                            and not self._dictionary.is_verb(word)
                            and not self._knows(word)
                            and not self._dictionary.kin(joined[i].text, word)
                        ):
                            joined[a : b + 1] = [_Piece(word, "unknown")]
                            i = a
                            break
            i += 1
        return joined

    def _kind_named(self, pieces: list[_Piece], heads: list[int]) -> str | None:
        """A kind of goods named by a thing the dictionary knows right before a word for a
        kind (驴肉: "donkey" + 肉, 有鸵鸟蛋吗): the kind asked, so that the goods of the kind
        word (猪肉, 羊肉 for 肉) are no answer where nobody sells it; not a question word (啥肉:
        啥 is "dialectal equivalent of 什么")."""
        if len(heads) != 1 or not self._collective(pieces[heads[0]].text):
            return None
        start = heads[0]
        while start > 0 and pieces[start - 1].kind == "unknown":
            start -= 1
        thing = "".join(piece.text for piece in pieces[start : heads[0]])
        known = self._dictionary
        if not thing or known.can_be_verb(thing) or known.asks(thing):
            return None
        if not any(_PLAIN_GLOSS.fullmatch(sense) for sense in known.senses(thing)):
            return None
        return thing + pieces[heads[0]].text

    def _fragment_fixes(self, pieces: list[_Piece], heads: list[int]) -> list[str]:
        """Names typed with one character wrong, read as a piece of a name and the character
        after or before it (驴肉礼和 for 驴肉礼盒: 驴肉礼 is only part of a name, 和 a word of
        its own; 沁州黄小来 for 沁州黄小米): the piece is no goods word, name, name's head or
        dictionary word, and with its neighbour it is one character off a name or goods word."""
        text = "".join(piece.text for piece in pieces)
        starts = [0]
        for piece in pieces:
            starts.append(starts[-1] + len(piece.text))
        for i in heads:
            word = pieces[i].text
            if len(word) < 2 or self._catalogue_word(word) or self._dictionary.is_word(word):
                continue
            start, end = starts[i], starts[i + 1]
            for span in (text[start : end + 1], text[max(0, start - 1) : end]):
                if len(span) > len(word):
                    fixes = [fix for fix in self._typo_fixes(span) if self._catalogue_word(fix)]
                    if fixes:
                        return fixes
        return []

    def _without_class_suffix(self, part: str) -> str:
        """``part`` without a 类 "kind" after a goods or category word (菌菇类, 坚果类的)."""
        at = part.find("类")
        while at > 1:
            before = part[max(0, at - _LONGEST_TERM) : at]
            if any(before[-size:] in self._words for size in range(2, len(before) + 1)):
                part = part[:at] + part[at + 1 :]
                at = part.find("类", at)
            else:
                at = part.find("类", at + 1)
        return part

    def _another_thing(self, part: str, pieces: list[_Piece]) -> bool:
        """Whether the whole ``part`` is a dictionary word no product is called, of a few
        characters (``饼干``, ``多肉``, ``自行车``): another thing than any goods word in it —
        unless it ends with a goods word (or character) that means what the whole does, after
        modifiers or other characters (``鲜奶`` and ``香醋`` are milk and vinegar, ``黄米糕`` a
        cake of 黄米)."""
        if not (
            1 < len(part) <= _LONGEST_WORD
            and part not in self._zh_phrases
            and self._tables.category(part) is None
            and not self._knows(part)
            and self._dictionary.is_word(part)
            and not self._dictionary.is_verb(part)
        ):
            return False
        head = pieces[-1]
        return not (
            (head.kind == "term" or (head.kind == "unknown" and len(head.text) == 1))
            and all(piece.kind in _BEFORE_HEAD for piece in pieces[:-1])
            and self._dictionary.kin(head.text, part)
        )

    @staticmethod
    def _content(pieces: list[_Piece]) -> str:
        return "".join(piece.text for piece in pieces if piece.kind in ("term", "unknown"))

    def _covered(self, pieces: list[_Piece], heads: list[int]) -> set[int]:
        """The goods and category words that are only part of another thing the dictionary
        knows and no product is called (``蛋`` and ``糕`` of ``生日蛋糕``): a word spanning the
        goods word and what stands beside it whose senses share no word with the goods word's
        (``黑木耳`` is still ``木耳``: both "fungus"). A category word or a single character
        counts only alone (``糕`` of ``蛋糕``)."""
        starts = [0]
        for piece in pieces:
            starts.append(starts[-1] + len(piece.text))
        text = "".join(
            piece.text if piece.kind in ("term", "unknown") else "\0" for piece in pieces
        )
        covered: set[int] = set()
        for i in heads:
            word, start, end = pieces[i].text, starts[i], starts[i + 1]
            for first in range(max(0, end - _LONGEST_WORD), start + 1):
                for last in range(end, min(len(text), first + _LONGEST_WORD) + 1):
                    other = text[first:last]
                    if (
                        (first, last) != (start, end)
                        and "\0" not in other
                        and other != word[0] + word  # 窝窝头: 窝头 with 窝 typed twice
                        and not self._knows(other)
                        and self._dictionary.is_word(other)
                        and not self._dictionary.is_verb(other)
                        and (
                            len(word) == 1
                            or word not in self._tables.lexicon
                            or not self._dictionary.kin(word, other)
                        )
                    ):
                        covered.add(i)
        return covered

    def _other_word(self, content: str, head: str) -> bool:
        """Whether the goods and category words of ``content`` together spell a dictionary
        word that no product is called (``蛋糕`` is not ``蛋`` and ``糕``)."""
        return (
            len(head) < len(content) <= 4
            and content not in self._words
            and not self._knows(content)
            and self._dictionary.is_word(content)
            and not self._dictionary.is_verb(content)
        )

    def _frames_after(self, text: str, context: str = "") -> bool:
        """Whether ``text``, the unexplained characters after the last goods word, only frames
        it (particles; a verb and whatever it governs: ``核桃好吃吗``, ``小麻油炒菜用``,
        ``柿饼给同事``) rather than naming another thing the goods word modifies (``苹果手机``,
        ``核桃油``, ``面包``)."""
        context = context if context.startswith(text) else text
        start = 0
        while start < len(text):
            word = self._word_at(context, start)
            if (
                self._starts_clause(context, start, word)
                or word in _WHY
                or self._dictionary.asks(word)  # 哪个好, 什么价: a question about them
            ):
                return True
            # at the end, or before particles only (上供用的)
            final = all(char in _PARTICLES for char in text[start + len(word) :]) and (
                word in _FINAL_PARTICLES or self._use_verb(word)
            )
            if word not in _PARTICLES and not final and not self._market_word(word):
                return False
            start += len(word)
        return True

    def _use_verb(self, word: str) -> bool:
        """Whether ``word`` is one character whose first sense is a use of goods (玩 "to
        play", 吃 "to eat")."""
        senses = self._dictionary.senses(word) if len(word) == 1 else ()
        # a surname first is no sense of use (戴 "surname dai; to put on or wear")
        senses = tuple(sense for sense in senses if not sense.startswith("surname"))
        return bool(senses) and senses[0].split(";")[0].startswith(_USES)

    def _market_word(self, word: str) -> bool:
        """Whether ``word`` is a headword naming the market's own people or places (``摊位``,
        ``摊主``): "蜂蜜的摊位" asks for honey."""
        return bool(self._dictionary.senses(word)) and self._dictionary.names_the_market(word)

    def _word_at(self, text: str, start: int) -> str:
        """The longest dictionary word at ``start`` (one character if none)."""
        for end in range(min(len(text), start + _LONGEST_WORD), start + 1, -1):
            if self._dictionary.is_word(text[start:end]):
                return text[start:end]
        return text[start]

    def _starts_clause(self, text: str, start: int, word: str) -> bool:
        """Whether ``word`` at ``start`` of ``text`` begins a clause of its own: a verb of two
        characters or more, or one character that can be a verb with a word or a quantity after
        it (``给同事``, ``装鸡蛋``, ``打一斤``, ``炖汤``; not ``夹`` alone, as in ``核桃夹``,
        nor a typo ``拷栳栳``)."""
        if start + len(word) < len(text) and self._dictionary.is_degree(word):
            return True  # 很有名, 特别甜: a clause judging the goods
        if text[start] in _FINAL_PARTICLES and start + 1 < len(text) and len(word) <= 2:
            return True  # 不错, 不贵, 没坏: a negated word says what the goods are like
        if len(word) > 1:
            return self._dictionary.is_verb(word) or self._judges(word)
        if word in _PARTICLES or start + 1 >= len(text):
            return False
        if text[start + 1] == word and self._dictionary.can_be_verb(word):
            return True  # a doubled verb: 补补脑, 尝尝鲜, 试试看
        if text[start + 1] not in _PARTICLES and self._serves_as(word):
            return True  # 当手信, 做礼物: what the goods are to serve as, whatever the word
        following = self._word_at(text, start + 1)
        known = len(following) > 1 or following in self._words or following == "_"
        # or a quantity: 打一斤, 称二两, 来两瓶 (a verb of buying with how much)
        counted = self._quantity.match(text, start + 1) is not None
        # or a verb of cooking with a thing it makes (土鸡炖汤, 小米熬粥): what they are for
        made = self._cooks(word) and bool(self._dictionary.senses(following))
        return (known or counted or made) and self._dictionary.can_be_verb(word)

    def _serves_as(self, char: str) -> bool:
        """Whether a sense of the character ``char`` is "to act as" or "to serve as" (当, 为,
        充; 做 "(of a thing) to serve as")."""
        return any(
            part.strip().removeprefix("(of a thing) ").startswith(_SERVE_AS)
            for sense in self._dictionary.senses(char)
            for part in sense.split(";")
        )

    def _judges(self, word: str) -> bool:
        """Whether ``word`` says what the goods are like, its first sense one English adjective
        (管用 "efficacious", 好用 "useful", 耐用 "durable"): a clause about them, not another
        thing they name (手机 "cell phone")."""
        senses = self._dictionary.senses(word)
        return bool(senses) and _ADJECTIVE.fullmatch(senses[0]) is not None

    def _before_purpose(self, pieces: list[_Piece], heads: list[int]) -> list[int]:
        """The goods words before a verb clause that names another good as what they are for
        (``小篮子装鸡蛋`` asks for the basket, ``红枣煮粥`` for the dates)."""
        for number, (head, following) in enumerate(pairwise(heads)):
            if self._collective_word(pieces[head].text):
                continue  # 带回去当伴手礼的红枣: a kind of goods gives way to goods anyway
            kinds = {p.kind for p in pieces[head + 1 : following]}
            if kinds == {"filler"}:
                continue  # 包饺子想要点韭菜: a wish (想要, 买点) asks for what follows it too
            between = "".join(
                p.text for p in pieces[head + 1 : following] if p.kind in _CLAUSE_KINDS
            )
            if (
                between
                and "connector" not in kinds
                and self._starts_clause(between + "_", 0, self._word_at(between, 0))
            ):
                return heads[: number + 1]
        return heads

    def _head_after_de(self, pieces: list[_Piece]) -> str:
        """The goods after the last 的 that what stands before it only describes, when they end
        the clause but for fillers and questions (``手工做的鞋``, ``上供的香有吗``): a goods word
        or what names here are headed by; else ``""``."""
        at = max((i for i, piece in enumerate(pieces) if piece.text == "的"), default=-1)
        words = [piece for piece in pieces[at + 1 :] if piece.kind in ("term", "unknown")]
        head = "".join(piece.text for piece in words)
        if at < 1 or not head or pieces[at + 1 : at + 1 + len(words)] != words:
            return ""
        return head if self._catalogue_word(head) else ""

    def _collective_word(self, word: str) -> bool:
        """Whether ``word`` is a word of ``categories.tsv`` and no goods word (送人, 带回去)."""
        return word not in self._tables.lexicon and self._tables.category(word) is not None

    def _straddled(self, pieces: list[_Piece], last: int) -> bool:
        """Whether a dictionary word that is no goods word ends with the last goods word,
        beginning in the characters before it (``机油`` for ``油``, ``奶茶`` for ``茶``): the
        query names that other thing. A verb with the goods as object (``喝茶``) is no such
        word; nor is one ending inside it (``竹篮`` of ``竹篮子``)."""
        head = pieces[last].text
        before = "".join(piece.text for piece in pieces[:last] if piece.kind == "unknown")
        if not before or pieces[last - 1].kind != "unknown":
            return False
        for size in range(1, min(len(before), 3) + 1):
            word = before[-size:] + head
            if (
                len(word) <= 4
                and word not in self._words
                and self._dictionary.is_word(word)
                and not self._dictionary.is_verb(word)
            ):
                return True
        return False

    def _segment(self, text: str) -> list[_Piece]:
        """The cut of ``text`` with the fewest unexplained characters, then the most characters
        in goods words, then the fewest pieces."""
        size = len(text)
        best: list[tuple[int, int, int] | None] = [None] * (size + 1)
        back: list[_Piece | None] = [None] * (size + 1)
        best[0] = (0, 0, 0)
        for start in range(size):
            cost = best[start]
            if cost is None:
                continue
            for piece in self._pieces_at(text, start):
                length = len(piece.text)
                unknown = length if piece.kind == "unknown" else 0
                known = length if piece.kind == "term" else 0
                new = (cost[0] + unknown, cost[1] - known, cost[2] + 1)
                end = start + length
                current = best[end]
                if current is None or new < current:
                    best[end] = new
                    back[end] = piece
        pieces: list[_Piece] = []
        end = size
        while end > 0:
            last = back[end]
            assert last is not None  # every position is reached: one character is a piece
            pieces.append(last)
            end -= len(last.text)
        pieces.reverse()
        return pieces

    def _pieces_at(self, text: str, start: int) -> list[_Piece]:
        pieces = [_Piece(text[start], "unknown")]
        for end in range(start + 1, min(len(text), start + self._longest_phrase) + 1):
            kind = self._zh_phrases.get(text[start:end])
            if kind is not None and kind != "unit":
                pieces.append(_Piece(text[start:end], kind))
        pair = text[start : start + 2]
        if len(pair) == 2 and pair not in self._zh_phrases and self._dictionary.names_price(pair):
            pieces.append(_Piece(pair, "price"))  # 行情 "market price", 售价 "selling price"
        # After the phrases: of two cuts alike, the first found wins ("几块" asks a price).
        quantity = self._quantity.match(text, start)
        if quantity is not None:
            pieces.append(_Piece(quantity.group(), "unit"))
        quality = _ASK_QUALITY.match(text, start)
        if quality is not None:
            pieces.append(_Piece(quality.group(), "filler"))
        counted = quantity.group() if quantity is not None else None
        for end in range(start + 1, min(len(text), start + _LONGEST_TERM) + 1):
            word = text[start:end]
            if word == counted and word not in self._words:
                # 五斤 of 胡麻油五斤桶 is how much is asked (我要买五斤胡麻油), no goods word
                continue
            if word in self._words or (
                len(word) > 1 and word not in self._zh_phrases and self._knows(word)
            ):
                pieces.append(_Piece(word, "term"))
            elif len(word) > 1 and word not in self._prefixes and not self._index.knows(word[-2:]):
                break
        return pieces

    def knows(self, word: str) -> bool:
        """Whether ``word`` is a goods or category word of the tables or part of a name here."""
        return self._knows(word)

    def _knows(self, word: str) -> bool:
        return self._known.get(word, lambda: word in self._words or self._index.knows(word))

    def _resolve(self, run: str) -> list[Term]:
        """Characters that no goods word explains: another name of the same thing (the
        dictionary's), kept, or corrected as a typo."""
        if len(run) > 1:
            same = self.same_things(run)
            if same:
                return [Term(word, "dictionary") for word in same]
            stem = run[:-1]
            if (
                len(stem) == 1
                and run[-1] in _NOUN_SUFFIXES
                and self._index.headed(stem)
                and self._dictionary.kin(stem, run)
            ):
                # 梳子 is a 梳 (both "comb"): names ending with it (木梳); 包子 is no 包.
                return [Term(stem, "dictionary")]
        if len(run) > 1 and next(self._index.describing(run), None) is None:
            fixes = self._typo_fixes(run)
            if any(map(self._index.knows, fixes)):
                return [Term(fix, "fuzzy") for fix in fixes]
            if len(run) <= _LONGEST_COMPOSED:
                # A word the dictionary lacks, read from its characters' meanings: 锅刷 "pot
                # brush" is 炊帚 "pot-scrubbing brush".
                composed = [
                    form
                    for word in self._dictionary.composed(run)
                    if len(word) > 1
                    for form in self.listed_form(word)
                ]
                if composed:
                    return [Term(word, "dictionary") for word in composed[:_MAX_TERMS]]
            if fixes:  # goods nobody here sells, asked for with a typo: the wish as meant
                return [Term(fix, "fuzzy") for fix in fixes]
        cut = self._cut_short(run)
        return [Term(key, "fuzzy") for key in cut] if cut else [Term(run, "direct")]

    def _cut_short(self, run: str) -> list[str]:
        """Names that ``run``, three characters or more and no name or name's head, is with one
        character left off — the last from four characters on (九蒸九晒黄 for 九蒸九晒黄精),
        one inside (空心面 for 空心挂面) — or with one typed twice (荞面碗托托 for 荞面碗托,
        窝窝头 for the head 窝头 of 玉米面窝头)."""
        if len(run) < _DROPPED or self._catalogue_word(run):
            return []
        doubled = {run[:at] + run[at + 1 :] for at in range(1, len(run)) if run[at] == run[at - 1]}
        # or a name's head (窝窝头 for 窝头 of 玉米面窝头)
        found = [
            word
            for word in doubled
            if self._index.exact(word) is not None or self._index.headed(word)
        ]
        # the second character may be the one left off where four or more are typed (千底布鞋
        # for 千层底布鞋): then the name holds the last two
        first = 1 if len(run) >= _CUT_SHORT else 2
        candidates = chain(
            islice(self._index.containing(run[:2]), _SHAPE_SCAN),
            islice(self._index.containing(run[-2:]), _SHAPE_SCAN) if first == 1 else (),
        )
        for group in candidates:
            key = group.key
            if len(key) != len(run) + 1 or not key.startswith(run[:first]):
                continue
            last_left_off = key.startswith(run) and len(run) >= _CUT_SHORT
            inner_left_off = key[-1] == run[-1] and any(
                key[:at] + key[at + 1 :] == run for at in range(first, len(key) - 1)
            )
            if last_left_off or inner_left_off:
                found.append(key)
        return list(dict.fromkeys(found))[:_MAX_TERMS]

    def same_things(self, run: str) -> list[str]:
        """Goods words of the catalogue that the dictionary calls the same thing as ``run``
        (``番茄`` → 西红柿, ``烧酒`` → 白酒, ``山查`` → 山楂); a doubled word stands for its
        character (``馍馍`` → 馍); where none is listed, what it is made from before its head
        (``烧酒`` → 高粱酒). Single characters are too vague to count otherwise."""
        same = [word for word in self._dictionary.same_things(run) if len(word) > 1]
        found = [form for word in same for form in self.listed_form(word)]
        if not found:
            # the same thing named by what it is made from and its head: 烧酒 is 白酒,
            # "distilled from sorghum", so 高粱 + 酒
            found = [
                form
                for word in (run, *same)
                for material in self._dictionary.materials(word)
                for form in self.listed_form(material + word[-1])
            ]
        return list(dict.fromkeys(found))[:_MAX_TERMS]

    def listed_form(self, word: str) -> list[str]:
        """``word`` as this catalogue lists it: itself where a product name or head is it, the
        character of a doubled word where names end with it (``馍馍`` → 馍), else nothing."""
        if self._catalogue_word(word) and self._index.knows(word):
            return [word]
        if len(word) == 2 and word[0] == word[1] and self._index.headed(word[0]):
            return [word[0]]
        return []

    def _catalogue_word(self, word: str) -> bool:
        """Whether ``word`` is a goods word of the tables, a product's name or a name's head."""
        return (
            word in self._words
            or self._index.exact(word) is not None
            or bool(self._index.headed(word))
        )

    def _named_here(self, word: str) -> bool:
        """Whether a product name here holds ``word`` or another word of its synonyms line."""
        return any(map(self._index.knows, (word, *self._tables.synonyms.get(word, ()))))

    def _typo_fixes(self, run: str) -> list[str]:
        """Known words that differ from ``run`` in one homophone or look-alike character; none
        when ``run`` is a word of its own (``麻将`` is no typo of ``麻酱``)."""
        votes: Counter[str] = Counter()
        if self._dictionary.is_word(run) and not self._dictionary.names_a_region(run):
            return []  # a county's name is no wish at a market: a typo (平果 for 苹果)
        tokens = self._reader.read(run)
        if NO_READING not in tokens:
            for word in self._words_by_syllables.get(" ".join(tokens), []):
                if _one_apart(word, run):
                    votes[word] += _SYLLABLE_SCAN
            for group, position in islice(self._index.by_syllables(tokens), _SYLLABLE_SCAN):
                word = group.key[position : position + len(run)]
                if _one_apart(word, run):
                    votes[word] += 1
        for position, char in enumerate(run):
            for other in self._tables.lookalikes.get(char, ""):
                word = run[:position] + other + run[position + 1 :]
                if self._knows(word):
                    votes[word] += _SYLLABLE_SCAN if word in self._words else 1
        if len(run) >= _SHAPE_FIX_LENGTH:
            for position, word in self._one_apart_known(run):
                if self._alike(run[position], word[position]) and not (
                    position == len(run) - 1 and self._names_after_goods(run, word[-1])
                ):
                    votes[word] += _SYLLABLE_SCAN if word in self._words else 1
        elif not any(map(self._named_here, votes)):
            # Two characters that are no word: one written or said alike, giving a catalogue
            # word (党生 → 党参, 枸己 → 枸杞); one written alike in a name here comes before
            # a word said alike that no name holds under any of its names (黄芷: 黄芪 of 黄芪片,
            # not 黄纸 "joss paper" where no 黄表纸 is listed).
            shaped: Counter[str] = Counter()
            for position, word in self._one_apart_known(run):
                if self._catalogue_word(word) and self._alike(run[position], word[position]):
                    shaped[word] += 1
            listed = Counter({word: n for word, n in shaped.items() if self._named_here(word)})
            votes = listed or votes or shaped
        for word in list(votes):
            if (
                word not in self._tables.lexicon
                and self._tables.category(word) is not None
                and not self._index.headed(word)
            ):
                # a typo of a goods word, not of a kind (醋精 is no 醋类); a kind word that
                # heads product names here is goods too (腊内 → 腊肉 of 农家腊肉)
                del votes[word]
        best = votes.most_common(2)
        return [word for word, count in best if count == best[0][1]]

    def _names_after_goods(self, run: str, written: str) -> bool:
        """Whether ``run`` is a goods word of the tables and one character naming a thing of its
        own, another than the character ``written`` alike (山楂 + 酒 "wine", 玉米 + 汁 "juice"):
        a word named after the goods, no typo of another name's last character (山楂汁 "juice",
        玉米渣 "dregs"; 猴头蘑 is 猴头菇, both "mushroom")."""
        senses = self._dictionary.senses(run[-1])
        return (
            run[:-1] in self._words
            and bool(senses)
            and not _NOT_A_THING.match(senses[0])
            and not self._dictionary.kin(run[-1], written)
        )

    def _one_apart_known(self, run: str) -> list[tuple[int, str]]:
        """Known words (goods words, parts of names) that differ from ``run`` in one character,
        with the position of that character."""
        found: dict[str, int] = {}
        for position in range(len(run)):
            before, after = run[:position], run[position + 1 :]
            pattern = re.compile(
                f"{re.escape(before)}[^{re.escape(run[position])}]{re.escape(after)}"
            )
            fixed = max(before, after, key=len)
            for group in islice(self._index.containing(fixed), _SHAPE_SCAN):
                for match in pattern.finditer(group.key):
                    found.setdefault(match.group(), position)
            for word in self._words_by_length.get(len(run), ()):
                if pattern.fullmatch(word):
                    found.setdefault(word, position)
        return [(position, word) for word, position in sorted(found.items())]

    def _alike(self, typed: str, known: str) -> bool:
        """Whether ``known`` may be what was meant by ``typed``: written alike or said alike
        (the same syllable under the fuzzy pairs of input methods)."""
        if look_alike(typed, known) or part_of(typed, known):
            return True
        first, second = self._reader.read(typed)[0], self._reader.read(known)[0]
        return NO_READING not in (first, second) and fuzzy_key(first) == fuzzy_key(second)

    # -- English and pinyin -------------------------------------------------------------

    def _fuzzy_pinyin(self, tokens: tuple[str, ...]) -> list[str]:
        """Goods words (and parts of names) that read ``tokens``, two syllables or more, under the
        fuzzy pairs of input methods (``huan qi`` → 黄芪)."""
        if len(tokens) < 2:
            return []
        found = [
            word
            for word in self._words_by_fuzzy.get(" ".join(map(fuzzy_key, tokens)), [])
            if self._index.knows(word) or self._listed(word)
        ]
        if not found:
            for variant in fuzzy_variants(tokens):
                for group, position in islice(self._index.by_syllables(variant), _SYLLABLE_SCAN):
                    found.append(group.key[position : position + len(tokens)])
                if found:
                    break
        if not found and len(tokens) >= _MISTYPED_SYLLABLES:
            found = self._mistyped_pinyin(tokens)
        return list(dict.fromkeys(found))

    def _mistyped_pinyin(self, tokens: tuple[str, ...]) -> list[str]:
        """Parts of names that read ``tokens`` under the fuzzy pairs but for one syllable typed
        one letter off (``pinyao niulou`` → 平遥牛肉, lou for rou); the other syllables, two in a
        row at least, find the name."""
        found: list[str] = []
        size = len(tokens)
        for start in range(size - 1):
            pair = tokens[start : start + 2]
            for variant in [pair, *fuzzy_variants(pair)]:
                for group, position in islice(self._index.by_syllables(variant), _SYLLABLE_SCAN):
                    first = position - start
                    spoken = group.syllables.split()[first : first + size]
                    if first >= 0 and len(spoken) == size and _one_syllable_off(tokens, spoken):
                        found.append(group.key[first : first + size])
            if found:
                break
        return found

    def _read_latin(self, text: str) -> Reading:
        words = [word for word in latin_words(text) if word.isalpha()]
        kinds: set[str] = set()
        terms: list[Term] = []
        runs: list[list[str]] = [[]]
        position = 0
        modifier: list[Term] = []
        mark = 0  # where the terms of the phrase before begin
        state: State = ""
        while position < len(words):
            if terms and words[position] in _PURPOSE:
                break  # "snacks for the kids", "honey for my mother": what the goods are for
            length, found, kind = self._english_at(words, position)
            if modifier and not found and not kind and self._english_noun(words[position], True):
                # The goods only modify the noun after them ("apple watch"): another thing.
                terms = [term for term in terms if term not in modifier]
            compound = self._english_compound(modifier, found)
            if compound is not None:
                # Goods of another kind before goods, no word between ("buckwheat pillow",
                # "mutton dumplings"): one thing, as 荞麦枕头 typed together is.
                terms[mark:] = [compound]
                modifier = []
                position += length
                continue
            asked = state
            mark = len(terms)
            modifier = [Term(word, "english", asked) for word in found]
            # "fresh corn", "dried mushrooms": the state the goods after it are asked in
            state = _ENGLISH_STATES.get(words[position], "") if kind == "modifier" else ""
            terms.extend(modifier)
            if length > 1 and any(map(self._listed, found)):
                # Goods of the phrase's head noun after it ("willow basket": 柳编, then baskets).
                _, heads, _ = self._english_at(words, position + length - 1)
                terms.extend(Term(word, "kind", asked) for word in heads if word not in found)
            if length == 1 and any(map(self._listed, found)):
                # Kinds of it the table names ("broomcorn millet" 黄米 for "millet"), shown after
                # it; like a category word they give way to words no table explains.
                terms.extend(
                    Term(word, "kind", asked)
                    for word in self._english_kinds.get(singular(words[position]), ())
                    if word not in found and self._listed(word)
                )
            if kind and kind != _ANOTHER_THING:
                kinds.add(kind)
            if kind == _ANOTHER_THING:
                runs[-1].extend(words[position : position + length])
            elif not found and not kind:
                runs[-1].append(words[position])
            elif runs[-1]:
                runs.append([])
            position += length
        runs = [run for run in runs if run]
        if runs and not terms:
            whole = self._pinyin_terms("".join(words)) or self._undoubled("".join(words))
            if whole:
                return self._reading(set(), whole)
        for run in runs:
            # A question typed in pinyin after the goods (tu ji dan duoshao qian).
            letters, kind = self._pinyin_question("".join(run))
            if kind:
                kinds.add(kind)
            found_pinyin = self._pinyin_terms(letters)
            terms.extend(found_pinyin or [Term(" ".join(run), "direct")])
        return self._reading(kinds, terms)

    def _english_compound(self, before: list[Term], found: tuple[str, ...]) -> Term | None:
        """The compound wish of English goods words right after others (see :meth:`_compound`):
        the first goods of each, where those before are goods of a known kind, another than
        theirs, and neither is a word for a kind."""
        if not before or not found:
            return None
        first, head = before[0].text, found[0]
        if (
            self._no_part_of_one_thing(first)
            or self._no_part_of_one_thing(head)
            or not self._kinds_of(first)  # a piece of a name ("salted duck": 咸鸭 of 咸鸭蛋)
            or not self._other_kind(first, head)
        ):
            return None
        return Term(first + head, "english", before[0].state, head, (first,))

    def _undoubled(self, letters: str) -> list[Term]:
        """Goods listed here that ``letters`` read in full syllables with one letter typed twice
        typed once (``hetaoo`` → 核桃, ``xiaommi`` → 小米)."""
        for at in range(1, len(letters)):
            once = letters[:at] + letters[at + 1 :]
            if letters[at] != letters[at - 1] or not any(
                len(tokens) >= 2 for tokens in parse_syllables(once)[:1]
            ):
                continue
            found = [t for t in self._pinyin_terms(once) if self._index.knows(t.text)]
            if found:
                return found
        return []

    def _pinyin_question(self, letters: str) -> tuple[str, str]:
        """``letters`` without a price, place or time question of ``intents.tsv`` typed in
        pinyin at their end (``tujidanduoshaoqian`` → ``tujidan``, price), and its kind."""
        for spoken, kind in self._spoken_questions:
            if len(letters) > len(spoken) and letters.endswith(spoken):
                return letters[: -len(spoken)], kind
        return letters, ""

    def _listed(self, word: str) -> bool:
        """Whether the catalogue lists goods for a word of the tables: the word or one of its
        synonyms in a name, or a category word."""
        return self._tables.category(word) is not None or any(
            map(self._index.knows, self._tables.synonyms.get(word, (word,)))
        )

    def _english_noun(self, word: str, among_english: bool = False) -> bool:
        """Whether ``word`` is an English word of the dictionary (no pinyin syllable, unless it
        stands ``among_english`` words: "pie" of "apple pie")."""
        word = singular(word)
        return (
            len(word) >= _SHORTEST_ENGLISH
            and (among_english or word not in syllables())
            and self._dictionary.knows_english(word)
        )

    def _english_at(self, words: list[str], start: int) -> tuple[int, tuple[str, ...], str]:
        top = min(len(words), start + _LONGEST_ENGLISH)
        for end in range(top, start, -1):
            if end == start + 1 and start + 2 <= len(words):
                # two nouns that together spell goods before one of them alone ("millet wine":
                # 小米酒 before 小米)
                composed = self._composed_english(words[start : start + 2])
                if composed:
                    return 2, composed, ""
            key = tuple(singular(word) for word in words[start:end])
            found = self._english.get(key)
            if found:
                if not any(map(self._listed, found)):
                    # Goods this catalogue does not list: what else the dictionary says
                    # ("basket": 竹篮 where no 荆条筐 is listed), or the bound character that
                    # stands for the word in names ("oats": 莜 of 莜麦 in 莜面).
                    said = self._dictionary_words(" ".join(key))
                    if not any(map(self._listed, said)):
                        said = self._bound_forms(found) or said
                    found = said or found
                return end - start, found, ""
            kind = self._en_phrases.get(key)
            if kind:
                return end - start, (), kind
        for end in range(min(top, start + 2), start, -1):
            phrase = " ".join(singular(w) for w in words[start:end])
            found = self._dictionary_words(phrase) or self._composed_english(words[start:end])
            if found:
                return end - start, found, ""
            if end - start > 1 and self._names_another_thing(phrase):
                return end - start, (), _ANOTHER_THING
        return 1, (), ""

    def _composed_english(self, words: list[str]) -> tuple[str, ...]:
        """Goods of two English words no gloss names together, spelled by the Chinese words
        glossed as each ("clay whistle": 泥 "clay" and 哨 "whistle" → 泥哨; "cloth tiger": 布
        老虎), kept where the tables or a name here know them."""
        if len(words) != 2 or not all(map(self._english_noun, words)):
            return ()
        first, second = (
            [w for w in self._dictionary.headwords(singular(word)) if len(w) <= 2]
            for word in words
        )
        found = [
            one + other
            for one in first
            if self._names(one, singular(words[0]))
            for other in second
            if self._names(other, singular(words[1])) and self._knows(one + other)
        ]
        return tuple(dict.fromkeys(found))[:_MAX_TERMS]

    def _names(self, word: str, english: str) -> bool:
        """Whether a sense of ``word`` is the English noun ``english`` (哨 "a whistle")."""
        return self._dictionary.glossed_as(word, english) or self._dictionary.glossed_as(
            word, f"a {english}"
        )

    def _bound_forms(self, words: tuple[str, ...]) -> tuple[str, ...]:
        """The first characters of ``words`` that the dictionary only knows as standing for
        that word ("see 莜麦") and that begin names here (莜 of 莜面 for 莜麦)."""
        found = [
            word[0]
            for word in words
            if len(word) > 1
            and any(word in sense for sense in self._dictionary.senses(word[0])[:1])
            and any(group.key.startswith(word[0]) for group in self._index.containing(word[0]))
        ]
        return tuple(dict.fromkeys(found))

    def _names_another_thing(self, phrase: str) -> bool:
        """Whether the English ``phrase`` of two words is first of all a thing no product is
        called ("milk tea" 奶茶, "apple pie" 苹果派, "hot dog" 热狗)."""
        named = self._dictionary.named(phrase)
        return bool(named) and not any(self._knows(word) for word in named)

    def _dictionary_words(self, phrase: str) -> tuple[str, ...]:
        """Goods words of the catalogue that the dictionary glosses with the English
        ``phrase`` (``walnut`` → 核桃, ``wicker`` → 柳条, 簸箕 …)."""
        if len(phrase) < _SHORTEST_ENGLISH or all(w in syllables() for w in phrase.split()):
            return ()
        found = [
            word
            for word in self._dictionary.headwords(phrase)
            if word in self._words
            or (len(word) > 1 and self._knows(word))
            or (  # a character named so first of all, heading names: "basket" 篮 (竹篮)
                self._index.headed(word) and self._dictionary.glossed_as(word, phrase, True)
            )
        ]
        if found:
            # What the phrase names first of all, when that is no goods: "basketball" is 篮球
            # (篮 only a part of it), "milk tea" 奶茶, "cake" 蛋糕.
            others = [w for w in self._dictionary.named(phrase) if not self._knows(w)]
            found = [
                word
                for word in found
                if not any(
                    word in other and not self._dictionary.glossed_as(word, phrase, first=True)
                    for other in others
                )
            ]
            # Goods glossed exactly so, else as a kind of it ("milk": 牛奶, else 豆浆 "soy
            # milk", never 黄耆 "milk vetch").
            # Else goods made of it ("lamb": 羊排 "lamb chop").
            found = (
                [w for w in found if self._dictionary.glossed_as(w, phrase)]
                or [w for w in found if self._dictionary.glossed_as(w, phrase, head=True)]
                or [w for w in found if self._dictionary.made_of(w, phrase)]
            )
        return tuple(found[:_MAX_TERMS])

    def _pinyin_terms(self, letters: str) -> list[Term]:
        """Goods words that read ``letters`` (full pinyin, or initials of a whole word)."""
        if not letters:
            return []
        unlisted: list[str] = []
        for tokens in parse_syllables(letters):
            found = list(self._words_by_syllables.get(" ".join(tokens), []))
            if len(tokens) > 1:
                counts = Counter(
                    group.key[position : position + len(tokens)]
                    for group, position in islice(self._index.by_syllables(tokens), _SYLLABLE_SCAN)
                )
                found.extend(word for word, _ in counts.most_common(_MAX_TERMS))
            listed = [word for word in found if self._index.knows(word) or self._listed(word)]
            if listed:
                return [Term(word, "pinyin") for word in dict.fromkeys(listed)][:_MAX_TERMS]
            unlisted.extend(found)
        for tokens in parse_syllables(letters)[:2]:
            fuzzy = [
                w for w in self._fuzzy_pinyin(tokens) if self._index.knows(w) or self._listed(w)
            ]
            if fuzzy:
                return [Term(word, "pinyin") for word in fuzzy][:_MAX_TERMS]
        if unlisted:
            return [Term(word, "pinyin") for word in dict.fromkeys(unlisted)][:_MAX_TERMS]
        if 2 <= len(letters) <= 6:
            # Initials are too weak to name goods nobody here sells (zzz is no wish for 猪肘子).
            found = [
                word
                for word in self._words_by_initials.get(letters, [])
                if self._index.knows(word) or self._listed(word)
            ]
            found.extend(group.key for group in self._index.by_initials(letters))
            return [Term(word, "pinyin") for word in dict.fromkeys(found)][:_MAX_TERMS]
        return []


def _right_after(pieces: list[_Piece]) -> str:
    """The characters right after the goods (unexplained ones, goods words of a clause after
    them, particles), up to the first other piece: a filler or question there starts a clause
    of its own (``柿饼给同事``)."""
    text = ""
    for piece in pieces:
        if (
            piece.kind == "unknown"
            or (piece.kind == "term" and text)
            or all(char in _PARTICLES for char in piece.text)
        ):
            text += piece.text
        elif piece.kind != "modifier":
            break
    return text


def _unknown_runs(pieces: list[_Piece]) -> list[str]:
    runs: list[str] = []
    current = ""
    for piece in pieces:
        if piece.kind == "unknown":
            current += piece.text
        elif current:
            runs.append(current)
            current = ""
    if current:
        runs.append(current)
    return runs


def _one_apart(word: str, typed: str) -> bool:
    return len(word) == len(typed) and sum(a != b for a, b in zip(word, typed, strict=True)) == 1


def _one_syllable_off(typed: tuple[str, ...], spoken: list[str]) -> bool:
    """Whether ``typed`` reads ``spoken`` under the fuzzy pairs, but for one syllable one letter
    off (added, dropped or changed)."""
    off = 0
    for one, other in zip(typed, spoken, strict=True):
        if fuzzy_key(one) != fuzzy_key(other):
            if not _one_letter_off(one, other):
                return False
            off += 1
    return off == 1


def _one_letter_off(one: str, other: str) -> bool:
    if len(one) == len(other):
        return sum(a != b for a, b in zip(one, other, strict=True)) == 1
    short, long = sorted((one, other), key=len)
    return len(long) - len(short) == 1 and any(
        long[:i] + long[i + 1 :] == short for i in range(len(long))
    )


def _unique(terms: list[Term]) -> tuple[Term, ...]:
    return tuple(dict.fromkeys(terms))


def _intent(kinds: set[str], terms: list[Term]) -> tuple[Intent, bool]:
    """The question asked, and whether it asks where. A day named beside goods ("今天有土鸡蛋吗")
    asks for goods: ``find``, unless it is a quality, 好 and a verb ("有啥好吃的": ``browse``);
    a day alone asks ``time``. A place question about goods asks for the goods (``find``, the
    chat shows each stall and the market's place), without goods it is ``place``; ``where``
    marks it either way. Words for a kind of goods only are ``browse`` (see ``_reading``)."""
    where = "place" in kinds
    for intent in ("price", "place", "time"):
        if intent in kinds:
            # "哪家卖荆条筐", "where can I buy vinegar": the goods, each stall shown (where).
            return ("find" if intent == "place" and terms else intent), where
    if terms and not ("browse" in kinds and all(_quality(term.text) for term in terms)):
        return "find", where
    if "browse" in kinds:
        return "browse", where
    return ("time" if "day" in kinds else "find"), where


def _quality(word: str) -> bool:
    """Whether ``word`` is 好 and a verb: good to eat, drink, play with (好吃, 好喝, 好玩)."""
    return len(word) > 1 and word[0] == "好"
