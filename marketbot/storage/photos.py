"""The ``photos`` tables: a photo stored once as bytes (found again by its SHA-256), and the id
each platform gave it (Telegram's ``file_id``, WeChat's ``media_id``), so a photo a vendor sent
on one platform shows on every platform and on posters, and is uploaded once per platform."""

from __future__ import annotations

import hashlib
from datetime import datetime

from marketbot.storage.db import Queries, utc_text

__all__ = ["PhotoStore"]


class PhotoStore(Queries):
    """Implements :class:`marketbot.delivery.ports.PhotoLibrary` for the senders."""

    async def save(
        self,
        data: bytes | None,
        *,
        platform: str,
        file_id: str,
        now: datetime,
        mime: str = "image/jpeg",
    ) -> int:
        """Store a photo that came in (its bytes when the platform gave them) and the
        platform's id for it; the same bytes sent twice are one photo. Returns its id."""
        digest = (
            "sha256:" + hashlib.sha256(data).hexdigest()
            if data is not None
            else f"platform:{platform}:{file_id}"
        )
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO photos (digest, mime, data, created_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (digest) DO NOTHING",
                (digest, mime, data, utc_text(now)),
            )
            async with conn.execute("SELECT id FROM photos WHERE digest = ?", (digest,)) as cur:
                row = await cur.fetchone()
            assert row is not None
            photo_id = int(row[0])
            await self.remember(photo_id, platform, file_id)
        return photo_id

    async def file_id(self, photo_id: int, platform: str) -> str | None:
        row = await self._one(
            "SELECT file_id FROM photo_platform_ids WHERE photo_id = ? AND platform = ?",
            (photo_id, platform),
        )
        return str(row[0]) if row else None

    async def data(self, photo_id: int) -> bytes | None:
        row = await self._one("SELECT data FROM photos WHERE id = ?", (photo_id,))
        return bytes(row[0]) if row and row[0] is not None else None

    async def remember(self, photo_id: int, platform: str, file_id: str) -> None:
        """The platform's id for a photo it was sent as bytes (upload once)."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO photo_platform_ids (photo_id, platform, file_id) VALUES (?, ?, ?)"
                " ON CONFLICT (photo_id, platform) DO UPDATE SET file_id = excluded.file_id",
                (photo_id, platform, file_id),
            )
