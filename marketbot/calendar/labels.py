"""How dates read to people: weekday and lunar labels, the market-day line, setting notes.

The strings come from :mod:`marketbot.texts.calendar`; :func:`text` reads that catalogue directly
so the calendar works whether or not the catalogue is merged into :mod:`marketbot.texts`.
"""

from __future__ import annotations

from datetime import date

from marketbot.calendar import lunar
from marketbot.texts import Lang
from marketbot.texts.calendar import TEXTS

__all__ = [
    "format_market_day",
    "lunar_label",
    "lunar_md",
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


def format_market_day(d: date, lang: Lang) -> str:
    """One market day: "2026-12-02 周三 农历十月廿三" / "2026-12-02 Wed lunar 10-23"."""
    return text(
        lang,
        "cal.market_day",
        date=d.isoformat(),
        weekday=weekday_label(d, lang),
        lunar=lunar_label(d, lang),
    )
