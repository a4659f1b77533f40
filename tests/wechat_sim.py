"""A WeChat server simulator: it signs and encrypts (safe mode) as WeChat does, posts to the
bot's callback over real HTTP, gives up after 5 s and retries (3 tries in all, the same body), and
checks every reply: ``success`` or an envelope whose signature holds, which decrypts with our
AppID to exactly one text message to the right person, from the right account, at most 2048
UTF-8 bytes.

Usage::

    sim = WeChatSimulator(url, TOKEN, AES_KEY, APP_ID, api=fake_api)
    text = await sim.text("oVisitor", "沙棘膏")       # the passive reply's Content, or None
    await sim.follow("oVisitor", scene="stall_3")
"""

from __future__ import annotations

import itertools
import re
import secrets
import time
from typing import Any

import httpx
from defusedxml.ElementTree import fromstring

from marketbot.platforms.wechat.crypto import MessageCrypto, sign, signature_ok
from marketbot.platforms.wechat.wire import cdata
from tests.wechat_fake_api import FakeWeChatApi

ACCOUNT = "gh_market0001"
REPLY_LIMIT = 2048
TIMEOUT = 5.0
TRIES = 3


_LINK = re.compile(r'<a href="weixin://bizmsgmenu\?([^"]*)">([^<]*)</a>')


def menu_links(content: str) -> list[tuple[str, str]]:
    """The tappable choices of a reply: (what a tap sends, the label), each link checked: its
    content and id are the bare number its text starts with."""
    found = []
    for query, text in _LINK.findall(content):
        params = dict(part.split("=", 1) for part in query.split("&"))
        assert set(params) == {"msgmenucontent", "msgmenuid"}, query
        number = params["msgmenucontent"]
        assert number.isdigit() and params["msgmenuid"] == number, query
        assert text.startswith(f"{number} "), text
        found.append((number, text.removeprefix(f"{number} ")))
    return found


_MSG_IDS = itertools.count(6054768590064713728)


class ReplyError(AssertionError):
    """A reply WeChat would not show (the error bubble)."""


class WeChatSimulator:
    def __init__(
        self,
        url: str,
        token: str,
        aes_key: str,
        app_id: str,
        *,
        api: FakeWeChatApi | None = None,
        timeout: float = TIMEOUT,
    ) -> None:
        self.url = url
        self.token = token
        self.crypto = MessageCrypto(token, aes_key, app_id)
        self.api = api
        self.timeout = timeout
        self._ids = _MSG_IDS  # WeChat's, not one simulator's: a restarted bot sees new ids
        self.tries: list[int] = []
        self.last: str | None = None

    # -- building and posting ---------------------------------------------------------------

    def message_xml(self, openid: str, kind: str, **fields: Any) -> str:
        parts = [
            f"<ToUserName>{cdata(ACCOUNT)}</ToUserName>",
            f"<FromUserName>{cdata(openid)}</FromUserName>",
            f"<CreateTime>{fields.pop('CreateTime', int(time.time()))}</CreateTime>",
            f"<MsgType>{cdata(kind)}</MsgType>",
        ]
        for name, value in fields.items():
            parts.append(
                f"<{name}>{value if isinstance(value, int) else cdata(str(value))}</{name}>"
            )
        if kind != "event":
            parts.append(f"<MsgId>{next(self._ids)}</MsgId>")
        return "<xml>" + "".join(parts) + "</xml>"

    def signed(self, xml: str, *, timestamp: int | None = None) -> tuple[dict[str, str], bytes]:
        """Query and body of a safe-mode POST carrying ``xml``."""
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        nonce = str(secrets.randbelow(10**10))
        sealed = self.crypto.encrypt(xml)
        query = {
            "signature": sign(self.token, stamp, nonce),
            "timestamp": stamp,
            "nonce": nonce,
            "openid": "x",
            "encrypt_type": "aes",
            "msg_signature": sign(self.token, stamp, nonce, sealed),
        }
        body = f"<xml><ToUserName>{cdata(ACCOUNT)}</ToUserName><Encrypt>{cdata(sealed)}</Encrypt>"
        return query, (body + "</xml>").encode()

    async def post(self, query: dict[str, str], body: bytes) -> httpx.Response:
        async with httpx.AsyncClient(timeout=self.timeout) as client:
            return await client.post(self.url, params=query, content=body)

    async def deliver(self, xml: str, openid: str) -> str | None:
        """Post as WeChat does: up to 3 tries of 5 s; the checked reply's text (None:
        ``success``)."""
        query, body = self.signed(xml)
        for attempt in range(1, TRIES + 1):
            try:
                response = await self.post(query, body)
            except httpx.TimeoutException:
                continue
            self.tries.append(attempt)
            self.last = self.check(response, openid, query)
            return self.last
        raise ReplyError("no answer within 5 s, three times: the error bubble")

    def check(self, response: httpx.Response, openid: str, query: dict[str, str]) -> str | None:
        if response.status_code != 200:
            raise ReplyError(f"HTTP {response.status_code}: {response.text[:200]}")
        text = response.text
        if text in ("", "success"):
            return None
        outer = fromstring(text, forbid_dtd=True)
        assert outer.tag == "xml"
        assert sorted(child.tag for child in outer) == [
            "Encrypt",
            "MsgSignature",
            "Nonce",
            "TimeStamp",
        ]
        sealed = outer.findtext("Encrypt") or ""
        assert signature_ok(
            outer.findtext("MsgSignature"),
            self.token,
            outer.findtext("TimeStamp") or "",
            outer.findtext("Nonce") or "",
            sealed,
        ), "the reply's MsgSignature does not hold"
        inner = fromstring(self.crypto.decrypt(sealed), forbid_dtd=True)
        assert inner.tag == "xml"
        tags = [child.tag for child in inner]
        assert tags == ["ToUserName", "FromUserName", "CreateTime", "MsgType", "Content"], tags
        assert all(len(child) == 0 for child in inner), "one flat message"
        assert inner.findtext("ToUserName") == openid
        assert inner.findtext("FromUserName") == ACCOUNT
        assert inner.findtext("MsgType") == "text"
        content = inner.findtext("Content") or ""
        if len(content.encode("utf-8")) > REPLY_LIMIT:
            raise ReplyError(f"{len(content.encode())} bytes: WeChat shows its error bubble")
        assert content.strip(), "an empty text"
        return content

    # -- what people do -----------------------------------------------------------------------

    def _wrote(self, openid: str) -> None:
        if self.api is not None:
            self.api.wrote(openid)

    async def text(self, openid: str, content: str) -> str | None:
        self._wrote(openid)
        return await self.deliver(self.message_xml(openid, "text", Content=content), openid)

    async def press(self, openid: str, label: str) -> str | None:
        """Tap the link of ``label`` in the last reply, or type the number shown beside it."""
        for number, shown in menu_links(self.last or ""):
            if label in shown:
                return await self.tap(openid, number)
        for number, shown in re.findall(r"\[(\d+)\] ([^\[\n]+)", self.last or ""):
            if label in shown:
                return await self.text(openid, number)
        raise AssertionError(f"no [n] {label} in:\n{self.last}")

    async def tap(self, openid: str, number: str) -> str | None:
        """What WeChat sends for a tap on a ``weixin://bizmsgmenu`` link: its content as a
        text message, with the menu id."""
        self._wrote(openid)
        xml = self.message_xml(openid, "text", Content=number, bizmsgmenuid=number)
        return await self.deliver(xml, openid)

    async def event(self, openid: str, event: str, key: str | None = None) -> str | None:
        if self.api is not None:
            self.api.event(openid, event.lower())
        fields: dict[str, Any] = {"Event": event}
        if key is not None:
            fields["EventKey"] = key
        return await self.deliver(self.message_xml(openid, "event", **fields), openid)

    async def follow(self, openid: str, scene: str | None = None) -> str | None:
        return await self.event(openid, "subscribe", f"qrscene_{scene}" if scene else None)

    async def image(self, openid: str, pic_url: str) -> str | None:
        self._wrote(openid)
        xml = self.message_xml(openid, "image", PicUrl=pic_url, MediaId="MEDIA_IN_1")
        return await self.deliver(xml, openid)
