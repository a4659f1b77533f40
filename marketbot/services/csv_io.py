"""Spreadsheet import and export of stalls and products (CSV, as Excel in China writes it).

Columns: stall, vendor, village, product, category, price, unit, description, in_stock.
Files are read as UTF-8 (with or without BOM) or, when the file is GB18030 (a superset of GBK, what
Excel in China saves), as that; a UTF-8 file with a broken byte is refused with its line and byte,
never read as mojibake. Exported cells that a spreadsheet would run as a formula (``= + - @``)
are quoted with an apostrophe, as spreadsheet tools expect; the import takes it off again.
Import is idempotent: a stall is found by name, a product by stall and name; a re-import
updates them and never duplicates. Imported stalls are approved (a secretary imports them).

The category is a key (``shanzhen``), a Chinese (``山珍``) or English name (``Mountain goods``), in
any case, of a fixed category or one the market added (``手工醋``); an empty cell is 其他. A row
whose category the market does not know is still imported, under 其他 (qita): one mistyped
category must not keep a whole catalogue out, and its goods are found by name meanwhile. Each
unknown name is reported once, with its lines and the valid names; once the category is added
(/categories) or the file corrected, importing again moves those rows to it. Export writes a
fixed category's key and an added category's Chinese name, which an import reads back as the
same category.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from marketbot.domain.model import OTHER_CATEGORY, Categories, Category, Market
from marketbot.domain.prices import PriceError, format_price, parse_price
from marketbot.domain.textinput import (
    DESCRIPTION_MAX,
    PERSON_NAME_MAX,
    PRODUCT_NAME_MAX,
    STALL_NAME_MAX,
    VILLAGE_MAX,
    TextError,
    clean_line,
)
from marketbot.domain.units import normalize_unit
from marketbot.storage.categories import CategoryStore
from marketbot.storage.market_data import NewProduct, NewStall, Storage

__all__ = ["COLUMNS", "ImportReport", "export_csv", "import_csv", "read_table"]

COLUMNS = (
    "stall",
    "vendor",
    "village",
    "product",
    "category",
    "price",
    "unit",
    "description",
    "in_stock",
)

_YES = {"1", "yes", "y", "true", "是", "有", "有货", "在售", ""}
_NO = {"0", "no", "n", "false", "否", "无", "没有", "售完", "卖完", "已售完", "sold out"}


@dataclass(slots=True)
class ImportReport:
    stalls_created: int = 0
    products_created: int = 0
    products_updated: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    """(line number, reason) of every row not imported."""
    unknown_categories: dict[str, list[int]] = field(default_factory=dict)
    """Each category name the market does not know, with the lines that used it (imported
    under 其他)."""
    categories: Categories = field(default_factory=Categories.of)
    """The market's categories the import accepted."""

    def category_help(self) -> str:
        """The categories an import accepts, for one line of explanation: a fixed one by name
        and key, an added one by its names."""
        return "、".join(_help_name(c) for c in self.categories.items)

    @property
    def imported(self) -> int:
        return self.products_created + self.products_updated


def _help_name(category: Category) -> str:
    if not category.added:
        return f"{category.zh} {category.key}"
    return f"{category.zh} {category.en}" if category.en else category.zh


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def _decode(raw: bytes) -> str:
    """UTF-8, or GB18030 when the file is GB18030; ValueError naming the line and byte when it is
    UTF-8 with a broken byte (its Chinese decodes as UTF-8, a GB18030 file's does not)."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        first = err
    lenient = raw.decode("utf-8", errors="replace")
    utf8_han = sum(1 for char in lenient if _is_han(char))
    broken = lenient.count("\ufffd")
    if utf8_han <= broken:
        try:
            return raw.decode("gb18030")
        except UnicodeDecodeError:
            pass
    line = raw[: first.start].count(b"\n") + 1
    raise ValueError(
        f"line {line}: byte 0x{raw[first.start]:02x} (at byte {first.start}) is not UTF-8; "
        "save the file again as UTF-8 (or as GB18030/GBK) and import it again"
    )


def _safe_cell(value: str) -> str:
    """A cell a spreadsheet will show as text, never run as a formula."""
    return "'" + value if value.startswith(_FORMULA) else value


def _unquoted(value: str) -> str:
    return value[1:] if value.startswith("'") and value[1:].startswith(_FORMULA) else value


def read_table(path: Path) -> list[dict[str, str]]:
    """Rows of the CSV at ``path`` as dicts; raises ValueError if the header lacks a column or
    the file is UTF-8 with a broken byte."""
    text = _decode(path.read_bytes())
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ValueError(f"missing column(s): {', '.join(missing)}; expected {', '.join(COLUMNS)}")
    reader.fieldnames = header
    return [
        {k: _unquoted((v or "").strip()) for k, v in row.items() if k is not None}
        for row in reader
    ]


def _cell(row: dict[str, str], column: str, max_len: int, default: str = "") -> str:
    """A text cell, clean; a ValueError naming the column (``product: too_long …``)."""
    value = row[column] or default
    if not value and column == "description":
        return ""
    try:
        return clean_line(value, max_len=max_len)
    except TextError as err:
        raise ValueError(
            f"{column}: {err.reason} (limit {err.limit} characters, {row[column]!r})"
        ) from None


def _category(categories: Categories, value: str) -> tuple[str, str | None]:
    """The key a category cell names, and the cell when the market has no such category (the
    row then goes in under 其他)."""
    value = value.strip()
    if not value:
        return OTHER_CATEGORY, None
    found = categories.find(value)
    return (found.key, None) if found else (OTHER_CATEGORY, value)


def _row(row: dict[str, str], category: str) -> tuple[NewStall, NewProduct]:
    stall = NewStall(
        name=_cell(row, "stall", STALL_NAME_MAX),
        vendor_name=_cell(row, "vendor", PERSON_NAME_MAX),
        village=_cell(row, "village", VILLAGE_MAX, "-"),
        phone=None,
        intro="",
    )
    name = _cell(row, "product", PRODUCT_NAME_MAX)
    description = _cell(row, "description", DESCRIPTION_MAX)
    try:
        price = parse_price(row["price"])
    except PriceError as err:
        raise ValueError(f"price: {err.reason} ({row['price']!r})") from None
    unit = normalize_unit(row["unit"]) if row["unit"] else price.unit
    if unit is None:
        raise ValueError(f"unit: not understood ({row['unit']!r})")
    stock = row["in_stock"].strip().lower()
    if stock not in _YES | _NO:
        raise ValueError(f"in_stock: use 1/0, yes/no or 有货/售完 ({row['in_stock']!r})")
    product = NewProduct(
        name=name,
        category=category,
        price_fen=price.fen,
        price_max_fen=price.max_fen,
        price_note=price.note,
        unit=unit,
        description=description,
        in_stock=stock in _YES,
    )
    return stall, product


async def import_csv(
    store: Storage, market: Market, rows: list[dict[str, str]], now: datetime
) -> ImportReport:
    """Import ``rows`` (from :func:`read_table`); line numbers count the header as line 1."""
    categories = await CategoryStore(store.db).of_market(market.id)
    report = ImportReport(categories=categories)
    for number, row in enumerate(rows, start=2):
        category, unknown = _category(categories, row["category"])
        try:
            new_stall, product = _row(row, category)
        except ValueError as err:
            report.rejected.append((number, str(err)))
            continue
        if unknown is not None:
            report.unknown_categories.setdefault(unknown, []).append(number)
        stall, created = await store.upsert_stall_by_name(
            market_id=market.id, stall=new_stall, now=now
        )
        report.stalls_created += int(created)
        if await store.upsert_product_by_name(stall.id, product, now):
            report.products_created += 1
        else:
            report.products_updated += 1
    return report


async def export_csv(store: Storage) -> str:
    """Every stall's products in the import format (UTF-8 with BOM, so Excel opens it right)."""
    added = {
        c.key: c.zh
        for found in (await CategoryStore(store.db).every_added()).values()
        for c in found
    }
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for product, stall in await store.all_products_with_stalls():
        cells = [
            stall.name,
            stall.vendor_name,
            stall.village,
            product.name,
            added.get(product.category, product.category),
            format_price(
                product.price_fen,
                None,
                "zh",
                max_fen=product.price_max_fen,
                note=product.price_note,
            ),
            product.unit,
            product.description,
            "1" if product.in_stock else "0",
        ]
        writer.writerow([_safe_cell(cell) for cell in cells])
    return "\ufeff" + out.getvalue()
