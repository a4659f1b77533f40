"""The flow helper and the router on a toy flow: a step's button is refused in another state with
the question asked again, skip goes where the step says, Invalid and Stale become replies, and a
declaration that does not add up fails when it is made or registered."""

from __future__ import annotations

from typing import Any

import pytest

from marketbot.chat.context import Ctx
from marketbot.chat.dispatch import Router
from marketbot.chat.flow import CANCEL, SKIP, Flow, Invalid, Stale, Step
from marketbot.domain.model import User
from marketbot.neutral import Inbound, Reply
from marketbot.storage.market_data import Conversation

ONE, TWO, THREE = "toy.one", "toy.two", "toy.three"
pressed: list[str] = []


def _asker(text: str) -> Any:
    async def ask(_ctx: Ctx) -> list[Reply]:
        return [Reply(text)]

    return ask


async def _answer(ctx: Ctx, text: str) -> list[Reply]:
    if text == "bad":
        raise Invalid("type something else")
    ctx.goto(TWO)
    return [Reply(f"took {text}")]


async def _go(ctx: Ctx, arg: str) -> list[Reply]:
    if arg == "forged":
        raise Stale
    pressed.append(arg)
    ctx.end_flow()
    return [Reply(f"went {arg}")]


async def _start(ctx: Ctx, _arg: str) -> list[Reply]:
    ctx.start_flow(ONE)
    return [Reply("started")]


async def _clear(ctx: Ctx) -> list[Reply]:
    ctx.end_flow()
    return [Reply("cleared")]


def _toy(**changes: Any) -> Flow:
    declared: dict[str, Any] = {
        "name": "flow.add",
        "steps": (
            Step(ONE, _asker("question one"), _answer, skip=TWO),
            Step(TWO, _asker("question two"), _answer, buttons=("toy:go",), skip=_clear),
            Step(THREE, _asker("question three"), _answer),
        ),
        "buttons": {"toy:go": _go},
        "starts": {"toy:start": _start},
    }
    return Flow(**(declared | changes))


async def _reply(text: str) -> list[Reply]:
    return [Reply(text)]


def _router(*flows: Flow) -> Router:
    router = Router()
    router.choice(CANCEL, router.cancel)
    router.choice(SKIP, router.skip)
    for flow in flows:
        router.flow(flow)
    router.stale = lambda ctx: _reply("STALE")
    router.busy = lambda ctx, flow: _reply(f"BUSY {flow.name if flow else None}")
    router.cancelled = lambda ctx, flow: _reply(f"CANCELLED {flow.name if flow else None}")
    return router


def _ctx(
    router: Router, state: str | None, *, text: str | None = None, secretary: bool = False
) -> Ctx:
    user = User(1, "console", "u", "u", "u", None, None, is_secretary=secretary)
    return Ctx(
        services=None,  # the toy handlers use no services
        user=user,
        lang="en",
        conv=Conversation(state=state),
        inbound=Inbound("console", "u", "u", text=text),
        is_secretary=secretary,
        router=router,
    )


async def _texts(router: Router, ctx: Ctx, choice: str | None = None) -> list[str]:
    return [reply.text for reply in await router.dispatch(ctx, choice)]


async def test_a_button_of_another_state_is_refused_and_the_question_asked_again() -> None:
    router = _router(_toy())
    pressed.clear()
    for state, question in ((ONE, "question one"), (THREE, "question three")):
        ctx = _ctx(router, state)
        assert await _texts(router, ctx, "toy:go:x") == ["STALE", question]
        assert ctx.conv.state == state
    ctx = _ctx(router, None)
    assert await _texts(router, ctx, "toy:go:x") == ["STALE"]  # no flow, no question
    assert pressed == []


async def test_a_button_in_its_state_gets_its_argument() -> None:
    router = _router(_toy())
    pressed.clear()
    ctx = _ctx(router, TWO)
    assert await _texts(router, ctx, "toy:go:a:b") == ["went a:b"]
    assert pressed == ["a:b"]
    assert ctx.conv.state is None


async def test_skip_goes_to_the_steps_target_and_asks_it() -> None:
    router = _router(_toy())
    ctx = _ctx(router, ONE)
    assert await _texts(router, ctx, SKIP) == ["question two"]
    assert ctx.conv.state == TWO
    assert await _texts(router, ctx, SKIP) == ["cleared"]  # an action instead of a state
    assert ctx.conv.state is None


async def test_skip_where_the_step_has_none_is_stale() -> None:
    router = _router(_toy())
    ctx = _ctx(router, THREE)
    assert await _texts(router, ctx, SKIP) == ["STALE", "question three"]
    assert ctx.conv.state == THREE
    assert await _texts(router, _ctx(router, None), SKIP) == ["STALE"]


async def test_invalid_answer_and_stale_argument_ask_the_question_again() -> None:
    router = _router(_toy())
    ctx = _ctx(router, ONE, text="bad")
    assert await _texts(router, ctx) == ["type something else", "question one"]
    assert ctx.conv.state == ONE
    ctx = _ctx(router, TWO)
    assert await _texts(router, ctx, "toy:go:forged") == ["STALE", "question two"]
    assert ctx.conv.state == TWO


async def test_a_starter_waits_and_cancel_names_the_flow() -> None:
    router = _router(_toy())
    ctx = _ctx(router, TWO)
    assert await _texts(router, ctx, "toy:start") == ["BUSY flow.add", "question two"]
    assert await _texts(router, ctx, CANCEL) == ["CANCELLED flow.add"]
    assert await _texts(router, _ctx(router, None), "toy:start") == ["started"]


async def test_the_guard_is_asked_before_the_state() -> None:
    def guard(ctx: Ctx) -> list[Reply] | None:
        return None if ctx.is_secretary else [Reply("secretaries only")]

    router = _router(_toy(guard=guard))
    assert await _texts(router, _ctx(router, ONE), "toy:go:x") == ["secretaries only"]
    assert await _texts(router, _ctx(router, None), "toy:start") == ["secretaries only"]
    assert await _texts(router, _ctx(router, ONE, secretary=True), "toy:go:x") == [
        "STALE",
        "question one",
    ]


def test_registering_a_flow_twice_fails() -> None:
    flow = _toy()
    router = _router(flow)
    with pytest.raises(ValueError, match="registered twice"):
        router.flow(flow)
    other = _toy(
        buttons={"other:go": _go}, steps=(Step(ONE, _asker("q"), _answer, ("other:go",)),)
    )
    with pytest.raises(ValueError, match=f"state '{ONE}' registered twice"):
        _router(flow, other)
    with pytest.raises(ValueError, match="'toy:go' registered twice"):
        _router(
            flow, _toy(steps=(Step("toy.four", _asker("q"), _answer, ("toy:go",)),), starts={})
        )


def test_a_step_naming_an_unknown_button_fails() -> None:
    with pytest.raises(ValueError, match="unknown buttons"):
        _toy(steps=(Step(ONE, _asker("q"), _answer, buttons=("toy:og",)),), buttons={})


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"steps": (Step(ONE, _asker("q"), _answer),)}, "valid in no step"),
        ({"steps": (Step(ONE, _asker("q"), _answer, ("toy:go",), skip="toy.nowhere"),)}, "skips"),
        ({"steps": ()}, "no steps"),
        ({"steps": (Step(TWO, _asker("q"), _answer, ("toy:go",)),) * 2}, "a state twice"),
        ({"starts": {"toy:go": _start}}, "both starts"),
    ],
)
def test_a_declaration_that_does_not_add_up_fails(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        _toy(**changes)
