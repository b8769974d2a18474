"""Draw the app icons as PNG (and favicon.ico) from the same shapes as app/static/img/icon.svg.

Run `python tools/make_icons.py` after changing the design; the files are committed, so
neither the build nor the tests need an image library. Pure Python: a blue rounded square
with a white tick, anti-aliased by sampling each pixel 4 x 4 times.

- icon-192.png, icon-512.png: the rounded square, transparent corners ("any" purpose);
- maskable-512.png: full-bleed blue, the tick inside the central 80 % safe zone;
- apple-touch-icon.png (180): full-bleed, iOS rounds the corners itself;
- ../favicon.ico: 32 px and 48 px PNGs inside an ICO container.
"""

from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "app" / "static"
BLUE = (0x1D, 0x4F, 0x91)
WHITE = (0xFF, 0xFF, 0xFF)
# The tick in icon.svg's 64-unit box: M18 33 l9 9 19-20, stroke width 7, round caps.
TICK = ((18.0, 33.0), (27.0, 42.0), (46.0, 22.0))
STROKE = 7.0
SAMPLES = 4


def _segment_distance(x: float, y: float, a: tuple[float, float],
                      b: tuple[float, float]) -> float:
    """Distance from (x, y) to the segment a-b."""
    ax, ay = a
    bx, by = b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(x - (ax + t * dx), y - (ay + t * dy))


def _in_rounded_square(x: float, y: float, radius: float) -> bool:
    """Inside the 64-unit square with corners of radius."""
    cx = min(max(x, radius), 64 - radius)
    cy = min(max(y, radius), 64 - radius)
    return math.hypot(x - cx, y - cy) <= radius and 0 <= x <= 64 and 0 <= y <= 64


def draw(size: int, *, full_bleed: bool, tick_scale: float = 1.0) -> bytes:
    """RGBA rows of the icon at size x size pixels."""
    rows = bytearray()
    unit = 64.0 / size
    for row in range(size):
        rows.append(0)  # PNG filter: none
        for column in range(size):
            cover = tick = 0
            for sy in range(SAMPLES):
                for sx in range(SAMPLES):
                    x = (column + (sx + 0.5) / SAMPLES) * unit
                    y = (row + (sy + 0.5) / SAMPLES) * unit
                    if full_bleed or _in_rounded_square(x, y, 14.0):
                        cover += 1
                        # Scale the tick about the centre (for the maskable safe zone).
                        tx = 32 + (x - 32) / tick_scale
                        ty = 32 + (y - 32) / tick_scale
                        if min(_segment_distance(tx, ty, TICK[i], TICK[i + 1])
                               for i in range(2)) <= STROKE / 2:
                            tick += 1
            total = SAMPLES * SAMPLES
            alpha = round(255 * cover / total)
            share = tick / cover if cover else 0.0
            rgb = [round(b + (w - b) * share) for b, w in zip(BLUE, WHITE, strict=True)]
            rows.extend((*rgb, alpha))
    return bytes(rows)


def png(size: int, pixels: bytes) -> bytes:
    """A PNG file of RGBA pixels (with the filter bytes already in)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(pixels, 9)) + chunk(b"IEND", b""))


def ico(images: list[tuple[int, bytes]]) -> bytes:
    """An ICO file holding PNG images (allowed since Windows Vista, read by every browser)."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries = b""
    for size, data in images:
        entries += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(data),
                               offset)
        offset += len(data)
    return header + entries + b"".join(data for _size, data in images)


def main() -> None:
    """Write every icon."""
    icons = STATIC / "icons"
    icons.mkdir(exist_ok=True)
    for size in (192, 512):
        (icons / f"icon-{size}.png").write_bytes(png(size, draw(size, full_bleed=False)))
    # A maskable icon's safe zone is the central circle of 80 % diameter: shrink the tick.
    (icons / "maskable-512.png").write_bytes(
        png(512, draw(512, full_bleed=True, tick_scale=0.8)))
    (icons / "apple-touch-icon.png").write_bytes(png(180, draw(180, full_bleed=True)))
    small = [(size, png(size, draw(size, full_bleed=False))) for size in (32, 48)]
    (STATIC / "favicon.ico").write_bytes(ico(small))


if __name__ == "__main__":
    main()
