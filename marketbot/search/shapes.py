"""Look-alike characters from how they are written (``data/shapes.tsv``): two characters are
alike when one of their splits into components differs in one component only (``汕`` 氵山 and
``油`` 氵由; ``筐`` 竹匡 and ``框`` 木匡)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

__all__ = ["look_alike", "part_of"]


@lru_cache(maxsize=1)
def _splits() -> dict[str, tuple[str, ...]]:
    text = (resources.files("marketbot.search") / "data" / "shapes.tsv").read_text("utf-8")
    splits: dict[str, tuple[str, ...]] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            char, parts = line.split("\t")
            splits[char] = tuple(parts.split(","))
    return splits


def look_alike(first: str, second: str) -> bool:
    """Whether the characters ``first`` and ``second`` differ in one component only: one swapped
    (汕 氵山, 油 氵由) or one repeated part dropped (内 冂人, 肉 冂人人)."""
    splits = _splits()
    return any(
        _one_component_apart(one, other)
        for one in splits.get(first, ())
        for other in splits.get(second, ())
    )


def _one_component_apart(one: str, other: str) -> bool:
    if len(one) == len(other):
        return sum(a != b for a, b in zip(one, other, strict=True)) == 1
    short, long = sorted((one, other), key=len)
    return (
        len(short) >= 2
        and len(long) == len(short) + 1
        and any(long[:i] + long[i + 1 :] == short and long[i] in short for i in range(len(long)))
    )


def part_of(first: str, second: str) -> bool:
    """Whether one character is the other with one component added (``己`` and ``杞`` 木己,
    ``羊`` and ``洋`` 氵羊): a radical dropped or added by mistake."""
    splits = _splits()
    return any(
        len(parts) == 2 and other in parts
        for one, other in ((first, second), (second, first))
        for parts in splits.get(one, ())
    )
