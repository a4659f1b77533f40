"""The pages' HTML: escaping, the one layout (inline CSS, no script, no external asset) and
schema.org JSON-LD that cannot break out of its ``<script>`` element.

Every piece of user text goes through :func:`e` (HTML) or :func:`json_ld` (JSON inside
``<script>``, where ``<``, ``>`` and ``&`` become ``\\u003c`` … so ``</script>`` in a stall's name
stays text).
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass

from marketbot.texts import Lang, t

__all__ = ["CSS", "Head", "e", "json_ld", "layout"]

CSS = (
    "*{box-sizing:border-box}"
    "html{-webkit-text-size-adjust:100%;text-size-adjust:100%}"
    "body{margin:0;font:20px/1.6 system-ui,-apple-system,'PingFang SC','Noto Sans CJK SC',"
    "'Microsoft YaHei',sans-serif;color:#1a1a1a;background:#fffdf7;overflow-wrap:anywhere}"
    "header{display:flex;justify-content:space-between;align-items:center;gap:.5em;"
    "padding:.4em 1em;background:#8b2500}"
    "header a{color:#fff;font-weight:bold;padding:.3em 0}"
    "main{max-width:40em;margin:0 auto;padding:0 1em 1.5em}"
    "h1{font-size:1.6em;line-height:1.3;margin:.6em 0 .3em}"
    "h2{font-size:1.25em;margin:1.2em 0 .4em;border-bottom:3px solid #e8c9a0}"
    "p{margin:.4em 0}a{color:#0b4fa8}"
    ".btn{display:block;text-align:center;padding:.6em 1em;margin:.5em 0;border-radius:.4em;"
    "background:#0b4fa8;color:#fff;text-decoration:none;font-weight:bold}"
    ".tg{background:#1f6fa8}.wx,.call{background:#1a7f37}"
    "ul.list{list-style:none;padding:0;margin:0}"
    "ul.list li{padding:.6em 0;border-bottom:1px solid #e5dccb}"
    ".price{font-weight:bold;color:#8b2500;white-space:nowrap}"
    ".muted{color:#555}.out{color:#666}"
    ".tag{display:inline-block;padding:0 .4em;border-radius:.3em;background:#eee;color:#333;"
    "font-size:.85em}"
    ".cancel{color:#a00;font-weight:bold}"
    "form.search{display:flex;gap:.4em;flex-wrap:wrap;margin:.5em 0}"
    "form.search input{flex:1 1 8em;min-width:0;font:inherit;padding:.45em;"
    "border:2px solid #777;border-radius:.4em}"
    "form.search button{font:inherit;padding:.45em 1em;border:0;border-radius:.4em;"
    "background:#8b2500;color:#fff;font-weight:bold}"
    ".goods{display:flex;gap:.7em;align-items:flex-start}"
    ".goods img{width:96px;height:96px;object-fit:cover;border-radius:.3em;flex:none;"
    "background:#eee}"
    "nav.pages{display:flex;justify-content:space-between;gap:1em;margin:1em 0}"
    "footer{font-size:.8em;color:#555;text-align:center;padding:1em}"
)
"""The one style sheet, inline in every page (about 2 KB): large type, big tap targets, high
contrast, one column that never scrolls sideways."""


def e(text: object) -> str:
    """``text`` escaped for HTML text and attribute values (quotes too)."""
    return html.escape(str(text), quote=True)


_JSON_IN_SCRIPT = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def json_ld(data: object) -> str:
    """``data`` as JSON that is safe inside ``<script type="application/ld+json">``."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_JSON_IN_SCRIPT)


@dataclass(frozen=True, slots=True)
class Head:
    """What a page says about itself: title, description, its public address, its picture."""

    title: str
    description: str
    url: str
    image: str | None = None
    og_type: str = "website"
    schema: Sequence[object] = ()


def layout(lang: Lang, head: Head, body: str, *, home: tuple[str, str], switch: str) -> str:
    """A whole page. ``home`` is the header's (href, label); ``switch`` the other language's
    address."""
    locale = "en_US" if lang == "en" else "zh_CN"
    other = "zh" if lang == "en" else "en"
    meta = [
        f'<meta name="description" content="{e(head.description)}">',
        f'<meta property="og:title" content="{e(head.title)}">',
        f'<meta property="og:description" content="{e(head.description)}">',
        f'<meta property="og:type" content="{e(head.og_type)}">',
        f'<meta property="og:url" content="{e(head.url)}">',
        f'<meta property="og:locale" content="{locale}">',
        f'<link rel="canonical" href="{e(head.url)}">',
    ]
    if head.image:
        meta.append(f'<meta property="og:image" content="{e(head.image)}">')
    if head.schema:
        graph = {"@context": "https://schema.org", "@graph": list(head.schema)}
        meta.append(f'<script type="application/ld+json">{json_ld(graph)}</script>')
    return (
        f'<!doctype html><html lang="{"en" if lang == "en" else "zh-CN"}"><head>'
        '<meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{e(head.title)}</title>{''.join(meta)}<style>{CSS}</style></head><body>"
        f'<header><a href="{e(home[0])}">{e(home[1])}</a>'
        f'<a href="{e(switch)}" hreflang="{other}" lang="{other}">'
        f"{e(t(lang, 'web.lang_switch'))}</a></header>"
        f"<main>{body}</main><footer>{e(t(lang, 'web.footer'))}</footer></body></html>"
    )
