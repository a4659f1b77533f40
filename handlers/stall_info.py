"""Buttons: my:info (in "my stall"). After registration a vendor changes the stall's name,
village, phone and intro, and chooses whether visitors may see the phone.

The stall's card shows the phone to visitors only with that consent (off until the vendor turns
it on, at registration or here). Every button carries only an id; ownership is checked again on
every press.
"""

from __future__ import annotations

from handlers.answers import question, read_line
from handlers.cards import rows
from handlers.my_stall import no_stall, own_stall
from marketbot.chat.context import Ctx
from marketbot.chat.flow import Flow, Handler, Invalid, Stale, Step
from marketbot.domain.model import Stall
from marketbot.domain.textinput import STALL_NAME_MAX, VILLAGE_MAX, clean_phone
from marketbot.neutral import Choice, Reply
from marketbot.texts import esc

__all__ = ["FLOW", "phone_consent_button", "register_choices", "stall_info"]


class S:
    """Conversation states (stored strings: renaming one needs a migration)."""

    NAME = "vendor.stall.name"
    VILLAGE = "vendor.stall.village"
    PHONE = "vendor.stall.phone"


def phone_consent_button(ctx: Ctx, shown: bool, prefix: str) -> Choice:
    """开 / 关 for "visitors may see my phone"; ``prefix:on`` / ``prefix:off``."""
    key = "stinfo.btn.hide_phone" if shown else "stinfo.btn.show_phone"
    return ctx.button(key, f"{prefix}:{'off' if shown else 'on'}")


async def _stall(ctx: Ctx) -> Stall | None:
    stall = await own_stall(ctx)
    return stall if no_stall(ctx, stall) is None else None


async def stall_info(ctx: Ctx, _arg: str = "") -> list[Reply]:
    stall = await own_stall(ctx)
    refusal = no_stall(ctx, stall)
    if refusal is not None or stall is None:
        return refusal or []
    consent = "stinfo.phone_shown" if stall.show_phone else "stinfo.phone_hidden"
    text = ctx.t(
        "stinfo.card",
        stall=esc(stall.name),
        vendor=esc(stall.vendor_name),
        village=esc(stall.village or "—"),
        phone=esc(stall.phone or ctx.t("register.no_phone")),
        consent=ctx.t(consent) if stall.phone else "",
        intro=esc(stall.intro or "—"),
    )
    buttons = [
        ctx.button("stinfo.btn.name", "stinfo:name"),
        ctx.button("stinfo.btn.village", "stinfo:village"),
        ctx.button("stinfo.btn.phone", "stinfo:phone"),
        ctx.button("btn.edit_intro", "my:intro"),
    ]
    if stall.phone:
        buttons.append(phone_consent_button(ctx, stall.show_phone, "stinfo:show"))
    buttons.append(ctx.button("menu.my_stall", "my:list:0"))
    return [Reply(text, choices=rows(buttons, 2), edit=True)]


async def set_phone_shown(ctx: Ctx, arg: str) -> list[Reply]:
    if arg not in ("on", "off"):
        raise Stale
    stall = await _stall(ctx)
    if stall is None:
        return await stall_info(ctx)
    await ctx.store.update_stall_info(stall.id, ctx.services.clock.now(), show_phone=arg == "on")
    return await stall_info(ctx)


def _starter(state: str) -> Handler:
    async def begin(ctx: Ctx, _arg: str) -> list[Reply]:
        if await _stall(ctx) is None:
            return await stall_info(ctx)
        ctx.start_flow(state)
        return await ctx.ask_again()

    return begin


async def ask_name(ctx: Ctx) -> list[Reply]:
    return [question(ctx, "stinfo.ask_name", limit=STALL_NAME_MAX)]


async def ask_village(ctx: Ctx) -> list[Reply]:
    return [question(ctx, "stinfo.ask_village", limit=VILLAGE_MAX)]


async def ask_phone(ctx: Ctx) -> list[Reply]:
    remove = ctx.button("stinfo.btn.no_phone", "stinfo:nophone")
    return [question(ctx, "stinfo.ask_phone", remove, contact=True)]


async def _save(ctx: Ctx, **changes: object) -> list[Reply]:
    stall = await _stall(ctx)
    ctx.end_flow()
    if stall is None:
        return await stall_info(ctx)
    if not await ctx.store.update_stall_info(stall.id, ctx.services.clock.now(), **changes):
        ctx.start_flow(S.NAME)
        raise Invalid(ctx.t("register.name_taken", name=esc(str(changes.get("name", "")))))
    return [Reply(ctx.t("my.updated")), *await stall_info(ctx)]


async def answer_name(ctx: Ctx, _text: str) -> list[Reply]:
    return await _save(ctx, name=read_line(ctx, STALL_NAME_MAX))


async def answer_village(ctx: Ctx, _text: str) -> list[Reply]:
    return await _save(ctx, village=read_line(ctx, VILLAGE_MAX))


async def answer_phone(ctx: Ctx, _text: str) -> list[Reply]:
    raw = ctx.inbound.contact_phone or ctx.inbound.text
    phone = clean_phone(raw) if raw else None
    if phone is None:
        raise Invalid(ctx.t("register.phone_invalid"))
    return await _save(ctx, phone=phone)


async def remove_phone(ctx: Ctx, _arg: str) -> list[Reply]:
    return await _save(ctx, phone=None, show_phone=False)


FLOW = Flow(
    "flow.edit",
    steps=(
        Step(S.NAME, ask_name, answer_name),
        Step(S.VILLAGE, ask_village, answer_village),
        Step(S.PHONE, ask_phone, answer_phone, buttons=("stinfo:nophone",)),
    ),
    buttons={"stinfo:nophone": remove_phone},
    starts={
        "stinfo:name": _starter(S.NAME),
        "stinfo:village": _starter(S.VILLAGE),
        "stinfo:phone": _starter(S.PHONE),
    },
)
"""Changing the stall's name, village or phone."""


def register_choices() -> list[tuple[str, Handler]]:
    """Buttons valid anywhere: (prefix, handler)."""
    return [("my:info", stall_info), ("stinfo:show", set_phone_shown)]
