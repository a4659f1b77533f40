"""Conversation flows, one module per role, registered here in one ordered place.

``register(router)`` is the whole routing table: commands (in menu order), button prefixes,
flow steps, and the fallbacks. Nothing registers itself on import.
"""

from __future__ import annotations

from handlers import (
    broadcast,
    common,
    following,
    market_days,
    markets,
    printouts,
    search,
    secretary,
    vendor,
    visitor,
)
from marketbot.chat.dispatch import Command, Router, Step

__all__ = ["build_router", "register"]


def register(router: Router) -> None:
    # Commands, in the order of the command menu.
    router.command(Command("start", visitor.start, "cmd.start"))
    router.command(Command("help", common.help_, "cmd.help", during_flow=True))
    router.command(Command("cancel", common.cancel, "cmd.cancel", during_flow=True))
    router.command(Command("lang", common.language, "cmd.lang", during_flow=True))
    router.command(Command("search", search.search, "cmd.search"))
    router.command(Command("next", market_days.next_market, "days.cmd.next"))
    router.command(Command("subscribe", following.toggle_subscription, "cmd.subscribe"))
    router.command(Command("register", vendor.start_registration, "cmd.register"))
    router.command(Command("add", vendor.start_add, "cmd.add"))
    router.command(Command("mystall", vendor.my_stall, "cmd.mystall"))
    router.command(Command("pending", secretary.pending, "cmd.pending"))
    router.command(Command("promote", secretary.promote, "cmd.promote"))
    router.command(Command("demand", secretary.demand, "cmd.demand"))
    router.command(Command("schedule", market_days.schedule, "days.cmd.schedule"))
    router.command(Command("reminders", following.reminder_times, "cmd.reminders"))
    router.command(Command("broadcast", broadcast.start_broadcast, "bc.cmd.broadcast"))
    router.command(Command("broadcasts", broadcast.list_broadcasts, "bc.cmd.broadcasts"))

    # Buttons: visitors' navigation.
    router.choice("menu:main", visitor.main_menu)
    router.choice("menu:cats", visitor.browse_categories)
    router.choice("menu:search", search.search_prompt)
    router.choice("menu:vendor", vendor.vendor_menu, starts_flow=True)
    router.choice("cat", visitor.browse_category)
    router.choice("stalls", visitor.browse_stalls)
    router.choice("stall", visitor.show_stall)
    router.choice("prod", visitor.show_product)
    router.choice("lang", common.set_language)
    router.choice("flow:cancel", common.cancel)
    router.choice("flow:skip", common.skip)
    for prefix, handler, starts_flow in vendor.register_choices():
        router.choice(prefix, handler, starts_flow=starts_flow)
    for prefix, handler, starts_flow in secretary.register_choices():
        router.choice(prefix, handler, starts_flow=starts_flow)
    for prefix, handler in printouts.register_choices():
        router.choice(prefix, handler)
    for prefix, handler, starts_flow in market_days.register_choices():
        router.choice(prefix, handler, starts_flow=starts_flow)
    for prefix, handler in following.register_choices():
        router.choice(prefix, handler)
    for prefix, handler, starts_flow in broadcast.register_choices():
        router.choice(prefix, handler, starts_flow=starts_flow)
    for prefix, handler, starts_flow in markets.register_choices():
        router.choice(prefix, handler, starts_flow=starts_flow)

    # Flow steps.
    for state, ask, answer in vendor.STEPS:
        router.step(Step(state, ask, answer))
    router.step(Step(secretary.REJECT_STATE, secretary.ask_reason, secretary.answer_reason))
    for state, ask, answer in market_days.STEPS:
        router.step(Step(state, ask, answer))
    for state, ask, answer in broadcast.STEPS:
        router.step(Step(state, ask, answer))
    for state, ask, answer in markets.STEPS:
        router.step(Step(state, ask, answer))

    # Fallbacks; free text is last: questions about market days first, then search.
    router.stale = common.stale
    router.busy = common.busy
    router.unknown_command = common.unknown_command
    router.unexpected_media = common.unexpected_media
    router.free_text = market_days.free_text
    router.entry = visitor.enter


def build_router() -> Router:
    router = Router()
    register(router)
    return router
