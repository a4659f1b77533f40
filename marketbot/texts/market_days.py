"""Strings of market days: setting the schedule, the next market days, cancelling and moving."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # commands and menu buttons (menu descriptions: plain text)
    "days.cmd.schedule": ("书记：设置集市日期", "Secretary: set the market days"),
    "days.cmd.next": ("下次集市是哪天", "When is the next market"),
    "days.btn.next": ("📅 下次集市", "📅 Next market"),
    "days.btn.schedule": ("📅 集市日期", "📅 Market days"),
    "days.btn.again": ("🔄 重新输入", "🔄 Type it again"),
    "days.btn.change": ("✏️ 重新设置日期", "✏️ Set the days again"),
    "days.btn.day30.skip": ("三十那天不赶集", "No market that day"),
    "days.btn.day30.day29": ("提前到廿九", "Hold it on the 29th"),
    "days.btn.day30.next1": ("推到下月初一", "Hold it on the next 1st"),
    "days.btn.current": ("✓ {label}", "✓ {label}"),
    "days.btn.cancel_day": ("❌ 取消这天", "❌ Cancel this day"),
    "days.btn.move_day": ("📆 改到另一天", "📆 Move to another day"),
    "days.btn.restore": ("↩️ 恢复原定", "↩️ Restore as planned"),
    # setting the schedule
    "days.ask_phrase": (
        "请照着村里公告栏上的写法，输入赶集的日子。例如：\n"
        "• 逢三六九\n• 每周六\n• 初一、十五\n• 逢五逢十，腊月停集",
        "Type the market days the way the village notice board writes them. For example:\n"
        "• 逢三六九\n• 每周六\n• 初一、十五\n• 逢五逢十，腊月停集",
    ),
    "days.confirm": (
        "我的理解是：<b>{rule}</b>\n\n接下来的{count}个集日：\n{days}\n\n对吗？",
        "I understand: <b>{rule}</b>\n\nThe next {count} market days:\n{days}\n\nIs that right?",
    ),
    "days.no_dates": ("（以后没有这样的日子）", "(no such days from now on)"),
    "days.day30.skip": (
        "最近一次：{day} 之后那个月没有三十，那一集不赶。",
        "Next time: the lunar month ending on {day} has no 30th, so that market is skipped.",
    ),
    "days.day30.moved": (
        "最近一次：那个月没有三十，改在 {day} 赶集。",
        "Next time: that month has no 30th, so the market is held on {day}.",
    ),
    "days.day30.pick": ("要改这个设置，点下面的按钮。", "To change that, tap a button below."),
    "days.saved": ("✅ 集市日期已保存。", "✅ The market days are saved."),
    # the schedule and the next market days
    "days.view": (
        "📅 <b>集市日期</b>：{phrase}\n{rule}\n\n接下来的集日：\n{days}\n\n点一个日子可以取消或改期。",
        "📅 <b>Market days</b>: {phrase}\n{rule}\n\nThe next market days:\n{days}\n\n"
        "Tap a day to cancel or move it.",
    ),
    "days.word.0": ("今天", "Today"),
    "days.word.1": ("明天", "Tomorrow"),
    "days.word.2": ("后天", "The day after tomorrow"),
    "days.word.3": ("大后天", "In three days"),
    "days.is_market_day": (
        "✅ {when}是集日：{day}，{opens}–{closes}。",
        "✅ {when} is a market day: {day}, {opens}–{closes}.",
    ),
    "days.nothing_to_move": (
        "{day} 不是集日，没有集可以改期。要改哪天，点下面的日子：",
        "{day} is not a market day: there is nothing to move. Tap the day to move:",
    ),
    "days.nothing_to_cancel": (
        "{day} 不是集日，没有集可以取消。要取消哪天，点下面的日子：",
        "{day} is not a market day: there is nothing to cancel. Tap the day to cancel:",
    ),
    "days.no_market_day": ("{when}没有集（{day}）。", "{when} is not a market day ({day})."),
    "days.is_market_day_on": (
        "✅ {day}是集日，{opens}–{closes}。",
        "✅ {day} is a market day, {opens}–{closes}.",
    ),
    "days.no_market_day_on": ("{day}没有集。", "{day} is not a market day."),
    "days.next": (
        "📅 <b>接下来的集市</b>（{phrase}）\n{days}\n\n🕗 开市时间 {opens}–{closes}",
        "📅 <b>The next market days</b> ({phrase})\n{days}\n\n🕗 Open {opens}–{closes}",
    ),
    "days.none_set": (
        "还没有设置集市日期。请问问村书记。",
        "The market days have not been set yet. Please ask the village secretary.",
    ),
    "days.line": ("• {day}", "• {day}"),
    "days.today": ("（今天）", " (today)"),
    "days.mark.cancelled": ("　❌ 这天不赶集：{reason}", "  ❌ cancelled: {reason}"),
    "days.mark.moved": ("　➡️ 改到 {to}：{reason}", "  ➡️ moved to {to}: {reason}"),
    "days.mark.moved_in": (
        "• {to}（原定 {day}，改到这天：{reason}）",
        "• {to} (moved here from {day}: {reason})",
    ),
    # cancelling and moving one day
    "days.pick": ("<b>{day}</b>\n这天要怎么办？", "<b>{day}</b>\nWhat should happen that day?"),
    "days.ask_move": (
        "{day} 的集改到哪天？请输入日期，例如 12月5日 或 2026-12-05。",
        "Move the market of {day} to which day? Type a date such as 12月5日 or 2026-12-05.",
    ),
    "days.move_invalid": (
        "看不懂这个日期。请这样写：12月5日 或 2026-12-05。",
        "I cannot read that date. Please write it like 12月5日 or 2026-12-05.",
    ),
    "days.move_past": (
        "{to} 已经过去了，请选今天或以后的日子。",
        "{to} has passed; please pick today or a later day.",
    ),
    "days.move_same": (
        "这就是原来的日子，请换一天。",
        "That is the same day; please pick another.",
    ),
    "days.move_taken": (
        "{to} 本来就有集。请换一天，或者直接取消这天。",
        "There is already a market on {to}. Pick another day, or cancel this one.",
    ),
    "days.move_far": (
        "只能改到一年以内的日子。",
        "The new day must be within a year.",
    ),
    "days.ask_reason_cancel": (
        "为什么取消 {day} 的集？请写一句原因，赶集的人会看到。",
        "Why is the market of {day} cancelled? Write one line; visitors will see it.",
    ),
    "days.ask_reason_move": (
        "为什么把 {day} 的集改到 {to}？请写一句原因，赶集的人会看到。",
        "Why is the market of {day} moved to {to}? Write one line; visitors will see it.",
    ),
    "days.btn.keep": ("不停了", "Keep the market"),
    "days.btn.keep_move": ("不改了", "Keep the date"),
    "days.btn.do_cancel": ("❌ 确认停集", "❌ Cancel the market"),
    "days.btn.do_move": ("📆 确认改期", "📆 Move the market"),
    "days.preview_cancel": (
        "请核对：{day} 停集。\n原因：{reason}\n确认后马上通知 {count} 人（订阅提醒的游客和报名要来的摊主）。",
        "Please check: no market on {day}.\nReason: {reason}\nOnce confirmed, {count} people "
        "are told at once (subscribed visitors and the vendors coming).",
    ),
    "days.preview_move": (
        "请核对：{day} 的集改到 {to}。\n原因：{reason}\n确认后马上通知 {count} 人（订阅提醒的游客和报名要来的摊主）。",
        "Please check: the market of {day} moves to {to}.\nReason: {reason}\nOnce confirmed, "
        "{count} people are told at once (subscribed visitors and the vendors coming).",
    ),
    "days.kept": (
        "好的，不停了：{day} 照常赶集，没有通知任何人。",
        "OK: {day} stays a market day; nobody was told anything.",
    ),
    "days.kept_move": (
        "好的，不改了：{day} 照常赶集，没有通知任何人。",
        "OK: {day} stays as it was; nobody was told anything.",
    ),
    "days.cancelled": (
        "✅ 已取消 {day} 的集。原因：{reason}",
        "✅ The market of {day} is cancelled. Reason: {reason}",
    ),
    "days.moved": (
        "✅ {day} 的集改到了 {to}。原因：{reason}",
        "✅ The market of {day} is moved to {to}. Reason: {reason}",
    ),
    "days.restored": ("↩️ {day} 恢复原定赶集。", "↩️ {day} is a market day again as planned."),
}
