"""Strings of market-day reminders, subscriptions and vendors' attendance."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "cmd.subscribe": ("集日提醒：开 / 关", "Market-day reminders on / off"),
    "cmd.reminders": ("书记：提醒时间", "Secretary: reminder times"),
    "rem.evening": (
        "📅 明天是<b>{market}</b>集日：{day}\n🕗 {opens}–{closes}　📍 {place}",
        "📅 Tomorrow is market day at <b>{market}</b>: {day}\n🕗 {opens}–{closes}  📍 {place}",
    ),
    "rem.morning": (
        "🌅 今天是<b>{market}</b>集日：{day}\n🕗 {opens}–{closes}　📍 {place}",
        "🌅 Today is market day at <b>{market}</b>: {day}\n🕗 {opens}–{closes}  📍 {place}",
    ),
    "rem.coming": ("🧺 会来的摊位：{stalls}", "🧺 Stalls coming: {stalls}"),
    "rem.new_goods": ("🆕 新上架：{goods}", "🆕 New since last time: {goods}"),
    "rem.cancelled": (
        "⚠️ <b>{market}</b> {day} 的集<b>取消</b>了。原因：{reason}",
        "⚠️ The <b>{market}</b> market on {day} is <b>cancelled</b>. Reason: {reason}",
    ),
    "rem.moved": (
        "⚠️ <b>{market}</b> {day} 的集<b>改到</b> {to}。原因：{reason}",
        "⚠️ The <b>{market}</b> market on {day} <b>moves to</b> {to}. Reason: {reason}",
    ),
    "att.question": ("您明天来摆摊吗？", "Will you come with your stall?"),
    "att.btn.yes": ("✅ 我去", "✅ I'll come"),
    "att.btn.no": ("❌ 不去", "❌ Not this time"),
    "att.btn.ask": ("📅 下次集市去不去", "📅 Coming to the next market?"),
    "att.ask": (
        "下次集市是 {day}。您去摆摊吗？开市前都可以改。",
        "The next market is {day}. Will you come? You can change this until it opens.",
    ),
    "att.yes": (
        "好的，记下了：您 {day} 会来。游客在“下次谁来”里能看到您的摊位。开市前都可以改。",
        "Noted: you come on {day}. Visitors see your stall among those coming. You can change "
        "this until the market opens.",
    ),
    "att.no": ("好的，记下了：您 {day} 不来。", "Noted: you won't come on {day}."),
    "att.closed": (
        "{day} 的集已经开市了，不能再改。",
        "The market of {day} has opened; the answer can no longer change.",
    ),
    "att.pending": (
        "您的摊位“{name}”还在等村书记审核。审核通过后，集日前一晚会问您来不来。",
        "Your stall “{name}” is still awaiting the secretary's approval. Once approved, you'll be "
        "asked the evening before each market day whether you come.",
    ),
    "att.no_day": ("现在没有安排集日。", "No market day is scheduled."),
    "att.not_vendor": (
        "只有审核通过的摊主才能报名。",
        "Only approved vendors can say whether they come.",
    ),
    "who.btn": ("🧺 下次谁来", "🧺 Who's coming"),
    "who.title": ("<b>{day}</b> 会来的摊位：", "Stalls coming on <b>{day}</b>:"),
    "who.none": (
        "{day} 还没有摊主报名。集日前一晚会再问他们。",
        "No vendor has said they come on {day} yet; they are asked the evening before.",
    ),
    "who.stall_yes": (
        "🧺 <b>{stall}</b> 说 {day} 会来。",
        "🧺 <b>{stall}</b> said they come on {day}.",
    ),
    "who.stall_no": (
        "<b>{stall}</b> 说 {day} 不来。看看别的摊位吧：",
        "<b>{stall}</b> said they won't come on {day}. Other stalls:",
    ),
    "who.stall_unsaid": (
        "<b>{stall}</b> 还没说 {day} 来不来。集日前一晚会问他们。",
        "<b>{stall}</b> hasn't said yet whether they come on {day}; they are asked the evening "
        "before.",
    ),
    "who.which": ("您问的是哪一家？", "Which stall do you mean?"),
    "sub.btn.on": ("🔔 提醒我赶集", "🔔 Remind me of market days"),
    "sub.btn.off": ("🔕 不用提醒了", "🔕 Stop reminders"),
    "sub.on": (
        "好的！<b>{market}</b>集日前一天晚上和当天早上会提醒您。要关掉，点下面的“关”。",
        "Done! You'll be reminded of <b>{market}</b> market days the evening before and that "
        "morning. Tap “Off” below to stop.",
    ),
    "sub.state_on": (
        "🔔 <b>{market}</b>的赶集提醒：<b>开</b>着（集日前一天晚上和当天早上）。",
        "🔔 Reminders for <b>{market}</b>: <b>on</b> (the evening before and the morning of "
        "each market day).",
    ),
    "sub.btn.open": ("开", "On"),
    "sub.btn.close": ("关", "Off"),
    "sub.btn.current": ("✓ {label}", "✓ {label}"),
    "sub.off": (
        "好的，不再提醒您<b>{market}</b>的集日（提醒：<b>关</b>）。",
        "OK, no more reminders for <b>{market}</b> (reminders: <b>off</b>).",
    ),
    "sold.pick": (
        "哪样卖完了？点一下就标成“已售完”。",
        "What is sold out? Tap it to mark it sold out.",
    ),
    "sold.all": ("🈚 全部卖完了", "🈚 Everything is sold out"),
    "sold.all_done": (
        "好的，您摊位上的东西都标成“已售完”了。补货后在“我的摊位”里标回“有货”。",
        "Done: everything at your stall is marked sold out. Mark items back in stock in “My "
        "stall” when you have more.",
    ),
    "sold.no_goods": (
        "您的摊位上还没有商品。直接发“名称 价格”就能上架，比如：核桃 15元一斤",
        "Your stall has no goods yet. Send a name and a price to list one, e.g. 核桃 15元一斤",
    ),
    "sold.nothing": (
        "您摊位上的东西已经都标成售完了。",
        "Everything at your stall is already sold out.",
    ),
    "remset.title": (
        "<b>{market}</b> 的提醒时间：\n前一天晚上：{evening}\n当天早上：{morning}\n点按钮修改：",
        "Reminder times of <b>{market}</b>:\nThe evening before: {evening}\nThat morning: "
        "{morning}\nTap to change:",
    ),
    "remset.off": ("不提醒", "off"),
    "remset.btn.evening": ("晚上 {time}", "Evening {time}"),
    "remset.btn.morning": ("早上 {time}", "Morning {time}"),
    "remset.btn.evening_off": ("晚上不提醒", "No evening reminder"),
    "remset.btn.morning_off": ("早上不提醒", "No morning reminder"),
    "days.told": (
        "已通知 {count} 人（订阅的游客和报名要来的摊主）。",
        "{count} people were told (subscribers and the vendors who said they come).",
    ),
    "remset.btn": ("⏰ 提醒时间", "⏰ Reminder times"),
}
