"""The search index is updated in place, never rebuilt: a listing added, changed, sold out or
removed, a stall suspended, and a CSV imported by another process (a real ``marketbot import``
subprocess on the same database) all show in the next search of the same index."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from marketbot.app import App
from marketbot.clock import FixedClock
from marketbot.domain.model import StallStatus
from marketbot.search import CatalogItem, SearchIndex, load_tables
from marketbot.search.index import CatalogIndex
from marketbot.search.pinyin import PinyinReader
from marketbot.services import catalog as catalog_module
from marketbot.storage.categories import CategoryStore
from marketbot.storage.market_data import SMALL_READ, NewProduct

ROOT = Path(__file__).resolve().parent.parent


def _names(answer_groups: object) -> set[str]:
    return {item.name for group in answer_groups for item in group.items}  # type: ignore[attr-defined]


@pytest.fixture
def no_rebuild(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts full builds; the tests assert there is only the first."""
    builds: list[int] = []
    built = catalog_module._built

    def counting(*args: object, **kwargs: object) -> object:
        builds.append(1)
        return built(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(catalog_module, "_built", counting)
    return builds


async def test_changes_update_the_index_in_place(
    app: App, clock: FixedClock, no_rebuild: list[int]
) -> None:
    store, catalog = app.store, app.core.services.catalog
    market = (await store.markets())[0]
    index = await catalog.index(market, clock.now())
    assert isinstance(index, SearchIndex) and no_rebuild == [1]

    added = await store.add_product(
        1, NewProduct(name="紫皮大蒜", category="guoshu", price_fen=800, unit="斤"), clock.now()
    )
    answer = await catalog.search(market, "大蒜", clock.now(), log=False)
    assert "紫皮大蒜" in _names(answer.groups)

    version = index._index.version
    await store.update_product(added.id, clock.now(), price_fen=650)
    answer = await catalog.search(market, "大蒜", clock.now(), log=False)
    prices = {i.price_fen for g in answer.groups for i in g.items if i.product_id == added.id}
    assert prices == {650}
    assert index._index.version == version  # a new price: the answers computed are kept

    await store.update_product(added.id, clock.now(), in_stock=False)
    answer = await catalog.search(market, "大蒜", clock.now(), log=False)
    assert all(not i.in_stock for g in answer.groups for i in g.items if i.product_id == added.id)

    await store.delete_product(added.id)
    answer = await catalog.search(market, "大蒜", clock.now(), log=False)
    assert "紫皮大蒜" not in _names(answer.groups)

    walnut = next(p for p in await store.products_of_stall(1) if p.name == "核桃")
    assert await store.set_stall_status(
        1,
        expected=[StallStatus.APPROVED],
        new=StallStatus.SUSPENDED,
        reviewer_id=1,
        now=clock.now(),
    )
    answer = await catalog.search(market, "核桃", clock.now(), log=False)
    assert walnut.id not in {i.product_id for g in answer.groups for i in g.items}

    assert await catalog.index(market, clock.now()) is index
    assert no_rebuild == [1]


async def test_an_answer_is_kept_until_the_index_changes(app: App, clock: FixedClock) -> None:
    store, catalog = app.store, app.core.services.catalog
    market = (await store.markets())[0]
    first = await catalog.search(market, "核桃", clock.now(), log=False)
    assert await catalog.search(market, "核桃", clock.now(), log=False) is first
    walnut = next(p for p in await store.products_of_stall(1) if p.name == "核桃")
    await store.update_product(walnut.id, clock.now(), price_fen=walnut.price_fen + 100)
    again = await catalog.search(market, "核桃", clock.now(), log=False)
    assert again is not first
    prices = {i.price_fen for g in again.groups for i in g.items if i.product_id == walnut.id}
    assert prices == {walnut.price_fen + 100}
    assert await catalog.search(market, "核桃", clock.now(), log=False) is again


async def test_a_new_price_drops_only_the_answers_that_show_the_listing(
    app: App, clock: FixedClock
) -> None:
    store, catalog = app.store, app.core.services.catalog
    market = (await store.markets())[0]
    walnuts = await catalog.search(market, "核桃", clock.now(), log=False)
    dates = await catalog.search(market, "红枣", clock.now(), log=False)
    walnut = next(p for p in await store.products_of_stall(1) if p.name == "核桃")
    assert walnut.id not in {i.product_id for g in dates.groups for i in g.items}
    await store.update_product(walnut.id, clock.now(), price_fen=walnut.price_fen + 100)
    again = await catalog.search(market, "核桃", clock.now(), log=False)
    prices = {i.price_fen for g in again.groups for i in g.items if i.product_id == walnut.id}
    assert again is not walnuts and prices == {walnut.price_fen + 100}
    assert await catalog.search(market, "红枣", clock.now(), log=False) is dates
    await store.update_product(walnut.id, clock.now(), in_stock=False)  # not a price: all go
    assert await catalog.search(market, "红枣", clock.now(), log=False) is not dates
    sold_out = await catalog.search(market, "核桃", clock.now(), log=False)
    stock = {i.in_stock for g in sold_out.groups for i in g.items if i.product_id == walnut.id}
    assert stock == {False}


async def test_a_rolled_back_change_never_shows(app: App, clock: FixedClock) -> None:
    store, catalog = app.store, app.core.services.catalog
    market = (await store.markets())[0]
    await catalog.index(market, clock.now())

    async def failing_turn() -> None:
        async with store.db.transaction():
            await store.add_product(
                1,
                NewProduct(name="紫皮大蒜", category="guoshu", price_fen=800, unit="斤"),
                clock.now(),
            )
            raise RuntimeError("the handler failed")

    with pytest.raises(RuntimeError):
        await failing_turn()
    answer = await catalog.search(market, "大蒜", clock.now(), log=False)
    assert "紫皮大蒜" not in _names(answer.groups)


async def test_a_search_inside_a_turn_takes_in_only_committed_changes(
    app: App, clock: FixedClock
) -> None:
    """The change feed is read as committed even when read inline inside a turn whose own
    change is not: a search in that turn neither shows it nor keeps it after a rollback."""
    store, catalog = app.store, app.core.services.catalog
    market = (await store.markets())[0]
    await catalog.index(market, clock.now())
    product = (await store.products_of_stall(1))[0]
    await store.update_product(product.id, clock.now(), price_fen=product.price_fen + 1)

    async def failing_turn() -> None:
        async with store.db.transaction():
            await store.add_product(
                1,
                NewProduct(name="紫皮大蒜", category="guoshu", price_fen=800, unit="斤"),
                clock.now(),
            )
            inside = await catalog.search(market, "大蒜", clock.now(), log=False)
            assert "紫皮大蒜" not in _names(inside.groups)
            raise RuntimeError("the handler failed")

    with pytest.raises(RuntimeError):
        await failing_turn()
    answer = await catalog.search(market, "大蒜", clock.now(), log=False)
    assert "紫皮大蒜" not in _names(answer.groups)


async def test_more_changes_than_an_inline_read_takes_are_all_applied(
    app: App, clock: FixedClock
) -> None:
    store, catalog = app.store, app.core.services.catalog
    market = (await store.markets())[0]
    await catalog.index(market, clock.now())
    names = [f"试验{n:03d}号大蒜" for n in range(SMALL_READ + 50)]
    async with store.db.transaction():
        for name in names:
            await store.add_product(
                1, NewProduct(name=name, category="guoshu", price_fen=800, unit="斤"), clock.now()
            )
    answer = await catalog.search(market, names[-1], clock.now(), log=False)
    assert names[-1] in _names(answer.groups)


async def test_a_csv_imported_by_another_process_is_found_within_two_seconds(
    app: App, clock: FixedClock, tmp_path: Path
) -> None:
    store, catalog = app.store, app.core.services.catalog
    market = (await store.markets())[0]
    await app.db.watch()  # as `marketbot run` does
    before = await catalog.search(market, "黑枸杞", clock.now(), log=False)
    assert "黑枸杞" not in _names(before.groups)
    csv_file = tmp_path / "goods.csv"
    csv_file.write_text(
        "stall,vendor,village,product,category,price,unit,description,in_stock\n"
        "马家枸杞,马姐,段村,黑枸杞,药材,60,斤,青海来的,1\n",
        encoding="utf-8",
    )
    db_path = app.core.services.config.database.target
    result = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "marketbot", "import", str(csv_file), "--db", db_path],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    finished = time.monotonic()
    async with asyncio.timeout(2):
        while True:
            answer = await catalog.search(market, "黑枸杞", clock.now(), log=False)
            if "黑枸杞" in _names(answer.groups):
                break
            await asyncio.sleep(0.05)
    assert time.monotonic() - finished < 2


def _item(product_id: int, name: str, description: str, price_fen: int = 500) -> CatalogItem:
    return CatalogItem(
        product_id=product_id,
        name=name,
        category="guoshu",
        description=description,
        stall_id=product_id,
        stall_name=f"摊{product_id}",
        price_fen=price_fen,
        unit="斤",
        in_stock=True,
    )


def test_descriptions_follow_changes_without_joining_everything_again() -> None:
    index = CatalogIndex(PinyinReader(load_tables().pinyin), len)
    for number in range(1, 41):
        index.add(_item(number, f"货{number}", f"第{number}号的说明"))
    index.add(_item(99, "土豆", "沙地里种的"))
    index.prepare()
    joined = index._descriptions

    index.add(_item(99, "土豆", "沙地里种的", price_fen=450))  # a price change only
    index.prepare()
    assert index._descriptions is joined  # nothing appended, nothing joined

    index.add(_item(99, "土豆", "山坡上种的"))
    index.prepare()
    assert index._descriptions.startswith(joined)  # appended, not joined anew
    assert [g.key for g in index.describing("山坡")] == ["土豆"]
    assert list(index.describing("沙地")) == []  # the old text is a stale slot
    index.remove(99)
    assert list(index.describing("山坡")) == []
    assert [g.key for g in index.describing("第7号")] == ["货7"]


def test_a_price_change_keeps_the_answers_computed_and_they_stay_right() -> None:
    """Answers cached by the index's version (category words, lookups) outlive a change of
    price; a change of stock, a new name or a removal renews them; the answers are always those
    of an index built from scratch."""
    tables = load_tables()
    items = [_item(n, name, "") for n, name in enumerate(["苹果", "酥梨", "红富士苹果", "葡萄"])]
    index = SearchIndex.build(items, tables)
    version = index._index.version
    before = index.search("水果").groups
    items[2] = replace(items[2], price_fen=990)
    index.add(items[2])
    assert index._index.version == version
    rank, ranked_anew = index._rank, []

    def counting(term: object, limit: int) -> object:
        ranked_anew.append(term)
        return rank(term, limit)  # type: ignore[arg-type]

    index._rank = counting  # type: ignore[assignment,method-assign]
    after = index.search("水果").groups
    assert ranked_anew == []  # the ranking kept, the prices read anew
    assert [g.name for g in after] == [g.name for g in before]
    assert after == SearchIndex.build(items, tables).search("水果").groups  # the new price

    items[0] = replace(items[0], in_stock=False)
    index.add(items[0])
    assert index._index.version != version
    assert index.search("水果").groups == SearchIndex.build(items, tables).search("水果").groups
    version = index._index.version
    index.add(_item(7, "山楂", ""))
    assert index._index.version != version
    assert "山楂" in [g.name for g in index.search("水果").groups]
    version = index._index.version
    index.remove(7)
    assert index._index.version != version
    assert "山楂" not in [g.name for g in index.search("水果").groups]


async def test_a_category_the_secretary_adds_is_a_word_of_the_running_index(
    app: App, clock: FixedClock
) -> None:
    """A market's own category changes the index's words, not a listing: that market's index
    is built anew (the old one serving meanwhile) and finds the category's goods by its name."""
    store, catalog = app.store, app.core.services.catalog
    market = (await store.markets())[0]
    before = await catalog.index(market, clock.now())
    answer = await catalog.search(market, "手工醋", clock.now(), log=False)
    assert not answer.groups
    category = await CategoryStore(store.db).add(
        market.id, "手工醋", "Craft vinegar", by=None, now=clock.now()
    )
    await store.add_product(
        1, NewProduct(name="柿子醋", category=category.key, price_fen=1500, unit="瓶"), clock.now()
    )
    answer = await catalog.search(market, "手工醋", clock.now(), log=False)
    assert "柿子醋" in _names(answer.groups)
    assert await catalog.index(market, clock.now()) is not before
    answer = await catalog.search(market, "craft vinegar", clock.now(), log=False)
    assert "柿子醋" in _names(answer.groups)
