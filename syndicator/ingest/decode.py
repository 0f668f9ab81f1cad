"""Input files read and decoded: the size limit, the encodings a page comes in.

Chinese newsrooms still export GB18030 as often as UTF-8; the text is
checked to look like text before any importer sees it.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from ..errors import InputError
from .sanitize import xml_safe

#: Larger files are refused before decoding: no newspaper page comes close,
#: and a runaway upload must not stall the importer.
MAX_FILE_BYTES = 8 * 1024 * 1024


def read_bytes(path: Path) -> bytes:
    """Read an input file, refusing what cannot be a page or an article file."""
    name = str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError("file not found", file=name) from None
    if path.is_dir():
        raise InputError("is a directory, not a file", file=name)
    if size > MAX_FILE_BYTES:
        raise InputError(
            f"file is {size / 1048576:.1f} MB; the limit is {MAX_FILE_BYTES // 1048576} MB "
            "(split it into pages)",
            file=name,
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=name) from None
    check_bytes(data, name)
    return data


def check_bytes(data: bytes, name: str) -> None:
    """Refuse content that cannot be a page or an article file: empty or too big.

    For bytes that came without a file (an upload): a file's size is
    checked before it is read, by :func:`read_bytes`.
    """
    if len(data) > MAX_FILE_BYTES:
        raise InputError(
            f"file is {len(data) / 1048576:.1f} MB; the limit is {MAX_FILE_BYTES // 1048576} MB "
            "(split it into pages)",
            file=name,
        )
    if not data.strip():
        raise InputError("file is empty", file=name)


def decode_text(data: bytes, source: str, encoding: str | None = None) -> str:
    """Decode page text: UTF-8 (with or without BOM), UTF-16 with a BOM, else GB18030.

    GB18030 is a superset of GBK and GB2312 and decodes almost any byte
    string, so it is only accepted when the result looks like text; binary
    files (NUL bytes, control characters) are refused either way. Line
    endings are normalised to ``\\n``.
    """
    if (not encoding or encoding == "auto") and data.startswith(
        (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    ):
        encoding = "utf-16"  # what Windows Notepad calls "Unicode"
    if b"\x00" in data[:65536] and not _wide(encoding):
        raise InputError(
            "binary file (contains NUL bytes); expected UTF-8 or GB18030 text", file=source
        )
    if encoding and encoding != "auto":
        try:
            text = data.decode(encoding)
        except LookupError:
            raise InputError(f"unknown encoding {encoding!r}", file=source) from None
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise InputError(
                f"not valid {encoding} at byte {exc.start}", file=source, line=line
            ) from None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            try:
                text = data.decode("gb18030")
            except UnicodeDecodeError:
                raise InputError(
                    f"not valid UTF-8 or GB18030 at byte {exc.start} "
                    "(pass --encoding if the file uses another)",
                    file=source,
                    line=line,
                ) from None
            if not _looks_like_gb_text(text):
                raise InputError(
                    f"not valid UTF-8 at byte {exc.start}, and not GB18030/GBK Chinese text "
                    "either (pass --encoding if the file uses another)",
                    file=source,
                    line=line,
                ) from None
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\t\f")
    if controls > max(8, len(text) // 200):
        raise InputError("binary file (control characters); expected page text", file=source)
    # A form feed or vertical tab (a PDF's page or column break) ends a line;
    # the few other controls a text may carry go, as no feed can hold them.
    return xml_safe(text.replace("\f", "\n").replace("\v", "\n"))


def _wide(encoding: str | None) -> bool:
    """UTF-16 and UTF-32 text is full of NUL bytes: they are not a sign of binary."""
    try:
        name = codecs.lookup(encoding).name if encoding and encoding != "auto" else ""
    except LookupError:
        return False
    return name.startswith(("utf-16", "utf-32"))


def _looks_like_gb_text(text: str) -> bool:
    """Is this GB18030 decoding real Chinese text rather than mis-decoded bytes?

    GB18030 maps almost every byte string to *some* characters. Real GBK
    text is nearly all common characters (the GB2312 set); Big5, Latin-1
    or damaged UTF-8 decoded as GB18030 is full of rare and private-use
    ones. A sample of the text is enough to tell.
    """
    wide = [ch for ch in text[:100_000] if ord(ch) > 127 and not ch.isspace()]
    if not wide:
        return True
    common = 0
    for ch in wide:
        try:
            ch.encode("gb2312")
        except UnicodeEncodeError:
            continue
        common += 1
    return common * 10 >= len(wide) * 9
