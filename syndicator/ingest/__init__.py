"""Turn input files into :class:`~syndicator.model.Article` objects.

Importers only parse: they return a :class:`ParsedFile` and the caller
saves it, so a dry run is the same code path minus the store. Every
importer reports what it could not place (``dropped``) and what it had to
guess (``warnings``) instead of losing text silently.
"""

from __future__ import annotations

from pathlib import Path, PurePath
from typing import Literal

from ..errors import InputError
from ..model import Article
from ..model.limits import check_article_limits
from .decode import MAX_FILE_BYTES, check_bytes, decode_text, read_bytes
from .jsonfile import parse_json
from .parsed import (
    FACTS,
    Dropped,
    Format,
    ImportOptions,
    ImportWarning,
    MissingFactError,
    Origin,
    ParsedFile,
)
from .sanitize import sanitize_article

__all__ = [
    "FACTS",
    "MAX_FILE_BYTES",
    "Dropped",
    "Format",
    "ImportOptions",
    "ImportWarning",
    "MissingFactError",
    "Origin",
    "ParsedFile",
    "decode_text",
    "detect_format",
    "load_bytes",
    "load_file",
    "parse_json",
    "read_bytes",
]


def detect_format(path: PurePath | str, text: str) -> Literal["epaper", "json"]:
    """``json`` for ``.json`` files or text starting with ``{``/``[``, else ``epaper``."""
    if PurePath(path).suffix.lower() == ".json":
        return "json"
    head = text.lstrip()[:1]
    return "json" if head in ("{", "[") else "epaper"


def load_file(path: str | Path, options: ImportOptions, fmt: Format = "auto") -> ParsedFile:
    """Parse one file into articles without touching the store.

    :raises InputError: naming file, line and field of the first problem.
    """
    path = Path(path)
    return load_bytes(read_bytes(path), str(path), options, fmt)


def load_bytes(
    data: bytes, source: str, options: ImportOptions, fmt: Format = "auto"
) -> ParsedFile:
    """Parse one file's content, read already (an upload), without touching the store.

    :param source: the file's name: it picks the format as a path's suffix
        would (``.json``) and names the file in errors and warnings.
    :raises InputError: naming file, line and field of the first problem.
    """
    check_bytes(data, source)
    text = decode_text(data, source, options.encoding)
    if not text.strip():
        raise InputError("file is empty", file=source)
    kind = detect_format(source, text) if fmt == "auto" else fmt
    if kind == "json":
        return parse_json(text, source=source, options=options)
    # The e-paper parser loads its rules when a page comes: the ingest API's
    # worker takes JSON only and need not import them at every start.
    from .epaper import parse_page

    parsed = parse_page(text, source=source, options=options)
    parsed.articles = [sanitize_article(_within_limits(a, source)) for a in parsed.articles]
    return parsed


def _within_limits(article: Article, source: str) -> Article:
    """An e-paper article, refused at its first line when it is over a limit.

    A page file is bounded already (lines, characters); this holds its
    articles to the limits a JSON file or an API request is held to.
    """
    try:
        check_article_limits(article.to_dict())
    except InputError as exc:
        lines = article.extra.get("lines")
        line = lines[0] if isinstance(lines, list) and lines else None
        raise exc.located(file=source, line=line) from None
    return article
