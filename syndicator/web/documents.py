"""Served files held in memory, with every response to them worked out once.

The publish pass writes ``feeds/`` as files (so nginx can serve them too).
Each file is read once per change (a ``stat`` per request tells) and kept
with its gzip twin and a strong ETag derived from its bytes, so every
instance and every restart answers a poll with the same ETag. The status
line and header list of each variant (plain or gzip, feed type or the
browser's ``application/xml``, 200 or 304) are built on first use and
reused, so an unchanged feed costs a ``stat``, two dictionary look-ups and
a 304. Nothing here knows Flask: :mod:`.fastpath` answers from it before
Flask's routing, :mod:`.feeds` behind it.

Memory is bounded: documents beyond ``max_bytes`` (archive pages a crawler
walked through, say) are dropped least recently used first.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from ..render.feeds.context import FORMATS
from .security import CONTENT_SECURITY_POLICY

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
#: Default memory budget of a cache: every channel's feeds many times over.
MAX_BYTES = 64 * 1024 * 1024

Headers = list[tuple[str, str]]


@dataclass
class Document:
    """A served file, with its responses as they are first asked for."""

    body: bytes
    gzipped: bytes
    etag: str
    last_modified: datetime
    media_type: str
    key: tuple[int, int, int]
    _responses: dict[tuple[bool, bool, bool, int], tuple[str, Headers]] = field(
        default_factory=dict, repr=False
    )

    def __post_init__(self) -> None:
        #: The ``If-None-Match`` values seen in practice, matched without parsing.
        self.fresh_tags = frozenset(
            f'{weak}"{tag}"' for weak in ("", "W/") for tag in (self.etag, f"{self.etag}-gz")
        )

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gzipped)

    @property
    def negotiated(self) -> bool:
        return self.media_type in NEGOTIATED

    def response(
        self, *, fresh: bool, gzip: bool, browser: bool, max_age: int
    ) -> tuple[str, Headers, bytes]:
        """Status line, headers and body of one variant (headers shared: don't mutate)."""
        key = (fresh, gzip, browser, max_age)
        known = self._responses.get(key)
        if known is None:
            known = self._responses[key] = self._build(fresh, gzip, browser, max_age)
        status, headers = known
        if fresh:
            return status, headers, b""
        return status, headers, self.gzipped if gzip else self.body

    def _build(self, fresh: bool, gzip: bool, browser: bool, max_age: int) -> tuple[str, Headers]:
        etag = f"{self.etag}-gz" if gzip else self.etag
        headers: Headers = [("ETag", f'"{etag}"')]
        if not fresh:  # a 304 carries no entity headers (as werkzeug sends it)
            headers.append(("Last-Modified", format_datetime(self.last_modified, usegmt=True)))
        headers += [
            ("Cache-Control", f"public, max-age={max_age}"),
            ("Vary", "Accept, Accept-Encoding" if self.negotiated else "Accept-Encoding"),
            ("X-Content-Type-Options", "nosniff"),
        ]
        if fresh:
            return "304 NOT MODIFIED", headers + self._page_policy()
        if gzip:
            headers.append(("Content-Encoding", "gzip"))
        media = BROWSER_TYPE if browser and self.negotiated else self.media_type
        headers.append(("Content-Type", media))
        headers.append(("Content-Length", str(len(self.gzipped if gzip else self.body))))
        return "200 OK", headers + self._page_policy()

    def _page_policy(self) -> Headers:
        """What :mod:`.security` adds to every HTML response (a WeChat post's file)."""
        if not self.media_type.startswith("text/html"):
            return []
        return [
            ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
            ("X-Frame-Options", "DENY"),
            ("Referrer-Policy", "no-referrer"),
        ]


def load_document(path: str, key: tuple[int, int, int]) -> Document:
    with open(path, "rb") as fh:
        body = fh.read()
    digest = hashlib.sha256(body).hexdigest()[:32]
    gzipped = b""
    try:
        with open(path + ".gz", "rb") as fh:
            candidate = fh.read()
        if gzip.decompress(candidate) == body:
            gzipped = candidate
    except (OSError, EOFError):
        pass
    if not gzipped:
        gzipped = gzip.compress(body, compresslevel=6, mtime=0)
    name = os.path.basename(path)
    suffix = os.path.splitext(name)[1]
    media = MEDIA_TYPES.get(name) or SUFFIX_TYPES.get(suffix, "application/octet-stream")
    modified = datetime.fromtimestamp(key[0] // 1_000_000_000, UTC)
    return Document(body, gzipped, digest, modified, media, key)


class DocumentCache:
    """Documents by path, re-read only when their ``stat`` changes; LRU within a budget."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._docs: OrderedDict[str, Document] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, path: str) -> Document | None:
        try:
            st = os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            self._drop(path)
            return None
        key = (st.st_mtime_ns, st.st_size, st.st_ino)
        doc = self._docs.get(path)
        if doc is not None and doc.key == key:
            return doc
        if not os.path.isfile(path):
            return None
        try:
            fresh = load_document(path, key)
        except FileNotFoundError:  # replaced between stat and open: the next call reads it
            return None
        with self._lock:
            old = self._docs.pop(path, None)
            self._bytes += fresh.size - (old.size if old else 0)
            self._docs[path] = fresh
            while self._bytes > self.max_bytes and len(self._docs) > 1:
                _, dropped = self._docs.popitem(last=False)
                self._bytes -= dropped.size
        return fresh

    def _drop(self, path: str) -> None:
        with self._lock:
            old = self._docs.pop(path, None)
            if old is not None:
                self._bytes -= old.size

    @property
    def bytes(self) -> int:
        return self._bytes


# -- request headers, parsed once per distinct value ------------------------------


class _Memo(dict):
    """A small memo of header value -> parsed answer; cleared when it grows large."""

    LIMIT = 512

    def remember(self, key: object, value: bool) -> bool:
        if len(self) >= self.LIMIT:
            self.clear()
        self[key] = value
        return value


_gzip_memo = _Memo()
_browser_memo = _Memo()


def accepts_gzip(header: str | None) -> bool:
    """``Accept-Encoding`` gives gzip a non-zero quality (as werkzeug reads it)."""
    if not header:
        return False
    known = _gzip_memo.get(header)
    if known is not None:
        return known
    return _gzip_memo.remember(header, parse_accept_header(header)["gzip"] > 0)


def prefers_html(header: str | None, media_type: str) -> bool:
    """A browser: ``Accept`` ranks ``text/html`` above the feed's own type."""
    if not header:
        return False
    key = (header, media_type)
    known = _browser_memo.get(key)
    if known is not None:
        return known
    accept = parse_accept_header(header, MIMEAccept)
    return _browser_memo.remember(key, accept["text/html"] > accept[media_type.split(";")[0]])


def etag_matches(header: str, etag: str) -> bool:
    """``If-None-Match`` uses weak comparison: either variant of our tag matches."""
    if header.strip() == "*":
        return True
    for candidate in header.split(","):
        tag = candidate.strip()
        tag = tag.removeprefix("W/").strip('"')
        if tag in (etag, f"{etag}-gz"):
            return True
    return False


def not_modified_since(header: str, modified: datetime) -> bool:
    """Exact match, as nginx does: a feed whose time went back is still sent."""
    try:
        since = parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return since == modified


def is_fresh(doc: Document, if_none_match: str | None, if_modified_since: str | None) -> bool:
    if if_none_match:
        return if_none_match in doc.fresh_tags or etag_matches(if_none_match, doc.etag)
    return bool(if_modified_since and not_modified_since(if_modified_since, doc.last_modified))
