"""Start serving while the store is away, and prepare it once it answers.

A restart while the database is down (a PostgreSQL failover, a full disk
under SQLite) used to stop ``serve`` and ``run`` at their first step,
creating or upgrading the store, so readers lost feeds that were sitting
in the output dir all along. Now that step is tried once at start; when
the store cannot be opened the server starts anyway, serving the files
it has (``/healthz`` answers 503 with ``Retry-After``, pages that need
the store too), one line says so, and a thread repeats the step until it
works. Under ``run`` the scheduler's passes keep failing, counted in
``syndicator_passes_total{role="failed"}``, until the store is back.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from ..errors import StoreError

log = logging.getLogger(__name__)

#: Longest wait between two attempts; shorter with a shorter
#: ``[scheduler] interval`` (passes need the store at that pace).
MAX_RETRY_SECONDS = 30.0


def retry_seconds(interval: float) -> float:
    """Seconds between attempts for a scheduler ``interval``: at least 1, at most 30."""
    return min(max(float(interval), 1.0), MAX_RETRY_SECONDS)


def prepare_or_retry(
    prepare: Callable[[], None],
    output_dir: Path,
    every: float,
    stop: threading.Event | None = None,
) -> threading.Thread | None:
    """Run ``prepare`` (create or upgrade the store); when it fails, retry in the background.

    :param prepare: raises :class:`StoreError` while the store cannot be opened.
    :raises StoreError: at once, when the store answered but the step failed.
    :param output_dir: what is served meanwhile (named in the log line).
    :param every: seconds between attempts.
    :param stop: set to end the retries (the thread is a daemon either way).
    :return: the retrying thread, or ``None`` when the store was ready at once.
    """
    try:
        prepare()
    except StoreError as exc:
        if not exc.unreachable:  # it answered and refused: waiting will not help
            raise
        log.warning(
            "%s; serving the feeds in %s without it, retrying every %gs",
            _one_line(str(exc)),
            output_dir,
            every,
        )
    else:
        return None
    thread = threading.Thread(
        target=_retry,
        args=(prepare, every, stop or threading.Event()),
        name="store-retry",
        daemon=True,
    )
    thread.start()
    return thread


def _retry(prepare: Callable[[], None], every: float, stop: threading.Event) -> None:
    while not stop.wait(every):
        try:
            prepare()
        except StoreError as exc:
            log.debug("store still unreachable: %s", _one_line(str(exc)))
            continue
        log.info("store reachable again: schema up to date")
        return


def _one_line(text: str) -> str:
    return " ".join(text.split())
