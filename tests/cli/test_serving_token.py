"""``serve`` and ``run`` refuse a short API token before anything listens."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from support.tokens import API_TOKEN

from syndicator.cli import cli

REFUSED = (
    "Error: SYNDICATOR_API_TOKEN: too short (1 characters): use at least 32"
    " (e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(32))')\n"
)


@pytest.fixture
def started(monkeypatch) -> list[dict]:
    """The server's start, recorded instead of listening."""
    from syndicator import metrics
    from syndicator.web import server

    calls: list[dict] = []
    monkeypatch.setattr(server, "serve", lambda config, **kw: calls.append(kw))
    # This test process has used metrics already: no shared directory for it.
    monkeypatch.setattr(metrics, "use_directory", lambda: None)
    monkeypatch.setattr(metrics, "remove_directory", lambda shared: None)
    return calls


@pytest.mark.parametrize("command", ["serve", "run"])
def test_a_one_character_token_stops_the_start(config_file: Path, started, command) -> None:
    result = CliRunner().invoke(
        cli, ["--config", str(config_file), command], env={"SYNDICATOR_API_TOKEN": "x"}
    )
    assert (result.exit_code, result.output) == (2, REFUSED)
    assert started == []


@pytest.mark.parametrize("token", [" ", "", API_TOKEN], ids=["space", "empty", "good"])
def test_a_blank_or_good_token_starts(config_file: Path, started, token) -> None:
    result = CliRunner().invoke(
        cli, ["--config", str(config_file), "serve"], env={"SYNDICATOR_API_TOKEN": token}
    )
    assert result.exit_code == 0, result.output
    assert len(started) == 1


def test_run_with_a_short_token_is_one_line_on_stderr_and_exit_2(config_file: Path) -> None:
    """As an operator sees it: a process of its own, no traceback."""
    done = subprocess.run(
        [sys.executable, "-m", "syndicator", "--config", str(config_file), "run"],
        env={"PATH": "/usr/bin:/bin", "SYNDICATOR_API_TOKEN": "x"},
        capture_output=True,
        text=True,
        timeout=60,
        cwd=config_file.parent,
    )
    assert (done.returncode, done.stdout, done.stderr) == (2, "", REFUSED)
