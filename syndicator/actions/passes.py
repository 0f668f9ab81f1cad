"""Publish passes as a user starts them: one now, or the scheduler of ``run``.

Whoever runs a pass, the hubs hear of it the same way: through
:func:`announce_changes`, the one place that starts WebSub pings.
"""

from __future__ import annotations

import functools
from datetime import datetime

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.engine import Engine

from .. import store
from ..config import Config
from ..errors import SyndicatorError
from ..integrations.websub import Pinger, changed_topics
from ..publish import COVERED_CLOCK, PassReport
from ..publish.cluster import publish_or_follow
from ..publish.plan import Progress
from ..publish.scheduler import Clock, build_scheduler

#: How long a one-off pass waits for a pass another instance is running.
LOCK_WAIT = 60.0


class BusyError(SyndicatorError):
    """Another instance kept the publish lock for longer than we waited."""


def announce_changes(pinger: Pinger, config: Config, report: PassReport) -> list[str]:
    """Queue a WebSub ping for every subscription feed the pass rewrote.

    :return: the topics queued (none when no feed changed).
    """
    topics = changed_topics(config, report.written)
    if topics:
        pinger.publish(topics)
    return topics


def clock_rewinds(engine: Engine, now: datetime) -> str | None:
    """The last pass's clock when ``now`` is before it, else ``None``.

    A pass run "as of" an earlier time takes out of the live feeds what was
    due since, until the next pass: worth a warning to whoever asked.
    """
    with engine.connect() as conn:
        last = store.get_meta(conn, COVERED_CLOCK)
    return last if last and now < datetime.fromisoformat(last) else None


def publish_now(
    engine: Engine,
    config: Config,
    *,
    now: datetime,
    force: bool = False,
    progress: Progress | None = None,
    ping_timeout: float = 30.0,
) -> tuple[PassReport, bool]:
    """Run one pass now (waiting up to a minute for another instance's) and ping hubs.

    :return: the pass's report, and whether every hub that was due a ping
        got it within ``ping_timeout`` seconds.
    :raises BusyError: when another instance's pass held the lock all along.
    :raises StoreError: when the store is down or locked.
    """
    outcome = publish_or_follow(
        engine,
        config,
        now=now,
        force=force,
        wait=LOCK_WAIT,
        follow=False,
        clean=True,
        progress=progress,
    )
    if outcome.report is None:
        raise BusyError("another instance has been running a pass for a minute; try again later")
    report = outcome.report
    if not config.feeds.hubs or not changed_topics(config, report.written):
        return report, True
    pinger = Pinger.from_config(config).start()
    try:
        announce_changes(pinger, config, report)
        reached = pinger.wait_idle(timeout=ping_timeout)
    finally:
        pinger.stop(timeout=1)
    return report, reached


def start_scheduler(
    engine: Engine, config: Config, pinger: Pinger, clock: Clock | None = None
) -> BackgroundScheduler:
    """The scheduler of ``syndicator run``, its passes announced to ``pinger``'s hubs."""
    return build_scheduler(
        engine,
        config,
        clock=clock,
        on_published=functools.partial(announce_changes, pinger, config),
    )
