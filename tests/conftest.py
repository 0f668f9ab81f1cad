"""Shared fixtures: a configuration rooted in a temp dir, a real SQLite store,
the Flask app and client, and the CLI runner.

Every test gets its own directory, database file and output tree, so tests
never see each other's feeds.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from syndicator import store
from syndicator.config import Config, config_from_dict
from syndicator.ingest import ImportOptions, load_file
from syndicator.model import Article, article_from_dict

# PostgreSQL databases of the tests' own: ``store_engine``, ``pg_database``.
pytest_plugins = ["support.pgstore"]

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SAMPLE_PAGE = ROOT / "demo" / "zjgrrb-2021-08-30-p1.txt"
SHANGHAI = ZoneInfo("Asia/Shanghai")
#: A moment after the sample edition went out (06:00 on 2021-08-30).
AFTER_EDITION = datetime(2021, 8, 30, 12, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may pick up a developer's config through the environment."""
    monkeypatch.delenv("SYNDICATOR_CONFIG", raising=False)


def make_config(tmp_path: Path, **sections: dict) -> Config:
    data = {
        "store": {"url": f"sqlite:///{tmp_path / 'store.db'}"},
        "output": {"dir": str(tmp_path / "feeds")},
        **sections,
    }
    return config_from_dict(data, root=tmp_path)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return make_config(tmp_path)


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    """The same settings as ``config``, written as a TOML file for the CLI."""
    path = tmp_path / "config.toml"
    path.write_text(
        f'[store]\nurl = "sqlite:///{tmp_path / "store.db"}"\n'
        f'[output]\ndir = "{tmp_path / "feeds"}"\n'
        '[server]\nhost = "127.0.0.1"\nport = 8080\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture
def engine(config: Config) -> Iterator:
    eng = store.create_store_engine(config.store_url)
    store.init_schema(eng)
    yield eng
    eng.dispose()


def import_options(config: Config) -> ImportOptions:
    return ImportOptions(
        paper_id=config.site.paper_id,
        paper_name=config.site.title,
        tz=config.tz,
        publish_time=config.ingest.publish_clock,
    )


@pytest.fixture
def sample(config: Config):
    """The sample page parsed (not saved)."""
    return load_file(SAMPLE_PAGE, import_options(config))


@pytest.fixture
def loaded(engine, sample) -> list[Article]:
    """The sample page saved into the store; returns its articles."""
    with engine.begin() as conn:
        store.save_edition(conn, sample.edition)
        store.save_articles(conn, sample.articles, now=AFTER_EDITION)
    return sample.articles


def load_articles(name: str = "articles.json") -> list[Article]:
    """Hand-written articles from tests/data (images, links, tags, sections)."""
    raw = json.loads((DATA / name).read_text(encoding="utf-8"))
    return [article_from_dict(item) for item in raw]


@pytest.fixture
def app(config: Config, engine):
    from syndicator.web import create_app

    return create_app(config, {"TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def venv_bin(name: str) -> str:
    """A console script of the environment running the tests."""
    import sys

    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else name


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("SYNDICATOR_CONFIG", None)
    env["PYTHONUNBUFFERED"] = "1"
    return env


# -- real processes: a server and a browser -------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class LiveServer:
    """`syndicator serve` in a subprocess on a free loopback port."""

    def __init__(self, config_path: Path, port: int, command: str = "serve") -> None:
        import subprocess

        self.config_path = config_path
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen(
            [venv_bin("syndicator"), "--config", str(config_path), command, "--port", str(port)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=child_env(),
        )
        self._wait()

    def _wait(self, timeout: float = 20.0) -> None:
        import time
        import urllib.error
        import urllib.request

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                out = self.proc.stdout.read().decode(errors="replace")
                pytest.fail(f"server exited with {self.proc.returncode}:\n{out}")
            try:
                with urllib.request.urlopen(self.url + "/", timeout=1):
                    return
            except urllib.error.HTTPError:
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        self.stop()
        pytest.fail(f"server did not answer on {self.url} within {timeout}s")

    def stop(self) -> str:
        import signal
        import subprocess

        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            out = self.proc.communicate(timeout=15)[0]
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out = self.proc.communicate()[0]
        return out.decode(errors="replace")


def write_config_file(tmp_path: Path, port: int, extra: str = "") -> Path:
    """A TOML config for a server process rooted in ``tmp_path``."""
    path = tmp_path / "config.toml"
    path.write_text(
        f'[store]\nurl = "sqlite:///{tmp_path / "store.db"}"\n'
        f'[output]\ndir = "{tmp_path / "feeds"}"\n'
        f'[server]\nhost = "127.0.0.1"\nport = {port}\n'
        f'[site]\nbase_url = "http://127.0.0.1:{port}"\n' + extra,
        encoding="utf-8",
    )
    return path


@pytest.fixture
def live_server(tmp_path: Path):
    """A factory: ``live_server(extra_toml="", command="serve")`` starts a server.

    The store and output dir live in the test's tmp dir; the server is
    stopped at the end of the test whatever happens.
    """
    servers: list[LiveServer] = []

    def start(extra_toml: str = "", command: str = "serve", port: int | None = None) -> LiveServer:
        port = port or free_port()
        config_path = write_config_file(tmp_path, port, extra_toml)
        server = LiveServer(config_path, port, command)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def chromium():
    """A headless Debian Chromium driven by Playwright (never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} missing: run `make test` as root, or `apt-get install chromium`")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="install the test extras: pip install -e '.[test]'"
    )
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
