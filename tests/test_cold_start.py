"""A bot with many markets answers at once: the search indexes are built in the background,
the most used market first, and a search never answers from an index not built yet.

Builds are held with a gate (a :class:`threading.Event` the build's worker thread waits on), so
the tests decide what is built when, without timing anything.
"""

from __future__ import annotations

import asyncio
import io
import threading
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from marketbot.app import App, open_app, run
from marketbot.clock import FixedClock
from marketbot.config import Config
from marketbot.domain.model import Market
from marketbot.services import catalog as catalog_module
from marketbot.storage.market_data import NewProduct, NewStall

WAIT = 10.0
"""Seconds a held build waits for the test before failing it (never reached when passing)."""


@dataclass
class Builds:
    """Every index build by market, in the order they started; the build of a market in
    ``waits`` waits in its worker thread for that event first; ``started`` is set for a market
    as its build starts."""

    order: list[int | None] = field(default_factory=list)
    waits: dict[int | None, threading.Event] = field(default_factory=dict)
    started: defaultdict[int | None, threading.Event] = field(
        default_factory=lambda: defaultdict(threading.Event)
    )


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> Iterator[Builds]:
    seen = Builds()
    built = catalog_module._built

    def gated(market_id: int | None, *args: object) -> object:  # in the worker thread
        seen.order.append(market_id)
        seen.started[market_id].set()
        wait = seen.waits.get(market_id)
        if wait is not None:
            assert wait.wait(WAIT), f"the build of market {market_id} was never let go"
        return built(market_id, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(catalog_module, "_built", gated)
    yield seen
    for wait in seen.waits.values():  # a build still held must not outlive the test
        wait.set()


async def _market_selling(app: App, clock: FixedClock, name: str, goods: str) -> Market:
    now = clock.now()
    market = await app.store.create_market(
        name=name, place=name, opens="08:00", closes="12:00", timezone="Asia/Shanghai", now=now
    )
    stall, _ = await app.store.upsert_stall_by_name(
        market_id=market.id,
        stall=NewStall(name=f"{name}山货", vendor_name="老梁", village=name, phone=None, intro=""),
        now=now,
    )
    await app.store.add_product(
        stall.id, NewProduct(name=goods, category="ganhuo", price_fen=1200, unit="斤"), now
    )
    return market


async def _searched(app: App, clock: FixedClock, market_id: int, times: int) -> None:
    for _ in range(times):
        await app.store.log_search(
            at=clock.now(), market_id=market_id, wanted="蘑菇", intent="product", results=1
        )


async def test_a_search_in_a_market_not_built_yet_finds_its_goods_while_warming_waits(
    config: Config, clock: FixedClock, builds: Builds
) -> None:
    async with open_app(config, clock) as app:  # the demo market 1, and 梁村集 selling 核桃
        other = await _market_selling(app, clock, "梁村集", "野生核桃")
        await _searched(app, clock, 1, times=3)  # market 1 is the most used: warmed first
    gate = builds.waits[1] = threading.Event()  # warming holds on market 1 throughout
    builds.waits[other.id] = builds.started[1]  # the search's build starts after it
    printed: list[str] = []
    try:
        script = f"/start market_{other.id}\n核桃\n"
        await run(config, clock, stdin=io.StringIO(script), write=printed.append)
    finally:
        gate.set()
    text = "\n".join(printed)
    assert "欢迎来赶集" in text  # answered while market 1's index was still being built
    assert "野生核桃" in text and "梁村集山货" in text and "12元/斤" in text
    assert builds.order == [1, other.id]  # the search built its market itself, once


def _names(answer_groups: object) -> set[str]:
    return {item.name for group in answer_groups for item in group.items}  # type: ignore[attr-defined]


async def test_warming_goes_most_used_first_and_a_search_waits_for_the_build_under_way(
    app: App, clock: FixedClock, builds: Builds
) -> None:
    store, catalog, now = app.store, app.core.services.catalog, clock.now()
    second = await _market_selling(app, clock, "梁村集", "野生核桃")
    third = await _market_selling(app, clock, "河底集", "老陈醋")
    await _searched(app, clock, third.id, times=2)
    await _searched(app, clock, second.id, times=1)
    order = await store.markets_by_use(now - timedelta(days=7))
    assert order == [third.id, second.id, 1]
    gate = builds.waits[third.id] = threading.Event()
    catalog.warm([m for i in order if (m := await store.get_market(i)) is not None], now)
    await asyncio.to_thread(builds.started[third.id].wait, WAIT)  # its rows are read: held

    # a change committed while the index is being built from rows read before it
    stall = await store.stall_by_name(third.id, "河底集山货")
    assert stall is not None
    await store.add_product(
        stall.id, NewProduct(name="手工醋", category="ganhuo", price_fen=1500, unit="瓶"), now
    )
    asking = asyncio.create_task(catalog.search(third, "醋", now, log=False))
    await asyncio.sleep(0)  # the search starts: it waits for the build under way
    assert not asking.done()
    gate.set()
    answer = await asking
    assert {"老陈醋", "手工醋"} <= _names(answer.groups)  # the change was applied on top
    await catalog.warmed()
    assert builds.order == [third.id, second.id, 1]  # one build each, the search's shared
    found = await catalog.search(second, "核桃", now, log=False)
    assert _names(found.groups) == {"野生核桃"}
