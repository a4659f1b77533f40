"""Conversation flows, one module per role or flow, registered here in one ordered place.

``register(router)`` is the whole routing table: commands (in menu order), buttons valid
anywhere, the flows (each declared in its own module with :class:`~marketbot.chat.flow.Flow`:
steps, the buttons valid in each step, skip targets, starters), and the fallbacks. Nothing
registers itself on import. A new flow is its module plus one ``router.flow(...)`` line.
"""

from __future__ import annotations

from handlers import (
    broadcast,
    calendar_words,
    categories,
    common,
    following,
    listing,
    market_days,
    markets,
    my_stall,
    printouts,
    registration,
    search,
    secretary,
    stall_info,
    typed_commands,
    visitor,
    who_words,
)
from marketbot.chat.dispatch import Command, Router
from marketbot.chat.flow import CANCEL, SKIP

__all__ = ["build_router", "register"]


def register(router: Router) -> None:
    # Commands, in the order of the command menu.
    router.command(Command("start", visitor.start, "cmd.start"))
    router.command(Command("help", common.help_, "cmd.help", during_flow=True))
    router.command(Command("cancel", router.cancel, "cmd.cancel", during_flow=True))
    router.command(Command("lang", common.language, "cmd.lang", during_flow=True))
    router.command(Command("search", search.search, "cmd.search"))
    router.command(Command("next", market_days.next_market, "days.cmd.next"))
    router.command(Command("subscribe", following.toggle_subscription, "cmd.subscribe"))
    router.command(Command("register", registration.start_registration, "cmd.register"))
    router.command(Command("add", listing.start_add, "cmd.add"))
    router.command(Command("mystall", my_stall.my_stall, "cmd.mystall"))
    router.command(Command("pending", secretary.pending, "cmd.pending", for_secretaries=True))
    router.command(Command("promote", secretary.promote, "cmd.promote", for_secretaries=True))
    router.command(Command("demand", secretary.demand, "cmd.demand", for_secretaries=True))
    router.command(
        Command("schedule", market_days.schedule, "days.cmd.schedule", for_secretaries=True)
    )
    router.command(
        Command("categories", categories.show_categories, "cmd.categories", for_secretaries=True)
    )
    router.command(
        Command("reminders", following.reminder_times, "cmd.reminders", for_secretaries=True)
    )
    router.command(
        Command("broadcast", broadcast.start_broadcast, "bc.cmd.broadcast", for_secretaries=True)
    )
    router.command(
        Command("broadcasts", broadcast.list_broadcasts, "bc.cmd.broadcasts", for_secretaries=True)
    )

    # Buttons valid in any state: visitors' navigation, the language, every flow's cancel and
    # skip (skip does what the current step says), then each role's tools.
    router.choice("menu:main", visitor.main_menu)
    router.choice("menu:cats", visitor.browse_categories)
    router.choice("menu:search", search.search_prompt)
    router.choice("cat", visitor.browse_category)
    router.choice("stalls", visitor.browse_stalls)
    router.choice("stall", visitor.show_stall)
    router.choice("prod", visitor.show_product)
    router.choice("lang", common.set_language)
    router.choice(CANCEL, router.cancel)
    router.choice(SKIP, router.skip)
    router.buttons(my_stall.register_choices())
    router.buttons(stall_info.register_choices())
    router.buttons(secretary.register_choices())
    router.buttons(printouts.register_choices())
    router.buttons(market_days.register_choices())
    router.buttons(following.register_choices())
    router.buttons(broadcast.register_choices())
    router.buttons(markets.register_choices())
    router.buttons(categories.register_choices())
    router.buttons(search.register_choices())

    # Flows: their steps, step buttons (refused in any other state) and starters.
    router.flow(registration.FLOW)
    router.flow(listing.FLOW)
    router.flow(my_stall.EDIT)
    router.flow(stall_info.FLOW)
    router.flow(secretary.REJECT)
    router.flow(market_days.FLOW)
    router.flow(broadcast.FLOW)
    router.flow(broadcast.VENDOR_FLOW)
    router.flow(markets.FLOW)
    router.flow(categories.FLOW)

    # Fallbacks; free text is last: a vendor's products, a command named in words, a secretary's
    # words about the calendar, questions about market days, then search.
    # A vendor introducing themselves (name, village, phone, goods) starts the registration.
    router.stale = common.stale
    router.busy = common.busy
    router.cancelled = common.cancel
    router.unknown_command = common.unknown_command
    # A vendor's "沙棘膏 35元一瓶" (typed, or as a photo's caption) lists it before anything else.
    router.unexpected_media = listing.vendor_photo_first(common.unexpected_media)
    router.free_text = listing.vendor_text_first(
        registration.introduction_first(
            typed_commands.named_command_first(
                calendar_words.secretary_words_first(
                    market_days.day_question_first(who_words.who_first(market_days.free_text))
                )
            )
        )
    )
    router.entry = visitor.enter


def build_router() -> Router:
    router = Router()
    register(router)
    return router
