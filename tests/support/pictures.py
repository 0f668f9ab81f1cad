"""Photos made on the spot with Pillow, and hostile files that only look like photos.

No binary fixtures: each test asks for the picture it needs (size, format,
EXIF orientation), so what a test checks is visible in the test.
"""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image


def picture(
    width: int = 640,
    height: int = 400,
    *,
    fmt: str = "JPEG",
    color: tuple[int, ...] = (180, 22, 27),
    mode: str = "RGB",
    orientation: int | None = None,
) -> bytes:
    """A picture of one colour with a darker left half (so orientation shows).

    :param fmt: Pillow's format name: ``JPEG``, ``PNG``, ``WEBP``, ``GIF``…
    :param orientation: the EXIF orientation tag to write (JPEG), e.g. 6 for
        a phone held upright: the pixels lie on their side.
    """
    im = Image.new(mode, (width, height), color)
    if mode in ("RGB", "RGBA"):
        im.paste((20, 20, 20, 255)[: len(mode)], (0, 0, width // 2, height))
    out = io.BytesIO()
    kwargs = {}
    if orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = orientation
        kwargs["exif"] = exif.tobytes()
    im.save(out, fmt, **kwargs)
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` (a decompression bomb's shape).

    Only the header is real: the pixel data is one compressed row, so a
    reader that believed the header would try to allocate the whole picture.
    """

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(row))
        + chunk(b"IEND", b"")
    )
