"""The digest's PNG chart decodes as a real PNG and its bars stand where the numbers say."""

from __future__ import annotations

import struct
import zlib

from bot.chart import BACKGROUND, BAR, bar_chart_png


def decode(png: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and pixel rows of an unfiltered 8-bit RGB PNG, checking every chunk's CRC."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    position, chunks = 8, {}
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind = png[position + 4 : position + 8]
        data = png[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", png[position + 8 + length : position + 12 + length])
        assert zlib.crc32(kind + data) & 0xFFFFFFFF == crc
        chunks[kind] = data
        position += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (depth, colour) == (8, 2) and b"IEND" in chunks
    raw = zlib.decompress(chunks[b"IDAT"])
    stride = 1 + width * 3
    assert len(raw) == height * stride
    return width, height, [raw[y * stride + 1 : (y + 1) * stride] for y in range(height)]


def colour_at(rows: list[bytes], x: int, y: int) -> tuple[int, ...]:
    return tuple(rows[y][x * 3 : x * 3 + 3])


def test_bars_scale_to_the_tallest() -> None:
    """A week with 4 sessions is twice as tall as one with 2; an empty week has no bar."""
    width, height, rows = decode(bar_chart_png([0, 2, 4], width=120, height=100))
    assert (width, height) == (120, 100)
    heights = []
    for x in (16 + 5, 16 + 32 + 5, 16 + 64 + 5):  # inside each of the three bars
        heights.append(sum(colour_at(rows, x, y) == BAR for y in range(height)))
    assert heights[0] == 0
    assert heights[2] == 2 * heights[1] > 0


def test_an_empty_history_is_a_blank_chart() -> None:
    """Eight quiet weeks draw no bars at all."""
    _, height, rows = decode(bar_chart_png([0] * 8))
    assert all(colour_at(rows, x, 10) == BACKGROUND for x in range(0, 480, 7))
    assert height == 200
