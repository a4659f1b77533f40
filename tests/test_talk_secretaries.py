"""Secretaries: schedule phrases as the notice board writes them (the exception after a space, in
brackets, after 、 or joined on; 逢369)."""

from __future__ import annotations

from datetime import date, time

import pytest

from marketbot.app import App
from marketbot.calendar import describe_rule, parse_rule
from marketbot.domain.clocktime import read_day_time
from marketbot.domain.schedule import parse_day
from tests.conftest import Chat
from tests.test_broadcast import running
from tests.test_market_days import set_schedule

THREE_SIX_NINE_NOT_IN_LA_YUE = describe_rule(parse_rule("逢三六九，腊月停集"), "zh")


@pytest.mark.parametrize(
    "phrase",
    [
        "逢三六九、腊月停集",
        "逢三六九(腊月停集)",
        "逢三六九（腊月停集）",
        "逢三六九腊月停集",
        "逢369 腊月停集",
    ],
)
def test_the_exception_joined_on_or_in_brackets(phrase: str) -> None:
    assert describe_rule(parse_rule(phrase), "zh") == THREE_SIX_NINE_NOT_IN_LA_YUE


def test_the_exception_after_a_space() -> None:
    for spaced, written in [
        ("逢五逢十 腊月停集", "逢五逢十，腊月停集"),
        ("每周六 春节期间除外", "每周六，春节期间除外"),
    ]:
        assert parse_rule(spaced).include == parse_rule(written).include
        assert parse_rule(spaced).exclude == parse_rule(written).exclude
        assert parse_rule(spaced).source == spaced  # shown as written


def test_arabic_endings() -> None:
    assert parse_rule("逢369").include == parse_rule("逢三六九").include


async def test_a_secretary_types_the_phrase_with_a_space(chat: Chat) -> None:
    out = await set_schedule(chat, "逢五逢十 腊月停集")
    assert "只写了停集的时候" not in out
    assert "停集：农历腊月" in out
    out = await chat.send("确定")
    assert "集市日期已保存" in out


async def test_cancelling_a_day_shows_a_preview_and_can_be_kept(chat: Chat) -> None:
    await set_schedule(chat, "逢三六九")
    await chat.press("确定")
    await chat.press("12月4日")
    out = await chat.press("取消这天")
    assert "不停了" in out and "✖️ 取消" not in out  # the abort button is not the action's word
    out = await chat.send("下大雪")
    assert "请核对" in out and "确认停集" in out and "通知 0 人" in out
    out = await chat.press("不停了")
    assert "照常赶集" in out
    await chat.as_("tourist")
    out = await chat.send("/next")
    assert "下大雪" not in out and "12月4日 周五（十月廿六）" in out


async def test_the_market_poster_in_chat_prints_the_rule_as_written(chat: Chat) -> None:
    import pypdfium2

    from marketbot.platforms.telegram.links import TelegramLinks

    chat.app.core.services.links.register("telegram", TelegramLinks("pingyao_market_bot"), rank=1)
    await chat.as_("secretary")
    await chat.send("/start")
    await chat.press("书记管理")
    await chat.press("集市海报")
    (attachment,) = [o.reply.attachment for o in chat.mine() if o.reply.attachment]
    assert attachment.filename.endswith(".pdf")
    page = pypdfium2.PdfDocument(attachment.data)[0]
    text = page.get_textpage().get_text_range()
    assert "逢三六九" in text  # the rule, not only the next dates
    assert "12月4日" in text


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("8号", date(2026, 12, 8)),
        ("下周六", date(2026, 12, 12)),
        ("周六", date(2026, 12, 5)),
        ("腊月初八", date(2027, 1, 15)),
        ("农历十月廿六", date(2026, 12, 4)),
        ("后天", date(2026, 12, 3)),
        ("下个月3号", date(2027, 1, 3)),
        ("32号", None),
        ("初六", date(2026, 12, 14)),
        ("农历廿三", date(2026, 12, 1)),
        ("十五", None),
        ("Saturday", date(2026, 12, 5)),
        ("on tue", date(2026, 12, 1)),
        ("tomorrow", date(2026, 12, 2)),
        ("腊月三十一", None),
    ],
)
def test_dates_as_people_type_them(typed: str, expected: date | None) -> None:
    assert parse_day(typed, date(2026, 12, 1)) == expected  # a Tuesday, lunar 十月廿三


async def test_a_day_is_moved_to_next_saturday(chat: Chat) -> None:
    await set_schedule(chat, "逢三六九")
    await chat.press("确定")
    await chat.press("12月7日")
    await chat.press("改到另一天")
    out = await chat.send("下周六")
    assert "为什么把" in out and "12月12日 周六" in out


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("明早8点", (date(2026, 12, 2), time(8, 0))),
        ("晚上6点半", (date(2026, 12, 1), time(18, 30))),
        ("后天上午9点", (date(2026, 12, 3), time(9, 0))),
        ("8号下午3点", (date(2026, 12, 8), time(15, 0))),
        ("下周六上午9点一刻", (date(2026, 12, 12), time(9, 15))),
        ("晚上12点", (date(2026, 12, 2), time(0, 0))),
        ("下午", None),
        ("25点", None),
    ],
)
def test_times_as_people_type_them(typed: str, expected: tuple[date, time] | None) -> None:
    assert read_day_time(typed, date(2026, 12, 1)) == expected


async def test_an_announcement_is_sent_tomorrow_morning(app: App, chat: Chat) -> None:
    await chat.as_("tourist")
    await chat.send("/subscribe")
    async with running(app, chat):
        await chat.as_("secretary")
        await chat.send("/broadcast")
        await chat.send("腊月初八集上发腊八粥")
        await chat.send("不用了")
        await chat.press("订阅了")
        await chat.press("定时发送")
        out = await chat.send("明早8点")
        assert "12月2日 周三 08:00 发给 1 人" in out  # as people write it, not ISO
