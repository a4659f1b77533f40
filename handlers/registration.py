"""Commands: /register. Registering a stall, and the main menu's vendor button.

Stall name → vendor name (the own name as a button) → village → phone (optional; share-contact
button where the platform has one) → intro (optional) → preview → submitted; every secretary
gets approve / reject buttons. A vendor who introduces themselves in the first answer instead
(``我叫王大爷，东泉村的，卖核桃，电话139…``) is asked only what that left open, the stall's name
first (with one made of their name and goods as a button).
"""

from __future__ import annotations

from handlers import my_stall
from handlers.answers import (
    buttons_answer,
    cancel_button,
    question,
    read_line,
    read_text,
    skip_button,
    skippable,
)
from handlers.cards import current_market, rows
from handlers.secretary import notify_secretaries
from handlers.stall_info import phone_consent_button
from marketbot.chat.context import Ctx
from marketbot.chat.flow import Asker, Flow, Handler, Invalid, Stale, Step
from marketbot.domain.model import StallStatus
from marketbot.domain.self_intro import SelfIntro, read_self_intro
from marketbot.domain.textinput import (
    INTRO_MAX,
    PERSON_NAME_MAX,
    STALL_NAME_MAX,
    VILLAGE_MAX,
    TextError,
    clean_line,
    clean_phone,
)
from marketbot.neutral import Choice, Reply
from marketbot.storage.market_data import NewStall
from marketbot.texts import esc

__all__ = ["FLOW", "start_registration"]


class S:
    """Conversation states (stored strings: renaming one needs a migration)."""

    STALL = "vendor.reg.stall_name"
    NAME = "vendor.reg.vendor_name"
    VILLAGE = "vendor.reg.village"
    PHONE = "vendor.reg.phone"
    INTRO = "vendor.reg.intro"
    CONFIRM = "vendor.reg.confirm"


async def _market_id(ctx: Ctx) -> int:
    """The market a new stall joins: the one the vendor is looking at."""
    market = await current_market(ctx)
    assert market is not None
    return market.id


async def start_registration(ctx: Ctx, _arg: str = "") -> list[Reply]:
    stall = await my_stall.own_stall(ctx)
    if stall is not None and stall.status is not StallStatus.REJECTED:
        return [
            Reply(
                ctx.t(f"register.already.{stall.status.value}", name=esc(stall.name)),
                choices=rows([ctx.button("menu.my_stall", "my:list:0")]),
            )
        ]
    if not await ctx.store.markets():
        return [Reply(ctx.t("market.none"))]
    ctx.start_flow(S.STALL)
    return [Reply(ctx.t("register.intro")), *await ask_stall_name(ctx)]


def introduction_first(fallback: Handler) -> Handler:
    """Free text: someone without a stall introducing themselves as a vendor (我叫王大爷，
    东泉村的，卖核桃，电话…: an introduction naming goods, a phone or a stall) starts the
    registration with all they said kept; anything else goes on to ``fallback``."""

    async def handle(ctx: Ctx, text: str) -> list[Reply]:
        said = read_self_intro(text) if ctx.inbound.text else None
        if said is None or not (said.goods or said.phone or said.stall_name):
            return await fallback(ctx, text)
        stall = await my_stall.own_stall(ctx)
        if stall is not None and stall.status is not StallStatus.REJECTED:
            return await fallback(ctx, text)
        if not await ctx.store.markets():
            return [Reply(ctx.t("market.none"))]
        ctx.start_flow(S.STALL)
        return [Reply(ctx.t("register.intro_said")), *await _introduced(ctx, said)]

    return handle


async def vendor_menu(ctx: Ctx, _arg: str) -> list[Reply]:
    """The main menu's vendor button: my stall if I have one, else registration."""
    stall = await my_stall.own_stall(ctx)
    if stall is None or stall.status is StallStatus.REJECTED:
        return await start_registration(ctx)
    return await my_stall.my_stall(ctx)


async def ask_stall_name(ctx: Ctx) -> list[Reply]:
    suggested = ctx.conv.data.get("suggested")
    buttons = [Choice("reg:sug", str(suggested))] if suggested else []
    return [question(ctx, "register.ask_stall_name", *buttons, limit=STALL_NAME_MAX)]


async def answer_stall_name(ctx: Ctx, text: str) -> list[Reply]:
    said = read_self_intro(text) if ctx.inbound.text else None
    if said is not None:
        return await _introduced(ctx, said)
    return await _set_stall_name(ctx, read_line(ctx, STALL_NAME_MAX))


async def _set_stall_name(ctx: Ctx, name: str) -> list[Reply]:
    taken = await ctx.store.stall_by_name(await _market_id(ctx), name)
    if taken is not None and taken.owner_id != ctx.user.id:
        raise Invalid(ctx.t("register.name_taken", name=esc(name)))
    ctx.conv.data["stall_name"] = name
    return await _go_on(ctx)


async def use_suggested(ctx: Ctx, _arg: str) -> list[Reply]:
    suggested = ctx.conv.data.get("suggested")
    if not suggested:
        raise Stale
    return await _set_stall_name(ctx, str(suggested))


async def _introduced(ctx: Ctx, said: SelfIntro) -> list[Reply]:
    """Everything a vendor said of themselves in one message, kept; then the first question
    it left open (the stall's name, with one made of their name and goods as a button)."""
    data = ctx.conv.data
    fields = {
        "vendor_name": said.vendor_name,
        "village": said.village,
        "phone": said.phone,
        "intro": said.intro,
    }
    data.update({key: value for key, value in fields.items() if value})
    data["suggested"] = said.suggested_stall_name()
    understood = [
        ctx.t(f"register.said.{key}", value=esc(value)) for key, value in fields.items() if value
    ]
    noted = Reply(ctx.t("register.understood", said="\n".join(understood)))
    if said.stall_name:
        try:
            return [noted, *await _set_stall_name(ctx, said.stall_name)]
        except Invalid as taken:
            return [noted, Reply(taken.reply), *await ask_stall_name(ctx)]
    return [noted, *await ask_stall_name(ctx)]


async def _go_on(ctx: Ctx) -> list[Reply]:
    """The next question after this one not answered yet (an introduction may have answered
    several), else the preview."""
    steps: tuple[tuple[str, str, Asker], ...] = (
        ("stall_name", S.STALL, ask_stall_name),
        ("vendor_name", S.NAME, ask_vendor_name),
        ("village", S.VILLAGE, ask_village),
        ("phone", S.PHONE, ask_phone),
        ("intro", S.INTRO, ask_intro),
    )
    here = next((i for i, step in enumerate(steps) if step[1] == ctx.conv.state), -1)
    for key, state, ask in steps[here + 1 :]:
        if key not in ctx.conv.data:
            ctx.goto(state)
            return await ask(ctx)
    ctx.goto(S.CONFIRM)
    return await ask_confirm(ctx)


def _own_name(ctx: Ctx) -> str | None:
    try:
        return clean_line(ctx.user.display_name, max_len=PERSON_NAME_MAX)
    except TextError:
        return None


async def ask_vendor_name(ctx: Ctx) -> list[Reply]:
    own = _own_name(ctx)
    buttons = [Choice("reg:me", own)] if own else []
    return [question(ctx, "register.ask_vendor_name", *buttons, limit=PERSON_NAME_MAX)]


async def _set_vendor_name(ctx: Ctx, name: str) -> list[Reply]:
    ctx.conv.data["vendor_name"] = name
    return await _go_on(ctx)


async def answer_vendor_name(ctx: Ctx, _text: str) -> list[Reply]:
    return await _set_vendor_name(ctx, read_line(ctx, PERSON_NAME_MAX))


async def use_own_name(ctx: Ctx, _arg: str) -> list[Reply]:
    own = _own_name(ctx)
    if own is None:
        raise Stale
    return await _set_vendor_name(ctx, own)


async def ask_village(ctx: Ctx) -> list[Reply]:
    return [question(ctx, "register.ask_village", limit=VILLAGE_MAX)]


async def answer_village(ctx: Ctx, _text: str) -> list[Reply]:
    ctx.conv.data["village"] = read_line(ctx, VILLAGE_MAX)
    return await _go_on(ctx)


async def ask_phone(ctx: Ctx) -> list[Reply]:
    return [question(ctx, "register.ask_phone", skip_button(ctx), contact=True)]


async def answer_phone(ctx: Ctx, _text: str) -> list[Reply]:
    raw = ctx.inbound.contact_phone or ctx.inbound.text
    phone = clean_phone(raw) if raw else None
    if phone is None:
        raise Invalid(ctx.t("register.phone_invalid"))
    ctx.conv.data["phone"] = phone
    return await _go_on(ctx)


async def ask_intro(ctx: Ctx) -> list[Reply]:
    return [question(ctx, "register.ask_intro", skip_button(ctx), limit=INTRO_MAX)]


async def answer_intro(ctx: Ctx, _text: str) -> list[Reply]:
    ctx.conv.data["intro"] = read_text(ctx, INTRO_MAX)
    return await _go_on(ctx)


async def ask_confirm(ctx: Ctx) -> list[Reply]:
    data = ctx.conv.data
    text = ctx.t(
        "register.preview",
        stall=esc(data["stall_name"]),
        vendor=esc(data["vendor_name"]),
        village=esc(data["village"]),
        phone=esc(data.get("phone") or ctx.t("register.no_phone")),
        intro=esc(data.get("intro") or "—"),
    )
    buttons = [ctx.button("btn.submit", "reg:submit"), ctx.button("btn.restart", "reg:restart")]
    if data.get("phone"):  # visitors see the phone only if the vendor says so
        shown = bool(data.get("show_phone"))
        text = text.replace(
            esc(data["phone"]),
            esc(data["phone"]) + ctx.t("stinfo.phone_shown" if shown else "stinfo.phone_hidden"),
            1,
        )
        buttons.append(phone_consent_button(ctx, shown, "reg:showphone"))
    return [Reply(text, choices=rows([*buttons, cancel_button(ctx)], 2))]


async def show_phone(ctx: Ctx, arg: str) -> list[Reply]:
    if arg not in ("on", "off"):
        raise Stale
    ctx.conv.data["show_phone"] = arg == "on"
    return await ask_confirm(ctx)


async def restart(ctx: Ctx, _arg: str) -> list[Reply]:
    ctx.start_flow(S.STALL)
    return await ask_stall_name(ctx)


async def submit(ctx: Ctx, _arg: str) -> list[Reply]:
    data = ctx.conv.data
    new = NewStall(
        name=data["stall_name"],
        vendor_name=data["vendor_name"],
        village=data["village"],
        phone=data.get("phone"),
        intro=data.get("intro", ""),
        show_phone=bool(data.get("phone") and data.get("show_phone")),
    )
    now = ctx.services.clock.now()
    stall = await ctx.store.submit_stall(
        owner_id=ctx.user.id, market_id=await _market_id(ctx), stall=new, now=now
    )
    if stall is None or stall.status is not StallStatus.PENDING:
        ctx.goto(S.STALL)
        return [
            Reply(ctx.t("register.name_taken", name=esc(new.name))),
            *await ask_stall_name(ctx),
        ]
    ctx.end_flow()
    await notify_secretaries(ctx, stall)
    buttons = [ctx.button("btn.add_product", "my:add"), ctx.button("btn.menu", "menu:main")]
    return [Reply(ctx.t("register.submitted", name=esc(stall.name)), choices=rows(buttons, 2))]


_BUTTONS: dict[str, Handler] = {
    "reg:me": use_own_name,
    "reg:sug": use_suggested,
    "reg:submit": submit,
    "reg:restart": restart,
    "reg:showphone": show_phone,
}

FLOW = Flow(
    "flow.register",
    steps=(
        Step(S.STALL, ask_stall_name, answer_stall_name, buttons=("reg:sug",)),
        Step(S.NAME, ask_vendor_name, answer_vendor_name, buttons=("reg:me",)),
        Step(S.VILLAGE, ask_village, answer_village),
        Step(S.PHONE, ask_phone, skippable(answer_phone, _go_on), skip=S.INTRO),
        Step(S.INTRO, ask_intro, skippable(answer_intro, _go_on), skip=S.CONFIRM),
        Step(
            S.CONFIRM,
            ask_confirm,
            buttons_answer(_BUTTONS, confirm="reg:submit"),
            buttons=("reg:submit", "reg:restart", "reg:showphone"),
        ),
    ),
    buttons=_BUTTONS,
    starts={"reg:start": start_registration, "menu:vendor": vendor_menu},
)
