"""Served files held in memory, with every response to them worked out once.

The publish pass writes ``feeds/`` as files (so nginx can serve them too).
Each file is read once per change (a ``stat`` per request tells) and kept
with its gzip twin and a strong ETag derived from its bytes, so every
instance and every restart answers a poll with the same ETag. The status
line and header list of each variant (plain or gzip, 200 or 304) are built
on first use and reused, so an unchanged feed costs a ``stat``, two
dictionary look-ups and a 304. Nothing here knows Flask: :mod:`.fastpath`
answers from it before Flask's routing, :mod:`.feeds` behind it.

A feed opened in a browser is a page, not the feed (:mod:`.feedpage`): the
same URL answers a request whose ``Accept`` ranks ``text/html`` above the
feed's types with an HTML page made from the feed's bytes, built once per
version of the feed and cached beside it with its own ETag. Every other
client (feed readers, aggregators, ``curl``) gets the feed's bytes and the
feed's ETag; both answers say ``Vary: Accept`` (README, "For people").

Memory is bounded: documents beyond ``max_bytes`` (archive pages a crawler
walked through, say) are dropped least recently used first.
"""

from __future__ import annotations

import errno
import gzip
import hashlib
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from ..render.feeds.context import FORMATS
from .security import CONTENT_SECURITY_POLICY

log = logging.getLogger(__name__)

MEDIA_TYPES = {
    **{name: f"{media}; charset=utf-8" for name, media in FORMATS.items()},
    "opml.xml": "text/x-opml; charset=utf-8",
}
PAGE_TYPE = "text/html; charset=utf-8"
#: The feed types a browser is offered a page for.
NEGOTIATED = frozenset(MEDIA_TYPES[name] for name in FORMATS)
#: Every type a feed reader may ask for. A request is a browser's when
#: ``text/html`` ranks above all of them: a browser asks ``text/html`` first
#: and ``application/xml`` at q=0.9; a feed reader names some feed type at
#: least as high as ``text/html`` (Miniflux: both at 1; SimplePie, which reads
#: no JSON Feed: Atom at 1, HTML at 0.7) or leaves ``text/html`` out.
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
    "application/json",
)
SUFFIX_TYPES = {
    ".xml": "application/xml; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".html": "text/html; charset=utf-8",
}
#: Default memory budget of a cache: every channel's feeds many times over.
MAX_BYTES = 64 * 1024 * 1024

Headers = list[tuple[str, str]]
#: ``extra_headers(path)``: what a file says besides its bytes (WebSub links, CORS).
ExtraHeaders = Callable[[str], Sequence[tuple[str, str]]]
#: ``render_page(feed)``: the HTML page a browser gets for a feed document.
PageRenderer = Callable[["Document"], bytes]


def _no_extra_headers(_path: str) -> Sequence[tuple[str, str]]:
    return ()


@dataclass
class Document:
    """A served file, with its responses as they are first asked for."""

    body: bytes
    gzipped: bytes
    etag: str
    last_modified: datetime
    media_type: str
    key: tuple[int, int, int]
    #: Headers every response to this file carries (see :data:`ExtraHeaders`).
    extra_headers: tuple[tuple[str, str], ...] = ()
    #: Whether the URL answers browsers with a page: its responses vary on ``Accept``.
    negotiated: bool = False
    _responses: dict[tuple[bool, bool, int], tuple[str, Headers]] = field(
        default_factory=dict, repr=False
    )
    _page: Document | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        #: The ``If-None-Match`` values seen in practice, matched without parsing.
        self.fresh_tags = frozenset(
            f'{weak}"{tag}"' for weak in ("", "W/") for tag in (self.etag, f"{self.etag}-gz")
        )

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gzipped)

    def response(self, *, fresh: bool, gzip: bool, max_age: int) -> tuple[str, Headers, bytes]:
        """Status line, headers and body of one variant (headers shared: don't mutate)."""
        key = (fresh, gzip, max_age)
        known = self._responses.get(key)
        if known is None:
            known = self._responses[key] = self._build(fresh, gzip, max_age)
        status, headers = known
        if fresh:
            return status, headers, b""
        return status, headers, self.gzipped if gzip else self.body

    def _build(self, fresh: bool, gzip: bool, max_age: int) -> tuple[str, Headers]:
        etag = f"{self.etag}-gz" if gzip else self.etag
        headers: Headers = [("ETag", f'"{etag}"')]
        if not fresh:  # a 304 carries no entity headers (as werkzeug sends it)
            headers.append(("Last-Modified", format_datetime(self.last_modified, usegmt=True)))
        headers += [
            ("Cache-Control", f"public, max-age={max_age}"),
            ("Vary", "Accept, Accept-Encoding" if self.negotiated else "Accept-Encoding"),
            ("X-Content-Type-Options", "nosniff"),
            *self.extra_headers,
        ]
        if fresh:
            return "304 NOT MODIFIED", headers + self._page_policy()
        if gzip:
            headers.append(("Content-Encoding", "gzip"))
        headers.append(("Content-Type", self.media_type))
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


def make_document(
    body: bytes,
    media_type: str,
    last_modified: datetime,
    key: tuple[int, int, int],
    *,
    gzipped: bytes = b"",
    extra_headers: Sequence[tuple[str, str]] = (),
) -> Document:
    """A document from its bytes: its strong ETag from them, its gzip twin if not given."""
    digest = hashlib.sha256(body).hexdigest()[:32]
    if not gzipped:
        gzipped = gzip.compress(body, compresslevel=6, mtime=0)
    return Document(
        body,
        gzipped,
        digest,
        last_modified,
        media_type,
        key,
        extra_headers=tuple(extra_headers),
        negotiated=media_type in NEGOTIATED,
    )


def load_document(
    path: str, key: tuple[int, int, int], extra_headers: Sequence[tuple[str, str]] = ()
) -> Document:
    """The file at ``path`` (its ``stat`` key given), with its precompressed twin if it matches."""
    with open(path, "rb") as fh:
        body = fh.read()
    gzipped = b""
    try:
        with open(path + ".gz", "rb") as fh:
            candidate = fh.read()
        if gzip.decompress(candidate) == body:
            gzipped = candidate
    except (OSError, EOFError):
        pass
    name = os.path.basename(path)
    suffix = os.path.splitext(name)[1]
    media = MEDIA_TYPES.get(name) or SUFFIX_TYPES.get(suffix, "application/octet-stream")
    modified = datetime.fromtimestamp(key[0] // 1_000_000_000, UTC)
    return make_document(body, media, modified, key, gzipped=gzipped, extra_headers=extra_headers)


class DocumentCache:
    """Documents by path, re-read only when their ``stat`` changes; LRU within a budget.

    :param extra_headers: the headers a file's responses carry besides the
        usual ones, asked once per version of the file.
    :param render_page: the page a browser gets for a feed; ``None`` serves
        browsers the feed itself.
    """

    def __init__(
        self,
        max_bytes: int = MAX_BYTES,
        *,
        extra_headers: ExtraHeaders = _no_extra_headers,
        render_page: PageRenderer | None = None,
    ) -> None:
        self.max_bytes = max_bytes
        self.extra_headers = extra_headers
        self.render_page = render_page
        self._docs: OrderedDict[str, Document] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, path: str) -> Document | None:
        try:
            st = os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            self._drop(path)
            return None
        except OSError as exc:  # a name no file can have: not a document either
            if exc.errno in (errno.ENAMETOOLONG, errno.ELOOP):
                return None
            raise
        key = (st.st_mtime_ns, st.st_size, st.st_ino)
        doc = self._docs.get(path)
        if doc is not None and doc.key == key:
            return doc
        if not os.path.isfile(path):
            return None
        try:
            fresh = load_document(path, key, self.extra_headers(path))
        except FileNotFoundError:  # replaced between stat and open: the next call reads it
            return None
        self._keep(path, fresh)
        return fresh

    def page(self, path: str, feed: Document) -> Document:
        """The page a browser gets for ``feed`` (the document at ``path``): made on
        first use, kept with the feed and counted against the budget with it.

        Two threads asking at once may both make it; the first one's is kept.
        A feed that cannot be shown as a page (it should not happen: the pass
        wrote it) is served as itself.
        """
        page = feed._page
        if page is not None:
            return page
        if self.render_page is None:
            return feed
        try:
            body: bytes | None = self.render_page(feed)
        except Exception:  # a reader's poll must never fail for a page
            log.exception("feed page: %s cannot be shown as a page; serving the feed", path)
            body = None
        page = feed
        if body is not None:
            page = make_document(
                body, PAGE_TYPE, feed.last_modified, feed.key, extra_headers=feed.extra_headers
            )
            page.negotiated = True  # the same URL as the feed: the answer depends on Accept
        with self._lock:
            if feed._page is not None:
                return feed._page
            feed._page = page
            if page is not feed and self._docs.get(path) is feed:
                self._bytes += page.size
        return page

    def _keep(self, path: str, fresh: Document) -> None:
        with self._lock:
            old = self._docs.pop(path, None)
            self._bytes += fresh.size - (_full_size(old) if old else 0)
            self._docs[path] = fresh
            while self._bytes > self.max_bytes and len(self._docs) > 1:
                _, dropped = self._docs.popitem(last=False)
                self._bytes -= _full_size(dropped)

    def _drop(self, path: str) -> None:
        with self._lock:
            old = self._docs.pop(path, None)
            if old is not None:
                self._bytes -= _full_size(old)

    @property
    def bytes(self) -> int:
        return self._bytes


def _full_size(doc: Document) -> int:
    """A document's bytes in memory, its page's included once made."""
    page = doc._page
    return doc.size + (page.size if page is not None and page is not doc else 0)


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
    """A browser opening a feed's URL: ``Accept`` ranks ``text/html`` above every
    feed type (:data:`FEED_TYPES`), and the document is a feed.

    A feed reader's poll pays one substring test: a header that does not
    name ``text/html`` at all (``*/*``, or a reader's feed types) is not
    parsed. Others are parsed once per distinct value. Anything unusual
    (no header, ``TEXT/HTML``, equal rank) gets the feed.
    """
    if not header or "text/html" not in header or media_type not in NEGOTIATED:
        return False
    known = _browser_memo.get(header)
    if known is not None:
        return known
    accept = parse_accept_header(header, MIMEAccept)
    html = accept["text/html"]
    return _browser_memo.remember(header, html > max(accept[kind] for kind in FEED_TYPES))


def negotiate(cache: DocumentCache, path: str, doc: Document, accept: str | None) -> Document:
    """The document to answer with: the feed's page for a browser, else ``doc`` itself."""
    if prefers_html(accept, doc.media_type):
        return cache.page(path, doc)
    return doc


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
