"""Locks that make several processes take turns: the publish pass, migrations, an output dir.

On PostgreSQL the store's own advisory locks decide which instance runs
the publish pass: they live in the database server, cost one round trip,
and vanish with the session of a process that dies (``kill -9`` included),
so another instance takes over at its next tick. On a SQLite file, whose
users all share one machine, an ``flock`` on a file beside the database
plays the same part. Both are *try* locks: a busy lock means "someone else
is doing it", never a queue.

A per-directory ``flock`` keeps two writers (``run`` and a hand-typed
``syndicator publish``) from interleaving files in one output dir.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ..errors import StoreError

#: Poll period while waiting for a lock held by another process.
POLL_SECONDS = 0.05
#: The file in an output dir whose ``flock`` serialises writers of that dir.
DIR_LOCK_NAME = ".syndicator.lock"


def lock_key(name: str) -> int:
    """A stable signed 64-bit advisory-lock key for ``name`` (``publish``, ``migrate``)."""
    digest = hashlib.sha256(f"syndicator:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _sqlite_file(engine: Engine) -> Path | None:
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database
    if not database or database == ":memory:" or "mode=memory" in str(engine.url):
        return None
    return Path(database)


def _flock(path: Path, mode: int, wait: float) -> int | None:
    """An open descriptor holding ``flock(mode)`` on ``path``, or ``None`` after ``wait`` s."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            if time.monotonic() >= deadline:
                os.close(fd)
                return None
            time.sleep(POLL_SECONDS)


def _pg_try(conn: Connection, function: str, key: int, wait: float) -> bool:
    deadline = time.monotonic() + wait
    while True:
        if conn.execute(sa.text(f"SELECT {function}(:key)"), {"key": key}).scalar():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(POLL_SECONDS)


@contextlib.contextmanager
def store_lock(engine: Engine, name: str, *, wait: float = 0.0) -> Iterator[bool]:
    """Hold the store-wide exclusive lock ``name`` for the block, if it can be had.

    :param wait: seconds to keep trying while another process holds it;
        0 tries once.
    :return: (as the context value) whether this process holds the lock.
        The block runs either way, so the caller decides what "busy" means.
    :raises StoreError: when the store cannot be reached.
    """
    if engine.dialect.name == "postgresql":
        with _pg_session(engine) as conn:
            key = lock_key(name)
            held = _pg_try(conn, "pg_try_advisory_lock", key, wait)
            try:
                yield held
            finally:
                if held:
                    _pg_unlock(conn, "pg_advisory_unlock", key)
        return
    path = _sqlite_file(engine)
    if path is None:  # an in-memory store has only this process
        yield True
        return
    fd = _flock(path.with_name(f"{path.name}-{name}.lock"), fcntl.LOCK_EX, wait)
    try:
        yield fd is not None
    finally:
        if fd is not None:
            os.close(fd)


def wait_for_release(engine: Engine, name: str, *, timeout: float) -> bool:
    """Block until nobody holds ``name`` (or ``timeout`` s pass); hold nothing after.

    A follower uses it to wait for the publisher's pass to end before it
    catches up, so its output follows within moments instead of a tick.
    Shared locks never block each other, so followers wait side by side.
    """
    if engine.dialect.name == "postgresql":
        with _pg_session(engine) as conn:
            key = lock_key(name)
            if not _pg_try(conn, "pg_try_advisory_lock_shared", key, timeout):
                return False
            _pg_unlock(conn, "pg_advisory_unlock_shared", key)
            return True
    path = _sqlite_file(engine)
    if path is None:
        return True
    fd = _flock(path.with_name(f"{path.name}-{name}.lock"), fcntl.LOCK_SH, timeout)
    if fd is None:
        return False
    os.close(fd)
    return True


@contextlib.contextmanager
def _pg_session(engine: Engine) -> Iterator[Connection]:
    """A connection of its own, in autocommit: the lock is the session's, not a transaction's."""
    conn = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    try:
        yield conn
    finally:
        conn.close()


def _pg_unlock(conn: Connection, function: str, key: int) -> None:
    """Release a session lock; a session that cannot say so is dropped, lock and all."""
    try:
        conn.execute(sa.text(f"SELECT {function}(:key)"), {"key": key})
    except StoreError:
        conn.invalidate()


@contextlib.contextmanager
def directory_lock(directory: Path) -> Iterator[None]:
    """Serialise writers of one output dir (waits as long as the other writer takes)."""
    directory.mkdir(parents=True, exist_ok=True)
    fd = os.open(directory / DIR_LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
