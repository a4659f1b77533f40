"""A command or a main-menu button named in words when it is not on screen: ``群发通知`` or
``发通知`` runs /broadcast for a secretary, ``书记管理`` opens the secretary's tools, ``看摊位``
the stalls, ``send an announcement`` the same in English. Such a message is a request, never a
search, so it never reaches the demand log as goods nobody sells.

The words are the commands' own descriptions and the main menu's labels from the text
catalogue (both languages), so a new command is named in words as soon as it is registered. A
description's aside is left out (``群发通知（村书记）`` → ``群发通知``; ``书记：待审核的摊主`` →
``待审核的摊主``), and so are the wants around a request (``我要``, ``怎么``, ``I want to``).
What was typed names one when it is the phrase or most of it (``发通知``: three of
``群发通知``'s four characters). A secretary's tool named by someone else is answered with whom
it is for (and the main menu), not searched. Any other button's label typed when that button is
not on screen (``保存`` after the product was saved) is said to be gone, never searched. A
command named before a colon takes what follows as its answer (``发通知：明天修路`` starts the
announcement with that text).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import cache, lru_cache

from handlers.cards import rows
from handlers.visitor import BROWSE_BUTTONS
from marketbot.chat.context import Ctx, MenuCommand
from marketbot.chat.flow import Handler
from marketbot.neutral import Reply
from marketbot.texts import LANGUAGES, Lang, catalogue, esc, t

__all__ = ["named_command_first"]

_MENU_BUTTONS: tuple[tuple[str, str], ...] = (
    *BROWSE_BUTTONS,
    ("menu.become_vendor", "menu:vendor"),
    ("menu.my_stall", "menu:vendor"),
    ("menu.secretary", "sec:menu"),
    ("menu.language", "lang:menu"),
    ("who.btn", "who:next"),
)
"""The main menu's buttons that do the same whatever is on screen (text key, choice)."""
_BUTTON_KEYS = tuple(key for key, _ in _MENU_BUTTONS)

_SECRETARY_BUTTONS = frozenset({"sec:menu"})

_WANTS = re.compile(
    r"^(?:我要|我想要|我想|想要|怎么|如何|请|帮我|看看|看一下|查看|打开"
    r"|i want to |how do i |how to |please |show me |open )+"
    r"|^(?:这个?|集市?|集上|这里|这儿|今天)*(?:都|一共)?(?:有哪些|有什么|有啥|有几个|有多少个?)"
)
"""Words of wanting or asking before a request, left out before matching (有哪些摊位 names the
stalls)."""

_DECORATION = re.compile(r"[（(，,].*$|e\.g\..*$")
"""A description's aside: what stands after a bracket or a comma (an example, who it is for)."""

_MOST = 0.6
"""The share of a phrase's characters typed words must hold to name it."""
_HALF = 0.5
"""The share enough for words of three characters or more."""

_LONGEST_REQUEST = 24
"""Characters of a request at most: a longer message is a sentence to read, not a name."""


def _letters(text: str) -> str:
    """Letters and digits only, in lower case (emoji, punctuation and spaces left out)."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum())


@cache
def _phrase(key: str, lang: Lang) -> str:
    """The words of a catalogue string that name what it is: the longer side of a ``：``, no
    aside, letters only."""
    text = _DECORATION.sub("", unicodedata.normalize("NFKC", t(lang, key)))
    head, colon, tail = text.partition(":")
    return _letters(max(head, tail, key=len) if colon else text)


def _most_of(typed: str, phrase: str) -> bool:
    """Whether ``typed`` is most of ``phrase``: three fifths of it, or half of it from three
    characters on (待审核 of 待审核的摊主; 通知 is not 群发通知)."""
    share = len(typed) / len(phrase)
    return typed in phrase and (share >= _MOST or (len(typed) >= 3 and share >= _HALF))


@cache
def _also(key: str) -> frozenset[str]:
    """Other words people type for what ``key`` names (the catalogue's ``key.also``: ``我的东西``
    for 我的摊位), letters only."""
    words = catalogue().get(f"{key}.also", ())
    return frozenset(_letters(w) for text in words for w in text.split("|"))


def _names(typed: str, key: str) -> bool:
    return typed in _also(key) or any(
        typed == phrase or _most_of(typed, phrase)
        for phrase in (_phrase(key, lang) for lang in LANGUAGES)
        if phrase
    )


@lru_cache(maxsize=4096)
def _named(typed: str, keys: tuple[str, ...]) -> str | None:
    """The first of the text ``keys`` that ``typed`` names (kept: most messages are not
    requests, and the same words come again and again)."""
    return next((key for key in keys if _names(typed, key)), None)


@cache
def _button_labels() -> frozenset[str]:
    """Every button's label in the catalogue, letters only (``✅ 保存`` → ``保存``): typed when
    its button is gone, such a word is a press too late, never goods nobody sells."""
    return frozenset(
        _letters(text)
        for key, texts in catalogue().items()
        if key.startswith("btn.") or ".btn" in key
        for text in texts
        if "{" not in text
    )


def _request(text: str) -> str:
    """What names a request in ``text``: no wants around it, letters only."""
    return _letters(_WANTS.sub("", unicodedata.normalize("NFKC", text).casefold().strip()))


_GIVEN = re.compile(r"^(?P<head>[^:：\n]{2,12})[:：](?P<rest>.*\S.*)$", re.DOTALL)
"""A request with what it needs after a colon: ``发通知：明天修路``, ``上架：核桃 15元一斤``."""


def _command(typed: str, commands: Sequence[MenuCommand]) -> MenuCommand | None:
    key = _named(typed, tuple(c.description_key for c in commands))
    return next((c for c in commands if c.description_key == key), None)


def _secretaries_only(ctx: Ctx) -> list[Reply]:
    return [Reply(ctx.t("sec.only"), choices=rows([ctx.button("btn.menu", "menu:main")]))]


def named_command_first(fallback: Handler) -> Handler:
    """Free text naming a command or a main-menu button runs it; anything else goes on to
    ``fallback``."""

    async def handle(ctx: Ctx, text: str) -> list[Reply]:
        given = _GIVEN.match(text.strip())
        command = _command(_request(given["head"]), ctx.router.menu()) if given else None
        if given is not None and command is not None:
            if command.for_secretaries and not ctx.is_secretary:
                return _secretaries_only(ctx)
            return await command.handler(ctx, given["rest"].strip())
        if len(text) > _LONGEST_REQUEST:
            return await fallback(ctx, text)
        typed = _request(text)
        if len(typed) < 2:
            return await fallback(ctx, text)
        command = _command(typed, ctx.router.menu())
        if command is not None:
            if command.for_secretaries and not ctx.is_secretary:
                return _secretaries_only(ctx)
            return await command.handler(ctx, "")
        button = _named(typed, _BUTTON_KEYS)
        for key, choice in _MENU_BUTTONS:
            if key == button:
                if choice in _SECRETARY_BUTTONS and not ctx.is_secretary:
                    return _secretaries_only(ctx)
                return await ctx.router.dispatch(ctx, choice)
        if typed in _button_labels():
            ways = [ctx.button("btn.menu", "menu:main")]
            if await ctx.store.stall_of_owner(ctx.user.id) is not None:  # where theirs are
                ways.append(ctx.button("menu.my_stall", "menu:vendor"))
            text = ctx.t("typed.no_button", label=esc(text.strip()))
            return [Reply(text, choices=rows(ways, 2))]
        return await fallback(ctx, text)

    return handle
