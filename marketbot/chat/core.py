"""The chat core: turns one :class:`Inbound` into replies, whatever the platform.

One incoming message is one transaction: the core records who wrote, hands over messages held
for them, loads their conversation, maps a typed label or number back to the button it names,
routes through the :class:`~marketbot.chat.dispatch.Router`, queues the messages the handler
wrote to other people in the delivery outbox, and saves the conversation — all committed
together, or nothing when the handler fails, so an error never loses a draft or half a change.

An update a platform will confirm to its server (``Inbound.key``) is recorded in the same
transaction, so one delivered again after a crash is not handled twice, and its replies are kept
in the outbox until the platform reports them sent (``sending`` → ``sent``; ``retry`` hands one
to the delivery engine; after a crash the engine sends what was never sent). The ``sending`` and
``sent`` marks of the replies of many chats are committed together (:class:`ReplyMarks`): each
waits for its commit, but one transaction serves all that asked meanwhile.

Platforms declare :class:`~marketbot.neutral.Capabilities`; the core asks them, never a name:
where there are no buttons a typed number presses the choice it shows, and where one message
answers one inbound the answer becomes one text in pages (typing 0 shows the next).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from datetime import datetime
from functools import lru_cache
from typing import Literal

from marketbot.chat import text_render
from marketbot.chat.context import Ctx, Services
from marketbot.chat.dispatch import Router
from marketbot.delivery.ports import Outbox
from marketbot.domain.language import written_in_english
from marketbot.domain.model import User, user_lang
from marketbot.domain.prices import format_price
from marketbot.neutral import NUMBERED, Capabilities, Inbound, Outbound, Reply, ShareCard
from marketbot.storage.inbox import InboxStore
from marketbot.storage.market_data import Conversation
from marketbot.storage.outbox import OutboxStore
from marketbot.texts import Lang, esc, normalize_lang, t

__all__ = ["Core", "ReplyMarks"]

logger = logging.getLogger(__name__)

SeenHook = Callable[[User], Awaitable[None]]
INLINE_LIMIT = 10
PUSHED_KEPT = 12
"""Buttons of pushed messages remembered per person (the newest)."""


@lru_cache(maxsize=4096)
def _label_key(text: str) -> str:
    """A label as people type it: letters and digits only, so "保存" presses "✅ 保存" (the
    labels of the buttons shown are folded at every message: kept)."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _by_label(text: str, choices: list[tuple[str, str]]) -> list[str]:
    """The ids of the buttons whose label is ``text``, once each, in order."""
    folded = _label_key(text)
    if not folded:
        return []
    return list(dict.fromkeys(cid for cid, label in choices if _label_key(label) == folded))


class _SameLabel(str):
    """A typed label that names several different buttons (two vendors' "✅ 通过"): pressing
    one of them would be a guess."""


def _which_one(typed: _SameLabel, conv: Conversation, caps: Capabilities, lang: Lang) -> Reply:
    """Several buttons have the label typed: press the one meant (or type its number)."""
    ids = set(_by_label(typed, conv.choices) or _by_label(typed, conv.pushed))
    numbers = [str(n) for n, (cid, _) in enumerate(conv.choices, 1) if cid in ids]
    if caps.buttons or len(numbers) < len(ids):
        return Reply(t(lang, "core.same_label", label=esc(typed), n=len(ids)))
    listed = ("、" if lang == "zh" else ", ").join(numbers)
    return Reply(t(lang, "core.same_label_numbers", label=esc(typed), n=len(ids), numbers=listed))


def _pushed_choices(conv: Conversation, reply: Reply) -> int:
    """A pushed message's buttons: numbered on after the choices open now (whose numbers keep
    their meaning), and pressable by label later too. Returns the first new number."""
    first = len(conv.choices) + 1
    new = [(c.id, c.label) for c in reply.flat_choices()]
    conv.choices += new
    conv.pushed = ([c for c in conv.pushed if c not in new] + new)[-PUSHED_KEPT:]
    return first


def _paged(
    conv: Conversation,
    replies: list[Reply],
    held: list[Reply],
    caps: Capabilities,
    lang: Lang,
) -> list[Reply]:
    """The answer as the platform takes it: as it is, or as one text in pages."""
    if caps.replies_per_inbound != 1:
        conv.pages = []
        return replies + held
    pages = text_render.pages(replies + held, caps, t(lang, "core.more"))
    conv.pages = pages[1:]
    return [Reply(esc(pages[0]))]


class ReplyMarks:
    """The ``sending`` and ``sent`` marks of kept replies, committed in groups: a mark asked
    for while another group commits (or in the same turn of the event loop) waits for the next
    group, which commits every mark asked for until then in one transaction. Each caller
    returns only once its own mark is committed, so a crash never finds a reply sent that is
    not marked ``sending`` (it becomes *unconfirmed*, never sent again) nor one marked
    ``sending`` that was never handed to its platform unless the crash came in between."""

    def __init__(self, outbox: OutboxStore, clock: Callable[[], datetime]) -> None:
        self._outbox = outbox
        self._clock = clock
        self._claims: list[tuple[int, asyncio.Future[bool]]] = []
        self._sent: list[tuple[int, asyncio.Future[bool]]] = []
        self._flushing: asyncio.Task[None] | None = None

    async def claim(self, ref: int) -> bool:
        """``pending → sending``, committed; False when the row is no longer pending."""
        return await self._ask(self._claims, ref)

    async def sent(self, ref: int) -> None:
        await self._ask(self._sent, ref)

    async def _ask(self, queue: list[tuple[int, asyncio.Future[bool]]], ref: int) -> bool:
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        queue.append((ref, future))
        if self._flushing is None:
            self._flushing = asyncio.create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        try:
            while self._claims or self._sent:
                claims, self._claims = self._claims, []
                sent, self._sent = self._sent, []
                try:
                    claimed = await self._outbox.mark_replies(
                        [ref for ref, _ in claims], [ref for ref, _ in sent], self._clock()
                    )
                except Exception as exc:
                    for _, future in claims + sent:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                for ref, future in claims:  # a row asked for twice is claimed once
                    if not future.done():
                        future.set_result(ref in claimed)
                    claimed.discard(ref)
                for _, future in sent:
                    if not future.done():
                        future.set_result(True)
        finally:
            self._flushing = None


class Core:
    """Platform-neutral bot: ``await core.handle(inbound)`` returns what to send."""

    def __init__(self, services: Services, router: Router) -> None:
        self.services = services
        self.router = router
        self.on_seen: list[SeenHook] = []
        self.platforms: dict[str, Capabilities] = {}
        """What each platform served can do, as it declared when it started."""
        self.outbox: Outbox | None = None
        """The delivery engine, once running; before that, messages wait in the outbox table."""
        self._marks = ReplyMarks(OutboxStore(services.store.db), services.clock.now)

    def add_platform(self, name: str, capabilities: Capabilities) -> None:
        self.platforms[name] = capabilities

    def capabilities(self, platform: str) -> Capabilities:
        """What ``platform`` declared; a plain numbered text platform if it declared nothing."""
        return self.platforms.get(platform, NUMBERED)

    def is_secretary(self, user: User) -> bool:
        listed = self.services.config.secretaries.ids(user.platform)
        return user.is_secretary or user.platform_user_id in listed

    def command_menu(self, lang: Literal["zh", "en"]) -> list[tuple[str, str]]:
        return [(c.name, t(lang, c.description_key)) for c in self.router.menu()]

    def _pressed(self, inbound: Inbound, conv: Conversation, caps: Capabilities) -> str | None:
        if inbound.choice is not None:
            return inbound.choice
        text = (inbound.text or "").strip()
        if not text:
            return None
        found = _by_label(text, conv.choices) or _by_label(text, conv.pushed)
        if len(found) > 1:
            return _SameLabel(text)
        if found:
            return found[0]
        if not caps.buttons and text.isascii() and text.isdigit():
            number = int(text)
            if 1 <= number <= len(conv.choices):
                return conv.choices[number - 1][0]
        return None

    def _stall_link(self, platform: str, stall_id: int) -> str | None:
        """The link that opens a stall: the asking platform's own, else the best there is."""
        links = self.services.links.all("stall", stall_id)
        own = [link.url for link in links if link.platform == platform]
        found = own or [link.url for link in links]
        return found[0] if found else None

    async def share_cards(
        self, platform: str, query: str, language_code: str | None
    ) -> list[ShareCard]:
        """Product cards to share for ``query``, across every market; each opens its stall."""
        if not query.strip():
            return []
        lang = normalize_lang(language_code, self.services.config.bot.language)
        now = self.services.clock.now()
        answer = await self.services.catalog.search(None, query, now, limit=INLINE_LIMIT)
        cards = []
        for group in answer.groups:
            item = group.items[0]
            stall = await self.services.store.get_stall(item.stall_id)
            product = await self.services.store.get_product(item.product_id)
            link = self._stall_link(platform, item.stall_id)
            if stall is None or product is None or link is None:
                continue
            price = format_price(item.price_fen, item.unit, lang)
            cards.append(
                ShareCard(
                    id=f"p{item.product_id}",
                    title=f"{item.name}  {price}",
                    description=t(
                        lang,
                        "inline.description",
                        stall=stall.name,
                        village=stall.village or "—",
                        count=group.stall_count,
                    ),
                    text=t(
                        lang,
                        "inline.card",
                        name=esc(item.name),
                        price=esc(price),
                        stall=esc(stall.name),
                        village=esc(stall.village or "—"),
                        description=esc(product.description),
                    ),
                    link=link,
                    link_label=t(lang, "inline.open"),
                    photo=product.photo_id,
                )
            )
        return cards

    async def shown(self, platform: str, chat_id: str, reply: Reply) -> int:
        """A message pushed to ``chat_id`` (a reminder, a notice) is being shown; returns the
        number its first button is shown with, on a platform that numbers choices. The
        numbers already open keep their meaning."""
        first = 1
        if not reply.choices:
            return first
        store = self.services.store
        async with store.db.transaction():
            for user in await store.users_by_chat(platform, chat_id):
                conv = await store.get_conversation(user.id)
                first = _pushed_choices(conv, reply)
                await store.save_conversation(user.id, conv, self.services.clock.now())
        return first

    async def _notify(self, recipient: User, reply: Reply, about: Mapping[str, object]) -> None:
        """Queue a message to someone other than the sender in the delivery outbox."""
        await self._queue(recipient.platform, recipient.chat_id, reply, about)

    async def _queue(
        self, platform: str, chat_id: str, reply: Reply, about: Mapping[str, object]
    ) -> None:
        recipients = [(platform, chat_id)]
        if self.outbox is not None:
            await self.outbox.enqueue("notice", reply, recipients, meaning=about)
            return
        await OutboxStore(self.services.store.db).create(
            kind="notice",
            reply=reply,
            recipients=recipients,
            key=None,
            priority=0,
            not_before=None,
            platforms=[platform],
            now=self.services.clock.now(),
            meaning=about,
        )

    async def _turn(self, inbound: Inbound, caps: Capabilities) -> list[Outbound]:
        store, now = self.services.store, self.services.clock.now()
        inbox = InboxStore(store.db)
        await inbox.hold_sender(inbound.platform, inbound.user_id)  # one turn of theirs at a time
        if inbound.key is not None and not await inbox.first_time(
            inbound.platform, inbound.key, now
        ):
            logger.info("update %s of %s handled before", inbound.key, inbound.platform)
            return []
        replies = await self._answer(inbound, caps, now)
        if inbound.key is None:
            return [Outbound(inbound.platform, inbound.chat_id, r) for r in replies]
        outbox, kept = OutboxStore(store.db), []
        for reply in replies:
            _, ref = await outbox.reply_row(
                inbound.platform, inbound.chat_id, reply, {"reply": inbound.key}, now
            )
            kept.append(Outbound(inbound.platform, inbound.chat_id, reply, ref))
        return kept

    async def _answer(self, inbound: Inbound, caps: Capabilities, now: datetime) -> list[Reply]:
        store = self.services.store
        user = await store.upsert_user(
            platform=inbound.platform,
            platform_user_id=inbound.user_id,
            chat_id=inbound.chat_id,
            display_name=inbound.display_name,
            platform_language=inbound.language_code,
            now=now,
        )
        for hook in self.on_seen:
            await hook(user)
        conv = await store.get_conversation(user.id)
        if (
            not (user.language or user.platform_language or conv.state)
            and inbound.text
            and written_in_english(inbound.text)
        ):
            # Their platform says nothing of their language, their own words say English (an
            # answer to a question, such as a category's English name, says nothing).
            await store.set_language(user.id, "en")
            user = replace(user, language="en")
        lang = user_lang(user, self.services.config.bot.language)
        held = (
            await OutboxStore(store.db).take_held(inbound.platform, inbound.chat_id, now)
            if caps.holds
            else []
        )
        text = (inbound.text or "").strip().casefold()
        if conv.pages and inbound.choice is None and text in text_render.MORE:
            page, *conv.pages = conv.pages
            await store.save_conversation(user.id, conv, now)
            return [Reply(esc(page))]
        ctx = Ctx(
            services=self.services,
            user=user,
            lang=lang,
            conv=conv,
            inbound=inbound,
            is_secretary=self.is_secretary(user),
            router=self.router,
            caps=caps,
        )
        pressed = self._pressed(inbound, conv, caps)
        if isinstance(pressed, _SameLabel):  # asked which; the buttons and numbers stay
            replies = [_which_one(pressed, conv, caps, lang)]
        else:
            replies = await self.router.dispatch(ctx, pressed)
            conv.choices = [(c.id, c.label) for r in replies for c in r.flat_choices()]
        for reply in held:  # handed over after the answer, numbered on after its choices
            _pushed_choices(conv, reply)
        for recipient, reply, about in ctx.notices:
            await self._notify(recipient, reply, about)
        answer = _paged(conv, replies, held, caps, lang)
        await store.save_conversation(user.id, conv, now)
        return answer

    async def handle(self, inbound: Inbound) -> list[Outbound]:
        """Handle one inbound in one transaction; the replies for its sender."""
        caps = self.capabilities(inbound.platform)
        try:
            async with self.services.store.db.transaction():
                return await self._turn(inbound, caps)
        except Exception:
            logger.exception("handling a message from %s failed", inbound.platform)
            lang = normalize_lang(inbound.language_code, self.services.config.bot.language)
            return [Outbound(inbound.platform, inbound.chat_id, Reply(t(lang, "error.internal")))]

    # what a platform reports about a kept reply (Outbound.ref) ------------------------------

    async def sending(self, ref: int) -> bool:
        """The platform is about to send the reply; False when it must not (already sent)."""
        return await self._marks.claim(ref)

    async def sent(self, ref: int) -> None:
        await self._marks.sent(ref)

    async def settled(self) -> None:
        """Return once nothing waits to be sent to anyone now (the messages a turn queued for
        other people are out)."""
        if self.outbox is not None:
            await self.outbox.settled()

    async def undeliverable(self, ref: int, *, unreachable: bool, error: str) -> None:
        await self._settle(ref, "unreachable" if unreachable else "failed", error)

    async def retry(self, ref: int, error: str) -> None:
        """The platform could not send it now (a 429, a 5xx, a timeout): the delivery engine
        retries it, with the rules of every other message."""
        outbox, now = OutboxStore(self.services.store.db), self.services.clock.now()
        await outbox.requeue(ref, now, attempts=1, next_attempt_at=None, error=error)
        row = await outbox.row_of(ref)
        if row is not None and self.outbox is not None:
            announcement, platform = row
            await self.outbox.adopt(announcement, [platform])

    async def _settle(
        self, ref: int, state: Literal["failed", "unreachable"], error: str | None
    ) -> None:
        outbox, now = OutboxStore(self.services.store.db), self.services.clock.now()
        async with self.services.store.db.transaction():
            await outbox.settle(ref, state, now, attempts=1, error=error)
            row = await outbox.row_of(ref)
            if row is not None:
                await outbox.finish(row[0], now)
