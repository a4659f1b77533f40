"""Following a market and coming to it: reminders for visitors, "I'll come / not this time" for
vendors, who is coming to the next market day, "sold out" on the day, and reminder times.

Commands: /subscribe (reminders on or off), /reminders (secretaries: reminder times).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from handlers.answers import id_in, page_in
from handlers.cards import (
    PAGE_SIZE,
    current_market,
    no_market_on,
    page_buttons,
    product_line,
    rows,
)
from marketbot.calendar import format_market_day
from marketbot.chat.context import Ctx
from marketbot.chat.flow import Handler, Stale
from marketbot.domain.model import Market, StallStatus
from marketbot.domain.schedule import market_today, parse_day
from marketbot.neutral import Choice, Reply
from marketbot.services.market_days import attendance_buttons
from marketbot.storage.reminders import ReminderTimes
from marketbot.texts import esc

__all__ = [
    "NEXT_TIME",
    "next_open_day",
    "register_choices",
    "reminder_times",
    "sold_out",
    "stalls_coming_on",
    "subscribe_button",
    "toggle_subscription",
    "who_is_coming",
]

YEAR = timedelta(days=366)
"""How far ahead a vendor can say they come or not."""
EVENING_CHOICES = ("18:00", "19:00", "20:00")
MORNING_CHOICES = ("06:00", "07:00", "08:00")


async def _market(ctx: Ctx) -> Market | None:
    return await current_market(ctx)


async def subscribe_button(ctx: Ctx, market: Market) -> Choice:
    """The market card's reminder button, showing what pressing it will do."""
    if await ctx.services.days.reminders.is_subscribed(ctx.user.id, market.id):
        return ctx.button("sub.btn.off", f"sub:off:{market.id}")
    return ctx.button("sub.btn.on", f"sub:on:{market.id}")


async def _set_subscription(ctx: Ctx, market: Market, on: bool) -> list[Reply]:
    store = ctx.services.days.reminders
    if on:
        await store.subscribe(ctx.user.id, market.id, ctx.services.clock.now())
    else:
        await store.unsubscribe(ctx.user.id, market.id)
    key = "sub.on" if on else "sub.off"
    return [Reply(ctx.t(key, market=esc(market.name)), choices=_switch(ctx, market, on))]


def _switch(ctx: Ctx, market: Market, on: bool) -> tuple[tuple[Choice, ...], ...]:
    """开 / 关, the current one ticked, and the home button."""
    labels = {True: ctx.t("sub.btn.open"), False: ctx.t("sub.btn.close")}
    buttons = [
        Choice(
            f"sub:{'on' if state else 'off'}:{market.id}",
            ctx.t("sub.btn.current", label=labels[state]) if state == on else labels[state],
        )
        for state in (True, False)
    ]
    return rows(buttons, 2) + rows([ctx.button("btn.menu", "menu:main")])


async def toggle_subscription(ctx: Ctx, _arg: str = "") -> list[Reply]:
    """/subscribe: reminders for this market on; when they are on already, their state with
    开 / 关 buttons (sending it twice never turns them off)."""
    market = await _market(ctx)
    if market is None:
        return [Reply(ctx.t("market.none"))]
    if not await ctx.services.days.reminders.is_subscribed(ctx.user.id, market.id):
        return await _set_subscription(ctx, market, True)
    text = ctx.t("sub.state_on", market=esc(market.name))
    return [Reply(text, choices=_switch(ctx, market, True))]


async def subscription(ctx: Ctx, arg: str) -> list[Reply]:
    action, _, ident = arg.partition(":")
    market = await ctx.store.get_market(mid) if (mid := id_in(ident)) is not None else None
    if market is None or action not in ("on", "off"):
        raise Stale
    return await _set_subscription(ctx, market, action == "on")


# vendors coming --------------------------------------------------------------------------


async def _vendor_market(ctx: Ctx) -> tuple[int, Market] | None:
    stall = await ctx.store.stall_of_owner(ctx.user.id)
    if stall is None or stall.status is not StallStatus.APPROVED:
        return None
    market = await ctx.store.get_market(stall.market_id)
    return (stall.id, market) if market is not None else None


async def next_open_day(ctx: Ctx, market: Market) -> date | None:
    """The next market day not opened yet: the one a vendor's coming is asked for."""
    return await ctx.services.days.next_open_day(market, ctx.services.clock.now())


NEXT_TIME = frozenset({"下次", "下回", "这次", "下个", "下个集", "下一集", "下一次", "next"})
"""Words for the next market day not opened yet."""
_COMING_WORDS = re.compile(
    r"^(?P<day>下次|下回|这次|下个集|下一集|下一次|[^不没来去]{1,8}?)?的?(?:集市|集|赶集)?"
    r"(?P<no>不|没空|去不了|来不了)?(?:会)?(?P<yes>(?:照常|还)?(?:去|来|出摊|摆摊)|照常)?(?:了|啦)?$"
)
"""A vendor saying whether they come to the next market or on a day (下次集市我不去了, 下次照常来,
明天不来了, 周六出摊; 我去 alone: the next one)."""


@dataclass(frozen=True, slots=True)
class ComingWords:
    """A vendor's words about coming: whether they come, and the words naming the day (None: the
    next market day)."""

    coming: bool
    day_words: str | None


def said_coming(text: str) -> ComingWords | None:
    """What the words say of the vendor coming; ``None`` when they say neither."""
    normal = re.sub(r"[\s，,。.!！]|我|俺", "", unicodedata.normalize("NFKC", text))
    found = _COMING_WORDS.match(normal)
    if found is None or not (found["no"] or found["yes"]):
        return None
    day = None if found["day"] is None or found["day"] in NEXT_TIME else found["day"]
    return ComingWords(found["no"] is None, day)


async def coming_in_words(ctx: Ctx, said: ComingWords) -> list[Reply] | None:
    """A vendor's words about coming, taken as the attendance buttons' answer for the day they
    name (the next market day by default); for a stall awaiting approval, that it is; ``None``
    for someone with no other stall (the words are a question then) or a day that is no date
    (马上来)."""
    found = await _vendor_market(ctx)
    if found is None:
        stall = await ctx.store.stall_of_owner(ctx.user.id)
        if stall is None or stall.status is not StallStatus.PENDING:
            return None
        return [Reply(ctx.t("att.pending", name=esc(stall.name)))]
    market = found[1]
    if said.day_words is None:
        day = await next_open_day(ctx, market)
        if day is None:
            return [Reply(ctx.t("att.no_day"))]
    else:
        today = market_today(ctx.services.clock.now(), market.timezone)
        day = parse_day(said.day_words, today)
        if day is None:
            return None
        held = await ctx.services.days.held_through(market, today, day)
        if day not in held:
            text = no_market_on(ctx, day, held, said.day_words)
            return [Reply(text, choices=rows([ctx.button("att.btn.ask", "att:ask")]))]
    return await answer_attendance(ctx, f"{'y' if said.coming else 'n'}:{day.isoformat()}")


async def ask_attendance(ctx: Ctx, _arg: str) -> list[Reply]:
    found = await _vendor_market(ctx)
    if found is None:
        return [Reply(ctx.t("att.not_vendor"))]
    day = await next_open_day(ctx, found[1])
    if day is None:
        return [Reply(ctx.t("att.no_day"))]
    return [
        Reply(
            ctx.t("att.ask", day=esc(format_market_day(day, ctx.lang))),
            choices=attendance_buttons(ctx.lang, day),
        )
    ]


async def answer_attendance(ctx: Ctx, arg: str) -> list[Reply]:
    answer, _, iso = arg.partition(":")
    found = await _vendor_market(ctx)
    if found is None:
        return [Reply(ctx.t("att.not_vendor"))]
    stall_id, market = found
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        raise Stale from None
    if answer not in ("y", "n"):
        raise Stale
    days = ctx.services.days
    now = ctx.services.clock.now()
    shown = esc(format_market_day(day, ctx.lang))
    if days.opens_at(market, day) <= now:
        return [Reply(ctx.t("att.closed", day=shown))]
    today = market_today(now, market.timezone)
    if not today <= day <= today + YEAR or day not in await days.held_through(market, today, day):
        raise Stale
    await days.reminders.set_attendance(stall_id, day, answer == "y", now)
    key = "att.yes" if answer == "y" else "att.no"
    return [Reply(ctx.t(key, day=shown), choices=attendance_buttons(ctx.lang, day))]


async def who_is_coming(ctx: Ctx, arg: str = "") -> list[Reply]:
    """The stalls that said they come to the next market day not opened yet (``arg``: a page),
    or to a later
    one (``arg``: its ISO date, then ``:page``), with what they sell, a page at a time (a
    county's market can have a hundred)."""
    market = await _market(ctx)
    if market is None:
        return [Reply(ctx.t("market.none"))]
    iso, _, page_arg = arg.partition(":") if "-" in arg else ("", "", arg)
    now = ctx.services.clock.now()
    asked = _iso_day(iso, market_today(now, market.timezone))
    held = (
        await ctx.services.days.held_through(market, market_today(now, market.timezone), asked)
        if asked
        else []
    )
    day = asked if asked in held else await next_open_day(ctx, market)
    if day is None:
        return [Reply(ctx.t("days.none_set"))]
    return await stalls_coming_on(ctx, market, day, page_in(page_arg))


def _iso_day(text: str, today: date) -> date | None:
    """A day a button carries, from ``today`` to a year on; None for anything else."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if today <= day <= today + YEAR else None


async def stalls_coming_on(ctx: Ctx, market: Market, day: date, page: int) -> list[Reply]:
    """The stalls of ``market`` that said they come on ``day`` (a held day), a page; its
    buttons page on through :func:`who_is_coming` (the day they carry)."""
    shown = esc(format_market_day(day, ctx.lang))
    back = [ctx.button("btn.menu", "menu:main")]
    lines = [ctx.t("who.title", day=shown)]
    buttons: list[Choice] = []
    coming = []
    for stall_id in await ctx.services.days.reminders.coming_stall_ids(day):
        stall = await ctx.store.get_stall(stall_id)
        if stall is not None and stall.visible and stall.market_id == market.id:
            coming.append(stall)
    for stall in coming[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]:
        goods = [p for p in await ctx.store.products_of_stall(stall.id) if p.in_stock]
        lines.append(f"🧺 <b>{esc(stall.name)}</b>")
        lines += [f"　• {product_line(ctx, p)}" for p in goods[:6]]
        buttons.append(Choice(f"stall:{stall.id}", stall.name))
    if not buttons:
        return [Reply(ctx.t("who.none", day=shown), choices=rows(back))]
    pages = page_buttons(ctx, f"who:next:{day.isoformat()}", page, len(coming))
    return [Reply("\n".join(lines), choices=rows(buttons, 2) + rows(pages, 2) + rows(back))]


# sold out on the day -------------------------------------------------------------------


async def sold_out(ctx: Ctx) -> list[Reply] | None:
    """A vendor typing "卖完了": pick what is sold out, or everything. None for non-vendors."""
    stall = await ctx.store.stall_of_owner(ctx.user.id)
    if stall is None:
        return None
    products = await ctx.store.products_of_stall(stall.id)
    if not products:
        add = ctx.button("btn.add_product", "my:add")
        return [Reply(ctx.t("sold.no_goods"), choices=rows([add]))]
    goods = [p for p in products if p.in_stock]
    if not goods:
        return [Reply(ctx.t("sold.nothing"))]
    buttons = [Choice(f"my:stock:{p.id}", p.name) for p in goods[:20]]
    return [
        Reply(
            ctx.t("sold.pick"),
            choices=rows(buttons, 3) + rows([ctx.button("sold.all", "sold:all")]),
        )
    ]


async def all_sold_out(ctx: Ctx, _arg: str) -> list[Reply]:
    stall = await ctx.store.stall_of_owner(ctx.user.id)
    if stall is None:
        return [Reply(ctx.t("not_yours"))]
    now = ctx.services.clock.now()
    for product in await ctx.store.products_of_stall(stall.id):
        if product.in_stock:
            await ctx.store.update_product(product.id, now, in_stock=False)
    return [
        Reply(ctx.t("sold.all_done"), choices=rows([ctx.button("menu.my_stall", "my:list:0")]))
    ]


# reminder times (secretaries) ------------------------------------------------------------


async def reminder_times(ctx: Ctx, _arg: str = "") -> list[Reply]:
    if not ctx.is_secretary:
        return [Reply(ctx.t("sec.only"))]
    market = await _market(ctx)
    if market is None:
        return [Reply(ctx.t("market.none"))]
    times = await ctx.services.days.reminders.times(market.id)
    off = ctx.t("remset.off")
    buttons = [
        ctx.button("remset.btn.evening", f"remset:e:{h.replace(':', '')}", time=h)
        for h in EVENING_CHOICES
    ]
    buttons.append(ctx.button("remset.btn.evening_off", "remset:e:off"))
    buttons += [
        ctx.button("remset.btn.morning", f"remset:m:{h.replace(':', '')}", time=h)
        for h in MORNING_CHOICES
    ]
    buttons.append(ctx.button("remset.btn.morning_off", "remset:m:off"))
    text = ctx.t(
        "remset.title",
        market=esc(market.name),
        evening=times.evening or off,
        morning=times.morning or off,
    )
    return [
        Reply(
            text, choices=rows(buttons, 4) + rows([ctx.button("btn.back", "sec:menu")]), edit=True
        )
    ]


async def set_reminder_time(ctx: Ctx, arg: str) -> list[Reply]:
    if not ctx.is_secretary:
        return [Reply(ctx.t("sec.only"))]
    which, _, value = arg.partition(":")
    market = await _market(ctx)
    allowed = EVENING_CHOICES if which == "e" else MORNING_CHOICES if which == "m" else ()
    chosen = None if value == "off" else f"{value[:2]}:{value[2:]}"
    if market is None or not allowed or (chosen is not None and chosen not in allowed):
        raise Stale
    store = ctx.services.days.reminders
    times = await store.times(market.id)
    if which == "e":
        times = ReminderTimes(evening=chosen, morning=times.morning)
    else:
        times = ReminderTimes(evening=times.evening, morning=chosen)
    await store.set_times(market.id, times)
    await ctx.services.days.replan(market.id)
    return await reminder_times(ctx)


def register_choices() -> list[tuple[str, Handler]]:
    return [
        ("sub", subscription),
        ("att:ask", ask_attendance),
        ("att", answer_attendance),
        ("who:next", who_is_coming),
        ("sold:all", all_sold_out),
        ("remset:show", reminder_times),
        ("remset", set_reminder_time),
    ]
