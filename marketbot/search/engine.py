"""The search: :class:`SearchIndex` reads a query and ranks product groups for it.

Ranking, best first: exact name (or a synonym's exact name); name containing the word (the word
as the name's head — ``红枣`` in ``稷山红枣`` — before the word as a modifier — ``枣`` in
``枣花蜜``); goods listed for a category word; other goods of that category; description. Within
one of these, groups with a listing in stock come first, then groups with a stall coming to the
next market day, then more stalls, then shorter names.

Guards against false hits: a word is matched whole (never one shared character of a longer
query); a word that is no known goods word must not straddle two known words (``香烟`` is not
found in ``五香烟熏豆干``); descriptions are only searched for words of two or more characters,
and not where the word is only mentioned (``泡酒``, ``配牛奶``), describes a look (``咖啡色``) or
is what the goods are made with (``白酒泡的``).
"""

from __future__ import annotations

import functools
import heapq
import re
from collections.abc import Iterable
from contextlib import AbstractContextManager
from itertools import chain, islice, zip_longest
from operator import attrgetter

from marketbot.search.dictionary import dictionary
from marketbot.search.index import CatalogIndex, Group
from marketbot.search.intents import detect_intent
from marketbot.search.kept import Kept
from marketbot.search.model import (
    CATEGORIES,
    CatalogItem,
    Intent,
    Match,
    ProductGroup,
    SearchAnswer,
)
from marketbot.search.normalize import has_han, latin_words, normalize_text, singular
from marketbot.search.pinyin import PinyinReader, parse_syllables, syllables
from marketbot.search.query import QueryReader, Reading, Term
from marketbot.search.tables import CategoryWord, SearchTables, load_tables

__all__ = ["SearchIndex"]

#: A word right after these is only mentioned (泡酒, 配茶, 加牛奶, 不含糖 …).
_MENTIONED_AFTER = frozenset(
    "泡配炖煮做蒸拌炒加放熬用焖腌浇蘸涮卤炸烤煎烙包夹卷冲兑就搭和跟与同无不没非免似像比代含"
)
#: A word right before these describes a look or taste (咖啡色, 奶油味 …) or is the material
#: or means the goods are made with (白酒泡的, 黄豆晒的, 高粱穗扎的 …).
_DESCRIBES_BEFORE = frozenset(
    "色味状形样般泡腌酿做熬蒸炒炸磨榨晒编扎煮烤烘压搓剪缝绣挖切捣泼炖拌点包"
)
_VIA_MATCH: dict[str, Match] = {
    "english": "english",
    "kind": "english",
    "pinyin": "pinyin",
    "fuzzy": "fuzzy",
    "dictionary": "synonym",
}
_CACHED_TOP = 50
#: ``Group.rank >> _STOCK_SHIFT`` is 0 for a group with a listing in stock.
_STOCK_SHIFT = 26
#: Goods kept for a category word's answer (more than any answer shows).
_CATEGORY_TOP = 20
#: Readings, and rankings of goods words, kept until the catalogue's shape changes (a market's
#: visitors ask the same few things): this many of each.
_KEPT = 1024
#: Category answers kept (every line of the taxonomy, computed by :meth:`SearchIndex.prepare`).
_CATEGORIES_KEPT = 512
#: Names judged by :meth:`SearchIndex._inside_other_goods`, kept.
_INSIDE_KEPT = 1 << 16
#: Groups looked at per source of a category answer (the best of the first found, in a very
#: large catalogue).
_CATEGORY_SCAN = 500
#: The market itself, as visitors call it (梁村集, 东关集).
_MARKET = "集"
#: Matches that rank after every name match, even a sold-out one.
_WEAK = frozenset({"related", "description"})
#: Description matches ranked at most (the first found; a search for a common use word such as
#: 泡水 must not rank thousands).
_DESCRIPTION_SCAN = 200
#: The longest goods word looked for around another name of the goods asked inside a name.
_LONGEST_GOODS = 6
_LATIN_TAIL = "0123456789abcdefghijklmnopqrstuvwxyz"
#: A question how to do something ("怎么联系摊主"): help when it names no goods.
_HOW = ("怎么", "怎样", "如何", "咋")
_NOT_WORD = re.compile(r"[^\w]+")
#: English words ending a request for a way to reach someone (phone number, contact info).
_CONTACT_EN = re.compile(r"\b(?:(?:tele)?phone number|telephone|contact(?: details| info\w*)?)$")
#: Asking the way somewhere (怎么去, 去…怎么走, 坐车到, 公交, how do I get to): what follows is
#: a place, not goods.
_THE_WAY = re.compile(
    r"怎么(?:去|走|过去|到)|怎样(?:去|走|到)|(?:坐|乘)车|打车|公交|几路|班车"
    r"|\bget (?:to|there)\b|\bhow to get\b|\bway to\b"
)
#: The sign of categories.tsv that marks goods named after their place (特产).
_PLACE_SIGN = "place"
#: A county, city or mountain before goods in a name is this long at most (五台山).
_LONGEST_PLACE = 3
#: Prepositions of place before a place's name (从太原, 在北京).
_OF_PLACE = frozenset("从在到去往")
#: Goods asked in one state are none said to be in the other.
_OTHER_STATE = {"fresh": "dried", "dried": "fresh"}

#: A group found, how, and through which word.
_Found = tuple[Group, Match, str]
_RANK = attrgetter("rank", "gid")


class SearchIndex:
    """An in-memory search over the catalogue, kept current with :meth:`add` and
    :meth:`remove` (or rebuilt with :meth:`build`)."""

    def __init__(self, tables: SearchTables) -> None:
        self._tables = tables
        self._services = tuple(
            _english_forms(p) if p.isascii() else p
            for p, kind in tables.phrases.items()
            if kind == "service"
        )
        modifiers = {p for p, kind in tables.phrases.items() if kind == "modifier"}
        units = {p for p, kind in tables.phrases.items() if kind == "unit"}
        self._guard_words = tables.lexicon | {p for p in modifiers if not p.isascii()}
        self._longest_guard = max(map(len, self._guard_words), default=1)
        self._tail_words = frozenset(p for p in modifiers if not p.isascii())
        #: Goods words of the taxonomy (categories.tsv): names headed by one are goods of a kind.
        self._taxonomy = frozenset(t for entry in tables.categories.values() for t in entry.terms)
        self._longest_tail = max(map(len, self._tail_words), default=1)
        alternatives = "|".join(map(re.escape, sorted(units, key=len, reverse=True)))
        self._packing = re.compile(f"[0-9.]+(?:{alternatives})?$")
        reader = PinyinReader(tables.pinyin)
        self._index = CatalogIndex(reader, self._head_end)
        self._reader = QueryReader(tables, self._index, reader)

        # What the search computes from the catalogue, kept until its shape changes.
        def version() -> int:
            return self._index.version

        self._popular_kept: Kept[None, list[Group]] = Kept(version, 1)
        self._categories: Kept[tuple[str, ...], list[Group]] = Kept(version, _CATEGORIES_KEPT)
        self._readings: Kept[str, Reading] = Kept(version, _KEPT)
        self._ranked: Kept[tuple[Term, int], list[_Found]] = Kept(version, _KEPT)
        # Whether a word sits inside other goods in a name: tables and names only, so kept
        # whatever the catalogue does (a county's answers are computed again after each new
        # listing; these stay).
        self._inside: Kept[tuple[str, tuple[str, ...], str], bool] = Kept(lambda: 0, _INSIDE_KEPT)

    @classmethod
    def build(
        cls, items: Iterable[CatalogItem], tables: SearchTables | None = None
    ) -> SearchIndex:
        """An index of ``items`` (the built-in tables unless ``tables`` is given)."""
        index = cls(tables if tables is not None else load_tables())
        for item in items:
            index.add(item)
        index.prepare()
        return index

    def prepare(self) -> None:
        """Compute now what the first searches after a change would: the joined descriptions
        and each category word's answer."""
        self._index.prepare()
        for word, category in self._tables.categories.items():
            self._category_answer(word, category)

    def __len__(self) -> int:
        """How many listings are indexed."""
        return len(self._index)

    @property
    def lines(self) -> int:
        """How many product lines (names listed by one stall or more) there are."""
        return sum(1 for _ in self._index.live())

    def add(self, item: CatalogItem) -> None:
        """List ``item``; a listing with the same ``product_id`` is replaced (so this also
        updates one)."""
        self._index.add(item)

    def remove(self, product_id: int) -> bool:
        """Withdraw the listing ``product_id``; ``False`` if it was not listed."""
        return self._index.remove(product_id) is not None

    def changes(self) -> AbstractContextManager[None]:
        """Changes made inside count as one: answers computed before stay kept when the
        listings end as they began but for prices (a listing replaced by withdrawing it and
        listing it again)."""
        return self._index.changes()

    def search(self, query: str, limit: int = 10) -> SearchAnswer:
        """Understand ``query`` and answer it with at most ``limit`` product groups, those with a
        listing in stock first."""
        detected = detect_intent(query, self._tables)
        if detected is not None:
            rest = normalize_text(detected.rest)
            terms = self._reader.read(rest).terms if rest else ()
            words = tuple(t.text for t in terms) or ((rest,) if rest else ())
            return SearchAnswer(query, detected.intent, None, (), words)
        normalized = normalize_text(query)
        reading = self._readings.get(normalized, lambda: self._reader.read(normalized))
        terms = reading.terms
        if not terms and self._asks_service(normalized):
            return SearchAnswer(query, "service", None, ())
        if not terms:
            if reading.intent == "price":
                # "多少钱", "能帮我查价格吗": a price asked of no goods; how to ask is help.
                return SearchAnswer(query, "help", None, ())
            if reading.intent == "find" and reading.modifiers:
                # "野生的", "手工做的": goods so named or described, no product wish.
                modified = self._modified(reading.modifiers, limit)
                return SearchAnswer(query, "find" if modified else "chitchat", None, modified)
            if reading.intent == "find":
                return SearchAnswer(query, "chitchat", None, ())
            groups = self._popular(limit) if reading.intent == "browse" else ()
            return SearchAnswer(query, reading.intent, None, groups, ())
        merged: dict[int, ProductGroup] = {}
        # The words asked for in turn, then kinds of them ("millet": 小米, then 黄米) where the
        # words asked found goods ("Chinese yam" is no 红薯 "sweet potato; yam").
        asked = [term for term in terms if term.via != "kind"] or list(terms)
        ranked = [self._ranked_kept(term, limit) for term in asked]
        kinds = [term for term in terms if term not in asked] if any(ranked) else []
        rows = chain(
            zip_longest(*ranked), zip_longest(*(self._ranked_kept(term, limit) for term in kinds))
        )
        for row in rows:
            for found in row:
                if found is not None and found[0].gid not in merged:
                    merged[found[0].gid] = _product_group(*found)
        chosen = list(merged.values())[:limit]
        groups = tuple(sorted(chosen, key=_order))
        if not groups and _gibberish(query, reading):
            return SearchAnswer(query, "chitchat", None, ())
        intent = reading.intent
        words = tuple(t.text for t in terms)
        unexplained = not groups and all(t.via == "direct" for t in terms)
        travel = unexplained and any(dictionary().is_travel(word) for word in words)
        going = _THE_WAY.search(normalized) is not None
        placed = reading.where and all(map(_place_word, terms))
        if (not groups and (travel or going or placed)) or (
            groups
            and (reading.where or going)
            and all(self._names_a_place(t, going) for t in terms)
        ):
            # "集在哪里", "从古城过去远不远", "能停车吗", "附近有停车的地方吗": where the market
            # is and how to get there, no goods asked for.
            return SearchAnswer(query, "place", None, (), words, None, True)
        if not groups and self._asks_service(normalized):
            # "附近有停车的地方吗", "可以微信支付吗": a service of the market, no goods.
            return SearchAnswer(query, "service", None, (), words)
        if unexplained and self._who_is_asking(words):
            # "我们研学团几点到", "我们是摄影协会的", "夏令营的孩子几点集合", "我们从太原来的",
            # "北京来的游客": who is asking, from where and what they do; no goods (a place
            # alone may be goods named so: 龙井).
            said: Intent = "chitchat" if intent == "find" else intent
            return SearchAnswer(query, said, None, (), words, None, reading.where)
        if unexplained and intent == "find" and any(how in normalize_text(query) for how in _HOW):
            # "怎么联系摊主", "这个怎么用": how to do something here, no goods.
            return SearchAnswer(query, "help", None, (), words)
        if unexplained and any(map(_names_contact, words)):
            # "能帮我查摊主电话吗", "卖红枣的电话", "vendor phone number": how to reach a
            # vendor, no goods.
            return SearchAnswer(query, "help", None, (), words)
        wanted = "、".join(
            dict.fromkeys(self._tables.canonical.get(t.text, t.text) for t in asked)
        )
        named = any(
            (
                t.text in self._tables.lexicon
                or self._tables.category(t.text) is None
                # a category word that is goods itself (枣, 蜜, 茶 in product names), not a
                # collective one (坚果, 送人的)
                or any(t.text in group.name for group in groups)
            )
            and (groups or intent != "time" or len(t.text) > 1)
            for t in terms
        )
        # a kind of goods browsed (肉, 野菜) is no wish, even where it is a goods word too
        wish = wanted if named and intent != "browse" else None
        return SearchAnswer(
            query,
            intent,
            wish,
            groups,
            tuple(term.text for term in terms),
            wish,
            reading.where,
        )

    def _names_a_place(self, term: Term, going: bool) -> bool:
        """Whether ``term``, asked where, is a place rather than goods: no goods word and no
        name here is or ends with it (碛口 of 碛口大红枣), and it follows a way asked there
        (``going``: 怎么去碛口) or the dictionary calls it a place (古镇)."""
        text = term.text
        return (
            text not in self._tables.lexicon
            and not self._index.headed(text)
            and (going or _place_word(term))
        )

    def _who_is_asking(self, words: tuple[str, ...]) -> bool:
        """Whether ``words``, found nowhere here, say who is asking (people or a group of them,
        or a place after 从/在), from where and what they do: no goods."""
        people = [self._names_people(word) or _from_a_place(word) for word in words]
        return any(people) and all(
            them or dictionary().is_verb(word) or dictionary().names_a_region(word)
            for word, them in zip(words, people, strict=True)
        )

    def _names_people(self, word: str) -> bool:
        """Whether ``word``, found nowhere here, names people or a group of them (研学团, 合作
        社) rather than goods: where the dictionary lacks it, what stands before the ending it
        knows is no goods word (糯米团 is a dumpling of 糯米)."""
        known = dictionary()
        end = next((start for start in range(len(word)) if known.senses(word[start:])), 0)
        return known.names_people(word) and not (end and self._reader.knows(word[:end]))

    def _asks_service(self, normalized: str) -> bool:
        """Whether a message names a service of the market (停车, wechat pay); English words
        in any number (``do you take cards`` holds ``take card``)."""
        spaced = f" {_english_forms(_NOT_WORD.sub(' ', normalized))} "
        return any(
            (f" {phrase} " in spaced) if phrase.isascii() else (phrase in normalized)
            for phrase in self._services
        )

    def _ranked_kept(self, term: Term, limit: int) -> list[_Found]:
        """:meth:`_rank`, kept: rankings hold groups, not listings (their prices are read at
        every answer)."""
        return self._ranked.get((term, limit), lambda: self._rank(term, limit))

    def _modified(self, modifiers: tuple[str, ...], limit: int) -> tuple[ProductGroup, ...]:
        """Goods whose names hold one of ``modifiers``, then goods described with one, best
        first."""
        picked = _Picked(limit, "category")
        for modifier in modifiers:
            picked.take([(self._index.containing(modifier), "category", modifier)])
        for modifier in modifiers:
            described = self._index.describing(modifier)
            mentioned = (group for group in described if self._mentions(group.text, modifier))
            picked.take([(list(islice(mentioned, _DESCRIPTION_SCAN)), "description", modifier)])
        return tuple(sorted((_product_group(*found) for found in picked.rows()), key=_order))

    # -- ranking -------------------------------------------------------------------------

    def _rank(self, term: Term, limit: int) -> list[tuple[Group, Match, str]]:
        """The best ``limit`` groups for ``term``, taken tier by tier (see the module doc)."""
        if term.head:
            return self._compound(term, limit)
        word = term.text
        picked = _Picked(limit, _VIA_MATCH.get(term.via))
        members = self._members(word)
        for member in members:
            group = self._index.exact(member)
            if group is not None:
                picked.take([([group], "exact" if member == word else "synonym", member)])
        category = self._tables.category(word)
        for head in (True, False):
            if not head and not picked.full:
                # Kinds of the thing before names that only mention it (荆条蜜 and 木枣 before
                # 蜂蜜小麻花 and 红枣枸杞茶).
                if category is not None:
                    answer = self._category_answer(word, category)
                    picked.take([(answer, "category", word)], ranked=True)
                elif len(word) > 1 and (
                    picked.rows() or self._tables.canonical.get(word, word) != word
                ):
                    # kinds of the thing under any of its names (蜂糖 is 蜂蜜: 荆条蜜, 枣花蜜)
                    kinds = next(filter(None, map(self._kinds, members)), [])
                    picked.take([(kinds, "category", word)])
            if not picked.full:
                picked.take(
                    [
                        (
                            self._named(member, head)
                            if member == word
                            else self._not_other_goods(member, members, head),
                            "name" if member == word else "synonym",
                            member,
                        )
                        for member in members
                        # names a member of another kind only modifies are neither (草编蒲团,
                        # a "straw weaving" mat, for 草帽 "straw hat")
                        if head or member == word or not dictionary().other_kinds(word, member)
                    ]
                )
        if category is None and len(word) > 1 and picked.rows() and not picked.full:
            for related in self._related(word, picked.rows()):
                if not picked.full:
                    picked.take([(related, "related", word)])
            kind = self._kind_word(word)
            if kind is not None and not picked.full:
                answer = self._category_answer(kind, self._tables.categories[kind])
                picked.take([(answer, "related", word)], ranked=True)
        if not picked.rows() and len(word) > 1 and not dictionary().is_word(word):
            # Goods of one material named as another good (土豆粉条) where none is listed and
            # the dictionary names no thing of its own: the goods its head names (宽粉条).
            picked.take([(self._of_material(word), "related", word)])
        if len(word) > 1 and has_han(word) and not picked.full and term.state != "fresh":
            described = self._index.describing(word)
            mentioned = (group for group in described if self._mentions(group.text, word))
            picked.take([(list(islice(mentioned, _DESCRIPTION_SCAN)), "description", word)])
        if term.state:
            return [row for row in picked.rows() if _in_state(*row, word, term.state)]
        return picked.rows()

    def _compound(self, term: Term, limit: int) -> list[_Found]:
        """The best ``limit`` names headed by the head of a compound wish (or a word of its
        synonyms line) that hold a word of each of its other goods too: 荞麦皮枕头 needs a
        pillow named after buckwheat (荞麦枕头), not any pillow; none answer where none is
        listed."""
        holding = [self._members(word) for word in term.holding]
        found = {
            group.gid: group
            for member in self._members(term.head)
            for group in self._named(member, True)
            if all(any(word in group.key for word in words) for words in holding)
        }
        best = heapq.nsmallest(limit, found.values(), key=_RANK)
        return [(group, "name", term.head) for group in best]

    def _related(self, word: str, found: list[_Found]) -> list[list[Group]]:
        """Goods closely related to ``word`` in the catalogue categories of the goods found for
        it: names beginning like it where that character means what the word means (``羊排``
        for ``羊肉``, both "goat"), then names with its head where the head does (``双黄蛋``
        for ``鸡蛋``, both "egg"; not ``山杏仁`` for ``山楂``). After these come the goods of
        the category word it ends with (:meth:`_kind_word`)."""
        codes = {item.category for group, _, _ in found for item in group.items}
        if not codes:
            return []

        def kin(groups: Iterable[Group]) -> list[Group]:  # at most _CATEGORY_SCAN looked at
            return [g for g in groups if any(item.category in codes for item in g.items)]

        first, last = word[0], word[-1]
        meaning = dictionary().kin
        related = [self._index.headed(material) for material in self._materials(word)]
        # its head under every name of it (碗秃子 for 荞面碗托: 碗托 is 碗秃子)
        head = next(
            (word[s:] for s in range(1, len(word) - 1) if word[s:] in self._tables.synonyms), ""
        )
        related += [
            [group for member in self._members(head)[1:] for group in self._index.headed(member)]
        ]
        if meaning(first, word):
            # the first found of a very common character (小 of 小米 in 100,000 listings)
            starting = (g for g in self._index.containing(first) if g.key.startswith(first))
            related.append(kin(islice(starting, _CATEGORY_SCAN)))
        elif len(word) == 2 and dictionary().is_word(word):
            # goods of the thing its first character names, where the word means what the
            # thing gives (猪肉 "pork": 猪蹄 "pig's trotters", 卤猪头肉; 牛肉 "beef": 牛腱子)
            holding = islice(self._index.containing(first), _CATEGORY_SCAN)
            related.append(kin(g for g in holding if _kin_where_held(first, g.key, unheld=False)))
        if meaning(last, word) or (last in self._taxonomy and not dictionary().senses(word)):
            related.append(kin(islice(self._index.headed(last), _CATEGORY_SCAN)))
        if (
            head
            and word[: len(word) - len(head)] in self._tail_words
            and word not in self._tables.lexicon
        ):
            # after a word for a quality (野生 of 野生黄精), names of the head itself: the same
            # goods of another grade (九制黄精); not for goods words of their own (老豆腐)
            related.append(kin(islice(self._index.headed(head), _CATEGORY_SCAN)))
        return related

    def _of_material(self, word: str) -> list[Group]:
        """Names headed by the end of ``word``, a goods word of the tables of two characters or
        more, where what stands before it is goods the tables or the catalogue know, the
        material (土豆 of 土豆粉条: 宽粉条; not 油 of 花生油: 核桃油 is no peanut oil)."""
        for start in range(1, len(word)):
            material, head = word[:start], word[start:]
            if (
                len(material) > 1
                and self._reader.knows(material)
                and len(head) > 1
                and head in self._tables.lexicon
            ):
                groups = self._named(head, True)
                if groups:
                    return groups
        return []

    def _materials(self, word: str) -> list[str]:
        """The things ``word`` is made of or from, as its beginning names them: a dictionary or
        goods word of two characters or more before its head (``荞麦`` of ``荞麦面``, ``连翘``
        of ``连翘茶``, ``黄米`` of ``黄米面``), whose goods are closely related (苦荞麦, 野生
        连翘, 软黄米)."""
        found = []
        for end in range(len(word) - 1, 1, -1):
            material = word[:end]
            if (
                (dictionary().is_word(material) or material in self._tables.lexicon)
                and not dictionary().is_verb(material)
                and (self._index.knows(word[end:]) or dictionary().is_word(word[end:]))
            ):
                found.append(material)
                break
        return found

    def _kinds(self, word: str) -> list[Group]:
        """Names headed by the last character of ``word`` where that character alone names what
        the word names first (``枣`` "jujube" for ``红枣`` "jujube", ``蜜`` "honey" for ``蜂蜜``):
        kinds of it (木枣, 荆条蜜; fresh 鲜脆枣 of 果蔬 as well as dried ones of 干果)."""
        last = word[-1]
        senses = dictionary().senses(word)
        things = [part.strip() for part in senses[0].split(";")] if senses else []
        if not any(thing and dictionary().glossed_as(last, thing) for thing in things):
            return []
        # not names ending with another thing (麻花 "dough twist" for 鲜花)
        return [g for g in self._index.headed(last) if self._headed_kind(g, last)]

    def _kind_word(self, word: str) -> str | None:
        """The longest category word that ends ``word`` and means what it means
        (``山蘑菇`` is a 蘑菇, ``鸡蛋`` a 蛋; ``牛肉`` "beef" is no 肉 "meat")."""
        for start in range(1, len(word)):
            ending = word[start:]
            if ending in self._tables.categories and dictionary().kin(ending, word):
                return ending
        return None

    def _named(self, word: str, head: bool, guard: bool = True) -> list[Group]:
        """Groups whose name holds ``word`` as its head (``head``) or elsewhere; with ``guard``,
        not across two known words."""
        if head:
            groups = self._index.headed(word)
            if len(word) == 1:
                # A character heading a name that means another thing is no kind of it:
                # 山药蛋 "potato" for 蛋 comes with the names that only hold it.
                groups = [g for g in groups if self._headed_kind(g, word)]
        else:
            groups = [g for g in self._index.containing(word) if not g.ends_with(word)]
            if len(word) == 1:
                groups += [g for g in self._index.headed(word) if not self._headed_kind(g, word)]
            if guard:  # a category's listed character (排 of 肉) keeps every name
                groups = self._standing_for(word, groups)
        if guard and len(word) > 1 and word not in self._guard_words:
            groups = [g for g in groups if self._fits(word, g.key, g.key.find(word))]
        return groups

    def _not_other_goods(self, other: str, members: tuple[str, ...], head: bool) -> list[Group]:
        """Names holding ``other``, another name of the goods asked, where it is not part of
        other goods that ``other`` names too (麻油 is a name of 香油 "sesame oil" and of 胡麻油
        "linseed oil": in 古法胡麻油 it is 胡麻油, a thing of its own, not the one asked)."""
        return [
            group
            for group in self._named(other, head)
            if not self._inside_other_goods(other, members, group.key)
        ]

    def _inside_other_goods(self, part: str, members: tuple[str, ...], key: str) -> bool:
        return self._inside.get(
            (part, members, key), lambda: self._inside_other_goods_now(part, members, key)
        )

    def _inside_other_goods_now(self, part: str, members: tuple[str, ...], key: str) -> bool:
        at = key.find(part)
        while at >= 0:
            end = at + len(part)
            for first in range(max(0, end - _LONGEST_GOODS), at + 1):
                for last in range(end, min(len(key), first + _LONGEST_GOODS) + 1):
                    word = key[first:last]
                    if (
                        len(word) > len(part)
                        and word not in members
                        and part in self._tables.synonyms.get(word, ())
                    ):
                        return True
            at = key.find(part, at + 1)
        return False

    def _standing_for(self, part: str, groups: list[Group]) -> list[Group]:
        """The best of ``groups`` (names holding ``part`` elsewhere than as the head of a kind
        of it) where it stands for itself: the longest dictionary word holding it there is of
        kin meaning, or there is none (槐花蜜 and 枣花蜜 for 花 and 枣; not 花椒 "Sichuan
        pepper", 炒花生 "peanut", 麻花 "fried dough twist", 山药蛋 "potato" for 蛋 or 山药)."""
        found: list[Group] = []
        for group in heapq.nsmallest(_CATEGORY_SCAN, groups, key=_RANK):
            if _kin_where_held(part, group.key):
                found.append(group)
                if len(found) >= _CACHED_TOP:
                    break
        return found

    def _members(self, word: str) -> tuple[str, ...]:
        """``word`` and the words of its synonyms line, ``word`` first."""
        members = (word, *(m for m in self._tables.synonyms.get(word, ()) if m != word))
        if len(word) > 1 and not any(map(self._names_headed, members)):
            # A goods word no name here is or ends with (笨鸡 only in 笨鸡蛋): its names as
            # listed here, or the dictionary's names of the same thing (馒头 → 馍馍 → 馍,
            # 笨鸡 → 柴鸡).
            listed = [form for member in members for form in self._reader.listed_form(member)]
            members += tuple(listed or self._swapped(word) or self._reader.same_things(word))
        return tuple(dict.fromkeys(members))

    def _swapped(self, word: str) -> list[str]:
        """``word`` with the longest goods word it begins with replaced by another word of its
        synonyms line, where a name here is or ends with that (红果片: 红果 is 山楂, 山楂片)."""
        for end in range(len(word) - 1, 1, -1):
            first, rest = word[:end], word[end:]
            others = self._tables.synonyms.get(first, ())
            found = [m + rest for m in others if m != first and self._names_headed(m + rest)]
            if found:
                return found
        return []

    def _names_headed(self, word: str) -> bool:
        """Whether a product name is ``word`` or ends (its head word ends) with it."""
        return self._index.exact(word) is not None or bool(self._index.headed(word))

    def _fits(self, word: str, text: str, start: int) -> bool:
        """Whether ``word``, found in ``text`` at ``start``, stands on its own rather than across
        two known words (``香烟`` in ``五香烟熏``, ``面包`` in ``黄米面包的``)."""
        if word in self._guard_words:
            return True
        end = start + len(word)
        longest = self._longest_guard
        # Where a known word begins right after the word, the text splits there too: 沁州黄
        # stands on its own before 小米 in 沁州黄小米, although 黄小米 is a word.
        right_split = any(
            text[end : end + size] in self._guard_words for size in range(2, longest + 1)
        )
        for first in range(max(0, start - longest + 1), end):
            for last in range(first + 2, min(len(text), first + longest) + 1):
                straddles = (
                    first < start < last < end and not self._same_thing(text[start:last], word)
                ) or (
                    start < first < end < last
                    and not right_split
                    and not self._goes_on(text[first:end], text[first:last])
                )
                if straddles and text[first:last] in self._guard_words:
                    return False
        return True

    def _goes_on(self, ending: str, known: str) -> bool:
        """Whether the known word ``known``, beginning with ``ending``, the goods word a word
        asked ends with, names a kind of those goods: the goods go on in it (玉米棒 "corn cob"
        after 玉米 "corn" of 鲜玉米 in 鲜玉米棒; not 烟熏 "to smoke" after 烟 of 香烟)."""
        return ending in self._tables.lexicon and dictionary().kin(ending, known)

    def _same_thing(self, overlap: str, word: str) -> bool:
        """Whether a known word ending with ``overlap``, the beginning of ``word``, ends where
        ``word``'s own thing begins rather than across it: ``overlap`` is a word of two
        characters or more followed in ``word`` by another (老虎 of 布老虎 for 老虎|枕头), or
        what is left of it after a word ``word`` begins with means what the rest of ``word``
        means (枕 "pillow" of 老虎枕 for 枕头 and for 老虎|枕头); not 面 "flour" of 黄米面 for
        面包 "bread"."""
        known = dictionary()
        if len(overlap) > 1 and known.is_word(overlap) and known.is_word(word[len(overlap) :]):
            return True
        splits = [0, *(j for j in range(2, len(overlap)) if known.is_word(word[:j]))]
        return any(known.kin(overlap[j:], word[j:]) for j in splits)

    def _mentions(self, text: str, word: str) -> bool:
        """Whether ``text`` (normalized descriptions) speaks of ``word`` itself, not as a use, a
        look, a material or a part of other words."""
        start = text.find(word)
        while start >= 0:
            before = text[start - 1] if start else ""
            after = text[start + len(word) : start + len(word) + 1]
            if (
                before not in _MENTIONED_AFTER
                and after not in _DESCRIBES_BEFORE
                and self._fits(word, text, start)
                and _kin_where_held(word, text, start)
            ):
                return True
            start = text.find(word, start + 1)
        return False

    def _head_end(self, key: str) -> int:
        """Where the head word of the name ``key`` ends, before packing, grades and sizes."""
        end = len(key)
        while end > 1:
            core = key[:end].rstrip(_LATIN_TAIL)
            packing = self._packing.search(core)
            if packing is not None and packing.start() > 0:
                core = core[: packing.start()]
            for length in range(min(self._longest_tail, len(core) - 1), 0, -1):
                if core[-length:] in self._tail_words:
                    core = core[:-length]
                    break
            if len(core) in (0, end):
                break
            end = len(core)
        return end

    def _category_answer(self, word: str, category: CategoryWord) -> list[Group]:
        """:meth:`_category_goods`, kept: one answer for every word of a line."""
        key = category.words or (word,)
        return self._categories.get(key, lambda: self._category_goods(word, category))

    def _category_goods(self, word: str, category: CategoryWord) -> list[Group]:
        """The goods of a category word, most typical first (a listed character counts among
        goods of other categories only for a kind of it: 连翘茶, not 核桃 for 桃): in stock
        first; then goods whose
        name holds a word of the category's line (礼盒 for 送人的: 陈醋礼盒), then whose
        description does ("有礼盒装"); then goods whose
        name has a listed goods word as its head, one of each listed word in turn (水果 → 苹果,
        酥梨, 葡萄, … before a second apple); then names holding a listed word elsewhere; then
        the best other goods of its catalogue categories. Where the catalogue uses those
        categories, only their goods count (水果 does not bring 核桃 for its listed 桃)."""
        # Only goods of the category word's catalogue categories, where this catalogue uses them.
        codes = {code for code in category.categories if self._index.uses_category(code)}

        def fits(group: Group) -> bool:
            return not codes or any(item.category in codes for item in group.items)

        seen: set[int] = set()
        # Goods named after their place (吉县小米, 太谷饼) are what a place is known for.
        rank = _placed_rank if _PLACE_SIGN in category.signs else _kind_rank

        def fresh(groups: Iterable[Group]) -> list[Group]:
            candidates = {g.gid: g for g in islice(groups, _CATEGORY_SCAN) if g.gid not in seen}
            found = heapq.nsmallest(_CATEGORY_TOP, filter(fits, candidates.values()), key=rank)
            seen.update(group.gid for group in found)
            return found

        own = [w for w in category.words if len(w) > 1]
        # A line without catalogue categories names a kind of goods (蜂蜜, 蘑菇): its words in
        # names first, every kind of it, then descriptions; a collective line (送人的, 山货)
        # takes names and descriptions holding its words (礼盒, "有礼盒装") first.
        kind_of_goods = not category.categories
        answer = fresh(g for w in own for g in self._index.headed(w))
        if not kind_of_goods:
            answer += fresh(g for w in own for g in self._index.containing(w))
            answer += fresh(g for w in own for g in self._index.describing(w))
        # Each listed word's own names before its synonyms' (老陈醋 before 熏醋 for 陈醋).
        families: list[list[Group]] = []
        for listed in category.terms:
            family: list[Group] = []
            for member in self._members(listed):
                family += fresh(
                    g
                    for g in self._named(member, True, guard=False)
                    if len(listed) > 1 or codes or self._kind_of(g, listed)
                )
            families.append(family)
        answer += [g for row in zip_longest(*families) for g in row if g is not None]
        if _PLACE_SIGN in category.signs:
            # then the other goods named after their place (稷山板枣, 清徐葡萄)
            answer += fresh(
                g for g in self._index.live() if _named_after_place(g.key[: g.head_end])
            )
        # Goods marked as of the kind whatever they are called (手编簸箕 for 编织: 编, and 簸箕
        # "wicker … basket").
        marked = [
            self._index.containing(sign) if has_han(sign) else self._glossed(sign)
            for sign in category.signs
            if sign != _PLACE_SIGN
        ]
        answer += [g for row in zip_longest(*map(fresh, marked)) for g in row if g is not None]
        # Names that hold a word of the line elsewhere, then descriptions that do (蜂蜜小麻花
        # and a cake "made with honey" after every kind of honey).
        if kind_of_goods:
            answer += fresh(g for w in own for g in self._index.containing(w))
            answer += fresh(g for w in own for g in self._index.describing(w))
        answer += fresh(
            g
            for listed in category.terms
            if len(listed) > 1 or codes
            for m in self._members(listed)
            for g in self._named(m, False, guard=False)
        )
        if sum(group.rank >> _STOCK_SHIFT == 0 for group in answer) < _CATEGORY_TOP:
            # Every good of a category the line names (山货 is 山珍); of a category it is only a
            # part of (蛋 of 禽蛋肉, 水果 of 果蔬), the goods whose names mean what it means.
            names = {CATEGORIES.get(code) for code in codes}
            whole = bool(names & set(category.words)) or not category.words
            answer += fresh(
                g
                for code in codes
                for g in self._index.of_category(code)
                if whole or any(self._means(g, w) for w in category.words)
            )
        answer.sort(key=lambda group: group.rank >> _STOCK_SHIFT)  # in stock first, stable
        return answer[:_CATEGORY_TOP]

    def _headed_kind(self, group: Group, char: str) -> bool:
        """Whether a name headed by ``char`` is a kind of it: of a catalogue category of the
        taxonomy's line for ``char`` (卤牛肉 for 肉, of 禽蛋肉; not 山药蛋, of 果蔬, for 蛋),
        or, for a character without categories, unless the whole head is a dictionary word
        meaning another thing (核桃 "walnut" for 桃 "peach"; 枣花蜜 stays honey) or a word
        ending it stands in for the thing (党参 "poor man's ginseng" for 参 "ginseng")."""
        category = self._tables.category(char)
        if category is not None and category.categories:
            return any(item.category in category.categories for item in group.items)
        return not _names_another_thing(group.key[: group.head_end], char)

    def _glossed(self, sign: str) -> list[Group]:
        """Groups headed by a word whose first sense the English ``sign`` heads or begins
        (簸箕 "wicker or bamboo winnowing basket" for "basket", 柿饼 "dried persimmon" for
        "dried"; not 茶盘 "tea tray" for "tea")."""
        return [
            group
            for word in dictionary().headwords(sign)
            if self._index.knows(word) and dictionary().glossed_with(word, sign)
            for group in self._index.headed(word)
        ]

    def _means(self, group: Group, word: str) -> bool:
        """Whether a dictionary word ending the head of ``group``'s name names a kind of what
        ``word`` names (鸭蛋 "duck egg" of 蛋 "egg"; not 羊排 "lamb chop", nor 柴鸡 "a variety
        of free-range chicken, … laying smaller eggs")."""
        head = group.key[: group.head_end]
        return any(
            dictionary().is_word(head[start:]) and dictionary().names_a_kind(head[start:], word)
            for start in range(max(0, len(head) - 4), len(head) - 1)
        )

    def _kind_of(self, group: Group, char: str) -> bool:
        """Whether a name headed by the character ``char`` names a kind of it: the longest
        dictionary word ending the head means what ``char`` means (连翘茶 is tea; 核桃 "walnut"
        is no 桃 "peach")."""
        head = group.key[: group.head_end]
        word = next(
            (
                head[s:]
                for s in range(max(0, len(head) - 4), len(head) - 1)
                if dictionary().is_word(head[s:])
            ),
            char,
        )
        return word == char or dictionary().kin(char, word)

    def _popular(self, limit: int) -> tuple[ProductGroup, ...]:
        """The best goods of the whole catalogue (kept until it changes)."""
        top = self._popular_kept.get(
            None, lambda: heapq.nsmallest(_CACHED_TOP, self._index.live(), key=_RANK)
        )
        return tuple(_product_group(group, "category", "") for group in top[:limit])


def _kind_rank(group: Group) -> tuple[bool, int, int]:
    """A group's rank among goods of a kind: the goods themselves before names with packing or
    a grade after them (农家小米 before 小米礼盒)."""
    return group.head_end < len(group.key), group.rank, group.gid


def _placed_rank(group: Group) -> tuple[bool, bool, int, int]:
    """:func:`_kind_rank`, goods named after their place first (:func:`_named_after_place`)."""
    return (not _named_after_place(group.key[: group.head_end]), *_kind_rank(group))


def _named_after_place(head: str) -> bool:
    """Whether the head of a name begins with a county, city or mountain the dictionary knows
    (平遥 of 平遥牛肉, 五台山 of 五台山台蘑), before goods of its own."""
    return any(
        dictionary().names_a_region(head[:end])
        for end in range(2, min(len(head) - 1, _LONGEST_PLACE) + 1)
    )


def _kin_where_held(part: str, key: str, at: int | None = None, unheld: bool = True) -> bool:
    """Whether the longest dictionary word holding ``part`` (a character or a word) where it
    stands in ``key`` (first, unless ``at`` says where) means what ``part`` means, or begins
    with the word a character stands for (or no longer word holds it there, unless not
    ``unheld``): 山药 "yam" does not stand for itself in 山药蛋 "potato"."""
    senses = dictionary().senses(part)
    at = key.find(part) if at is None else at
    for size in range(min(4, len(key)), len(part), -1):
        for start in range(max(0, at + len(part) - size), min(at, len(key) - size) + 1):
            word = key[start : start + size]
            if dictionary().is_word(word):
                # 莜 "see 莜麦" stands for 莜麦 in 莜面
                bound = bool(senses) and senses[0].startswith("see ")
                return bound or dictionary().kin(part, word)
    return unheld


def _in_state(group: Group, match: Match, via: str, word: str, state: str) -> bool:
    """Whether ``group``, found by ``match`` through ``via``, may be goods asked in ``state``:
    none said to be in the other (干黄花菜 for 鲜黄花菜); asked fresh, the goods themselves —
    a name holding ``word`` has it as its head or says fresh before it, unless the tables call
    it the same thing (鲜玉米棒 for 鲜玉米, 香椿芽 for 香椿; not 玉米面 nor 辣椒酱, things made
    from them)."""
    if _says(group.key, _OTHER_STATE[state]):
        return False
    at = group.key.find(word)
    return (
        state != "fresh"
        or match in ("exact", "synonym")
        or at < 0
        or group.ends_with(word)
        or _says(group.key[:at], state)
    )


def _says(text: str, state: str) -> bool:
    """Whether a character of ``text`` says goods are in ``state`` (鲜 fresh, 干 dried)."""
    return any(dictionary().state(char) == state for char in text)


def _from_a_place(word: str) -> bool:
    """Whether ``word`` is a preposition of place and a county, city or region the dictionary
    knows (从太原, 在北京)."""
    return len(word) > 2 and word[0] in _OF_PLACE and dictionary().names_a_region(word[1:])


def _place_word(term: Term) -> bool:
    """Whether an unresolved word beside a place question names a place or a request rather
    than goods (``集``, ``古城``, ``发个`` of ``发个地址``)."""
    text = term.text
    verb = text.rstrip("个下一")  # "发个地址": a request, not goods
    return term.via == "direct" and (
        len(text) == 1
        or text.endswith(_MARKET)
        or dictionary().is_place(text)
        or dictionary().is_travel(text)
        or (bool(verb) and dictionary().is_verb(verb))
    )


def _order(group: ProductGroup) -> tuple[bool, bool]:
    """Names found for the words asked (even sold out), in stock first, before goods only
    related to them or described with them, which keep the order found: the closest kin first
    (羊排 for 羊肉, sold out, before 兔肉), each tier in stock first."""
    weak = group.match in _WEAK
    return weak, not weak and not group.in_stock


def _names_contact(word: str) -> bool:
    """Whether a word asked names a way to reach someone: in Chinese by the dictionary, in
    English by its last words (``vendor phone number``, ``contact info``)."""
    if not has_han(word):
        return _CONTACT_EN.search(word) is not None
    return dictionary().names_contact(word)


def _english_forms(text: str) -> str:
    """The words of ``text`` in the singular, one space apart (``credit cards`` → ``credit
    card``): a service line names the thing in any number."""
    return " ".join(map(singular, text.split()))


def _gibberish(query: str, reading: Reading) -> bool:
    """Whether a Latin query found nothing, holds no English word and is no pinyin of two
    syllables or more: ``asdfgh``, ``nan`` (``erji`` is a wish for 耳机)."""
    if has_han(query) or any(term.via != "direct" for term in reading.terms):
        return False
    letters = "".join(word for word in latin_words(normalize_text(query)) if word.isalpha())
    if any(len(tokens) >= 2 for tokens in parse_syllables(letters)[:1]):
        return False  # pinyin of goods nobody sells ("erji", 耳机): a wish
    known = syllables()
    return not any(
        len(word) >= 3 and word not in known and dictionary().knows_english(singular(word))
        for word in latin_words(normalize_text(query))
    )


class _Picked:
    """The groups chosen so far for one term, best first, one entry per group."""

    def __init__(self, limit: int, via: Match | None) -> None:
        self._limit = limit
        self._via = via
        self._rows: dict[int, tuple[Group, Match, str]] = {}

    @property
    def full(self) -> bool:
        return len(self._rows) >= self._limit

    def take(self, sources: list[tuple[list[Group], Match, str]], ranked: bool = False) -> None:
        """Add the best groups of ``sources`` (all matched equally well), by group rank (or in
        their order, when ``ranked``); each source is groups found through one word, how they
        match and that word."""
        need = self._limit + len(self._rows)
        found = [
            (group, match, word)
            for groups, match, word in sources
            for group in (groups[:need] if ranked else heapq.nsmallest(need, groups, key=_RANK))
        ]
        if not ranked:
            found.sort(key=_found_rank)
        for group, match, word in found:
            if self.full:
                break
            how = match if match in _WEAK else self._via or match
            self._rows.setdefault(group.gid, (group, how, word))

    def rows(self) -> list[tuple[Group, Match, str]]:
        return list(self._rows.values())


def _found_rank(found: _Found) -> tuple[int, int]:
    return found[0].rank, found[0].gid


def _product_group(group: Group, match: Match, word: str) -> ProductGroup:
    return ProductGroup(
        name=group.items[0].name,
        items=tuple(group.items),
        stall_count=group.stall_count,
        match=match,
        term=word,
    )


@functools.lru_cache(maxsize=1 << 16)
def _names_another_thing(head: str, char: str) -> bool:
    """Whether the head of a name ending with ``char`` is a dictionary word meaning another thing
    (核桃 "walnut" for 桃 "peach"), or a word ending it stands in for the thing (党参 "poor man's
    ginseng" of 潞党参 for 参). A question of the dictionary alone, kept: one character's search
    asks it of every name it heads, and names share their heads."""
    words = dictionary()
    return words.other_thing_ending(head, char) or any(
        words.stands_in_for(head[start:], char) for start in range(len(head) - 1)
    )
