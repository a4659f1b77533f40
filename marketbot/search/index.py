"""The in-memory catalogue index: products grouped by name, with lookups for the engine.

Listings with the same normalized name form one group (one answer line). Groups are looked up by
exact name, by the characters and character pairs of the name (so one- and two-character
queries work), by pinyin syllables and syllable pairs, by whole-name initials and by category;
descriptions are searched in one joined text that is rebuilt, lazily, after changes. Postings
only grow: a group emptied by removals stays (with no items) and is skipped, and comes back when
its name is listed again.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import pairwise
from typing import TypeAlias, TypeVar

from marketbot.search.kept import Kept
from marketbot.search.model import CatalogItem
from marketbot.search.normalize import name_key, to_simplified
from marketbot.search.pinyin import NO_READING, PinyinReader, initials

__all__ = ["CatalogIndex", "Group"]

_SYLLABLE_BITS = 12
_MAX_STALLS = (1 << 16) - 1
_MAX_LENGTH = (1 << 8) - 1
_HEAD_SUFFIX = 2
#: Lookups kept between catalogue changes (each a list of groups found).
_FOUND_KEPT = 4096
#: Names (or head words) of at most this many characters are found by their initials.
_SHORT_NAME = 6
#: The group ids holding a key: one alone as an int, as most keys (the ends and initials of one
#: name, its rarer character pairs) have one — an array of one takes four times the memory.
Posting: TypeAlias = "int | array[int]"
_Key = TypeVar("_Key", str, int)


def _item_order(item: CatalogItem) -> tuple[bool, bool, int, int, int]:
    return (not item.in_stock, not item.coming, item.price_fen, item.stall_id, item.product_id)


@dataclass(slots=True, eq=False)
class Group:
    """The listings of one product name.

    ``head_end`` is where the name's head word ends (before trailing packing and grades:
    ``稷山红枣礼盒装`` → ``稷山红枣``); ``rank`` orders groups that match equally well (lower is
    better: one in stock, one coming, more stalls, shorter name); ``text`` holds the listings'
    descriptions, normalized.
    """

    gid: int
    key: str
    syllables: str
    head_end: int
    items: tuple[CatalogItem, ...] = ()
    """Best first; a tuple, as most names have one listing (a third of the memory of a list)."""
    rank: int = 0
    text: str = ""

    def ends_with(self, text: str) -> bool:
        """Whether the name, or its head word, ends with ``text``."""
        return self.key.endswith(text) or self.key.endswith(text, 0, self.head_end)

    @property
    def stall_count(self) -> int:
        """How many stalls list this product."""
        return len({item.stall_id for item in self.items})

    def refresh(self) -> None:
        """Re-sort the items (best first), recompute ``rank`` and ``text`` after a change."""
        self.items = tuple(sorted(self.items, key=_item_order))
        in_stock = any(item.in_stock for item in self.items)
        coming = any(item.coming for item in self.items)
        stalls = min(self.stall_count, _MAX_STALLS)
        self.rank = (
            (0 if in_stock else 1) << 26
            | (0 if coming else 1) << 25
            | (_MAX_STALLS - stalls) << 8
            | min(len(self.key), _MAX_LENGTH)
        )
        texts = dict.fromkeys(item.description for item in self.items if item.description)
        self.text = "\n".join(_simplified(text) for text in texts)


def _simplified(text: str) -> str:
    """``text`` in Simplified characters, sharing the original string when it already is."""
    simplified = to_simplified(text)
    return text if simplified == text else simplified


class CatalogIndex:
    """Groups and their lookups; the search logic lives in :mod:`marketbot.search.engine`.

    ``head_end(key)`` tells where the head word of a name ends.
    """

    def __init__(self, reader: PinyinReader, head_end: Callable[[str], int]) -> None:
        self._reader = reader
        self._head_end = head_end
        self._groups: list[Group] = []
        self._by_key: dict[str, int] = {}
        self._by_product: dict[int, int] = {}
        self._chars: dict[str, Posting] = {}
        self._pairs: dict[int, Posting] = {}
        self._syllable_ids: dict[str, int] = {}
        self._syllables: dict[int, Posting] = {}
        self._heads: dict[str, Posting] = {}
        self._initials: dict[str, Posting] = {}
        self._categories: dict[str, array[int]] = {}
        self._descriptions = ""
        self._description_starts: array[int] = array("i")
        self._description_gids: array[int] = array("i")
        self._description_slot: array[int] = array("i")
        """Each group's slot in the joined descriptions, by gid (-1: none); dense, as gids are."""
        self._slotted = 0
        """Each group's current slot in the joined text (older slots of it are stale)."""
        self._stale_slots = 0
        self._descriptions_stale = False
        self._changed_groups: set[int] = set()
        self.version = 0
        """Changes when what a lookup finds may have: a group listed, emptied, or with another
        rank, description or category (see :func:`_shape`); lookups answered since are kept."""
        self._found: Kept[tuple[bool, str], list[Group]] = Kept(lambda: self.version, _FOUND_KEPT)
        self._before: dict[int, tuple[object, ...]] | None = None
        """The groups' shapes before the changes under way (:meth:`changes`)."""

    def __len__(self) -> int:
        return len(self._by_product)

    # -- changes -------------------------------------------------------------------------

    def add(self, item: CatalogItem) -> None:
        """List ``item``, replacing the listing with the same ``product_id``."""
        key = name_key(item.name)
        with self.changes():
            self._note(self._by_product.get(item.product_id))
            self._withdraw(item.product_id)
            if not key:
                return
            gid = self._by_key.get(key)
            self._note(gid)
            group = self._new_group(key) if gid is None else self._groups[gid]
            if item.category not in {other.category for other in group.items}:
                self._categories.setdefault(item.category, array("i")).append(group.gid)
            group.items = (*group.items, item)
            group.refresh()
            self._by_product[item.product_id] = group.gid
            self._changed(group)

    def remove(self, product_id: int) -> CatalogItem | None:
        """Withdraw a listing; returns it, or ``None`` if it was not listed."""
        with self.changes():
            self._note(self._by_product.get(product_id))
            return self._withdraw(product_id)

    @contextmanager
    def changes(self) -> Iterator[None]:
        """Changes made inside count as one for :attr:`version`: a listing withdrawn and put
        back with another price leaves it as it was."""
        if self._before is not None:
            yield
            return
        self._before = {}
        try:
            yield
        finally:
            before, self._before = self._before, None
            if any(_shape(self._groups[gid]) != shape for gid, shape in before.items()):
                self.version += 1

    def _note(self, gid: int | None) -> None:
        """Remember the shape of group ``gid`` before the changes began."""
        if gid is not None and self._before is not None and gid not in self._before:
            self._before[gid] = _shape(self._groups[gid])

    def _withdraw(self, product_id: int) -> CatalogItem | None:
        gid = self._by_product.pop(product_id, None)
        if gid is None:
            return None
        group = self._groups[gid]
        position = next(i for i, item in enumerate(group.items) if item.product_id == product_id)
        item = group.items[position]
        group.items = group.items[:position] + group.items[position + 1 :]
        group.refresh()
        self._changed(group)
        return item

    def _changed(self, group: Group) -> None:
        self._descriptions_stale = True
        self._changed_groups.add(group.gid)

    def _new_group(self, key: str) -> Group:
        gid = len(self._groups)
        tokens = self._reader.read(key)
        group = Group(gid, key, " " + " ".join(tokens) + " ", self._head_end(key))
        self._groups.append(group)
        self.version += 1  # new postings
        self._by_key[key] = gid
        for char in set(key):
            _post(self._chars, char, gid)
        for pair in {_pair(key[i], key[i + 1]) for i in range(len(key) - 1)}:
            _post(self._pairs, pair, gid)
        ids = [self._syllable_id(token) for token in tokens]
        singles_and_pairs = set(ids) | {_syllable_pair(a, b) for a, b in pairwise(ids)}
        for syllables in singles_and_pairs:
            _post(self._syllables, syllables, gid)
        head = key[: group.head_end]
        ends = {text[-length:] for text in (key, head) for length in range(1, _HEAD_SUFFIX + 1)}
        for end in ends:
            _post(self._heads, end, gid)
        for length in {len(key), group.head_end}:
            spoken = tokens[:length]
            if length <= _SHORT_NAME and NO_READING not in spoken:
                _post(self._initials, initials(spoken), gid)
        return group

    def _syllable_id(self, syllable: str) -> int:
        return self._syllable_ids.setdefault(syllable, len(self._syllable_ids) + 1)

    # -- lookups -------------------------------------------------------------------------

    def group(self, gid: int) -> Group:
        """The group with id ``gid``."""
        return self._groups[gid]

    def live(self) -> Iterator[Group]:
        """Every group with at least one listing."""
        return (group for group in self._groups if group.items)

    def exact(self, key: str) -> Group | None:
        """The live group named exactly ``key``."""
        gid = self._by_key.get(key)
        group = None if gid is None else self._groups[gid]
        return group if group is not None and group.items else None

    def containing(self, text: str) -> list[Group]:
        """Live groups whose name contains ``text`` (the list is shared: not to be changed)."""
        return self._lookup(False, text)

    def headed(self, text: str) -> list[Group]:
        """Live groups whose name ends with ``text``, or whose head word does (``红枣`` in
        ``稷山红枣礼盒``); the list is shared, not to be changed."""
        return self._lookup(True, text)

    def _lookup(self, head: bool, text: str) -> list[Group]:
        """:meth:`headed` or :meth:`containing`, kept until :attr:`version` changes."""
        compute = self._headed if head else self._containing
        return self._found.get((head, text), lambda: compute(text))

    def _containing(self, text: str) -> list[Group]:
        if len(text) == 1:
            return self._live(_gids(self._chars.get(text)))
        posting = self._pair_posting(text)
        if posting is None:
            return []
        groups = self._groups
        return [groups[gid] for gid in posting if groups[gid].items and text in groups[gid].key]

    def _headed(self, text: str) -> list[Group]:
        if len(text) <= _HEAD_SUFFIX:
            return self._live(_gids(self._heads.get(text)))
        return [g for g in self.containing(text) if g.ends_with(text)]

    def knows(self, text: str) -> bool:
        """Whether some product name (listed now or before) contains ``text``."""
        if len(text) == 1:
            return text in self._chars
        posting = self._pair_posting(text)
        return posting is not None and any(text in self._groups[gid].key for gid in posting)

    def _pair_posting(self, text: str) -> Sequence[int] | None:
        """The shortest posting of the character pairs of ``text`` (``None``: one is missing)."""
        shortest: Sequence[int] | None = None
        for i in range(len(text) - 1):
            posting = self._pairs.get(_pair(text[i], text[i + 1]))
            if posting is None:
                return None
            gids = _gids(posting)
            if shortest is None or len(gids) < len(shortest):
                shortest = gids
        return shortest

    def by_syllables(self, tokens: tuple[str, ...]) -> Iterator[tuple[Group, int]]:
        """Live groups whose name reads ``tokens`` in a row, with the character position."""
        ids = [self._syllable_ids.get(token, 0) for token in tokens]
        if not ids or 0 in ids:
            return
        keys = [_syllable_pair(a, b) for a, b in pairwise(ids)] or ids
        postings = [_gids(self._syllables.get(key)) for key in keys]
        needle = " " + " ".join(tokens) + " "
        shortest = min(postings, key=lambda posting: len(posting))
        for group in self._live(shortest):
            start = group.syllables.find(needle)
            if start >= 0:
                yield group, group.syllables.count(" ", 0, start)

    def by_initials(self, letters: str) -> list[Group]:
        """Live groups whose name or head word (six characters at most) reads with the pinyin
        initials ``letters``."""
        return self._live(_gids(self._initials.get(letters)))

    def uses_category(self, code: str) -> bool:
        """Whether some live group has a listing in category ``code``."""
        groups = self._groups
        return any(
            item.category == code
            for gid in self._categories.get(code, ())
            for item in groups[gid].items
        )

    def of_category(self, code: str) -> Iterator[Group]:
        """Live groups with a listing in category ``code``, lazily, in no particular order (a
        group may come twice)."""
        groups = self._groups
        for gid in self._categories.get(code, ()):
            group = groups[gid]
            if any(item.category == code for item in group.items):
                yield group

    def describing(self, text: str) -> Iterator[Group]:
        """Live groups with a listing whose description (in Simplified characters) contains
        ``text``, each once, in no particular order."""
        if not text:
            return
        self.prepare()
        starts = self._description_starts
        position = self._descriptions.find(text)
        while position >= 0:
            slot = bisect.bisect_right(starts, position) - 1
            gid = self._description_gids[slot]
            group = self._groups[gid]
            if group.items and self._slot(gid) == slot:
                yield group
            following = starts[slot + 1] if slot + 1 < len(starts) else len(self._descriptions)
            position = self._descriptions.find(text, max(position + 1, following))

    def prepare(self) -> None:
        """Bring the joined descriptions up to date now rather than at the next description
        search."""
        if not self._descriptions_stale:
            return
        changed = len(self._changed_groups)
        if not self._slotted or self._stale_slots + changed > self._slotted:
            self._join_descriptions()
        else:
            self._append_descriptions()
        self._changed_groups.clear()
        self._descriptions_stale = False

    def _join_descriptions(self) -> None:
        parts: list[str] = []
        starts = array("i")
        gids = array("i")
        slots = array("i", [-1]) * len(self._groups)
        slotted = 0
        length = 0
        for group in self.live():
            if group.text:
                slots[group.gid] = len(starts)
                slotted += 1
                starts.append(length)
                gids.append(group.gid)
                parts.append(group.text)
                length += len(group.text) + 1
        self._descriptions = "\0".join(parts)
        self._description_starts = starts
        self._description_gids = gids
        self._description_slot = slots
        self._slotted = slotted
        self._stale_slots = 0

    def _slot(self, gid: int) -> int:
        slots = self._description_slot
        return slots[gid] if gid < len(slots) else -1

    def _holds(self, slot: int, text: str) -> bool:
        """Whether ``slot`` of the joined text is ``text``."""
        start = self._description_starts[slot]
        end = start + len(text)
        return self._descriptions.startswith(text, start) and (
            end == len(self._descriptions) or self._descriptions[end] == "\0"
        )

    def _append_descriptions(self) -> None:
        """The changed groups' texts appended as new slots; their old slots go stale."""
        parts = [self._descriptions]
        length = len(self._descriptions) + 1
        slots = self._description_slot
        slots.extend([-1] * (len(self._groups) - len(slots)))
        for gid in sorted(self._changed_groups):
            group = self._groups[gid]
            slot = slots[gid]
            if slot >= 0 and group.items and self._holds(slot, group.text):
                continue  # a price or stock change: the text is the same
            if slot >= 0:
                slots[gid] = -1
                self._slotted -= 1
                self._stale_slots += 1
            if group.items and group.text:
                slots[gid] = len(self._description_starts)
                self._slotted += 1
                self._description_starts.append(length)
                self._description_gids.append(gid)
                parts.append(group.text)
                length += len(group.text) + 1
        self._descriptions = "\0".join(parts)

    def _live(self, gids: Iterable[int]) -> list[Group]:
        groups = self._groups
        return [groups[gid] for gid in gids if groups[gid].items]


def _shape(group: Group) -> tuple[object, ...]:
    """What lookups and cached answers read of a group besides its name: whether it is
    listed, its rank, its descriptions and its listings' categories."""
    return (bool(group.items), group.rank, group.text, {item.category for item in group.items})


def _post(postings: dict[_Key, Posting], key: _Key, gid: int) -> None:
    """Add ``gid`` to the posting of ``key``."""
    posting = postings.get(key)
    if posting is None:
        postings[key] = gid
    elif isinstance(posting, int):
        postings[key] = array("i", (posting, gid))
    else:
        posting.append(gid)


def _gids(posting: Posting | None) -> Sequence[int]:
    """The group ids of a posting (none for ``None``)."""
    if posting is None:
        return ()
    return (posting,) if isinstance(posting, int) else posting


def _pair(first: str, second: str) -> int:
    return (ord(first) << 21) | ord(second)


def _syllable_pair(first: int, second: int) -> int:
    return (first << _SYLLABLE_BITS | second) << _SYLLABLE_BITS
