"""Announcements: secretaries' broadcasts, vendors' news to the visitors who follow their stall,
and following a stall.

Commands: /broadcast (secretaries: compose an announcement), /broadcasts (secretaries: past and
scheduled announcements with their reports).

Secretary: text → photo (optional) → audience (subscribers of a market, all vendors, vendors
coming to the next market day, everyone who has used the bot) → preview as recipients see it,
with the count → send now / at a time (``18:30``, ``明天 8:00``, ``12月5日 9:00``) / cancel.
While it goes out the author sees one progress message edited in place, then the report.

Vendor: my stall → "notify my followers" → text (a photo with a caption works too) → preview
with the count → send; at most the daily limit per stall (a secretary sets it).

The draft lives in the author's own conversation, so a forged button from someone else finds no
draft of theirs; a cancel button is checked against the announcement's author.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time
from zoneinfo import ZoneInfo

from handlers.answers import buttons_answer, cancel_button, id_in, is_skip, read_text
from handlers.cards import current_market, rows
from marketbot.calendar import short_day
from marketbot.chat.context import Ctx
from marketbot.chat.flow import Flow, Handler, Invalid, Stale, Step
from marketbot.domain.clocktime import read_day_time
from marketbot.domain.model import Stall, StallStatus
from marketbot.neutral import Choice, Reply
from marketbot.services.broadcasts import (
    BroadcastDesk,
    SendTimeError,
    announcement_reply,
    audience_count,
    audience_of,
    parse_send_time,
    stop_choice_id,
)
from marketbot.storage.broadcasts import BroadcastStore
from marketbot.texts import esc

__all__ = [
    "FLOW",
    "TEXT_MAX",
    "VENDOR_FLOW",
    "follow_buttons",
    "list_broadcasts",
    "register_choices",
    "start_broadcast",
]

TEXT_MAX = 1000
"""Characters in one announcement (a photo caption keeps the first 1024 on Telegram)."""
LIMIT_CHOICES = (0, 1, 2, 3)
_LIST_SIZE = 10
_SNIPPET = 30


class S:
    """Conversation states (stored strings: renaming one needs a migration)."""

    TEXT = "bc.text"
    PHOTO = "bc.photo"
    AUDIENCE = "bc.audience"
    PREVIEW = "bc.preview"
    TIME = "bc.time"
    VENDOR_TEXT = "bc.vendor.text"
    VENDOR_PREVIEW = "bc.vendor.preview"


def _store(ctx: Ctx) -> BroadcastStore:
    return BroadcastStore(ctx.store.db)


def _desk(ctx: Ctx) -> BroadcastDesk | None:
    outbox = ctx.services.days.outbox
    return outbox if isinstance(outbox, BroadcastDesk) else None


async def _zone(ctx: Ctx) -> str:
    markets = await ctx.store.markets()
    return markets[0].timezone if markets else ctx.services.config.bot.timezone


async def _shown_time(ctx: Ctx, when: datetime) -> str:
    """A send time as people write it: ``12月2日 周三 08:00`` (with the year when not this
    year's: ``2099年12月5日 周六 09:00``)."""
    local = when.astimezone(ZoneInfo(await _zone(ctx)))
    now = ctx.services.clock.now().astimezone(local.tzinfo)
    day = short_day(local.date(), ctx.lang)
    if local.year != now.year:
        day = f"{local.year} {day}" if ctx.lang == "en" else f"{local.year}年{day}"
    return f"{day} {local:%H:%M}"


async def _audience_label(ctx: Ctx, audience: str) -> str:
    kind, _, ident = audience.partition(":")
    number = id_in(ident)
    if kind == "market" and number is not None:
        market = await ctx.store.get_market(number)
        return ctx.t("bc.aud.market", market=esc(market.name if market else "?"))
    if kind == "followers" and number is not None:
        stall = await ctx.store.get_stall(number)
        return ctx.t("bc.aud.followers", stall=esc(stall.name if stall else "?"))
    return ctx.t(f"bc.aud.{audience}")


async def _count(ctx: Ctx, audience: str) -> int:
    """How many people ``audience`` is: one SQL count (a county's audience can be a million)."""
    return await audience_count(ctx.services.days, _store(ctx), audience, ctx.services.clock.now())


def _refused(ctx: Ctx) -> list[Reply]:
    return [Reply(ctx.t("bc.refused"))]


def _secretaries_only(ctx: Ctx) -> list[Reply] | None:
    return None if ctx.is_secretary else _refused(ctx)


# composing (secretaries) ---------------------------------------------------------------------


async def start_broadcast(ctx: Ctx, arg: str = "") -> list[Reply]:
    """/broadcast: secretaries compose (``发通知：明天修路`` with the text already); everyone else
    is told who may."""
    if not ctx.is_secretary:
        return _refused(ctx)
    if arg.strip():
        ctx.inbound = replace(ctx.inbound, text=arg.strip())
        return await start_with_words(ctx, asked=True)
    ctx.start_flow(S.TEXT)
    return await ask_text(ctx)


async def start_with_words(ctx: Ctx, *, asked: bool = False) -> list[Reply]:
    """A secretary's words that everyone should hear (今天的集推迟到10点开; ``asked``: said as
    an announcement, 发通知：…), typed outside any flow: the announcement's text already, on to
    the photo step."""
    ctx.start_flow(S.TEXT)
    await _take_text(ctx)
    ctx.goto(S.PHOTO)
    key = "bc.words_given" if asked else "bc.words_taken"
    heard = Reply(ctx.t(key, text=esc(ctx.conv.data["text"])))
    return [heard, *await ask_photo(ctx)]


async def ask_text(ctx: Ctx) -> list[Reply]:
    buttons = [
        ctx.button("bc.btn.list", "bc:list"),
        ctx.button("bc.btn.limit", "bc:limit"),
        cancel_button(ctx),
    ]
    return [Reply(ctx.t("bc.ask_text", limit=TEXT_MAX), choices=rows(buttons, 2))]


async def _take_text(ctx: Ctx) -> None:
    """The typed text, or a photo with its caption; kept in the draft."""
    ctx.conv.data["text"] = read_text(ctx, TEXT_MAX)
    if ctx.inbound.photo is not None:
        ctx.conv.data["photo_id"] = await ctx.stored_photo()


async def answer_text(ctx: Ctx, _text: str) -> list[Reply]:
    await _take_text(ctx)
    if "photo_id" in ctx.conv.data:
        ctx.goto(S.AUDIENCE)
        return await ask_audience(ctx)
    ctx.goto(S.PHOTO)
    return await ask_photo(ctx)


async def ask_photo(ctx: Ctx) -> list[Reply]:
    buttons = [ctx.button("bc.btn.no_photo", "bc:nophoto"), cancel_button(ctx)]
    return [Reply(ctx.t("bc.ask_photo"), choices=rows(buttons, 2))]


async def answer_photo(ctx: Ctx, text: str) -> list[Reply]:
    if ctx.inbound.photo is None and is_skip(text):
        return await no_photo(ctx, "")
    if ctx.inbound.photo is None:
        raise Invalid(ctx.t("bc.photo_or_skip"))
    ctx.conv.data["photo_id"] = await ctx.stored_photo()
    ctx.goto(S.AUDIENCE)
    return await ask_audience(ctx)


async def no_photo(ctx: Ctx, _arg: str) -> list[Reply]:
    ctx.goto(S.AUDIENCE)
    return await ask_audience(ctx)


async def _audiences(ctx: Ctx) -> list[str]:
    """The subscribers of the market the secretary is looking at (switch markets to reach
    another's: a county can have hundreds), all vendors, the coming ones, everyone."""
    market = await current_market(ctx)
    markets = [f"market:{market.id}"] if market is not None else []
    return [*markets, "vendors", "coming", "everyone"]


async def ask_audience(ctx: Ctx) -> list[Reply]:
    buttons = []
    for audience in await _audiences(ctx):
        label = await _audience_label(ctx, audience)
        count = await _count(ctx, audience)
        buttons.append(Choice(f"bc:aud:{audience}", ctx.t("bc.aud.button", label=label, n=count)))
    return [Reply(ctx.t("bc.ask_audience"), choices=rows([*buttons, cancel_button(ctx)]))]


async def choose_audience(ctx: Ctx, arg: str) -> list[Reply]:
    if arg not in await _audiences(ctx):
        raise Stale
    ctx.conv.data["audience"] = arg
    ctx.goto(S.PREVIEW)
    return await ask_preview(ctx)


def _draft_reply(ctx: Ctx, stall: tuple[int, str] | None = None) -> Reply:
    data = ctx.conv.data
    return announcement_reply(data["text"], data.get("photo_id"), ctx.lang, stall)


async def ask_preview(ctx: Ctx) -> list[Reply]:
    audience = ctx.conv.data["audience"]
    count = await _count(ctx, audience)
    label = await _audience_label(ctx, audience)
    if count == 0:
        buttons = [ctx.button("bc.btn.other_audience", "bc:back"), cancel_button(ctx)]
        return [Reply(ctx.t("bc.preview_nobody", audience=label), choices=rows(buttons, 2))]
    buttons = [
        ctx.button("bc.btn.send_now", "bc:send"),
        ctx.button("bc.btn.later", "bc:later"),
        ctx.button("bc.btn.other_audience", "bc:back"),
        cancel_button(ctx),
    ]
    text = ctx.t("bc.preview", audience=label, n=count) + await _reach_note(ctx, audience)
    return [_draft_reply(ctx), Reply(text, choices=rows(buttons, 2))]


async def _reach_note(ctx: Ctx, audience: str) -> str:
    """Where a platform limits pushing: how many get it now and how many wait (and why)."""
    desk = _desk(ctx)
    if desk is None:
        return ""
    days = ctx.services.days
    selected = await audience_of(days, audience, ctx.services.clock.now())
    reach = await desk.reach(selected, await desk.groups(selected, days.platforms))
    if reach is None:
        return ""
    parts = [("now", reach.now), ("allowance", reach.allowance), ("held", reach.held)]
    parts.append(("unreachable", reach.unreachable))
    lines = [ctx.t(f"bc.reach.{key}", n=n) for key, n in parts if n or key == "now"]
    return "\n" + "\n".join(lines)


async def other_audience(ctx: Ctx, _arg: str) -> list[Reply]:
    ctx.goto(S.AUDIENCE)
    return await ask_audience(ctx)


async def send_now(ctx: Ctx, _arg: str) -> list[Reply]:
    return await _dispatch(ctx, None)


async def send_later(ctx: Ctx, _arg: str) -> list[Reply]:
    ctx.goto(S.TIME)
    return await ask_time(ctx)


async def ask_time(ctx: Ctx) -> list[Reply]:
    return [Reply(ctx.t("bc.ask_time"), choices=rows([cancel_button(ctx)]))]


async def answer_time(ctx: Ctx, text: str) -> list[Reply]:
    if not ctx.is_secretary:
        ctx.end_flow()
        return _refused(ctx)
    now = ctx.services.clock.now()
    zone = await _zone(ctx)
    said = read_day_time(text, now.astimezone(ZoneInfo(zone)).date())
    if said is not None:  # 明早8点, 晚上6点半, 后天上午9点
        when = datetime.combine(said[0], said[1], tzinfo=ZoneInfo(zone))
        if when <= now:
            shown = await _shown_time(ctx, now)
            raise Invalid(ctx.t("bc.time_past", now=shown))
        return await _dispatch(ctx, when)
    try:
        when = parse_send_time(text, now, zone)
    except SendTimeError as err:
        shown = await _shown_time(ctx, now)
        raise Invalid(ctx.t(f"bc.time_{err.reason}", now=shown)) from None
    return await _dispatch(ctx, when)


async def _dispatch(ctx: Ctx, send_at: datetime | None, stall: Stall | None = None) -> list[Reply]:
    """Record the draft as an announcement and queue it; the flow ends."""
    desk = _desk(ctx)
    if desk is None:
        return [Reply(ctx.t("bc.offline")), *await ctx.ask_again()]
    data = ctx.conv.data
    audience = data["audience"]
    days = ctx.services.days
    selected = await audience_of(days, audience, ctx.services.clock.now())
    groups = await desk.groups(selected, days.platforms)
    people = sum(groups.values())
    if not people:
        return [Reply(ctx.t("bc.nobody")), *await ctx.ask_again()]
    broadcast = await desk.store.create(
        author_id=ctx.user.id,
        stall_id=stall.id if stall else None,
        audience=audience,
        text=data["text"],
        photo_id=data.get("photo_id"),
        recipients=people,
        send_at=send_at,
        now=ctx.services.clock.now(),
    )
    ctx.end_flow()
    await desk.start(
        broadcast, selected, (stall.id, stall.name) if stall else None, days.platforms, groups
    )
    buttons = [ctx.button("bc.btn.stop_sending", stop_choice_id(broadcast.id))]
    if ctx.is_secretary:
        buttons.append(ctx.button("bc.btn.list", "bc:list"))
    if stall is not None:  # a vendor's note to followers is no broadcast: no number, no progress
        return [Reply(ctx.t("bc.vendor.sent", n=people), choices=rows(buttons, 2))]
    if send_at is None:
        # only a platform that edits messages shows a progress message to follow
        started = "bc.started" if ctx.caps.edit else "bc.started_report"
        text = ctx.t(started, id=broadcast.id, n=people)
    else:
        when = await _shown_time(ctx, send_at)
        text = ctx.t("bc.scheduled", id=broadcast.id, n=people, when=when)
    return [Reply(text, choices=rows(buttons, 2))]


# cancelling and the list -----------------------------------------------------------------------


async def stop(ctx: Ctx, arg: str) -> list[Reply]:
    """A cancel button: only the author or a secretary may stop an announcement."""
    broadcast_id = id_in(arg)
    broadcast = await _store(ctx).get(broadcast_id) if broadcast_id is not None else None
    if broadcast is None or not (ctx.is_secretary or broadcast.author_id == ctx.user.id):
        raise Stale
    desk = _desk(ctx)
    if broadcast.status != "queued":
        return [Reply(ctx.t("bc.already_over", id=broadcast.id))]
    if desk is None:
        return [Reply(ctx.t("bc.offline"))]
    await desk.cancel(broadcast.id)
    return [Reply(ctx.t("bc.stopping", id=broadcast.id))]


async def list_broadcasts(ctx: Ctx, _arg: str = "") -> list[Reply]:
    """/broadcasts: the latest announcements, scheduled ones with a cancel button."""
    if not ctx.is_secretary:
        return [Reply(ctx.t("sec.only"))]
    broadcasts = await _store(ctx).recent(_LIST_SIZE)
    if not broadcasts:
        return [Reply(ctx.t("bc.list.none"))]
    now = ctx.services.clock.now()
    lines = [ctx.t("bc.list.title")]
    buttons: list[Choice] = []
    for b in broadcasts:
        snippet = b.text if len(b.text) <= _SNIPPET else b.text[:_SNIPPET] + "…"
        lines.append(
            ctx.t(
                "bc.list.item",
                id=b.id,
                when=await _shown_time(ctx, b.created_at),
                audience=await _audience_label(ctx, b.audience),
                n=b.recipients,
                text=esc(snippet.replace("\n", " ")),
            )
        )
        if b.report is not None:
            r = b.report
            key = "bc.list.cancelled" if r.was_cancelled else "bc.list.done"
            lines.append(
                ctx.t(
                    key,
                    sent=r.delivered,
                    unreachable=r.unreachable,
                    failed=r.failed,
                    unconfirmed=r.unconfirmed,
                    cancelled=r.cancelled,
                )
            )
        elif b.send_at is not None and b.send_at > now:
            lines.append(ctx.t("bc.list.scheduled", when=await _shown_time(ctx, b.send_at)))
        else:
            lines.append(ctx.t("bc.list.sending"))
        if b.status == "queued":
            buttons.append(ctx.button("bc.btn.stop", stop_choice_id(b.id), id=b.id))
    return [Reply("\n".join(lines), choices=rows(buttons, 2))]


# the vendors' limit (secretaries) --------------------------------------------------------------


async def vendor_limit(ctx: Ctx, arg: str) -> list[Reply]:
    """Show the vendors' daily limit with buttons to change it (``bc:limit:<n>`` sets it)."""
    if not ctx.is_secretary:
        return [Reply(ctx.t("sec.only"))]
    store = _store(ctx)
    if arg:
        value = id_in(arg)
        if value is None or value not in LIMIT_CHOICES:
            raise Stale
        await store.set_vendor_limit(value)
    current = await store.vendor_limit()
    buttons = [ctx.button("bc.btn.limit_value", f"bc:limit:{n}", n=n) for n in LIMIT_CHOICES]
    return [Reply(ctx.t("bc.limit", n=current), choices=rows(buttons, 4), edit=True)]


# vendors' announcements ------------------------------------------------------------------------


async def _today_start(ctx: Ctx) -> datetime:
    zone = ZoneInfo(await _zone(ctx))
    today = ctx.services.clock.now().astimezone(zone).date()
    return datetime.combine(today, time(0, 0), tzinfo=zone)


async def _vendor_refusal(ctx: Ctx) -> tuple[Stall | None, list[Reply]]:
    """The vendor's stall if they may announce now, else the reason."""
    stall = await ctx.store.stall_of_owner(ctx.user.id)
    if stall is None or stall.status is not StallStatus.APPROVED:
        return None, [Reply(ctx.t("bc.vendor.no_stall"))]
    store = _store(ctx)
    limit = await store.vendor_limit()
    if await store.count_since(stall.id, await _today_start(ctx)) >= limit:
        return None, [Reply(ctx.t("bc.vendor.limit", n=limit))]
    if not await _count(ctx, f"followers:{stall.id}"):
        return None, [Reply(ctx.t("bc.vendor.no_followers", stall=esc(stall.name)))]
    return stall, []


async def start_vendor(ctx: Ctx, _arg: str) -> list[Reply]:
    stall, refusal = await _vendor_refusal(ctx)
    if stall is None:
        return refusal
    ctx.start_flow(S.VENDOR_TEXT, audience=f"followers:{stall.id}")
    return await ask_vendor_text(ctx)


async def ask_vendor_text(ctx: Ctx) -> list[Reply]:
    count = await _count(ctx, ctx.conv.data["audience"])
    return [
        Reply(
            ctx.t("bc.vendor.ask_text", n=count, limit=TEXT_MAX),
            choices=rows([cancel_button(ctx)]),
        )
    ]


async def answer_vendor_text(ctx: Ctx, _text: str) -> list[Reply]:
    await _take_text(ctx)
    ctx.goto(S.VENDOR_PREVIEW)
    return await ask_vendor_preview(ctx)


async def ask_vendor_preview(ctx: Ctx) -> list[Reply]:
    stall = await ctx.store.stall_of_owner(ctx.user.id)
    if stall is None:
        ctx.end_flow()
        return [Reply(ctx.t("bc.vendor.no_stall"))]
    count = await _count(ctx, ctx.conv.data["audience"])
    buttons = [ctx.button("bc.btn.send_now", "bc:vsend"), cancel_button(ctx)]
    return [
        _draft_reply(ctx, (stall.id, stall.name)),
        Reply(ctx.t("bc.vendor.preview", n=count), choices=rows(buttons, 2)),
    ]


async def vendor_send(ctx: Ctx, _arg: str) -> list[Reply]:
    stall, refusal = await _vendor_refusal(ctx)
    if stall is None or ctx.conv.data.get("audience") != f"followers:{stall.id}":
        ctx.end_flow()
        if refusal:
            return refusal
        raise Stale
    return await _dispatch(ctx, None, stall)


# following a stall -----------------------------------------------------------------------------


async def follow_buttons(ctx: Ctx, stall: Stall) -> list[Choice]:
    """The stall card's follow / unfollow button (none on one's own stall or a hidden one)."""
    if stall.owner_id == ctx.user.id or not stall.visible:
        return []
    if await _store(ctx).is_following(ctx.user.id, stall.id):
        return [ctx.button("bc.btn.unfollow", f"follow:off:{stall.id}")]
    return [ctx.button("bc.btn.follow", f"follow:on:{stall.id}")]


async def follow(ctx: Ctx, arg: str) -> list[Reply]:
    action, _, ident = arg.partition(":")
    stall_id = id_in(ident)
    stall = await ctx.store.get_stall(stall_id) if stall_id is not None else None
    if stall is None or action not in ("on", "off") or (action == "on" and not stall.visible):
        raise Stale
    store = _store(ctx)
    if action == "on":
        await store.follow(ctx.user.id, stall.id, ctx.services.clock.now())
    else:
        await store.unfollow(ctx.user.id, stall.id)
    buttons = [ctx.button("bc.btn.see_stall", f"stall:{stall.id}")]
    key = "bc.followed" if action == "on" else "bc.unfollowed"
    return [Reply(ctx.t(key, stall=esc(stall.name)), choices=rows(buttons))]


_BUTTONS: dict[str, Handler] = {
    "bc:nophoto": no_photo,
    "bc:aud": choose_audience,
    "bc:back": other_audience,
    "bc:send": send_now,
    "bc:later": send_later,
}

FLOW = Flow(
    "flow.other",
    steps=(
        Step(S.TEXT, ask_text, answer_text),
        Step(S.PHOTO, ask_photo, answer_photo, buttons=("bc:nophoto",)),
        Step(S.AUDIENCE, ask_audience, buttons_answer(_BUTTONS), buttons=("bc:aud",)),
        Step(
            S.PREVIEW,
            ask_preview,
            buttons_answer(_BUTTONS, confirm="bc:send"),
            buttons=("bc:back", "bc:send", "bc:later"),
        ),
        Step(S.TIME, ask_time, answer_time),
    ),
    buttons=_BUTTONS,
    guard=_secretaries_only,
)
"""A secretary's announcement (started by /broadcast)."""

VENDOR_FLOW = Flow(
    "flow.other",
    steps=(
        Step(S.VENDOR_TEXT, ask_vendor_text, answer_vendor_text),
        Step(
            S.VENDOR_PREVIEW,
            ask_vendor_preview,
            buttons_answer({"bc:vsend": vendor_send}, confirm="bc:vsend"),
            buttons=("bc:vsend",),
        ),
    ),
    buttons={"bc:vsend": vendor_send},
    starts={"bc:vendor": start_vendor},
)
"""A vendor's news to the visitors who follow the stall."""


def register_choices() -> list[tuple[str, Handler]]:
    """Buttons valid anywhere: (prefix, handler)."""
    return [
        ("bc:stop", stop),
        ("bc:list", list_broadcasts),
        ("bc:limit", vendor_limit),
        ("follow", follow),
    ]
