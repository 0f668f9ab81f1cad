"""When the publish pass runs: at every article's due time, and soon after any write.

Polling the store on a fixed interval makes a reader wait up to that
interval for an article that is already due. The planner instead asks
the store after each pass when the next scheduled article becomes due
(``store.next_due_at``, an indexed ``min``) and sets a one-off job for
that moment, so an article is published at its due time, not up to a
minute later. Writes from elsewhere (``syndicator import``, the ingest
API in the server's worker, another instance) bump the store's revision;
a watch every ``scheduler.watch`` seconds reads it (one row) and runs a
pass when it moved, which also re-plans the next due time. The interval
pass stays as the safety net.

All passes go through one mutex, so they never overlap in a process; a
watch that finds a pass running simply leaves it to that pass.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from datetime import datetime

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.base import BaseScheduler
from sqlalchemy.engine import Engine

from . import store

log = logging.getLogger(__name__)

DUE_JOB_ID = "publish-due"


class PassPlanner:
    """Runs ``job`` (one publish pass) now, at the next due time, or after a write."""

    def __init__(
        self,
        scheduler: BaseScheduler,
        engine: Engine,
        job: Callable[[], object],
        clock: Callable[[], datetime],
    ) -> None:
        self.scheduler = scheduler
        self.engine = engine
        self.job = job
        self.clock = clock
        self._mutex = threading.Lock()
        self._revision: int | None = None

    def run_now(self) -> None:
        """One pass (waiting for one in progress to end), then plan the next."""
        with self._mutex:
            revision = self._read_revision()
            self.job()
            self._revision = revision
            self._plan()

    def watch(self) -> None:
        """Run a pass if the store changed since the last one (due times have their job)."""
        if self._mutex.locked():
            return
        revision = self._read_revision()
        if revision is not None and revision != self._revision:
            self.run_now()

    def _read_revision(self) -> int | None:
        try:
            with self.engine.connect() as conn:
                return store.get_revision(conn)
        except Exception:  # the store is away: the interval pass will say so
            log.debug("store unavailable", exc_info=True)
            return None

    def _plan(self) -> None:
        try:
            with self.engine.connect() as conn:
                due = store.next_due_at(conn, self.clock())
        except Exception:
            log.debug("plan: store unavailable", exc_info=True)
            return
        if due is None:
            with contextlib.suppress(JobLookupError):
                self.scheduler.remove_job(DUE_JOB_ID)
            return
        self.scheduler.add_job(
            self.run_now,
            "date",
            run_date=due,
            id=DUE_JOB_ID,
            name="publish pass at the next due time",
            replace_existing=True,
            misfire_grace_time=None,
            # This job re-plans itself while it runs: with APScheduler's
            # default of one instance, a next due time already past would
            # be skipped as "still running". The mutex keeps passes apart.
            max_instances=8,
        )
        log.debug("next pass planned for %s", due.isoformat())
