"""The README documents every command and every option it has."""

from __future__ import annotations

import re

import click
from support.paths import ROOT

from syndicator.cli import cli

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_starts_with_the_two_commands() -> None:
    head = README[:1200]
    assert "make run" in head and "make test" in head


def test_every_command_and_option_is_in_the_readme() -> None:
    ctx = click.Context(cli)
    missing = []
    for name in cli.list_commands(ctx):
        command = cli.get_command(ctx, name)
        if f"syndicator {name}" not in README:
            missing.append(name)
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--") and opt != "--help" and opt not in README:
                    missing.append(f"{name} {opt}")
    assert not missing, missing


def test_every_config_key_is_commented_in_config_toml() -> None:
    import dataclasses

    from syndicator.config.settings import _SECTIONS

    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    for section, cls in _SECTIONS.items():
        assert re.search(rf"^\[{section}\]", text, re.M), section
        for f in dataclasses.fields(cls):
            assert re.search(rf"^#? ?{f.name} =", text, re.M), f"{section}.{f.name}"
