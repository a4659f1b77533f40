"""Village secretaries: reviewing vendors, suspending and restoring stalls, promoting helpers.

Commands: /pending, /promote, /demand. Every action re-checks that the person pressing is a
secretary and that the stall is still in the state the button assumed.
"""

from __future__ import annotations

from handlers.answers import cancel_button, id_in, page_in, read_line, skip_button, skippable
from handlers.cards import PAGE_SIZE, page_buttons, rows, stall_summary
from marketbot.chat.context import Ctx
from marketbot.chat.flow import Flow, Handler, Stale, Step
from marketbot.domain.model import Stall, StallStatus, User, user_lang
from marketbot.domain.textinput import DESCRIPTION_MAX
from marketbot.neutral import Choice, Reply
from marketbot.services.demand import demand_text, secretary_users
from marketbot.texts import Lang, esc, t

__all__ = [
    "REJECT",
    "notify_secretaries",
    "register_choices",
    "secretaries",
    "secretaries_only",
]

REJECT_STATE = "secretary.reject_reason"
"""A stored string: renaming it needs a migration."""
PROMOTE_CANDIDATES = 10


async def secretaries(ctx: Ctx) -> list[User]:
    """Everyone who acts as a secretary and can be messaged."""
    return await secretary_users(ctx.store, ctx.services.config)


def _review_text(stall: Stall, lang: Lang) -> str:
    phone = esc(stall.phone) if stall.phone else t(lang, "register.no_phone")
    return t(
        lang,
        "sec.review",
        stall=esc(stall.name),
        vendor=esc(stall.vendor_name),
        village=esc(stall.village),
        phone=phone,
        intro=esc(stall.intro or "—"),
    )


async def notify_secretaries(ctx: Ctx, stall: Stall) -> None:
    """Send every secretary the new registration with approve / reject buttons."""
    for secretary in await secretaries(ctx):
        if secretary.id == ctx.user.id:
            continue
        lang = user_lang(secretary, ctx.services.config.bot.language)
        buttons = (
            Choice(f"sec:ok:{stall.id}", t(lang, "btn.approve")),
            Choice(f"sec:no:{stall.id}", t(lang, "btn.reject")),
        )
        review = Reply(_review_text(stall, lang), choices=(buttons,))
        ctx.notify(secretary, review, about={"notice": "review", "stall": stall.id})


def _refuse(ctx: Ctx) -> list[Reply]:
    return [Reply(ctx.t("sec.only"))]


def secretaries_only(ctx: Ctx) -> list[Reply] | None:
    """The guard of the secretaries' flows: the refusal for anyone else."""
    return None if ctx.is_secretary else _refuse(ctx)


async def menu(ctx: Ctx, _arg: str) -> list[Reply]:
    if not ctx.is_secretary:
        return _refuse(ctx)
    _, pending = await ctx.store.stalls(statuses=[StallStatus.PENDING], limit=0)
    buttons = [
        ctx.button("sec.btn.pending", "sec:pending:0", count=pending),
        ctx.button("sec.btn.stalls", "sec:stalls:0"),
        ctx.button("sec.btn.promote", "sec:promote"),
        ctx.button("sec.btn.demote", "sec:demote"),
        ctx.button("remset.btn", "remset:show"),
        ctx.button("mkt.btn.new", "mkt:new"),
        ctx.button("poster.button_all_posters", "sec:posters"),
        ctx.button("print.btn.market_qr", "sec:mqr"),
        ctx.button("print.btn.market_poster", "sec:mposter"),
        ctx.button("days.btn.schedule", "days:sched"),
        ctx.button("catm.btn", "catm:list"),
        ctx.button("btn.menu", "menu:main"),
    ]
    return [Reply(ctx.t("sec.menu"), choices=rows(buttons, 2), edit=True)]


async def _stall_list(
    ctx: Ctx, statuses: list[StallStatus], prefix: str, page: int, empty_key: str, title_key: str
) -> list[Reply]:
    stalls, total = await ctx.store.stalls(
        statuses=statuses, offset=page * PAGE_SIZE, limit=PAGE_SIZE
    )
    back = [ctx.button("btn.back", "sec:menu")]
    if not stalls:
        return [Reply(ctx.t(empty_key), choices=rows(back))]
    lines = [ctx.t(title_key, count=total)]
    lines += [
        ctx.t(
            "sec.stall_line",
            name=esc(s.name),
            vendor=esc(s.vendor_name),
            status=ctx.t(f"status.{s.status.value}"),
        )
        for s in stalls
    ]
    buttons = [Choice(f"sec:view:{s.id}", s.name) for s in stalls]
    nav = page_buttons(ctx, prefix, page, total)
    return [Reply("\n".join(lines), choices=rows(buttons, 2) + rows(nav + back, 3), edit=True)]


async def pending(ctx: Ctx, arg: str) -> list[Reply]:
    if not ctx.is_secretary:
        return _refuse(ctx)
    return await _stall_list(
        ctx, [StallStatus.PENDING], "sec:pending", page_in(arg), "sec.none_pending", "sec.pending"
    )


async def all_stalls(ctx: Ctx, arg: str) -> list[Reply]:
    if not ctx.is_secretary:
        return _refuse(ctx)
    statuses = [StallStatus.APPROVED, StallStatus.SUSPENDED, StallStatus.PENDING]
    return await _stall_list(
        ctx, statuses, "sec:stalls", page_in(arg), "sec.no_stalls", "sec.stalls"
    )


async def _stall_from(ctx: Ctx, arg: str) -> Stall:
    """The stall a button names, or :class:`Stale`."""
    head = arg.split(":", 1)[0]
    stall = await ctx.store.get_stall(sid) if (sid := id_in(head)) is not None else None
    if stall is None:
        raise Stale
    return stall


async def view(ctx: Ctx, arg: str) -> list[Reply]:
    if not ctx.is_secretary:
        return _refuse(ctx)
    stall = await _stall_from(ctx, arg)
    actions: list[Choice] = []
    if stall.status is StallStatus.PENDING:
        actions = [
            ctx.button("btn.approve", f"sec:ok:{stall.id}"),
            ctx.button("btn.reject", f"sec:no:{stall.id}"),
        ]
    elif stall.status is StallStatus.APPROVED:
        actions = [ctx.button("btn.suspend", f"sec:suspend:{stall.id}")]
    elif stall.status is StallStatus.SUSPENDED:
        actions = [ctx.button("btn.resume", f"sec:resume:{stall.id}")]
    actions += [
        ctx.button("print.btn.qr", f"sec:qr:{stall.id}"),
        ctx.button("btn.see_stall", f"stall:{stall.id}"),
        ctx.button("btn.back", "sec:menu"),
    ]
    text = stall_summary(ctx, stall)
    if stall.phone:
        text += "\n" + ctx.t("sec.phone", phone=esc(stall.phone))
    return [Reply(text, choices=rows(actions, 2), edit=True)]


async def _owner(ctx: Ctx, stall: Stall) -> User | None:
    return await ctx.store.get_user(stall.owner_id) if stall.owner_id is not None else None


async def _tell_owner(ctx: Ctx, stall: Stall, key: str, **values: object) -> None:
    owner = await _owner(ctx, stall)
    if owner is None or owner.id == ctx.user.id:
        return
    lang = user_lang(owner, ctx.services.config.bot.language)
    buttons = ((Choice("my:list:0", t(lang, "menu.my_stall")),),)
    reply = Reply(t(lang, key, name=esc(stall.name), **values), choices=buttons)
    ctx.notify(owner, reply, about={"notice": key, "stall": stall.id})


async def _transition(
    ctx: Ctx,
    arg: str,
    expected: list[StallStatus],
    new: StallStatus,
    owner_key: str,
    done_key: str,
    **values: object,
) -> list[Reply]:
    if not ctx.is_secretary:
        return _refuse(ctx)
    stall = await _stall_from(ctx, arg)
    changed = await ctx.store.set_stall_status(
        stall.id, expected=expected, new=new, reviewer_id=ctx.user.id, now=ctx.services.clock.now()
    )
    if not changed:
        current = ctx.t(f"status.{stall.status.value}")
        return [Reply(ctx.t("sec.already", name=esc(stall.name), status=current))]
    await _tell_owner(ctx, stall, owner_key, **values)
    return [
        Reply(
            ctx.t(done_key, name=esc(stall.name)),
            choices=rows(
                [
                    ctx.button("sec.btn.pending_list", "sec:pending:0"),
                    ctx.button("btn.back", "sec:menu"),
                ],
                2,
            ),
        )
    ]


async def approve(ctx: Ctx, arg: str) -> list[Reply]:
    return await _transition(
        ctx, arg, [StallStatus.PENDING], StallStatus.APPROVED, "vendor.approved", "sec.approved"
    )


async def begin_reject(ctx: Ctx, arg: str) -> list[Reply]:
    stall = await _stall_from(ctx, arg)
    if stall.status is not StallStatus.PENDING:
        raise Stale
    ctx.start_flow(REJECT_STATE, stall_id=stall.id)
    return await ask_reason(ctx)


async def ask_reason(ctx: Ctx) -> list[Reply]:
    stall = await ctx.store.get_stall(int(ctx.conv.data.get("stall_id", 0)))
    name = esc(stall.name) if stall else ""
    return [
        Reply(
            ctx.t("sec.ask_reason", name=name),
            choices=rows([skip_button(ctx), cancel_button(ctx)], 2),
        )
    ]


async def _reject(ctx: Ctx, reason: str) -> list[Reply]:
    stall_id = str(ctx.conv.data.get("stall_id", ""))
    ctx.end_flow()
    shown = esc(reason) if reason else ctx.t("sec.no_reason")
    return await _transition(
        ctx,
        stall_id,
        [StallStatus.PENDING],
        StallStatus.REJECTED,
        "vendor.rejected_with_reason",
        "sec.rejected",
        reason=shown,
    )


async def answer_reason(ctx: Ctx, _text: str) -> list[Reply]:
    return await _reject(ctx, read_line(ctx, DESCRIPTION_MAX))


async def skip_reason(ctx: Ctx) -> list[Reply]:
    return await _reject(ctx, "")


REJECT = Flow(
    "flow.reject",
    steps=(
        Step(REJECT_STATE, ask_reason, skippable(answer_reason, skip_reason), skip=skip_reason),
    ),
    starts={"sec:no": begin_reject},
    guard=secretaries_only,
)
"""Rejecting a registration with a reason (or none: skip)."""


async def suspend(ctx: Ctx, arg: str) -> list[Reply]:
    return await _transition(
        ctx,
        arg,
        [StallStatus.APPROVED],
        StallStatus.SUSPENDED,
        "vendor.suspended_notice",
        "sec.suspended",
    )


async def resume(ctx: Ctx, arg: str) -> list[Reply]:
    return await _transition(
        ctx,
        arg,
        [StallStatus.SUSPENDED],
        StallStatus.APPROVED,
        "vendor.resumed_notice",
        "sec.resumed",
    )


async def promote(ctx: Ctx, _arg: str) -> list[Reply]:
    if not ctx.is_secretary:
        return _refuse(ctx)
    others = await ctx.store.recent_users(exclude=[ctx.user.id], limit=PROMOTE_CANDIDATES * 2)
    candidates = [u for u in others if not _listed(ctx, u)][:PROMOTE_CANDIDATES]
    if not candidates:
        return [Reply(ctx.t("sec.no_candidates"))]
    buttons = [Choice(f"sec:prom:{u.id}", _who(ctx, u)) for u in candidates]
    return [
        Reply(
            ctx.t("sec.promote_pick"),
            choices=rows(buttons, 2) + rows([ctx.button("btn.back", "sec:menu")]),
        )
    ]


def _listed(ctx: Ctx, user: User) -> bool:
    return user.platform_user_id in ctx.services.config.secretaries.ids(user.platform)


def _who(ctx: Ctx, user: User) -> str:
    name = user.display_name or user.platform_user_id
    return f"{name} ({user.platform})"


async def _candidate(ctx: Ctx, arg: str) -> User:
    """The user a button names (never oneself), or :class:`Stale`."""
    user = await ctx.store.get_user(uid) if (uid := id_in(arg)) is not None else None
    if user is None or user.id == ctx.user.id:
        raise Stale
    return user


async def confirm_promote(ctx: Ctx, arg: str) -> list[Reply]:
    if not ctx.is_secretary:
        return _refuse(ctx)
    user = await _candidate(ctx, arg)
    buttons = [
        ctx.button("btn.confirm", f"sec:promok:{user.id}"),
        ctx.button("btn.back", "sec:menu"),
    ]
    return [
        Reply(
            ctx.t("sec.promote_confirm", name=esc(_who(ctx, user))),
            choices=rows(buttons, 2),
            edit=True,
        )
    ]


async def do_promote(ctx: Ctx, arg: str) -> list[Reply]:
    if not ctx.is_secretary:
        return _refuse(ctx)
    user = await _candidate(ctx, arg)
    if not await ctx.store.set_secretary(user.id):
        return [Reply(ctx.t("sec.already_secretary", name=esc(_who(ctx, user))))]
    lang = user_lang(user, ctx.services.config.bot.language)
    ctx.notify(
        user,
        Reply(
            t(lang, "sec.you_are_promoted"),
            choices=((Choice("sec:menu", t(lang, "menu.secretary")),),),
        ),
        about={"notice": "promoted"},
    )
    return [Reply(ctx.t("sec.promoted", name=esc(_who(ctx, user))))]


async def demote(ctx: Ctx, _arg: str) -> list[Reply]:
    """The secretaries made in chat (not those listed in the config, not oneself)."""
    if not ctx.is_secretary:
        return _refuse(ctx)
    promoted = [u for u in await ctx.store.promoted_secretaries() if u.id != ctx.user.id]
    if not promoted:
        return [
            Reply(ctx.t("sec.no_demotable"), choices=rows([ctx.button("btn.back", "sec:menu")]))
        ]
    buttons = [Choice(f"sec:dem:{u.id}", _who(ctx, u)) for u in promoted]
    return [
        Reply(
            ctx.t("sec.demote_pick"),
            choices=rows(buttons, 2) + rows([ctx.button("btn.back", "sec:menu")]),
            edit=True,
        )
    ]


async def confirm_demote(ctx: Ctx, arg: str) -> list[Reply]:
    if not ctx.is_secretary:
        return _refuse(ctx)
    user = await _candidate(ctx, arg)
    buttons = [
        ctx.button("btn.confirm", f"sec:demok:{user.id}"),
        ctx.button("btn.back", "sec:menu"),
    ]
    text = ctx.t("sec.demote_confirm", name=esc(_who(ctx, user)))
    return [Reply(text, choices=rows(buttons, 2), edit=True)]


async def do_demote(ctx: Ctx, arg: str) -> list[Reply]:
    if not ctx.is_secretary:
        return _refuse(ctx)
    user = await _candidate(ctx, arg)
    if not await ctx.store.unset_secretary(user.id):
        raise Stale
    lang = user_lang(user, ctx.services.config.bot.language)
    ctx.notify(user, Reply(t(lang, "sec.you_are_demoted")), about={"notice": "demoted"})
    return [Reply(ctx.t("sec.demoted", name=esc(_who(ctx, user))))]


async def demand(ctx: Ctx, _arg: str = "") -> list[Reply]:
    """/demand: what visitors looked for in the last 7 days, and what nobody sells."""
    if not ctx.is_secretary:
        return _refuse(ctx)
    summary = await ctx.services.catalog.demand(ctx.services.clock.now())
    return [Reply(demand_text(summary, ctx.lang))]


def register_choices() -> list[tuple[str, Handler]]:
    """Buttons of the secretary tools valid anywhere: (prefix, handler)."""
    return [
        ("sec:menu", menu),
        ("sec:pending", pending),
        ("sec:stalls", all_stalls),
        ("sec:view", view),
        ("sec:ok", approve),
        ("sec:suspend", suspend),
        ("sec:resume", resume),
        ("sec:promote", promote),
        ("sec:prom", confirm_promote),
        ("sec:promok", do_promote),
        ("sec:demote", demote),
        ("sec:dem", confirm_demote),
        ("sec:demok", do_demote),
    ]
