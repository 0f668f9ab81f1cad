"""Counters, gauges and histograms in the Prometheus text format, by hand.

Each process keeps its own. The few metric kinds we need fit in a page,
so no client library: values live in dictionaries under a lock, and
:func:`render` writes exposition format 0.0.4 (``# HELP``, ``# TYPE``,
one sample per line).

Under ``run`` the passes happen in the supervising process and the
requests in the granian worker, yet an instance is one scrape target. So
the supervisor writes its pass metrics to a file after every tick
(:func:`export_to`, :func:`flush`) and the worker's ``/metrics`` serves
them in place of its own, empty, pass metrics (:func:`scrape`).
"""

from __future__ import annotations

import contextlib
import math
import os
import resource
import threading
import time
from collections.abc import Callable, Iterable

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

Labels = tuple[tuple[str, str], ...]


def _labels(labels: dict[str, str]) -> Labels:
    return tuple(sorted((k, str(v)) for k, v in labels.items()))


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _format(name: str, labels: Labels, value: float) -> str:
    text = ",".join(f'{k}="{_escape(v)}"' for k, v in labels)
    if value == math.inf:
        number = "+Inf"
    elif float(value).is_integer():
        number = str(int(value))
    else:
        number = repr(float(value))
    return f"{name}{{{text}}} {number}" if text else f"{name} {number}"


class Metric:
    """A counter or a gauge: one value per label set."""

    def __init__(self, name: str, help: str, kind: str) -> None:
        self.name = name
        self.help = help
        self.kind = kind
        self._values: dict[Labels, float] = {}
        self._lock = threading.Lock()

    def inc(self, amount: float = 1.0, **labels: str) -> None:
        key = _labels(labels)
        with self._lock:
            self._values[key] = self._values.get(key, 0.0) + amount

    def incrementer(self, **labels: str) -> Callable[[], None]:
        """``inc()`` for one label set, its key worked out once (for hot paths)."""
        key = _labels(labels)
        values, lock = self._values, self._lock

        def inc() -> None:
            with lock:
                values[key] = values.get(key, 0.0) + 1.0

        return inc

    def set(self, value: float, **labels: str) -> None:
        with self._lock:
            self._values[_labels(labels)] = value

    def value(self, **labels: str) -> float:
        return self._values.get(_labels(labels), 0.0)

    def values(self) -> dict[Labels, float]:
        with self._lock:
            return dict(self._values)

    def lines(self) -> Iterable[str]:
        for labels, value in sorted(self.values().items()):
            yield _format(self.name, labels, value)


class Histogram(Metric):
    """Cumulative buckets, a sum and a count per label set."""

    def __init__(self, name: str, help: str, buckets: tuple[float, ...] = DURATION_BUCKETS):
        super().__init__(name, help, "histogram")
        self.buckets = (*buckets, math.inf)
        self._series: dict[Labels, list[float]] = {}

    def observe(self, value: float, **labels: str) -> None:
        key = _labels(labels)
        with self._lock:
            series = self._series.setdefault(key, [0.0] * (len(self.buckets) + 2))
            for i, bound in enumerate(self.buckets):
                if value <= bound:
                    series[i] += 1
            series[-2] += value
            series[-1] += 1

    def lines(self) -> Iterable[str]:
        with self._lock:
            items = sorted((k, list(v)) for k, v in self._series.items())
        for labels, series in items:
            for bound, count in zip(self.buckets, series, strict=False):
                le = "+Inf" if bound == math.inf else repr(bound)
                yield _format(f"{self.name}_bucket", (*labels, ("le", le)), count)
            yield _format(f"{self.name}_sum", labels, series[-2])
            yield _format(f"{self.name}_count", labels, series[-1])


class Registry:
    """The metrics of one process, plus gauges computed when scraped."""

    def __init__(self) -> None:
        self._metrics: dict[str, Metric] = {}
        self._collectors: list[Callable[[], Iterable[tuple[Metric, float, dict[str, str]]]]] = []
        self._lock = threading.Lock()

    def _add(self, metric: Metric) -> Metric:
        with self._lock:
            return self._metrics.setdefault(metric.name, metric)

    def counter(self, name: str, help: str) -> Metric:
        return self._add(Metric(name, help, "counter"))

    def gauge(self, name: str, help: str) -> Metric:
        return self._add(Metric(name, help, "gauge"))

    def histogram(self, name: str, help: str, buckets: tuple[float, ...] = DURATION_BUCKETS):
        metric = self._add(Histogram(name, help, buckets))
        assert isinstance(metric, Histogram)
        return metric

    def collect(self, fn: Callable[[], Iterable[tuple[Metric, float, dict[str, str]]]]) -> None:
        """Run ``fn`` at every scrape; it yields ``(gauge, value, labels)`` to set."""
        self._collectors.append(fn)

    def render(self, *, only: Iterable[str] | None = None, skip: Iterable[str] = ()) -> str:
        """The exposition text; ``only``/``skip`` pick metric families by name."""
        for fn in self._collectors:
            for metric, value, labels in fn():
                metric.set(value, **labels)
        wanted = None if only is None else set(only)
        unwanted = set(skip)
        out = []
        for metric in sorted(self._metrics.values(), key=lambda m: m.name):
            if (wanted is not None and metric.name not in wanted) or metric.name in unwanted:
                continue
            out.append(f"# HELP {metric.name} {metric.help}")
            out.append(f"# TYPE {metric.name} {metric.kind}")
            out.extend(metric.lines())
        return "\n".join(out) + "\n"


REGISTRY = Registry()

# -- what syndicator measures ------------------------------------------------------

PASSES = REGISTRY.counter(
    "syndicator_passes_total",
    "Publish ticks by outcome: published (ran the pass), synced or current (followed "
    "another instance), busy, failed.",
)
PASS_SECONDS = REGISTRY.histogram(
    "syndicator_pass_duration_seconds", "Time a tick took, by outcome."
)
ARTICLES = REGISTRY.counter(
    "syndicator_articles_published_total",
    "Articles this instance's passes put into the feeds (kind: new, corrected, removed).",
)
LAST_PASS = REGISTRY.gauge(
    "syndicator_last_pass_timestamp_seconds", "When this instance's last tick ended (Unix time)."
)
GENERATION = REGISTRY.gauge(
    "syndicator_output_generation", "The store's publish generation this output dir holds."
)
REQUESTS = REGISTRY.counter(
    "syndicator_http_requests_total", "HTTP requests by handler and status code."
)
REQUEST_SECONDS = REGISTRY.histogram(
    "syndicator_http_request_duration_seconds", "Time to answer an HTTP request, by handler."
)
NOT_MODIFIED_RATIO = REGISTRY.gauge(
    "syndicator_feed_not_modified_ratio",
    "Share of feed GETs answered 304 Not Modified since start (0 when none yet).",
)
API_ARTICLES = REGISTRY.counter(
    "syndicator_api_articles_total", "Articles received through the ingest API, by result."
)
RSS_BYTES = REGISTRY.gauge("process_resident_memory_bytes", "Resident memory size in bytes.")
CPU_SECONDS = REGISTRY.gauge("process_cpu_seconds_total", "User and system CPU time spent.")
START_TIME = REGISTRY.gauge("process_start_time_seconds", "Start time of the process (Unix).")
START_TIME.set(time.time())


def rss_bytes() -> int:
    """The process's resident set size now (Linux ``/proc``; peak RSS elsewhere)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _process() -> Iterable[tuple[Metric, float, dict[str, str]]]:
    times = os.times()
    yield RSS_BYTES, float(rss_bytes()), {}
    yield CPU_SECONDS, times.user + times.system, {}
    feeds = {
        dict(labels).get("code"): value
        for labels, value in REQUESTS.values().items()
        if dict(labels).get("handler") == "feeds.serve_feed"
    }
    answered = feeds.get("200", 0.0) + feeds.get("304", 0.0)
    yield NOT_MODIFIED_RATIO, (feeds.get("304", 0.0) / answered) if answered else 0.0, {}


REGISTRY.collect(_process)

#: The families a pass updates, which live in the process that runs passes.
PASS_FAMILIES = tuple(m.name for m in (PASSES, PASS_SECONDS, ARTICLES, LAST_PASS, GENERATION))
#: Where the supervisor under ``run`` leaves its pass metrics for the worker.
EXPORT_ENV = "SYNDICATOR_PASS_METRICS"
_export_path: str | None = None


def export_to(path: str | None) -> None:
    """Write the pass metrics to ``path`` after every tick (``None``: stop)."""
    global _export_path
    _export_path = path
    flush()


_flush_lock = threading.Lock()


def flush() -> None:
    """Replace the export file with the pass metrics as they are now.

    Never raises: metrics are not worth failing a pass over (a full /tmp
    shows as stale numbers, not as a failed tick).
    """
    path = _export_path
    if path is None:
        return
    with _flush_lock:  # two ticks at once write one after the other
        tmp = f"{path}.{os.getpid()}.tmp"
        try:
            with open(tmp, "w", encoding="utf-8") as out:
                out.write(REGISTRY.render(only=PASS_FAMILIES))
            os.replace(tmp, path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def scrape() -> str:
    """``/metrics``: this process's metrics, with the pass metrics of the
    process that runs the passes when that is another one."""
    path = os.environ.get(EXPORT_ENV)
    if path and _export_path is None:
        try:
            with open(path, encoding="utf-8") as exported:
                passes = exported.read()
        except OSError:
            passes = None
        if passes:
            return REGISTRY.render(skip=PASS_FAMILIES) + passes
    return REGISTRY.render()
