"""The long-running job: the publish scheduler of ``syndicator run``.

``run`` adds to the web server (:mod:`.server`) the APScheduler jobs that
run the publish pass: once at start (a fresh install has feeds within
seconds), every ``scheduler.interval`` seconds, at each article's due time
and soon after any write to the store (:mod:`.due_times`). With several
instances on one store, each tick either publishes or follows the
publisher (``cluster``). A pass longer than ``scheduler.pass_budget``
seconds is abandoned before it writes anything (:mod:`.deadline`); so is
the pass in progress on Ctrl-C or SIGTERM, so that ``run`` stops within
seconds, its feeds as the last complete pass left them.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_STOPPED
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.engine import Engine

from .. import metrics
from ..config import Config
from ..errors import StoreError
from . import deadline
from .cluster import Outcome, instance_id, publish_or_follow
from .due_times import DueTimeWatch
from .plan import PassReport

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]

#: Ticks fall on multiples of the interval counted from here, so every
#: instance ticks at the same moments and the lock, not luck, picks the
#: one that publishes.
TICK_ORIGIN = datetime(2000, 1, 1, tzinfo=UTC)
JOB_ID = "publish"
#: Seconds a stopping ``run`` waits for the pass in progress to give up. A
#: pass checks often (:mod:`.deadline`), but not inside one store query or
#: while it writes; past this the process exits anyway, which is safe as a
#: kill is at any point of a pass (the next one redoes it).
STOP_GRACE = 4.0
NOW_JOB_ID = "publish-now"
DUE_TIMES_JOB_ID = "due-times"


class Publisher:
    """This instance's publish job: the pass if it gets the lock, else follow.

    Scheduled ticks and triggered passes (after an API write) share one
    mutex, so a process never runs two at once; a tick that finds a
    triggered pass running simply skips.
    """

    def __init__(
        self,
        engine: Engine,
        config: Config,
        clock: Clock | None = None,
        on_published: Callable[[PassReport], object] | None = None,
    ) -> None:
        self.engine = engine
        self.config = config
        self.on_published = on_published
        self.clock = clock or (lambda: datetime.now(config.tz))
        self.instance = instance_id()
        self._mutex = threading.Lock()
        self._clean = True  # the first tick removes what a killed writer left
        #: True once the process is stopping: the pass in progress gives up.
        self.stopping: Callable[[], bool] = lambda: False

    def wait_idle(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the tick in progress, if any, to end."""
        if not self._mutex.acquire(timeout=timeout):
            return False
        self._mutex.release()
        return True

    def tick(self, triggered: bool = False) -> Outcome | None:
        """Run one tick. A failure is logged and the previous feeds stay served."""
        if not self._mutex.acquire(blocking=triggered):
            return None
        if self.stopping():  # a triggered tick that waited for a pass given up at a stop
            self._mutex.release()
            return None
        started = time.monotonic()
        try:
            with deadline.limited(self.config.scheduler.pass_budget, self.stopping):
                outcome = publish_or_follow(
                    self.engine,
                    self.config,
                    now=self.clock(),
                    instance=self.instance,
                    wait=max(1.0, self.config.scheduler.interval / 2) if triggered else 0.0,
                    clean=self._clean,
                )
        except deadline.PassAbandonedError as exc:
            self._abandoned(exc, time.monotonic() - started)
            return None
        except Exception as exc:
            self._clean = True
            metrics.PASSES.inc(role="failed")
            metrics.PASS_SECONDS.observe(time.monotonic() - started, role="failed")
            log.error(
                "publish pass failed%s; the previous feeds are still served",
                # A store that is away says all in one line, every tick it stays away.
                f": {' '.join(str(exc).split())}" if _unreachable(exc) else "",
                exc_info=not _unreachable(exc),
                extra={"event": "pass", "role": "failed", "instance": self.instance},
            )
            return None
        finally:
            self._mutex.release()
        self._clean = False
        self._record(outcome, triggered)
        return outcome

    def _abandoned(self, exc: deadline.PassAbandonedError, seconds: float) -> None:
        """Count and log a pass that gave up before writing: one line, no traceback."""
        metrics.PASSES.inc(role=exc.role)
        metrics.PASS_SECONDS.observe(seconds, role=exc.role)
        log.log(
            logging.INFO if exc.role == "stopped" else logging.ERROR,
            "%s",
            exc,
            extra={"event": "pass", "role": exc.role, "instance": self.instance},
        )

    def _record(self, outcome: Outcome, triggered: bool) -> None:
        metrics.PASSES.inc(role=outcome.role)
        metrics.PASS_SECONDS.observe(outcome.seconds, role=outcome.role)
        metrics.LAST_PASS.set(outcome.finished_at.timestamp())
        if outcome.role in ("published", "synced", "current"):
            metrics.GENERATION.set(outcome.generation)
        report = outcome.report
        if outcome.role == "published" and report is not None:
            # Only the publisher announces its pass (the WebSub pings, in the
            # background: the pass never waits); followers re-render the same feeds.
            if self.on_published is not None and report.written:
                self.on_published(report)
            for kind, ids in (
                ("new", report.added),
                ("corrected", report.changed),
                ("removed", report.removed),
            ):
                if ids:
                    metrics.ARTICLES.inc(len(ids), kind=kind)
        quiet = outcome.role in ("current", "busy")
        log.log(
            logging.DEBUG if quiet else logging.INFO,
            "tick: %s (generation %s, %.3fs)",
            outcome.role,
            outcome.generation,
            outcome.seconds,
            extra={"event": "pass", "triggered": triggered, **outcome.to_dict()},
        )


def _unreachable(exc: Exception) -> bool:
    return isinstance(exc, StoreError) and exc.unreachable


class PassScheduler(BackgroundScheduler):
    """The scheduler of ``run``, holding its :class:`Publisher` for :func:`stop_scheduler`."""

    def __init__(self, publisher: Publisher, **options: object) -> None:
        super().__init__(**options)
        self.publisher = publisher


def stop_scheduler(scheduler: BackgroundScheduler, *, grace: float = STOP_GRACE) -> bool:
    """Stop scheduling, and give the pass in progress ``grace`` seconds to give up.

    ``shutdown`` marks the scheduler stopped first, which the pass sees at
    its next check; it is not waited for beyond ``grace``.

    :return: whether no pass is still running (else the caller may exit
        regardless: an unfinished pass is redone by the next one).
    """
    scheduler.shutdown(wait=False)
    publisher = getattr(scheduler, "publisher", None)
    return publisher is None or publisher.wait_idle(grace)


def build_scheduler(
    engine: Engine,
    config: Config,
    clock: Clock | None = None,
    on_published: Callable[[PassReport], object] | None = None,
) -> BackgroundScheduler:
    """A scheduler whose passes never pile up.

    ``max_instances=1`` and coalescing mean a slow pass delays the next
    one instead of running two at once; the misfire grace lets a pass that
    was due while the machine slept still run. A first pass runs at once,
    so a fresh install has feeds within seconds. The due-time watch adds a pass
    at each article's due time and one soon after any write to the store
    (the ingest API in the server's worker, an import, another instance).
    """
    tz = config.tz
    publisher = Publisher(engine, config, clock, on_published)
    scheduler = PassScheduler(publisher, timezone=tz)
    # ``shutdown`` marks the scheduler stopped before it waits for the jobs:
    # the pass in progress sees that at its next check and gives up.
    publisher.stopping = lambda: scheduler.state == STATE_STOPPED
    due_times = DueTimeWatch(
        scheduler,
        engine,
        functools.partial(publisher.tick, triggered=True),
        publisher.clock,
        watch=config.scheduler.watch,
    )
    scheduler.add_job(
        due_times.loop,
        "date",
        run_date=datetime.now(tz) + timedelta(milliseconds=100),
        id=DUE_TIMES_JOB_ID,
        name="passes at due times and after writes",
        misfire_grace_time=None,
    )
    scheduler.add_job(
        publisher.tick,
        IntervalTrigger(seconds=config.scheduler.interval, start_date=TICK_ORIGIN, timezone=tz),
        id=JOB_ID,
        name="publish pass",
        max_instances=1,
        coalesce=True,
        misfire_grace_time=config.scheduler.misfire_grace,
    )
    scheduler.add_job(
        publisher.tick,
        "date",
        run_date=datetime.now(tz) + timedelta(milliseconds=100),
        id=NOW_JOB_ID,
        name="first publish pass",
        misfire_grace_time=None,
    )
    return scheduler
