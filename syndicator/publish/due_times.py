"""When the publish pass runs: at every article's due time, and soon after any write.

Polling the store on a fixed interval makes a reader wait up to that
interval for an article that is already due. The watch instead asks
the store after each pass when the next scheduled article becomes due
(``store.next_due_at``, an indexed ``min``) and sleeps until that moment,
so an article is published at its due time, not up to a minute later.
Writes from elsewhere (``syndicator import``, the ingest API in the
server's worker process, another instance) bump the store's revision; the
watch reads it (one row) every ``scheduler.watch`` seconds and runs a
pass when it moved, which also finds the next due time. The scheduler's
interval pass stays as the safety net.

The watch is one long-running job of the scheduler: it never adds or
removes jobs (APScheduler deadlocks when a job does that while
``shutdown(wait=True)`` waits for it), and it returns within a watch
period once the scheduler stops. All passes go through ``job``, whose own
mutex keeps them apart.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from apscheduler.schedulers.base import STATE_STOPPED, BaseScheduler
from sqlalchemy.engine import Connection, Engine

from .. import store

log = logging.getLogger(__name__)

T = TypeVar("T")

#: The longest sleep between two looks at the scheduler's state.
MAX_NAP = 1.0


class DueTimeWatch:
    """Runs ``job`` (one publish pass) at the next due time, or after a write."""

    def __init__(
        self,
        scheduler: BaseScheduler,
        engine: Engine,
        job: Callable[[], object],
        clock: Callable[[], datetime],
        watch: float = 0.25,
    ) -> None:
        self.scheduler = scheduler
        self.engine = engine
        self.job = job
        self.clock = clock
        self.watch = watch
        self._revision: int | None = None
        self._next_due: datetime | None = None

    def run_now(self) -> None:
        """One pass, then look up the next due time.

        The next due time is looked up from the clock as it was *before*
        the pass: an article that fell due while the pass ran (an edition's
        articles are due milliseconds apart, see ``model.release_time``)
        is either in that pass or found here, never left for the interval.
        At worst that costs one pass that finds nothing new.
        """
        revision = self._read(store.get_revision)
        started = self.clock()
        self.job()
        self._revision = revision
        self._next_due = self._read(lambda conn: store.next_due_at(conn, started))

    def step(self) -> float:
        """Run a pass if one is needed now; return how long to sleep before the next look."""
        if self.watch > 0:
            revision = self._read(store.get_revision)
            if revision is not None and revision != self._revision:
                self.run_now()
        due = self._next_due
        if due is not None:
            wait = (due - self.clock()).total_seconds()
            if wait <= 0:
                self.run_now()
                return 0.0
            return min(wait, self.watch or MAX_NAP, MAX_NAP)
        return min(self.watch or MAX_NAP, MAX_NAP)

    def loop(self) -> None:
        """The scheduler job: :meth:`step` until the scheduler stops."""
        while self.scheduler.state != STATE_STOPPED:
            try:
                nap = self.step()
            except Exception:  # the job logs its own failures; this is the store away
                log.debug("due times: store unavailable", exc_info=True)
                nap = MAX_NAP
            if nap > 0:
                time.sleep(nap)

    def _read(self, query: Callable[[Connection], T]) -> T | None:
        try:
            with self.engine.connect() as conn:
                return query(conn)
        except Exception:  # the store is away: the interval pass will say so
            log.debug("due times: store unavailable", exc_info=True)
            return None
