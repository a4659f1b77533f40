"""How dates read to people: weekday and lunar labels, the market-day line, setting notes.

The strings come from :mod:`marketbot.texts.calendar`; :func:`text` reads that catalogue directly
so the calendar works whether or not the catalogue is merged into :mod:`marketbot.texts`.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from marketbot.calendar import lunar
from marketbot.texts import Lang
from marketbot.texts.calendar import TEXTS

__all__ = [
    "format_market_day",
    "iso_market_day",
    "lunar_label",
    "lunar_md",
    "short_day",
    "text",
    "weekday_label",
]


def text(lang: Lang, key: str, /, **values: object) -> str:
    """The calendar string ``key`` in ``lang`` with ``values`` filled in."""
    zh, en = TEXTS[key]
    template = en if lang == "en" else zh
    return template.format(**values) if values else template


def lunar_md(month: int, day: int, leap: bool, lang: Lang) -> str:
    """A lunar month and day: 十月廿三, 闰六月初一 / lunar 10-23, lunar leap 6-01."""
    if lang == "en":
        values: dict[str, object] = {"month": month, "day": f"{day:02d}"}
    else:
        values = {"month": lunar.MONTH_NAMES[month - 1], "day": lunar.DAY_NAMES[day - 1]}
    return text(lang, "cal.lunar_md_leap" if leap else "cal.lunar_md", **values)


def lunar_label(d: date, lang: Lang) -> str:
    """The lunar date of ``d``: "十月廿三", "闰六月初一", "腊月三十" / "lunar 10-23"."""
    ld = lunar.to_lunar(d)
    return lunar_md(ld.month, ld.day, ld.leap, lang)


def weekday_label(d: date, lang: Lang) -> str:
    """周一 … 周日 / Mon … Sun."""
    return text(lang, "cal.weekdays").split()[d.weekday()]


_MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def short_day(d: date, lang: Lang) -> str:
    """A day on a button: "12月4日 周五" / "Fri 4 Dec"."""
    if lang == "en":
        return f"{weekday_label(d, lang)} {d.day} {_MONTHS_EN[d.month - 1]}"
    return f"{d.month}月{d.day}日 {weekday_label(d, lang)}"


def iso_market_day(d: date, lang: Lang) -> str:
    """One market day for files and the terminal's calendar command: "2026-12-02 周三 农历十月廿三"
    / "2026-12-02 Wed lunar 10-23"."""
    return text(
        lang,
        "cal.iso_day",
        date=d.isoformat(),
        weekday=weekday_label(d, lang),
        lunar=lunar_label(d, lang),
    )


@lru_cache(maxsize=4096)
def format_market_day(d: date, lang: Lang) -> str:
    """One market day as people write it: "12月2日 周三（十月廿三）" / "Wed 2 Dec (lunar 10-23)"
    (ISO dates stay in CSV and JSON); made once per day and language (every /start shows one)."""
    return text(
        lang,
        "cal.market_day",
        month=_MONTHS_EN[d.month - 1] if lang == "en" else d.month,
        day=d.day,
        weekday=weekday_label(d, lang),
        lunar=lunar_label(d, lang),
    )
