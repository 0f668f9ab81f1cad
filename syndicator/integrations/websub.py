"""WebSub publish pings: tell each hub which feeds changed, in the background.

After a pass that rewrote a channel's feed, every hub in ``feeds.hubs`` gets
one ``POST hub.mode=publish&hub.url=<feed URL>`` per changed feed URL (the
convention of PubSubHubbub 0.4 hubs; the hub then fetches the feed and
pushes it to subscribers). The pass only enqueues: each hub has its own
worker thread, so a hub that is down or slow delays neither the pass nor
the other hubs. A failed ping (no connection, timeout, 5xx, 429) is retried
after ``feeds.hub_retry_delay`` seconds, doubling each time, up to
``feeds.hub_attempts`` attempts; other 4xx answers are final.

A URL already waiting for a hub is not queued twice: when its ping goes
out, the hub fetches the newest feed anyway.
"""

from __future__ import annotations

import heapq
import logging
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Sequence

from .. import __version__
from ..config import Config

log = logging.getLogger(__name__)

#: The subscription documents a hub can be told about: ``<channel>/<file>``.
TOPIC_FILES = ("rss.xml", "atom.xml", "feed.json")
TIMEOUT = 10.0
MAX_DELAY = 600.0

#: ``send(hub, topic)`` -> HTTP status, or raises ``OSError`` when unreachable.
Sender = Callable[[str, str], int]


def changed_topics(config: Config, written: Sequence[str]) -> list[str]:
    """The public URLs of the subscription documents among ``written`` paths.

    Archive pages, the OPML list and the stylesheet are not WebSub topics.
    """
    topics = []
    for path in written:
        parts = path.split("/")
        if len(parts) == 2 and parts[1] in TOPIC_FILES and config.channel(parts[0]):
            topics.append(f"{config.site.base_url}/feeds/{path}")
    return topics


def post_publish(hub: str, topic: str) -> int:
    """POST one publish ping; return the HTTP status."""
    body = urllib.parse.urlencode({"hub.mode": "publish", "hub.url": topic}).encode()
    request = urllib.request.Request(
        hub,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "User-Agent": f"syndicator/{__version__} (WebSub publisher)",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


class _HubWorker:
    """One hub's queue of pings, due times and retries, on its own thread."""

    def __init__(self, hub: str, send: Sender, attempts: int, delay: float) -> None:
        self.hub = hub
        self._send = send
        self._attempts = attempts
        self._delay = delay
        self._heap: list[tuple[float, int, str, int]] = []  # (due, seq, topic, attempt)
        self._waiting: set[str] = set()
        self._busy = 0
        self._seq = 0
        self._cond = threading.Condition()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name=f"websub {hub}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def enqueue(self, topic: str) -> None:
        with self._cond:
            if topic in self._waiting:
                return
            self._waiting.add(topic)
            self._push(time.monotonic(), topic, 1)

    def _push(self, due: float, topic: str, attempt: int) -> None:
        self._seq += 1
        heapq.heappush(self._heap, (due, self._seq, topic, attempt))
        self._cond.notify_all()

    def idle(self) -> bool:
        with self._cond:
            return not self._heap and not self._busy

    def stop(self, timeout: float | None) -> None:
        if not self._thread.is_alive():
            return
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stopping and (
                    not self._heap or self._heap[0][0] > time.monotonic()
                ):
                    wait = self._heap[0][0] - time.monotonic() if self._heap else None
                    self._cond.wait(wait)
                if self._stopping:
                    return
                _due, _seq, topic, attempt = heapq.heappop(self._heap)
                self._waiting.discard(topic)
                self._busy += 1
            try:
                self._attempt(topic, attempt)
            finally:
                with self._cond:
                    self._busy -= 1
                    self._cond.notify_all()

    def _attempt(self, topic: str, attempt: int) -> None:
        try:
            status = self._send(self.hub, topic)
            problem = None if 200 <= status < 300 else f"HTTP {status}"
            retry = status >= 500 or status == 429
        except OSError as exc:  # refused, unreachable, timed out
            problem, retry = str(exc), True
        if problem is None:
            log.info("websub: %s notified of %s", self.hub, topic)
            return
        if not retry or attempt >= self._attempts:
            log.warning(
                "websub: giving up on %s for %s after %d attempt(s): %s",
                self.hub,
                topic,
                attempt,
                problem,
            )
            return
        delay = min(MAX_DELAY, self._delay * 2 ** (attempt - 1))
        log.warning(
            "websub: %s failed for %s (%s); retry %d in %.1fs",
            self.hub,
            topic,
            problem,
            attempt + 1,
            delay,
        )
        with self._cond:
            if topic not in self._waiting:  # a newer ping may be queued already
                self._waiting.add(topic)
                self._push(time.monotonic() + delay, topic, attempt + 1)


class Pinger:
    """Background publish pings to every configured hub.

    :param send: the HTTP call, replaceable in tests; default :func:`post_publish`.
    """

    def __init__(
        self,
        hubs: Iterable[str],
        *,
        attempts: int = 8,
        retry_delay: float = 5.0,
        send: Sender | None = None,
    ) -> None:
        self._workers = [
            _HubWorker(hub, send or post_publish, attempts, retry_delay) for hub in hubs
        ]
        self._started = False

    @classmethod
    def from_config(cls, config: Config, send: Sender | None = None) -> Pinger:
        return cls(
            config.feeds.hubs,
            attempts=config.feeds.hub_attempts,
            retry_delay=config.feeds.hub_retry_delay,
            send=send,
        )

    def start(self) -> Pinger:
        if not self._started:
            self._started = True
            for worker in self._workers:
                worker.start()
        return self

    def publish(self, topics: Iterable[str]) -> None:
        """Queue a ping for each topic to every hub; returns at once."""
        topics = list(dict.fromkeys(topics))
        for worker in self._workers:
            for topic in topics:
                worker.enqueue(topic)

    def wait_idle(self, timeout: float) -> bool:
        """Wait until every queued ping is sent or given up; ``False`` on timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(worker.idle() for worker in self._workers):
                return True
            time.sleep(0.02)
        return all(worker.idle() for worker in self._workers)

    def stop(self, timeout: float | None = 5.0) -> None:
        """Stop the workers; pings still waiting for a retry are dropped."""
        for worker in self._workers:
            worker.stop(timeout)
