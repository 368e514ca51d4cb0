"""Draw Fieldkit's app icons as PNG files in app/static/icons/ (pure Python: zlib, no Pillow).

The icon is a white "F" with an orange dot on the brand blue. Shapes are signed distance
functions, so each pixel gets an anti-aliased coverage from one distance, not supersampling.

    python scripts/make_icons.py          # rewrites the icons; commit the result
"""
import math
import struct
import sys
import zlib
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "app" / "static" / "icons"
BLUE = (0x0B, 0x5C, 0xAD)
WHITE = (0xFF, 0xFF, 0xFF)
ORANGE = (0xF5, 0xA6, 0x23)

# The glyph in a unit box: rounded bars (x0, y0, x1, y1, radius) and a dot (cx, cy, r).
BARS = [
    (0.18, 0.08, 0.40, 0.92, 0.11),  # stem
    (0.18, 0.08, 0.82, 0.30, 0.11),  # top arm
    (0.18, 0.42, 0.68, 0.62, 0.10),  # middle arm
]
DOT = (0.74, 0.80, 0.12)

# name: (size, background corner radius as a share of the size, glyph box share).
# "any" icons are rounded squares; maskable and Apple icons fill the square (the platform
# crops them), with the maskable glyph inside the central safe circle (radius 40 %).
ICONS = {
    "icon-192.png": (192, 0.22, 0.56),
    "icon-512.png": (512, 0.22, 0.56),
    "icon-maskable-512.png": (512, 0.0, 0.44),
    "apple-touch-icon.png": (180, 0.0, 0.56),
}


def rounded_rect(px, py, x0, y0, x1, y1, r):
    """Signed distance from (px, py) to a rounded rectangle (negative inside)."""
    cx, cy, hx, hy = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2, (y1 - y0) / 2
    qx, qy = abs(px - cx) - hx + r, abs(py - cy) - hy + r
    outside = math.hypot(max(qx, 0.0), max(qy, 0.0))
    return outside + min(max(qx, qy), 0.0) - r


def coverage(distance_px):
    """Share of a pixel covered by a shape whose edge is distance_px from its centre."""
    return min(1.0, max(0.0, 0.5 - distance_px))


def over(dst, color, alpha):
    """Composite color with alpha over dst (r, g, b, a), all floats 0..1 for alpha."""
    r, g, b, a = dst
    out_a = alpha + a * (1 - alpha)
    if out_a == 0:
        return (0.0, 0.0, 0.0, 0.0)
    mix = [(c * alpha + d * a * (1 - alpha)) / out_a for c, d in zip(color, (r, g, b), strict=True)]
    return (*mix, out_a)


def draw(size, corner, glyph):
    """RGBA rows of one icon."""
    offset = (1 - glyph) / 2
    rows = []
    for y in range(size):
        row = bytearray()
        for x in range(size):
            u, v = (x + 0.5) / size, (y + 0.5) / size  # pixel centre in the unit square
            px = (0.0, 0.0, 0.0, 0.0)
            bg = rounded_rect(u, v, 0, 0, 1, 1, corner) if corner else -1.0
            px = over(px, BLUE, coverage(bg * size))
            gu, gv = (u - offset) / glyph, (v - offset) / glyph  # in the glyph box
            bar = min(rounded_rect(gu, gv, *b) for b in BARS)
            px = over(px, WHITE, coverage(bar * glyph * size))
            dot = math.hypot(gu - DOT[0], gv - DOT[1]) - DOT[2]
            px = over(px, ORANGE, coverage(dot * glyph * size))
            r, g, b, a = px
            row += bytes((round(r), round(g), round(b), round(a * 255)))
        rows.append(bytes(row))
    return rows


def png(width, height, rows):
    """A PNG file (8-bit RGBA, no filtering) from raw rows."""

    def chunk(kind, data):
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    raw = b"".join(b"\x00" + row for row in rows)
    chunks = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for name, (size, corner, glyph) in ICONS.items():
        (OUT / name).write_bytes(png(size, size, draw(size, corner, glyph)))
        print(f"{OUT / name} {size}x{size}", file=sys.stderr)


if __name__ == "__main__":
    main()
