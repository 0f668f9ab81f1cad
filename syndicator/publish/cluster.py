"""One publisher among many instances, each serving its own output dir.

Every instance runs the same job on the same clock ticks. The one that
gets the store's ``publish`` lock runs the pass: it compares what is due
with the store's bookkeeping, writes its files, then commits. The others
skip the pass and *follow*: they wait for the lock to be free, then bring
their own output dir up to the store's **publish generation**, a counter
the pass bumps whenever the feeds' content changes, stored with the pass
clock of that change. Rendering the store as of that clock gives exactly
the bytes the publisher wrote (feeds are a pure function of the store), so
every instance serves the same bytes and ETags.

Each output dir remembers the generation it holds in a hidden marker file,
written only after its files are in place. A publisher whose own dir is
behind (it was a follower until a moment ago, or is new) renders
everything, so taking over after a dead publisher needs no hand-over.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

from sqlalchemy.engine import Engine

from .. import store
from ..config import Config
from ..store.lock import directory_lock, store_lock, wait_for_release
from . import deadline
from .output_files import remove_temp_files, write_atomic
from .plan import PassReport, Progress, outputs_complete
from .run import run_pass

log = logging.getLogger(__name__)

#: The marker holding the generation an output dir was written at.
MARKER_NAME = ".generation"
PUBLISH_LOCK = "publish"
#: The longest single wait for another instance's lock: between two, the
#: wait gives up when the process is stopping (:func:`.deadline.check`).
WAIT_SLICE = 0.5

Role = Literal["published", "synced", "current", "busy"]


def instance_id() -> str:
    """Who this process is, in pass records and logs: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


def local_generation(output_dir: Path) -> int | None:
    """The generation this output dir holds, ``None`` if unknown."""
    try:
        return int((output_dir / MARKER_NAME).read_text(encoding="ascii").strip())
    except (FileNotFoundError, ValueError):
        return None


def _mark(output_dir: Path, number: int) -> None:
    write_atomic(output_dir / MARKER_NAME, f"{number}\n".encode("ascii"))


@dataclass
class Outcome:
    """What one tick did on this instance."""

    role: Role
    instance: str
    started_at: datetime
    finished_at: datetime
    generation: int = 0
    report: PassReport | None = None
    removed_temp: list[str] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return (self.finished_at - self.started_at).total_seconds()

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "role": self.role,
            "instance": self.instance,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat(),
            "seconds": round(self.seconds, 4),
            "generation": self.generation,
        }
        if self.report is not None:
            out["added"] = len(self.report.added)
            out["changed"] = len(self.report.changed)
            out["removed"] = len(self.report.removed)
            out["written"] = len(self.report.written)
        return out


def publish_or_follow(
    engine: Engine,
    config: Config,
    *,
    now: datetime,
    instance: str | None = None,
    wait: float = 0.0,
    follow: bool = True,
    force: bool = False,
    clean: bool = False,
    progress: Progress | None = None,
) -> Outcome:
    """One tick: run the pass if this instance gets the lock, else catch up.

    :param wait: seconds to wait for the lock before giving up the pass
        (a triggered pass waits; a scheduled tick does not).
    :param follow: when the lock is busy, wait for the pass to end and
        bring this output dir up to date; ``False`` returns ``busy``.
    :param clean: first delete temporary files a killed writer left behind.
    :raises StoreError: when the store cannot be reached.
    """
    instance = instance or instance_id()
    output = config.output_dir
    started = datetime.now(now.tzinfo)
    with _publish_lock(engine, wait) as held:
        if held:
            # The pass starts once the lock is ours: a triggered tick may
            # have waited for it, and that wait is not part of the pass.
            started = datetime.now(now.tzinfo)
            with directory_lock(output):
                removed = _clean(output) if clean else []
                with engine.connect() as conn:
                    before = store.get_generation(conn).number
                behind = local_generation(output) != before
                report = run_pass(
                    engine,
                    config,
                    now=now,
                    force=force or behind,
                    instance=instance,
                    progress=progress,
                )
                with engine.connect() as conn:
                    after = store.get_generation(conn).number
                _mark(output, after)
            return Outcome(
                "published", instance, started, datetime.now(now.tzinfo), after, report, removed
            )
    if not follow:
        return Outcome("busy", instance, started, datetime.now(now.tzinfo))
    _wait_for_publisher(engine, timeout=max(1.0, config.scheduler.interval / 2))
    outcome = follow_store(engine, config, instance=instance, clean=clean)
    outcome.started_at = started
    return outcome


@contextlib.contextmanager
def _publish_lock(engine: Engine, wait: float) -> Iterator[bool]:
    """The publish lock, waited for ``wait`` seconds at most, in slices.

    Between two slices the tick gives up if the process is stopping, so
    SIGTERM is not held up by another instance's long pass.
    """
    end = time.monotonic() + wait
    while True:
        left = end - time.monotonic()
        with store_lock(engine, PUBLISH_LOCK, wait=max(0.0, min(WAIT_SLICE, left))) as held:
            if held or left <= WAIT_SLICE:
                yield held
                return
        deadline.check("waiting for another instance's pass")


def _wait_for_publisher(engine: Engine, *, timeout: float) -> None:
    """Wait until the publisher's pass ends (or ``timeout``), in slices, as above."""
    end = time.monotonic() + timeout
    while True:
        left = end - time.monotonic()
        if wait_for_release(engine, PUBLISH_LOCK, timeout=max(0.0, min(WAIT_SLICE, left))):
            return
        if left <= WAIT_SLICE:
            return
        deadline.check("waiting for another instance's pass")


def follow_store(
    engine: Engine, config: Config, *, instance: str | None = None, clean: bool = False
) -> Outcome:
    """Bring this output dir to the store's publish generation, without publishing.

    Nothing is committed: the store's bookkeeping is the publisher's.
    """
    instance = instance or instance_id()
    output = config.output_dir
    with engine.connect() as conn:
        generation = store.get_generation(conn)
    tz = config.tz
    started = datetime.now(tz)
    with directory_lock(output):
        removed = _clean(output) if clean else []
        if generation.clock is None or (
            local_generation(output) == generation.number and outputs_complete(config)
        ):
            return Outcome(
                "current", instance, started, datetime.now(tz), generation.number, None, removed
            )
        report = run_pass(
            engine, config, now=generation.clock, force=True, record=False, instance=instance
        )
        _mark(output, generation.number)
    return Outcome(
        "synced", instance, started, datetime.now(tz), generation.number, report, removed
    )


def _clean(output: Path) -> list[str]:
    removed = [str(p.relative_to(output)) for p in remove_temp_files(output)]
    if removed:
        log.warning("removed %d unfinished temporary files: %s", len(removed), removed[:5])
    return removed
