"""Hypothesis over what people type: in every flow step, any text, photo or contact gets a reply,
never an internal error; the flow stays at its step or moves on; saved goods are untouched."""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketbot.app import open_app
from marketbot.clock import FixedClock
from marketbot.config import Config, DatabaseConfig
from marketbot.neutral import Inbound, InPhoto
from tests.conftest import SHANGHAI

TYPED = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1000, max_size=5000),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "<b>x</b>",
            "'); DROP TABLE products;--",
            "😀",
            "-5",
            "0",
            "1e9",
            "/add",
            "/start stall_999",
            "/nonsense",
            "十五块",
            "35元/瓶",
            "**bold**",
            "\u202e",
        ]
    ),
)

# How to reach each step from a fresh "laowei" (who owns an approved demo stall).
ROUTES = {
    "vendor.add.name": ["/add"],
    "vendor.add.price": ["/add", "新货", "1"],
    "vendor.add.unit": ["/add", "新货", "1", "15"],
    "vendor.add.description": ["/add", "新货", "1", "15", "1", "跳过"],
    "vendor.edit.intro": ["/mystall", "✏️ 改摊位介绍"],
}

NEXT: dict[str, set[str | None]] = {
    # "沙棘膏 35元一瓶" in one message: its preview (or the unit when the price had none)
    "vendor.add.name": {
        "vendor.add.category",
        "vendor.add.unit",
        "vendor.add.preview",
        "vendor.add.batch",
    },
    "vendor.add.price": {"vendor.add.unit", "vendor.add.photo"},
    "vendor.add.unit": {"vendor.add.photo"},
    "vendor.add.description": {"vendor.add.preview"},
    "vendor.edit.intro": {None},
}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(state=st.sampled_from(sorted(ROUTES)), typed=TYPED, kind=st.sampled_from(["text", "photo"]))
def test_any_input_in_any_step_is_handled_kindly(state: str, typed: str, kind: str) -> None:
    asyncio.run(_check(state, typed, kind))


async def _check(state: str, typed: str, kind: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        config = replace(Config(), database=DatabaseConfig(str(Path(folder) / "f.db")))
        clock = FixedClock(datetime(2026, 12, 1, 10, tzinfo=SHANGHAI))
        async with open_app(config, clock) as app:
            core, store = app.core, app.store

            def say(text: str) -> Inbound:
                return Inbound("console", "laowei", "laowei", text=text)

            for line in ROUTES[state]:
                await core.handle(say(line))
            user = (await store.users_by_platform_ids("console", ["laowei"]))[0]
            conv = await store.get_conversation(user.id)
            assert conv.state == state
            # typing a shown choice's number or label presses it (1 = ✖️ 取消 here): that is
            # the numbering the person sees, not bad input
            numbers = {str(n) for n in range(1, len(conv.choices) + 1)}
            presses = kind == "text" and typed.strip() in numbers
            before = [p for p, _ in await store.all_products_with_stalls()]
            inbound = (
                say(typed)
                if kind == "text"
                else Inbound(
                    "console",
                    "laowei",
                    "laowei",
                    photo=InPhoto("console:x", b"\x89PNG"),
                    text=typed or None,
                )
            )
            replies = await core.handle(inbound)
            assert replies, "every message gets an answer"
            assert all("出了点问题" not in o.reply.text for o in replies)
            after = (await store.get_conversation(user.id)).state
            assert presses or after == state or after in NEXT[state]  # bad input keeps the step
            assert [p for p, _ in await store.all_products_with_stalls()] == before
