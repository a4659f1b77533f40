"""A fake Telegram Bot API: a python-telegram-bot ``BaseRequest`` that never touches the network.

It records every call (method, decoded parameters, uploaded files, time), keeps each chat's
messages as Telegram would (ids, edits, inline keyboards), answers with Telegram-shaped JSON and
refuses what Telegram refuses: malformed HTML, text over 4096 or captions over 1024 characters,
callback data over 64 bytes, edits of missing or unchanged messages. Failures can be programmed
(``fail_next``, ``timeout_next``, ``block``, ``remove_chat``, ``messages_per_second``), and every
call can be slowed by ``latency`` seconds to measure pacing and concurrency.

Usage::

    api = FakeBotApi()
    application = build_application(TelegramConfig(token=FAKE_TOKEN), core, request=api)
    async with application:
        await application.process_update(Update.de_json(api.user_message(42, "/start"), bot))
        await application.process_update(Update.de_json(api.press(42, "我要摆摊"), bot))
    assert "摊位" in api.last_text(42)

``message_update`` and ``callback_update`` build update dicts without a fake; the methods
``user_message`` and ``press`` build them from the chat the fake keeps (message ids, the pressed
message's content). ``queue_update`` feeds ``getUpdates`` for polling tests; ``wait_until``
waits for the bot to have done something (polling and webhook tests, benchmarks).

Note: a 429 answer makes PTB 22 build a ``RetryAfter``, which emits a PTBDeprecationWarning
unless ``PTB_TIMEDELTA=1`` is set; with warnings as errors, set it (``monkeypatch.setenv``) or
filter that warning in tests that provoke flood control.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from telegram.error import TimedOut
from telegram.request import BaseRequest, RequestData

__all__ = [
    "BOT_ID",
    "FAKE_TOKEN",
    "ApiCall",
    "Button",
    "FakeBotApi",
    "FakeMessage",
    "callback_update",
    "message_update",
]

FAKE_TOKEN = "7000001:FAKE-token_for-tests"
BOT_ID = 7000001
BOT_NAME = "Marketbot"

SEND_METHODS = frozenset({"sendMessage", "sendPhoto", "sendDocument"})
EDIT_METHODS = frozenset(
    {"editMessageText", "editMessageCaption", "editMessageMedia", "editMessageReplyMarkup"}
)
MESSAGE_METHODS = SEND_METHODS | EDIT_METHODS

_HTML_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a"}
    | {"code", "pre", "blockquote", "tg-emoji"}
)
_HTML_TOKEN = re.compile(
    r"<(/?)([A-Za-z][\w-]*)((?:\s[^>]*)?)>|&(?:#\d+|#x[0-9a-fA-F]+|lt|gt|amp|quot);|[<>&]"
)

_update_ids = itertools.count(1)
_user_message_ids = itertools.count(1_000_000)
_query_ids = itertools.count(1)


def _now() -> int:
    return int(time.time())


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _user(
    user_id: int, first_name: str, last_name: str | None, language_code: str | None
) -> dict[str, Any]:
    user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
    if last_name:
        user["last_name"] = last_name
    if language_code:
        user["language_code"] = language_code
    return user


def _chat(chat_id: int, chat_type: str = "private") -> dict[str, Any]:
    return {"id": chat_id, "type": chat_type}


def _bot_user(username: str) -> dict[str, Any]:
    return {"id": BOT_ID, "is_bot": True, "first_name": BOT_NAME, "username": username}


def _photo_sizes(file_id: str) -> list[dict[str, Any]]:
    """Telegram sends several sizes, the largest last."""
    return [
        {"file_id": f"{file_id}-s", "file_unique_id": f"u{file_id}-s", "width": 90, "height": 90},
        {
            "file_id": f"{file_id}-m",
            "file_unique_id": f"u{file_id}-m",
            "width": 320,
            "height": 320,
        },
        {"file_id": file_id, "file_unique_id": f"u{file_id}", "width": 1280, "height": 1280},
    ]


def message_update(
    user_id: int,
    text: str | None = None,
    *,
    photo: str | None = None,
    contact: str | dict[str, Any] | None = None,
    chat_id: int | None = None,
    chat_type: str = "private",
    first_name: str = "王",
    last_name: str | None = "大爷",
    language_code: str | None = "zh-hans",
    message_id: int | None = None,
) -> dict[str, Any]:
    """An update with a message from ``user_id`` (in their private chat unless ``chat_id``).

    ``photo`` is the largest size's file id (with ``text`` as caption); ``contact`` is a phone
    number shared as the sender's own contact, or a whole contact dict (someone else's).
    """
    message: dict[str, Any] = {
        "message_id": next(_user_message_ids) if message_id is None else message_id,
        "date": _now(),
        "chat": _chat(user_id if chat_id is None else chat_id, chat_type),
        "from": _user(user_id, first_name, last_name, language_code),
    }
    if photo is not None:
        message["photo"] = _photo_sizes(photo)
        if text is not None:
            message["caption"] = text
    elif text is not None:
        message["text"] = text
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    if isinstance(contact, str):
        message["contact"] = {
            "phone_number": contact,
            "first_name": first_name,
            "user_id": user_id,
        }
    elif contact is not None:
        message["contact"] = contact
    return {"update_id": next(_update_ids), "message": message}


def callback_update(
    user_id: int,
    data: str,
    message_id: int,
    *,
    message: dict[str, Any] | None = None,
    first_name: str = "王",
    last_name: str | None = "大爷",
    language_code: str | None = "zh-hans",
    username: str = "marketbot_test_bot",
) -> dict[str, Any]:
    """An update for ``user_id`` pressing a button with callback ``data`` on ``message_id``.

    ``message`` is the pressed message as Telegram sends it; by default a text message of the
    bot in the user's private chat.
    """
    if message is None:
        message = {
            "message_id": message_id,
            "date": _now(),
            "chat": _chat(user_id),
            "from": _bot_user(username),
            "text": "…",
        }
    query = {
        "id": str(next(_query_ids)),
        "from": _user(user_id, first_name, last_name, language_code),
        "chat_instance": f"ci{user_id}",
        "data": data,
        "message": message,
    }
    return {"update_id": next(_update_ids), "callback_query": query}


@dataclass(frozen=True, slots=True)
class Button:
    """A keyboard button as the user sees it."""

    text: str
    data: str | None = None
    """Callback data of an inline button; None for reply-keyboard buttons."""
    request_contact: bool = False


@dataclass(slots=True)
class ApiCall:
    """One request the bot made."""

    method: str
    params: dict[str, Any]
    url: str
    at: float
    """``time.monotonic()`` when the request arrived."""
    files: dict[str, bytes] = field(default_factory=dict)
    error: str | None = None
    """The error description returned (``"timeout"`` for a timeout); None when it succeeded."""

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return None if value is None else int(value)

    @property
    def text(self) -> str | None:
        """The text or caption sent, as sent (HTML)."""
        media = self.params.get("media")
        if isinstance(media, dict):
            return media.get("caption")
        text = self.params.get("text", self.params.get("caption"))
        return None if text is None else str(text)

    @property
    def reply_markup(self) -> dict[str, Any] | None:
        markup = self.params.get("reply_markup")
        return markup if isinstance(markup, dict) else None


@dataclass(slots=True)
class FakeMessage:
    """A message the bot sent, as it currently stands (edits applied)."""

    chat_id: int
    message_id: int
    text: str | None = None
    """Text as sent (HTML when ``parse_mode`` is HTML); None for media messages."""
    caption: str | None = None
    photo: str | None = None
    document: str | None = None
    reply_markup: dict[str, Any] | None = None
    parse_mode: str | None = None
    touched: int = 0
    """Order of the last send or edit across all chats."""

    @property
    def content(self) -> str:
        return self.text if self.text is not None else self.caption or ""

    @property
    def buttons(self) -> list[list[Button]]:
        markup = self.reply_markup or {}
        if "inline_keyboard" in markup:
            return [
                [Button(b["text"], data=b.get("callback_data")) for b in row]
                for row in markup["inline_keyboard"]
            ]
        if "keyboard" in markup:
            return [
                [
                    Button(b["text"], request_contact=bool(b.get("request_contact")))
                    if isinstance(b, dict)
                    else Button(str(b))
                    for b in row
                ]
                for row in markup["keyboard"]
            ]
        return []

    def to_json(self, username: str) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": self.message_id,
            "date": _now(),
            "chat": _chat(self.chat_id, "private" if self.chat_id > 0 else "supergroup"),
            "from": _bot_user(username),
        }
        if self.text is not None:
            message["text"] = _rendered(self.text, self.parse_mode)
        if self.photo is not None:
            message["photo"] = _photo_sizes(self.photo)
        if self.document is not None:
            message["document"] = {"file_id": self.document, "file_unique_id": "u" + self.document}
        if self.caption is not None:
            message["caption"] = _rendered(self.caption, self.parse_mode)
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            message["reply_markup"] = self.reply_markup  # Telegram echoes inline keyboards only
        return message


class _ApiError(Exception):
    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after


@dataclass(slots=True)
class _Failure:
    method: str
    chat_id: int | None
    remaining: int
    status: int = 500
    description: str | None = None
    retry_after: int | None = None
    timeout: bool = False


_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request: programmed failure",
    403: "Forbidden: bot was blocked by the user",
    429: "Too Many Requests: retry after {retry_after}",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


def _html_error(text: str, index: int, what: str) -> _ApiError:
    offset = len(text[:index].encode("utf-8"))
    return _ApiError(400, f"Bad Request: can't parse entities: {what} at byte offset {offset}")


def _rendered(text: str, parse_mode: str | None) -> str:
    """What Telegram shows for ``text``: HTML parsed strictly, other modes as given."""
    if parse_mode is None or parse_mode.upper() != "HTML":
        return text
    out: list[str] = []
    open_tags: list[str] = []
    position = 0
    for match in _HTML_TOKEN.finditer(text):
        out.append(text[position : match.start()])
        position = match.end()
        token, name = match.group(0), match.group(2)
        if name is not None:
            name = name.lower()
            if name not in _HTML_TAGS:
                raise _html_error(text, match.start(), f'Unsupported start tag "{name}"')
            if not match.group(1):
                open_tags.append(name)
            elif not open_tags or open_tags.pop() != name:
                raise _html_error(text, match.start(), f'Unmatched end tag "{name}"')
        elif len(token) > 1:
            out.append(html.unescape(token))
        else:
            raise _html_error(text, match.start(), f"Unescaped {token!r}")
    if open_tags:
        raise _html_error(text, len(text), f'Can\'t find end tag for "{open_tags[-1]}"')
    out.append(text[position:])
    return "".join(out)


def _check_markup(markup: dict[str, Any] | None) -> None:
    if not markup or "inline_keyboard" not in markup:
        return
    buttons = [button for row in markup["inline_keyboard"] for button in row]
    if len(buttons) > 100:
        raise _ApiError(400, "Bad Request: reply markup is too long")
    for button in buttons:
        data = button.get("callback_data")
        if data is not None and not 1 <= len(data.encode("utf-8")) <= 64:
            raise _ApiError(400, "Bad Request: BUTTON_DATA_INVALID")


class FakeBotApi(BaseRequest):
    """A Bot API in memory; pass it as ``request`` (and ``get_updates_request``) of the bot.

    ``latency`` seconds are awaited before every answer; ``messages_per_second`` (None: no
    limit) makes sends beyond that many within one second fail with 429 ``retry_after=1``, like
    Telegram's flood control; ``poll_wait`` bounds how long an empty long poll waits.
    ``on_message`` is called with every message the bot sends or edits successfully.
    """

    def __init__(
        self,
        *,
        username: str = "marketbot_test_bot",
        latency: float = 0.0,
        messages_per_second: int | None = None,
        poll_wait: float = 0.05,
        on_message: Callable[[FakeMessage], None] | None = None,
    ) -> None:
        self.username = username
        self.latency = latency
        self.messages_per_second = messages_per_second
        self.poll_wait = poll_wait
        self.on_message = on_message
        self.calls: list[ApiCall] = []
        self.webhook: dict[str, Any] | None = None
        self.commands: dict[str | None, list[tuple[str, str]]] = {}
        """Command menus by language code (None: the default menu)."""
        self.files: dict[str, bytes] = {}
        """Contents served for downloads by file id (anything else gets fake bytes)."""
        self._chats: dict[int, dict[int, FakeMessage]] = {}
        self._next_message_id: dict[int, int] = {}
        self._touches = itertools.count(1)
        self._uploads = itertools.count(1)
        self._failures: list[_Failure] = []
        self._blocked: set[int] = set()
        self._missing: set[int] = set()
        self._recent_sends: list[float] = []
        self._updates: list[dict[str, Any]] = []
        self._update_arrived = asyncio.Event()
        self._changed = asyncio.Condition()
        self._handlers: dict[str, Callable[[dict[str, Any], dict[str, bytes]], Any]] = {
            "getMe": lambda p, f: _bot_user(self.username) | {"can_join_groups": False},
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "editMessageText": self._edit_text,
            "editMessageCaption": self._edit_caption,
            "editMessageMedia": self._edit_media,
            "editMessageReplyMarkup": self._edit_markup,
            "answerCallbackQuery": lambda p, f: True,
            "answerInlineQuery": lambda p, f: True,
            "setMyCommands": self._set_commands,
            "deleteMyCommands": self._delete_commands,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getFile": self._get_file,
            "getUpdates": self._get_updates_now,
        }

    # BaseRequest -----------------------------------------------------------------------------

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self.latency > 0:
            await asyncio.sleep(self.latency)
        try:
            return await self._answer(url, method, request_data)
        finally:
            async with self._changed:
                self._changed.notify_all()

    async def wait_until(self, condition: Callable[[], bool], within: float = 5.0) -> None:
        """Wait until ``condition()`` holds, checking after every request the bot makes.

        Raises ``TimeoutError`` when it does not hold ``within`` seconds.
        """
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(condition)

    async def _answer(
        self, url: str, method: str, request_data: RequestData | None
    ) -> tuple[int, bytes]:
        if method == "GET":  # a file download from base_file_url
            file_path = url.rsplit("/", 1)[-1]
            file_id = file_path.rsplit(".", 1)[0]
            return 200, self.files.get(file_id, b"fake file " + file_id.encode())
        api_method = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data is not None else {}
        files = self._files_of(request_data)
        call = ApiCall(api_method, params, url, time.monotonic(), files)
        self.calls.append(call)
        if api_method == "getUpdates":
            await self._wait_for_updates(params)
        try:
            failure = self._take_failure(call)
            if failure is not None and failure.timeout:
                call.error = "timeout"
                raise TimedOut("Timed out (programmed)")
            if failure is not None:
                description = failure.description or _DEFAULT_DESCRIPTIONS.get(
                    failure.status, f"Error {failure.status}"
                )
                raise _ApiError(
                    failure.status,
                    description.format(retry_after=failure.retry_after),
                    failure.retry_after,
                )
            handler = self._handlers.get(api_method)
            if handler is None:
                raise NotImplementedError(f"FakeBotApi does not implement {api_method}")
            result = handler(params, files)
        except _ApiError as exc:
            call.error = exc.description
            body: dict[str, Any] = {
                "ok": False,
                "error_code": exc.status,
                "description": exc.description,
            }
            if exc.retry_after is not None:
                body["parameters"] = {"retry_after": exc.retry_after}
            return exc.status, json.dumps(body).encode()
        return 200, json.dumps({"ok": True, "result": result}).encode()

    # Programming failures ----------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        status: int = 500,
        *,
        retry_after: int | None = None,
        description: str | None = None,
        chat_id: int | str | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (to ``chat_id`` if given) fail.

        ``status=429, retry_after=3`` is flood control, 403 a blocked bot, 400 a bad request
        (pass Telegram's ``description``, e.g. "Bad Request: message can't be edited"), 5xx a
        server error.
        """
        target = None if chat_id is None else int(chat_id)
        self._failures.append(
            _Failure(method, target, times, status, description, retry_after=retry_after)
        )

    def timeout_next(
        self, method: str, *, chat_id: int | str | None = None, times: int = 1
    ) -> None:
        """Make the next ``times`` calls of ``method`` time out (``telegram.error.TimedOut``)."""
        target = None if chat_id is None else int(chat_id)
        self._failures.append(_Failure(method, target, times, timeout=True))

    def block(self, *chat_ids: int | str) -> None:
        """These people blocked the bot: sends and edits to them get 403."""
        self._blocked.update(int(chat_id) for chat_id in chat_ids)

    def unblock(self, *chat_ids: int | str) -> None:
        self._blocked.difference_update(int(chat_id) for chat_id in chat_ids)

    def remove_chat(self, *chat_ids: int | str) -> None:
        """These chats do not exist: sends to them get 400 "chat not found"."""
        self._missing.update(int(chat_id) for chat_id in chat_ids)

    # Reading what happened ---------------------------------------------------------------------

    def calls_to(self, *methods: str) -> list[ApiCall]:
        """Calls of these methods (failed ones included), in order."""
        return [call for call in self.calls if call.method in methods]

    def message_calls(self, chat_id: int | str) -> list[ApiCall]:
        """Successful sends and edits to ``chat_id``, in order."""
        target = int(chat_id)
        return [
            call
            for call in self.calls
            if call.ok and call.method in MESSAGE_METHODS and call.chat_id == target
        ]

    def sent_texts(self, chat_id: int | str) -> list[str]:
        """Texts and captions of every message sent or edited in ``chat_id``, as sent (HTML)."""
        return [
            call.text or ""
            for call in self.message_calls(chat_id)
            if call.method != "editMessageReplyMarkup"
        ]

    def last_text(self, chat_id: int | str) -> str:
        texts = self.sent_texts(chat_id)
        if not texts:
            raise AssertionError(f"the bot sent nothing to chat {chat_id}")
        return texts[-1]

    def messages(self, chat_id: int | str) -> list[FakeMessage]:
        """The bot's messages in ``chat_id`` as they stand now, oldest first."""
        return list(self._chats.get(int(chat_id), {}).values())

    def last_keyboard(self, chat_id: int | str) -> list[list[Button]]:
        """Buttons of the most recently sent or edited message that has any; [] if none."""
        for message in sorted(self.messages(chat_id), key=lambda m: m.touched, reverse=True):
            if message.buttons:
                return message.buttons
        return []

    def last_labels(self, chat_id: int | str) -> list[str]:
        """The labels of :meth:`last_keyboard`, in reading order."""
        return [button.text for row in self.last_keyboard(chat_id) for button in row]

    # Building updates --------------------------------------------------------------------------

    def user_message(self, user_id: int, text: str | None = None, **kwargs: Any) -> dict[str, Any]:
        """:func:`message_update` with the next message id of the user's chat."""
        chat_id = int(kwargs.get("chat_id") or user_id)
        return message_update(user_id, text, message_id=self._allocate_id(chat_id), **kwargs)

    def share_contact(self, user_id: int, phone: str) -> dict[str, Any]:
        """The user shares their own phone number (the share-phone button)."""
        return self.user_message(user_id, contact=phone)

    def press(self, user_id: int, label: str, **kwargs: Any) -> dict[str, Any]:
        """The update for ``user_id`` pressing the most recent button labelled ``label``.

        Inline buttons give a callback query carrying the pressed message; reply-keyboard
        buttons send their label as text.
        """
        for message in sorted(self.messages(user_id), key=lambda m: m.touched, reverse=True):
            for button in (b for row in message.buttons for b in row):
                if button.text != label:
                    continue
                if button.request_contact:
                    raise ValueError("use share_contact() for the share-phone button")
                if button.data is None:
                    return self.user_message(user_id, label, **kwargs)
                return callback_update(
                    user_id,
                    button.data,
                    message.message_id,
                    message=message.to_json(self.username),
                    username=self.username,
                    **kwargs,
                )
        raise AssertionError(
            f"no button {label!r} in chat {user_id}; last keyboard: {self.last_labels(user_id)}"
        )

    def queue_update(self, update: dict[str, Any]) -> None:
        """Deliver ``update`` through getUpdates (polling)."""
        self._updates.append(update)
        self._update_arrived.set()

    # Method implementations --------------------------------------------------------------------

    @staticmethod
    def _files_of(request_data: RequestData | None) -> dict[str, bytes]:
        if request_data is None or not request_data.contains_files:
            return {}
        files: dict[str, bytes] = {}
        for name, (_, content, *_rest) in request_data.multipart_data.items():
            files[name] = content if isinstance(content, bytes) else content.read()
        return files

    def _take_failure(self, call: ApiCall) -> _Failure | None:
        for failure in self._failures:
            if failure.method == call.method and failure.chat_id in (None, call.chat_id):
                failure.remaining -= 1
                if failure.remaining <= 0:
                    self._failures.remove(failure)
                return failure
        return None

    def _allocate_id(self, chat_id: int) -> int:
        next_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = next_id + 1
        return next_id

    def _target_chat(self, params: dict[str, Any]) -> int:
        chat_id = int(params["chat_id"])
        if chat_id in self._missing:
            raise _ApiError(400, "Bad Request: chat not found")
        if chat_id in self._blocked:
            raise _ApiError(403, "Forbidden: bot was blocked by the user")
        return chat_id

    def _flood_check(self) -> None:
        if self.messages_per_second is None:
            return
        now = time.monotonic()
        self._recent_sends = [at for at in self._recent_sends if now - at < 1.0]
        if len(self._recent_sends) >= self.messages_per_second:
            raise _ApiError(429, "Too Many Requests: retry after 1", retry_after=1)
        self._recent_sends.append(now)

    def _store(self, message: FakeMessage) -> dict[str, Any]:
        message.touched = next(self._touches)
        self._chats.setdefault(message.chat_id, {})[message.message_id] = message
        if self.on_message is not None:
            self.on_message(message)
        return message.to_json(self.username)

    def _new_message(self, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        chat_id = self._target_chat(params)
        markup = params.get("reply_markup")
        _check_markup(markup)
        message = FakeMessage(
            chat_id,
            0,
            reply_markup=markup,
            parse_mode=params.get("parse_mode"),
            **content,
        )
        message.to_json(self.username)  # validates the HTML before anything is stored
        self._flood_check()
        message.message_id = self._allocate_id(chat_id)
        return self._store(message)

    def _upload_id(self, params: dict[str, Any], files: dict[str, bytes], name: str) -> str:
        if name in files:
            file_id = f"fake-{name}-{next(self._uploads)}"
            self.files[file_id] = files[name]
            return file_id
        value = params.get(name)
        if not value:
            raise _ApiError(400, f"Bad Request: there is no {name} in the request")
        return str(value)

    @staticmethod
    def _check_caption(params: dict[str, Any]) -> str | None:
        caption = params.get("caption")
        if caption is not None and _units(_rendered(caption, params.get("parse_mode"))) > 1024:
            raise _ApiError(400, "Bad Request: message caption is too long")
        return None if caption is None else str(caption)

    def _send_message(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        text = str(params.get("text", ""))
        shown = _rendered(text, params.get("parse_mode"))
        if not shown.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        if _units(shown) > 4096:
            raise _ApiError(400, "Bad Request: message is too long")
        return self._new_message(params, text=text)

    def _send_photo(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        caption = self._check_caption(params)
        photo = self._upload_id(params, files, "photo")
        return self._new_message(params, photo=photo, caption=caption)

    def _send_document(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        caption = self._check_caption(params)
        document = self._upload_id(params, files, "document")
        return self._new_message(params, document=document, caption=caption)

    def _editable(self, params: dict[str, Any]) -> FakeMessage:
        if "inline_message_id" in params:
            raise _ApiError(400, "Bad Request: FakeBotApi keeps no inline messages")
        chat_id = self._target_chat(params)
        message = self._chats.get(chat_id, {}).get(int(params["message_id"]))
        if message is None:
            raise _ApiError(400, "Bad Request: message to edit not found")
        markup = params.get("reply_markup")
        _check_markup(markup)
        if markup and "inline_keyboard" not in markup:
            raise _ApiError(400, "Bad Request: inline keyboard expected")
        return message

    def _apply_edit(self, message: FakeMessage, **changes: Any) -> dict[str, Any]:
        before = (message.text, message.caption, message.photo, message.reply_markup)
        edited = FakeMessage(
            message.chat_id,
            message.message_id,
            text=message.text,
            caption=message.caption,
            photo=message.photo,
            document=message.document,
            reply_markup=message.reply_markup,
            parse_mode=message.parse_mode,
        )
        for name, value in changes.items():
            setattr(edited, name, value)
        edited.to_json(self.username)  # validates the HTML
        if (edited.text, edited.caption, edited.photo, edited.reply_markup) == before:
            raise _ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message",
            )
        return self._store(edited)

    def _edit_text(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        message = self._editable(params)
        if message.text is None:
            raise _ApiError(400, "Bad Request: there is no text in the message to edit")
        text = str(params.get("text", ""))
        shown = _rendered(text, params.get("parse_mode"))
        if not shown.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        if _units(shown) > 4096:
            raise _ApiError(400, "Bad Request: message_too_long")
        return self._apply_edit(
            message,
            text=text,
            parse_mode=params.get("parse_mode"),
            reply_markup=params.get("reply_markup"),
        )

    def _edit_caption(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        message = self._editable(params)
        if message.photo is None and message.document is None:
            raise _ApiError(400, "Bad Request: there is no caption in the message to edit")
        caption = self._check_caption(params)
        return self._apply_edit(
            message,
            caption=caption,
            parse_mode=params.get("parse_mode"),
            reply_markup=params.get("reply_markup"),
        )

    def _edit_media(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        message = self._editable(params)
        if message.photo is None and message.document is None:
            raise _ApiError(400, "Bad Request: there is no media in the message to edit")
        media = params.get("media")
        if not isinstance(media, dict) or media.get("type") != "photo":
            raise _ApiError(400, "Bad Request: FakeBotApi edits photos only")
        source = str(media.get("media", ""))
        if source.startswith("attach://"):
            photo = self._upload_id({}, files, source.removeprefix("attach://"))
        else:
            photo = source
        caption = self._check_caption(media)
        return self._apply_edit(
            message,
            photo=photo,
            document=None,
            caption=caption,
            parse_mode=media.get("parse_mode"),
            reply_markup=params.get("reply_markup"),
        )

    def _edit_markup(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        message = self._editable(params)
        return self._apply_edit(message, reply_markup=params.get("reply_markup"))

    def _set_commands(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        commands = params.get("commands", [])
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", command["command"]):
                raise _ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        menu = [(c["command"], c["description"]) for c in commands]
        self.commands[params.get("language_code")] = menu
        return True

    def _delete_commands(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        self.commands.pop(params.get("language_code"), None)
        return True

    def _set_webhook(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        self.webhook = params
        return True

    def _delete_webhook(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        self.webhook = None
        return True

    def _get_file(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        file_id = str(params["file_id"])
        content = self.files.get(file_id, b"fake file " + file_id.encode())
        return {
            "file_id": file_id,
            "file_unique_id": "u" + file_id,
            "file_size": len(content),
            "file_path": f"photos/{file_id}.jpg",
        }

    async def _wait_for_updates(self, params: dict[str, Any]) -> None:
        offset = int(params.get("offset") or 0)
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        timeout = float(params.get("timeout") or 0)
        if not self._updates and timeout > 0:
            self._update_arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._update_arrived.wait(), min(timeout, self.poll_wait))

    def _get_updates_now(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        limit = int(params.get("limit") or 100)
        return self._updates[:limit]
