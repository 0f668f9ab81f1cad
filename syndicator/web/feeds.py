"""Serve the generated feed files with the headers aggregators poll by.

The publish pass writes ``feeds/`` as files (so nginx can serve them too);
this blueprint serves the same tree from :mod:`.documents`, with strong
ETags derived from the bytes (the same on every instance and after
restarts), ``Last-Modified``, 304s, HEAD, gzip, a page instead of the feed
for browsers (:mod:`.feedpage`), and the WebSub links and CORS headers of
:mod:`.feed_headers`. In the running app :mod:`.fastpath` answers GET and
HEAD of these URLs before Flask does; this route answers whatever it
passes on (404s, CORS preflights) and is the reference the fast path is
tested against.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from ..config import WECHAT_DIR
from .db import get_config
from .documents import (  # noqa: F401 - re-exported for callers that know these names
    MEDIA_TYPES,
    NEGOTIATED,
    SUFFIX_TYPES,
    Document,
    DocumentCache,
    accepts_gzip,
    is_fresh,
    negotiate,
    prefers_html,
)
from .fastpath import resolve

bp = Blueprint("feeds", __name__)

CACHE_KEY = "syndicator.documents"


def document_cache() -> DocumentCache:
    return current_app.extensions[CACHE_KEY]


def document_response(path: str, doc: Document, *, max_age: int) -> Response:
    """Headers for caches and pollers, 304 when the client is up to date."""
    doc = negotiate(document_cache(), path, doc, request.headers.get("Accept"))
    fresh = is_fresh(
        doc, request.headers.get("If-None-Match"), request.headers.get("If-Modified-Since")
    )
    status, headers, body = doc.response(
        fresh=fresh, gzip=accepts_gzip(request.headers.get("Accept-Encoding")), max_age=max_age
    )
    # A 304 keeps the document's type for the response hooks (werkzeug drops
    # the header itself), so only HTML documents get the page policy.
    return Response(
        body,
        status=int(status.split()[0]),
        headers=headers,
        content_type=doc.media_type if fresh else None,
    )


def preflight(doc: Document) -> Response:
    """A CORS preflight: a web reader that polls with ``If-None-Match`` asks first.

    Only documents that allow other origins (:mod:`.feed_headers`) say yes.
    """
    response = Response(status=204)
    response.headers["Allow"] = "GET, HEAD, OPTIONS"
    if any(name == "Access-Control-Allow-Origin" for name, _ in doc.extra_headers):
        response.headers.update(
            {
                "Access-Control-Allow-Origin": "*",
                "Access-Control-Allow-Methods": "GET, HEAD",
                "Access-Control-Allow-Headers": "If-None-Match, If-Modified-Since",
                "Access-Control-Max-Age": "86400",
            }
        )
    return response


def not_found(what: str) -> Response:
    what = what if len(what) <= 80 else what[:80] + "…"
    return Response(f"未找到：{what}\n", status=404, content_type="text/plain; charset=utf-8")


@bp.route(
    "/feeds/<path:name>",
    methods=["GET", "HEAD", "OPTIONS"],
    merge_slashes=False,
    provide_automatic_options=False,
)
def serve_feed(name: str) -> Response:
    config = get_config()
    target = resolve(config, name)
    if target is None:
        channel = name.split("/", 1)[0]
        known = config.channel(channel) is not None or channel == WECHAT_DIR
        if "/" in name and not known and "\x00" not in name:
            names = "、".join(c.name for c in config.channels)
            return not_found(f"频道 {channel}（现有频道：{names}）")
        return not_found(name)
    doc = document_cache().get(target[0])
    if doc is None:
        return not_found(name)
    if request.method == "OPTIONS":
        return preflight(doc)
    return document_response(target[0], doc, max_age=target[1])
