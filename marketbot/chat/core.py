"""The chat core: turns one :class:`Inbound` into replies, whatever the platform.

It records who wrote, loads their conversation, maps a typed label or number back to the
button it names, routes through the :class:`~marketbot.chat.dispatch.Router`, and saves the
conversation — only when the handler succeeded, so an error never loses a draft.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Collection
from typing import Literal

from marketbot.chat.context import Ctx, Services
from marketbot.chat.dispatch import Router
from marketbot.domain.model import User, user_lang
from marketbot.domain.prices import format_price
from marketbot.neutral import Inbound, Outbound, Reply, ShareCard
from marketbot.texts import esc, normalize_lang, t

__all__ = ["Core"]

logger = logging.getLogger(__name__)

SeenHook = Callable[[User], Awaitable[None]]
INLINE_LIMIT = 10


def _label_key(text: str) -> str:
    """A label as people type it: letters and digits only, so "保存" presses "✅ 保存"."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


class Core:
    """Platform-neutral bot: ``await core.handle(inbound)`` returns what to send."""

    def __init__(
        self,
        services: Services,
        router: Router,
        *,
        numbered_platforms: Collection[str] = ("console", "wechat"),
    ) -> None:
        self.services = services
        self.router = router
        self.numbered_platforms = frozenset(numbered_platforms)
        self.on_seen: list[SeenHook] = []
        self.active_platforms: frozenset[str] | None = None
        """Platforms being served now; messages for others' users are not produced (None: all)."""

    def is_secretary(self, user: User) -> bool:
        listed = self.services.config.secretaries.ids(user.platform)
        return user.is_secretary or user.platform_user_id in listed

    def command_menu(self, lang: Literal["zh", "en"]) -> list[tuple[str, str]]:
        return [(c.name, t(lang, c.description_key)) for c in self.router.menu()]

    def _pressed(self, inbound: Inbound, choices: list[tuple[str, str]]) -> str | None:
        if inbound.choice is not None:
            return inbound.choice
        text = (inbound.text or "").strip()
        if not text or not choices:
            return None
        folded = _label_key(text)
        if folded:
            for choice_id, label in choices:
                if _label_key(label) == folded:
                    return choice_id
        if inbound.platform in self.numbered_platforms and text.isascii() and text.isdigit():
            number = int(text)
            if 1 <= number <= len(choices):
                return choices[number - 1][0]
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
                    photo=product.photo if product.photo_platform == platform else None,
                )
            )
        return cards

    async def shown(self, platform: str, chat_id: str, reply: Reply) -> None:
        """A message sent outside a conversation (a reminder) was shown to ``chat_id``: its
        buttons become the ones a typed number or label presses."""
        if not reply.choices:
            return
        users = await self.services.store.users_by_chat(platform, chat_id)
        for user in users:
            conv = await self.services.store.get_conversation(user.id)
            conv.choices = [(c.id, c.label) for c in reply.flat_choices()]
            await self.services.store.save_conversation(user.id, conv, self.services.clock.now())

    async def handle(self, inbound: Inbound) -> list[Outbound]:
        store, clock = self.services.store, self.services.clock
        now = clock.now()
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
        lang = user_lang(user, self.services.config.bot.language)
        ctx = Ctx(
            services=self.services,
            user=user,
            lang=lang,
            conv=conv,
            inbound=inbound,
            is_secretary=self.is_secretary(user),
            router=self.router,
        )
        pressed = self._pressed(inbound, conv.choices)
        try:
            replies = await self.router.dispatch(ctx, pressed)
        except Exception:
            logger.exception("handling a message from user %s failed", user.id)
            return [ctx.outbound(Reply(ctx.t("error.internal")))]
        conv.choices = [(c.id, c.label) for r in replies for c in r.flat_choices()]
        await store.save_conversation(user.id, conv, now)
        outbound = [ctx.outbound(reply) for reply in replies]
        for recipient, reply in ctx.notices:
            if (
                self.active_platforms is not None
                and recipient.platform not in self.active_platforms
            ):
                continue
            if reply.choices:
                their = await store.get_conversation(recipient.id)
                their.choices = [(c.id, c.label) for c in reply.flat_choices()]
                await store.save_conversation(recipient.id, their, now)
            outbound.append(Outbound(recipient.platform, recipient.chat_id, reply))
        return outbound
