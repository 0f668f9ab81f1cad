"""The production HTTP server: granian's Rust HTTP core in front of the WSGI app.

Chosen by measurement (``make bench``, README "Performance"): with the
app's fast path for ``/feeds/`` (:mod:`.web.fastpath`), waitress answered
about 0.05× the polls nginx answers from the same files and wedged under
full-feed load, gunicorn's gthread workers about 0.09×; granian, which
parses HTTP and moves bytes in Rust and enters Python only to call the
app, answered 0.3–0.45× in the same run. Everything that is not a feed
document still goes through Flask, unchanged.

granian runs the app in a worker process it supervises. Under ``run`` the
worker is *spawned* (a fresh interpreter that imports :func:`worker_app`),
never forked, so it inherits none of the scheduler's threads or
connections, which live in this, the supervising, process; ``serve`` has
no threads and forks it. On
SIGINT or SIGTERM granian stops the worker (requests in flight finish)
and :func:`serve` returns; ``run`` then stops its scheduler.

granian's own signal handlers call ``threading.Event.set()``, which can
deadlock (see :class:`_Waker`); :func:`serve` replaces them.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..config import ENV_VAR, Config
from ..errors import ServeError, StoreError

if TYPE_CHECKING:
    from flask import Flask
    from granian.server import MPServer

log = logging.getLogger(__name__)

WATCHED_ENV = "SYNDICATOR_WATCHED"
#: File descriptors a worker needs besides its connections: the store, the
#: output dir's files, logs, the listening socket, Python's own.
SPARE_FDS = 256
#: Seconds a worker gets to finish its requests after SIGINT/SIGTERM before
#: it is killed. Without a limit, a Ctrl-C that reaches the worker while it
#: is still starting (a terminal signals the whole process group) can leave
#: granian waiting for it forever.
WORKER_KILL_TIMEOUT = 5


def worker_app() -> Flask:
    """The WSGI app of a worker, configured from ``$SYNDICATOR_CONFIG``.

    Under ``run`` the scheduler lives in the supervising process and reads
    the store's revision every ``scheduler.watch`` seconds, so an API write
    needs no message across processes: the hook only lets the API say that
    a pass is on its way.
    """
    from . import create_app
    from .api import TRIGGER_KEY

    _die_with_parent()
    app = create_app(test_config={"STORE_READY": True})  # the supervisor upgraded the store
    if os.environ.get(WATCHED_ENV):
        app.extensions[TRIGGER_KEY] = _noop
    return app


def _noop() -> None:
    return None


#: ``prctl`` option: the signal the kernel sends when the parent dies.
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Have this worker stopped (SIGTERM) when its supervising process dies.

    granian stops its workers on SIGTERM, but a supervisor killed with
    SIGKILL (the OOM killer, ``kill -9``) cannot: the orphan would go on
    answering on the port with feeds that nothing updates any more, say it
    is healthy, and share the port with the instance started in its place.
    On Linux the kernel signals the orphan at once; elsewhere a thread
    looks for a new parent every second.
    """
    parent = multiprocessing.parent_process()
    expected = parent.pid if parent is not None else os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl")
    except (OSError, AttributeError):  # not Linux
        threading.Thread(target=_watch_parent, args=(expected,), daemon=True).start()
    if os.getppid() != expected:  # it died before we asked
        os.kill(os.getpid(), signal.SIGTERM)


def _watch_parent(expected: int) -> None:
    while os.getppid() == expected:
        time.sleep(1.0)
    os.kill(os.getpid(), signal.SIGTERM)


class _Waker:
    """Wakes granian's main loop from a signal handler without taking a lock.

    granian's handlers call ``Event.set()``, which takes the event's lock.
    When SIGTERM reaches the main thread just as the worker watcher's own
    ``set()`` has woken it, the main thread already holds that lock (it is
    leaving ``Event.wait()``) and the handler, running on the same thread,
    waits for it forever. A group signal makes exactly that likely: the
    worker, signalled too, exits at once and its watcher wakes the loop.
    ``kill -- -PGID`` and a terminal's Ctrl-C are group signals.

    Here a handler only writes a byte to a pipe, which takes no Python
    lock; a thread reads the byte and sets the event.

    A worker forked from this process (``serve``) must not inherit any of
    it: until granian sets the worker's own handlers, a SIGTERM to the
    worker would wake the *supervisor's* loop (which then spins, finding
    no reason) and leave the worker running. So a forked child gets the
    default SIGTERM/SIGINT/SIGHUP back, and ``wake`` answers only in the
    process that made the waker.
    """

    def __init__(self, event: threading.Event) -> None:
        self._event = event
        self._owner = os.getpid()
        self._read, self._write = os.pipe()
        os.set_blocking(self._write, False)
        os.register_at_fork(after_in_child=self._forget)
        threading.Thread(target=self._run, name="signal-waker", daemon=True).start()

    def _run(self) -> None:
        while os.read(self._read, 64):
            self._event.set()

    def wake(self) -> None:
        """Safe in a signal handler: one ``write(2)``, no lock."""
        if os.getpid() != self._owner:
            return
        with contextlib.suppress(BlockingIOError):  # full of wake-ups already
            os.write(self._write, b"\0")

    def _forget(self) -> None:
        """In a forked child: default signal handling, and not our pipe."""
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, signal.SIG_DFL)
        for fd in (self._read, self._write):
            with contextlib.suppress(OSError):
                os.close(fd)


@contextlib.contextmanager
def _ctrl_c_ignored() -> Iterator[None]:
    """SIGINT ignored while a worker starts, so that the worker ignores it for good.

    A terminal's Ctrl-C signals the whole process group. A spawned worker
    still importing the app then died of it with a ``KeyboardInterrupt``
    traceback on the terminal, under a supervisor that was stopping cleanly.
    An ignored signal stays ignored across ``exec``, and Python installs no
    ``KeyboardInterrupt`` handler in a process that starts with SIGINT
    ignored. The supervisor is the one that stops its worker (SIGTERM, after
    which requests in flight finish). A Ctrl-C in the few milliseconds of the
    spawn itself is lost; a blocked signal would not be, but a spawned
    interpreter does not keep its parent's signal mask.
    """
    handler = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, handler)


def _server_class() -> type[MPServer]:
    """granian's server with signal handlers that cannot deadlock."""
    if TYPE_CHECKING:  # granian picks MPServer or MTServer by its build: MPServer with a GIL
        from granian.server import MPServer as Server
    else:
        from granian.server import Server

    class SignalSafeServer(Server):
        def startup(
            self, spawn_target: Callable[..., Any], target_loader: Callable[..., Any]
        ) -> None:
            self._waker = _Waker(self.main_loop_interrupt)
            super().startup(spawn_target, target_loader)

        def _spawn_workers(
            self, spawn_target: Callable[..., Any], target_loader: Callable[..., Any]
        ) -> None:
            with _ctrl_c_ignored():
                super()._spawn_workers(spawn_target, target_loader)

        def _respawn_workers(self, *args: Any, **kwargs: Any) -> Any:
            with _ctrl_c_ignored():
                return super()._respawn_workers(*args, **kwargs)

        def signal_handler_interrupt(self, *args: object, **kwargs: object) -> None:
            self.interrupt_signal = True
            self._waker.wake()

        def signal_handler_reload(self, *args: object, **kwargs: object) -> None:
            self.reload_signal = True
            self._waker.wake()

    return SignalSafeServer


def check_address(config: Config, host: str | None = None, port: int | None = None) -> None:
    """Refuse, in one line, an address something already listens on.

    granian binds with ``SO_REUSEPORT``, so a second instance on the same
    port would not fail: the kernel would split the readers between two
    stores. A plain bind finds any listener first. Also warns when the
    feeds' links (``[site] base_url``) name another port on this host.

    :raises ServeError: when the address is taken or cannot be bound.
    """
    host = host or config.server.host
    port = config.server.port if port is None else port
    if port:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT is fine
            try:
                probe.bind((host, port))
            except OSError as exc:
                raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    linked = urlsplit(config.site.base_url)
    if linked.hostname in ("127.0.0.1", "localhost", host) and port:
        linked_port = linked.port or (443 if linked.scheme == "https" else 80)
        if linked_port != port:
            log.warning(
                "serving on port %s, but the feeds link to %s ([site] base_url)",
                port,
                config.site.base_url,
            )


def connection_limit(wanted: int) -> int:
    """Connections a worker may hold open, within this process's file limit.

    granian's *backpressure* counts connections, not requests: a worker
    accepts no more than that many at once, whatever they are doing. At
    the 64 it once was, 64 sockets that connected and sent nothing made
    the server unreachable until granian dropped them. So the limit is
    large (``[server] max_connections``); what keeps idle and slow clients
    from holding it is ``[server] header_timeout``, and Python's work stays
    bounded by ``[server] threads``, where requests queue.

    Each connection is a file descriptor: the soft ``RLIMIT_NOFILE`` is
    raised to the hard one (the worker inherits it), and when even that is
    too small the limit shrinks to fit, with one warning.
    """
    try:
        import resource
    except ImportError:  # not POSIX
        return wanted
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = wanted + SPARE_FDS
    if soft != resource.RLIM_INFINITY and soft < needed:
        raised = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
            soft = raised
    if soft == resource.RLIM_INFINITY or soft >= needed:
        return wanted
    fitted = max(16, soft - SPARE_FDS)
    log.warning(
        "[server] max_connections = %d needs %d open files, the limit is %d:"
        " serving at most %d connections (raise `ulimit -n` or LimitNOFILE)",
        wanted,
        needed,
        soft,
        fitted,
    )
    return fitted


def prepare_store(config: Config) -> None:
    """Create or upgrade the store in a short-lived child (``syndicator init``).

    ``serve``'s supervising process only watches its worker; doing this
    in a child keeps the database and migration code out of its memory.

    :raises StoreError: with the child's message when the store cannot be opened.
    """
    args = [sys.executable, "-m", "syndicator"]
    if config.path is not None:
        args += ["--config", str(Path(config.path).resolve())]
    result = subprocess.run([*args, "init"], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        text = (result.stderr or result.stdout).strip()
        message = " ".join(text[text.rfind("Error: ") :].removeprefix("Error: ").split())
        error = StoreError(message or "store: init failed")
        error.unreachable = "cannot open" in message
        raise error


def serve(
    config: Config,
    *,
    host: str | None = None,
    port: int | None = None,
    workers: int = 1,
    watched: bool = False,
    spawn: bool = True,
) -> None:
    """Serve the app with granian until SIGINT or SIGTERM.

    :param host: address to listen on (default ``[server] host``).
    :param port: port (default ``[server] port``).
    :param workers: worker processes; each holds its own document cache and
        runs ``[server] threads`` Python threads for the app (pages that
        read the store wait on it; feed documents never do). Bodies over
        ``[api] max_body`` are refused by the app from their headers.
    :param watched: a scheduler in this process watches the store, so an
        API write is published within ``scheduler.watch`` seconds.
    :param spawn: start the worker as a fresh interpreter (needed when this
        process runs threads: the scheduler's); ``False`` forks it, sharing
        this small process's pages (``serve``).
    """
    from granian.constants import HTTPModes, Interfaces
    from granian.http import HTTP1Settings
    from granian.log import LogLevels

    if config.path is not None:
        os.environ[ENV_VAR] = str(Path(config.path).resolve())
    os.environ[WATCHED_ENV] = "1" if watched else ""
    host = host or config.server.host
    port = config.server.port if port is None else port
    multiprocessing.set_start_method("spawn" if spawn else "fork", force=True)
    settings = config.server
    connections = connection_limit(settings.max_connections)
    server = _server_class()(
        "syndicator.web.server:worker_app",
        factory=True,
        interface=Interfaces.WSGI,
        address=host,
        port=port,
        workers=workers,
        blocking_threads=config.server.threads,
        backpressure=connections,
        backlog=min(connections, 4096),
        http=HTTPModes.http1,
        http1_settings=HTTP1Settings(
            header_read_timeout=max(1, round(settings.header_timeout * 1000)),
            keep_alive=settings.keep_alive,
        ),
        websockets=False,
        log_level=LogLevels.warning,
        workers_kill_timeout=WORKER_KILL_TIMEOUT,
    )
    log.info(
        "serving on http://%s:%s (granian, %d worker, at most %d connections each)",
        host,
        port,
        workers,
        connections,
    )
    try:
        server.serve()
    except SystemExit:
        # granian exits 1 when a worker exits on its own. Under a group
        # signal the worker, signalled with us, often exits before we stop
        # it: that is the stop we were asked for, not a crash.
        if not server.interrupt_signal:
            raise
