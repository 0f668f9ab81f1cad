"""The ``syndicator`` command: a thin click layer over the library.

Commands parse options, call the library and print. Bad input (a file,
a field, a config key) exits with code 2 and one line naming file, line
and field; other failures exit with code 1.
"""

from __future__ import annotations

from . import commands, configuration, serving, users, wechat  # noqa: F401 - each module registers its commands
from .base import cli

__all__ = ["cli", "main"]


def main() -> None:
    cli(prog_name="syndicator")
