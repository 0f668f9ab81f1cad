"""Progress bars on standard error for the commands that can run long.

``syndicator import`` of a back catalogue (a thousand pages) and the
``syndicator publish`` that follows take tens of seconds; a bar per step
says they are moving. Short runs (under 20 items) show none, and neither
does standard error that is not a terminal (a log file, a pipe): there a
bar is noise between the lines that matter.
"""

from __future__ import annotations

import sys
from typing import Any

import click


def progress_bar(items: Any, label: str) -> Any:
    """A progress bar on standard error for long runs (many files); else the items."""
    items = list(items)
    if len(items) < 20 or not _terminal():
        return items
    return _Bar(items, label)


def _terminal() -> bool:
    return sys.stderr.isatty()


class _Bar:
    def __init__(self, items: list[Any], label: str) -> None:
        self.items = items
        self.label = label

    def __iter__(self) -> Any:
        with click.progressbar(self.items, label=self.label, file=sys.stderr) as bar:
            yield from bar


class PassProgress:
    """The publish pass's steps as progress bars (rendering, writing)."""

    def __init__(self) -> None:
        self._bar: Any = None
        self._step = ""

    def __call__(self, step: str, done: int, total: int) -> None:
        if total < 20 or not _terminal():
            return
        if step != self._step:
            self.close()
            self._step = step
            self._bar = click.progressbar(length=total, label=step, file=sys.stderr)
            self._bar.__enter__()
        self._bar.update(done - self._bar.pos)
        if done >= total:
            self.close()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None
            self._step = ""
