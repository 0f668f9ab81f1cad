"""A thin WSGI path for ``/feeds/``: answered from memory before Flask's routing.

Aggregators poll feeds thousands of times for every page a person opens,
and almost every poll is a 304. Flask's request and response objects,
routing and hooks cost many times what the answer itself does, so this
middleware sits in front of the Flask app and answers ``GET``/``HEAD`` of
an existing feed document straight from :class:`.documents.DocumentCache`
with headers built once per document. Everything else (other URLs, other
methods, names it does not serve: 404s, dotfiles, ``.gz`` twins) goes on
to Flask unchanged, and the Flask route in :mod:`.feeds` answers exactly
as this path does (a test compares them header by header). A browser
asking for a feed gets the feed's page; telling it from a reader costs a
reader's poll one substring test of ``Accept`` (:func:`.documents.prefers_html`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from time import perf_counter
from typing import Any

from werkzeug.security import safe_join

from ..config import WECHAT_DIR, Config
from ..render.feeds.context import ARCHIVE_DIR
from .access_log import RequestLog
from .documents import DocumentCache, accepts_gzip, is_fresh, negotiate

PREFIX = "/feeds/"
#: Counted and logged (:mod:`.access_log`) under the Flask route's name.
HANDLER = "feeds.serve_feed"
#: The longest file name and path the filesystem takes (Linux ``NAME_MAX``,
#: ``PATH_MAX``): a longer name is not a file we wrote, and asking ``stat``
#: about it only raises ``ENAMETOOLONG``.
NAME_MAX = 255
PATH_MAX = 4096
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def resolve(config: Config, name: str) -> tuple[str, int] | None:
    """The file behind ``/feeds/<name>`` and its ``max-age``; ``None`` if not served.

    Serves the channels' documents and the WeChat posts the pass writes
    (``wechat/<id>.html`` and ``.json``). Refuses the compressed twins,
    temporary and hidden files, NUL bytes, unknown channels and anything
    escaping the output dir.
    """
    if not name or name.endswith((".gz", ".tmp")) or "/." in f"/{name}" or "\x00" in name:
        return None
    channel = name.split("/", 1)[0]
    if "/" in name and config.channel(channel) is None and channel != WECHAT_DIR:
        return None
    joined = safe_join(str(config.output_dir), name)
    if joined is None or _too_long(joined, name):
        return None
    # Archive pages only change when an archived article is corrected or
    # withdrawn; everything else may change on the next pass.
    parts = name.split("/")
    archived = len(parts) == 4 and parts[1] == ARCHIVE_DIR  # <channel>/archive/<day>/<file>
    return joined, config.feeds.archive_max_age if archived else config.scheduler.interval


def _too_long(joined: str, name: str) -> bool:
    """Whether the filesystem would refuse ``joined`` as too long a path or name."""
    if len(joined.encode("utf-8", "surrogatepass")) >= PATH_MAX:
        return True
    return any(len(part.encode("utf-8", "surrogatepass")) > NAME_MAX for part in name.split("/"))


class FeedFastPath:
    """WSGI middleware answering feed documents from memory, else calling ``app``.

    :param log: counts and logs the answers given here (``app`` is wrapped
        in it for the rest): a poll then pays for one counter and, when on,
        its log line, and for no wrapping of its response.
    """

    MAX_NAMES = 20_000

    def __init__(
        self, app: WSGIApp, config: Config, cache: DocumentCache, log: RequestLog | None = None
    ) -> None:
        self.app = app
        self.config = config
        self.cache = cache
        self.log = log
        self._names: dict[str, tuple[str, int] | None] = {}

    def _resolve(self, name: str) -> tuple[str, int] | None:
        try:
            return self._names[name]
        except KeyError:
            pass
        if len(self._names) >= self.MAX_NAMES:
            self._names.clear()
        found = self._names[name] = resolve(self.config, name)
        return found

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD")
        if not path.startswith(PREFIX) or (method != "GET" and method != "HEAD"):
            return self.app(environ, start_response)
        started = perf_counter()
        target = self._resolve(path[len(PREFIX) :])
        doc = self.cache.get(target[0]) if target is not None else None
        if target is None or doc is None:
            return self.app(environ, start_response)  # Flask says 404, in its own words
        doc = negotiate(self.cache, target[0], doc, environ.get("HTTP_ACCEPT"))
        fresh = is_fresh(
            doc, environ.get("HTTP_IF_NONE_MATCH"), environ.get("HTTP_IF_MODIFIED_SINCE")
        )
        status, headers, body = doc.response(
            fresh=fresh, gzip=accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING")), max_age=target[1]
        )
        start_response(status, list(headers))
        sent = [] if method == "HEAD" or not body else [body]
        if self.log is not None:
            self.log.done(environ, status, len(body) if sent else 0, started, HANDLER)
        return sent
