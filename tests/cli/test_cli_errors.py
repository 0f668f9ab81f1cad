"""The CLI's one error boundary: a library error is one line and an exit code.

Run as a user runs it, ``python -m syndicator`` in a process of its own,
so what is checked is exactly what reaches the terminal: no traceback,
one line on standard error, 1 for a failure and 2 for bad input.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from syndicator.cli import cli

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_PAGE = ROOT / "demo" / "zjgrrb-2021-08-30-p1.txt"
ARTICLE_ID = "zjgrrb-20210830-01-01"


def _syndicator(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "syndicator", "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=config.parent,
    )


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A store holding the sample page, whose writers give up after 0.2 s."""
    config = tmp_path / "config.toml"
    config.write_text(
        f'[store]\nurl = "sqlite:///{tmp_path / "store.db"}"\nbusy_timeout = 0.2\n'
        f'[output]\ndir = "{tmp_path / "feeds"}"\n',
        encoding="utf-8",
    )
    runner = CliRunner()  # the set-up runs in this process; the commands under test do not
    for args in (["init"], ["import", "--page", "1", str(SAMPLE_PAGE)]):
        result = runner.invoke(cli, ["--config", str(config), *args])
        assert result.exit_code == 0, result.output
    return config


@pytest.fixture
def locked(site: Path) -> Iterator[Path]:
    """Another process holds the store's write lock (an import mid-way, say)."""
    holder = sqlite3.connect(site.parent / "store.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield site
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def _one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert "Traceback" not in stderr, stderr
    assert len(lines) == 1, stderr
    return lines[0]


@pytest.mark.parametrize(
    "args",
    [
        ("import", "--page", "1", "corrected.txt"),
        ("withdraw", ARTICLE_ID),
        ("restore", ARTICLE_ID),
        ("publish", "--now", "2021-08-30T12:00:00+08:00"),
    ],
    ids=lambda a: a[0],
)
def test_locked_store_is_one_line_and_exit_1(locked: Path, args: tuple[str, ...]) -> None:
    # A corrected page, so that the import has something to write.
    corrected = SAMPLE_PAGE.read_text(encoding="utf-8").replace("程雪", "程雪雪", 1)
    (locked.parent / "corrected.txt").write_text(corrected, encoding="utf-8")
    done = _syndicator(locked, *args)
    assert done.returncode == 1, done.stderr
    line = _one_line(done.stderr)
    assert line.startswith("Error: store:") and "database is locked" in line, line


def test_unknown_article_is_bad_input_exit_2(site: Path) -> None:
    done = _syndicator(site, "withdraw", "no-such-article")
    assert done.returncode == 2
    assert _one_line(done.stderr) == "Error: no article with id 'no-such-article'"


def test_the_store_is_written_once_the_lock_is_gone(site: Path) -> None:
    """The same commands succeed when nobody holds the lock: the failure above was the lock."""
    done = _syndicator(site, "withdraw", ARTICLE_ID)
    assert done.returncode == 0, done.stderr
    assert "withdrawn" in done.stdout
    done = _syndicator(site, "restore", ARTICLE_ID)
    assert done.returncode == 0, done.stderr
    assert "published" in done.stdout


@pytest.mark.parametrize("depth", [500, 990, 5000])
def test_deeply_nested_json_is_bad_input_exit_2(site: Path, depth: int) -> None:
    deep = site.parent / "deep.json"
    deep.write_text('{"id": "x", "tags": ' + "[" * depth + "]" * depth + "}", encoding="utf-8")
    done = _syndicator(site, "import", str(deep))
    assert done.returncode == 2, done.stderr
    line = _one_line(done.stderr)
    assert "deep.json" in line and "nested too deeply" in line, line
