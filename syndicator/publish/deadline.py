"""When a pass must give up: over its time budget, or because the process is stopping.

A pass is pure work until it writes (:func:`~.run.run_pass` renders
everything before it touches a file), so it can be abandoned at any
point before the first write and the previous feeds stay served,
untouched. The pass asks :func:`check` between units of work: before and
after reading the store, before each channel, each archive page and each
WeChat post, and once more before writing. Past that last check the pass
writes and commits to the end (files are replaced one by one,
atomically; the writing is a small part of a pass).

The limit is set around a pass with :func:`limited` (the scheduler of
``syndicator run`` does, with ``[scheduler] pass_budget`` and its
shutdown); a pass run without one (``syndicator publish``, tests) is
never abandoned. It is held in a context variable, so passes in other
threads keep their own.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from ..errors import SyndicatorError


class PassAbandonedError(SyndicatorError):
    """The pass stopped before writing anything; the previous feeds stay served."""

    #: What the scheduler counts and logs the tick as.
    role = "abandoned"


class PassTimeoutError(PassAbandonedError):
    """The pass ran past ``[scheduler] pass_budget``."""

    role = "timeout"


class PassStoppedError(PassAbandonedError):
    """The process is shutting down (SIGTERM, Ctrl-C)."""

    role = "stopped"


@dataclass(frozen=True)
class Limit:
    """A pass's budget in seconds (``None``: none) and the question "are we stopping?"."""

    budget: float | None
    stopping: Callable[[], bool]
    started: float

    def check(self, step: str) -> None:
        if self.stopping():
            raise PassStoppedError(f"pass stopped while {step}: the process is shutting down")
        elapsed = time.monotonic() - self.started
        if self.budget is not None and elapsed > self.budget:
            raise PassTimeoutError(
                f"pass abandoned after {elapsed:.1f}s while {step}: over its budget of"
                f" {self.budget:g}s ([scheduler] pass_budget); nothing was written, the previous"
                " feeds are still served (raise the budget, or run `syndicator publish` once)"
            )


_current: ContextVar[Limit | None] = ContextVar("syndicator_pass_limit", default=None)


def _never() -> bool:
    return False


@contextlib.contextmanager
def limited(budget: float | None, stopping: Callable[[], bool] = _never) -> Iterator[Limit]:
    """Run the passes inside the block under a budget and a stop condition.

    :param budget: seconds from now; ``None`` for no budget.
    :param stopping: true once the process is shutting down.
    """
    limit = Limit(budget, stopping, time.monotonic())
    token = _current.set(limit)
    try:
        yield limit
    finally:
        _current.reset(token)


def check(step: str) -> None:
    """Give up the pass here if it is over its budget or the process is stopping.

    :param step: what the pass is doing, for the log line (``rendering channel all``).
    :raises PassTimeoutError: over the budget set by :func:`limited`.
    :raises PassStoppedError: the process is shutting down.
    """
    limit = _current.get()
    if limit is not None:
        limit.check(step)
