"""Market days: secretaries set the schedule as the notice board writes it and cancel or move
single days; everyone asks when the next market is.

Commands: /schedule (secretaries), /next. Typed questions such as 下次集市什么时候 or "when is the
next market" are answered before the free-text search.

Setting the schedule: phrase (逢三六九…) → the bot's understanding with the next dates (and the
day-30 setting when a lunar 30th is missing within a year) → confirm, type again or cancel.
Changing a day: schedule view → a date → cancel it, or move it (type the new date) → reason.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from datetime import date, timedelta

from handlers import following, search
from handlers.answers import buttons_answer, cancel_button, read_line
from handlers.cards import current_market, day_word, no_market_on, rows
from handlers.secretary import secretaries_only
from marketbot.calendar import (
    CalendarOptions,
    MarketRule,
    RuleParseError,
    day30_note,
    describe_rule,
    format_market_day,
    leap_fair_note,
    parse_rule,
    short_day,
)
from marketbot.calendar.lunar import LAST_DATE
from marketbot.calendar.rules import Day30
from marketbot.chat.context import Ctx
from marketbot.chat.flow import Asker, Flow, Handler, Invalid, Stale, Step
from marketbot.domain.model import Market
from marketbot.domain.schedule import (
    DayChange,
    Schedule,
    UpcomingDay,
    market_today,
    parse_day,
)
from marketbot.domain.schedule import upcoming as upcoming_days
from marketbot.domain.textinput import DESCRIPTION_MAX
from marketbot.neutral import Choice, Reply
from marketbot.storage.schedules import ScheduleStore
from marketbot.texts import esc

__all__ = [
    "FLOW",
    "free_text",
    "is_next_market_question",
    "next_market",
    "register_choices",
    "schedule",
]

PHRASE_STATE = "days.phrase"
CONFIRM_STATE = "days.confirm"
MOVE_STATE = "days.move_to"
REASON_STATE = "days.reason"
CHANGE_PREVIEW_STATE = "days.change_preview"

COUNT = 5
"""How many market days the confirmation and the views show."""
PHRASE_MAX = 80
DATE_MAX = 30
YEAR = timedelta(days=365)
LEAP_WINDOW = timedelta(days=4 * 365)
"""How far ahead a leap month is looked for (one comes about every three years)."""
_DAY30: dict[str, Day30] = {"skip": "skip", "day29": "day29", "next1": "next1"}

_ZH_QUESTION = re.compile(
    r"(下次|下一次|下回|哪天|哪一天|什么时候|啥时候|几号|何时)(有|是|再|去)?(赶集|集市|大集|逢集|开集|集)"
    r"|(集市|赶集|大集|逢集)(是|在)?(哪天|哪一天|什么时候|啥时候|几号|日期)"
)
_EN_QUESTION = re.compile(r"\bnext market\b|\bwhen\b.*\bmarkets?\b|\bmarket days?\b")
QUESTION_MAX = 40


def is_next_market_question(text: str) -> bool:
    """Whether typed text asks when the market is (下次集市什么时候, when is the next market)."""
    normal = unicodedata.normalize("NFKC", text).casefold().strip()
    if not normal or len(normal) > QUESTION_MAX:
        return False
    return bool(_ZH_QUESTION.search(re.sub(r"\s+", "", normal)) or _EN_QUESTION.search(normal))


_DAY_QUESTION = re.compile(
    r"^(?:请问)?(.{1,12}?)(?:个)?(?:有没有集|有集|赶集|逢集|开集|是集|是不是集|有没有赶集|集)"
    r"(?:日|市)?(?:吗|么|不|没|没有|嘛|啊|呢)?$"
)
_EN_DAY_QUESTION = re.compile(
    r"^(?:is there (?:a )?market|market|is it (?:a )?market day) (.{1,20})$"
)


def asked_day_words(text: str) -> str | None:
    """The words naming the day a question asks about (明天有集吗 → 明天, 周六有没有集 → 周六,
    is there a market on Saturday → on saturday); None for text that is no such question."""
    normal = re.sub(r"[\s?？!！。.,，]", "", unicodedata.normalize("NFKC", text))
    found = _DAY_QUESTION.match(normal)
    if found is not None:
        return found[1]
    english = _EN_DAY_QUESTION.match(" ".join(text.casefold().strip(" ?!.").split()))
    return english[1] if english is not None else None


def day_question_first(fallback: Handler) -> Handler:
    """Free text: 明天有集吗 / 今天有集吗 answered for that day (yes, or no and when the next
    one is); anything else goes on to ``fallback``."""

    async def handle(ctx: Ctx, text: str) -> list[Reply]:
        words = asked_day_words(text)
        market = await _market(ctx) if words is not None else None
        if words is None or market is None:
            return await fallback(ctx, text)
        today = _today(ctx, market)
        day = parse_day(words, today)
        if day is None or not today <= day <= today + YEAR:
            return await fallback(ctx, text)
        held = await ctx.services.days.held_through(market, today, day)
        if not held:
            return await next_market(ctx, "")
        if day in held:
            hours = {"opens": esc(market.opens), "closes": esc(market.closes)}
            when = day_word(ctx, words)
            if when is None:
                text = ctx.t("days.is_market_day_on", day=_day(day, ctx), **hours)
            else:
                text = ctx.t("days.is_market_day", when=when, day=_day(day, ctx), **hours)
        else:
            text = no_market_on(ctx, day, held, words)
        buttons = [ctx.button("days.btn.next", "days:next"), ctx.button("btn.menu", "menu:main")]
        return [Reply(text, choices=rows(buttons, 2))]

    return handle


async def free_text(ctx: Ctx, text: str) -> list[Reply]:
    """Anything typed outside a flow: a question about market days, else a search."""
    if is_next_market_question(text):
        return await next_market(ctx, "")
    return await search.search(ctx, text)


# shared ---------------------------------------------------------------------------------------


def _store(ctx: Ctx) -> ScheduleStore:
    return ScheduleStore(ctx.store.db)


async def _market(ctx: Ctx) -> Market | None:
    return await current_market(ctx)


def _today(ctx: Ctx, market: Market) -> date:
    return market_today(ctx.services.clock.now(), market.timezone)


def _day(d: date, ctx: Ctx) -> str:
    return esc(format_market_day(d, ctx.lang))


def _lines(ctx: Ctx, days: list[UpcomingDay], today: date) -> str:
    if not days:
        return ctx.t("days.no_dates")
    lines = []
    for item in days:
        change = item.change
        if item.moved_in and change is not None and change.moved_to is not None:
            lines.append(
                ctx.t(
                    "days.mark.moved_in",
                    to=_day(change.moved_to, ctx),
                    day=_day(item.day, ctx),
                    reason=esc(change.reason),
                )
            )
            continue
        line = ctx.t("days.line", day=_day(item.day, ctx))
        if item.day == today:
            line += ctx.t("days.today")
        if change is not None:
            line += "\n" + _mark(ctx, change)
        lines.append(line)
    return "\n".join(lines)


def _mark(ctx: Ctx, change: DayChange) -> str:
    if change.moved_to is None:
        return ctx.t("days.mark.cancelled", reason=esc(change.reason))
    return ctx.t("days.mark.moved", to=_day(change.moved_to, ctx), reason=esc(change.reason))


async def _upcoming(ctx: Ctx, market: Market, schedule: Schedule) -> list[UpcomingDay]:
    today = _today(ctx, market)
    changes = await _store(ctx).changes(market.id, since=today)
    return upcoming_days(schedule, changes, today, COUNT)


def _refuse(ctx: Ctx) -> list[Reply]:
    return [Reply(ctx.t("sec.only"))]


# visitors -------------------------------------------------------------------------------------


async def next_market(ctx: Ctx, _arg: str = "") -> list[Reply]:
    """The next market days with weekday, lunar date, changes and opening hours."""
    home = rows([ctx.button("btn.menu", "menu:main")])
    market = await _market(ctx)
    if market is None:
        return [Reply(ctx.t("market.none"))]
    schedule = await _store(ctx).get(market.id)
    if schedule is None:
        return [Reply(ctx.t("days.none_set"), choices=home)]
    days = await _upcoming(ctx, market, schedule)
    text = ctx.t(
        "days.next",
        phrase=esc(schedule.phrase),
        days=_lines(ctx, days, _today(ctx, market)),
        opens=esc(market.opens),
        closes=esc(market.closes),
    )
    buttons = [
        ctx.button("who.btn", "who:next"),
        await following.subscribe_button(ctx, market),
        ctx.button("btn.menu", "menu:main"),
    ]
    return [Reply(text, choices=rows(buttons, 2), edit=True)]


# secretaries: the schedule view ----------------------------------------------------------------


async def schedule(ctx: Ctx, _arg: str = "") -> list[Reply]:
    """/schedule and the secretary-menu button: the schedule, or the question when none is set."""
    if not ctx.is_secretary:
        return _refuse(ctx)
    market = await _market(ctx)
    if market is None:
        return [Reply(ctx.t("market.none"))]
    current = await _store(ctx).get(market.id)
    if current is None:
        ctx.start_flow(PHRASE_STATE, day30="skip")
        return await ask_phrase(ctx)
    return await _view(ctx, market, current)


async def _view(ctx: Ctx, market: Market, current: Schedule) -> list[Reply]:
    days = await _upcoming(ctx, market, current)
    text = ctx.t(
        "days.view",
        phrase=esc(current.phrase),
        rule=esc(describe_rule(current.rule(), ctx.lang)),
        days=_lines(ctx, days, _today(ctx, market)),
    )
    marks = {True: "❌ ", False: "➡️ "}
    picks = [
        Choice(
            f"days:pick:{u.day.isoformat()}",
            (marks[u.change.cancelled] if u.change else "") + short_day(u.day, ctx.lang),
        )
        for u in days
        if not u.moved_in
    ]
    tools = [
        ctx.button("days.btn.change", "days:set"),
        ctx.button("btn.back", "sec:menu"),
    ]
    return [Reply(text, choices=rows(picks, 2) + rows(tools, 2), edit=True)]


async def begin_set(ctx: Ctx, _arg: str) -> list[Reply]:
    market = await _market(ctx)
    current = await _store(ctx).get(market.id) if market else None
    ctx.start_flow(
        PHRASE_STATE,
        day30=current.options.day30 if current else "skip",
        leap=current.options.fairs_in_leap_month if current else False,
    )
    return await ask_phrase(ctx)


# secretaries: typing the phrase and confirming -------------------------------------------------


async def set_typed_rule(ctx: Ctx) -> list[Reply]:
    """A rule a secretary typed outside the flow (``逢二五八``): shown for confirming."""
    await begin_set(ctx, "")
    return await answer_phrase(ctx, "")


async def ask_phrase(ctx: Ctx) -> list[Reply]:
    return [Reply(ctx.t("days.ask_phrase"), choices=rows([cancel_button(ctx)]))]


async def answer_phrase(ctx: Ctx, _text: str) -> list[Reply]:
    phrase = read_line(ctx, PHRASE_MAX)
    try:
        parse_rule(phrase)
    except RuleParseError as err:
        raise Invalid(err.help(ctx.lang)) from None
    ctx.conv.data["phrase"] = phrase
    ctx.goto(CONFIRM_STATE)
    return await ask_confirm(ctx)


def _options(ctx: Ctx) -> CalendarOptions:
    return CalendarOptions(
        day30=_DAY30.get(str(ctx.conv.data.get("day30")), "skip"),
        fairs_in_leap_month=bool(ctx.conv.data.get("leap", False)),
    )


def _day30_text(ctx: Ctx, rule: MarketRule, options: CalendarOptions, today: date) -> str:
    """The day-30 note with the first day the setting decides, under the current setting."""
    end = min(today + YEAR, LAST_DATE)
    skipped = set(rule.dates_between(today, end, CalendarOptions(day30="skip")))
    if options.day30 == "skip":
        held = set(rule.dates_between(today, end, CalendarOptions(day30="day29")))
        example = ctx.t("days.day30.skip", day=_day(min(held - skipped), ctx))
    else:
        held = set(rule.dates_between(today, end, options))
        example = ctx.t("days.day30.moved", day=_day(min(held - skipped), ctx))
    note = esc(day30_note(options, ctx.lang))
    return f"{note}\n{example}\n{ctx.t('days.day30.pick')}"


async def ask_confirm(ctx: Ctx) -> list[Reply]:
    market = await _market(ctx)
    if market is None:
        ctx.end_flow()
        return [Reply(ctx.t("market.none"))]
    rule = parse_rule(str(ctx.conv.data.get("phrase", "")))
    options = _options(ctx)
    today = _today(ctx, market)
    dates = rule.next_dates(today, COUNT, options)
    text = ctx.t(
        "days.confirm",
        rule=esc(describe_rule(rule, ctx.lang)),
        count=COUNT,
        days=_lines(ctx, [UpcomingDay(d) for d in dates], today),
    )
    settings: list[Choice] = []
    if rule.hits_day30(today, min(today + YEAR, LAST_DATE)):
        text += "\n\n" + _day30_text(ctx, rule, options, today)
        for value in _DAY30:
            label = ctx.t(f"days.btn.day30.{value}")
            if value == options.day30:
                label = ctx.t("days.btn.current", label=label)
            settings.append(Choice(f"days:d30:{value}", label))
    if rule.hits_leap_fair(today, min(today + LEAP_WINDOW, LAST_DATE)):
        text += "\n\n" + esc(leap_fair_note(options, ctx.lang))
        for leap, key in ((False, "cal.leap.regular_only"), (True, "cal.leap.both")):
            label = ctx.t(key)
            if leap == options.fairs_in_leap_month:
                label = ctx.t("days.btn.current", label=label)
            settings.append(Choice(f"days:leap:{int(leap)}", label))
    actions = [
        ctx.button("btn.confirm", "days:ok"),
        ctx.button("days.btn.again", "days:again"),
        cancel_button(ctx),
    ]
    return [Reply(text, choices=rows(settings, 1) + rows(actions, 3))]


async def set_day30(ctx: Ctx, arg: str) -> list[Reply]:
    if arg not in _DAY30:
        raise Stale
    ctx.conv.data["day30"] = arg
    return await ask_confirm(ctx)


async def set_leap(ctx: Ctx, arg: str) -> list[Reply]:
    """Whether a yearly fair is held again when its lunar month repeats as a leap month."""
    if arg not in ("0", "1"):
        raise Stale
    ctx.conv.data["leap"] = arg == "1"
    return await ask_confirm(ctx)


async def type_again(ctx: Ctx, _arg: str) -> list[Reply]:
    ctx.goto(PHRASE_STATE)
    return await ask_phrase(ctx)


async def confirm(ctx: Ctx, _arg: str) -> list[Reply]:
    market = await _market(ctx)
    if not ctx.is_secretary or market is None:
        ctx.end_flow()
        return _refuse(ctx)
    saved = await _store(ctx).set(
        market.id,
        str(ctx.conv.data["phrase"]),
        _options(ctx),
        by=ctx.user.id,
        now=ctx.services.clock.now(),
    )
    ctx.end_flow()
    await ctx.services.days.replan(market.id)
    return [Reply(ctx.t("days.saved")), *await _view(ctx, market, saved)]


# secretaries: cancelling, moving and restoring one day -----------------------------------------


async def _scheduled_day(ctx: Ctx, iso: str) -> tuple[Market, Schedule, date]:
    """The market, its schedule and the day ``iso`` if it is a market day from today on, else
    :class:`Stale`."""
    market = await _market(ctx)
    current = await _store(ctx).get(market.id) if market else None
    if market is None or current is None:
        raise Stale
    try:
        day = date.fromisoformat(iso)
        held = day >= _today(ctx, market) and current.rule().dates_between(
            day, day, current.options
        )
    except ValueError:
        raise Stale from None
    if not held:
        raise Stale
    return market, current, day


async def _flow_scheduled_day(ctx: Ctx) -> tuple[Market, Schedule, date]:
    """The day the flow is about; when it is no longer a market day the flow ends (stale)."""
    try:
        return await _scheduled_day(ctx, str(ctx.conv.data.get("day", "")))
    except Stale:
        ctx.end_flow()
        raise


async def pick_day(ctx: Ctx, arg: str) -> list[Reply]:
    if not ctx.is_secretary:
        return _refuse(ctx)
    market, _, day = await _scheduled_day(ctx, arg)
    change = await _store(ctx).change(market.id, day)
    text = ctx.t("days.pick", day=_day(day, ctx))
    if change is not None:
        text += "\n" + _mark(ctx, change)
    iso = day.isoformat()
    buttons = [
        ctx.button("days.btn.cancel_day", f"days:cx:{iso}"),
        ctx.button("days.btn.move_day", f"days:mv:{iso}"),
    ]
    if change is not None:
        buttons.append(ctx.button("days.btn.restore", f"days:rs:{iso}"))
    buttons.append(ctx.button("btn.back", "days:sched"))
    return [Reply(text, choices=rows(buttons, 2), edit=True)]


async def cancel_typed_day(ctx: Ctx, day: date, reason: str = "") -> list[Reply]:
    """A day a secretary said is off (``明天的集取消``; ``今天下雨，集取消`` says why too):
    cancelling it, if it is a market day; else that it is none, with the schedule."""
    try:
        await _scheduled_day(ctx, day.isoformat())
    except Stale:
        return [Reply(ctx.t("days.nothing_to_cancel", day=_day(day, ctx))), *await schedule(ctx)]
    asked = await _day_flow(REASON_STATE, ask_reason)(ctx, day.isoformat())
    if not reason:
        return asked
    ctx.inbound = replace(ctx.inbound, text=reason)
    return await answer_reason(ctx, reason)  # the preview, the reason as they said it


async def move_typed_day(ctx: Ctx, day: date, target: date) -> list[Reply]:
    """A day a secretary said moves (``下周六的集改到周日``): moving it to ``target`` (checked as
    a typed new date is, then the reason is asked), if it is a market day; else that it is
    none, with the schedule."""
    try:
        await _scheduled_day(ctx, day.isoformat())
    except Stale:
        return [Reply(ctx.t("days.nothing_to_move", day=_day(day, ctx))), *await schedule(ctx)]
    ctx.start_flow(MOVE_STATE, day=day.isoformat())
    typed = target.isoformat()
    ctx.inbound = replace(ctx.inbound, text=typed)
    return await answer_move(ctx, typed)  # a target it refuses: said, and the date asked for


def _day_flow(state: str, ask: Asker) -> Handler:
    """A button that starts cancelling (reason) or moving (new date) one scheduled day."""

    async def begin(ctx: Ctx, arg: str) -> list[Reply]:
        _, _, day = await _scheduled_day(ctx, arg)
        ctx.start_flow(state, day=day.isoformat())
        return await ask(ctx)

    return begin


def _flow_day(ctx: Ctx, key: str) -> date | None:
    try:
        return date.fromisoformat(str(ctx.conv.data.get(key, "")))
    except ValueError:
        return None


async def ask_move(ctx: Ctx) -> list[Reply]:
    day = _flow_day(ctx, "day")
    shown = _day(day, ctx) if day else ""
    return [Reply(ctx.t("days.ask_move", day=shown), choices=rows([cancel_button(ctx)]))]


async def answer_move(ctx: Ctx, _text: str) -> list[Reply]:
    typed = read_line(ctx, DATE_MAX)
    market, current, day = await _flow_scheduled_day(ctx)
    today = _today(ctx, market)
    target = parse_day(typed, today)
    if target is None:
        raise Invalid(ctx.t("days.move_invalid"))
    if target < today:
        raise Invalid(ctx.t("days.move_past", to=_day(target, ctx)))
    if target == day:
        raise Invalid(ctx.t("days.move_same"))
    if target > min(today + YEAR, LAST_DATE):
        raise Invalid(ctx.t("days.move_far"))
    if current.rule().dates_between(target, target, current.options):
        taken = await _store(ctx).change(market.id, target)
        if taken is None:
            raise Invalid(ctx.t("days.move_taken", to=_day(target, ctx)))
    ctx.conv.data["to"] = target.isoformat()
    ctx.goto(REASON_STATE)
    return await ask_reason(ctx)


async def ask_reason(ctx: Ctx) -> list[Reply]:
    day, target = _flow_day(ctx, "day"), _flow_day(ctx, "to")
    shown = _day(day, ctx) if day else ""
    if target is None:
        text = ctx.t("days.ask_reason_cancel", day=shown)
    else:
        text = ctx.t("days.ask_reason_move", day=shown, to=_day(target, ctx))
    return [Reply(text, choices=rows([_keep_button(ctx)]))]


def _keep_button(ctx: Ctx) -> Choice:
    """The abort button of cancelling or moving a day: 不停了 / 不改了 (never "取消")."""
    moving = _flow_day(ctx, "to") is not None
    return ctx.button("days.btn.keep_move" if moving else "days.btn.keep", "days:keep")


async def answer_reason(ctx: Ctx, _text: str) -> list[Reply]:
    ctx.conv.data["reason"] = read_line(ctx, DESCRIPTION_MAX)
    ctx.goto(CHANGE_PREVIEW_STATE)
    return await ask_change_preview(ctx)


async def _told_count(ctx: Ctx, market: Market, day: date) -> int:
    """How many people a change of ``day`` is told to: subscribers and the vendors coming."""
    reminders = ctx.services.days.reminders
    owners = set()
    for stall_id in await reminders.coming_stall_ids(day):
        stall = await ctx.store.get_stall(stall_id)
        if stall is not None and stall.owner_id is not None:
            owners.add(stall.owner_id)
    return await reminders.subscribers_with(market.id, owners)


async def ask_change_preview(ctx: Ctx) -> list[Reply]:
    """What will be sent, to how many people, with 确认停集 / 不停了 (确认改期 / 不改了)."""
    market, _current, day = await _flow_scheduled_day(ctx)
    target = _flow_day(ctx, "to")
    reason = esc(ctx.conv.data.get("reason", ""))
    count = await _told_count(ctx, market, day)
    if target is None:
        text = ctx.t("days.preview_cancel", day=_day(day, ctx), reason=reason, count=count)
        confirm = ctx.button("days.btn.do_cancel", "days:do")
    else:
        to = _day(target, ctx)
        text = ctx.t("days.preview_move", day=_day(day, ctx), to=to, reason=reason, count=count)
        confirm = ctx.button("days.btn.do_move", "days:do")
    return [Reply(text, choices=rows([confirm, _keep_button(ctx)], 2))]


async def keep_day(ctx: Ctx, _arg: str) -> list[Reply]:
    """不停了: nothing changes, nobody is told."""
    day = _flow_day(ctx, "day")
    moving = _flow_day(ctx, "to") is not None
    ctx.end_flow()
    shown = _day(day, ctx) if day else ""
    key = "days.kept_move" if moving else "days.kept"
    return [
        Reply(ctx.t(key, day=shown), choices=rows([ctx.button("days.btn.schedule", "days:sched")]))
    ]


async def do_change(ctx: Ctx, _arg: str) -> list[Reply]:
    reason = str(ctx.conv.data.get("reason", ""))
    target = _flow_day(ctx, "to")
    if not ctx.is_secretary:
        ctx.end_flow()
        return _refuse(ctx)
    market, current, day = await _flow_scheduled_day(ctx)
    ctx.end_flow()
    await _store(ctx).change_day(
        market.id,
        day,
        moved_to=target,
        reason=reason,
        by=ctx.user.id,
        now=ctx.services.clock.now(),
    )
    told = await ctx.services.days.announce_change(market, day, target, reason)
    if target is None:
        done = ctx.t("days.cancelled", day=_day(day, ctx), reason=esc(reason))
    else:
        done = ctx.t("days.moved", day=_day(day, ctx), to=_day(target, ctx), reason=esc(reason))
    done += "\n" + ctx.t("days.told", count=told)
    return [Reply(done), *await _view(ctx, market, current)]


async def restore(ctx: Ctx, arg: str) -> list[Reply]:
    if not ctx.is_secretary:
        return _refuse(ctx)
    market, current, day = await _scheduled_day(ctx, arg)
    if not await _store(ctx).restore_day(market.id, day):
        raise Stale
    await ctx.services.days.replan(market.id)
    return [Reply(ctx.t("days.restored", day=_day(day, ctx))), *await _view(ctx, market, current)]


_CONFIRM_BUTTONS: dict[str, Handler] = {
    "days:ok": confirm,
    "days:again": type_again,
    "days:d30": set_day30,
    "days:leap": set_leap,
}

_CHANGE_BUTTONS: dict[str, Handler] = {"days:do": do_change, "days:keep": keep_day}

FLOW = Flow(
    "flow.schedule",
    steps=(
        Step(PHRASE_STATE, ask_phrase, answer_phrase),
        Step(
            CONFIRM_STATE,
            ask_confirm,
            buttons_answer(_CONFIRM_BUTTONS, confirm="days:ok"),
            buttons=("days:ok", "days:again", "days:d30", "days:leap"),
        ),
        Step(MOVE_STATE, ask_move, answer_move),
        Step(REASON_STATE, ask_reason, answer_reason, buttons=("days:keep",)),
        Step(
            CHANGE_PREVIEW_STATE,
            ask_change_preview,
            buttons_answer(_CHANGE_BUTTONS, confirm="days:do"),
            buttons=("days:do", "days:keep"),
        ),
    ),
    buttons={**_CONFIRM_BUTTONS, **_CHANGE_BUTTONS},
    starts={
        "days:sched": schedule,
        "days:set": begin_set,
        "days:cx": _day_flow(REASON_STATE, ask_reason),
        "days:mv": _day_flow(MOVE_STATE, ask_move),
    },
    guard=secretaries_only,
)
"""Setting the schedule (phrase, confirm) and cancelling or moving one day (new date, reason)."""


def register_choices() -> list[tuple[str, Handler]]:
    """Buttons of market days valid anywhere: (prefix, handler)."""
    return [("days:next", next_market), ("days:pick", pick_day), ("days:rs", restore)]
