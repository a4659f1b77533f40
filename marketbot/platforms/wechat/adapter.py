"""The WeChat adapter: an Official Account's messages and events to the core and back.

What arrives (:func:`inbound_of`):

* ``text`` → text; a typed short code ``#42`` / ``摊42`` opens stall 42 (a 订阅号 has no
  parametric QR codes, so its posters print the code);
* ``subscribe`` (with ``qrscene_stall_42`` when followed through a QR code) and ``SCAN``
  (``stall_42``) → ``/start`` with the entry payload, as a Telegram deep link;
* ``CLICK`` with a menu key ``CMD_search`` → ``/search`` (the menu is made from the command
  list at start, on a 服务号);
* ``image`` → a photo with its bytes (fetched from ``PicUrl``; stored once by the core);
* ``location`` → ``/next`` (the next market day and its place);
* ``voice`` → the text of WeChat's own recognition when present, else a kind "please type";
* ``unsubscribe`` → the person becomes unreachable here (their subscriptions are kept);
* anything else is answered ``success`` (nothing shown).

All the core's replies for one inbound arrive as ONE text (the core pages answers for platforms
with one reply per inbound: "回复 0 看更多"), sent as the passive reply. On a 服务号 its numbered
choices are also tappable ``weixin://bizmsgmenu`` links and the photos of its product cards
follow it as image messages (:mod:`marketbot.platforms.wechat.rendering`). What a 订阅号 cannot
do is told to a secretary once (remembered in ``notes_told``).

Usage::

    platform = WeChatPlatform(config.wechat, app.core, photos=PhotoStore(app.db), db=app.db)
    await serve(app, config, [platform], stop=stop)
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Literal, Protocol

import httpx

from marketbot.clock import Clock, SystemClock
from marketbot.config import SecretariesConfig, WeChatConfig
from marketbot.delivery.ports import Outbox, PhotoLibrary
from marketbot.neutral import Inbound, InPhoto, Outbound, Reply, html_to_plain
from marketbot.platforms.base import Route
from marketbot.platforms.wechat.api import ApiError, WeChatApi
from marketbot.platforms.wechat.callback import DEADLINE, WeChatCallback, dedup_key
from marketbot.platforms.wechat.capabilities import LINK_RANK, PLATFORM, capabilities
from marketbot.platforms.wechat.links import WeChatLinks, short_code
from marketbot.platforms.wechat.mass import MassSend
from marketbot.platforms.wechat.rendering import (
    take_photos,
    with_menu_links,
    without_menu_links,
)
from marketbot.platforms.wechat.sender import OutboxMeanings, WeChatSender
from marketbot.services.links import parse_entry
from marketbot.storage.db import Database
from marketbot.storage.push_state import NotesTold
from marketbot.texts import esc, t

__all__ = [
    "MENU_PREFIX",
    "REPLY_BYTES",
    "WeChatCore",
    "WeChatPlatform",
    "inbound_of",
    "menu_buttons",
]

logger = logging.getLogger(__name__)

MENU_PREFIX = "CMD_"
REPLY_BYTES = 2048
"""The longest passive text WeChat shows (community reports; longer ones show an error)."""
PHOTOS_PER_TURN = 2
"""Product photos sent after one answer (each is a customer-service message of the 5 a person's
message allows)."""
LIMITS_NOTE = "subscription_limits"
"""The note told once to a secretary of a 订阅号 (in ``notes_told``)."""
_MENU_TOP = ("search", "next")
_MENU_MORE = ("mystall", "register", "subscribe", "help", "lang")


class WeChatCore(Protocol):
    """What the adapter needs of the core (:class:`marketbot.chat.core.Core` has it)."""

    outbox: Outbox | None

    async def handle(self, inbound: Inbound) -> list[Outbound]: ...

    async def shown(self, platform: str, chat_id: str, reply: Reply) -> int: ...

    async def sending(self, ref: int) -> bool: ...

    async def sent(self, ref: int) -> None: ...

    def command_menu(self, lang: Literal["zh", "en"]) -> list[tuple[str, str]]: ...


def inbound_of(fields: dict[str, str], photo: InPhoto | None = None) -> Inbound | None:
    """The Inbound for a decrypted message, or None when nothing should reach the core."""
    openid = fields.get("FromUserName", "")
    if not openid:
        return None
    base = Inbound(platform=PLATFORM, user_id=openid, chat_id=openid)
    kind = fields.get("MsgType", "").lower()
    if kind == "text":
        content = fields.get("Content", "")
        code = short_code(content)
        if code is not None:
            return replace(base, text="/start", entry=code)
        return replace(base, text=content)
    if kind == "image":
        return replace(base, photo=photo or InPhoto(fields.get("MediaId", "")))
    if kind == "location":
        return replace(base, text="/next")
    if kind == "voice":
        said = fields.get("Recognition", "").strip().rstrip("。.!！?？")
        return replace(base, text=said) if said else None
    if kind != "event":
        return None
    event, key = fields.get("Event", "").lower(), fields.get("EventKey", "")
    if event in ("subscribe", "scan"):
        payload = key.removeprefix("qrscene_") if event == "subscribe" else key
        entry = payload if parse_entry(payload) is not None else None
        return replace(base, text="/start", entry=entry)
    if event == "click" and key.startswith(MENU_PREFIX):
        return replace(base, text="/" + key.removeprefix(MENU_PREFIX))
    if event == "location_select":
        return replace(base, text="/next")
    return None


def _menu_name(command: str, description: str, lang: Literal["zh", "en"]) -> str:
    key = f"wx.menu.{command}"
    try:
        return t(lang, key)
    except KeyError:
        return description[:7]


def menu_buttons(
    commands: Sequence[tuple[str, str]], lang: Literal["zh", "en"] = "zh"
) -> list[dict[str, Any]]:
    """The custom menu (≤ 3 × 5) from the command list: search and next market on top, a few
    more under "更多"; each a CLICK button whose key names its command."""
    known = dict(commands)

    def button(name: str) -> dict[str, Any]:
        return {
            "type": "click",
            "name": _menu_name(name, known[name], lang),
            "key": MENU_PREFIX + name,
        }

    top: list[dict[str, Any]] = [button(name) for name in _MENU_TOP if name in known]
    more = [button(name) for name in _MENU_MORE if name in known][:5]
    if more:
        top.append({"name": t(lang, "wx.menu.more"), "sub_button": more})
    return top[:3]


class WeChatPlatform:
    """An Official Account as a :class:`marketbot.platforms.base.Platform` (see module)."""

    name = PLATFORM
    link_rank = LINK_RANK

    def __init__(
        self,
        config: WeChatConfig,
        core: WeChatCore,
        *,
        db: Database | None = None,
        photos: PhotoLibrary | None = None,
        secretaries: SecretariesConfig | None = None,
        language: Literal["zh", "en"] = "zh",
        client: httpx.AsyncClient | None = None,
        deadline: float = DEADLINE,
        clock: Clock | None = None,
        timezone: str = "Asia/Shanghai",
    ) -> None:
        self.config = config
        self.capabilities = capabilities(config.account)
        self._core = core
        self._clock = clock or SystemClock()
        self._lang: Literal["zh", "en"] = language
        self._secretaries = secretaries.ids(PLATFORM) if secretaries is not None else frozenset()
        self._notes = NotesTold(db) if db is not None else None
        self._photos_due: dict[str, list[int]] = {}
        self.api = WeChatApi(config, client=client)
        unfollowed: set[str] = set()
        self.sender = WeChatSender(
            config,
            self.api,
            meanings=OutboxMeanings(db) if db is not None else None,
            shown=core.shown,
            photos=photos,
            language=language,
            mass=(
                MassSend(self.api, db, self._clock, timezone, unfollowed=unfollowed)
                if db is not None
                else None
            ),
            unfollowed=unfollowed,
            clock=self._clock,
        )
        self.links: WeChatLinks | None = (
            WeChatLinks(self.api) if config.account == "service" else None
        )
        self.callback = WeChatCallback(
            config, self._turn, self._late, deadline=deadline, after_reply=self._after_reply
        )

    def routes(self) -> Sequence[Route]:
        return [Route(self.config.path, self.callback, methods=("GET", "POST"))]

    async def start(self) -> None:
        if self.config.account == "service":
            try:
                await self.api.create_menu(menu_buttons(self._core.command_menu(self._lang)))
            except (ApiError, httpx.HTTPError) as exc:
                logger.warning("the WeChat menu was not created: %s", exc)
        self.callback.accepting = True
        logger.info(
            "WeChat %s account %s serving %s",
            self.config.account,
            self.config.app_id,
            self.config.path,
        )

    async def stop(self) -> None:
        self.callback.accepting = False
        await self.callback.drain()
        await self.api.aclose()

    async def _photo(self, fields: dict[str, str]) -> InPhoto | None:
        """The sent picture with its bytes (from ``PicUrl``), without them if that fails."""
        media_id = fields.get("MediaId", "")
        url = fields.get("PicUrl", "")
        if not url.startswith(("https://", "http://")):
            return InPhoto(media_id)
        try:
            data = await self.api.fetch_url(url)
        except (ApiError, httpx.HTTPError) as exc:
            logger.warning("a WeChat picture could not be fetched: %s", exc)
            return InPhoto(media_id)
        return InPhoto(media_id, data=data)

    async def _turn(self, fields: dict[str, str]) -> str | None:
        """One message → the passive reply's text (None: ``success``)."""
        kind, event = fields.get("MsgType", "").lower(), fields.get("Event", "").lower()
        openid = fields.get("FromUserName", "")
        if kind == "event" and event == "unsubscribe":
            self.sender.unfollowed.add(openid)
            return None
        self.sender.unfollowed.discard(openid)
        photo = await self._photo(fields) if kind == "image" else None
        inbound = inbound_of(fields, photo)
        if inbound is None:
            if kind == "voice":
                return t(self._lang, "wx.voice")
            if kind in ("video", "shortvideo", "link"):
                return t(self._lang, "wx.unsupported")
            return None
        # recorded by WeChat's id for the message: one delivered again after a crash is not
        # handled twice, and an answer never given goes out through the outbox at the restart
        inbound = replace(inbound, key=dedup_key(fields))
        try:
            outbounds = await self._core.handle(inbound)
        except Exception:
            logger.exception("the core failed on a WeChat message")
            return t(self._lang, "wx.error")
        for outbound in outbounds:  # given now: as the passive reply, or by _late
            if outbound.ref is not None and await self._core.sending(outbound.ref):
                await self._core.sent(outbound.ref)
        text = "\n\n".join(html_to_plain(o.reply.text) for o in outbounds).strip()
        text, photos = take_photos(text)
        if self.config.account == "service":
            if photos:
                self._photos_due[inbound.key or ""] = photos[:PHOTOS_PER_TURN]
            text = with_menu_links(text, REPLY_BYTES)
        elif openid in self._secretaries:
            text = await self._tell_limits(openid, text)
        return text or None

    async def _tell_limits(self, openid: str, text: str) -> str:
        """Once, kindly: what a 订阅号 cannot do, after the answer when it fits."""
        if self._notes is None or await self._notes.told(PLATFORM, openid, LIMITS_NOTE):
            return text
        told = f"{text}\n\n{t(self._lang, 'wx.subscription_limits')}".strip()
        if len(told.encode("utf-8")) > REPLY_BYTES:
            return text  # another time, with a shorter answer
        await self._notes.tell(PLATFORM, openid, LIMITS_NOTE, self._clock.now())
        return told

    async def _after_reply(self, fields: dict[str, str]) -> None:
        """After the passive reply: the photos of its product cards as image messages."""
        openid = fields.get("FromUserName", "")
        for photo_id in self._photos_due.pop(dedup_key(fields), []):
            await self.sender.send_photo(openid, photo_id)

    async def _late(self, fields: dict[str, str], content: str) -> None:
        """A turn's answer that missed the passive reply: through the outbox (a
        customer-service message on a 服务号, else held for the next message)."""
        outbox = self._core.outbox
        openid = fields.get("FromUserName", "")
        photos = self._photos_due.pop(dedup_key(fields), [])
        if outbox is None or not openid:
            logger.warning("a late WeChat answer for %s was dropped (no outbox)", openid)
            return
        reply = Reply(esc(without_menu_links(content)), photo=photos[0] if photos else None)
        await outbox.enqueue("notice", reply, [(PLATFORM, openid)], meaning={"late_reply": True})
