"""Strings the WeChat platform shows by itself: the apology, the voice hint, the menu labels and
what a 订阅号 cannot do (told once to the secretary)."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "wx.error": (
        "抱歉，出了点问题，请稍后再试。",
        "Sorry, something went wrong. Please try again later.",
    ),
    "wx.voice": (
        "抱歉，我还听不懂语音，请打字告诉我，比如“沙棘膏”。",
        "Sorry, I cannot listen to voice messages yet. Please type, e.g. “沙棘膏”.",
    ),
    "wx.unsupported": (
        "我看得懂文字、图片和位置。请打字告诉我您要找什么，或回复 /help。",
        "I understand text, photos and locations. Type what you are looking for, or /help.",
    ),
    "wx.slow": (
        "正在查，稍等一下，结果会在您下次发消息时一起给您。",
        "Still looking; the answer comes with your next message.",
    ),
    "wx.subscription_limits": (
        "温馨提示：这个公众号是订阅号，微信不允许订阅号主动给人发消息。"
        "所以赶集提醒、审核结果和群发通知会先存着，等对方下次给公众号发消息时一起送到。"
        "想让提醒按时送达，可以用村委会或合作社的资质认证一个服务号。",
        "Please note: this Official Account is a subscription account, and WeChat does not let "
        "it message people first. Reminders, review results and broadcasts wait and are handed "
        "over when the person next writes to the account. A verified service account (a "
        "co-op's or the village committee's) delivers them on time.",
    ),
    "wx.menu.search": ("找东西", "Find"),
    "wx.menu.next": ("下次集市", "Next market"),
    "wx.menu.more": ("更多", "More"),
    "wx.menu.mystall": ("我的摊位", "My stall"),
    "wx.menu.register": ("我要摆摊", "Sell here"),
    "wx.menu.subscribe": ("赶集提醒", "Reminders"),
    "wx.menu.help": ("帮助", "Help"),
    "wx.menu.lang": ("English", "中文"),
    "wx.template.reminder": ("赶集提醒", "Market reminder"),
    "wx.template.notice": ("摊位通知", "Stall notice"),
}
