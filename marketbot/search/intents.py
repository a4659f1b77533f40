"""The intent layer: messages that are no product search, told apart before the search.

:func:`detect_intent` is a pure function of the message text and the word tables. It answers
``help``, ``register`` or ``chitchat`` when the whole message is such a phrase of ``intents.tsv``
(``帮助``, ``我要摆摊``, ``谢谢``), ``time`` when it is a clock time after a day (``明天 8:00``,
``周六 9:00``), ``chitchat`` when it is a bare clock time typed out of place (``8、00``,
``晚上6、半``; not a goods word of the tables written in numerals, ``三七``) or holds no letter
at all (digits, punctuation, zero-width spaces), and
``help`` for a "how do I" question about using the bot or selling here (``怎么注册成摊主``,
``这个怎么用``, ``how do I use this?``), ``register`` for a vendor's wish to sell here
(``我家有核桃想卖``), ``sold_out`` when it ends with a sold-out phrase that is not a question
(``核桃卖完了`` → the goods text ``核桃``). Anything else is ``None``: a search, whose intent
(find, price, place, time, browse) the query reader decides.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from marketbot.search.model import Intent
from marketbot.search.normalize import normalize_text
from marketbot.search.tables import SearchTables

__all__ = ["Detected", "detect_intent"]

_DAY = (
    r"(?:今天|明天|后天|大后天|今儿|明儿|下周|这周|本周|下个?星期|这个?星期|"
    r"(?:周|星期|礼拜)[一二三四五六日天1-7])"
)
_PART = r"(?:早上|早晨|上午|中午|下午|晚上|傍晚|凌晨|早|晚)"
_CLOCK = (
    r"(?:[0-9]{1,2}|[一二两三四五六七八九十]{1,3})"
    r"(?:(?:[:：.、点时])(?:[0-9]{1,2}|半|一刻|三刻)?(?:分|钟)?)?"
)
_TIME = re.compile(
    rf"(?P<day>(?:{_DAY})*)(?:{_PART})?(?:{_CLOCK})(?:(?:到|至|-|~)(?:{_PART})?{_CLOCK})?"
    r"(?:am|pm|a\.m\.|p\.m\.)?(?:[啊呀吧吗呢]|开|开门|开市|开集|见)?"
)
#: "How do I …" about using the bot or selling here (怎么注册成摊主, 这个怎么用, 想卖怎么弄);
#: "怎么卖" asks a price and "怎么走" the way, so selling and going are no such action.
_HOW_TO = re.compile(
    r"(?:怎么|怎样|咋|如何|怎么样)(?:才能|才可以|可以|能|去)?"
    r"(?:用|使用|操作|注册|报名|登记|申请|加入|入驻|开店|摆摊|上架|发布|弄|办|搞|开始|下单)"
)
_HOW_TO_EN = re.compile(
    r"\bhow (?:do|can|to|should|does)(?: i| we| you| one| this| it)? "
    r"(?:use|register|sign up|join|sell|start|list|work)\b"
    r"|\bwhat (?:can|do|does) (?:you|this|it) do\b"
)
#: What the bot can do (你能干啥, 你会做什么, 这个能干嘛).
_ABOUT_BOT = re.compile(
    r"(?:你|您|这个?|机器人)(?:都|还)?(?:能|会|可以)(?:干|做|帮我?干?|帮我做)(?:啥|什么|嘛|些什么|点什么)"
)
#: A vendor's wish to sell here (我也想来摆摊, 我家有核桃想卖), not asking anything else.
_VENDOR = re.compile(r"(?:想|要)来?(?:摆摊|摆个摊|卖|开店|入驻)(?!什么|啥|的|多少)")
_WHOLE_KINDS: dict[str, Intent] = {"help": "help", "register": "register", "chitchat": "chitchat"}
_DROP = re.compile(r"[\s\W_]+")
#: Modal particles people end a message with (谢谢啦, 你好呀, 拜拜了): a whole phrase with them
#: is still that phrase.
_PARTICLES = re.compile(r"[啦呀啊哈呢哦喔吧嘛嘞哟噢了]+$")
#: Filler a vendor puts between the goods and "sold out" (核桃都卖完了, 核桃已经卖光了).
_SOLD_OUT_FILLER = ("已经", "今天", "全都", "全部", "都", "也", "已", "的")


@dataclass(frozen=True, slots=True)
class Detected:
    """An intent told before the search; ``rest`` is the goods text a ``sold_out`` names."""

    intent: Intent
    rest: str = ""


def detect_intent(text: str, tables: SearchTables) -> Detected | None:
    """The intent of ``text`` when it is no product search (see the module doc), else ``None``."""
    visible = "".join(
        char for char in normalize_text(text) if unicodedata.category(char) not in ("Cf", "Cc")
    )
    if not any(char.isalpha() for char in visible):
        return Detected("chitchat")
    clock = _TIME.fullmatch("".join(visible.split()))
    # a goods word of the tables spelled with numerals is the goods (三七, the herb), no clock
    if clock is not None and clock.group() not in tables.lexicon:
        return Detected("time" if clock.group("day") else "chitchat")
    bare = _DROP.sub("", visible)
    words = " ".join(_DROP.sub(" ", visible).split())
    for whole in (words, bare, _PARTICLES.sub("", bare)):
        intent = _WHOLE_KINDS.get(tables.phrases.get(whole, ""))
        if intent is not None:
            return Detected(intent)
    if _HOW_TO.search(bare) or _HOW_TO_EN.search(words) or _ABOUT_BOT.search(bare):
        return Detected("help")
    if _VENDOR.search(bare):
        return Detected("register")
    # before the question particles: 没 of 没货了 / 卖没了 ends no question
    for phrase, kind in tables.phrases.items():
        if kind == "sold_out" and (bare.endswith(phrase) or words.endswith(phrase)):
            rest = bare[: -len(phrase)] if bare.endswith(phrase) else words[: -len(phrase)]
            return Detected("sold_out", _without_filler(rest.strip()))
    return None


def _without_filler(rest: str) -> str:
    changed = True
    while changed:
        changed = False
        for filler in _SOLD_OUT_FILLER:
            if rest.endswith(filler):
                rest = rest[: -len(filler)]
                changed = True
    return rest
