"""The few spellings in which the stores' SQL differs between SQLite and PostgreSQL.

Everything else the stores write is portable (``RETURNING``, ``ON CONFLICT``, ``LIKE … ESCAPE``,
``CAST``). What is not: a list passed as one parameter. SQLite reads a JSON text with
``json_each``; PostgreSQL with ``json_array_elements`` and needs each value's type, since it
compares an ``integer`` column with a ``text`` value only after a cast. The stores ask
``db.dialect`` for these fragments, so SQLite keeps the statements it always ran.

Usage::

    ids = db.dialect.json_values(":ids", "integer")   # SELECT value FROM json_each(:ids)
    sql = f"SELECT * FROM products WHERE id IN ({ids})"
    pairs = db.dialect.json_rows("?", [("market", "integer"), ("day", "text")])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

__all__ = ["POSTGRESQL", "SQLITE", "Dialect", "like_escaped"]

Kind = Literal["integer", "text"]


@dataclass(frozen=True, slots=True)
class Dialect:
    name: Literal["sqlite", "postgresql"]

    @property
    def join_in_order(self) -> str:
        """A join whose left table is read first: ``CROSS JOIN … ON`` is SQLite's way of
        saying so; PostgreSQL's planner chooses (and knows no ``CROSS JOIN … ON``)."""
        return "CROSS JOIN" if self.name == "sqlite" else "JOIN"

    @property
    def one_process(self) -> bool:
        """Whether one bot process uses the database (SQLite: one per file), so a row another
        owner left in flight is a stopped process's."""
        return self.name == "sqlite"

    def unlocked(self, table: str, where: str) -> str:
        """The condition ``where`` on ``table``'s rows, on PostgreSQL for the rows no other
        transaction has locked (``SELECT … FOR UPDATE SKIP LOCKED``: a claim skips a row
        another process is claiming instead of waiting for it). SQLite has one writer at a
        time: ``where`` as it is."""
        if self.name == "sqlite":
            return where
        return f"id IN (SELECT id FROM {table} WHERE {where} FOR UPDATE SKIP LOCKED)"

    def json_values(self, param: str, kind: Kind) -> str:
        """A ``SELECT`` of one column ``value``: the elements of the JSON list ``param``."""
        if self.name == "sqlite":
            return f"SELECT value FROM json_each({param})"
        cast = "bigint" if kind == "integer" else "text"
        return f"SELECT value::{cast} AS value FROM json_array_elements_text({param}::json)"

    def json_rows(self, param: str, columns: Sequence[tuple[str, Kind]]) -> str:
        """A ``SELECT`` of the rows of the JSON list of lists ``param``, element ``i`` of each
        as the column named ``columns[i]``."""
        if self.name == "sqlite":
            picked = ", ".join(
                f"json_extract(value, '$[{i}]') AS {name}" for i, (name, _) in enumerate(columns)
            )
            return f"SELECT {picked} FROM json_each({param})"
        picked = ", ".join(
            f"(value->>{i})::{'bigint' if kind == 'integer' else 'text'} AS {name}"
            for i, (name, kind) in enumerate(columns)
        )
        return f"SELECT {picked} FROM json_array_elements({param}::json)"


SQLITE = Dialect("sqlite")
POSTGRESQL = Dialect("postgresql")


def like_escaped(text: str) -> str:
    """``text`` matched literally by ``LIKE … ESCAPE '\\'`` (its ``%``, ``_`` and ``\\``
    escaped): a portable substring test (``instr`` is SQLite's, ``strpos`` PostgreSQL's)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
