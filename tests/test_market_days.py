"""Market days through the terminal chat: setting the schedule, asking for the next market,
the day-30 setting, cancelling and moving a day, refusals and resuming after a restart.

The fixed clock is 2026-12-01 10:00 in Shanghai, which is lunar 十月廿三.
"""

from __future__ import annotations

from datetime import date

import pytest

from handlers.market_days import is_next_market_question
from marketbot.app import open_app
from marketbot.calendar import CalendarOptions, format_market_day, parse_rule
from marketbot.clock import FixedClock
from marketbot.config import Config
from marketbot.domain.schedule import parse_day
from marketbot.neutral import Inbound
from marketbot.storage.schedules import ScheduleStore
from tests.conftest import Chat

NEXT_369 = [
    "12月1日 周二（十月廿三）",
    "12月4日 周五（十月廿六）",
    "12月7日 周一（十月廿九）",
    "12月11日 周五（冬月初三）",
    "12月14日 周一（冬月初六）",
]


async def set_schedule(chat: Chat, phrase: str) -> str:
    await chat.as_("secretary")
    out = await chat.send("/schedule")
    if "公告栏" not in out:  # the demo market comes with its days: set them again
        out = await chat.press("重新设置日期")
    assert "公告栏" in out
    assert "逢三六九" in out  # the examples
    return await chat.send(phrase)


def test_lunar_dates_agree_with_the_calendar() -> None:
    assert format_market_day(date(2026, 12, 1), "zh") == NEXT_369[0]
    rule = parse_rule("逢三六九")
    shown = [format_market_day(d, "zh") for d in rule.next_dates(date(2026, 12, 1), 5)]
    assert shown == NEXT_369


async def test_secretary_sets_schedule_and_visitor_sees_it(chat: Chat) -> None:
    await chat.as_("tourist")
    out = await chat.send("下次集市什么时候")
    assert "逢三六九" in out  # the demo market comes with its days

    out = await set_schedule(chat, "逢三六九")
    assert "农历每月逢三、六、九" in out
    for line in NEXT_369:
        assert line in out
    assert "（今天）" in out
    assert "三十" not in out  # 逢三六九 never needs the day-30 setting
    out = await chat.press("确定")
    assert "集市日期已保存" in out

    await chat.as_("tourist")
    for question in ["下次集市什么时候", "哪天赶集", "什么时候赶集？", "/next"]:
        out = await chat.send(question)
        for line in NEXT_369:
            assert line in out, question
        assert "08:00–13:00" in out
    out = await chat.send("/start")
    out = await chat.press("下次集市")
    assert NEXT_369[1] in out
    out = await chat.send("木耳")  # other text is still a search
    assert "山木耳" in out

    await chat.send("/lang")
    await chat.press("English")
    out = await chat.send("when is the next market?")
    assert "Fri 4 Dec (lunar 10-26)" in out
    assert "Open 08:00–13:00" in out


async def test_unparseable_phrase_shows_help_and_asks_again(chat: Chat) -> None:
    out = await set_schedule(chat, "每逢赶大集的好日子xyz")
    assert "看不懂" in out
    assert "我能看懂这些写法" in out
    assert "公告栏" in out  # the question again
    out = await chat.send("#photo board")
    assert "公告栏" in out
    out = await chat.send("逢一四七")
    assert "农历每月逢一、四、七" in out
    out = await chat.send("随便打的字")  # at the confirmation only the buttons count
    assert "请点下面的按钮" in out
    out = await chat.press("重新输入")
    assert "公告栏" in out
    await chat.press("取消")
    await chat.as_("tourist")
    assert "逢三六九" in await chat.send("/next")  # the days as they were


async def test_day30_note_and_setting_change_the_dates(chat: Chat) -> None:
    out = await set_schedule(chat, "逢五逢十")
    assert "只有29天" in out
    assert "✓ 三十那天不赶集" in out
    assert "2月5日 周五（腊月廿九） 之后那个月没有三十" in out
    out = await chat.press("推到下月初一")
    assert "✓ 推到下月初一" in out
    assert "改在 2月6日 周六（正月初一） 赶集" in out
    out = await chat.press("提前到廿九")
    assert "改在 2月5日 周五（腊月廿九） 赶集" in out
    await chat.press("确定")

    saved = await ScheduleStore(chat.app.db).get(1)
    assert saved is not None
    assert saved.phrase == "逢五逢十"
    assert saved.options.day30 == "day29"
    assert parse_rule(saved.phrase).next_dates(date(2027, 2, 2), 1, saved.options) == [
        date(2027, 2, 5)
    ]


async def test_cancel_and_move_a_day(chat: Chat) -> None:
    await set_schedule(chat, "逢三六九")
    out = await chat.press("确定")
    assert "点一个日子" in out
    out = await chat.press("12月4日")
    assert "这天要怎么办" in out
    await chat.press("取消这天")
    out = await chat.send("下大雪，路不通")
    assert "请核对" in out and "确认停集" in out and "不停了" in out
    out = await chat.press("确认停集")
    assert "已取消 12月4日 周五（十月廿六） 的集" in out
    assert "❌ 12月4日" in chat.text  # the day's button is marked

    await chat.press("12月7日")
    out = await chat.press("改到另一天")
    assert "改到哪天" in out
    out = await chat.send("明天吧")
    assert "看不懂这个日期" in out
    out = await chat.send("2027-12-25")
    assert "一年以内" in out
    out = await chat.send("2026-11-30")
    assert "已经过去了" in out
    out = await chat.send("12月11日")
    assert "本来就有集" in out
    out = await chat.send("2026-12-08")
    assert "为什么把" in out
    await chat.send("<b>村里唱戏</b>")
    out = await chat.send("确定")  # a confirm word presses 确认改期
    assert "改到了 12月8日 周二（十月三十）" in out

    await chat.as_("tourist")
    out = await chat.send("/next")
    assert "12月4日 周五（十月廿六）\n\u3000❌ 这天不赶集：下大雪，路不通" in out
    assert "12月7日 周一（十月廿九）\n\u3000➡️ 改到 12月8日 周二（十月三十）：" in out
    assert "&lt;b&gt;村里唱戏&lt;/b&gt;" in chat.mine()[0].reply.text  # shown, never markup
    assert NEXT_369[3] in out

    await chat.as_("secretary")
    await chat.send("/schedule")
    await chat.press("12月4日")
    out = await chat.press("恢复原定")
    assert "恢复原定赶集" in out
    await chat.as_("tourist")
    assert "下大雪" not in await chat.send("/next")


async def test_a_day_moved_from_the_past_still_shows(chat: Chat, clock: FixedClock) -> None:
    store = ScheduleStore(chat.app.db)
    await store.set(1, "逢三六九", CalendarOptions(), by=1, now=clock.now())
    await store.change_day(
        1, date(2026, 11, 28), moved_to=date(2026, 12, 2), reason="修路", by=1, now=clock.now()
    )
    out = await chat.send("/next")
    assert "12月2日 周三（十月廿四）（原定 11月28日" in out
    assert out.index("12月2日") > out.index("12月1日")
    assert out.index("12月2日") < out.index("12月4日")


async def test_only_secretaries_set_or_change_days(chat: Chat) -> None:
    await chat.as_("tourist")
    assert "只有村书记能用" in await chat.send("/schedule")
    await set_schedule(chat, "逢三六九")
    await chat.press("确定")
    await chat.as_("tourist")
    for forged in ["days:set", "days:pick:2026-12-04", "days:cx:2026-12-04", "days:rs:x"]:
        replies = await chat.app.core.handle(_press(forged))
        assert "只有村书记能用" in replies[0].reply.text, forged
    assert await ScheduleStore(chat.app.db).changes(1, since=date(2026, 12, 1)) == {}


async def test_stale_and_forged_days_change_nothing(chat: Chat) -> None:
    await set_schedule(chat, "逢三六九")
    await chat.press("确定")
    for forged in ["days:pick:2026-12-05", "days:cx:2026-11-28", "days:mv:junk", "days:ok"]:
        replies = await chat.app.core.handle(_press(forged, "secretary"))
        assert "过期" in replies[0].reply.text, forged
    assert await ScheduleStore(chat.app.db).changes(1, since=date(2026, 1, 1)) == {}


def _press(choice: str, user: str = "tourist") -> Inbound:
    """A button press by id, as a platform would send it (forged ids included)."""
    return Inbound("console", user, user, choice=choice)


async def test_restart_mid_flow_resumes(config: Config, clock: FixedClock) -> None:
    async with open_app(config, clock) as app:
        chat = Chat(app)
        await set_schedule(chat, "逢五逢十")
        await chat.press("提前到廿九")
    async with open_app(config, clock) as app:
        chat = Chat(app, "secretary")
        out = await chat.send("✅ 确定")  # the label of the button shown before the restart
        assert "集市日期已保存" in out
        saved = await ScheduleStore(app.db).get(1)
        assert saved is not None
        assert saved.options.day30 == "day29"
    async with open_app(config, clock) as app:
        chat = Chat(app, "secretary")
        await chat.send("/schedule")
        await chat.press("12月3日")
        await chat.press("改到另一天")
    async with open_app(config, clock) as app:
        chat = Chat(app, "secretary")
        out = await chat.send("12月5号")
        assert "为什么把" in out


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("下次集市什么时候", True),
        ("下次赶集是哪天", True),
        ("哪天赶集", True),
        ("什么时候有集", True),
        ("集市是哪天？", True),
        ("When is the next market?", True),
        ("next market", True),
        ("木耳", False),
        ("沙棘膏", False),
        ("honey", False),
        ("", False),
    ],
)
def test_which_questions_are_about_market_days(text: str, asks: bool) -> None:
    assert is_next_market_question(text) is asks


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("12月5日", date(2026, 12, 5)),
        ("12月5号", date(2026, 12, 5)),
        ("2026-12-05", date(2026, 12, 5)),
        ("2027年1月3日", date(2027, 1, 3)),
        ("１月３日", date(2027, 1, 3)),
        ("11/30", date(2027, 11, 30)),
        ("2/29", date(2028, 2, 29)),
        ("2026-02-30", None),
        ("13月1日", None),
        ("明天", date(2026, 12, 2)),  # dates as people type them
    ],
)
def test_typed_dates(typed: str, expected: date | None) -> None:
    assert parse_day(typed, date(2026, 12, 1)) == expected


async def test_a_yearly_fair_can_be_held_in_the_leap_month_too(chat: Chat) -> None:
    # 2028 has a leap fifth month (from 2028-06-23): 五月十三 comes twice that year.
    out = await set_schedule(chat, "农历五月十三")
    assert "闰月" in out
    assert "✓ 会期只在正常的月份" in out
    out = await chat.press("闰月也再办一次")
    assert "✓ 闰月也再办一次" in out
    await chat.press("确定")
    schedule = await chat.app.core.services.days.schedules.get(1)
    assert schedule is not None
    assert schedule.options.fairs_in_leap_month
