"""The command group, its global options and the state its commands share.

Commands parse options, call the library and print. Bad input (a file,
a field, a config key) exits with code 2 and one line naming file, line
and field; other failures exit with code 1.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import click

from ..config import Config, find_config_path, load_config
from ..errors import InputError, NotFoundError, SyndicatorError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


class BadInput(click.ClickException):
    """Exit code 2 with a one-line message, without click's usage text."""

    exit_code = 2


def exit_for(error: SyndicatorError) -> click.ClickException:
    """The CLI's one error boundary: a library error as one line and an exit code.

    Bad input (a file, a field, a config key, an id that names nothing)
    exits 2; every other failure the library knows (the store is locked
    or down, a pass or a push failed) exits 1. Nothing else maps errors,
    so no command can forget one and end in a traceback.
    """
    if isinstance(error, InputError | NotFoundError):
        return BadInput(str(error))
    return click.ClickException(str(error))


@dataclass
class State:
    config_path: str | None
    _config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(find_config_path(self.config_path))
        return self._config

    def engine(self) -> Engine:
        from .. import store

        engine = store.create_store_engine(
            self.config.store_url, busy_timeout=self.config.store.busy_timeout
        )
        store.init_schema(engine)
        return engine


pass_state = click.make_pass_decorator(State)


def _now(config: Config) -> datetime:
    return datetime.now(config.tz)


def cli_actor() -> str:
    """Who the audit trail says ran a command: ``cli:<OS user>``, or ``cli``."""
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError, ImportError):  # no user name in the environment or passwd
        return "cli"


def _dump(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


class SyndicatorGroup(click.Group):
    """A group whose own options may also follow the command.

    People type ``syndicator init --config site.toml`` as often as
    ``syndicator --config site.toml init``; both work. Only the global
    options move (none of the commands has an option of the same name),
    and nothing after ``--``.
    """

    WITH_VALUE = ("--config", "--log-format")
    FLAGS = ("-v", "--verbose")

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SyndicatorError as exc:
            raise exit_for(exc) from None

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        head: list[str] = []  # up to the command name
        hoisted: list[str] = []
        tail: list[str] = []
        i = 0
        while i < len(args):
            arg = args[i]
            if arg == "--":
                tail += args[i:]
                break
            takes_value = arg in self.WITH_VALUE and i + 1 < len(args)
            is_global = (
                takes_value
                or arg in self.FLAGS
                or arg.startswith(tuple(f"{name}=" for name in self.WITH_VALUE))
            )
            step = 2 if takes_value else 1
            if not tail and not arg.startswith("-") and arg not in self.FLAGS:
                tail.append(arg)  # the command's name
            elif not tail:
                head += args[i : i + step]
                i += step
                continue
            elif is_global:
                hoisted += args[i : i + step]
                i += step
                continue
            else:
                tail.append(arg)
            i += 1
        return super().parse_args(ctx, head + hoisted + tail)


@click.group(cls=SyndicatorGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    envvar="SYNDICATOR_CONFIG",
    help="Configuration file (default: ./config.toml; env SYNDICATOR_CONFIG).",
)
@click.option("-v", "--verbose", is_flag=True, help="Log every pass and request detail.")
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    envvar="SYNDICATOR_LOG_FORMAT",
    show_default=True,
    help="Log lines for people, or one JSON object per line (env SYNDICATOR_LOG_FORMAT).",
)
@click.version_option(package_name="syndicator")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, verbose: bool, log_format: str) -> None:
    """Syndicate a newspaper as RSS, Atom, JSON Feed and WeChat posts.

    Typical use: ``syndicator init``, ``syndicator import PAGE.txt``, then
    ``syndicator run`` to publish on schedule and serve on port 8080.
    """
    from ..logs import setup_logging

    setup_logging(verbose=verbose, fmt=log_format, stream=sys.stderr)
    ctx.obj = State(config_path)
