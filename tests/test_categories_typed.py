"""Hypothesis over category names as secretaries type them: any text gets a kind answer; a name
is stored clean and within its limit, shown escaped (``<b>``, ``]]>``, ``&`` are text, never
markup) and, when it is a word, finds the goods listed under it."""

from __future__ import annotations

import asyncio
import html
import re
import tempfile
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketbot.app import App, open_app
from marketbot.clock import FixedClock
from marketbot.config import Config, DatabaseConfig
from marketbot.domain.model import CATEGORY_EN_MAX, CATEGORY_NAME_MAX, Categories
from marketbot.domain.textinput import TextError, clean_line
from marketbot.domain.words import is_skip
from marketbot.neutral import Inbound, Outbound
from marketbot.storage.categories import CategoryStore
from marketbot.storage.market_data import NewProduct
from tests.conftest import SHANGHAI

TYPED = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            "😀",
            "😀醋",
            "x]]><MsgType>image",
            "<b>醋</b>",
            "A&B",
            "醋" * (CATEGORY_NAME_MAX + 1),
            "醋" * CATEGORY_NAME_MAX,
            "\u202e醋",
            "手工\u200b醋",
            "'); DROP TABLE market_categories;--",
            "１２３",
        ]
    ),
)

#: Characters of goods and crafts that are no question, greeting or unit word on their own.
_CRAFT = "醋酱糕饼鞋帽扇灯笼画陶瓷竹石玉铜绣布袜枕毯"


def _config(folder: str) -> Config:
    return replace(Config(), database=DatabaseConfig(str(Path(folder) / "t.db")))


CLOCK = FixedClock(datetime(2026, 12, 1, 10, tzinfo=SHANGHAI))
FIXED = Categories.of()


def _say(text: str | None = None, choice: str | None = None) -> Inbound:
    return Inbound("console", "secretary", "secretary", text=text, choice=choice)


def _visible(out: list[Outbound]) -> str:
    """The replies as a person reads them: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]*>", "", "\n".join(o.reply.text for o in out)))


def _expected(typed: str, limit: int) -> str | None:
    try:
        return clean_line(typed, max_len=limit)
    except TextError:
        return None


async def _add(app: App, zh: str, en: str | None) -> tuple[list[Outbound], list[Outbound]]:
    core = app.core
    await core.handle(_say("/categories"))
    asked = await core.handle(_say(choice="catm:add"))
    assert "新分类叫什么" in _visible(asked)
    named = await core.handle(_say(zh))
    final = named
    if "英文名" in _visible(named):
        final = await core.handle(_say(choice="flow:skip") if en is None else _say(en))
    return named, final


#: What a person types as a name: a bare number presses the numbered choice of that number on a
#: platform without buttons (the terminal here) and ``/…`` is a command, so neither is a name
#: (tests/test_flow_buttons.py, tests/test_core_turns.py).
NAMES = TYPED.filter(
    lambda typed: (
        not typed.strip().startswith("/")
        and not (typed.strip().isascii() and typed.strip().isdigit())
    )
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(zh=NAMES, en=st.one_of(st.none(), NAMES))
def test_any_typed_name_is_stored_clean_or_refused_kindly(zh: str, en: str | None) -> None:
    asyncio.run(_typed(zh, en))


async def _typed(zh: str, en: str | None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        async with open_app(_config(folder), CLOCK) as app:
            named, final = await _add(app, zh, en)
            for out in (named, final):
                assert out and all("出了点问题" not in o.reply.text for o in out)
            added = await CategoryStore(app.db).added(1)
            want_zh = _expected(zh, CATEGORY_NAME_MAX)
            if want_zh is None or FIXED.find(want_zh) is not None:
                assert added == []  # refused, with a reason, and asked again
                return
            skipped = en is None or is_skip(en)  # "none", "没有": the skip button's words
            want_en = "" if skipped else _expected(en, CATEGORY_EN_MAX)
            if want_en is None or (want_en and FIXED.find(want_en) is not None):
                assert added == []  # a bad English name: asked again, nothing saved yet
                assert "英文名" in _visible(final)
                return
            (category,) = added
            assert (category.zh, category.en) == (want_zh, want_en)
            assert len(category.zh) <= CATEGORY_NAME_MAX
            # shown as text wherever it is shown: the list after saving, escaped
            assert f"{want_zh}（0 件）" in _visible(final)
            listed = [o for o in final if "本集市添加的" in o.reply.text]
            assert listed and html.escape(want_zh, quote=False) in listed[0].reply.text
            labels = [c.label for o in final for c in o.reply.flat_choices()]
            assert want_zh in labels  # button labels are plain text


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.text(alphabet=_CRAFT, min_size=2, max_size=CATEGORY_NAME_MAX))
def test_a_category_word_finds_the_goods_listed_under_it(name: str) -> None:
    asyncio.run(_finds(name))


async def _finds(name: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        async with open_app(_config(folder), CLOCK) as app:
            await _add(app, name, None)
            (category,) = await CategoryStore(app.db).added(1)
            stall = await app.store.stall_by_name(1, "老魏山货")
            assert stall is not None
            now = app.core.services.clock.now()
            goods = NewProduct("平遥小物", category.key, 900, "个")
            await app.store.add_product(stall.id, goods, now)
            market = await app.store.get_market(1)
            answer = await app.core.services.catalog.search(market, name, now, log=False)
            assert "平遥小物" in [g.name for g in answer.groups]
