"""A secretary's broadcast on a verified 服务号: customer-service messages inside the 48-hour
window, mass messages (``/cgi-bin/message/mass/send``) outside it, within each follower's
allowance of :data:`MONTHLY` mass messages a calendar month; beyond it → held for their next
message.

* Inside the window (the person wrote in the last 48 hours: their last message in ``inbox``) a
  customer-service message goes, and no allowance is spent; refused there (45015/45047), the
  person is treated as outside it.
* Outside it, the first row of an announcement sent this way sends ONE mass message to every
  chat of the announcement still waiting that is outside the window and has allowance left (an
  OpenID list needs :data:`MIN_LIST` to :data:`MAX_LIST` openids); each is counted in
  ``push_allowance_uses`` (committed before the call, undone if WeChat refuses it), so the other
  rows find themselves reached and no one gets it twice, across restarts too (a request that
  timed out may have arrived: its count is kept and nobody is sent it again; a crash between
  the count and the call loses that one mass message rather than sending it twice). One person
  alone cannot get a mass message: held.
* The mass message is the announcement's text (its photo would cost a second mass message of
  the allowance; a vendor's news to followers is never sent this way: the allowance is the
  secretary's).

:meth:`MassSend.reach` answers the preview's "how would it go out now" with the same rules.

Usage::

    mass = MassSend(api, db, clock, "Asia/Shanghai", unfollowed=sender.unfollowed)
    await mass.send(openid, reply, custom=sender.custom)
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from zoneinfo import ZoneInfo

import httpx

from marketbot.clock import Clock
from marketbot.delivery.ports import Held, MaybeDelivered, Reach
from marketbot.neutral import Reply, html_to_plain
from marketbot.platforms.wechat.api import ApiError, WeChatApi, delivery_error
from marketbot.platforms.wechat.capabilities import PLATFORM
from marketbot.storage.db import Database
from marketbot.storage.outbox import OutboxStore
from marketbot.storage.push_state import AllowanceStore

__all__ = ["MAX_LIST", "MIN_LIST", "MONTHLY", "WINDOW", "MassSend", "message_key_prefix"]

logger = logging.getLogger(__name__)

MONTHLY = 4
"""Mass messages one follower of a 服务号 receives in a month (console and API together)."""
MIN_LIST = 2
"""WeChat refuses an OpenID list of fewer (errcode 40130)."""
MAX_LIST = 10_000
"""…or of more."""
WINDOW = timedelta(hours=48)
"""After a person's message, customer-service messages may reach them this long."""

Custom = Callable[[str, Reply], Awaitable[None]]


def message_key_prefix(openid: str) -> str:
    """The start of the inbox key of every message (not event) ``openid`` sent (see
    :func:`marketbot.platforms.wechat.callback.dedup_key`)."""
    return f"{openid}|m|"


class MassSend:
    """Broadcasts on a 服务号 (see module)."""

    def __init__(
        self,
        api: WeChatApi,
        db: Database,
        clock: Clock,
        timezone: str,
        *,
        unfollowed: set[str],
    ) -> None:
        self._api = api
        self._store = AllowanceStore(db)
        self._outbox = OutboxStore(db)
        self._clock = clock
        self._zone = ZoneInfo(timezone)
        self._unfollowed = unfollowed
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    def month(self) -> str:
        """The calendar month now, in the market's time zone (``2026-12``)."""
        return self._clock.now().astimezone(self._zone).strftime("%Y-%m")

    async def in_window(self, openid: str) -> bool:
        last = await self._store.last_received(PLATFORM, message_key_prefix(openid))
        return last is not None and self._clock.now() - last < WINDOW

    async def _gone(self) -> set[str]:
        known = {chat for platform, chat in await self._outbox.unreachable_chats()}
        return known | {chat for chat in self._unfollowed}

    async def reach(self, chat_ids: Sequence[str]) -> Reach:
        """How a broadcast to ``chat_ids`` would go out now."""
        gone = await self._gone()
        used = await self._store.used(PLATFORM, chat_ids, self.month())
        now = allowance = unreachable = 0
        mass = 0
        for chat in chat_ids:
            if chat in gone:
                unreachable += 1
            elif await self.in_window(chat):
                now += 1
            elif used.get(chat, 0) < MONTHLY:
                mass += 1
            else:
                allowance += 1
        if mass < MIN_LIST:  # one person alone cannot get a mass message
            return Reach(now=now, allowance=allowance, held=mass, unreachable=unreachable)
        return Reach(now=now + mass, allowance=allowance, unreachable=unreachable)

    async def send(self, chat_id: str, reply: Reply, *, custom: Custom) -> None:
        """Send the broadcast row being sent to ``chat_id`` (see module); raises
        :class:`Held` when it must wait for the person's next message."""
        announcement = await self._store.in_flight_announcement(PLATFORM, chat_id)
        if announcement is not None and await self._store.reached(PLATFORM, chat_id, announcement):
            return  # it went to them in an earlier mass message of this announcement
        if await self.in_window(chat_id):
            try:
                await custom(chat_id, reply)
                return
            except Held:
                logger.info("no customer-service message for %s: trying a mass message", chat_id)
        if announcement is None:
            raise Held("no announcement to send as a mass message")
        async with self._locks[announcement]:
            if await self._store.reached(PLATFORM, chat_id, announcement):
                return
            batch = await self._batch(chat_id, announcement)
            if len(batch) < MIN_LIST:
                raise Held("a mass message needs at least two people; or the allowance is used")
            month = self.month()
            await self._store.record(PLATFORM, batch, announcement, month, self._clock.now())
            try:
                await self._api.mass_send(batch, html_to_plain(reply.text).strip())
            except (ApiError, httpx.HTTPError) as exc:
                outcome = delivery_error(exc)
                if not isinstance(outcome, MaybeDelivered):  # refused: nobody got it
                    await self._store.forget(PLATFORM, batch, announcement)
                raise outcome from exc
            logger.info(
                "announcement %d went to %d followers as a mass message", announcement, len(batch)
            )

    async def _batch(self, chat_id: str, announcement: int) -> list[str]:
        """``chat_id`` and the chats of the announcement still waiting that a mass message
        may reach now (outside the window, allowance left); [] when ``chat_id``'s is used."""
        month = self.month()
        waiting = [c for c in await self._store.waiting(PLATFORM, announcement) if c != chat_id]
        used = await self._store.used(PLATFORM, [chat_id, *waiting], month)
        if used.get(chat_id, 0) >= MONTHLY:
            return []
        gone = await self._gone()
        batch = [chat_id]
        for chat in waiting:
            if len(batch) >= MAX_LIST:
                break
            if chat in gone or used.get(chat, 0) >= MONTHLY or await self.in_window(chat):
                continue
            if not await self._store.reached(PLATFORM, chat, announcement):
                batch.append(chat)
        return batch
