"""TelegramSender, reply_markup and split_text: rendering replies and mapping Telegram errors."""

from __future__ import annotations

import datetime as dtm
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.error import BadRequest, Forbidden, RetryAfter, TimedOut

from marketbot.delivery.ports import (
    DeliveryError,
    MaybeDelivered,
    RetryLater,
    TransientFailure,
    Unreachable,
)
from marketbot.neutral import Choice, Reply, html_to_plain
from marketbot.platforms.telegram.sender import (
    NO_PREVIEW,
    TelegramSender,
    delivery_error,
    keyboard,
    post,
    reply_markup,
    split_caption,
    split_lines,
    split_text,
    text_params,
    visible_length,
)
from tests.fake_bot_api import FAKE_TOKEN, FakeBotApi
from tests.fake_photos import FakePhotos

CHAT = "4242"
PHOTOS = FakePhotos({1: "AgACphoto1", 2: "AgACphoto2", 3: "stale", 4: "AgAC"})


@pytest.fixture
def api() -> FakeBotApi:
    return FakeBotApi()


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(FAKE_TOKEN, request=api, get_updates_request=api) as bot:
        yield bot


@pytest.fixture
def sender(bot: Bot) -> TelegramSender:
    return TelegramSender(bot, PHOTOS)


MENU = Reply(
    "选一个摊位：",
    choices=(
        (Choice("stall:1", "王大爷的山货"), Choice("stall:2", "李婶沙棘膏")),
        (Choice("menu:back", "返回"),),
    ),
)


# reply_markup ------------------------------------------------------------------------------


def test_choices_become_inline_buttons_in_the_given_rows() -> None:
    markup = reply_markup(MENU)
    assert isinstance(markup, InlineKeyboardMarkup)
    rows = [[(b.text, b.callback_data) for b in row] for row in markup.inline_keyboard]
    assert rows == [
        [("王大爷的山货", "stall:1"), ("李婶沙棘膏", "stall:2")],
        [("返回", "menu:back")],
    ]


def test_contact_request_is_a_one_time_reply_keyboard_with_labels() -> None:
    reply = Reply("请分享手机号", choices=((Choice("reg:skip", "跳过"),),), contact_request=True)
    markup = reply_markup(reply)
    assert isinstance(markup, ReplyKeyboardMarkup)
    assert markup.one_time_keyboard
    (share,), (skip,) = markup.keyboard
    assert share.request_contact
    assert "分享手机号" in share.text
    assert "Share phone" in share.text
    assert skip.text == "跳过"
    assert not skip.request_contact


def test_plain_reply_has_no_markup_unless_a_keyboard_must_go() -> None:
    assert reply_markup(Reply("好的")) is None
    assert isinstance(reply_markup(Reply("好的"), remove_keyboard=True), ReplyKeyboardRemove)


async def test_kept_keyboards_send_what_python_telegram_bot_sends(
    bot: Bot, api: FakeBotApi
) -> None:
    """The sends and edits that skip python-telegram-bot's objects make the very request its
    own methods make, with every kind of keyboard."""
    contact = Reply("号码", choices=((Choice("reg:skip", "跳过"),),), contact_request=True)
    for reply, remove in [
        (MENU, False),
        (contact, False),
        (Reply("好"), True),
        (Reply("好"), False),
    ]:
        markup, wire = keyboard(reply, remove_keyboard=remove)
        assert keyboard(reply, remove_keyboard=remove)[1] is wire  # made once per shape
        await bot.send_message(
            CHAT,
            reply.text,
            parse_mode="HTML",
            link_preview_options=NO_PREVIEW,
            reply_markup=markup,
        )
        sent = await post(bot, "sendMessage", text_params(CHAT, reply.text, wire))
        theirs, ours = api.calls[-2:]
        assert (ours.method, ours.params) == (theirs.method, theirs.params)
        if isinstance(markup, InlineKeyboardMarkup) or markup is None:
            await bot.edit_message_text(
                "改了",
                CHAT,
                sent["message_id"],
                parse_mode="HTML",
                link_preview_options=NO_PREVIEW,
                reply_markup=markup,
            )
            await post(
                bot,
                "editMessageText",
                text_params(CHAT, "再改", wire, message_id=sent["message_id"]),
            )
            theirs, ours = api.calls[-2:]
            assert ours.ok and theirs.ok
            assert ours.params == theirs.params | {"text": "再改"}


# split_text ----------------------------------------------------------------------------------


def test_short_text_is_one_piece() -> None:
    assert split_text("<b>黄精</b> 30元") == ["<b>黄精</b> 30元"]


def test_split_falls_between_lines() -> None:
    lines = [f"{i:03d}. <b>山木耳</b> &amp; 蘑菇" for i in range(400)]
    chunks = split_text("\n".join(lines), 500)
    assert len(chunks) > 1
    assert all(visible_length(chunk) <= 500 for chunk in chunks)
    assert "\n".join(chunks).split("\n") == lines


def test_long_line_is_cut_at_spaces_with_tags_reopened() -> None:
    chunks = split_text("<b>" + " ".join(["沙棘膏"] * 40) + "</b>", 50)
    assert len(chunks) > 1
    for chunk in chunks:
        assert chunk.startswith("<b>")
        assert chunk.endswith("</b>")
        assert visible_length(chunk) <= 50
        assert "沙棘膏沙" not in chunk  # never cut inside a word when there are spaces


def test_entities_are_never_cut() -> None:
    chunks = split_text("&amp;" * 10, 3)
    assert chunks == ["&amp;&amp;&amp;"] * 3 + ["&amp;"]


def test_blank_text_gives_no_pieces() -> None:
    assert split_text("") == []
    assert split_text("\n \n") == []


_word = st.text(alphabet="黄精山货abc &<>", min_size=1, max_size=12)
_segment = st.one_of(
    _word.map(lambda w: w.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")),
    _word.map(lambda w: "<b>" + w.replace("&", "&amp;").replace("<", "&lt;") + "</b>"),
)
_line = st.lists(_segment, max_size=8).map("".join)


def _balanced(chunk: str) -> bool:
    depth = 0
    for closing, _name in re.findall(r"<(/?)(\w+)>", chunk):
        depth += -1 if closing else 1
        if depth < 0:
            return False
    return depth == 0


@given(lines=st.lists(_line, max_size=30), limit=st.integers(min_value=4, max_value=60))
def test_split_keeps_every_character_and_valid_html(lines: list[str], limit: int) -> None:
    text = "\n".join(lines)
    chunks = split_text(text, limit)
    assert all(0 < visible_length(chunk) <= limit for chunk in chunks)
    assert all(_balanced(chunk) for chunk in chunks)
    squeeze = re.compile(r"\s+")
    joined = "".join(html_to_plain(chunk) for chunk in chunks)
    assert squeeze.sub("", joined) == squeeze.sub("", html_to_plain(text))


@given(
    text=st.lists(
        st.sampled_from(
            ["a", "长", "😀", "\n", " ", "&amp;", "&#128512;", "&fjlig;", "<b>", "</b>"]
        ),
        max_size=40,
    ).map("".join),
    limit=st.integers(min_value=1, max_value=90),
)
def test_a_short_text_is_split_as_measured_line_by_line(text: str, limit: int) -> None:
    """Texts of at most ``limit / 2`` characters skip measuring: the same pieces."""
    assert split_text(text, limit) == split_lines(text, limit)


def test_caption_takes_whole_leading_lines() -> None:
    text = "<b>九蒸九晒黄精</b>\n" + "介绍" * 600
    caption, rest = split_caption(text)
    assert caption == "<b>九蒸九晒黄精</b>"
    assert rest == "介绍" * 600
    assert split_caption("短") == ("短", "")


# sending -----------------------------------------------------------------------------------


async def test_text_is_sent_as_html_without_link_preview(
    api: FakeBotApi, sender: TelegramSender
) -> None:
    await sender.send(CHAT, MENU)
    (call,) = api.calls_to("sendMessage")
    assert call.params["parse_mode"] == "HTML"
    assert call.params["link_preview_options"] == {"is_disabled": True}
    assert call.params["chat_id"] == CHAT
    assert api.last_labels(CHAT) == ["王大爷的山货", "李婶沙棘膏", "返回"]
    assert [b.data for row in api.last_keyboard(CHAT) for b in row] == [
        "stall:1",
        "stall:2",
        "menu:back",
    ]


async def test_long_text_goes_in_pieces_with_the_keyboard_last(
    api: FakeBotApi, sender: TelegramSender
) -> None:
    text = "\n".join(f"{i}. <b>小麻油</b> 一斤 35 元" for i in range(600))
    await sender.send(CHAT, Reply(text, choices=MENU.choices))
    calls = api.calls_to("sendMessage")
    assert len(calls) > 1
    assert all(call.ok for call in calls)
    assert all(visible_length(call.text or "") <= 4096 for call in calls)
    assert [call.reply_markup is not None for call in calls] == [False] * (len(calls) - 1) + [True]


async def test_photo_with_short_text_is_one_captioned_photo(
    api: FakeBotApi, sender: TelegramSender
) -> None:
    await sender.send(CHAT, Reply("<b>荆条筐</b> 80元", photo=1))
    (call,) = api.message_calls(CHAT)
    assert call.method == "sendPhoto"
    assert call.params["photo"] == "AgACphoto1"
    assert call.params["caption"] == "<b>荆条筐</b> 80元"


async def test_photo_with_long_text_gets_a_caption_then_text(
    api: FakeBotApi, sender: TelegramSender
) -> None:
    text = "<b>古法沙棘膏</b>\n" + "\n".join(["沙棘果熬制，不加糖。"] * 200)
    await sender.send(CHAT, Reply(text, photo=2, choices=MENU.choices))
    calls = api.message_calls(CHAT)
    assert [c.method for c in calls] == ["sendPhoto", "sendMessage"]
    caption, rest = calls[0].params["caption"], calls[1].params["text"]
    assert visible_length(caption) <= 1024 < visible_length(caption) + 11
    assert f"{caption}\n{rest}" == text  # whole lines: nothing cut mid-line
    assert calls[1].reply_markup is not None
    assert calls[0].reply_markup is None


async def test_refused_photo_still_delivers_the_text(
    api: FakeBotApi, sender: TelegramSender
) -> None:
    api.fail_next("sendPhoto", 400, description="Bad Request: wrong file identifier")
    await sender.send(CHAT, Reply("山蘑菇", photo=3, choices=MENU.choices))
    assert [c.method for c in api.message_calls(CHAT)] == ["sendMessage"]
    assert api.last_text(CHAT) == "山蘑菇"
    assert api.last_labels(CHAT)


async def test_reply_keyboard_is_removed_by_the_next_plain_reply(
    api: FakeBotApi, sender: TelegramSender
) -> None:
    await sender.send(CHAT, Reply("请分享手机号", contact_request=True))
    await sender.send(CHAT, Reply("谢谢"))
    await sender.send(CHAT, Reply("再见"))
    markups = [call.reply_markup for call in api.message_calls(CHAT)]
    assert markups[0] is not None
    assert "keyboard" in markups[0]
    assert markups[1] == {"remove_keyboard": True}
    assert markups[2] is None


async def test_empty_reply_is_a_permanent_error(sender: TelegramSender) -> None:
    with pytest.raises(DeliveryError):
        await sender.send(CHAT, Reply(" "))


# errors ------------------------------------------------------------------------------------


# PTB 22 warns whenever RetryAfter.retry_after is read as a number (also inside PTB itself);
# PTB_TIMEDELTA=1 opts in to timedeltas. Both ways must give the same seconds.
RETRY_AFTER_WARNING = "ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning"


@pytest.mark.filterwarnings(RETRY_AFTER_WARNING)
@pytest.mark.parametrize("timedelta_mode", ["1", ""])
async def test_flood_control_becomes_retry_later(
    api: FakeBotApi, sender: TelegramSender, monkeypatch: pytest.MonkeyPatch, timedelta_mode: str
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", timedelta_mode)
    api.fail_next("sendMessage", 429, retry_after=3)
    with pytest.raises(RetryLater) as caught:
        await sender.send(CHAT, Reply("hi"))
    assert caught.value.seconds == 3.0


async def test_blocked_bot_becomes_unreachable(api: FakeBotApi, sender: TelegramSender) -> None:
    api.block(CHAT)
    with pytest.raises(Unreachable):
        await sender.send(CHAT, Reply("hi"))


async def test_missing_chat_becomes_unreachable(api: FakeBotApi, sender: TelegramSender) -> None:
    api.remove_chat(CHAT)
    with pytest.raises(Unreachable):
        await sender.send(CHAT, Reply("hi"))


@pytest.mark.parametrize("status", [500, 502])
async def test_server_errors_are_transient(
    api: FakeBotApi, sender: TelegramSender, status: int
) -> None:
    api.fail_next("sendMessage", status)
    with pytest.raises(TransientFailure):
        await sender.send(CHAT, Reply("hi"))


async def test_unanswered_request_may_have_been_delivered(
    api: FakeBotApi, sender: TelegramSender
) -> None:
    api.timeout_next("sendPhoto")
    with pytest.raises(MaybeDelivered):
        await sender.send(CHAT, Reply("hi", photo=4))


def _timed_out(cause: Exception) -> TimedOut:
    error = TimedOut()
    error.__cause__ = cause
    return error


def test_timeouts_before_sending_are_transient() -> None:
    for cause in (httpx.ConnectTimeout("connect"), httpx.PoolTimeout("pool")):
        assert type(delivery_error(_timed_out(cause))) is TransientFailure
    assert type(delivery_error(_timed_out(httpx.ReadTimeout("read")))) is MaybeDelivered


async def test_bad_html_is_a_permanent_error(api: FakeBotApi, sender: TelegramSender) -> None:
    with pytest.raises(DeliveryError) as caught:
        await sender.send(CHAT, Reply("<b>unclosed"))
    assert type(caught.value) is DeliveryError


@pytest.mark.filterwarnings(RETRY_AFTER_WARNING)
@pytest.mark.parametrize("timedelta_mode", ["1", ""])
@pytest.mark.parametrize("retry_after", [7, dtm.timedelta(seconds=7)])
def test_retry_after_as_int_or_timedelta(
    retry_after: int | dtm.timedelta, timedelta_mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", timedelta_mode)
    error = delivery_error(RetryAfter(retry_after))
    assert isinstance(error, RetryLater)
    assert error.seconds == 7.0


def test_error_classes_map_as_documented() -> None:
    assert type(delivery_error(Forbidden("Forbidden: user is deactivated"))) is Unreachable
    assert type(delivery_error(BadRequest("Chat not found"))) is Unreachable
    assert type(delivery_error(BadRequest("Message is too long"))) is DeliveryError
    assert type(delivery_error(TimedOut())) is MaybeDelivered


# the fake Bot API itself ---------------------------------------------------------------------


async def test_fake_refuses_what_telegram_refuses(api: FakeBotApi, bot: Bot) -> None:
    too_long_data = InlineKeyboardMarkup([[InlineKeyboardButton("a", callback_data="x" * 65)]])
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(CHAT, "x", reply_markup=too_long_data)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("y", CHAT, 999)
    with pytest.raises(BadRequest, match=r"(?i)too long"):
        await bot.send_message(CHAT, "长" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)unsupported start tag"):
        await bot.send_message(CHAT, "<script>x</script>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)parse entities"):
        await bot.send_message(CHAT, "a & b", parse_mode="HTML")
    assert api.messages(CHAT) == []


async def test_fake_uploads_get_file_ids_and_serve_them_back(api: FakeBotApi, bot: Bot) -> None:
    message = await bot.send_document(CHAT, b"%PDF poster", filename="poster.pdf")
    assert message.document is not None
    (call,) = api.calls_to("sendDocument")
    assert call.files["document"] == b"%PDF poster"
    file = await bot.get_file(message.document.file_id)
    assert await file.download_as_bytearray() == bytearray(b"%PDF poster")


async def test_fake_flood_control_and_polling_offsets(
    api: FakeBotApi, bot: Bot, sender: TelegramSender, monkeypatch: pytest.MonkeyPatch
) -> None:
    api.queue_update({"update_id": 5, "message": None})
    api.queue_update({"update_id": 6, "message": None})
    assert [u.update_id for u in await bot.get_updates()] == [5, 6]
    assert [u.update_id for u in await bot.get_updates(offset=6)] == [6]
    assert await bot.get_updates(offset=7, timeout=1) == ()
    api.messages_per_second = 2
    await sender.send(CHAT, Reply("一"))
    await sender.send(CHAT, Reply("二"))
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    with pytest.raises(RetryLater):
        await sender.send(CHAT, Reply("三"))
    assert api.sent_texts(CHAT) == ["一", "二"]


async def test_a_later_part_failing_is_not_retried_as_a_whole(
    api: FakeBotApi, sender: TelegramSender, monkeypatch: pytest.MonkeyPatch
) -> None:
    long_text = "\n".join(f"第{i}行 " + "字" * 60 for i in range(150))
    assert len(split_text(long_text)) > 1
    api.fail_next("sendMessage", status=502, description="Bad Gateway")
    with pytest.raises(TransientFailure):  # nothing arrived yet: safe to send again
        await sender.send(CHAT, Reply(long_text))

    real = sender._send_part
    calls = 0

    async def second_part_fails(*args: Any, **kwargs: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise TransientFailure("Bad Gateway")
        await real(*args, **kwargs)

    monkeypatch.setattr(sender, "_send_part", second_part_fails)
    with pytest.raises(MaybeDelivered):  # the first part arrived: sending again would repeat it
        await sender.send(CHAT, Reply(long_text))
