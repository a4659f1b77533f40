"""A vendor introducing themselves in one message instead of answering five questions, as an
older villager says it: ``我叫王大爷，东泉村的，卖核桃木耳，电话13912345678，自家树上打的``.

:func:`read_self_intro` takes the phone number out first (wherever it stands, spaces inside it
allowed), then splits the rest at punctuation and spaces and reads each clause as one thing
said: a village (``东泉村的``, ``住在魏家庄``), the vendor's name (``我叫…``, ``我是…``, ``姓王``),
both (``我是东泉村的王大爷``), the goods they sell (``卖核桃``: a stall name can be suggested
from it) or the stall's name (``摊位叫…``); a first clause of two to four characters is a name
(``李秀兰，东泉村，…``), and any other clause is their description. It is an introduction only
when it says at least two of name, village and phone, so that a stall name (``东泉村老王核桃``)
is never taken apart.

Usage::

    intro = read_self_intro("我叫王大爷，东泉村的，电话13912345678")
    intro.vendor_name, intro.village, intro.phone   # "王大爷", "东泉村", "13912345678"
    read_self_intro("王大爷山货")                    # None: a stall name
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from marketbot.domain.textinput import (
    INTRO_MAX,
    PERSON_NAME_MAX,
    STALL_NAME_MAX,
    VILLAGE_MAX,
    clean_phone,
)

__all__ = ["SelfIntro", "read_self_intro"]

_CLAUSES = re.compile(r"[，,、。；;！!\s]+")
_PHONE = re.compile(r"(?:\+?86)?1[3-9]\d(?:[ -]?\d){8}|0\d{2,3}-?\d{7,8}")
"""A mobile number (spaces or dashes inside it allowed) or a landline with its area code."""
_PHONE_WORDS = re.compile(r"(?:我的)?(?:电话|手机|手机号|电话号码?|联系电话|号码)(?:是|:|：)?\s*$")
_VILLAGE = re.compile(
    r"^(?:我)?(?:是|在|住在|住|家在|来自|从)?"
    r"(?P<v>[\u4e00-\u9fff]{1,8}?(?:村|庄|屯|沟|堡|寨|峪|湾|坪|垣|店))(?:的|人|来的|村民)?$"
)
_NAME = re.compile(r"^(?:我|俺)?(?:叫|是|名叫|名字叫|姓)(?P<n>[\u4e00-\u9fffA-Za-z·]{1,6})$")
_VILLAGER = re.compile(
    r"^(?:我|俺)?(?:是)?(?P<v>[\u4e00-\u9fff]{1,8}?(?:村|庄|屯|沟|堡|寨|峪|湾|坪|垣|店))的"
    r"(?P<n>[\u4e00-\u9fff]{2,4})$"
)
"""A village and a name in one breath: 东泉村的王大爷."""
_BARE_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
"""A clause of two to four characters said first: the vendor's name (李秀兰，东泉村，…)."""
_GOODS = re.compile(r"^(?:我|俺)?(?:家)?(?:主要)?(?:是)?卖(?P<g>.{1,16}?)的?$")
_STALL = re.compile(r"^(?:我的)?(?:摊位|摊子|摊名|摊位名)(?:名字)?(?:叫|是|就叫)?(?P<s>.{1,30})$")


@dataclass(frozen=True, slots=True)
class SelfIntro:
    """What an introduction said; ``None`` where it said nothing of that."""

    vendor_name: str | None = None
    village: str | None = None
    phone: str | None = None
    goods: str | None = None
    stall_name: str | None = None
    intro: str | None = None

    def suggested_stall_name(self) -> str | None:
        """A stall name made of who sells and what (``王大爷核桃``), if both were said."""
        if self.vendor_name and self.goods:
            return (self.vendor_name + self.goods)[:STALL_NAME_MAX]
        return None


def _phone_in(text: str) -> tuple[str | None, str]:
    """The first phone number in ``text`` (spaces inside it allowed) and the text without it and
    the words that announce it."""
    for found in _PHONE.finditer(text):
        phone = clean_phone(found.group())
        if phone is not None:
            before = _PHONE_WORDS.sub("", text[: found.start()])
            return phone, before + "，" + text[found.end() :]
    return None, text


def read_self_intro(text: str) -> SelfIntro | None:
    """The introduction in ``text`` (see the module), or ``None`` when it is none."""
    phone, rest = _phone_in(unicodedata.normalize("NFKC", text))
    said: dict[str, str] = {"phone": phone} if phone else {}
    others: list[str] = []
    for clause in _CLAUSES.split(rest):
        if not clause:
            continue
        both = _VILLAGER.match(clause)
        if both is not None and not {"village", "vendor_name"} & said.keys():
            said.update(village=both["v"], vendor_name=both["n"])
            continue
        for key, pattern, group, longest in (
            ("stall_name", _STALL, "s", STALL_NAME_MAX),
            ("village", _VILLAGE, "v", VILLAGE_MAX),
            ("vendor_name", _NAME, "n", PERSON_NAME_MAX),
            ("goods", _GOODS, "g", STALL_NAME_MAX),
        ):
            found = pattern.match(clause)
            if found is not None and key not in said and len(found[group]) <= longest:
                said[key] = found[group]
                break
        else:
            others.append(clause)
    if "vendor_name" not in said and others and _BARE_NAME.match(others[0]):
        said["vendor_name"] = others.pop(0)
    if sum(key in said for key in ("vendor_name", "village", "phone")) < 2:
        return None
    intro = "，".join(others)[:INTRO_MAX] or None
    return SelfIntro(intro=intro, **said)
