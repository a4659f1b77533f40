"""Photos for the pages: resized once to a small JPEG (a weak 4G link loads a list of goods
quickly) and kept in memory."""

from __future__ import annotations

import io
from collections import OrderedDict

from PIL import Image, ImageOps

__all__ = ["PhotoCache", "small_jpeg"]

SIZE = 240
"""Longest side in pixels: twice the 96 CSS pixels a photo is shown at, for sharp phones."""


def small_jpeg(data: bytes, size: int = SIZE) -> bytes | None:
    """``data`` (any image Pillow reads) as a JPEG of at most ``size`` pixels a side; None when
    it is not an image."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.draft("RGB", (size, size))
            small = ImageOps.exif_transpose(image).convert("RGB")
            small.thumbnail((size, size))
            out = io.BytesIO()
            small.save(out, "JPEG", quality=72, optimize=True, progressive=True)
            return out.getvalue()
    except (OSError, ValueError, Image.DecompressionBombError):
        return None


class PhotoCache:
    """The last ``capacity`` resized photos, each valid for one catalogue version (a photo
    whose stall is hidden stops being served)."""

    def __init__(self, capacity: int = 512) -> None:
        self.capacity = capacity
        self._entries: OrderedDict[int, tuple[int, bytes | None]] = OrderedDict()

    def get(self, photo_id: int, version: int) -> tuple[bool, bytes | None]:
        """(found, jpeg): found False when it must be read again."""
        entry = self._entries.get(photo_id)
        if entry is None or entry[0] != version:
            return False, None
        self._entries.move_to_end(photo_id)
        return True, entry[1]

    def put(self, photo_id: int, version: int, jpeg: bytes | None) -> None:
        self._entries[photo_id] = (version, jpeg)
        self._entries.move_to_end(photo_id)
        while len(self._entries) > self.capacity:
            self._entries.popitem(last=False)
