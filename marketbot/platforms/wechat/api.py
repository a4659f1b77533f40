"""One async client for WeChat's API (httpx): the access token, customer-service, template and
mass messages, media, QR codes and the menu.

The access token (``/cgi-bin/stable_token``) is fetched once and shared: concurrent callers wait
for the same fetch; on 40001/42001 (token invalid or expired) it is fetched again once (with
``force_refresh``) and the call repeated once.

Errors become the delivery engine's outcomes (:func:`delivery_error`): 45015 (outside the 48-hour
window) and 45047 (quota used) → :class:`Held`; 43004 (not following) and 40003 (no such
openid) → :class:`Unreachable`; 45009 (API daily limit) and -1 (busy) → :class:`RetryLater` /
:class:`TransientFailure`; 48001 (the account does not have this API) → :class:`NotAllowed`.

Usage::

    api = WeChatApi(config)               # config.api_base_url, app_id, app_secret
    await api.send_text(openid, "你好")
    await api.aclose()
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

import httpx

from marketbot.config import WeChatConfig
from marketbot.delivery.ports import (
    DeliveryError,
    Held,
    MaybeDelivered,
    RetryLater,
    TransientFailure,
    Unreachable,
)

__all__ = ["ApiError", "NotAllowed", "WeChatApi", "delivery_error"]

logger = logging.getLogger(__name__)

_TOKEN_ERRORS = frozenset({40001, 40014, 42001})
_HELD = frozenset({45015, 45047})
_UNREACHABLE = frozenset({43004, 40003, 43019})


class ApiError(Exception):
    """WeChat answered with an ``errcode`` other than 0."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"WeChat error {code}: {message}")
        self.code = code
        self.message = message


class NotAllowed(DeliveryError):
    """The account does not have this API (48001: a 订阅号, or not verified)."""


def delivery_error(exc: ApiError | httpx.HTTPError) -> DeliveryError:
    """The delivery outcome for a failed send (raise it ``from exc``)."""
    if isinstance(exc, httpx.HTTPError):
        if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
            return TransientFailure(str(exc) or type(exc).__name__)
        if isinstance(exc, httpx.TimeoutException):
            return MaybeDelivered(str(exc) or type(exc).__name__)
        return TransientFailure(str(exc) or type(exc).__name__)
    if exc.code in _HELD:
        return Held(str(exc))
    if exc.code in _UNREACHABLE:
        return Unreachable(str(exc))
    if exc.code == 48001:
        return NotAllowed(str(exc))
    if exc.code == 45009:
        return RetryLater(60.0)
    if exc.code == -1:
        return TransientFailure(str(exc))
    return DeliveryError(str(exc))


class WeChatApi:
    """The client (see module)."""

    def __init__(self, config: WeChatConfig, *, client: httpx.AsyncClient | None = None) -> None:
        self._config = config
        self._base = config.api_base_url.rstrip("/")
        self._client = client or httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=5.0))
        self._token: str | None = None
        self._fetching: asyncio.Task[str] | None = None
        self.token_fetches = 0

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _fetch_token(self, force: bool) -> str:
        self.token_fetches += 1
        response = await self._client.post(
            f"{self._base}/cgi-bin/stable_token",
            json={
                "grant_type": "client_credential",
                "appid": self._config.app_id,
                "secret": self._config.app_secret,
                "force_refresh": force,
            },
        )
        data = _checked(response)
        token = data.get("access_token")
        if not isinstance(token, str) or not token:
            raise ApiError(-1, "no access_token in the answer")
        return token

    async def token(self, *, stale: str | None = None) -> str:
        """The access token; a new one when ``stale`` is the one WeChat refused. Concurrent
        callers share one fetch."""
        if self._token is not None and self._token != stale:
            return self._token
        if self._fetching is None:
            self._fetching = asyncio.create_task(self._fetch_token(force=stale is not None))
        fetching = self._fetching
        try:
            token = await asyncio.shield(fetching)
        finally:
            if self._fetching is fetching and fetching.done():
                self._fetching = None
        self._token = token
        return token

    async def call(
        self,
        method: str,
        path: str,
        *,
        json: Mapping[str, Any] | None = None,
        params: Mapping[str, str] | None = None,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
    ) -> dict[str, Any]:
        """One API call with the access token; retried once with a fresh token on 40001/42001.
        Raises :class:`ApiError` or an ``httpx.HTTPError``."""
        token = await self.token()
        for attempt in (1, 2):
            query = {**(params or {}), "access_token": token}
            response = await self._client.request(
                method, f"{self._base}{path}", params=query, json=json, files=files
            )
            try:
                return _checked(response)
            except ApiError as exc:
                if exc.code in _TOKEN_ERRORS and attempt == 1:
                    token = await self.token(stale=token)
                    continue
                raise
        raise AssertionError("unreachable")

    async def download(self, path: str, params: Mapping[str, str]) -> bytes:
        """Raw bytes of a media download (an error answer raises :class:`ApiError`)."""
        token = await self.token()
        response = await self._client.get(
            f"{self._base}{path}", params={**params, "access_token": token}
        )
        response.raise_for_status()
        if response.headers.get("content-type", "").startswith(("application/json", "text/")):
            _checked(response)
        return response.content

    async def fetch_url(self, url: str, limit: int = 10 * 1024 * 1024) -> bytes:
        """A picture from WeChat's CDN (``PicUrl``), at most ``limit`` bytes."""
        async with self._client.stream("GET", url) as response:
            response.raise_for_status()
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > limit:
                    raise ApiError(-2, "picture too large")
                chunks.append(chunk)
        return b"".join(chunks)

    # -- the calls used -------------------------------------------------------------------

    async def send_custom(self, openid: str, message: Mapping[str, Any]) -> None:
        """A customer-service message (``{"msgtype": "text", "text": {...}}``)."""
        await self.call("POST", "/cgi-bin/message/custom/send", json={"touser": openid, **message})

    async def send_text(self, openid: str, content: str) -> None:
        await self.send_custom(openid, {"msgtype": "text", "text": {"content": content}})

    async def mass_send(self, openids: list[str], content: str) -> None:
        """One mass text message to an OpenID list (verified 服务号; 2 to 10,000 openids)."""
        await self.call(
            "POST",
            "/cgi-bin/message/mass/send",
            json={"touser": openids, "msgtype": "text", "text": {"content": content}},
        )

    async def send_template(
        self, openid: str, template_id: str, data: Mapping[str, str], url: str = ""
    ) -> None:
        body: dict[str, Any] = {
            "touser": openid,
            "template_id": template_id,
            "data": {key: {"value": value} for key, value in data.items()},
        }
        if url:
            body["url"] = url
        await self.call("POST", "/cgi-bin/message/template/send", json=body)

    async def upload_image(self, data: bytes, filename: str = "photo.jpg") -> str:
        answer = await self.call(
            "POST",
            "/cgi-bin/media/upload",
            params={"type": "image"},
            files={"media": (filename, data, "image/jpeg")},
        )
        media_id = answer.get("media_id")
        if not isinstance(media_id, str):
            raise ApiError(-1, "no media_id in the answer")
        return media_id

    async def qr_code(self, scene: str, *, permanent: bool = True) -> str:
        """The URL a parametric QR code encodes (render it as a QR code yourself)."""
        body: dict[str, Any] = {
            "action_name": "QR_LIMIT_STR_SCENE" if permanent else "QR_STR_SCENE",
            "action_info": {"scene": {"scene_str": scene}},
        }
        if not permanent:
            body["expire_seconds"] = 2592000
        answer = await self.call("POST", "/cgi-bin/qrcode/create", json=body)
        url = answer.get("url")
        if not isinstance(url, str):
            raise ApiError(-1, "no url in the answer")
        return url

    async def create_menu(self, buttons: list[dict[str, Any]]) -> None:
        await self.call("POST", "/cgi-bin/menu/create", json={"button": buttons})


def _checked(response: httpx.Response) -> dict[str, Any]:
    if response.status_code >= 500:
        raise ApiError(-1, f"HTTP {response.status_code}")
    try:
        data = response.json()
    except ValueError as exc:
        raise ApiError(-1, "the answer is not JSON") from exc
    if not isinstance(data, dict):
        raise ApiError(-1, "the answer is not an object")
    code = data.get("errcode", 0)
    if isinstance(code, int) and code != 0:
        raise ApiError(code, str(data.get("errmsg", "")))
    return data
