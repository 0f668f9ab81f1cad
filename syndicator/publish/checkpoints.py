"""Named steps of a publish pass, announced to observers as the pass reaches them.

The pass's crash-safety rests on an *order*: files first, bookkeeping
after, so that a pass killed in between is redone rather than lost. A
pass that committed first and wrote second would leave the same files
whenever nothing went wrong, so no test of the outcome can pin the
order; these announcements can. :func:`~syndicator.publish.run_pass`
reaches, in this order:

- ``planned``: everything rendered, no file touched (``documents``: how many);
- ``replaced``: with ``done=0``, the changed files' temporary copies are
  durable and none is renamed yet; then once after each rename into place
  (``done`` of ``total``, two per document: the ``.gz`` twin, then the file);
  not reached when no file's bytes changed;
- ``files-written``: every file in place, stale ones deleted, manifests saved;
- ``committed``: the bookkeeping is committed (publishing passes only).

The observers are for tests: ``tests/publish/test_faults.py`` records the order
and SIGKILLs a forked pass at chosen points. Production registers none,
so a step costs one look at an empty list.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

#: ``observer(point, info)``; ``info`` holds the step's numbers.
Observer = Callable[[str, dict[str, Any]], None]

_observers: list[Observer] = []


def reach(point: str, **info: Any) -> None:
    """Tell every observer that the pass has reached ``point``."""
    for observer in tuple(_observers):
        observer(point, info)


@contextlib.contextmanager
def observing(observer: Observer) -> Iterator[None]:
    """Call ``observer`` at every step of the passes run inside the block."""
    _observers.append(observer)
    try:
        yield
    finally:
        _observers.remove(observer)
