"""The Telegram adapter end to end: the real PTB Application over the fake Bot API.

A scripted core stands in for the real one: it records every Inbound and answers with what the
test prepared, so each test asserts the translation both ways (update → Inbound, Reply → calls).
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Callable
from dataclasses import replace
from typing import Literal

import httpx
import pytest

from marketbot.config import TelegramConfig
from marketbot.neutral import Choice, Inbound, Outbound, Reply
from marketbot.platforms.telegram.adapter import build_application, run_telegram
from marketbot.texts.telegram import TEXTS
from tests.fake_bot_api import FAKE_TOKEN, FakeBotApi, callback_update, message_update
from tests.fake_photos import FakePhotos
from tests.telegram_harness import telegram_harness

USER = 4242
OTHER = 5151

MENU = Reply(
    "<b>东泉镇山货集</b>\n选一个：",
    choices=(
        (Choice("stall:1", "王大爷的山货"), Choice("stall:2", "李婶沙棘膏")),
        (Choice("menu:help", "帮助"),),
    ),
)

Responder = Callable[[Inbound], list[Outbound]]


def to_sender(*replies: Reply) -> Responder:
    return lambda inbound: [Outbound("telegram", inbound.chat_id, r) for r in replies]


class ScriptedCore:
    """Answers every inbound with ``respond(inbound)``; raises ``error`` when set."""

    def __init__(self, respond: Responder | None = None) -> None:
        self.respond = respond or to_sender(MENU)
        self.error: Exception | None = None
        self.inbounds: list[Inbound] = []

    async def handle(self, inbound: Inbound) -> list[Outbound]:
        self.inbounds.append(inbound)
        if self.error is not None:
            raise self.error
        return self.respond(inbound)

    def command_menu(self, lang: Literal["zh", "en"]) -> list[tuple[str, str]]:
        if lang == "en":
            return [("start", "Start"), ("help", "Help")]
        return [("start", "开始"), ("help", "帮助")]


# updates → Inbound ------------------------------------------------------------------------


async def test_text_becomes_inbound_and_menu_an_inline_keyboard() -> None:
    core = ScriptedCore()
    async with telegram_harness(core) as tg:
        await tg.say(USER, "你好", language_code="en-GB")
        (inbound,) = core.inbounds
        assert inbound.key is not None and inbound.key.isdigit()  # the update id
        assert replace(inbound, key=None) == Inbound(
            platform="telegram",
            user_id=str(USER),
            chat_id=str(USER),
            text="你好",
            display_name="王 大爷",
            language_code="en-GB",
        )
        (call,) = tg.api.calls_to("sendMessage")
        assert call.params["parse_mode"] == "HTML"
        assert call.text == MENU.text
        assert call.reply_markup == {
            "inline_keyboard": [
                [
                    {"text": "王大爷的山货", "callback_data": "stall:1"},
                    {"text": "李婶沙棘膏", "callback_data": "stall:2"},
                ],
                [{"text": "帮助", "callback_data": "menu:help"}],
            ]
        }


async def test_start_payload_becomes_the_entry_field() -> None:
    core = ScriptedCore()
    async with telegram_harness(core) as tg:
        await tg.say(USER, "/start stall_42")
        await tg.say(USER, "/start")
    assert (core.inbounds[0].text, core.inbounds[0].entry) == ("/start", "stall_42")
    assert (core.inbounds[1].text, core.inbounds[1].entry) == ("/start", None)


async def test_photo_gives_largest_size_and_caption_as_text() -> None:
    core = ScriptedCore()
    async with telegram_harness(core) as tg:
        await tg.say(USER, "九蒸九晒黄精 50元", photo="AgACbig")
        await tg.say(USER, photo="AgACplain")
    first, second = core.inbounds
    assert first.photo is not None and second.photo is not None
    assert (first.photo.platform_id, first.text) == ("AgACbig", "九蒸九晒黄精 50元")
    assert (second.photo.platform_id, second.text) == ("AgACplain", None)
    assert first.photo.data  # downloaded, to be stored once for every platform


async def test_only_the_senders_own_contact_counts() -> None:
    core = ScriptedCore()
    foreign = {"phone_number": "13900000000", "first_name": "李", "user_id": OTHER}
    not_on_telegram = {"phone_number": "13700000000", "first_name": "张"}
    async with telegram_harness(core) as tg:
        await tg.share_contact(USER, "8613812345678")
        await tg.say(USER, contact=foreign)
        await tg.say(USER, contact=not_on_telegram)
    assert [i.contact_phone for i in core.inbounds] == ["8613812345678", None, None]


async def test_group_edited_and_service_messages_are_ignored() -> None:
    core = ScriptedCore()
    async with telegram_harness(core) as tg:
        await tg.send(message_update(USER, "/start", chat_id=-100123, chat_type="supergroup"))
        edited = message_update(USER, "改过的")
        edited["edited_message"] = edited.pop("message")
        await tg.send(edited)
        service = message_update(USER)
        service["message"]["write_access_allowed"] = {"from_request": True}
        await tg.send(service)
        assert core.inbounds == []
        assert tg.api.calls_to("sendMessage") == []


async def test_other_content_reaches_the_core_empty() -> None:
    core = ScriptedCore()
    sticker = message_update(USER)
    sticker["message"]["sticker"] = {
        "file_id": "CAAC",
        "file_unique_id": "u",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
    async with telegram_harness(core) as tg:
        await tg.send(sticker)
    (inbound,) = core.inbounds
    assert (inbound.text, inbound.photo, inbound.choice, inbound.contact_phone) == (None,) * 4


# button presses --------------------------------------------------------------------------


async def test_press_is_answered_and_edits_the_message_in_place() -> None:
    core = ScriptedCore()
    async with telegram_harness(core) as tg:
        await tg.say(USER, "/start")
        core.respond = to_sender(Reply("<b>王大爷的山货</b>\n黄精、木耳", edit=True))
        await tg.press(USER, "王大爷的山货")
        assert core.inbounds[-1].choice == "stall:1"
        assert core.inbounds[-1].text is None
        assert len(tg.api.calls_to("answerCallbackQuery")) == 1
        (edit,) = tg.api.calls_to("editMessageText")
        assert edit.params["message_id"] == tg.api.messages(USER)[0].message_id
        assert edit.params["parse_mode"] == "HTML"
        assert len(tg.api.calls_to("sendMessage")) == 1  # only the menu
        assert tg.api.messages(USER)[0].text == "<b>王大爷的山货</b>\n黄精、木耳"
        assert tg.api.last_keyboard(USER) == []  # the edit removed the buttons


async def test_press_without_edit_sends_a_new_message() -> None:
    core = ScriptedCore()
    async with telegram_harness(core) as tg:
        await tg.say(USER, "/start")
        core.respond = to_sender(Reply("新消息"))
        await tg.press(USER, "帮助")
        assert tg.api.calls_to("editMessageText") == []
        assert tg.api.sent_texts(USER) == [MENU.text, "新消息"]


async def test_press_is_answered_and_apologised_for_when_the_core_fails(
    caplog: pytest.LogCaptureFixture,
) -> None:
    core = ScriptedCore()
    async with telegram_harness(core) as tg:
        await tg.say(USER, "/start")
        core.error = RuntimeError("boom")
        with caplog.at_level(logging.ERROR):
            await tg.press(USER, "帮助")
            await tg.press(USER, "帮助", language_code="en")
        assert len(tg.api.calls_to("answerCallbackQuery")) == 2
        assert tg.api.sent_texts(USER)[-2:] == [TEXTS["tg.error"][0], TEXTS["tg.error"][1]]
    assert "boom" in caplog.text


async def test_press_is_handled_even_if_answering_fails() -> None:
    core = ScriptedCore()
    async with telegram_harness(core) as tg:
        await tg.say(USER, "/start")
        tg.api.fail_next("answerCallbackQuery", 400, description="Bad Request: query is too old")
        await tg.press(USER, "帮助")
    assert core.inbounds[-1].choice == "menu:help"


async def test_unchanged_edit_sends_nothing_new() -> None:
    core = ScriptedCore(to_sender(MENU))
    async with telegram_harness(core) as tg:
        await tg.say(USER, "/start")
        core.respond = to_sender(Reply(MENU.text, MENU.choices, edit=True))
        await tg.press(USER, "帮助")
        (edit,) = tg.api.calls_to("editMessageText")
        assert edit.error is not None
        assert "not modified" in edit.error
        assert len(tg.api.calls_to("sendMessage")) == 1


async def test_uneditable_message_falls_back_to_a_new_one() -> None:
    core = ScriptedCore()
    async with telegram_harness(core) as tg:
        await tg.say(USER, "/start")
        tg.api.fail_next(
            "editMessageText", 400, description="Bad Request: message can't be edited"
        )
        core.respond = to_sender(Reply("换一页", edit=True))
        await tg.press(USER, "帮助")
        assert tg.api.last_text(USER) == "换一页"
        assert [c.method for c in tg.api.message_calls(USER)] == ["sendMessage", "sendMessage"]


async def test_photo_message_is_edited_as_media_or_replaced() -> None:
    photo_menu = Reply("<b>荆条筐</b>", MENU.choices, photo=1)
    core = ScriptedCore(to_sender(photo_menu))
    photos = FakePhotos({1: "AgACbasket", 2: "AgACjar"})
    async with telegram_harness(core, photos=photos) as tg:
        await tg.say(USER, "看看")
        core.respond = to_sender(Reply("<b>沙棘膏</b>", MENU.choices, photo=2, edit=True))
        await tg.press(USER, "李婶沙棘膏")
        (edit,) = tg.api.calls_to("editMessageMedia")
        assert edit.params["media"]["media"] == "AgACjar"
        assert edit.params["media"]["caption"] == "<b>沙棘膏</b>"
        assert tg.api.messages(USER)[0].photo == "AgACjar"
        core.respond = to_sender(Reply("纯文字", edit=True))
        await tg.press(USER, "帮助")
        assert tg.api.message_calls(USER)[-1].method == "sendMessage"


async def test_only_the_first_edit_reply_replaces_the_message() -> None:
    core = ScriptedCore()
    async with telegram_harness(core) as tg:
        await tg.say(USER, "/start")
        core.respond = to_sender(Reply("一", edit=True), Reply("二", edit=True))
        await tg.press(USER, "帮助")
        assert [c.method for c in tg.api.message_calls(USER)][1:] == [
            "editMessageText",
            "sendMessage",
        ]


# replies --------------------------------------------------------------------------------


async def test_long_reply_is_split_with_keyboard_on_the_last_piece() -> None:
    text = "\n".join(f"{i}. <b>山蘑菇</b> 一斤 40 元 — 东泉镇水磨头村" for i in range(500))
    core = ScriptedCore(to_sender(Reply(text, MENU.choices)))
    async with telegram_harness(core) as tg:
        await tg.say(USER, "全部")
        calls = tg.api.calls_to("sendMessage")
    assert len(calls) >= 3
    assert all(call.ok for call in calls)
    assert "\n".join(call.text or "" for call in calls) == text
    assert [call.reply_markup is not None for call in calls][-2:] == [False, True]


async def test_contact_request_shows_share_phone_keyboard() -> None:
    ask = Reply("请分享手机号", ((Choice("reg:skip", "跳过"),),), contact_request=True)
    core = ScriptedCore(to_sender(ask))
    async with telegram_harness(core) as tg:
        await tg.say(USER, "我要摆摊")
        (share,), (skip,) = tg.api.last_keyboard(USER)
        assert share.request_contact
        assert skip.text == "跳过"
        with pytest.raises(ValueError, match="share_contact"):
            tg.api.press(USER, share.text)
        await tg.press(USER, "跳过")  # a reply-keyboard button sends its label
    assert core.inbounds[-1].text == "跳过"


async def test_undeliverable_reply_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    async with telegram_harness(ScriptedCore(to_sender(MENU))) as tg:
        tg.api.block(USER)
        with caplog.at_level(logging.WARNING):
            await tg.say(USER, "hi")
        assert tg.api.sent_texts(USER) == []
    assert f"chat {USER} not delivered" in caplog.text


# setup and running ------------------------------------------------------------------------


async def test_post_init_sets_menus_and_reports_username() -> None:
    names: list[str] = []
    api = FakeBotApi(username="shuimotou_bot")
    config = TelegramConfig(token=FAKE_TOKEN)
    application = build_application(config, ScriptedCore(), request=api, on_username=names.append)
    async with application:
        assert application.post_init is not None
        await application.post_init(application)
    assert api.commands == {
        None: [("start", "开始"), ("help", "帮助")],
        "zh": [("start", "开始"), ("help", "帮助")],
        "en": [("start", "Start"), ("help", "Help")],
    }
    assert names == ["shuimotou_bot"]


async def test_base_url_is_honoured() -> None:
    config = TelegramConfig(
        token=FAKE_TOKEN,
        base_url="http://127.0.0.1:8081/bot",
        base_file_url="http://127.0.0.1:8081/file/bot",
    )
    async with telegram_harness(ScriptedCore(), config=config) as tg:
        await tg.say(USER, "hi")
        file = await tg.application.bot.get_file("AgACphoto")
        content = await file.download_as_bytearray()
    assert content == bytearray(b"fake file AgACphoto")
    assert file.file_path == f"http://127.0.0.1:8081/file/bot{FAKE_TOKEN}/photos/AgACphoto.jpg"
    assert tg.api.calls
    assert all(c.url.startswith(f"http://127.0.0.1:8081/bot{FAKE_TOKEN}/") for c in tg.api.calls)


async def test_polling_runs_until_stopped() -> None:
    api = FakeBotApi()
    stop = asyncio.Event()
    names: list[str] = []
    api.queue_update(callback_update(USER, "menu:help", 1))
    api.queue_update(message_update(USER, "/start"))
    task = asyncio.create_task(
        run_telegram(
            TelegramConfig(token=FAKE_TOKEN),
            ScriptedCore(),
            stop=stop,
            request=api,
            on_username=names.append,
        )
    )
    await api.wait_until(lambda: len(api.calls_to("sendMessage")) == 2)
    stop.set()
    await asyncio.wait_for(task, 5)
    assert names == ["marketbot_test_bot"]
    assert len(api.calls_to("answerCallbackQuery")) == 1
    assert api.calls_to("deleteWebhook")  # polling bootstrap
    polls = api.calls_to("getUpdates")
    assert polls[0].params["allowed_updates"] == ["message", "callback_query", "inline_query"]
    assert polls[-1].params["offset"] > 0  # the last poll confirmed what was handled


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.mark.parametrize("configured_secret", ["s3cret-Token_1", ""])
async def test_webhook_refuses_requests_without_the_secret(configured_secret: str) -> None:
    api = FakeBotApi()
    stop = asyncio.Event()
    port = _free_port()
    config = TelegramConfig(
        token=FAKE_TOKEN,
        mode="webhook",
        webhook_listen="127.0.0.1",
        webhook_port=port,
        webhook_path="tg-hook",
        webhook_url="https://market.example/tg-hook",
        webhook_secret=configured_secret,
    )
    task = asyncio.create_task(run_telegram(config, ScriptedCore(), stop=stop, request=api))
    try:
        await api.wait_until(lambda: api.webhook is not None)
        assert api.webhook is not None
        assert api.webhook["url"] == "https://market.example/tg-hook"
        secret = api.webhook["secret_token"]
        if configured_secret:
            assert secret == configured_secret
        else:  # a random secret for this run
            assert len(secret) >= 32
        body = message_update(USER, "/start")
        url = f"http://127.0.0.1:{port}/tg-hook"
        header = "X-Telegram-Bot-Api-Secret-Token"
        async with httpx.AsyncClient(trust_env=False) as client:
            missing = await client.post(url, json=body)
            wrong = await client.post(url, json=body, headers={header: "wrong"})
            assert (missing.status_code, wrong.status_code) == (403, 403)
            right = await client.post(url, json=body, headers={header: secret})
            assert right.status_code == 200
        await api.wait_until(lambda: bool(api.calls_to("sendMessage")))
        assert api.sent_texts(USER) == [MENU.text]
    finally:
        stop.set()
        await asyncio.wait_for(task, 5)
