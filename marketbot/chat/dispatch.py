"""Routing one inbound message: button presses by id prefix, commands, the current flow step,
and free text last.

Order (see :meth:`Router.dispatch`): a pressed button (or a typed label / number of one of the
choices last shown) → an entry through a link or code → a command → the step the user is in →
free text. A command other than
/cancel, /help and /lang in the middle of a flow does not abandon it: the user is reminded where
they are and the question is asked again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from marketbot.chat.context import Ctx
from marketbot.neutral import Reply

__all__ = ["Command", "Handler", "Router", "Step"]

Handler = Callable[[Ctx, str], Awaitable[list[Reply]]]
"""Takes the context and an argument (command text, the rest of a choice id, typed text)."""

Asker = Callable[[Ctx], Awaitable[list[Reply]]]


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    handler: Handler
    description_key: str
    during_flow: bool = False
    """Runs even in the middle of a flow (/cancel, /help, /lang)."""


@dataclass(frozen=True, slots=True)
class Step:
    """A question in a flow: ``ask`` (re)asks it, ``answer`` takes what the user sent."""

    state: str
    ask: Asker
    answer: Handler


class Router:
    """The routing tables; handlers register in `handlers.register`, in one ordered place."""

    def __init__(self) -> None:
        self.commands: dict[str, Command] = {}
        self.choices: dict[str, Handler] = {}
        self.flow_starters: set[str] = set()
        self.steps: dict[str, Step] = {}
        self.free_text: Handler | None = None
        self.entry: Handler | None = None
        """Takes the payload of a link or code someone came in through (``stall_42``)."""
        self.stale: Asker | None = None
        self.busy: Asker | None = None
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

    def step(self, step: Step) -> None:
        if step.state in self.steps:
            raise ValueError(f"state {step.state!r} registered twice")
        self.steps[step.state] = step

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

    async def ask_again(self, ctx: Ctx) -> list[Reply]:
        """Repeat the question of the user's current step (nothing when not in a flow)."""
        step = self.steps.get(ctx.conv.state or "")
        return await step.ask(ctx) if step else []

    async def dispatch(self, ctx: Ctx, choice: str | None) -> list[Reply]:
        inbound = ctx.inbound
        if choice is not None:
            route = self._choice_route(choice)
            if route is None:
                return await self._stale(ctx)
            prefix, handler, arg = route
            if prefix in self.flow_starters and ctx.conv.state in self.steps:
                return await self._busy(ctx)
            return await handler(ctx, arg)
        if inbound.entry is not None and self.entry is not None:
            if ctx.conv.state in self.steps:
                return await self._busy(ctx)
            return await self.entry(ctx, inbound.entry)
        text = (inbound.text or "").strip()
        if text.startswith("/") and len(text) > 1:
            name, _, arg = text[1:].partition(" ")
            name = name.split("@", 1)[0].lower()
            command = self.commands.get(name)
            if command is not None:
                if ctx.conv.state in self.steps and not command.during_flow:
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

    async def _busy(self, ctx: Ctx) -> list[Reply]:
        assert self.busy is not None
        return await self.busy(ctx) + await self.ask_again(ctx)

    async def _stale(self, ctx: Ctx) -> list[Reply]:
        assert self.stale is not None
        return await self.stale(ctx) + await self.ask_again(ctx)
