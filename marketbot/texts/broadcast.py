"""Strings of announcements: composing a broadcast, its progress and report, the list, vendors'
news to their followers, and following a stall."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "bc.cmd.broadcast": ("群发通知（村书记）", "Send an announcement (secretaries)"),
    "bc.cmd.broadcasts": ("以往的通知和发送结果（村书记）", "Past announcements and reports"),
    "bc.refused": (
        "群发通知只有村书记能用。摊主可以在“我的摊位”里给关注自己的人发消息。",
        "Only village secretaries can send announcements. Vendors can message the people who "
        "follow their stall from “My stall”.",
    ),
    "bc.words_given": (
        "📣 <b>群发通知</b>\n<i>{text}</i>",
        "📣 <b>New announcement</b>\n<i>{text}</i>",
    ),
    "bc.words_taken": (
        "📣 这像是要告诉大家的事：\n<i>{text}</i>\n发个通知吧（不发就点“取消”）。",
        "📣 That sounds like news for everyone:\n<i>{text}</i>\nLet's send it as an "
        "announcement (tap “Cancel” not to).",
    ),
    "bc.ask_text": (
        "📣 <b>群发通知</b>\n请输入通知内容（最多 {limit} 字）。\n也可以直接发一张带文字说明的照片。",
        "📣 <b>New announcement</b>\nType the announcement (at most {limit} characters).\n"
        "You can also send a photo with a caption.",
    ),
    "bc.ask_photo": (
        "要配一张照片吗？发照片过来，或者点“不加照片”。",
        "Add a photo? Send one, or press “No photo”.",
    ),
    "bc.photo_or_skip": (
        "这一步请发一张照片，或者点“不加照片”。",
        "Please send a photo here, or press “No photo”.",
    ),
    "bc.ask_audience": ("发给谁？", "Who should get it?"),
    "bc.aud.button": ("{label}（{n} 人）", "{label} ({n})"),
    "bc.aud.market": ("订阅了{market}提醒的人", "Subscribers of {market}"),
    "bc.aud.vendors": ("所有摊主", "All vendors"),
    "bc.aud.coming": ("下个集日要来的摊主", "Vendors coming to the next market day"),
    "bc.aud.everyone": ("所有用过机器人的人", "Everyone who has used the bot"),
    "bc.aud.followers": ("关注“{stall}”的人", "Followers of “{stall}”"),
    "bc.preview": (
        "👆 大家收到的就是上面这样。\n发给：{audience}，共 <b>{n}</b> 人。",
        "👆 This is exactly what people will get.\nTo: {audience}, <b>{n}</b> people.",
    ),
    "bc.reach.now": ("· 现在就能收到：{n} 人", "· Get it now: {n}"),
    "bc.reach.allowance": (
        "· 本月能收的群发次数已用完，等他们下次发消息时再给：{n} 人",
        "· Their allowance of broadcasts this month is used; they get it with their next "
        "message: {n}",
    ),
    "bc.reach.held": (
        "· 现在没法主动发给他们，等他们下次发消息时再给：{n} 人",
        "· Cannot be messaged first now; they get it with their next message: {n}",
    ),
    "bc.reach.unreachable": (
        "· 已经取消关注，收不到：{n} 人",
        "· Left (unfollowed or blocked), will not get it: {n}",
    ),
    "bc.preview_nobody": (
        "“{audience}”现在一个人也没有，换一批人吧。",
        "Nobody is in “{audience}” yet; choose other people.",
    ),
    "bc.nobody": ("现在没有人能收到这条通知。", "Nobody can receive this announcement now."),
    "bc.ask_time": (
        "什么时候发？例如：<code>18:30</code>、<code>明天 8:00</code>、"
        "<code>12月5日 9:00</code>、<code>2026-12-05 09:00</code>",
        "When should it go? For example <code>18:30</code>, <code>tomorrow 8:00</code>, "
        "<code>12月5日 9:00</code>, <code>2026-12-05 09:00</code>",
    ),
    "bc.time_format": (
        "没看懂这个时间。请写成 <code>18:30</code>、<code>明天 8:00</code> 或 "
        "<code>12月5日 9:00</code> 这样。",
        "I could not read that time. Write it like <code>18:30</code>, "
        "<code>tomorrow 8:00</code> or <code>12月5日 9:00</code>.",
    ),
    "bc.time_past": (
        "这个时间已经过去了（现在是 {now}），请换一个以后的时间。",
        "That time has passed already (it is {now} now); please choose a later one.",
    ),
    "bc.offline": (
        "现在发不了通知（发送服务没在运行），请稍后再试。",
        "Announcements cannot be sent right now (sending is not running); try again later.",
    ),
    "bc.started": (
        "📣 通知 #{id} 开始发送，共 {n} 人。进度会在上面的消息里更新。",
        "📣 Announcement #{id} is going out to {n} people. The message above shows progress.",
    ),
    "bc.started_report": (
        "📣 通知 #{id} 开始发送，共 {n} 人。发完后会把结果告诉您。",
        "📣 Announcement #{id} is going out to {n} people. You will get its report when it is done.",
    ),
    "bc.scheduled": (
        "⏰ 通知 #{id} 会在 {when} 发给 {n} 人。发出前可以在 /broadcasts 里取消。",
        "⏰ Announcement #{id} goes to {n} people at {when}. Until then you can cancel it in "
        "/broadcasts.",
    ),
    "bc.progress_title": ("通知 #{id}", "Announcement #{id}"),
    "bc.report_title": ("📣 通知 #{id} 的发送结果", "📣 Report of announcement #{id}"),
    "bc.stopping": (
        "⏹ 通知 #{id} 已取消，还没发出的不会再发。",
        "⏹ Announcement #{id} is cancelled; what has not gone out will not.",
    ),
    "bc.already_over": (
        "通知 #{id} 已经发完或取消了。",
        "Announcement #{id} has already finished or been cancelled.",
    ),
    "bc.btn.send_now": ("📣 现在发送", "📣 Send now"),
    "bc.btn.later": ("⏰ 定时发送", "⏰ Send later"),
    "bc.btn.other_audience": ("👥 换一批人", "👥 Other people"),
    "bc.btn.no_photo": ("不加照片", "No photo"),
    "bc.btn.list": ("📋 以往的通知", "📋 Past announcements"),
    "bc.btn.limit": ("⚙️ 摊主每日通知次数", "⚙️ Vendors' daily limit"),
    "bc.btn.limit_value": ("{n} 次", "{n}"),
    "bc.btn.stop": ("⏹ 取消 #{id}", "⏹ Cancel #{id}"),
    "bc.btn.stop_sending": ("⏹ 取消发送", "⏹ Cancel sending"),
    "bc.list.title": ("📋 <b>最近的通知</b>", "📋 <b>Recent announcements</b>"),
    "bc.list.none": ("还没有发过通知。", "No announcements yet."),
    "bc.list.item": (
        "\n<b>#{id}</b> {when} · {audience} · {n} 人\n「{text}」",
        "\n<b>#{id}</b> {when} · {audience} · {n} people\n“{text}”",
    ),
    "bc.list.scheduled": ("⏰ 定在 {when} 发送", "⏰ Scheduled for {when}"),
    "bc.list.sending": ("📤 正在发送", "📤 Sending"),
    "bc.list.done": (
        "✅ 送达 {sent}，无法送达 {unreachable}，失败 {failed}，未确认 {unconfirmed}",
        "✅ Delivered {sent}, unreachable {unreachable}, failed {failed}, "
        "unconfirmed {unconfirmed}",
    ),
    "bc.list.cancelled": (
        "⏹ 已取消：送达 {sent}，未发 {cancelled}",
        "⏹ Cancelled: delivered {sent}, not sent {cancelled}",
    ),
    "bc.limit": (
        "⚙️ 每个摊位每天最多给关注的人发 <b>{n}</b> 次消息（0 表示不许发）。",
        "⚙️ Each stall may message its followers at most <b>{n}</b> times a day (0: never).",
    ),
    "bc.header": ("📣 <b>村委会通知</b>", "📣 <b>Notice from the village committee</b>"),
    "bc.header_stall": ("📣 <b>{stall}</b> 的消息", "📣 News from <b>{stall}</b>"),
    "bc.btn.vendor": ("📣 通知关注我的人", "📣 Message my followers"),
    "bc.btn.see_stall": ("🧺 看看这个摊位", "🧺 See the stall"),
    "bc.btn.follow": ("⭐ 关注这个摊位", "⭐ Follow this stall"),
    "bc.btn.unfollow": ("取消关注", "Unfollow"),
    "bc.followed": (
        "⭐ 已关注“{stall}”，摊主有新消息会告诉您。",
        "⭐ You follow “{stall}” now; you will get its news.",
    ),
    "bc.unfollowed": (
        "已取消关注“{stall}”，不会再收到它的消息。",
        "You no longer follow “{stall}”.",
    ),
    "bc.vendor.sent": (
        "✅ 已发给关注您的 {n} 人。",
        "✅ Sent to the {n} people who follow you.",
    ),
    "bc.vendor.no_stall": (
        "您还没有审核通过的摊位，还不能发消息。",
        "You need an approved stall to send messages.",
    ),
    "bc.vendor.limit": (
        "今天已经发过了：每个摊位每天最多发 {n} 次，明天再发吧。",
        "You have sent today already: at most {n} a day per stall. Try again tomorrow.",
    ),
    "bc.vendor.no_followers": (
        "还没有人关注“{stall}”。顾客在摊位页面点“关注”就能收到您的消息。",
        "Nobody follows “{stall}” yet. Visitors press “Follow” on your stall to get your news.",
    ),
    "bc.vendor.ask_text": (
        "📣 给关注您摊位的 {n} 人发消息，比如今天带了什么新货。请输入内容（最多 {limit} 字），"
        "也可以发一张带文字说明的照片。",
        "📣 Message the {n} people who follow your stall, e.g. what new goods you bring. Type "
        "it (at most {limit} characters), or send a photo with a caption.",
    ),
    "bc.vendor.preview": (
        "👆 关注您的人收到的就是上面这样，共 <b>{n}</b> 人。",
        "👆 This is exactly what your <b>{n}</b> followers will get.",
    ),
}
