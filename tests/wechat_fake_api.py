"""A fake WeChat API over real HTTP on 127.0.0.1, with the account types and quotas.

* ``/cgi-bin/stable_token``: one token; ``expire_token()`` makes WeChat refuse it (42001) until
  a ``force_refresh`` fetch rotates it.
* ``/cgi-bin/message/custom/send``: 48001 on a 订阅号; 43004 for someone not following; within
  48 h of the person's last message 5 messages (45047 after), within 1 min of a follow, scan or
  click 3; else 45015.
* ``/cgi-bin/message/template/send``: 48001 on a 订阅号; 43004 unfollowed; fields must be at most
  20 characters (the test fails otherwise: WeChat would cut them silently).
* ``/cgi-bin/message/mass/send``: 48001 on a 订阅号; 40130 for an OpenID list of fewer than 2
  (or more than 10,000); each follower receives at most 4 mass messages a month (``month``):
  the test fails when the bot sends one more (WeChat would drop it silently); openids not
  following are skipped.
* ``/cgi-bin/menu/create``, ``/cgi-bin/qrcode/create``: 48001 on a 订阅号; ≤ 3 × 5 menus.
* ``/pic/<name>``: pictures people sent (``PicUrl``).

Usage::

    async with FakeWeChatApi.running("service") as api:
        config = WeChatConfig(..., api_base_url=api.url)
        api.wrote("oUser")            # the simulator opens the 48-hour window
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator, Generator
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

WINDOW = 48 * 3600
EVENT_WINDOW = 60
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99"
    b"=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


class _QuietServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.up = asyncio.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        self.up.set()

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


@dataclass
class _Window:
    opened: float
    quota: int
    used: int = 0


@dataclass
class FakeWeChatApi:
    account: str = "service"
    now: float = 0.0
    token: str = "TOKEN-1"
    token_valid: bool = True
    followers: set[str] = field(default_factory=set)
    windows: dict[str, _Window] = field(default_factory=dict)
    custom: list[dict[str, Any]] = field(default_factory=list)
    templates: list[dict[str, Any]] = field(default_factory=list)
    menus: list[list[dict[str, Any]]] = field(default_factory=list)
    scenes: list[str] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    pictures: dict[str, bytes] = field(default_factory=dict)
    mass: list[dict[str, Any]] = field(default_factory=list)
    mass_received: dict[tuple[str, str], int] = field(default_factory=dict)
    """(openid, month) → mass messages received."""
    month: str = "2026-12"
    url: str = ""

    # -- what the simulator tells it ------------------------------------------------------

    def wrote(self, openid: str) -> None:
        """``openid`` sent a message: 5 customer-service messages in the next 48 hours."""
        self.followers.add(openid)
        self.windows[openid] = _Window(self.now, 5)

    def event(self, openid: str, kind: str) -> None:
        if kind == "unsubscribe":
            self.followers.discard(openid)
            self.windows.pop(openid, None)
            return
        self.followers.add(openid)
        self.windows[openid] = _Window(self.now, 3)

    def expire_token(self) -> None:
        self.token_valid = False

    def mass_to(self, openid: str) -> list[str]:
        """The mass texts ``openid`` received."""
        return [m["text"]["content"] for m in self.mass if openid in m["delivered"]]

    def texts_to(self, openid: str) -> list[str]:
        return [
            m["text"]["content"]
            for m in self.custom
            if m["touser"] == openid and m["msgtype"] == "text"
        ]

    # -- the API ----------------------------------------------------------------------------

    def _error(self, code: int, message: str) -> JSONResponse:
        return JSONResponse({"errcode": code, "errmsg": message})

    async def _stable_token(self, request: Request) -> Response:
        self.calls.append("stable_token")
        body = json.loads(await request.body())
        if body.get("force_refresh") or not self.token_valid:
            number = int(self.token.rsplit("-", 1)[1]) + 1
            self.token, self.token_valid = f"TOKEN-{number}", True
        return JSONResponse({"access_token": self.token, "expires_in": 7200})

    async def _api(self, request: Request) -> Response:
        path = request.url.path
        self.calls.append(path)
        if request.query_params.get("access_token") != self.token or not self.token_valid:
            return self._error(42001, "access_token expired")
        if self.account != "service":
            return self._error(48001, "api unauthorized")
        if path.endswith("/media/upload"):
            await request.body()
            return JSONResponse({"type": "image", "media_id": f"MEDIA{len(self.calls)}"})
        body = json.loads(await request.body())
        if path.endswith("/menu/create"):
            buttons = body["button"]
            assert len(buttons) <= 3 and all(len(b.get("sub_button", [])) <= 5 for b in buttons)
            self.menus.append(buttons)
            return self._error(0, "ok")
        if path.endswith("/qrcode/create"):
            scene = body["action_info"]["scene"]["scene_str"]
            assert 1 <= len(scene) <= 64
            self.scenes.append(scene)
            return JSONResponse({"ticket": f"T-{scene}", "url": f"http://weixin.qq.com/q/{scene}"})
        if path.endswith("/mass/send"):
            return self._mass_send(body)
        touser = body["touser"]
        if touser not in self.followers:
            return self._error(43004, "require subscribe")
        if path.endswith("/template/send"):
            for name, value in body["data"].items():
                assert len(value["value"]) <= 20, (name, value)
            self.templates.append(body)
            return JSONResponse({"errcode": 0, "errmsg": "ok", "msgid": len(self.templates)})
        window = self.windows.get(touser)
        limit = WINDOW if window is not None and window.quota == 5 else EVENT_WINDOW
        if window is None or self.now - window.opened > limit:
            return self._error(45015, "response out of time limit")
        if window.used >= window.quota:
            return self._error(45047, "out of response count limit")
        if body["msgtype"] == "text":
            assert len(body["text"]["content"].encode()) <= 2048
        window.used += 1
        self.custom.append(body)
        return self._error(0, "ok")

    def _mass_send(self, body: dict[str, Any]) -> Response:
        openids = body["touser"]
        assert isinstance(openids, list)
        if not 2 <= len(openids) <= 10_000:
            return self._error(40130, "invalid openid list size, at least two openid")
        delivered = []
        for openid in openids:
            if openid not in self.followers:
                continue
            received = self.mass_received.get((openid, self.month), 0)
            assert received < 4, f"{openid} would get a 5th mass message in {self.month}"
            self.mass_received[(openid, self.month)] = received + 1
            delivered.append(openid)
        self.mass.append({**body, "delivered": delivered})
        return JSONResponse(
            {
                "errcode": 0,
                "errmsg": "send job submission success",
                "msg_id": len(self.mass),
                "msg_data_id": len(self.mass),
            }
        )

    async def _picture(self, request: Request) -> Response:
        return Response(self.pictures[request.path_params["name"]], media_type="image/png")

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/cgi-bin/stable_token", self._stable_token, methods=["POST"]),
                Route("/cgi-bin/{rest:path}", self._api, methods=["GET", "POST"]),
                Route("/pic/{name}", self._picture, methods=["GET"]),
            ]
        )

    @classmethod
    @contextlib.asynccontextmanager
    async def running(cls, account: str = "service") -> AsyncIterator[FakeWeChatApi]:
        api = cls(account=account)
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        api.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        server = _QuietServer(
            uvicorn.Config(api.app(), log_config=None, access_log=False, lifespan="off")
        )
        task = asyncio.create_task(server.serve(sockets=[sock]))
        try:
            await asyncio.wait_for(server.up.wait(), 10)
            yield api
        finally:
            server.should_exit = True
            await task
            sock.close()
