"""Answers kept until the catalogue changes: one mechanism for every cache of the search.

Usage::

    found = Kept(lambda: index.version, limit=4096)
    groups = found.get(("head", "红枣"), lambda: compute("红枣"))

Everything the search computes from the catalogue (lookups, readings of questions, rankings,
category answers) holds groups, not prices, so it stays right until the index's ``version``
moves (a name listed or emptied, a rank, description or category changed). A :class:`Kept`
forgets everything at once when the version moves, or when ``limit`` values are kept (a
market's visitors ask the same few things; a flood of new questions must not grow memory).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

__all__ = ["Kept"]

_K = TypeVar("_K", bound=Hashable)
_V = TypeVar("_V")


class Kept(Generic[_K, _V]):
    """Values by key, computed on first use and kept while ``version()`` stays the same."""

    def __init__(self, version: Callable[[], int], limit: int) -> None:
        self._version = version
        self._limit = limit
        self._values: dict[_K, _V] = {}
        self._at = version()

    def get(self, key: _K, compute: Callable[[], _V]) -> _V:
        """The value kept for ``key``, or ``compute()`` kept now."""
        version = self._version()
        if version != self._at:
            self._values.clear()
            self._at = version
        try:
            return self._values[key]
        except KeyError:
            value = compute()
            if len(self._values) >= self._limit:
                self._values.clear()
            self._values[key] = value
            return value

    def __len__(self) -> int:
        """How many values are kept now."""
        return len(self._values)
