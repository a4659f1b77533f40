"""A broadcast on Telegram: the real Application and TelegramSender over the fake Bot API; the
secretary's progress message is edited in place into the final report."""

from __future__ import annotations

from dataclasses import replace

from marketbot.app import App, background
from marketbot.clock import SystemClock
from marketbot.platforms.telegram.sender import TelegramSender
from tests.fake_bot_api import FakeBotApi
from tests.telegram_harness import telegram_harness

SECRETARY, TOURIST, VENDOR, BLOCKED = 2002, 3003, 1001, 4004


async def test_progress_message_is_edited_into_the_report(app: App) -> None:
    config = app.core.services.config
    config = replace(config, secretaries=replace(config.secretaries, telegram=(SECRETARY,)))
    app.core.services = replace(app.core.services, config=config)
    api = FakeBotApi()
    async with telegram_harness(app.core, api=api) as tg:
        for user in (SECRETARY, TOURIST, VENDOR, BLOCKED):
            await tg.say(user, "/start")
        api.block(BLOCKED)
        sender = TelegramSender(tg.application.bot)
        async with background(app, config, [sender], pacing=SystemClock()):
            await tg.say(SECRETARY, "/broadcast")
            await tg.say(SECRETARY, "明天<b>停集</b>")
            await tg.press(SECRETARY, "不加照片")
            await tg.press(SECRETARY, "所有用过机器人的人（4 人）")
            assert "共 <b>4</b> 人" in api.last_text(SECRETARY)
            await tg.press(SECRETARY, "📣 现在发送")
            started = [t for t in api.sent_texts(SECRETARY) if "开始发送" in t]
            assert started and "进度会在上面的消息里更新" in started[0]  # edited in place here

            def reported() -> bool:
                edits = api.calls_to("editMessageText")
                return any("发送结果" in (c.text or "") for c in edits if c.ok)

            await api.wait_until(reported, within=5.0)

    progress = [
        c
        for c in api.message_calls(SECRETARY)
        if "正在发送" in (c.text or "") or "发送结果" in (c.text or "")
    ]
    assert [c.method for c in progress] == ["sendMessage", "editMessageText"]
    first, last = progress
    assert "正在发送" in (first.text or "") and first.reply_markup is not None
    assert not any("正在发送" in (m.text or "") for m in api.messages(SECRETARY))
    shown = [m for m in api.messages(SECRETARY) if "发送结果" in (m.text or "")]
    assert len(shown) == 1  # the progress message itself became the report
    assert int(last.params["message_id"]) == shown[0].message_id
    report = last.text or ""
    assert "送达：3" in report and "无法送达（对方屏蔽了机器人或已注销）：1" in report
    assert last.reply_markup is None  # no cancel button once done
    for user in (TOURIST, VENDOR):
        received = [t for t in api.sent_texts(user) if "村委会通知" in t]
        assert received == ["📣 <b>村委会通知</b>\n\n明天&lt;b&gt;停集&lt;/b&gt;"]
    assert any("开始发送，共 4 人" in text for text in api.sent_texts(SECRETARY))
