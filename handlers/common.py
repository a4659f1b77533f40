"""Commands that work for everyone and everywhere: /help, /cancel, /lang; the skip and cancel
buttons of every flow; the replies for stale buttons, unknown commands and unexpected photos.

Commands: /help, /cancel, /lang (all three also work in the middle of a flow).
"""

from __future__ import annotations

from handlers import secretary, vendor
from handlers.cards import rows
from marketbot.chat.context import Ctx
from marketbot.neutral import Choice, Reply

__all__ = [
    "busy",
    "cancel",
    "help_",
    "language",
    "set_language",
    "skip",
    "stale",
    "unexpected_media",
    "unknown_command",
]

_FLOW_NAMES = {
    "vendor.reg": "flow.register",
    "vendor.add": "flow.add",
    "vendor.edit": "flow.edit",
    "secretary.reject": "flow.reject",
    "days.": "flow.schedule",
    "market.new": "flow.new_market",
}


def _flow_name(ctx: Ctx) -> str:
    state = ctx.conv.state or ""
    for prefix, key in _FLOW_NAMES.items():
        if state.startswith(prefix):
            return ctx.t(key)
    return ctx.t("flow.other")


async def help_(ctx: Ctx, _arg: str) -> list[Reply]:
    text = ctx.t("help.everyone") + "\n\n" + ctx.t("help.vendor")
    if ctx.is_secretary:
        text += "\n\n" + ctx.t("help.secretary")
    if ctx.conv.state:
        return [Reply(text), *await ctx.ask_again()]
    return [Reply(text, choices=rows([ctx.button("btn.menu", "menu:main")]))]


async def cancel(ctx: Ctx, _arg: str) -> list[Reply]:
    menu = rows([ctx.button("btn.menu", "menu:main")])
    if not ctx.conv.state:
        return [Reply(ctx.t("cancel.nothing"), choices=menu)]
    name = _flow_name(ctx)
    ctx.end_flow()
    return [Reply(ctx.t("cancel.done", flow=name), choices=menu)]


async def language(ctx: Ctx, _arg: str) -> list[Reply]:
    buttons = [Choice("lang:zh", "中文"), Choice("lang:en", "English")]
    return [Reply(ctx.t("lang.pick"), choices=rows(buttons, 2))]


async def set_language(ctx: Ctx, arg: str) -> list[Reply]:
    if arg == "menu":
        return await language(ctx, "")
    if arg not in ("zh", "en"):
        return [Reply(ctx.t("stale"))]
    await ctx.store.set_language(ctx.user.id, arg)
    ctx.lang = "en" if arg == "en" else "zh"
    if ctx.conv.state:
        return [Reply(ctx.t("lang.set")), *await ctx.ask_again()]
    return [Reply(ctx.t("lang.set"), choices=rows([ctx.button("btn.menu", "menu:main")]))]


async def skip(ctx: Ctx, arg: str) -> list[Reply]:
    if ctx.conv.state in vendor.SKIPPABLE:
        return await vendor.skip(ctx, arg)
    if ctx.conv.state == secretary.REJECT_STATE:
        return await secretary.skip_reason(ctx, arg)
    return [Reply(ctx.t("stale")), *await ctx.ask_again()]


async def stale(ctx: Ctx) -> list[Reply]:
    return [Reply(ctx.t("stale"))]


async def busy(ctx: Ctx) -> list[Reply]:
    return [Reply(ctx.t("busy", flow=_flow_name(ctx)))]


async def unknown_command(ctx: Ctx) -> list[Reply]:
    return [Reply(ctx.t("unknown_command"))]


async def unexpected_media(ctx: Ctx) -> list[Reply]:
    key = "media.contact" if ctx.inbound.contact_phone else "media.photo"
    return [Reply(ctx.t(key), choices=rows([ctx.button("btn.menu", "menu:main")]))]
