"""Small helpers shared by the flows: reading typed answers, kind error replies, cancel/skip
buttons and the stale-button reply."""

from __future__ import annotations

from collections.abc import Callable

from marketbot.chat.context import Ctx
from marketbot.domain.prices import ParsedPrice, PriceError, parse_price
from marketbot.domain.textinput import TextError, clean_line, clean_text
from marketbot.neutral import Choice, Reply

__all__ = [
    "Invalid",
    "cancel_button",
    "read_line",
    "read_price",
    "read_text",
    "skip_button",
    "stale",
]


class Invalid(Exception):
    """An answer that cannot be used; ``reply`` explains what to type instead."""

    def __init__(self, reply: str) -> None:
        super().__init__(reply)
        self.reply = reply


def cancel_button(ctx: Ctx) -> Choice:
    return ctx.button("btn.cancel", "flow:cancel")


def skip_button(ctx: Ctx) -> Choice:
    return ctx.button("btn.skip", "flow:skip")


def stale(ctx: Ctx) -> Reply:
    """A button that no longer applies (old message, forged, or someone else's)."""
    return Reply(ctx.t("stale"))


def _need_text(ctx: Ctx) -> str | None:
    blank = ctx.inbound.text is None or not ctx.inbound.text.strip()
    media = ctx.inbound.photo is not None or ctx.inbound.contact_phone is not None
    return ctx.t("input.need_text") if blank and media else None


def _read(ctx: Ctx, cleaner: Callable[..., str], max_len: int) -> str:
    problem = _need_text(ctx)
    if problem:
        raise Invalid(problem)
    try:
        return cleaner(ctx.inbound.text, max_len=max_len)
    except TextError as err:
        raise Invalid(ctx.t(f"input.{err.reason}", limit=err.limit, length=err.length)) from None


def read_line(ctx: Ctx, max_len: int) -> str:
    """The typed answer as one clean line, or :class:`Invalid`."""
    return _read(ctx, clean_line, max_len)


def read_text(ctx: Ctx, max_len: int) -> str:
    """The typed answer as clean text that may keep line breaks, or :class:`Invalid`."""
    return _read(ctx, clean_text, max_len)


def read_price(ctx: Ctx) -> ParsedPrice:
    """A price as people type it (``15``, ``十五块``, ``35元/瓶``), or :class:`Invalid`."""
    problem = _need_text(ctx)
    if problem:
        raise Invalid(problem)
    try:
        return parse_price(ctx.inbound.text or "")
    except PriceError as err:
        raise Invalid(ctx.t(f"price.{err.reason}")) from None
