"""A fake Telegram Bot API over real HTTP on 127.0.0.1, for crash runs of ``marketbot run``.

It serves the methods the bot calls (getMe, getUpdates, sendMessage, editMessageText, …) from a
thread of the test's process, so it outlives every SIGKILL of the bot. ``getUpdates`` behaves
like Telegram's: an ``offset`` confirms (drops) every update below it, an empty answer is held up
to ``min(timeout, hold)`` seconds, and unconfirmed updates are delivered again to the next
caller. Every request is logged (:class:`Call`); the bot's messages are kept per chat so a
simulated person can press the buttons the bot really sent.

Usage::

    api = CrashApi()
    api.start()
    api.message(42, "核桃 第1份")      # returns the update id
    ...
    api.sends_to(42)                    # messages the bot sent or edited in chat 42
    api.stop()
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

__all__ = ["TOKEN", "Call", "CrashApi"]

TOKEN = "7000002:CRASH-token_for-tests"
BOT = {"id": 7000002, "is_bot": True, "first_name": "Market", "username": "market_crash_bot"}
MESSAGE_METHODS = frozenset({"sendMessage", "sendPhoto", "sendDocument", "editMessageText"})
_JSON_FIELDS = frozenset(
    {"reply_markup", "allowed_updates", "commands", "media", "link_preview_options", "entities"}
)


@dataclass(slots=True)
class Call:
    """One request the bot made (in arrival order)."""

    method: str
    params: dict[str, Any]
    at: float
    """``time.monotonic()`` on arrival."""
    ok: bool = True
    """False when the answer was an error (an edit of a message that is not there)."""

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return None if value is None else int(value)

    @property
    def text(self) -> str:
        return str(self.params.get("text", self.params.get("caption", "")))


@dataclass(slots=True)
class Shown:
    """A bot message as it stands in a chat (edits applied)."""

    message_id: int
    text: str
    buttons: list[tuple[str, str | None]] = field(default_factory=list)
    """``(label, callback data)``; data None for reply-keyboard buttons."""


def _buttons(markup: Any) -> list[tuple[str, str | None]]:
    if not isinstance(markup, dict):
        return []
    if "inline_keyboard" in markup:
        return [(b["text"], b.get("callback_data")) for r in markup["inline_keyboard"] for b in r]
    if "keyboard" in markup:
        return [
            (b["text"] if isinstance(b, dict) else str(b), None)
            for row in markup["keyboard"]
            for b in row
        ]
    return []


def _decode(raw: bytes, content_type: str) -> dict[str, Any]:
    if content_type.startswith("application/json"):
        return dict(json.loads(raw or b"{}"))
    params: dict[str, Any] = {}
    for key, value in parse_qsl(raw.decode(), keep_blank_values=True):
        params[key] = json.loads(value) if key in _JSON_FIELDS and value else value
    return params


class CrashApi:
    """The fake Bot API (see module). ``hold`` bounds how long an empty getUpdates waits;
    ``latency`` slows every other call, so a kill can fall while a message travels."""

    def __init__(self, *, hold: float = 0.5, latency: float = 0.0) -> None:
        self.hold = hold
        self.latency = latency
        """Seconds a message takes each way (half before it arrives, half back)."""
        self.calls: list[Call] = []
        self.confirmed = 0
        """The highest offset the bot has sent: updates below it are confirmed."""
        self._updates: list[dict[str, Any]] = []
        self._chats: dict[int, dict[int, Shown]] = {}
        self._message_ids = itertools.count(1)
        self._update_ids = itertools.count(1)
        self._lock = threading.Condition()
        self._closing = False
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                return

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                params = _decode(self.rfile.read(length), self.headers.get("Content-Type", ""))
                body = api.answer(self.path.rsplit("/", 1)[-1], params)
                data = json.dumps(body, ensure_ascii=False).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                return  # the bot was killed while we answered: nothing to report

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.port = int(self.httpd.server_address[1])
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        with self._lock:
            self._closing = True
            self._lock.notify_all()
        self.httpd.shutdown()
        self.httpd.server_close()

    # what the bot asks -------------------------------------------------------------------------

    def answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "getUpdates" or not self.latency:
            return self._answer(method, params)
        time.sleep(self.latency / 2)
        body = self._answer(method, params)
        time.sleep(self.latency / 2)
        return body

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self.calls.append(Call(method, params, time.monotonic()))
            if method == "getUpdates":
                return {"ok": True, "result": self._get_updates(params)}
            if method in ("sendMessage", "sendPhoto", "sendDocument"):
                chat = int(params["chat_id"])
                shown = Shown(next(self._message_ids), str(params.get("text", "")))
                shown.buttons = _buttons(params.get("reply_markup"))
                self._chats.setdefault(chat, {})[shown.message_id] = shown
                return {"ok": True, "result": self._message_json(chat, shown)}
            if method in ("editMessageText", "editMessageReplyMarkup"):
                chat, message_id = int(params["chat_id"]), int(params["message_id"])
                old = self._chats.get(chat, {}).get(message_id)
                if old is None:
                    self.calls[-1].ok = False
                    return {
                        "ok": False,
                        "error_code": 400,
                        "description": "Bad Request: message to edit not found",
                    }
                if method == "editMessageText":
                    old.text = str(params.get("text", ""))
                old.buttons = _buttons(params.get("reply_markup"))
                return {"ok": True, "result": self._message_json(chat, old)}
            if method == "getMe":
                return {"ok": True, "result": BOT}
            return {"ok": True, "result": True}

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        if offset:
            self.confirmed = max(self.confirmed, offset)
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), self.hold)
        while not self._updates and not self._closing:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            self._lock.wait(left)
        return self._updates[: int(params.get("limit") or 100)]

    @staticmethod
    def _message_json(chat: int, shown: Shown) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": shown.message_id,
            "date": int(time.time()),
            "chat": {"id": chat, "type": "private"},
            "from": BOT,
            "text": shown.text or "…",
        }
        inline = [(label, data) for label, data in shown.buttons if data is not None]
        if inline:
            message["reply_markup"] = {
                "inline_keyboard": [
                    [{"text": label, "callback_data": data}] for label, data in inline
                ]
            }
        return message

    # what people do ----------------------------------------------------------------------------

    def _queue(self, update: dict[str, Any]) -> int:
        with self._lock:
            update["update_id"] = next(self._update_ids)
            self._updates.append(update)
            self._lock.notify_all()
            return int(update["update_id"])

    @staticmethod
    def _user(user_id: int) -> dict[str, Any]:
        return {
            "id": user_id,
            "is_bot": False,
            "first_name": f"赶集人{user_id}",
            "language_code": "zh-hans",
        }

    def message(self, user_id: int, text: str) -> int:
        """``user_id`` writes ``text`` in their private chat; returns the update id."""
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private"},
            "from": self._user(user_id),
            "text": text,
        }
        if text.startswith("/"):
            length = len(text.split(maxsplit=1)[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return self._queue({"message": message})

    def press(self, user_id: int, label: str) -> int:
        """``user_id`` presses the newest button whose label contains ``label``: a callback
        query for an inline button, the label as text otherwise (or when no message shows it:
        the bot's answer was lost, and people type what they meant)."""
        with self._lock:
            found = self._button(user_id, label)
            if found is not None:
                label, data, message = found
                if data is not None:
                    query = {
                        "id": str(next(self._message_ids)),
                        "from": self._user(user_id),
                        "chat_instance": f"ci{user_id}",
                        "data": data,
                        "message": self._message_json(user_id, message),
                    }
                    return self._queue({"callback_query": query})
        return self.message(user_id, label)

    def _button(self, user_id: int, label: str) -> tuple[str, str | None, Shown] | None:
        for message in sorted(self._chats.get(user_id, {}).values(), key=lambda s: -s.message_id):
            for text, data in message.buttons:
                if label in text:
                    return text, data, message
        return None

    # what happened -----------------------------------------------------------------------------

    def unconfirmed(self) -> int:
        """Updates the bot has not confirmed yet (by asking for the ones after them)."""
        with self._lock:
            return sum(1 for u in self._updates if u["update_id"] >= self.confirmed)

    def snapshot(self) -> list[Call]:
        with self._lock:
            return list(self.calls)

    def sends_to(self, chat_id: int) -> list[str]:
        """Texts the bot sent (or edited in) to ``chat_id``, in order."""
        return [
            c.text
            for c in self.snapshot()
            if c.ok and c.method in MESSAGE_METHODS and c.chat_id == chat_id
        ]
