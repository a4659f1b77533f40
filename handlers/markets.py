"""Several markets on one bot (neighbouring villages): visitors pick the market they look at;
secretaries add a market (name, place, opening hours).

Buttons only: "换个集市 / Other markets" on the home screen, "新建集市" in the secretary tools.
A QR code or link ``/start market_<id>`` also picks a market.
"""

from __future__ import annotations

import re
from dataclasses import replace

from handlers import visitor
from handlers.answers import cancel_button, id_in, page_in, read_line
from handlers.cards import PAGE_SIZE, page_buttons, rows
from handlers.secretary import secretaries_only
from marketbot.chat.context import Ctx
from marketbot.chat.flow import Flow, Handler, Stale, Step
from marketbot.domain.textinput import VILLAGE_MAX
from marketbot.neutral import Choice, Reply
from marketbot.texts import esc

__all__ = ["FLOW", "parse_hours", "register_choices"]

NAME_STATE = "market.new.name"
PLACE_STATE = "market.new.place"
HOURS_STATE = "market.new.hours"
NAME_MAX = 30
PLACE_MAX = 60

_HOURS = re.compile(
    r"^\s*(\d{1,2})[:：点](\d{2})?\s*(?:-|–|—|~|～|到|至)\s*(\d{1,2})[:：点](\d{2})?\s*$"
)


def parse_hours(text: str) -> tuple[str, str] | None:
    """``08:00-13:00``, ``8:00~13:00``, ``8点到13点`` → ("08:00", "13:00"); None if unreadable."""
    match = _HOURS.match(text)
    if match is None:
        return None
    h1, m1, h2, m2 = match[1], match[2] or "00", match[3], match[4] or "00"
    opens, closes = (int(h1), int(m1)), (int(h2), int(m2))
    if not all(h < 24 and m < 60 for h, m in (opens, closes)) or opens >= closes:
        return None
    return f"{opens[0]:02d}:{opens[1]:02d}", f"{closes[0]:02d}:{closes[1]:02d}"


async def list_markets(ctx: Ctx, arg: str) -> list[Reply]:
    """Every market, a page at a time."""
    page = page_in(arg)
    markets = await ctx.store.markets()
    shown = markets[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    buttons = [Choice(f"mkt:go:{m.id}", m.name) for m in shown]
    lines = [ctx.t("mkt.list")]
    lines += [f"• <b>{esc(m.name)}</b> — {esc(m.place)}" for m in shown]
    pages = page_buttons(ctx, "mkt:list", page, len(markets))
    return [
        Reply(
            "\n".join(lines),
            choices=rows(buttons, 2)
            + rows(pages, 2)
            + rows([ctx.button("btn.menu", "menu:main")]),
            edit=True,
        )
    ]


async def choose(ctx: Ctx, arg: str) -> list[Reply]:
    market = await ctx.store.get_market(mid) if (mid := id_in(arg)) is not None else None
    if market is None:
        raise Stale
    await ctx.store.set_user_market(ctx.user.id, market.id)
    ctx.user = replace(ctx.user, market_id=market.id)
    return await visitor.main_menu(ctx)


async def begin_new(ctx: Ctx, _arg: str) -> list[Reply]:
    ctx.start_flow(NAME_STATE)
    return await ask_name(ctx)


async def ask_name(ctx: Ctx) -> list[Reply]:
    return [Reply(ctx.t("mkt.ask_name", limit=NAME_MAX), choices=rows([cancel_button(ctx)]))]


async def answer_name(ctx: Ctx, _text: str) -> list[Reply]:
    ctx.conv.data["name"] = read_line(ctx, NAME_MAX)
    ctx.goto(PLACE_STATE)
    return await ask_place(ctx)


async def ask_place(ctx: Ctx) -> list[Reply]:
    return [Reply(ctx.t("mkt.ask_place", limit=PLACE_MAX), choices=rows([cancel_button(ctx)]))]


async def answer_place(ctx: Ctx, _text: str) -> list[Reply]:
    ctx.conv.data["place"] = read_line(ctx, max(PLACE_MAX, VILLAGE_MAX))
    ctx.goto(HOURS_STATE)
    return await ask_hours(ctx)


async def ask_hours(ctx: Ctx) -> list[Reply]:
    buttons = [
        Choice("mkt:hours:0800-1300", "08:00–13:00"),
        Choice("mkt:hours:0700-1200", "07:00–12:00"),
    ]
    return [Reply(ctx.t("mkt.ask_hours"), choices=rows([*buttons, cancel_button(ctx)], 2))]


async def _create(ctx: Ctx, opens: str, closes: str) -> list[Reply]:
    refusal = secretaries_only(ctx)
    if refusal is not None:
        ctx.end_flow()
        return refusal
    data = ctx.conv.data
    market = await ctx.store.create_market(
        name=data["name"],
        place=data["place"],
        opens=opens,
        closes=closes,
        timezone=ctx.services.config.bot.timezone,
        now=ctx.services.clock.now(),
    )
    ctx.end_flow()
    await ctx.store.set_user_market(ctx.user.id, market.id)
    ctx.user = replace(ctx.user, market_id=market.id)
    buttons = [ctx.button("days.btn.schedule", "days:sched"), ctx.button("btn.menu", "menu:main")]
    return [Reply(ctx.t("mkt.created", name=esc(market.name)), choices=rows(buttons, 2))]


async def answer_hours(ctx: Ctx, text: str) -> list[Reply]:
    hours = parse_hours(text)
    if hours is None:
        return [Reply(ctx.t("mkt.hours_invalid")), *await ask_hours(ctx)]
    return await _create(ctx, *hours)


async def pick_hours(ctx: Ctx, arg: str) -> list[Reply]:
    match = re.fullmatch(r"(\d{2})(\d{2})-(\d{2})(\d{2})", arg)
    hours = parse_hours(f"{match[1]}:{match[2]}-{match[3]}:{match[4]}") if match else None
    if hours is None:
        raise Stale
    return await _create(ctx, *hours)


FLOW = Flow(
    "flow.new_market",
    steps=(
        Step(NAME_STATE, ask_name, answer_name),
        Step(PLACE_STATE, ask_place, answer_place),
        Step(HOURS_STATE, ask_hours, answer_hours, buttons=("mkt:hours",)),
    ),
    buttons={"mkt:hours": pick_hours},
    starts={"mkt:new": begin_new},
    guard=secretaries_only,
)


def register_choices() -> list[tuple[str, Handler]]:
    """Buttons valid anywhere: (prefix, handler)."""
    return [("mkt:list", list_markets), ("mkt:go", choose)]
