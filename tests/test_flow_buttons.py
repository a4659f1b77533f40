"""The real flows under the router: stored states keep their names, a step's button pressed in
another state is refused with the question again, and button ids from outside (never trusted:
ids and arguments are checked) never break a conversation."""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from handlers import build_router, listing
from marketbot.app import open_app
from marketbot.chat.flow import SKIP
from marketbot.clock import FixedClock
from marketbot.config import Config, DatabaseConfig
from marketbot.neutral import Inbound
from marketbot.texts import t
from tests.conftest import SHANGHAI, Chat

STALE = t("zh", "stale")
ROUTER = build_router()

STORED_STATES = {
    *(f"vendor.reg.{s}" for s in ("stall_name", "vendor_name", "village", "phone", "intro")),
    "vendor.reg.confirm",
    *(f"vendor.add.{s}" for s in ("name", "category", "price", "unit", "photo", "description")),
    "vendor.add.preview",
    "vendor.add.batch",
    *(f"vendor.stall.{s}" for s in ("name", "village", "phone")),
    *(f"vendor.edit.{s}" for s in ("price", "name", "description", "photo", "intro")),
    "secretary.reject_reason",
    *(f"days.{s}" for s in ("phrase", "confirm", "move_to", "reason", "change_preview")),
    *(f"bc.{s}" for s in ("text", "photo", "audience", "preview", "time")),
    "bc.vendor.text",
    "bc.vendor.preview",
    *(f"market.new.{s}" for s in ("name", "place", "hours")),
    *(f"secretary.categories.{s}" for s in ("name", "english")),
}


def test_stored_states_keep_their_names() -> None:
    """Conversations saved by earlier versions resume: renaming a state needs a migration."""
    assert set(ROUTER.steps) == STORED_STATES


def test_skip_targets() -> None:
    skips = {state: step.skip for state, step in ROUTER.steps.items() if step.skip is not None}
    assert skips["vendor.reg.phone"] == "vendor.reg.intro"
    assert skips["vendor.reg.intro"] == "vendor.reg.confirm"
    # skipping a field changed from the preview goes back to the preview: an action, not a state
    assert skips["vendor.add.photo"] is listing.skip_photo
    assert skips["vendor.add.description"] is listing.skip_description
    assert set(skips) == {
        "vendor.reg.phone",
        "vendor.reg.intro",
        "vendor.add.photo",
        "vendor.add.description",
        "vendor.edit.description",
        "secretary.reject_reason",
        "secretary.categories.english",
    }


async def _state(chat: Chat, name: str) -> str | None:
    user = (await chat.app.store.users_by_platform_ids("console", [name]))[0]
    return (await chat.app.store.get_conversation(user.id)).state


async def test_a_save_button_from_an_old_preview_is_refused_mid_flow(chat: Chat) -> None:
    await chat.as_("laowei")
    question = await chat.send("/add")
    replies = await chat.app.core.handle(Inbound("console", "laowei", "laowei", choice="add:save"))
    assert replies[0].reply.text == STALE
    assert [o.reply.text for o in replies[1:]] == [o.reply.text for o in chat.last]
    assert "商品名称" in question
    assert await _state(chat, "laowei") == "vendor.add.name"


async def test_skip_on_a_step_without_skip_is_refused(chat: Chat) -> None:
    await chat.as_("laowei")
    await chat.send("/add")
    replies = await chat.app.core.handle(Inbound("console", "laowei", "laowei", choice=SKIP))
    assert replies[0].reply.text == STALE
    assert "商品名称" in replies[1].reply.text
    assert await _state(chat, "laowei") == "vendor.add.name"


# Hypothesis: ids pressed from outside -------------------------------------------------------

ARGS = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        [
            *("", "1", "0", "-1", "99999999999999", "1:2", ":", "zh", "veg", "斤", "skip"),
            *("2026-12-04", "y:2026-12-04", "0800-1300", "everyone", "market:1", "on:1"),
        ]
    ),
)
PREFIXES = sorted(ROUTER.choices)
IDS = st.one_of(
    st.builds(lambda p, a: f"{p}:{a}" if a else p, st.sampled_from(PREFIXES), ARGS),
    st.text(max_size=70),
)
STEP_BUTTONS = st.builds(
    lambda p, a: f"{p}:{a}" if a else p, st.sampled_from(sorted(ROUTER.button_states)), ARGS
)
# Who presses, and how they reach a state first (none: no flow).
ROUTES: dict[tuple[str, str | None], list[Inbound | str]] = {
    ("laowei", None): [],
    ("laowei", "vendor.add.name"): ["/add"],
    ("laowei", "vendor.add.category"): ["/add", "新货"],
    ("secretary", None): [],
    ("secretary", "bc.text"): ["/broadcast"],
    ("secretary", "market.new.name"): [
        Inbound("console", "secretary", "secretary", choice="mkt:new")
    ],
}
INTERNAL = t("zh", "error.internal")


def _inbound(name: str, step: Inbound | str) -> Inbound:
    return step if isinstance(step, Inbound) else Inbound("console", name, name, text=step)


async def _press(route: tuple[str, str | None], choice: str) -> tuple[str | None, list[str]]:
    """Reach the state of ``route``, press ``choice``; the state before and the replies."""
    name, state = route
    with tempfile.TemporaryDirectory() as folder:
        config = replace(Config(), database=DatabaseConfig(str(Path(folder) / "f.db")))
        clock = FixedClock(datetime(2026, 12, 1, 10, tzinfo=SHANGHAI))
        async with open_app(config, clock) as app:
            for step in ROUTES[route]:
                await app.core.handle(_inbound(name, step))
            user = (await app.store.users_by_platform_ids("console", [name]))[0]
            assert (await app.store.get_conversation(user.id)).state == state
            replies = await app.core.handle(Inbound("console", name, name, choice=choice))
            after = (await app.store.get_conversation(user.id)).state
            return after, [o.reply.text for o in replies]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(route=st.sampled_from(sorted(ROUTES, key=str)), choice=IDS)
def test_any_button_id_from_outside_gets_a_kind_reply(
    route: tuple[str, str | None], choice: str
) -> None:
    _, texts = asyncio.run(_press(route, choice))
    assert texts
    assert INTERNAL not in texts


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(route=st.sampled_from(sorted(ROUTES, key=str)), choice=STEP_BUTTONS)
def test_a_step_button_outside_its_state_is_refused(
    route: tuple[str, str | None], choice: str
) -> None:
    name, state = route
    prefix = max((p for p in ROUTER.button_states if f"{choice}:".startswith(f"{p}:")), key=len)
    assume(state not in ROUTER.button_states[prefix])  # pressed in its own state: it runs
    assume(name == "secretary" or prefix not in ROUTER.guards)  # the flow's guard refuses first
    after, texts = asyncio.run(_press(route, choice))
    assert texts[0] == STALE
    assert after == state
    assert len(texts) > 1 if state else len(texts) == 1


async def test_skip_while_editing_a_description_clears_it(chat: Chat) -> None:
    """The question says "skip clears it", so it shows the skip button."""
    await chat.as_("laowei")
    await chat.send("/mystall")
    product_id = int(next(c for c in chat.choice_ids() if c.startswith("my:prod:")).split(":")[2])
    before = await chat.app.store.get_product(product_id)
    assert before is not None
    assert before.description
    replies = await chat.app.core.handle(
        Inbound("console", "laowei", "laowei", choice=f"my:desc:{product_id}")
    )
    assert SKIP in [c.id for o in replies for c in o.reply.flat_choices()]
    replies = await chat.app.core.handle(Inbound("console", "laowei", "laowei", choice=SKIP))
    assert replies[0].reply.text == t("zh", "my.updated")
    product = await chat.app.store.get_product(product_id)
    assert product is not None
    assert product.description == ""
