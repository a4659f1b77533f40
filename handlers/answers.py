"""What every flow's questions share: reading typed answers (kind error replies through
:class:`~marketbot.chat.flow.Invalid`), the question with its cancel button, and the skip button.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from handlers.cards import rows
from marketbot.chat.context import Ctx
from marketbot.chat.flow import CANCEL, SKIP, Asker, Handler, Invalid
from marketbot.domain.prices import ParsedPrice, PriceError, parse_price
from marketbot.domain.textinput import TextError, clean_line, clean_text
from marketbot.domain.words import is_confirm, is_skip
from marketbot.neutral import Choice, Reply

__all__ = [
    "back_button",
    "buttons_answer",
    "cancel_button",
    "id_in",
    "is_confirm",
    "is_skip",
    "page_in",
    "question",
    "read_line",
    "read_photo",
    "read_price",
    "read_text",
    "skip_button",
    "skippable",
    "use_buttons",
]


def id_in(text: str) -> int | None:
    """A row id or a number a button carries (``prod:42``'s ``42``): ASCII digits, at most 11 of
    them; ``None`` for anything else (data from outside: ``¹`` is a digit to Python, no number)."""
    return int(text) if text.isascii() and text.isdigit() and len(text) < 12 else None


def page_in(text: str) -> int:
    """A page number a button carries; 0 for anything else."""
    found = id_in(text)
    return found if found is not None and found < 100_000 else 0


def cancel_button(ctx: Ctx) -> Choice:
    return ctx.button("btn.cancel", CANCEL)


def back_button(ctx: Ctx, choice_id: str) -> Choice:
    """⬅️ back to the step before (``choice_id``: the flow's back button)."""
    return ctx.button("btn.back", choice_id)


def skip_button(ctx: Ctx) -> Choice:
    return ctx.button("btn.skip", SKIP)


def question(
    ctx: Ctx, key: str, *buttons: Choice, contact: bool = False, **values: object
) -> Reply:
    """A question with its buttons, two a row, and the cancel button last."""
    return Reply(
        ctx.t(key, **values),
        choices=rows([*buttons, cancel_button(ctx)], 2),
        contact_request=contact,
    )


async def use_buttons(ctx: Ctx, _text: str) -> list[Reply]:
    """The answer of a step that takes buttons only."""
    raise Invalid(ctx.t("input.use_buttons"))


_COUNT = re.compile(r"[（(][^（）()]*[0-9０-９][^（）()]*[）)]")
"""A count in a label: ``所有摊主（2 人）``, ``全部保存（3 件）``."""


def _label_key(text: str) -> str:
    """A label as people type it: without its count, letters and digits only."""
    return "".join(ch for ch in _COUNT.sub("", text).casefold() if ch.isalnum())


def _route(table: Mapping[str, Handler], choice_id: str) -> tuple[Handler, str] | None:
    for prefix in sorted(table, key=len, reverse=True):
        if choice_id == prefix or choice_id.startswith(prefix + ":"):
            return table[prefix], choice_id[len(prefix) + 1 :]
    return None


def buttons_answer(table: Mapping[str, Handler], *, confirm: str | None = None) -> Handler:
    """The answer of a step that takes buttons: a button's label typed without its count
    (``所有摊主`` presses ``所有摊主（2 人）``), a confirm word (``好的``, ``行``) pressing the
    ``confirm`` button; anything else is told to use the buttons."""

    async def answer(ctx: Ctx, text: str) -> list[Reply]:
        if confirm is not None and is_confirm(text):
            return await table[confirm](ctx, "")
        typed = _label_key(text)
        if typed:
            for reply in await ctx.ask_again():
                for choice in reply.flat_choices():
                    route = _route(table, choice.id)
                    if route is not None and _label_key(choice.label) == typed:
                        return await route[0](ctx, route[1])
        raise Invalid(ctx.t("input.use_buttons"))

    return answer


def skippable(answer: Handler, skip: Asker) -> Handler:
    """An optional step's answer: a skip word (``没有``, ``不用了``, ``算了``) does what the skip
    button does; a photo or anything else is ``answer``'s."""

    async def read(ctx: Ctx, text: str) -> list[Reply]:
        if ctx.inbound.photo is None and ctx.inbound.contact_phone is None and is_skip(text):
            return await skip(ctx)
        return await answer(ctx, text)

    return read


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


async def read_photo(ctx: Ctx) -> int:
    """The photo sent, stored (its id), or :class:`Invalid`."""
    photo_id = await ctx.stored_photo()
    if photo_id is None:
        raise Invalid(ctx.t("input.need_photo"))
    return photo_id
