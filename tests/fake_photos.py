"""Stored photos for adapter and sender tests without a database: ids mapped to a platform's
file ids or to bytes, recording what was remembered after an upload."""

from __future__ import annotations

__all__ = ["FakePhotos"]


class FakePhotos:
    """A :class:`marketbot.delivery.ports.PhotoLibrary` in memory."""

    def __init__(
        self, file_ids: dict[int, str] | None = None, data: dict[int, bytes] | None = None
    ) -> None:
        self.file_ids = dict(file_ids or {})
        self.blobs = dict(data or {})
        self.remembered: list[tuple[int, str, str]] = []

    async def file_id(self, photo_id: int, platform: str) -> str | None:
        return self.file_ids.get(photo_id)

    async def data(self, photo_id: int) -> bytes | None:
        return self.blobs.get(photo_id)

    async def remember(self, photo_id: int, platform: str, file_id: str) -> None:
        self.remembered.append((photo_id, platform, file_id))
        self.file_ids[photo_id] = file_id
