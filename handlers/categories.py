"""Commands: /categories. A market's own product categories, managed by a secretary.

Every market has the fixed categories (山珍, 药材 … 饮品, 其他); a secretary adds the market's
own (手工醋, 文创 …) with a Chinese name and, optionally, an English one (English screens show
the Chinese name when there is none), renames them and removes them. A removed category's
products move to 其他: a secretary tidying the list should not have to chase every vendor first,
and the goods stay listed and findable; the confirmation says how many move, and vendors can
pick another category later. Fixed categories cannot be changed.

The categories edited are those of the market the secretary is looking at; a button naming a
category of another market (an old message, a forged id) is stale, and every change is checked
against the market it was started in.

    /categories → the list → ➕ add: name → English name (or skip) → saved
                           → a category: ✏️ rename (name → English) | 🗑 remove → confirm
"""

from __future__ import annotations

from handlers.answers import cancel_button, read_line, skip_button, skippable
from handlers.cards import categories_of, current_market, rows
from handlers.secretary import secretaries_only
from marketbot.chat.context import Ctx
from marketbot.chat.flow import Flow, Handler, Invalid, Stale, Step
from marketbot.domain.model import (
    ADDED_CATEGORIES_MAX,
    CATEGORY_EN_MAX,
    CATEGORY_NAME_MAX,
    OTHER_CATEGORY,
    Categories,
    Category,
    Market,
    user_lang,
)
from marketbot.neutral import Choice, Reply
from marketbot.storage.categories import CategoryStore
from marketbot.texts import esc, t

__all__ = ["FLOW", "register_choices", "show_categories"]


class S:
    """Conversation states (stored strings: renaming one needs a migration)."""

    NAME = "secretary.categories.name"
    ENGLISH = "secretary.categories.english"


def _store(ctx: Ctx) -> CategoryStore:
    return CategoryStore(ctx.store.db)


async def _market(ctx: Ctx) -> tuple[Market, Categories]:
    """The secretary's market and its categories; :class:`Stale` when there is no market."""
    market = await current_market(ctx)
    if market is None:
        raise Stale
    return market, await categories_of(ctx, market.id)


async def _added(ctx: Ctx, key: str) -> tuple[Market, Category]:
    """The added category ``key`` of the secretary's market, or :class:`Stale` (a fixed one,
    another market's, one removed since, a forged id)."""
    market, categories = await _market(ctx)
    category = categories.get(key)
    if category is None or not category.added:
        raise Stale
    return market, category


async def show_categories(ctx: Ctx, _arg: str = "") -> list[Reply]:
    refusal = secretaries_only(ctx)
    if refusal is not None:
        return refusal
    market, categories = await _market(ctx)
    store = _store(ctx)
    counts = {c.key: await store.product_count(market.id, c.key) for c in categories.added}
    fixed = "、".join(esc(c.name(ctx.lang)) for c in categories.items if not c.added)
    added = "、".join(
        ctx.t("catm.added_item", name=esc(c.name(ctx.lang)), count=counts[c.key])
        for c in categories.added
    )
    text = ctx.t(
        "catm.list",
        market=esc(market.name),
        fixed=fixed,
        added=added or ctx.t("catm.none_added"),
    )
    buttons = [Choice(f"catm:view:{c.key}", c.name(ctx.lang)) for c in categories.added]
    tail = [ctx.button("catm.btn.add", "catm:add"), ctx.button("btn.back", "sec:menu")]
    return [Reply(text, choices=rows(buttons, 3) + rows(tail, 2), edit=True)]


async def view(ctx: Ctx, key: str) -> list[Reply]:
    refusal = secretaries_only(ctx)
    if refusal is not None:
        return refusal
    market, category = await _added(ctx, key)
    count = await _store(ctx).product_count(market.id, category.key)
    text = ctx.t(
        "catm.view",
        name=esc(category.zh),
        english=esc(category.en) if category.en else ctx.t("catm.no_english"),
        count=count,
    )
    buttons = [
        ctx.button("catm.btn.rename", f"catm:rename:{category.key}"),
        ctx.button("catm.btn.remove", f"catm:del:{category.key}"),
        ctx.button("btn.back", "catm:list"),
    ]
    return [Reply(text, choices=rows(buttons, 2), edit=True)]


async def ask_remove(ctx: Ctx, key: str) -> list[Reply]:
    refusal = secretaries_only(ctx)
    if refusal is not None:
        return refusal
    market, category = await _added(ctx, key)
    count = await _store(ctx).product_count(market.id, category.key)
    other = Categories.of().name(OTHER_CATEGORY, ctx.lang)
    text = ctx.t("catm.confirm_remove", name=esc(category.zh), count=count, other=esc(other))
    buttons = [
        ctx.button("catm.btn.confirm_remove", f"catm:delok:{category.key}"),
        ctx.button("btn.back", f"catm:view:{category.key}"),
    ]
    return [Reply(text, choices=rows(buttons, 2), edit=True)]


async def remove(ctx: Ctx, key: str) -> list[Reply]:
    refusal = secretaries_only(ctx)
    if refusal is not None:
        return refusal
    market, category = await _added(ctx, key)
    using = await _store(ctx).stalls_using(market.id, category.key)
    moved = await _store(ctx).remove(market.id, category.key, now=ctx.services.clock.now())
    if moved is None:
        raise Stale
    for stall_id, count in using:
        await _tell_vendor(ctx, stall_id, category, count)
    other = Categories.of().name(OTHER_CATEGORY, ctx.lang)
    done = ctx.t("catm.removed", name=esc(category.zh), count=moved, other=esc(other))
    return [Reply(done), *await show_categories(ctx)]


async def _tell_vendor(ctx: Ctx, stall_id: int, category: Category, count: int) -> None:
    """A vendor whose goods moved to 其他 is told, in their language, with a way to look."""
    stall = await ctx.store.get_stall(stall_id)
    owner = None if stall is None or stall.owner_id is None else stall.owner_id
    user = None if owner is None else await ctx.store.get_user(owner)
    if user is None or user.id == ctx.user.id:
        return
    lang = user_lang(user, ctx.services.config.bot.language)
    other = Categories.of().name(OTHER_CATEGORY, lang)
    name = category.en if lang == "en" and category.en else category.zh
    text = t(lang, "catm.moved_notice", name=esc(name), count=count, other=esc(other))
    buttons = ((Choice("my:list:0", t(lang, "menu.my_stall")),),)
    ctx.notify(user, Reply(text, choices=buttons), about={"notice": "category", "stall": stall_id})


# adding and renaming: one flow ----------------------------------------------------------------


async def begin_add(ctx: Ctx, _arg: str) -> list[Reply]:
    market, categories = await _market(ctx)
    if len(categories.added) >= ADDED_CATEGORIES_MAX:
        full = ctx.t("catm.full", limit=ADDED_CATEGORIES_MAX)
        return [Reply(full), *await show_categories(ctx)]
    ctx.start_flow(S.NAME, market=market.id)
    return await ask_name(ctx)


async def begin_rename(ctx: Ctx, key: str) -> list[Reply]:
    market, category = await _added(ctx, key)
    ctx.start_flow(S.NAME, market=market.id, key=category.key, old=category.zh)
    return await ask_name(ctx)


async def ask_name(ctx: Ctx) -> list[Reply]:
    old = ctx.conv.data.get("old")
    if old:
        text = ctx.t("catm.ask_rename", name=esc(old), limit=CATEGORY_NAME_MAX)
    else:
        text = ctx.t("catm.ask_name", limit=CATEGORY_NAME_MAX)
    return [Reply(text, choices=rows([cancel_button(ctx)]))]


async def _check_free(ctx: Ctx, name: str) -> None:
    """:class:`Invalid` when another category of the market already answers to ``name`` (a
    key, a Chinese or an English name, in any case): names must find one category only."""
    categories = await categories_of(ctx, int(ctx.conv.data["market"]))
    if categories.clash(name, besides=ctx.conv.data.get("key", "")) is not None:
        raise Invalid(ctx.t("catm.taken", name=esc(name)))


async def answer_name(ctx: Ctx, _text: str) -> list[Reply]:
    name = read_line(ctx, CATEGORY_NAME_MAX)
    await _check_free(ctx, name)
    ctx.conv.data["zh"] = name
    ctx.goto(S.ENGLISH)
    return await ask_english(ctx)


async def ask_english(ctx: Ctx) -> list[Reply]:
    text = ctx.t("catm.ask_english", name=esc(ctx.conv.data["zh"]), limit=CATEGORY_EN_MAX)
    return [Reply(text, choices=rows([skip_button(ctx), cancel_button(ctx)], 2))]


async def answer_english(ctx: Ctx, _text: str) -> list[Reply]:
    name = read_line(ctx, CATEGORY_EN_MAX)
    await _check_free(ctx, name)
    return await _save(ctx, name)


async def skip_english(ctx: Ctx) -> list[Reply]:
    return await _save(ctx, "")


async def _save(ctx: Ctx, english: str) -> list[Reply]:
    refusal = secretaries_only(ctx)
    if refusal is not None:  # no longer a secretary since the flow began
        ctx.end_flow()
        return refusal
    data = ctx.conv.data
    market_id, zh, key = int(data["market"]), str(data["zh"]), data.get("key")
    await _check_free(ctx, zh)  # another secretary may have taken it meanwhile
    store = _store(ctx)
    if key is None:
        now = ctx.services.clock.now()
        await store.add(market_id, zh, english, by=ctx.user.id, now=now)
        done = ctx.t("catm.added", name=esc(zh))
    elif await store.rename(market_id, str(key), zh, english):
        done = ctx.t("catm.renamed", name=esc(zh))
    else:  # removed meanwhile
        ctx.end_flow()
        raise Stale
    ctx.end_flow()
    market = await current_market(ctx)
    if market is None or market.id != market_id:  # they switched market meanwhile
        return [Reply(done)]
    return [Reply(done), *await show_categories(ctx)]


FLOW = Flow(
    "flow.categories",
    steps=(
        Step(S.NAME, ask_name, answer_name),
        Step(S.ENGLISH, ask_english, skippable(answer_english, skip_english), skip=skip_english),
    ),
    starts={"catm:add": begin_add, "catm:rename": begin_rename},
    guard=secretaries_only,
)
"""Adding a category, or renaming one (``key`` in the draft)."""


def register_choices() -> list[tuple[str, Handler]]:
    """Buttons valid anywhere: (prefix, handler)."""
    return [
        ("catm:list", show_categories),
        ("catm:view", view),
        ("catm:del", ask_remove),
        ("catm:delok", remove),
    ]
