"""Rendered pages as pixels: a small PNG reader (zlib + numpy, the five PNG filters), and the
checks the print and screen tests share."""
from __future__ import annotations

import struct
import zlib

import numpy as np

CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}       # PNG colour type -> samples per pixel (8-bit only)


def _paeth_row(line: list[int], prev: list[int], bpp: int) -> list[int]:
    cur = [0] * len(line)
    for i, x in enumerate(line):
        a = cur[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        p = a + b - c
        pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
        pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
        cur[i] = (x + pred) & 0xFF
    return cur


def _average_row(line: list[int], prev: list[int], bpp: int) -> list[int]:
    cur = [0] * len(line)
    for i, x in enumerate(line):
        a = cur[i - bpp] if i >= bpp else 0
        cur[i] = (x + ((a + prev[i]) >> 1)) & 0xFF
    return cur


def read_png(data: bytes) -> np.ndarray:
    """Grey levels (0 black .. 255 white) of an 8-bit, non-interlaced PNG, shape (height, width)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and interlace == 0 and colour in CHANNELS, header
    bpp = CHANNELS[colour]
    raw = np.frombuffer(zlib.decompress(b"".join(idat)), dtype=np.uint8).reshape(height, 1 + width * bpp)
    out = np.zeros((height, width * bpp), dtype=np.uint8)
    prev = np.zeros(width * bpp, dtype=np.int64)
    for y in range(height):
        kind, line = raw[y, 0], raw[y, 1:].astype(np.int64)
        if kind == 0:
            cur = line
        elif kind == 1:
            cur = np.empty_like(line)
            for c in range(bpp):
                cur[c::bpp] = np.cumsum(line[c::bpp]) & 0xFF
        elif kind == 2:
            cur = (line + prev) & 0xFF
        elif kind == 3:
            cur = np.array(_average_row(line.tolist(), prev.tolist(), bpp), dtype=np.int64)
        else:
            cur = np.array(_paeth_row(line.tolist(), prev.tolist(), bpp), dtype=np.int64)
        out[y] = cur
        prev = cur
    pixels = out.reshape(height, width, bpp)
    if bpp >= 3:
        return pixels[:, :, :3].min(axis=2)       # ink in any channel counts
    return pixels[:, :, 0]


def ink_in_bands(grey: np.ndarray, left: int, right: int, top: int, bottom: int,
                 threshold: int = 235) -> dict[str, int]:
    """Dark pixels in each edge band of a page (a band of width 0 is not checked)."""
    h, w = grey.shape
    bands = {"left": grey[:, :left], "right": grey[:, w - right:] if right else grey[:, :0],
             "top": grey[:top, :], "bottom": grey[h - bottom:, :] if bottom else grey[:0, :]}
    return {name: int((band < threshold).sum()) for name, band in bands.items()}
