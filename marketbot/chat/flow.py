"""The flow helper: a conversation flow declared in one place — its name, its steps (a stored
state, the question and how its answer is taken), the buttons valid in each step, where "skip"
goes, which buttons start it and who may press its buttons.

Usage::

    FLOW = Flow(
        "flow.add",  # text key naming the flow in /cancel's and "busy" replies
        steps=(
            Step("vendor.add.name", ask_name, answer_name),
            Step("vendor.add.unit", ask_unit, answer_unit, buttons=("add:unit",)),
            Step("vendor.add.photo", ask_photo, answer_photo, skip="vendor.add.description"),
            Step("vendor.add.description", ask_description, answer_description, skip=no_text),
        ),
        buttons={"add:unit": choose_unit},  # pressed only in the steps that name them
        starts={"my:add": start_add},  # wait until another flow has ended
    )

and one line in ``handlers.register``: ``router.flow(listing.FLOW)``. The router
(:mod:`marketbot.chat.dispatch`) refuses a step's button pressed in another state with the stale
reply and the question again, so button handlers never check the state themselves.

States are stored strings: renaming one strands conversations saved under the old name, so it
needs a migration. Handlers raise :class:`Invalid` (its reply, then the question again) for an
answer that cannot be used and :class:`Stale` for a button whose id or argument does not check.
A declaration that does not add up (a step naming a button the flow has no handler for, a skip
to a state of no step) raises ``ValueError`` when the module is imported.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

from marketbot.chat.context import Ctx
from marketbot.neutral import Reply

__all__ = ["CANCEL", "SKIP", "Asker", "Flow", "Guard", "Handler", "Invalid", "Stale", "Step"]

Handler = Callable[[Ctx, str], Awaitable[list[Reply]]]
"""Takes the context and an argument (command text, the rest of a choice id, typed text)."""

Asker = Callable[[Ctx], Awaitable[list[Reply]]]
"""Asks a step's question (again), or does what a skip does."""

Guard = Callable[[Ctx], list[Reply] | None]
"""The refusal for someone who may not press a flow's buttons; None lets them through."""

SKIP = "flow:skip"
"""The id of every "skip" button: the router does what the current step's ``skip`` says."""
CANCEL = "flow:cancel"
"""The id of every "cancel" button: the same as /cancel."""


class Invalid(Exception):
    """An answer that cannot be used; ``reply`` explains what to type instead."""

    def __init__(self, reply: str) -> None:
        super().__init__(reply)
        self.reply = reply


class Stale(Exception):
    """A button that no longer applies: an old message, a forged id or argument, someone
    else's."""


@dataclass(frozen=True, slots=True)
class Step:
    """A question: ``ask`` (re)asks it, ``answer`` takes what the user typed or sent.

    ``buttons`` are the choice-id prefixes valid while the user is here (their handlers are the
    flow's ``buttons``). ``skip`` is where the skip button goes: a state of the same flow (its
    question is asked) or an action; without it a skip press is stale.
    """

    state: str
    ask: Asker
    answer: Handler
    buttons: tuple[str, ...] = ()
    skip: str | Asker | None = None


@dataclass(frozen=True, slots=True)
class Flow:
    """A named group of steps with the buttons that belong to them."""

    name: str
    steps: tuple[Step, ...]
    buttons: Mapping[str, Handler] = field(default_factory=dict)
    """Handlers of the steps' buttons, by choice-id prefix."""
    starts: Mapping[str, Handler] = field(default_factory=dict)
    """Buttons that start this flow; pressed during another flow, they get the "busy" reply."""
    guard: Guard | None = None
    """Who may press this flow's buttons (checked before the state)."""

    def __post_init__(self) -> None:
        states = [step.state for step in self.steps]
        if not states or len(set(states)) != len(states):
            raise ValueError(f"flow {self.name!r}: no steps, or a state twice in {states}")
        named = {prefix for step in self.steps for prefix in step.buttons}
        if named - self.buttons.keys():
            unknown = sorted(named - self.buttons.keys())
            raise ValueError(f"flow {self.name!r}: steps name unknown buttons {unknown}")
        if self.buttons.keys() - named:
            unused = sorted(self.buttons.keys() - named)
            raise ValueError(f"flow {self.name!r}: buttons {unused} are valid in no step")
        if self.buttons.keys() & self.starts.keys():
            raise ValueError(f"flow {self.name!r}: a button both starts the flow and is a step's")
        for step in self.steps:
            if isinstance(step.skip, str) and step.skip not in states:
                raise ValueError(f"flow {self.name!r}: {step.state} skips to unknown {step.skip}")

    def button_states(self) -> dict[str, frozenset[str]]:
        """Each step button's prefix with the states it may be pressed in."""
        return {
            prefix: frozenset(step.state for step in self.steps if prefix in step.buttons)
            for prefix in self.buttons
        }
