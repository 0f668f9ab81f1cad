"""Turn input files into :class:`~syndicator.model.Article` objects.

Importers only parse: they return a :class:`ParsedFile` and the caller
saves it, so a dry run is the same code path minus the store. Every
importer reports what it could not place (``dropped``) and what it had to
guess (``warnings``) instead of losing text silently.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from ..errors import InputError
from ..model import Article, Edition
from .sanitize import xml_safe

Format = Literal["auto", "epaper", "json"]

#: Larger files are refused before decoding: no newspaper page comes close,
#: and a runaway upload must not stall the importer.
MAX_FILE_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Dropped:
    """A non-blank input line that is deliberately not part of any article."""

    line: int
    text: str
    reason: str  # "masthead", "page label", "chrome", "footer", ...

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "text": self.text, "reason": self.reason}


@dataclass(frozen=True)
class ImportWarning:
    """Something the importer was unsure of, with where it was."""

    line: int | None
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "message": self.message}


@dataclass
class ParsedFile:
    """What one input file holds."""

    source: str
    edition: Edition | None = None
    articles: list[Article] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    warnings: list[ImportWarning] = field(default_factory=list)
    #: Articles whose input names their ``status`` (JSON): only those may
    #: bring a withdrawn article back (see ``store.save_articles``).
    stated: frozenset[str] = frozenset()

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "edition": self.edition.to_dict() if self.edition else None,
            "articles": [a.to_dict() for a in self.articles],
            "dropped": [d.to_dict() for d in self.dropped],
            "warnings": [w.to_dict() for w in self.warnings],
        }


@dataclass(frozen=True)
class ImportOptions:
    """Settings an importer needs from the configuration and the command line."""

    paper_id: str = "zjgrrb"
    paper_name: str = "浙江工人日报"
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    publish_time: time = time(6, 0)
    edition: date | None = None
    page: int | None = None
    encoding: str | None = None  # None or "auto": detect


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
    if not data.strip():
        raise InputError("file is empty", file=name)
    return data


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


def detect_format(path: Path, text: str) -> Literal["epaper", "json"]:
    """``json`` for ``.json`` files or text starting with ``{``/``[``, else ``epaper``."""
    if path.suffix.lower() == ".json":
        return "json"
    head = text.lstrip()[:1]
    return "json" if head in ("{", "[") else "epaper"


def load_file(path: str | Path, options: ImportOptions, fmt: Format = "auto") -> ParsedFile:
    """Parse one file into articles without touching the store.

    :raises InputError: naming file, line and field of the first problem.
    """
    path = Path(path)
    source = str(path)
    data = read_bytes(path)
    text = decode_text(data, source, options.encoding)
    if not text.strip():
        raise InputError("file is empty", file=source)
    kind = detect_format(path, text) if fmt == "auto" else fmt
    if kind == "json":
        from .jsonfile import parse_json

        return parse_json(text, source=source, options=options)
    from .epaper import parse_page
    from .sanitize import sanitize_article

    parsed = parse_page(text, source=source, options=options)
    parsed.articles = [sanitize_article(a) for a in parsed.articles]
    return parsed
