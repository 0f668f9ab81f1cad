"""``syndicator config``: the effective configuration and where each value came from."""

from __future__ import annotations

import json
from typing import Any

import click

from ..config import find_config_path, read_config
from .base import State, _dump, cli, pass_state


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_state
def config(state: State, as_json: bool) -> None:
    """Print the effective configuration: each key, its value and where it came from.

    A value comes from the default, the file (FILE:LINE) or the environment
    (env SYNDICATOR_SERVER_PORT, DATABASE_URL, PORT). Tokens, secrets and
    passwords in URLs are masked. A configuration that does not load
    exits 2 with the one line that says why.

    Example: syndicator config --json
    """
    from ..config.sources import explain_config, explain_secrets

    read = read_config(find_config_path(state.config_path))
    settings = explain_config(read)
    secrets = explain_secrets()
    path = str(read.config.path) if read.config.path is not None else None
    if as_json:
        _dump(
            {
                "file": path,
                "settings": {s.key: {"value": s.value, "source": s.source} for s in settings},
                "environment": {s.key: {"value": s.value, "source": s.source} for s in secrets},
            }
        )
        return
    click.echo(f"# file: {path or '(none: defaults and environment only)'}")
    rows = [(s.key, s.source, _show(s.value)) for s in settings]
    rows += [(s.key, s.source, str(s.value)) for s in secrets]
    key_width = max(len(r[0]) for r in rows)
    source_width = max(len(r[1]) for r in rows)
    click.echo(f"{'KEY':<{key_width}}  {'SOURCE':<{source_width}}  VALUE")
    for key, source, value in rows:
        click.echo(f"{key:<{key_width}}  {source:<{source_width}}  {value}")


def _show(value: Any) -> str:
    """A value as TOML would write it (text quoted, ``true``, lists in brackets)."""
    if value is None:
        return "(none)"
    return json.dumps(value, ensure_ascii=False)
