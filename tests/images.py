"""Images the tests send as a phone would."""

from __future__ import annotations

import struct
import zlib


def png() -> bytes:
    """A small real PNG, as a phone would send a picture as a file."""
    raw = b"".join(b"\x00" + b"\x80\x40\x20" * 8 for _ in range(8))

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw))
