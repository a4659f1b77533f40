"""Routing one inbound message: button presses by id prefix, commands, the current flow step,
and free text last.

Order (see :meth:`Router.dispatch`): a pressed button (or a typed label / number of one of the
choices last shown) → an entry through a link or code → a command → the step the user is in →
free text. A command other than
/cancel, /help and /lang in the middle of a flow does not abandon it: the user is reminded where
they are and the question is asked again.

Flows are declared with :mod:`marketbot.chat.flow`. A step's button pressed in any other state
(an old message, a forged id) gets the stale reply and the current question again — here, in one
place; so does a handler that raises :class:`~marketbot.chat.flow.Stale`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from marketbot.chat.context import Ctx
from marketbot.chat.flow import Asker, Flow, Guard, Handler, Invalid, Stale, Step
from marketbot.neutral import Reply

__all__ = ["Command", "FlowReply", "Handler", "Router"]

FlowReply = Callable[[Ctx, Flow | None], Awaitable[list[Reply]]]
"""A reply about the flow the user is in (None: no flow the router knows)."""


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    handler: Handler
    description_key: str
    during_flow: bool = False
    """Runs even in the middle of a flow (/cancel, /help, /lang)."""
    for_secretaries: bool = False
    """A village secretary's tool: named in words, it is only run for a secretary."""


class Router:
    """The routing tables; handlers register in `handlers.register`, in one ordered place."""

    def __init__(self) -> None:
        self.commands: dict[str, Command] = {}
        self.choices: dict[str, Handler] = {}
        self.flow_starters: set[str] = set()
        self.steps: dict[str, Step] = {}
        self.flows: dict[str, Flow] = {}
        """The flow of each state."""
        self.guards: dict[str, Guard] = {}
        """Who may press a guarded flow's buttons, by prefix."""
        self.button_states: dict[str, frozenset[str]] = {}
        """The states each step button (by prefix) may be pressed in."""
        self.free_text: Handler | None = None
        self.entry: Handler | None = None
        """Takes the payload of a link or code someone came in through (``stall_42``)."""
        self.stale: Asker | None = None
        self.busy: FlowReply | None = None
        self.cancelled: FlowReply | None = None
        """Ends the user's flow (/cancel and the cancel button) and says so."""
        self.unexpected_media: Asker | None = None
        self.unknown_command: Asker | None = None

    def command(self, command: Command) -> None:
        if command.name in self.commands:
            raise ValueError(f"command /{command.name} registered twice")
        self.commands[command.name] = command

    def choice(self, prefix: str, handler: Handler, *, starts_flow: bool = False) -> None:
        """Route ids ``prefix`` and ``prefix:…``; a flow starter waits until a flow has ended."""
        if prefix in self.choices:
            raise ValueError(f"choice prefix {prefix!r} registered twice")
        self.choices[prefix] = handler
        if starts_flow:
            self.flow_starters.add(prefix)

    def buttons(self, table: Iterable[tuple[str, Handler]]) -> None:
        """Buttons valid in any state: (prefix, handler)."""
        for prefix, handler in table:
            self.choice(prefix, handler)

    def flow(self, flow: Flow) -> None:
        """A flow's steps, its buttons (valid only in the steps naming them) and starters."""
        if any(known is flow for known in self.flows.values()):
            raise ValueError(f"flow {flow.name!r} registered twice")
        for step in flow.steps:
            if step.state in self.steps:
                raise ValueError(f"state {step.state!r} registered twice")
            self.steps[step.state] = step
            self.flows[step.state] = flow
        for prefix, handler in flow.buttons.items():
            self.choice(prefix, handler)
        for prefix, handler in flow.starts.items():
            self.choice(prefix, handler, starts_flow=True)
        self.button_states.update(flow.button_states())
        if flow.guard is not None:
            self.guards.update(dict.fromkeys([*flow.buttons, *flow.starts], flow.guard))

    def menu(self) -> list[Command]:
        return list(self.commands.values())

    def _choice_route(self, choice_id: str) -> tuple[str, Handler, str] | None:
        prefix, arg = choice_id, ""
        while True:
            handler = self.choices.get(prefix)
            if handler is not None:
                return prefix, handler, arg
            if ":" not in prefix:
                return None
            prefix, rest = prefix.rsplit(":", 1)
            arg = f"{rest}:{arg}" if arg else rest

    def _in_flow(self, ctx: Ctx) -> bool:
        return ctx.conv.state in self.steps

    async def ask_again(self, ctx: Ctx) -> list[Reply]:
        """Repeat the question of the user's current step (nothing when not in a flow)."""
        step = self.steps.get(ctx.conv.state or "")
        return await step.ask(ctx) if step else []

    async def skip(self, ctx: Ctx, _arg: str = "") -> list[Reply]:
        """The skip button: what the current step's ``skip`` says, else stale."""
        step = self.steps.get(ctx.conv.state or "")
        if step is None or step.skip is None:
            raise Stale
        if isinstance(step.skip, str):
            ctx.goto(step.skip)
            return await self.steps[step.skip].ask(ctx)
        return await step.skip(ctx)

    async def cancel(self, ctx: Ctx, _arg: str = "") -> list[Reply]:
        """/cancel and the cancel button: the ``cancelled`` reply, told which flow it ends."""
        assert self.cancelled is not None
        return await self.cancelled(ctx, self.flows.get(ctx.conv.state or ""))

    async def dispatch(self, ctx: Ctx, choice: str | None) -> list[Reply]:
        try:
            return await self._route(ctx, choice)
        except Invalid as err:
            return [Reply(err.reply), *await self.ask_again(ctx)]
        except Stale:
            return await self._stale(ctx)

    async def _route(self, ctx: Ctx, choice: str | None) -> list[Reply]:
        inbound = ctx.inbound
        if choice is not None:
            return await self._press(ctx, choice)
        if inbound.entry is not None and self.entry is not None:
            if self._in_flow(ctx):
                return await self._busy(ctx)
            return await self.entry(ctx, inbound.entry)
        text = (inbound.text or "").strip()
        if text.startswith("/") and len(text) > 1:
            name, _, arg = text[1:].partition(" ")
            name = name.split("@", 1)[0].lower()
            command = self.commands.get(name)
            if command is not None:
                if self._in_flow(ctx) and not command.during_flow:
                    return await self._busy(ctx)
                return await command.handler(ctx, arg.strip())
            assert self.unknown_command is not None
            return await self.unknown_command(ctx) + await self.ask_again(ctx)
        step = self.steps.get(ctx.conv.state or "")
        if step is not None:
            return await step.answer(ctx, inbound.text or "")
        if inbound.photo is not None or inbound.contact_phone is not None:
            assert self.unexpected_media is not None
            return await self.unexpected_media(ctx)
        assert self.free_text is not None
        return await self.free_text(ctx, text)

    async def _press(self, ctx: Ctx, choice: str) -> list[Reply]:
        """A button: its flow's guard, then "busy" for a starter or stale for a step button
        pressed in another state, then its handler."""
        route = self._choice_route(choice)
        if route is None:
            raise Stale
        prefix, handler, arg = route
        guard = self.guards.get(prefix)
        refusal = guard(ctx) if guard else None
        if refusal is not None:
            return refusal
        if prefix in self.flow_starters and self._in_flow(ctx):
            return await self._busy(ctx)
        states = self.button_states.get(prefix)
        if states is not None and ctx.conv.state not in states:
            raise Stale
        return await handler(ctx, arg)

    async def _busy(self, ctx: Ctx) -> list[Reply]:
        assert self.busy is not None
        flow = self.flows.get(ctx.conv.state or "")
        return await self.busy(ctx, flow) + await self.ask_again(ctx)

    async def _stale(self, ctx: Ctx) -> list[Reply]:
        assert self.stale is not None
        return await self.stale(ctx) + await self.ask_again(ctx)
