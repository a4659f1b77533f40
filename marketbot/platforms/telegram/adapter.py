"""The Telegram adapter: python-telegram-bot glue between Telegram chats and the core.

Updates become :class:`~marketbot.neutral.Inbound` values for :class:`ChatCore`; the replies it
returns are sent back. The adapter only translates; the core decides everything.

* Text (commands included: ``/start payload`` stays text), photos (the largest size's file id,
  the caption as text), a contact (only the sender's own: a shared contact of someone else counts
  as no contact) and button presses (``choice`` = callback data). Other content (stickers,
  voice…) reaches the core as an Inbound without text, so it can explain what it understands.
* Only private chats are answered. Messages in groups and channels are ignored: the bot is a
  personal assistant and must not chatter in village groups; its inline buttons only ever live in
  private chats. Edited messages are ignored too.
* Every button press is answered at once, while the core works (no spinner left), even when the
  core fails. A reply with ``edit=True`` to a press replaces the pressed message when Telegram
  allows it (text → text, photo → photo); otherwise, and for everything else, new messages are
  sent. "Message is not modified" counts as done.
* If the core raises, the exception is logged and the person gets a short apology.
* Different people's updates are handled at the same time, one person's in order
  (:class:`~marketbot.platforms.telegram.updates.PerChatUpdates`): a slow answer of the Bot API
  for one chat never delays another.

Usage::

    platform = TelegramPlatform(config.telegram, core)   # a marketbot.platforms.base.Platform
    await run_platforms([platform], web=config.web, stop=stop)

:class:`TelegramPlatform` runs the application the "custom" way of python-telegram-bot's
custom-webhook example (beside our own web server and scheduler): initialize, register the
command menus (``post_init``), start, then poll, or in webhook mode register the webhook whose
route (:mod:`marketbot.platforms.telegram.webhook`) the shared web app serves; stop in reverse.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import replace
from typing import Any, Literal, Protocol

from telegram import (
    BotCommand,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResult,
    InlineQueryResultArticle,
    InlineQueryResultCachedPhoto,
    InputMediaPhoto,
    InputTextMessageContent,
    Message,
    Update,
    User,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackContext,
    CallbackQueryHandler,
    ExtBot,
    InlineQueryHandler,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from marketbot.config import TelegramConfig, WebConfig
from marketbot.delivery.ports import (
    DeliveryError,
    MaybeDelivered,
    PhotoLibrary,
    RetryLater,
    Sender,
    TransientFailure,
    Unreachable,
)
from marketbot.neutral import Inbound, InPhoto, Outbound, Reply, ShareCard
from marketbot.platforms.base import Route
from marketbot.platforms.telegram.capabilities import CAPABILITIES, LINK_RANK, PLATFORM
from marketbot.platforms.telegram.links import TelegramLinks
from marketbot.platforms.telegram.polling import Poller
from marketbot.platforms.telegram.sender import (
    CAPTION_LIMIT,
    TelegramSender,
    delivery_error,
    keyboard,
    post,
    split_text,
    text_params,
    visible_length,
)
from marketbot.platforms.telegram.updates import PerChatUpdates
from marketbot.platforms.telegram.webhook import TelegramWebhook
from marketbot.platforms.web.runner import run_platforms
from marketbot.texts import normalize_lang
from marketbot.texts.telegram import TEXTS

__all__ = [
    "ALLOWED_UPDATES",
    "PLATFORM",
    "ChatCore",
    "Context",
    "TelegramApplication",
    "TelegramPlatform",
    "build_application",
    "inbound_from_callback",
    "inbound_from_message",
    "run_telegram",
]

logger = logging.getLogger(__name__)

ALLOWED_UPDATES = (Update.MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY)
"""The only update kinds the bot asks Telegram for."""

Context = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]
TelegramApplication = Application[
    ExtBot[None], Context, dict[Any, Any], dict[Any, Any], dict[Any, Any], None
]


class ChatCore(Protocol):
    """What the adapter needs from the core."""

    async def handle(self, inbound: Inbound) -> list[Outbound]: ...

    async def share_cards(
        self, platform: str, query: str, language_code: str | None
    ) -> list[ShareCard]: ...

    def command_menu(self, lang: Literal["zh", "en"]) -> list[tuple[str, str]]:
        """(command without slash, description) pairs for the menu."""
        ...

    async def sending(self, ref: int) -> bool:
        """About to send a kept reply; False when it went out already."""
        ...

    async def sent(self, ref: int) -> None: ...

    async def retry(self, ref: int, error: str) -> None:
        """A kept reply could not go out now: the delivery engine retries it."""
        ...

    async def undeliverable(self, ref: int, *, unreachable: bool, error: str) -> None: ...


def _display_name(user: User) -> str:
    return user.full_name.strip()


def inbound_from_message(message: Message, key: str | None = None) -> Inbound:
    """The Inbound for a private-chat message (text/caption, largest photo, own contact);
    ``key`` is the update's id (made once, not copied in afterwards: every message pays it)."""
    user = message.from_user
    if user is None:
        raise ValueError("a private message always has a sender")
    photo = InPhoto(message.photo[-1].file_id) if message.photo else None
    contact = message.contact
    phone = contact.phone_number if contact is not None and contact.user_id == user.id else None
    text = message.text if message.text is not None else message.caption
    entry = None
    if message.text is not None:
        command, _, payload = message.text.strip().partition(" ")
        if command.split("@", 1)[0] == "/start" and payload.strip():
            text, entry = "/start", payload.strip()
    return Inbound(
        platform=PLATFORM,
        user_id=str(user.id),
        chat_id=str(message.chat.id),
        text=text,
        entry=entry,
        photo=photo,
        contact_phone=phone,
        display_name=_display_name(user),
        language_code=user.language_code,
        key=key,
    )


def inbound_from_callback(query: CallbackQuery, key: str | None = None) -> Inbound | None:
    """The Inbound for a button press in a private chat (``key``: the update's id), or None
    for anything else."""
    message = query.message
    if message is None or message.chat.type != ChatType.PRIVATE or not query.data:
        return None
    user = query.from_user
    return Inbound(
        platform=PLATFORM,
        user_id=str(user.id),
        chat_id=str(message.chat.id),
        choice=query.data,
        display_name=_display_name(user),
        language_code=user.language_code,
        key=key,
    )


def _apology(language_code: str | None) -> Reply:
    zh, en = TEXTS["tg.error"]
    return Reply(en if normalize_lang(language_code) == "en" else zh)


async def _answer(query: CallbackQuery) -> None:
    try:
        await query.answer()
    except TelegramError as exc:  # e.g. "query is too old": the press is handled all the same
        logger.warning("could not answer callback query %s: %s", query.id, exc)


class _Bridge:
    """Runs one inbound through the core and delivers what it returns."""

    def __init__(self, core: ChatCore, sender: TelegramSender) -> None:
        self._core = core
        self._sender = sender

    async def on_inline(self, update: Update, context: Context) -> None:
        """``@bot 黄精`` in any chat: product cards to share, each with a button to the stall."""
        query = update.inline_query
        if query is None:
            return
        try:
            cards = await self._core.share_cards(
                PLATFORM, query.query, query.from_user.language_code
            )
        except Exception:
            logger.exception("an inline query (%d characters) failed", len(query.query))
            cards = []
        results = [
            _inline_result(card, await self._sender.cached_photo(card.photo)) for card in cards
        ]
        try:
            await query.answer(results, cache_time=30, is_personal=False)
        except TelegramError:
            logger.warning("answering an inline query failed", exc_info=True)

    async def on_message(self, update: Update, context: Context) -> None:
        message = update.message
        if message is None:
            return
        inbound = inbound_from_message(message, str(update.update_id))
        if inbound.photo is not None:
            inbound = replace(inbound, photo=await _with_bytes(message, inbound.photo))
        await self._dispatch(context.bot, inbound, pressed=None)

    async def on_callback(self, update: Update, context: Context) -> None:
        query = update.callback_query
        if query is None:
            return
        # The answer (which stops the button's spinner) goes out first, and travels while the
        # core works: one round trip less per press.
        answering = asyncio.create_task(_answer(query))
        try:
            inbound = inbound_from_callback(query, str(update.update_id))
            if inbound is not None:
                pressed = query.message if isinstance(query.message, Message) else None
                await self._dispatch(context.bot, inbound, pressed=pressed)
        finally:
            await answering

    async def _dispatch(
        self, bot: ExtBot[None], inbound: Inbound, pressed: Message | None
    ) -> None:
        try:
            outbounds = await self._core.handle(inbound)
        except Exception:
            logger.exception("the core failed on an update from chat %s", inbound.chat_id)
            apology = _apology(inbound.language_code)
            outbounds = [Outbound(PLATFORM, inbound.chat_id, apology)]
        for number, outbound in enumerate(outbounds):
            if outbound.ref is not None and not await self._core.sending(outbound.ref):
                continue  # sent already (after a restart, by the delivery engine)
            if not await self._deliver(bot, inbound.chat_id, outbound, pressed):
                for rest in outbounds[number + 1 :]:
                    if rest.ref is not None and await self._core.sending(rest.ref):
                        await self._core.retry(rest.ref, "an earlier reply is retried")
                return
            if outbound.reply.edit:
                pressed = None  # only one reply can replace the message

    async def _deliver(
        self, bot: ExtBot[None], chat_id: str, outbound: Outbound, pressed: Message | None
    ) -> bool:
        """Send (or edit in) one reply and report the outcome; False when it waits for a retry
        by the delivery engine (the replies after it follow it there, in order)."""
        reply, ref = outbound.reply, outbound.ref
        if reply.edit and pressed is not None:
            try:
                if await _edit(bot, pressed, reply, await self._sender.photo_input(reply.photo)):
                    return await self._report(chat_id, ref, None)
            except Unreachable as exc:
                return await self._report(chat_id, ref, exc)
            except DeliveryError as exc:
                logger.info("message of chat %s not edited (%r); sending anew", chat_id, exc)
        try:
            await self._sender.send(chat_id, reply)
        except DeliveryError as exc:
            return await self._report(chat_id, ref, exc)
        return await self._report(chat_id, ref, None)

    async def _report(self, chat_id: str, ref: int | None, error: DeliveryError | None) -> bool:
        if error is not None:
            logger.warning("reply to chat %s not delivered: %r", chat_id, error)
        if ref is None:
            return error is None or not isinstance(error, TransientFailure | RetryLater)
        if error is None or isinstance(error, MaybeDelivered):
            await self._core.sent(ref)  # an unanswered request may have arrived: never twice
        elif isinstance(error, TransientFailure | RetryLater):
            await self._core.retry(ref, repr(error))
            return False
        else:
            unreachable = isinstance(error, Unreachable)
            await self._core.undeliverable(ref, unreachable=unreachable, error=repr(error))
        return True


def _inline_result(card: ShareCard, photo: str | None) -> InlineQueryResult:
    """A shared card; with its photo when Telegram already has it (an inline result can only
    point at a file Telegram has)."""
    markup = InlineKeyboardMarkup([[InlineKeyboardButton(card.link_label, url=card.link)]])
    if photo:
        return InlineQueryResultCachedPhoto(
            card.id,
            photo,
            title=card.title,
            description=card.description,
            caption=card.text,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
        )
    return InlineQueryResultArticle(
        card.id,
        card.title,
        InputTextMessageContent(card.text, parse_mode=ParseMode.HTML),
        description=card.description,
        reply_markup=markup,
    )


async def _with_bytes(message: Message, photo: InPhoto) -> InPhoto:
    """The photo with its bytes (stored once, shown on every platform); without them when the
    download fails (Telegram's id still works here)."""
    try:
        file = await message.photo[-1].get_file()
        data = bytes(await file.download_as_bytearray())
    except TelegramError:
        logger.warning("a photo from chat %s could not be downloaded", message.chat.id)
        return photo
    return replace(photo, data=data)


async def _edit(
    bot: ExtBot[None], message: Message, reply: Reply, photo: str | bytes | None
) -> bool:
    """Replace ``message`` by ``reply`` (its photo resolved as ``photo``) in place; False when
    that is not possible."""
    if reply.attachment is not None:
        return False  # a new file is always a new message
    markup, wire = keyboard(reply)
    if markup is not None and not isinstance(markup, InlineKeyboardMarkup):
        return False  # edited messages can only carry inline keyboards
    chat_id, message_id = message.chat.id, message.message_id
    try:
        if message.photo and photo is not None:
            if visible_length(reply.text) > CAPTION_LIMIT:
                return False
            media = InputMediaPhoto(photo, caption=reply.text, parse_mode=ParseMode.HTML)
            await bot.edit_message_media(media, chat_id, message_id, reply_markup=markup)
        elif message.text is not None and photo is None:
            chunks = split_text(reply.text)
            if len(chunks) != 1:
                return False
            params = text_params(chat_id, chunks[0], wire, message_id=message_id)
            await post(bot, "editMessageText", params)
        else:
            return False
    except BadRequest as exc:
        if "message is not modified" in exc.message.lower():
            return True
        error = delivery_error(exc)
        if isinstance(error, Unreachable):
            raise error from exc
        logger.info(
            "message %s of chat %s not edited (%s); sending anew", message_id, chat_id, exc
        )
        return False
    except TelegramError as exc:
        raise delivery_error(exc) from exc
    return True


async def _register_commands(application: TelegramApplication, core: ChatCore) -> None:
    bot = application.bot
    menus: tuple[tuple[Literal["zh", "en"], str | None], ...] = (
        ("zh", None),  # the default menu, for languages without their own
        ("zh", "zh"),
        ("en", "en"),
    )
    for lang, language_code in menus:
        commands = [BotCommand(name, description) for name, description in core.command_menu(lang)]
        try:
            if commands:
                await bot.set_my_commands(commands, language_code=language_code)
            else:
                await bot.delete_my_commands(language_code=language_code)
        except TelegramError:
            logger.exception("could not set the %s command menu", language_code or "default")


def build_application(
    config: TelegramConfig,
    core: ChatCore,
    *,
    request: BaseRequest | None = None,
    on_username: Callable[[str], object] | None = None,
    photos: PhotoLibrary | None = None,
) -> TelegramApplication:
    """The PTB Application for ``config``, handing updates to ``core``.

    ``request`` replaces the HTTP transport (tests pass a fake Bot API; it then also serves
    getUpdates). ``post_init`` sets the command menus (default and ``zh`` in Chinese, ``en`` in
    English) and calls ``on_username`` with the bot's username read from Telegram. ``photos``
    are the stored photos replies show.
    """
    return _build(config, core, request, on_username, photos)[0]


def _build(
    config: TelegramConfig,
    core: ChatCore,
    request: BaseRequest | None,
    on_username: Callable[[str], object] | None,
    photos: PhotoLibrary | None = None,
) -> tuple[TelegramApplication, TelegramSender]:
    """The application and the one sender its replies and the delivery engine share."""

    async def post_init(application: TelegramApplication) -> None:
        await _register_commands(application, core)
        username = application.bot.username
        if config.username and config.username != username:
            logger.warning(
                "telegram.username is %r but Telegram says %r", config.username, username
            )
        if on_username is not None:
            on_username(username)

    builder = (
        ApplicationBuilder()
        .token(config.token)
        .base_url(config.base_url)
        .base_file_url(config.base_file_url)
        .job_queue(None)
        .updater(None)
        .post_init(post_init)
        .concurrent_updates(PerChatUpdates())
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    application = builder.build()
    sender = TelegramSender(application.bot, photos)
    bridge = _Bridge(core, sender)
    # A text is never a service message: the 45 status checks only for the rest.
    private_messages = (
        filters.UpdateType.MESSAGE
        & filters.ChatType.PRIVATE
        & (filters.TEXT | ~filters.StatusUpdate.ALL)
    )
    application.add_handler(MessageHandler(private_messages, bridge.on_message))
    application.add_handler(CallbackQueryHandler(bridge.on_callback))
    application.add_handler(InlineQueryHandler(bridge.on_inline))
    return application, sender


class TelegramPlatform:
    """Telegram as a :class:`marketbot.platforms.base.Platform`: polling or webhook.

    In webhook mode its route is ``/<webhook_path>`` on the shared web app and ``webhook_url``
    is registered with Telegram with the secret token; without a configured
    ``webhook_secret`` a random one is made for this run, which works because the bot
    registers the webhook itself. The bot's username, read at start, completes its links.
    """

    name = PLATFORM
    capabilities = CAPABILITIES
    link_rank = LINK_RANK

    def __init__(
        self,
        config: TelegramConfig,
        core: ChatCore,
        *,
        request: BaseRequest | None = None,
        on_username: Callable[[str], object] | None = None,
        photos: PhotoLibrary | None = None,
    ) -> None:
        self.config = config
        self.links = TelegramLinks(config.username)
        self._on_username = on_username
        self.application, self.sender = _build(config, core, request, self._learn, photos)
        self._webhook: TelegramWebhook | None = None
        self._poller = Poller(self.application, ALLOWED_UPDATES)
        if config.mode == "webhook":
            self._secret = config.webhook_secret or secrets.token_urlsafe(32)
            self._webhook = TelegramWebhook(self._secret, self.application.bot, self._process)

    def _learn(self, username: str) -> None:
        self.links.username = username
        if self._on_username is not None:
            self._on_username(username)

    async def _process(self, update: Update) -> None:
        """One webhook update, through the update processor (as polling: concurrent across
        chats, in order within one)."""
        application = self.application
        await application.update_processor.process_update(
            update, application.process_update(update)
        )

    def routes(self) -> Sequence[Route]:
        if self._webhook is None:
            return []
        return [Route("/" + self.config.webhook_path.strip("/"), self._webhook)]

    async def start(self) -> None:
        application = self.application
        await application.initialize()
        try:
            if application.post_init is not None:
                await application.post_init(application)
            await application.start()
            if self._webhook is not None:
                self._webhook.accepting = True
                await application.bot.set_webhook(
                    self.config.webhook_url,
                    secret_token=self._secret,
                    allowed_updates=ALLOWED_UPDATES,
                )
            else:
                await self._poller.start()
        except BaseException:
            await self.stop()
            raise
        logger.info("telegram bot @%s running (%s)", application.bot.username, self.config.mode)

    async def stop(self) -> None:
        application = self.application
        if self._webhook is not None:
            self._webhook.accepting = False
        await self._poller.stop()
        if application.running:
            await application.stop()
        await application.shutdown()


async def run_telegram(
    config: TelegramConfig,
    core: ChatCore,
    *,
    stop: asyncio.Event,
    request: BaseRequest | None = None,
    on_username: Callable[[str], object] | None = None,
    background: Callable[[Sender], AbstractAsyncContextManager[object]] | None = None,
    web: WebConfig | None = None,
) -> None:
    """Run Telegram alone in ``config.mode`` until ``stop`` is set, then stop cleanly.

    ``background(sender)`` (the delivery engine and the reminder scheduler) is entered once the
    bot runs and left after it stopped; ``sender`` sends through this bot. Webhook mode serves
    the route on the ``web`` server (default ``[web]``'s defaults, or the deprecated
    ``webhook_listen``/``webhook_port`` when set); put TLS in front.
    """
    platform = TelegramPlatform(config, core, request=request, on_username=on_username)
    await run_platforms(
        [platform],
        web=(web or WebConfig()).with_aliases(config),
        stop=stop,
        background=None if background is None else lambda: background(platform.sender),
    )
