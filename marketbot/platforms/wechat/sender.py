"""Messages to WeChat people who did not just write: reminders, notices, broadcasts and the
late answer of a slow turn. Implements :class:`marketbot.delivery.ports.Sender`.

What a message is (the ``meaning`` its announcement carries: ``{"reminder": …}``,
``{"notice": …}``, ``{"broadcast": …}``) and the account type choose the channel:

* 订阅号: nothing can be pushed → :class:`Held` (handed over in the person's next reply); no
  API is called.
* 服务号, a reminder (with ``reminder_template`` set) → a template message (service notice):
  two fields of at most 20 characters, ``thing1`` what it is and ``thing2`` its first line.
* 服务号, anything else (a notice, a broadcast, a late answer) → customer-service messages (the
  text, numbered on after the choices open now, in pages of 2000 bytes; a photo first as an
  image message), allowed within 48 hours of the person's last message; outside it or with the
  quota used WeChat answers 45015/45047 → :class:`Held`. A notice with a template configured
  falls back to the template message there.
* 服务号, a secretary's broadcast → :class:`~marketbot.platforms.wechat.mass.MassSend`: a
  customer-service message inside the 48-hour window, else a mass message within the follower's
  monthly allowance, else held.
* 43004 (unfollowed) → :class:`Unreachable` (their subscriptions stay, for when they return).

:meth:`WeChatSender.broadcast_reach` (the :class:`~marketbot.delivery.ports.ReachEstimate`
port) tells the secretary's preview how a broadcast would go out.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Literal

import httpx

from marketbot.chat import text_render
from marketbot.clock import Clock, SystemClock
from marketbot.config import WeChatConfig
from marketbot.delivery.ports import Held, PhotoLibrary, Reach, Unreachable
from marketbot.neutral import Reply, html_to_plain
from marketbot.platforms.wechat.api import ApiError, WeChatApi, delivery_error
from marketbot.platforms.wechat.capabilities import PLATFORM, capabilities
from marketbot.platforms.wechat.mass import MassSend
from marketbot.storage.db import Database
from marketbot.storage.outbox import OutboxStore
from marketbot.texts import t

__all__ = ["TEMPLATE_FIELD", "OutboxMeanings", "WeChatSender", "template_fields"]

logger = logging.getLogger(__name__)

TEMPLATE_FIELD = 20
"""Characters of one template field (WeChat cuts longer ones silently)."""
_MEDIA_DAYS = 2.5
"""Temporary media live 3 days; an id older than this is uploaded anew."""

Meaning = Mapping[str, object]
Shown = Callable[[str, str, Reply], Awaitable[int]]


class OutboxMeanings:
    """The meaning of the outbox row being sent to a WeChat chat, with its announcement's
    ``kind`` (the Sender port passes only the chat and the reply)."""

    def __init__(self, db: Database) -> None:
        self._store = OutboxStore(db)

    async def __call__(self, chat_id: str) -> Meaning:
        return await self._store.meaning_in_flight(PLATFORM, chat_id)


def _cut(text: str, limit: int = TEMPLATE_FIELD) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def template_fields(title: str, reply: Reply) -> dict[str, str]:
    """``thing1``/``thing2`` of a service notice: the title and the reply's first line, each at
    most :data:`TEMPLATE_FIELD` characters (no emoji: WeChat shows them as boxes)."""
    lines = [line for line in html_to_plain(reply.text).splitlines() if line.strip()]
    first = lines[0] if lines else title
    return {"thing1": _cut(_plain_chars(title)), "thing2": _cut(_plain_chars(first))}


def _plain_chars(text: str) -> str:
    return "".join(ch for ch in text if ord(ch) < 0x2600 or 0x3000 <= ord(ch) < 0xFFF0)


class WeChatSender:
    """Sends to WeChat openids (see module)."""

    platform = PLATFORM

    def __init__(
        self,
        config: WeChatConfig,
        api: WeChatApi,
        *,
        meanings: Callable[[str], Awaitable[Meaning]] | None = None,
        shown: Shown | None = None,
        photos: PhotoLibrary | None = None,
        language: Literal["zh", "en"] = "zh",
        mass: MassSend | None = None,
        unfollowed: set[str] | None = None,
        clock: Clock | None = None,
    ) -> None:
        self._config = config
        self.mass = mass
        self._clock = clock or SystemClock()
        self._api = api
        self._meanings = meanings
        self._shown = shown
        self._photos = photos
        self._lang: Literal["zh", "en"] = language
        self._caps = capabilities(config.account)
        self.unfollowed: set[str] = unfollowed if unfollowed is not None else set()
        """Openids that unfollowed while running (no API call is made for them)."""

    async def send(self, chat_id: str, reply: Reply) -> None:
        if chat_id in self.unfollowed:
            raise Unreachable("unfollowed the account")
        if self._config.account != "service":
            raise Held("a subscription account cannot message people first")
        meaning = await self._meanings(chat_id) if self._meanings is not None else {}
        template = self._config.reminder_template
        is_reminder = "reminder" in meaning or meaning.get("kind") == "reminder"
        if template and is_reminder:
            await self._template(chat_id, "wx.template.reminder", reply)
            return
        if self.mass is not None and _secretarys_broadcast(meaning):
            await self.mass.send(chat_id, reply, custom=self._custom)
            return
        try:
            await self._custom(chat_id, reply)
        except Held:
            if template and "notice" in meaning:
                await self._template(chat_id, "wx.template.notice", reply)
                return
            raise

    async def broadcast_reach(self, chat_ids: Sequence[str]) -> Reach:
        """How a broadcast to ``chat_ids`` would go out now (the secretary's preview)."""
        if self._config.account == "service" and self.mass is not None:
            return await self.mass.reach(chat_ids)
        gone = sum(1 for chat in chat_ids if chat in self.unfollowed)
        return Reach(held=len(chat_ids) - gone, unreachable=gone)

    async def _template(self, chat_id: str, title_key: str, reply: Reply) -> None:
        fields = template_fields(t(self._lang, title_key), reply)
        try:
            await self._api.send_template(chat_id, self._config.reminder_template, fields)
        except (ApiError, httpx.HTTPError) as exc:
            raise delivery_error(exc) from exc

    async def _custom(self, chat_id: str, reply: Reply) -> None:
        first = await self._shown(PLATFORM, chat_id, reply) if self._shown is not None else 1
        lines = text_render.reply_lines(replace_photo(reply), first)
        text = "\n".join(_escape(line) for line in lines)
        pages = text_render.pages([Reply(text)], self._caps, "")
        try:
            media = await self._media(reply.photo)
            if media is not None:
                await self._api.send_custom(
                    chat_id, {"msgtype": "image", "image": {"media_id": media}}
                )
            for page in pages:
                if page.strip():
                    await self._api.send_text(chat_id, page.strip())
        except (ApiError, httpx.HTTPError) as exc:
            raise delivery_error(exc) from exc

    async def send_photo(self, chat_id: str, photo_id: int) -> bool:
        """A stored photo as a customer-service image message right after an answer (a product
        card's photo); False when it could not go (logged: the answer itself went)."""
        if self._config.account != "service" or chat_id in self.unfollowed:
            return False
        try:
            media = await self._media(photo_id)
            if media is None:
                return False
            await self._api.send_custom(
                chat_id, {"msgtype": "image", "image": {"media_id": media}}
            )
        except (ApiError, httpx.HTTPError) as exc:
            logger.warning("photo %d did not go to %s: %s", photo_id, chat_id, exc)
            return False
        return True

    async def _media(self, photo_id: int | None) -> str | None:
        """WeChat's media id of a stored photo: uploaded once, again after 2.5 days (the id is
        remembered with its upload time, ``MEDIA@unix-seconds``)."""
        if photo_id is None or self._photos is None:
            return None
        known = await self._photos.file_id(photo_id, PLATFORM)
        if known and "@" in known:
            media_id, _, stamp = known.rpartition("@")
            age = (
                self._clock.now().timestamp() - int(stamp)
                if stamp.isascii() and stamp.isdigit()
                else None
            )
            if age is not None and 0 <= age < _MEDIA_DAYS * 86400:
                return media_id
        data = await self._photos.data(photo_id)
        if data is None:
            return None
        media_id = await self._api.upload_image(data)
        uploaded = int(self._clock.now().timestamp())
        await self._photos.remember(photo_id, PLATFORM, f"{media_id}@{uploaded}")
        return media_id


def _secretarys_broadcast(meaning: Meaning) -> bool:
    """A broadcast (not a vendor's news to followers: the allowance is the secretary's)."""
    audience = meaning.get("audience")
    return "broadcast" in meaning and not (
        isinstance(audience, str) and audience.startswith("followers:")
    )


def replace_photo(reply: Reply) -> Reply:
    """The reply without its photo marker (the photo goes as its own image message)."""
    return Reply(reply.text, choices=reply.choices)


def _escape(line: str) -> str:
    """Plain text back to the HTML the renderer reads (it unescapes and strips tags)."""
    return line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
