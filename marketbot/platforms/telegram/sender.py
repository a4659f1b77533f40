"""Rendering a :class:`~marketbot.neutral.Reply` for Telegram and sending it.

:func:`reply_markup` turns choices into an inline keyboard (or a one-time reply keyboard when the
reply asks for the person's phone number), :func:`split_text` cuts long HTML into messages
Telegram accepts, and :class:`TelegramSender` sends one reply over a python-telegram-bot ``Bot``,
translating Telegram's errors into :mod:`marketbot.delivery.ports`. The delivery engine uses
:class:`TelegramSender` for reminders and broadcasts; the chat adapter uses it for new messages.

Usage::

    sender = TelegramSender(application.bot)  # an initialized Bot
    try:
        await sender.send("123456", Reply("<b>明天赶集</b>"))
    except RetryLater as exc:
        await asyncio.sleep(exc.seconds)
"""

from __future__ import annotations

import datetime as dtm
import html
import logging
import re
import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import httpx
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    KeyboardButton,
    LinkPreviewOptions,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.warnings import PTBDeprecationWarning

from marketbot.delivery.ports import (
    DeliveryError,
    MaybeDelivered,
    PhotoLibrary,
    RetryLater,
    TransientFailure,
    Unreachable,
)
from marketbot.neutral import Attachment, Choice, Reply, html_to_plain
from marketbot.texts.telegram import TEXTS

__all__ = [
    "CAPTION_LIMIT",
    "NO_PREVIEW",
    "TEXT_LIMIT",
    "JSONDict",
    "Keyboard",
    "Markup",
    "TelegramSender",
    "delivery_error",
    "keyboard",
    "post",
    "reply_markup",
    "retry_seconds",
    "split_caption",
    "split_lines",
    "split_text",
    "text_params",
    "visible_length",
]

logger = logging.getLogger(__name__)

TEXT_LIMIT = 4096
"""Characters (UTF-16 code units after entity parsing) in one text message."""
CAPTION_LIMIT = 1024
"""Characters in one photo caption."""
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
KEYBOARDS_KEPT = 2048
"""Keyboards kept ready to send, by the shape of their reply (a few KB each)."""

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove
JSONDict = dict[str, Any]
Keyboard = tuple[Markup | None, JSONDict | None]
"""A keyboard and its Bot API form (the JSON object python-telegram-bot would send for it)."""

_NO_PREVIEW_JSON = NO_PREVIEW.to_dict()
_REMOVE = ReplyKeyboardRemove()
_REMOVAL: Keyboard = (_REMOVE, _REMOVE.to_dict())
_NO_KEYBOARD: Keyboard = (None, None)

# Errors Telegram reports as 400 that mean the chat itself is gone.
_GONE_CHAT = ("chat not found", "peer_id_invalid", "user not found")

_TOKEN = re.compile(r"<[^>]*>|&#?\w+;|.", re.DOTALL)
_TAG = re.compile(r"<(/?)([A-Za-z][\w-]*)[^>]*>")


def visible_length(text: str) -> int:
    """Length Telegram counts for HTML ``text``: UTF-16 code units of the rendered text."""
    return len(html_to_plain(text).encode("utf-16-le")) // 2


def _units(token: str) -> int:
    return len(html.unescape(token).encode("utf-16-le")) // 2


def _split_line(line: str, limit: int) -> list[str]:
    """Cut one over-long line, preferably at spaces, closing and reopening open tags."""
    pieces: list[str] = []
    buf: list[str] = []
    size = 0
    open_tags: list[tuple[str, str]] = []  # (name, the whole opening tag)
    space_at: tuple[int, list[tuple[str, str]]] | None = None  # buf index after a space, tags
    for token in _TOKEN.findall(line):
        tag = _TAG.fullmatch(token)
        if tag:
            closing, name = tag.group(1), tag.group(2).lower()
            if closing:
                if open_tags and open_tags[-1][0] == name:
                    open_tags.pop()
            else:
                open_tags.append((name, token))
            buf.append(token)
            continue
        width = _units(token)
        if size and size + width > limit:
            head, tail, tags = buf, [], list(open_tags)
            if space_at is not None:
                index, tags_there = space_at
                rest = buf[index:]
                if sum(_units(t) for t in rest if not _TAG.fullmatch(t)) + width <= limit:
                    head, tail, tags = buf[:index], rest, tags_there
            pieces.append("".join(head) + "".join(f"</{name}>" for name, _ in reversed(tags)))
            buf = [opening for _, opening in tags] + tail
            size = sum(_units(t) for t in tail if not _TAG.fullmatch(t))
            space_at = None
        buf.append(token)
        size += width
        if token.isspace():
            space_at = (len(buf), list(open_tags))
    pieces.append("".join(buf))
    return pieces


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Cut HTML ``text`` into messages of at most ``limit`` visible characters.

    Cuts fall between lines; a single line longer than ``limit`` is cut at a space (or anywhere
    when it has none) with its open tags closed and reopened, never inside a tag or an entity.
    Blank pieces are dropped, so blank text gives ``[]``.
    """
    if limit < 1:
        raise ValueError("limit must be positive")
    if len(text) * 2 <= limit:  # one message, however it renders: no line measured
        chunk = text.strip("\n")
        return [chunk] if html_to_plain(chunk).strip() else []
    return split_lines(text, limit)


def split_lines(text: str, limit: int) -> list[str]:
    """:func:`split_text` measuring every line (what it does for a text that may not fit)."""
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for line in text.split("\n"):
        width = visible_length(line)
        if width > limit:
            if current:
                chunks.append("\n".join(current))
            *full, last = _split_line(line, limit)
            chunks.extend(full)
            current, size = [last], visible_length(last)
        elif current and size + 1 + width > limit:
            chunks.append("\n".join(current))
            current, size = [line], width
        else:
            size += width + (1 if current else 0)
            current.append(line)
    if current:
        chunks.append("\n".join(current))
    return [chunk.strip("\n") for chunk in chunks if html_to_plain(chunk).strip()]


def split_caption(text: str, limit: int = CAPTION_LIMIT) -> tuple[str, str]:
    """Split ``text`` into a photo caption of whole leading lines and the rest.

    The caption is empty when even the first line is too long; the rest is sent as text.
    """
    if visible_length(text) <= limit:
        return text, ""
    lines = text.split("\n")
    taken, size = 0, 0
    for index, line in enumerate(lines):
        size += visible_length(line) + (1 if index else 0)
        if size > limit:
            break
        taken = index + 1
    return "\n".join(lines[:taken]).strip("\n"), "\n".join(lines[taken:]).strip("\n")


def _share_phone_label() -> str:
    zh, en = TEXTS["tg.share_phone"]
    return f"📱 {zh} / {en}"


def reply_markup(reply: Reply, *, remove_keyboard: bool = False) -> Markup | None:
    """The keyboard for ``reply``.

    Choices become inline buttons (rows as given, the choice id as callback data). A reply with
    ``contact_request`` gets a one-time reply keyboard instead: a share-phone button and the choice
    labels as plain buttons, which send their label as text. With ``remove_keyboard``, a reply
    without choices removes a reply keyboard shown earlier.
    """
    return keyboard(reply, remove_keyboard=remove_keyboard)[0]


def keyboard(reply: Reply, *, remove_keyboard: bool = False) -> Keyboard:
    """:func:`reply_markup` and its Bot API form (the JSON object python-telegram-bot would
    send), made once per shape of reply and kept."""
    return _keyboard(reply.choices, reply.contact_request, remove_keyboard)


@lru_cache(maxsize=KEYBOARDS_KEPT)
def _keyboard(
    choices: tuple[tuple[Choice, ...], ...], contact_request: bool, remove_keyboard: bool
) -> Keyboard:
    markup: Markup | None = None
    if contact_request:
        rows = [[KeyboardButton(_share_phone_label(), request_contact=True)]]
        rows += [[KeyboardButton(choice.label) for choice in row] for row in choices]
        markup = ReplyKeyboardMarkup(rows, resize_keyboard=True, one_time_keyboard=True)
    elif choices:
        markup = InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(choice.label, callback_data=choice.id) for choice in row]
                for row in choices
            ]
        )
    elif remove_keyboard:
        markup = ReplyKeyboardRemove()
    return markup, None if markup is None else markup.to_dict()


def retry_seconds(exc: RetryAfter) -> float:
    # PTB 22 warns when retry_after is read as a number; it becomes a timedelta in v23.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    if isinstance(value, dtm.timedelta):
        return value.total_seconds()
    return float(value)


def delivery_error(exc: TelegramError) -> DeliveryError:
    """The neutral error for a Telegram error (raise it ``from exc``).

    ``RetryAfter`` → :class:`RetryLater`; ``Forbidden`` and a 400 naming a missing chat →
    :class:`Unreachable`; a timeout waiting for the answer → :class:`MaybeDelivered`; connect
    timeouts, network and server errors → :class:`TransientFailure`; any other 400 → a
    permanent :class:`DeliveryError`.
    """
    if isinstance(exc, RetryAfter):
        return RetryLater(retry_seconds(exc))
    if isinstance(exc, Forbidden):
        return Unreachable(exc.message)
    if isinstance(exc, BadRequest):
        if any(marker in exc.message.lower() for marker in _GONE_CHAT):
            return Unreachable(exc.message)
        return DeliveryError(exc.message)
    if isinstance(exc, TimedOut) and not isinstance(
        exc.__cause__, httpx.ConnectTimeout | httpx.PoolTimeout
    ):
        return MaybeDelivered(exc.message)  # sent, unanswered: retrying could send it twice
    if isinstance(exc, NetworkError) or type(exc) is TelegramError:
        return TransientFailure(exc.message)
    return DeliveryError(exc.message)


async def post(bot: Bot, method: str, params: JSONDict) -> Any:
    """Call the Bot API ``method`` with ``params`` in their JSON form, as python-telegram-bot's
    own methods do (its errors, its rate limiter), and return Telegram's answer as JSON.

    python-telegram-bot's ``send_message`` and ``edit_message_text`` turn the keyboard into
    JSON at every call and the message Telegram sends back into objects; a reply with buttons
    paid more for those two than for its search. The hot paths call this instead."""
    return await bot._post(method, params)


def text_params(
    chat_id: str | int, text: str, markup: JSONDict | None, *, message_id: int | None = None
) -> JSONDict:
    """The parameters ``send_message`` makes for an HTML text without link previews (with
    ``message_id``: those ``edit_message_text`` makes to put it in that message's place)."""
    params: JSONDict = {"chat_id": chat_id, "text": text}
    if message_id is not None:
        params["message_id"] = message_id
    params["link_preview_options"] = _NO_PREVIEW_JSON
    params["parse_mode"] = ParseMode.HTML.value
    if markup is not None:
        params["reply_markup"] = markup
    return params


@dataclass(frozen=True, slots=True)
class _Part:
    text: str
    photo: str | bytes | None = None
    photo_id: int | None = None


class TelegramSender:
    """Sends replies to Telegram chats; implements :class:`marketbot.delivery.ports.Sender`
    and :class:`~marketbot.delivery.ports.Editor` (a broadcast's progress message).

    A reply becomes one message when it fits, else several: a photo keeps the leading lines that
    fit its caption and the rest follows as text. The keyboard goes on the last message. A photo
    Telegram refuses (a stale file id) is dropped with a warning and the text sent alone.

    Photos come from the ``photos`` library: Telegram's file id when the photo was sent (or
    came) through Telegram before, else its bytes, uploaded once (the file id Telegram gives
    back is remembered). Without bytes or an id (a photo only another platform has) the text
    goes alone.
    """

    platform = "telegram"

    def __init__(self, bot: Bot, photos: PhotoLibrary | None = None) -> None:
        self._bot = bot
        self._photos = photos
        self._reply_keyboards: set[str] = set()  # chats that were last shown a reply keyboard

    async def photo_input(self, photo_id: int | None) -> str | bytes | None:
        """What to hand Telegram for a stored photo: its file id, else its bytes, else None."""
        if photo_id is None or self._photos is None:
            return None
        file_id = await self._photos.file_id(photo_id, self.platform)
        return file_id if file_id is not None else await self._photos.data(photo_id)

    async def _remember(self, photo_id: int, file_id: str) -> None:
        """Keep the file id of an uploaded photo; the message went out whatever happens here."""
        if self._photos is None:
            return
        try:
            await self._photos.remember(photo_id, self.platform, file_id)
        except Exception:
            logger.exception("the file id of photo %s was not kept", photo_id)

    async def cached_photo(self, photo_id: int | None) -> str | None:
        """Telegram's file id of a stored photo, if it has one (inline results need it)."""
        if photo_id is None or self._photos is None:
            return None
        return await self._photos.file_id(photo_id, self.platform)

    async def send(self, chat_id: str, reply: Reply) -> None:
        """Send ``reply`` to ``chat_id``; raise a :class:`DeliveryError` subclass on failure."""
        if reply.attachment is not None:
            await self._send_attachment(chat_id, reply, reply.attachment)
            return
        parts = self._parts(reply, await self.photo_input(reply.photo))
        if not parts:
            raise DeliveryError("a reply without text or photo cannot be sent")
        shown = chat_id in self._reply_keyboards
        markup = keyboard(reply, remove_keyboard=shown)
        # A reply keyboard cannot share a message with inline buttons: remove it on the first
        # of several messages, or leave it for a later reply.
        removal = _NO_KEYBOARD
        if shown and isinstance(markup[0], InlineKeyboardMarkup) and len(parts) > 1:
            removal = _REMOVAL
        for index, part in enumerate(parts):
            try:
                if index == len(parts) - 1:
                    await self._send_part(chat_id, part, markup)
                else:
                    await self._send_part(chat_id, part, removal if index == 0 else _NO_KEYBOARD)
            except (TransientFailure, RetryLater) as exc:
                if index == 0:
                    raise
                # Earlier parts arrived: sending the reply again would repeat them.
                raise MaybeDelivered(f"part {index + 1} of {len(parts)} failed: {exc}") from exc
        if reply.contact_request:
            self._reply_keyboards.add(chat_id)
        elif removal is _REMOVAL or isinstance(markup[0], ReplyKeyboardRemove):
            self._reply_keyboards.discard(chat_id)

    async def send_tracked(self, chat_id: str, reply: Reply) -> str:
        """Send a short text reply as one message; its message id is the reference to edit."""
        params = text_params(chat_id, reply.text, keyboard(reply)[1])
        try:
            message = await post(self._bot, "sendMessage", params)
        except TelegramError as exc:
            raise delivery_error(exc) from exc
        return str(message["message_id"])

    async def edit(self, chat_id: str, message_ref: str, reply: Reply) -> None:
        """Replace the text and buttons of a message sent by :meth:`send_tracked`.

        An edit that changes nothing counts as done."""
        markup, wire = keyboard(reply)
        inline = wire if isinstance(markup, InlineKeyboardMarkup) else None
        params = text_params(chat_id, reply.text, inline, message_id=int(message_ref))
        try:
            await post(self._bot, "editMessageText", params)
        except BadRequest as exc:
            if "message is not modified" not in exc.message.lower():
                raise delivery_error(exc) from exc
        except TelegramError as exc:
            raise delivery_error(exc) from exc

    async def _send_attachment(self, chat_id: str, reply: Reply, file: Attachment) -> None:
        """A generated file with the reply's text as its caption (the rest as text after it)."""
        caption, rest = split_caption(reply.text)
        markup = reply_markup(reply) if not rest.strip() else None
        upload = InputFile(file.data, filename=file.filename)
        try:
            if file.kind == "photo":
                await self._bot.send_photo(
                    chat_id,
                    upload,
                    caption=caption,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                )
            else:
                await self._bot.send_document(
                    chat_id,
                    upload,
                    caption=caption,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                )
        except TelegramError as exc:
            raise delivery_error(exc) from exc
        if rest.strip():
            await self.send(chat_id, Reply(rest, choices=reply.choices))

    @staticmethod
    def _parts(reply: Reply, photo: str | bytes | None) -> list[_Part]:
        if photo is None:
            return [_Part(chunk) for chunk in split_text(reply.text)]
        caption, rest = split_caption(reply.text)
        first = _Part(caption, photo, reply.photo)
        return [first, *(_Part(chunk) for chunk in split_text(rest))]

    async def _send_part(self, chat_id: str, part: _Part, keys: Keyboard) -> None:
        markup, wire = keys
        try:
            if part.photo is None:
                await post(self._bot, "sendMessage", text_params(chat_id, part.text, wire))
                return
            try:
                sent = await self._bot.send_photo(
                    chat_id,
                    part.photo,
                    caption=part.text or None,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                )
                if isinstance(part.photo, bytes) and sent.photo and part.photo_id is not None:
                    await self._remember(part.photo_id, sent.photo[-1].file_id)
            except BadRequest as exc:
                if not part.text or isinstance(delivery_error(exc), Unreachable):
                    raise
                logger.warning("photo refused for chat %s (%s); sending text only", chat_id, exc)
                await self._send_part(chat_id, _Part(part.text), keys)
        except TelegramError as exc:
            raise delivery_error(exc) from exc
