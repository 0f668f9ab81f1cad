"""What syndicator measures, through prometheus_client, in one or several processes.

Under ``run`` the passes happen in the supervising process and the
requests in granian's worker(s), yet an instance is one scrape target. So
the long-running commands give every process of an instance one fresh,
private directory (:func:`use_directory`, ``$PROMETHEUS_MULTIPROC_DIR``)
before any metric exists: prometheus_client's multiprocess mode keeps each
process's values in its own memory-mapped files there, and the worker's
``/metrics`` merges them all (:func:`scrape`): counters and histograms
summed, gauges as their modes say. Without the directory (tests, a Flask
app in a shell) the values live in this process only and ``/metrics``
reads them from memory.

Process metrics (CPU seconds, resident memory, open files, start time)
are read from ``/proc`` at every scrape, for every process of the
instance: the scraping worker, the supervisor (its pid is in
``$SYNDICATOR_METRICS_SUPERVISOR``) and any other worker that has written
to the directory, each labelled ``role`` and ``pid``. Nothing goes stale,
no process runs a timer for it, and a process that died simply drops out.

The metrics are created on first use, not at import, so that importing
this module never fixes the mode before :func:`use_directory` has run.
Call sites name labels as keywords: ``PASSES.inc(role="published")``,
``PASS_SECONDS.observe(1.5, role="published")``.
"""

from __future__ import annotations

import functools
import glob
import os
import re
import shutil
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from .errors import ConfigError

if TYPE_CHECKING:
    from prometheus_client.metrics_core import Metric

#: ``/metrics``'s bearer token (a secret: the environment only, never the file).
TOKEN_ENV = "SYNDICATOR_METRICS_TOKEN"
#: Shortest token accepted: 32 characters (``secrets.token_urlsafe(32)`` gives 43).
TOKEN_MIN = 32
#: prometheus_client's switch to multiprocess mode: a directory shared by the processes.
DIR_ENV = "PROMETHEUS_MULTIPROC_DIR"
#: The pid of the process that made the directory (``run``'s or ``serve``'s supervisor).
SUPERVISOR_ENV = "SYNDICATOR_METRICS_SUPERVISOR"
DIR_PREFIX = "syndicator-metrics-"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
#: Seconds; a request is answered in milliseconds, a slow page or API write in a second or two.
DURATION_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
#: Seconds; a pass takes from milliseconds (nothing new) to minutes (a rebuilt archive).
PASS_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)

_lock = threading.Lock()


class Family:
    """One metric family, created in prometheus_client the first time it is used.

    :param kind: ``counter``, ``gauge`` or ``histogram``.
    :param options: passed on (``buckets``, ``multiprocess_mode``).
    """

    def __init__(
        self, kind: str, name: str, help: str, labels: tuple[str, ...] = (), **options: Any
    ) -> None:
        self.kind, self.name, self.help, self.labels = kind, name, help, labels
        self._options = options
        self._metric: Any = None

    @property
    def metric(self) -> Any:
        """The prometheus_client object (made now if this is its first use)."""
        if self._metric is None:
            with _lock:
                if self._metric is None:
                    self._metric = _create(self)
        return self._metric

    def child(self, **labels: str) -> Any:
        """The series for ``labels``; keep it to save the lookup on hot paths."""
        return self.metric.labels(**labels) if self.labels else self.metric

    def inc(self, amount: float = 1.0, **labels: str) -> None:
        self.child(**labels).inc(amount)

    def set(self, value: float, **labels: str) -> None:
        self.child(**labels).set(value)

    def observe(self, value: float, **labels: str) -> None:
        self.child(**labels).observe(value)

    def value(self, **labels: str) -> float:
        """This process's value (a histogram's count); 0 for a series never touched."""
        suffix = {"counter": "_total", "histogram": "_count"}.get(self.kind, "")
        for family in self.metric.collect():
            for sample in family.samples:
                if sample.name == self.name.removesuffix("_total") + suffix and sample.labels == {
                    k: str(v) for k, v in labels.items()
                }:
                    return float(sample.value)
        return 0.0


def _create(family: Family) -> Any:
    from prometheus_client import Counter, Gauge, Histogram

    kinds: dict[str, Any] = {"counter": Counter, "gauge": Gauge, "histogram": Histogram}
    return kinds[family.kind](
        family.name, family.help, family.labels, registry=_registry(), **family._options
    )


_REGISTRY: Any = None


def _registry() -> Any:
    """The registry this process's metrics are created in (read directly in single-process mode)."""
    global _REGISTRY
    if _REGISTRY is None:
        from prometheus_client import CollectorRegistry

        _REGISTRY = CollectorRegistry(auto_describe=True)
    return _REGISTRY


# -- what syndicator measures ------------------------------------------------------

PASSES = Family(
    "counter",
    "syndicator_passes_total",
    "Publish ticks by outcome: published (ran the pass), synced or current (followed "
    "another instance), busy, failed, timeout (over [scheduler] pass_budget), stopped "
    "(given up at shutdown).",
    ("role",),
)
PASS_SECONDS = Family(
    "histogram",
    "syndicator_pass_duration_seconds",
    "Time a tick took, by outcome.",
    ("role",),
    buckets=PASS_BUCKETS,
)
ARTICLES = Family(
    "counter",
    "syndicator_articles_published_total",
    "Articles this instance's passes put into the feeds (kind: new, corrected, removed).",
    ("kind",),
)
LAST_PASS = Family(
    "gauge",
    "syndicator_last_pass_timestamp_seconds",
    "When this instance's last tick ended (Unix time).",
    multiprocess_mode="max",
)
GENERATION = Family(
    "gauge",
    "syndicator_output_generation",
    "The store's publish generation this output dir holds.",
    multiprocess_mode="mostrecent",
)
REQUESTS = Family(
    "counter",
    "syndicator_http_requests_total",
    "HTTP requests by handler (the route's name, 'unmatched' for a URL no route has) "
    "and status code.",
    ("handler", "code"),
)
REQUEST_SECONDS = Family(
    "histogram",
    "syndicator_http_request_duration_seconds",
    "Time to answer an HTTP request, body included, by handler.",
    ("handler",),
    buckets=DURATION_BUCKETS,
)
API_ARTICLES = Family(
    "counter",
    "syndicator_api_articles_total",
    "Articles received through the ingest API, by result.",
    ("result",),
)


def token(environ: Mapping[str, str] | None = None) -> str | None:
    """``/metrics``'s bearer token, from ``$SYNDICATOR_METRICS_TOKEN``; ``None`` when unset.

    A short token is guessable and one with spaces around a paste gone wrong:
    both stop ``serve`` and ``run`` before they start (and ``create_app``).

    :raises ConfigError: naming the variable.
    """
    value = (os.environ if environ is None else environ).get(TOKEN_ENV)
    if not value:
        return None
    if len(value) < TOKEN_MIN or value != value.strip():
        raise ConfigError(
            f"must be at least {TOKEN_MIN} characters, with no spaces around"
            " (e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(32))')",
            field=TOKEN_ENV,
        )
    return value


# -- one directory for the processes of an instance -------------------------------


def use_directory(parent: str | None = None) -> str:
    """Make a fresh private directory for this instance's processes and announce it.

    Sets ``$PROMETHEUS_MULTIPROC_DIR`` (inherited by the workers spawned or
    forked after this) and ``$SYNDICATOR_METRICS_SUPERVISOR`` (this pid).
    Directories left by instances that died without cleaning up (``kill -9``)
    are removed first. Call it before any metric is used in this process.

    :param parent: where to make it (default: the system's temporary directory).
    :return: the directory; :func:`remove_directory` removes it at exit.
    :raises RuntimeError: if a metric was already used in this process.
    """
    if "prometheus_client.values" in sys.modules:
        raise RuntimeError("metrics: use_directory() must run before any metric is used")
    parent = parent or tempfile.gettempdir()
    _remove_orphans(parent)
    path = tempfile.mkdtemp(prefix=f"{DIR_PREFIX}{os.getpid()}-", dir=parent)  # mode 0700
    os.environ[DIR_ENV] = path
    os.environ[SUPERVISOR_ENV] = str(os.getpid())
    return path


def remove_directory(path: str) -> None:
    """Remove what :func:`use_directory` made (at the end of ``run``/``serve``)."""
    shutil.rmtree(path, ignore_errors=True)


def _remove_orphans(parent: str) -> None:
    """Remove our directories whose maker is gone (named ``syndicator-metrics-<pid>-…``)."""
    for path in glob.glob(os.path.join(parent, f"{DIR_PREFIX}*")):
        match = re.match(rf"{DIR_PREFIX}(\d+)-", os.path.basename(path))
        ours = match and os.path.isdir(path) and os.stat(path).st_uid == os.getuid()
        if ours and match and not _alive(int(match.group(1))):
            shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def multiprocess_dir() -> str | None:
    """The shared directory when this process is in multiprocess mode, else ``None``."""
    from prometheus_client import values

    if getattr(values.ValueClass, "_multiprocess", False):
        return os.environ.get(DIR_ENV)
    return None


# -- the scrape ------------------------------------------------------------------------


def scrape() -> str:
    """``/metrics``: every family of every process of this instance, in text format 0.0.4."""
    from prometheus_client import CollectorRegistry, generate_latest
    from prometheus_client.multiprocess import MultiProcessCollector

    path = multiprocess_dir()
    if path is None or not os.path.isdir(path):
        registry = _registry()
        processes = [("main", os.getpid())]
    else:
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=path)
        processes = list(_processes(path))
    body = generate_latest(registry).decode("utf-8")
    return body + generate_latest(_Processes(processes)).decode("utf-8")


def _processes(path: str) -> Iterator[tuple[str, int]]:
    """``(role, pid)`` of the live processes of this instance."""
    me = os.getpid()
    supervisor = int(os.environ.get(SUPERVISOR_ENV) or 0)
    yield "worker", me
    if supervisor and supervisor != me and _alive(supervisor):
        yield "supervisor", supervisor
    seen = {me, supervisor}
    for name in sorted(os.listdir(path)):
        match = re.search(r"_(\d+)\.db$", name)
        pid = int(match.group(1)) if match else 0
        if pid and pid not in seen:
            seen.add(pid)
            if _parent_of(pid) == supervisor:  # alive, and not a stranger that got its pid
                yield "worker", pid


def _parent_of(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return int(stat.read().rsplit(b")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


class _Processes:
    """prometheus_client's process metrics for several processes, labelled ``role`` and ``pid``."""

    def __init__(self, processes: list[tuple[str, int]]) -> None:
        self.processes = processes

    def collect(self) -> Iterable[Metric]:
        from prometheus_client import ProcessCollector
        from prometheus_client.metrics_core import Metric

        merged: dict[str, Metric] = {}
        for role, pid in self.processes:
            collector = ProcessCollector(pid=functools.partial(str, pid), registry=None)
            for family in collector.collect():
                out = merged.setdefault(
                    family.name, Metric(family.name, family.documentation, family.type)
                )
                for sample in family.samples:
                    labels = {**sample.labels, "role": role, "pid": str(pid)}
                    out.add_sample(sample.name, labels, sample.value)
        return list(merged.values())
