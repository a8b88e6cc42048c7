"""A small PNG bar chart, drawn and encoded with the standard library (no plotting stack)."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence

BACKGROUND = (255, 255, 255)
BAR = (18, 100, 163)  # Slack's link blue
AXIS = (180, 180, 180)
SIGNATURE = b"\x89PNG\r\n\x1a\n"


def bar_chart_png(values: Sequence[int], *, width: int = 480, height: int = 200) -> bytes:
    """Bars for `values`, left to right, scaled to the tallest, on a white background."""
    margin, gap = 16, 8
    count = max(len(values), 1)
    bar_width = max((width - 2 * margin - gap * (count - 1)) // count, 1)
    peak = max(values, default=0) or 1
    floor = height - margin
    tops = [floor - round(v / peak * (height - 2 * margin)) for v in values]
    lefts = [margin + i * (bar_width + gap) for i in range(len(values))]

    def pixel(x: int, y: int) -> tuple[int, int, int]:
        if y == floor and margin <= x < width - margin:
            return AXIS
        for left, top in zip(lefts, tops, strict=True):
            if left <= x < left + bar_width and top <= y < floor:
                return BAR
        return BACKGROUND

    raw = bytearray()
    for y in range(height):
        raw.append(0)  # filter type: none
        for x in range(width):
            raw.extend(pixel(x, y))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(bytes(raw), 9))
        + (_chunk(b"IEND", b""))
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)
