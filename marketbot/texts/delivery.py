"""Strings of the delivery engine: the secretary's progress message and the final report."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "delivery.progress": (
        "📣 <b>正在发送</b>\n{bar} {percent}%\n"
        "已处理 {settled}/{total}：送达 {sent}，无法送达 {unreachable}，失败 {failed}\n"
        "预计还需{eta}",
        "📣 <b>Sending</b>\n{bar} {percent}%\n"
        "{settled}/{total} done: delivered {sent}, unreachable {unreachable}, failed {failed}\n"
        "About {eta} left",
    ),
    "delivery.eta_seconds": ("约 {seconds} 秒", "{seconds} s"),
    "delivery.eta_minutes": ("约 {minutes} 分钟", "{minutes} min"),
    "delivery.eta_hours": ("约 {hours} 小时 {minutes} 分钟", "{hours} h {minutes} min"),
    "delivery.report.finished": (
        "✅ <b>发送完毕</b>（共 {total} 人）",
        "✅ <b>Sending finished</b> ({total} people)",
    ),
    "delivery.report.cancelled_title": (
        "⏹ <b>发送已取消</b>（共 {total} 人）",
        "⏹ <b>Sending cancelled</b> ({total} people)",
    ),
    "delivery.report.sent": ("送达：{count}", "Delivered: {count}"),
    "delivery.report.unreachable": (
        "无法送达（对方屏蔽了机器人或已注销）：{count}",
        "Unreachable (blocked the bot or left): {count}",
    ),
    "delivery.report.failed": ("发送失败：{count}", "Failed: {count}"),
    "delivery.report.held": (
        "等对方下次发消息时转交（这个平台不能主动发给他们）：{count}",
        "Held until they next write (this platform cannot message them first): {count}",
    ),
    "delivery.report.unconfirmed": (
        "未确认：{count}（程序中断时正在发送，按已送达计，不会重发）",
        "Unconfirmed: {count} (in flight when the program stopped; counted as delivered, "
        "never sent again)",
    ),
    "delivery.report.cancelled": ("取消未发：{count}", "Not sent (cancelled): {count}"),
}
