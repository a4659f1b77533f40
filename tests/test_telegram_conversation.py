"""The foundation's whole loop on Telegram: the real Core inside the real python-telegram-bot
Application, over a fake Bot API at a configured base URL."""

from __future__ import annotations

from dataclasses import replace

from marketbot.app import App
from marketbot.config import TelegramConfig
from tests.fake_bot_api import FAKE_TOKEN, FakeBotApi, callback_update
from tests.telegram_harness import telegram_harness

VENDOR, SECRETARY, TOURIST = 1001, 2002, 3003
BASE = "http://127.0.0.1:8081/bot"


async def test_register_approve_list_and_find_on_telegram(app: App) -> None:
    config = replace(app.core.services.config)
    app.core.services = replace(
        app.core.services,
        config=replace(config, secretaries=replace(config.secretaries, telegram=(SECRETARY,))),
    )
    api = FakeBotApi()
    tg_config = TelegramConfig(token=FAKE_TOKEN, base_url=BASE)
    async with telegram_harness(app.core, api=api, config=tg_config) as tg:
        await tg.say(SECRETARY, "/start")
        await tg.say(VENDOR, "/start")
        await tg.press(VENDOR, "🧺 我要摆摊")
        assert "请给摊位起个名字" in api.last_text(VENDOR)
        await tg.say(VENDOR, "李大姐<沙棘>")
        await tg.say(VENDOR, "李大姐")
        await tg.say(VENDOR, "东泉村")
        await tg.share_contact(VENDOR, "+86 138 1234 5678")
        await tg.press(VENDOR, "跳过")
        assert "13812345678" in api.last_text(VENDOR)
        await tg.press(VENDOR, "✅ 提交")
        assert "李大姐&lt;沙棘&gt;" in api.last_text(SECRETARY)  # user text escaped for HTML
        await tg.press(SECRETARY, "✅ 通过")
        assert "审核通过" in api.last_text(VENDOR)

        await tg.say(VENDOR, "/add")
        await tg.say(VENDOR, "沙棘膏")
        await tg.press(VENDOR, "蜂产品")
        await tg.say(VENDOR, "35元/瓶")
        await tg.say(VENDOR, photo="AgACAgUAAxkBAAIB")
        await tg.press(VENDOR, "跳过")
        await tg.press(VENDOR, "✅ 保存")
        assert "已上架" in " ".join(api.sent_texts(VENDOR))

        await tg.say(TOURIST, "沙棘膏")
        found = api.last_text(TOURIST)
        assert "沙棘膏" in found and "35元/瓶" in found and "李大姐" in found
        await tg.press(TOURIST, "沙棘膏 · 李大姐<沙棘>")
        photos = api.calls_to("sendPhoto", "editMessageMedia")
        assert photos and "35元/瓶" in api.last_text(TOURIST)

        stall = await app.store.stall_of_owner(
            (await app.store.users_by_platform_ids("telegram", [str(VENDOR)]))[0].id
        )
        assert stall is not None
        await tg.say(TOURIST, f"/start stall_{stall.id}")
        assert "李大姐" in api.last_text(TOURIST) and "沙棘膏" in api.last_text(TOURIST)

    assert all(call.url.startswith(BASE) for call in api.calls)
    assert all(call.ok for call in api.calls if call.method != "getUpdates")
    menus = {c.params.get("language_code") for c in api.calls_to("setMyCommands")}
    assert {"zh", "en"} <= menus


async def test_forged_callback_changes_nothing_on_telegram(app: App) -> None:
    api = FakeBotApi()
    async with telegram_harness(app.core, api=api) as tg:
        await tg.say(TOURIST, "/start")
        await tg.send(callback_update(TOURIST, "my:delok:1", message_id=1))
        assert "不是您的" in api.last_text(TOURIST) or "过期" in api.last_text(TOURIST)
        assert api.calls_to("answerCallbackQuery")
    assert await app.store.get_product(1) is not None


async def test_a_reply_that_meets_a_server_error_arrives_once_later(app: App) -> None:
    """A 502 or 429 on an ordinary reply used to drop it after one attempt, the flow already
    moved on; now the outbox retries it (and the replies after it, in order)."""
    api = FakeBotApi()
    async with telegram_harness(app.core, api=api) as tg:
        api.fail_next("sendMessage", 502)
        await tg.say(TOURIST, "/start")
        texts = api.sent_texts(TOURIST)
        assert sum("欢迎来赶集" in text for text in texts) == 1
        api.fail_next("sendMessage", 429, retry_after=1)
        await tg.say(TOURIST, "沙棘膏")
        assert sum("沙棘膏" in text for text in api.sent_texts(TOURIST)) == 1


async def test_an_edit_that_fails_becomes_a_new_message(app: App) -> None:
    api = FakeBotApi()
    async with telegram_harness(app.core, api=api) as tg:
        await tg.say(TOURIST, "/start")
        api.fail_next("editMessageText", 502)
        await tg.press(TOURIST, "📂 按分类看")
        assert "分类" in api.last_text(TOURIST)


async def test_start_is_one_message(app: App) -> None:
    api = FakeBotApi()
    async with telegram_harness(app.core, api=api) as tg:
        await tg.say(TOURIST, "/start")
    (welcome,) = api.message_calls(TOURIST)
    assert "欢迎来赶集" in (welcome.text or "") and welcome.reply_markup is not None
