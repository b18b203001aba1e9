"""Recognising the photos an export can embed, and their pixel size, from their first bytes."""

from __future__ import annotations

import struct
from dataclasses import dataclass

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Start-of-frame markers carry the size; C4 (Huffman table), C8 and CC (arithmetic coding
# tables) sit in the same range but are not frames.
_JPEG_FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_JPEG_STANDALONE = frozenset([0x01, *range(0xD0, 0xD9)])


@dataclass(frozen=True)
class Image:
    """A photo the export can embed."""

    data: bytes
    mime: str
    extension: str
    width: int
    height: int


def _png_size(data: bytes) -> tuple[int, int] | None:
    if len(data) < 24 or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    index = 2
    while index + 4 <= len(data):
        if data[index] != 0xFF:
            return None
        marker = data[index + 1]
        if marker == 0xFF:  # fill byte before a marker
            index += 1
            continue
        if marker in _JPEG_STANDALONE:
            index += 2
            continue
        (length,) = struct.unpack(">H", data[index + 2 : index + 4])
        if marker in _JPEG_FRAMES:
            if index + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[index + 5 : index + 9])
            return width, height
        if marker == 0xDA:  # image data starts and no frame header came before it
            return None
        index += 2 + length
    return None


def read_image(data: bytes) -> Image | None:
    """The photo as an Image if it is a PNG or JPEG we can size, else None."""
    if data.startswith(_PNG_SIGNATURE):
        size, mime, extension = _png_size(data), "image/png", "png"
    elif data.startswith(b"\xff\xd8"):
        size, mime, extension = _jpeg_size(data), "image/jpeg", "jpg"
    else:
        return None
    if size is None or size[0] <= 0 or size[1] <= 0:
        return None
    return Image(data=data, mime=mime, extension=extension, width=size[0], height=size[1])


def fit(image: Image, max_width_cm: float, max_height_cm: float) -> tuple[float, float]:
    """The largest (width, height) in cm that fits the box and keeps the photo's proportions."""
    scale = min(max_width_cm / image.width, max_height_cm / image.height)
    return image.width * scale, image.height * scale
