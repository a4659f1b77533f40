"""Strings the Telegram adapter shows by itself: the apology and the share-phone button.

The button label shows both languages (a keyboard is rendered without knowing the reader's).
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "tg.error": (
        "抱歉，出了点问题，请稍后再试。",
        "Sorry, something went wrong. Please try again later.",
    ),
    "tg.share_phone": ("分享手机号", "Share phone"),
}
