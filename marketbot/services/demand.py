"""Demand nobody met: the weekly summary for secretaries (also ``/demand``) and the word to
vendors whose goods match what visitors asked for but did not find.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime

from marketbot.config import Config
from marketbot.delivery.ports import Outbox
from marketbot.domain.model import User, user_lang
from marketbot.neutral import Reply
from marketbot.search import SearchIndex
from marketbot.services.catalog import Catalog, Demand, catalog_item
from marketbot.storage.market_data import Storage
from marketbot.texts import Lang, esc, t

__all__ = ["HINT_THRESHOLD", "demand_text", "secretary_users", "send_weekly"]

logger = logging.getLogger(__name__)

HINT_THRESHOLD = 3
"""Searches a week for an unmet wish before vendors who have such goods are told."""


async def secretary_users(store: Storage, config: Config) -> list[User]:
    """Everyone who acts as a secretary and can be messaged."""
    users = await store.promoted_secretaries()
    for platform, ids in config.secretaries.by_platform().items():
        users += await store.users_by_platform_ids(platform, sorted(ids))
    return list({u.id: u for u in users}.values())


def demand_text(demand: Demand, lang: Lang) -> str:
    """The summary: how many searches, the most searched goods, and what nobody sells."""
    lines = [t(lang, "demand.title", count=demand.searches)]
    if demand.top:
        lines.append(t(lang, "demand.top"))
        lines += [t(lang, "demand.line", term=esc(w.term), count=w.searches) for w in demand.top]
    if demand.unmet:
        lines.append(t(lang, "demand.unmet"))
        lines += [
            t(lang, "demand.unmet_line", term=esc(w.term), count=w.searches) for w in demand.unmet
        ]
    if not demand.searches:
        lines.append(t(lang, "demand.none"))
    return "\n".join(lines)


async def _vendor_hints(
    store: Storage, catalog: Catalog, demand: Demand
) -> dict[int, list[tuple[str, int, str, bool]]]:
    """Owner id → (wish, searches, their product, in stock) for frequent unmet wishes."""
    frequent = [w for w in demand.unmet if w.searches >= HINT_THRESHOLD]
    if not frequent:
        return {}
    listings = await store.all_products_with_stalls()
    index = SearchIndex.build((catalog_item(p, s, set()) for p, s in listings), catalog.tables)
    owners = {s.id: s.owner_id for _, s in listings}
    hints: dict[int, list[tuple[str, int, str, bool]]] = defaultdict(list)
    for wish in frequent:
        for group in index.search(wish.term, 5).groups:
            for item in group.items:
                owner = owners.get(item.stall_id)
                if owner is not None:
                    hints[owner].append((wish.term, wish.searches, item.name, item.in_stock))
    return hints


async def send_weekly(
    store: Storage, catalog: Catalog, config: Config, outbox: Outbox, now: datetime, week: str
) -> bool:
    """Send the week's summary to secretaries and hints to vendors, once per ``week``.

    The week is marked done in the same transaction that queues the messages: a failure
    half-way leaves it undone, to be tried again."""
    async with store.db.transaction():
        if not await store.claim_demand_week(week, now):
            return False
        await _queue_weekly(store, catalog, config, outbox, now, week)
    logger.info("weekly demand summary %s sent", week)
    return True


async def _queue_weekly(
    store: Storage, catalog: Catalog, config: Config, outbox: Outbox, now: datetime, week: str
) -> None:
    demand = await catalog.demand(now)
    by_lang: dict[Lang, list[User]] = defaultdict(list)
    for user in await secretary_users(store, config):
        by_lang[user_lang(user, config.bot.language)].append(user)
    for lang, users in sorted(by_lang.items()):
        await outbox.enqueue(
            "notice",
            Reply(demand_text(demand, lang)),
            [(u.platform, u.chat_id) for u in users],
            key=f"demand:{week}:{lang}",
            meaning={"notice": "demand", "week": week},
        )
    for owner_id, hints in (await _vendor_hints(store, catalog, demand)).items():
        owner = await store.get_user(owner_id)
        if owner is None:
            continue
        lang = user_lang(owner, config.bot.language)
        lines = [
            t(
                lang,
                "demand.hint" if stock else "demand.hint_sold_out",
                wish=esc(wish),
                count=count,
                product=esc(name),
            )
            for wish, count, name, stock in hints
        ]
        await outbox.enqueue(
            "notice",
            Reply("\n".join(dict.fromkeys(lines))),
            [(owner.platform, owner.chat_id)],
            key=f"demand-hint:{week}:{owner.id}",
            meaning={"notice": "demand_hint", "week": week},
        )
