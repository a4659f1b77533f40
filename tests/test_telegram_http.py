"""The bot against a Bot API server at a configured URL, over real HTTP on 127.0.0.1: polling,
commands menu, a conversation and a button press, through python-telegram-bot's own transport."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

import pytest

from marketbot.app import App
from marketbot.config import TelegramConfig
from marketbot.platforms.telegram.adapter import run_telegram

TOKEN = "123456:TEST-token"
USER = {"id": 42, "is_bot": False, "first_name": "Ann", "language_code": "zh-hans"}


class BotApiServer:
    """A minimal Bot API: getMe, getUpdates (from a queue), sendMessage and friends."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, dict[str, Any]]] = []
        self.updates: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.next_message = 100
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                return

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                raw = self.rfile.read(length).decode()
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    params = json.loads(raw or "{}")
                else:
                    params = dict(parse_qsl(raw))
                body = server.answer(self.path, params)
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]

    def answer(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        method = path.rsplit("/", 1)[-1]
        with self.lock:
            self.calls.append((path, method, params))
            if method == "getMe":
                result: Any = {
                    "id": 1,
                    "is_bot": True,
                    "first_name": "Market",
                    "username": "market_test_bot",
                }
            elif method == "getUpdates":
                offset = int(params.get("offset") or 0)
                result = [u for u in self.updates if u["update_id"] >= offset]
            elif method in ("sendMessage", "editMessageText"):
                self.next_message += 1
                result = {
                    "message_id": self.next_message,
                    "date": int(time.time()),
                    "chat": {"id": int(params["chat_id"]), "type": "private"},
                    "text": params.get("text", ""),
                }
            else:
                result = True
        return {"ok": True, "result": result}

    def texts_to(self, chat_id: int) -> list[str]:
        with self.lock:
            return [
                str(p.get("text", ""))
                for _, m, p in self.calls
                if m in ("sendMessage", "editMessageText")
                and str(p.get("chat_id")) == str(chat_id)
            ]

    def queue(self, update: dict[str, Any]) -> None:
        with self.lock:
            self.updates.append(update)


@pytest.fixture
def server() -> Iterator[BotApiServer]:
    api = BotApiServer()
    thread = threading.Thread(target=api.httpd.serve_forever, daemon=True)
    thread.start()
    yield api
    api.httpd.shutdown()
    api.httpd.server_close()


def _message(update_id: int, text: str) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "from": USER,
            "chat": {"id": 42, "type": "private"},
            "text": text,
            **(
                {
                    "entities": [
                        {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
                    ]
                }
                if text.startswith("/")
                else {}
            ),
        },
    }


async def _until(condition: Any, within: float = 10.0) -> None:
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the bot"
        await asyncio.sleep(0.05)


async def test_polling_conversation_over_http(app: App, server: BotApiServer) -> None:
    base = f"http://127.0.0.1:{server.port}"
    config = TelegramConfig(token=TOKEN, base_url=f"{base}/bot", base_file_url=f"{base}/file/bot")
    stop = asyncio.Event()
    names: list[str] = []
    task = asyncio.create_task(run_telegram(config, app.core, stop=stop, on_username=names.append))
    try:
        server.queue(_message(1, "/start"))
        await _until(lambda: any("欢迎来赶集" in t for t in server.texts_to(42)))
        server.queue(_message(2, "沙棘膏多少钱"))
        await _until(lambda: any("38元/瓶" in t for t in server.texts_to(42)))
        server.queue(
            {
                "update_id": 3,
                "callback_query": {
                    "id": "cb1",
                    "from": USER,
                    "chat_instance": "1",
                    "data": "menu:cats",
                    "message": {
                        "message_id": 101,
                        "date": int(time.time()),
                        "chat": {"id": 42, "type": "private"},
                        "text": "menu",
                    },
                },
            }
        )
        await _until(lambda: any("选一个分类" in t for t in server.texts_to(42)))
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)
    paths = {path for path, _, _ in server.calls}
    assert all(path.startswith(f"/bot{TOKEN}/") for path in paths)
    methods = [m for _, m, _ in server.calls]
    assert "setMyCommands" in methods
    assert "getUpdates" in methods
    assert "answerCallbackQuery" in methods
    assert names == ["market_test_bot"]


async def test_no_secret_in_any_log_line_of_a_whole_run(
    app: App, server: BotApiServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Everything logged at every level during a run, as the run's handlers write it."""
    import io
    import logging

    from marketbot.redact import Redactor

    base = f"http://127.0.0.1:{server.port}"
    config = TelegramConfig(
        token=TOKEN,
        base_url=f"{base}/bot",
        base_file_url=f"{base}/file/bot",
        webhook_secret="hush-hush-secret",
    )
    written = io.StringIO()
    handler = logging.StreamHandler(written)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.addFilter(Redactor([TOKEN, TOKEN.split(":", 1)[1], config.webhook_secret]))
    root = logging.getLogger()
    root.addHandler(handler)
    stop = asyncio.Event()
    try:
        with caplog.at_level(logging.DEBUG):
            task = asyncio.create_task(run_telegram(config, app.core, stop=stop))
            server.queue(_message(1, "/start"))
            await _until(lambda: any("欢迎来赶集" in t for t in server.texts_to(42)))
            logging.getLogger("marketbot.test").exception(
                "a failure mentioning %s", f"{base}/bot{TOKEN}/getMe", exc_info=ValueError(TOKEN)
            )
            stop.set()
            await asyncio.wait_for(task, 10)
    finally:
        root.removeHandler(handler)
    text = written.getvalue()
    assert "HTTP Request" in text or "getUpdates" in text  # the run did log its requests
    assert TOKEN not in text and TOKEN.split(":", 1)[1] not in text
    assert "hush-hush-secret" not in text
    assert "***" in text


async def test_polling_confirms_an_update_only_after_answering_it(
    app: App, server: BotApiServer
) -> None:
    """The next getUpdates (whose offset confirms the update) is asked only once the reply to
    the update went out, so a crash in between cannot lose it."""
    base = f"http://127.0.0.1:{server.port}"
    config = TelegramConfig(token=TOKEN, base_url=f"{base}/bot", base_file_url=f"{base}/file/bot")
    stop = asyncio.Event()
    task = asyncio.create_task(run_telegram(config, app.core, stop=stop))
    try:
        server.queue(_message(7, "/start"))
        await _until(lambda: any("欢迎来赶集" in t for t in server.texts_to(42)))
        await _until(
            lambda: any(
                m == "getUpdates" and int(p.get("offset") or 0) >= 8 for _, m, p in server.calls
            )
        )
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)
    methods = [(m, p) for _, m, p in server.calls]
    confirm = next(
        i
        for i, (m, p) in enumerate(methods)
        if m == "getUpdates" and int(p.get("offset") or 0) >= 8
    )
    answered = max(i for i, (m, p) in enumerate(methods) if m == "sendMessage")
    assert answered < confirm
