"""Every request, measured and logged once: a WSGI middleware around the app.

It wraps the Flask app; the feed fast path (:mod:`.fastpath`), which sits
outside it, reports its own answers to it (:meth:`RequestLog.done`). So a
feed poll answered from memory and a desk page are counted the same way:
``syndicator_http_requests_total{handler,code}`` and (but for the fast
path) the duration histogram, and one access-log line on stderr when
``[log] access`` is on (``access_format``: ``json``, one object per line;
``combined``, the Apache/nginx format with the duration in milliseconds
at the end).

The duration runs until the body has been handed to the server in full
(or the server closed it); the bytes are the body's. The route is the
Flask endpoint (``feeds.serve_feed`` for the fast path too), or
``unmatched`` when no route took the URL. The client address is the one
``[server] proxies`` trusts in ``X-Forwarded-For``, as Flask sees it.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import IO, Any

from .. import metrics
from ..config import Config

#: Where the app puts the name of the route that answered (Flask and the fast path).
ROUTE_KEY = "syndicator.route"
UNMATCHED = "unmatched"
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class RequestLog:
    """WSGI middleware: request metrics and the access log around ``app``.

    :param stream: where lines go; ``None``: ``sys.stderr`` as it is when writing.
    """

    def __init__(self, app: WSGIApp, config: Config, stream: IO[str] | None = None) -> None:
        self.app = app
        self.proxies = config.server.proxies
        self.stream = stream
        self.access = config.log.access
        self.line = json_line if config.log.access_format == "json" else combined_line
        self._lock = threading.Lock()
        self._counters: dict[tuple[str, str], Any] = {}
        self._timers: dict[str, Any] = {}

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        started = time.perf_counter()
        status: list[str] = []

        def start(code: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            status[:] = [code]
            return start_response(code, headers, exc_info)

        try:
            body = self.app(environ, start)
        except BaseException:
            self.done(environ, "500", 0, started)  # the server answers 500 for us
            raise
        return _Body(body, self, environ, status, started)

    def done(
        self,
        environ: dict[str, Any],
        status: str,
        size: int,
        started: float,
        fast: str | None = None,
    ) -> None:
        """Count one finished request and log it.

        :param fast: the route of an answer from the feed fast path, which
            is counted but not timed: it takes microseconds in Python, and
            the histogram would cost about as much as the answer.
        """
        elapsed = time.perf_counter() - started
        route = fast or environ.get(ROUTE_KEY, UNMATCHED)
        code = status[:3]
        counter = self._counters.get((route, code))
        if counter is None:
            counter = self._counters[route, code] = metrics.REQUESTS.child(handler=route, code=code)
        counter.inc()
        if fast is None:
            timer = self._timers.get(route)
            if timer is None:
                timer = self._timers[route] = metrics.REQUEST_SECONDS.child(handler=route)
            timer.observe(elapsed)
        if self.access:
            line = self.line(environ, int(code), size, elapsed, route, self.client(environ))
            with self._lock:
                (self.stream or sys.stderr).write(line + "\n")

    def client(self, environ: dict[str, Any]) -> str:
        """The client's address: the one ``proxies`` trusted proxies saw, as ProxyFix says."""
        direct: str = environ.get("REMOTE_ADDR") or "-"
        if not self.proxies:
            return direct
        forwarded = environ.get("HTTP_X_FORWARDED_FOR")
        if not forwarded:
            return direct
        hops = [hop.strip() for hop in forwarded.split(",")]
        return hops[-self.proxies] if len(hops) >= self.proxies else direct


class _Body:
    """The app's body, passed through, counted, and logged when finished or closed."""

    def __init__(
        self,
        body: Iterable[bytes],
        log: RequestLog,
        environ: dict[str, Any],
        status: list[str],
        started: float,
    ) -> None:
        self.body, self.log, self.environ, self.status = body, log, environ, status
        self.started, self.size, self.logged = started, 0, False

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.body:
            self.size += len(chunk)
            yield chunk
        self._finish()

    def close(self) -> None:
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            self._finish()

    def _finish(self) -> None:
        if not self.logged:
            self.logged = True
            status = self.status[0] if self.status else "500"
            self.log.done(self.environ, status, self.size, self.started)


# -- line formats ------------------------------------------------------------------------


def _text(value: str) -> str:
    """A WSGI string (bytes as Latin-1) as the UTF-8 text it was sent as, where it was."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def _target(environ: dict[str, Any]) -> str:
    path = _text(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""))
    query = environ.get("QUERY_STRING")
    return f"{path}?{_text(query)}" if query else path


#: Line breaks for some readers (``str.splitlines``, JavaScript) that JSON leaves raw.
_BREAKS = {0x85: "\\u0085", 0x2028: "\\u2028", 0x2029: "\\u2029"}
#: A JSON string literal, non-ASCII kept (the C encoder ``json.dumps`` uses).
_string = json.encoder.encode_basestring
_second: tuple[int, str] = (0, "")


def _now() -> str:
    """The time in ISO 8601 with milliseconds and zone; the seconds part made once a second."""
    global _second
    now = time.time()
    whole = int(now)
    second = _second  # one read: another thread may replace it meanwhile
    if second[0] != whole:
        second = _second = (whole, datetime.fromtimestamp(whole, UTC).strftime("%Y-%m-%dT%H:%M:%S"))
    return f"{second[1]}.{int((now - whole) * 1000):03d}+00:00"


def json_line(
    environ: dict[str, Any], status: int, size: int, elapsed: float, route: str, client: str
) -> str:
    """One JSON object, non-ASCII kept: what a log shipper indexes without parsing prose.

    Assembled by hand from JSON string literals: ``json.dumps`` of a dict
    cost several times what a feed poll does.
    """
    line = (
        f'{{"time": "{_now()}", "event": "access", '
        f'"method": {_string(environ.get("REQUEST_METHOD", ""))}, '
        f'"path": {_string(_target(environ))}, "status": {status}, "bytes": {size}, '
        f'"duration_ms": {round(elapsed * 1000, 3)!r}, "remote_addr": {_string(client)}, '
        f'"user_agent": {_string(_text(environ.get("HTTP_USER_AGENT", "")))}, '
        f'"route": {_string(route)}}}'
    )
    return line if line.isascii() else line.translate(_BREAKS)


def _quoted(value: str) -> str:
    """Inside double quotes, as nginx escapes: ``"``, ``\\`` and control characters as ``\\xHH``."""
    return "".join(
        f"\\x{ord(c):02X}" if c in '"\\' or ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F else c
        for c in value
    ).translate(_BREAKS)


def combined_line(
    environ: dict[str, Any], status: int, size: int, elapsed: float, route: str, client: str
) -> str:
    """The combined format (Apache's, nginx's default), then the duration in milliseconds."""
    now = datetime.now().astimezone().strftime("%d/%b/%Y:%H:%M:%S %z")
    request = " ".join(
        (
            environ.get("REQUEST_METHOD", ""),
            _target(environ),
            environ.get("SERVER_PROTOCOL", "HTTP/1.1"),
        )
    )
    referer = _text(environ.get("HTTP_REFERER", "")) or "-"
    agent = _text(environ.get("HTTP_USER_AGENT", "")) or "-"
    return (
        f'{_quoted(client)} - - [{now}] "{_quoted(request)}" {status} {size} '
        f'"{_quoted(referer)}" "{_quoted(agent)}" {elapsed * 1000:.3f}ms'
    )
