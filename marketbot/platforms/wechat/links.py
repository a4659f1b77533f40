"""A 服务号's links: parametric QR codes whose scene is the entry payload (``stall_42``).

A QR code's URL comes from WeChat (``/cgi-bin/qrcode/create``, permanent ``QR_LIMIT_STR_SCENE``),
but :meth:`WeChatLinks.link` is synchronous: it answers from what was made before and, when
nothing was, asks WeChat in the background (the next asking gets it). :meth:`prepare` makes one
and waits. A 订阅号 has no parametric codes: people type ``#42`` or ``摊42`` instead
(:func:`short_code`).
"""

from __future__ import annotations

import asyncio
import logging
import re

import httpx

from marketbot.platforms.wechat.api import ApiError, WeChatApi
from marketbot.services.links import EntryKind, entry_payload

__all__ = ["WeChatLinks", "short_code"]

logger = logging.getLogger(__name__)

_SHORT = re.compile(r"(?:#|＃|摊|摊位)\s*([1-9][0-9]{0,8})")


def short_code(text: str) -> str | None:
    """The entry payload a typed short code names: ``#42`` / ``摊42`` → ``stall_42``."""
    match = _SHORT.fullmatch(text.strip())
    return entry_payload("stall", int(match[1])) if match else None


class WeChatLinks:
    """QR-code URLs of a 服务号 (see module)."""

    def __init__(self, api: WeChatApi) -> None:
        self._api = api
        self._urls: dict[str, str] = {}
        self._making: dict[str, asyncio.Task[None]] = {}

    def link(self, kind: EntryKind, ident: int) -> str | None:
        scene = entry_payload(kind, ident)
        url = self._urls.get(scene)
        if url is None and scene not in self._making:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                return None
            task = loop.create_task(self._make(scene))
            self._making[scene] = task
        return url

    async def prepare(self, kind: EntryKind, ident: int) -> str | None:
        """The QR-code URL, made now if needed (None when WeChat refused)."""
        scene = entry_payload(kind, ident)
        if scene not in self._urls:
            await self._make(scene)
        return self._urls.get(scene)

    async def _make(self, scene: str) -> None:
        try:
            self._urls[scene] = await self._api.qr_code(scene)
        except (ApiError, httpx.HTTPError) as exc:
            logger.warning("no WeChat QR code for %s: %s", scene, exc)
        except Exception:
            logger.exception("making the WeChat QR code for %s failed", scene)
        finally:
            self._making.pop(scene, None)
