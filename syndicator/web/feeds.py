"""Serve the generated feed files with the headers aggregators poll by.

The publish pass writes ``feeds/`` as files (so nginx can serve them too);
this blueprint serves the same tree. Each document is read once per
change and kept in memory with its gzip twin and a strong ETag derived
from its bytes, so every instance and every restart answers a poll with
the same ETag, and an unchanged feed costs a ``stat`` and a 304.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

from flask import Blueprint, Response, request
from werkzeug.security import safe_join

from ..render.feeds import ARCHIVE_DIR, FORMATS
from .db import get_config

bp = Blueprint("feeds", __name__)

MEDIA_TYPES = {
    **{name: f"{media}; charset=utf-8" for name, media in FORMATS.items()},
    "opml.xml": "text/x-opml; charset=utf-8",
}
#: What a browser gets instead of the feed types. Chromium shows
#: ``application/rss+xml`` and ``application/atom+xml`` as raw text and never
#: applies the feed's XSL stylesheet, but renders ``application/xml`` through
#: it. Browsers ask for ``text/html`` first; feed readers do not.
BROWSER_TYPE = "application/xml; charset=utf-8"
NEGOTIATED = frozenset({MEDIA_TYPES["rss.xml"], MEDIA_TYPES["atom.xml"]})
SUFFIX_TYPES = {
    ".xml": "application/xml; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".xsl": "text/xsl; charset=utf-8",
    ".html": "text/html; charset=utf-8",
}


@dataclass(frozen=True)
class Document:
    """A served file held in memory, with everything its responses need."""

    body: bytes
    gzipped: bytes
    etag: str
    last_modified: datetime
    media_type: str
    key: tuple[int, int, int]


class DocumentCache:
    """Documents under one directory, re-read only when their ``stat`` changes."""

    def __init__(self) -> None:
        self._docs: dict[Path, Document] = {}
        self._lock = threading.Lock()

    def get(self, path: Path) -> Document | None:
        try:
            st = path.stat()
        except (FileNotFoundError, NotADirectoryError):
            self._docs.pop(path, None)
            return None
        key = (st.st_mtime_ns, st.st_size, st.st_ino)
        doc = self._docs.get(path)
        if doc is not None and doc.key == key:
            return doc
        with self._lock:
            doc = _load(path, key)
            self._docs[path] = doc
        return doc


def _load(path: Path, key: tuple[int, int, int]) -> Document:
    body = path.read_bytes()
    digest = hashlib.sha256(body).hexdigest()[:32]
    gz_path = path.with_name(path.name + ".gz")
    gzipped = b""
    try:
        candidate = gz_path.read_bytes()
        if gzip.decompress(candidate) == body:
            gzipped = candidate
    except (OSError, EOFError):
        pass
    if not gzipped:
        gzipped = gzip.compress(body, compresslevel=6, mtime=0)
    media = MEDIA_TYPES.get(path.name) or SUFFIX_TYPES.get(path.suffix, "application/octet-stream")
    modified = datetime.fromtimestamp(key[0] // 1_000_000_000, UTC)
    return Document(body, gzipped, digest, modified, media, key)


_cache = DocumentCache()


def _etag_matches(header: str, etag: str) -> bool:
    """``If-None-Match`` uses weak comparison: either variant of our tag matches."""
    if header.strip() == "*":
        return True
    for candidate in header.split(","):
        tag = candidate.strip()
        tag = tag.removeprefix("W/").strip('"')
        if tag in (etag, f"{etag}-gz"):
            return True
    return False


def _not_modified_since(header: str, modified: datetime) -> bool:
    """Exact match, as nginx does: a feed whose time went back is still sent."""
    try:
        since = parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return since == modified


def _media_type(doc: Document) -> str:
    """The feed's own type for feed readers, ``application/xml`` for browsers."""
    if doc.media_type in NEGOTIATED:
        accept = request.accept_mimetypes
        if accept["text/html"] > accept[doc.media_type.split(";")[0]]:
            return BROWSER_TYPE
    return doc.media_type


def document_response(doc: Document, *, max_age: int) -> Response:
    """Headers for caches and pollers, 304 when the client is up to date."""
    wants_gzip = request.accept_encodings["gzip"] > 0
    etag = f"{doc.etag}-gz" if wants_gzip else doc.etag
    negotiated = doc.media_type in NEGOTIATED
    headers = {
        "ETag": f'"{etag}"',
        "Last-Modified": format_datetime(doc.last_modified, usegmt=True),
        "Cache-Control": f"public, max-age={max_age}",
        "Vary": "Accept, Accept-Encoding" if negotiated else "Accept-Encoding",
        "X-Content-Type-Options": "nosniff",
    }
    inm = request.headers.get("If-None-Match")
    ims = request.headers.get("If-Modified-Since")
    fresh = (
        _etag_matches(inm, doc.etag)
        if inm
        else bool(ims) and _not_modified_since(ims, doc.last_modified)
    )
    if fresh:
        return Response(status=304, headers=headers)
    body = doc.gzipped if wants_gzip else doc.body
    if wants_gzip:
        headers["Content-Encoding"] = "gzip"
    return Response(body, status=200, headers=headers, content_type=_media_type(doc))


def not_found(what: str) -> Response:
    what = what if len(what) <= 80 else what[:80] + "…"
    return Response(f"未找到：{what}\n", status=404, content_type="text/plain; charset=utf-8")


@bp.route("/feeds/<path:name>", methods=["GET", "HEAD"], merge_slashes=False)
def serve_feed(name: str) -> Response:
    config = get_config()
    root = config.output_dir
    if name.endswith((".gz", ".tmp")) or "/." in f"/{name}" or "\x00" in name:
        return not_found(name)
    channel = name.split("/", 1)[0]
    if "/" in name and config.channel(channel) is None:
        names = "、".join(c.name for c in config.channels)
        return not_found(f"频道 {channel}（现有频道：{names}）")
    joined = safe_join(str(root), name)
    if joined is None:
        return not_found(name)
    doc = _cache.get(Path(joined))
    if doc is None:
        return not_found(name)
    # Archive pages only change when an archived article is corrected or
    # withdrawn; everything else may change on the next pass.
    parts = name.split("/")
    archived = len(parts) == 4 and parts[1] == ARCHIVE_DIR  # <channel>/archive/<day>/<file>
    max_age = config.feeds.archive_max_age if archived else config.scheduler.interval
    return document_response(doc, max_age=max_age)
