#!/usr/bin/env python3
"""Draws the Teams app icons (color.png 192x192, outline.png 32x32) with the standard library only.

A ring with a moon on it, as in Jupyter's logo, on the accent colour (color.png) or in white on transparency
(outline.png, which Teams requires to be white and transparent only). Run it again after changing the drawing;
the PNGs are committed so packaging needs nothing but Python.
"""
import math
import struct
import sys
import zlib
from pathlib import Path

ACCENT = (11, 110, 153)      # also manifest.json's accentColor
JUPYTER = (243, 119, 38)
WHITE = (255, 255, 255)


def coverage(size, inside, samples=4):
    """Fraction of each pixel that `inside(x, y)` covers (x, y in 0..1), by supersampling for smooth edges."""
    grid = []
    for py in range(size):
        row = []
        for px in range(size):
            hits = 0
            for sy in range(samples):
                for sx in range(samples):
                    x = (px + (sx + 0.5) / samples) / size
                    y = (py + (sy + 0.5) / samples) / size
                    hits += inside(x, y)
            row.append(hits / (samples * samples))
        grid.append(row)
    return grid


def ring(x, y, radius=0.30, width=0.075):
    d = math.hypot(x - 0.5, y - 0.5)
    return abs(d - radius) <= width / 2


def moon(x, y, radius=0.30, size=0.085):
    angle = math.radians(-45)
    cx, cy = 0.5 + radius * math.cos(angle), 0.5 + radius * math.sin(angle)
    return math.hypot(x - cx, y - cy) <= size


def rounded_square(x, y, corner=0.18):
    dx = max(corner - x, 0, x - (1 - corner))
    dy = max(corner - y, 0, y - (1 - corner))
    return math.hypot(dx, dy) <= corner


def png(path, size, pixels):
    """Writes RGBA rows as a PNG file."""
    raw = b"".join(b"\x00" + bytes(v for px in row for v in px) for row in pixels)
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    Path(path).write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def blend(under, over, alpha):
    return tuple(round(u + (o - u) * alpha) for u, o in zip(under, over))


def color_icon(size=192):
    square = coverage(size, rounded_square)
    # The ring stops short of the moon, leaving a gap of background around it.
    orbit = coverage(size, lambda x, y: ring(x, y) and not moon(x, y, size=0.125))
    dot = coverage(size, lambda x, y: moon(x, y, size=0.09))
    rows = []
    for y in range(size):
        row = []
        for x in range(size):
            rgb = blend(ACCENT, WHITE, orbit[y][x])
            rgb = blend(rgb, JUPYTER, dot[y][x])
            row.append(rgb + (round(255 * square[y][x]),))
        rows.append(row)
    return rows


def outline_icon(size=32):
    # Thicker strokes, and a gap between ring and moon: at 32 px the colour icon's proportions would merge.
    def inside(x, y):
        if moon(x, y, radius=0.32, size=0.12):
            return True
        return ring(x, y, radius=0.32, width=0.11) and not moon(x, y, radius=0.32, size=0.19)
    shape = coverage(size, inside, samples=8)
    return [[WHITE + (round(255 * shape[y][x]),) for x in range(size)] for y in range(size)]


if __name__ == "__main__":
    here = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent
    png(here / "color.png", 192, color_icon())
    png(here / "outline.png", 32, outline_icon())
    print(f"wrote {here / 'color.png'} and {here / 'outline.png'}")
