"""The long-running job: the publish scheduler of ``syndicator run``.

``run`` adds to the web server (:mod:`.server`) the APScheduler job that
runs the publish pass every ``scheduler.interval`` seconds (and once at
start, so a fresh install has feeds within seconds). On Ctrl-C or SIGTERM
the scheduler finishes the pass in progress, then exits.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.engine import Engine

from .config import Config
from .planner import PassPlanner
from .publish import run_pass
from .websub import Pinger, changed_topics

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def publish_job(engine: Engine, config: Config, clock: Clock, pinger: Pinger | None = None) -> None:
    """One scheduled pass. A failure is logged and the previous feeds stay served.

    Changed feeds are handed to ``pinger`` (WebSub), which pings the hubs
    in the background: the pass never waits for a hub.
    """
    try:
        report = run_pass(engine, config, now=clock())
    except Exception:
        log.exception("publish pass failed; the previous feeds are still served")
        return
    if pinger is not None and report.written:
        pinger.publish(changed_topics(config, report.written))


def build_scheduler(
    engine: Engine, config: Config, clock: Clock | None = None, pinger: Pinger | None = None
) -> BackgroundScheduler:
    """A scheduler whose passes never pile up.

    Passes run at start, every ``scheduler.interval`` seconds, at each
    article's due time and soon after any write to the store
    (:mod:`.planner`), one at a time. ``max_instances=1`` and coalescing
    mean a slow pass delays the next one instead of running two at once;
    the misfire grace lets a pass that was due while the machine slept
    still run.
    """
    tz = config.tz
    clock = clock or (lambda: datetime.now(tz))
    scheduler = BackgroundScheduler(timezone=tz)
    planner = PassPlanner(
        scheduler, engine, functools.partial(publish_job, engine, config, clock, pinger), clock
    )
    scheduler.add_job(
        planner.run_now,
        IntervalTrigger(seconds=config.scheduler.interval, timezone=tz),
        id="publish",
        name="publish pass",
        max_instances=1,
        coalesce=True,
        misfire_grace_time=config.scheduler.misfire_grace,
        next_run_time=datetime.now(tz) + timedelta(milliseconds=100),
    )
    if config.scheduler.watch > 0:
        scheduler.add_job(
            planner.watch,
            IntervalTrigger(seconds=config.scheduler.watch, timezone=tz),
            id="watch",
            name="watch the store for writes",
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
        )
    return scheduler
