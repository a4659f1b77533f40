"""WeChat's callback: the one URL of the MP console, as a route of the shared web app.

Every request, in this order (nothing is read or parsed before the signature holds):

1. ``signature`` = sha1(sorted Token, timestamp, nonce), compared in constant time → else 403;
   ``timestamp`` within ±5 minutes of now → else 403 (a replay of an old request);
2. ``GET`` with ``echostr``: URL verification, ``echostr`` answered verbatim;
3. ``POST``: the body, at most :data:`MAX_BODY` bytes (refused 413 before reading when its
   length says so, else as soon as it passes); XML through ``defusedxml`` (a DTD, entities,
   XXE, billion laughs → 400); in safe and compatible mode (``encrypt_type=aes``, and always
   when an EncodingAESKey is configured) ``msg_signature`` over the ``Encrypt`` value checked
   and the message decrypted, its AppID ours → else 403;
4. a retry (same FromUserName + MsgId; FromUserName + CreateTime + Event + EventKey for events)
   gets the first request's answer, waiting for it if the first still runs: the turn runs once;
5. the answer comes back as the passive reply within :data:`DEADLINE` seconds (WeChat gives up
   after 5); a turn still running then is answered ``success`` (no retry, no error bubble) and
   its answer handed to ``on_late`` when it comes (a customer-service message or held);
6. after a passive reply, ``after_reply`` runs in the background (the images that follow it).

Usage::

    hook = WeChatCallback(config, turn, on_late)   # turn(fields) -> reply text or None
    Route(config.path, hook, methods=("GET", "POST"))
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable, Coroutine, Mapping
from typing import Any

from marketbot.config import WeChatConfig
from marketbot.platforms.base import HttpRequest, HttpResponse
from marketbot.platforms.wechat.crypto import CryptoError, MessageCrypto, sign, signature_ok
from marketbot.platforms.wechat.wire import XmlError, envelope, parse, text_reply

__all__ = ["DEADLINE", "MAX_BODY", "MAX_SKEW", "WeChatCallback", "dedup_key", "query_of"]

logger = logging.getLogger(__name__)

MAX_BODY = 64 * 1024
"""The longest callback body accepted (WeChat's messages are a few kB)."""
MAX_SKEW = 300
"""Seconds a request's timestamp may differ from now."""
DEADLINE = 4.0
"""Seconds a turn gets before the passive reply is ``success`` (WeChat waits 5)."""
_REMEMBERED = 2048
"""Answers kept for retries (WeChat retries within about 15 s)."""

Turn = Callable[[dict[str, str]], Coroutine[Any, Any, str | None]]
Late = Callable[[dict[str, str], str], Coroutine[Any, Any, None]]
After = Callable[[dict[str, str]], Coroutine[Any, Any, None]]


_QUERY = ("signature", "timestamp", "nonce", "openid", "encrypt_type", "msg_signature", "echostr")


def query_of(request: HttpRequest) -> Mapping[str, str]:
    """The query parameters WeChat sends (the others are ignored)."""
    found = {name: request.query(name) for name in _QUERY}
    return {name: value for name, value in found.items() if value is not None}


def dedup_key(fields: Mapping[str, str]) -> str:
    """What makes a retry the same message (see module)."""
    sender = fields.get("FromUserName", "")
    if fields.get("MsgId"):
        return f"{sender}|m|{fields['MsgId']}"
    return "|".join(
        (
            sender,
            "e",
            fields.get("CreateTime", ""),
            fields.get("Event", "").lower(),
            fields.get("EventKey", ""),
        )
    )


class _Answer:
    __slots__ = ("late", "task")

    def __init__(self, task: asyncio.Task[str | None]) -> None:
        self.task = task
        self.late = False


class WeChatCallback:
    """The route's handler (see module)."""

    def __init__(
        self,
        config: WeChatConfig,
        turn: Turn,
        on_late: Late | None = None,
        *,
        deadline: float = DEADLINE,
        now: Callable[[], float] = time.time,
        after_reply: After | None = None,
    ) -> None:
        self._token = config.token
        self._crypto = (
            MessageCrypto(config.token, config.encoding_aes_key, config.app_id)
            if config.encoding_aes_key
            else None
        )
        self._turn = turn
        self._on_late = on_late
        self._after_reply = after_reply
        self._deadline = deadline
        self._now = now
        self._answers: OrderedDict[str, _Answer] = OrderedDict()
        self._late_tasks: set[asyncio.Task[None]] = set()
        self.accepting = False
        self.turns_started = 0

    async def __call__(self, request: HttpRequest) -> HttpResponse:
        query = query_of(request)
        timestamp, nonce = query.get("timestamp", ""), query.get("nonce", "")
        if not signature_ok(query.get("signature"), self._token, timestamp, nonce):
            logger.warning("WeChat callback with a wrong signature refused")
            return HttpResponse(403, "forbidden")
        if (
            not (timestamp.isascii() and timestamp.isdigit())
            or abs(self._now() - int(timestamp)) > MAX_SKEW
        ):
            logger.warning("WeChat callback with a stale timestamp refused")
            return HttpResponse(403, "stale")
        body = await request.body(MAX_BODY)
        if not body and "echostr" in query:
            return HttpResponse(200, query["echostr"])
        if not self.accepting:
            return HttpResponse(503, "starting")
        try:
            outer = parse(body)
        except XmlError as exc:
            logger.warning("WeChat callback body is not a message (%s)", exc)
            return HttpResponse(400, "bad request")
        encrypted = self._crypto is not None or query.get("encrypt_type") == "aes"
        if encrypted:
            fields = self._decrypt(outer, query, timestamp, nonce)
            if fields is None:
                return HttpResponse(403, "forbidden")
        else:
            fields = outer
        content = await self._answer(fields)
        if content is None:
            return HttpResponse(200, "success")
        if self._after_reply is not None:
            self._background(self._after_reply(fields))
        xml = text_reply(
            fields.get("FromUserName", ""),
            fields.get("ToUserName", ""),
            int(self._now()),
            content,
        )
        if encrypted and self._crypto is not None:
            reply_nonce = secrets.token_hex(8)
            reply_time = str(int(self._now()))
            sealed = self._crypto.encrypt(xml)
            signature = sign(self._token, reply_time, reply_nonce, sealed)
            xml = envelope(sealed, signature, reply_time, reply_nonce)
        return HttpResponse(200, xml)

    def _decrypt(
        self, outer: dict[str, str], query: Mapping[str, str], timestamp: str, nonce: str
    ) -> dict[str, str] | None:
        sealed = outer.get("Encrypt", "")
        if self._crypto is None or not sealed:
            logger.warning("WeChat callback without an encrypted message refused")
            return None
        if not signature_ok(query.get("msg_signature"), self._token, timestamp, nonce, sealed):
            logger.warning("WeChat callback with a wrong msg_signature refused")
            return None
        try:
            return parse(self._crypto.decrypt(sealed))
        except (CryptoError, XmlError) as exc:
            logger.warning("WeChat callback that cannot be ours refused (%s)", exc)
            return None

    async def _answer(self, fields: dict[str, str]) -> str | None:
        key = dedup_key(fields)
        answer = self._answers.get(key)
        if answer is None:
            self.turns_started += 1
            answer = _Answer(asyncio.create_task(self._turn(fields)))
            self._answers[key] = answer
            while len(self._answers) > _REMEMBERED:
                self._answers.popitem(last=False)
        else:
            logger.info("WeChat retry of %s answered with the first answer", key)
        try:
            return await asyncio.wait_for(asyncio.shield(answer.task), self._deadline)
        except TimeoutError:
            if not answer.late:
                answer.late = True
                answer.task.add_done_callback(lambda task: self._deliver_late(fields, task))
            return None
        except Exception:
            logger.exception("a WeChat turn failed")
            return None

    def _deliver_late(self, fields: dict[str, str], task: asyncio.Task[str | None]) -> None:
        if task.cancelled() or task.exception() is not None or self._on_late is None:
            return
        content = task.result()
        if content is None:
            return
        self._background(self._on_late(fields, content))

    def _background(self, work: Coroutine[Any, Any, None]) -> None:
        """Run ``work`` after this request (a late answer, the images after a reply)."""
        late = asyncio.get_running_loop().create_task(work)
        self._late_tasks.add(late)
        late.add_done_callback(self._late_tasks.discard)

    async def drain(self) -> None:
        """Wait for the turns and late answers still running (at stop)."""
        running = [a.task for a in self._answers.values() if not a.task.done()]
        if running:
            await asyncio.wait(running, timeout=10)
        if self._late_tasks:
            await asyncio.wait(list(self._late_tasks), timeout=10)
