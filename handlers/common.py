"""Commands: /help, /cancel, /lang (all three also work in the middle of a flow).

What works for everyone and everywhere: help, cancelling a flow (the command and every flow's
cancel button), the language; the replies for stale buttons, a command in the middle of a flow,
unknown commands and unexpected photos.
"""

from __future__ import annotations

from handlers.cards import rows
from marketbot.chat.context import Ctx
from marketbot.chat.flow import Flow, Stale
from marketbot.neutral import Choice, Reply

__all__ = [
    "busy",
    "cancel",
    "help_",
    "language",
    "set_language",
    "stale",
    "unexpected_media",
    "unknown_command",
]


def _flow_name(ctx: Ctx, flow: Flow | None) -> str:
    return ctx.t(flow.name if flow else "flow.other")


async def help_(ctx: Ctx, _arg: str) -> list[Reply]:
    text = ctx.t("help.everyone") + "\n\n" + ctx.t("help.vendor")
    if ctx.is_secretary:
        text += "\n\n" + ctx.t("help.secretary")
    if ctx.conv.state:
        return [Reply(text), *await ctx.ask_again()]
    return [Reply(text, choices=rows([ctx.button("btn.menu", "menu:main")]))]


async def cancel(ctx: Ctx, flow: Flow | None) -> list[Reply]:
    """Ends the flow the user is in (/cancel and the cancel button)."""
    menu = rows([ctx.button("btn.menu", "menu:main")])
    if not ctx.conv.state:
        return [Reply(ctx.t("cancel.nothing"), choices=menu)]
    name = _flow_name(ctx, flow)
    ctx.end_flow()
    return [Reply(ctx.t("cancel.done", flow=name), choices=menu)]


async def language(ctx: Ctx, _arg: str) -> list[Reply]:
    buttons = [Choice("lang:zh", "中文"), Choice("lang:en", "English")]
    return [Reply(ctx.t("lang.pick"), choices=rows(buttons, 2))]


async def set_language(ctx: Ctx, arg: str) -> list[Reply]:
    if arg == "menu":
        return await language(ctx, "")
    if arg not in ("zh", "en"):
        raise Stale
    await ctx.store.set_language(ctx.user.id, arg)
    ctx.lang = "en" if arg == "en" else "zh"
    if ctx.conv.state:
        return [Reply(ctx.t("lang.set")), *await ctx.ask_again()]
    return [Reply(ctx.t("lang.set"), choices=rows([ctx.button("btn.menu", "menu:main")]))]


async def stale(ctx: Ctx) -> list[Reply]:
    return [Reply(ctx.t("stale"))]


async def busy(ctx: Ctx, flow: Flow | None) -> list[Reply]:
    return [Reply(ctx.t("busy", flow=_flow_name(ctx, flow)))]


async def unknown_command(ctx: Ctx) -> list[Reply]:
    return [Reply(ctx.t("unknown_command"))]


async def unexpected_media(ctx: Ctx) -> list[Reply]:
    key = "media.contact" if ctx.inbound.contact_phone else "media.photo"
    return [Reply(ctx.t(key), choices=rows([ctx.button("btn.menu", "menu:main")]))]
