"""Shared fixtures: a configuration rooted in a temp dir, a real SQLite store,
the Flask app and client, the CLI runner, the sample data, real processes
and fakes of outside services.

Every test gets its own directory, database file and output tree, so tests
never see each other's feeds. The helpers themselves live in the package
``tests/support``; tests get them from the fixtures here (plain constants
such as ``support.paths.SAMPLE_PAGE`` or ``support.sampledata.SHANGHAI``
they import). Folder-only fixtures are in that folder's conftest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from support import axe, configs, feedcheck, pictures, processes, readerdata, sampledata
from support.localhub import LocalHub
from support.paths import SAMPLE_PAGE
from support.sampledata import AFTER_EDITION

from syndicator import store
from syndicator.config import Config
from syndicator.ingest import load_file
from syndicator.model import Article

# PostgreSQL databases of the tests' own: ``store_engine``, ``pg_database``.
pytest_plugins = ["support.pgstore"]


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may pick up a developer's config through the environment.

    That is the file's name, the API token and every variable that sets a
    key (``SYNDICATOR_SERVER_PORT``, ``DATABASE_URL``, ``PORT``…); the
    test-only switches (``SYNDICATOR_REQUIRE_POSTGRES``) stay.
    """
    import os

    from syndicator.config.environment import ALIASES, API_TOKEN_ENV, PREFIX, RESERVED
    from syndicator.config.settings import _SECTIONS

    prefixes = tuple(f"{PREFIX}{s.upper()}_" for s in [*_SECTIONS, "channels"])
    for name in list(os.environ):
        if name in ALIASES or (name.startswith(prefixes) and name not in RESERVED):
            monkeypatch.delenv(name)
    monkeypatch.delenv("SYNDICATOR_CONFIG", raising=False)
    monkeypatch.delenv(API_TOKEN_ENV, raising=False)


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Staff passwords are hashed with argon2id at its least cost in tests.

    At its real cost a hash takes a quarter of a second here, and the login
    limit's tests alone make dozens. Same algorithm, same code path;
    tests/actions/test_accounts.py checks the real parameters (after
    ``monkeypatch.undo()``).
    """
    from argon2 import PasswordHasher

    from syndicator.actions import accounts

    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(accounts, "HASHER", cheap)


# -- configuration, store, app --------------------------------------------------


@pytest.fixture(scope="session")
def make_config() -> Callable[..., Config]:
    """A factory: ``make_config(root, **sections)``, store and output dir under ``root``."""
    return configs.make_config


@pytest.fixture
def config(tmp_path: Path, make_config) -> Config:
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


@pytest.fixture(scope="session")
def write_config_file() -> Callable[..., Path]:
    """A factory: ``write_config_file(root, port, extra="")``, a server's TOML config."""
    return configs.write_config_file


@pytest.fixture
def engine(config: Config) -> Iterator:
    eng = store.create_store_engine(config.store_url)
    store.init_schema(eng)
    yield eng
    eng.dispose()


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


# -- sample data ----------------------------------------------------------------


@pytest.fixture(scope="session")
def load_articles() -> Callable[..., list[Article]]:
    """A factory: ``load_articles(name="articles.json")``, articles from tests/data."""
    return sampledata.load_articles


@pytest.fixture
def articles(load_articles) -> list[Article]:
    """The hand-written articles of tests/data/articles.json (images, links, tags, sections)."""
    return load_articles()


@pytest.fixture(scope="session")
def import_options():
    """A factory: ``import_options(config, page=None, edition=None)``, how ``config``
    imports a page (with what a person states)."""
    return sampledata.import_options


@pytest.fixture
def sample(config: Config, import_options):
    """The sample page parsed (not saved); it prints no 第N版, so page 1 is stated."""
    return load_file(SAMPLE_PAGE, import_options(config, page=1))


@pytest.fixture
def loaded(engine, sample) -> list[Article]:
    """The sample page saved into the store; returns its articles."""
    with engine.begin() as conn:
        store.save_edition(conn, sample.edition)
        store.save_articles(conn, sample.articles, now=AFTER_EDITION)
    return sample.articles


@pytest.fixture(scope="session")
def save_reader_paper() -> Callable[..., readerdata.ReaderPaper]:
    """A factory: ``save_reader_paper(engine, config, now)`` saves the reader pages' paper
    (the sample page, a page 2 with a photo, a table and a correction, a page 3, an
    earlier day; see support.readerdata), its photo in ``config``'s media store."""
    return readerdata.save_reader_paper


@pytest.fixture(scope="session")
def sample_data() -> SimpleNamespace:
    """``sample_data.save(config_path)`` and ``sample_data.publish(config_path, now)``:
    fill a server's store and output dir in-process."""
    return SimpleNamespace(save=sampledata.save, publish=sampledata.publish)


@pytest.fixture(scope="session")
def feed_problems() -> Callable[[str, bytes], list[str]]:
    """A function: ``feed_problems(file_name, data)``, what is wrong with an RSS, Atom
    or JSON feed document (chosen by its file name) by its specification; [] if valid."""
    return feedcheck.problems_for


@pytest.fixture(scope="session")
def make_picture() -> Callable[..., bytes]:
    """A factory: ``make_picture(width, height, fmt="JPEG", orientation=None, ...)``,
    the bytes of a photo made with Pillow (``fmt`` "PNG", "WEBP", "GIF"...)."""
    return pictures.picture


@pytest.fixture(scope="session")
def png_claiming() -> Callable[[int, int], bytes]:
    """A factory: ``png_claiming(width, height)``, a tiny PNG whose header claims that
    size: a decompression bomb's shape."""
    return pictures.png_claiming


@pytest.fixture
def media_store(config: Config):
    """The test's media store, at ``config.media_dir`` (what the app serves)."""
    return store.MediaStore(config.media_dir)


# -- real processes: a server and a browser -------------------------------------


@pytest.fixture(scope="session")
def free_port() -> Callable[[], int]:
    """A factory: ``free_port()``, a loopback port nothing listens on."""
    return processes.free_port


@pytest.fixture(scope="session")
def venv_bin() -> Callable[[str], str]:
    """A factory: ``venv_bin(name)``, a console script of the environment running the tests."""
    return processes.venv_bin


@pytest.fixture(scope="session")
def child_env() -> Callable[[], dict[str, str]]:
    """A factory: ``child_env()``, a fresh environment for a child process."""
    return processes.child_env


@pytest.fixture
def live_server(tmp_path: Path):
    """A factory: ``live_server(extra_toml="", command="serve")`` starts a server.

    The store and output dir live in the test's tmp dir (or pass ``config_path``
    for a config of your own); the server is stopped at the end of the test
    whatever happens.
    """
    servers: list[processes.LiveServer] = []

    def start(
        extra_toml: str = "",
        command: str = "serve",
        port: int | None = None,
        config_path: Path | None = None,
    ) -> processes.LiveServer:
        port = port or processes.free_port()
        if config_path is None:
            config_path = configs.write_config_file(tmp_path, port, extra_toml)
        server = processes.LiveServer(config_path, port, command)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def _launch_chromium():
    """Playwright's context manager around a headless Debian Chromium, or a skip."""
    if not Path(processes.CHROMIUM).exists():
        pytest.skip(
            f"{processes.CHROMIUM} missing: run `make test` as root, or `apt-get install chromium`"
        )
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="install the test extras: pip install -e '.[test]'"
    )
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=processes.CHROMIUM, headless=True, args=processes.CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def chromium():
    """A headless Debian Chromium driven by Playwright (never a downloaded browser)."""
    yield from _launch_chromium()


@pytest.fixture(scope="module")
def module_chromium():
    """The same Chromium, shared by a module's tests (each makes its own contexts)."""
    yield from _launch_chromium()


@pytest.fixture(scope="session")
def axe_core(tmp_path_factory) -> Path:
    """``axe.min.js`` of axe-core, installed with npm once per test session (skips without npm)."""
    return axe.install_axe(tmp_path_factory.mktemp("axe-core"))


# -- fakes of outside services --------------------------------------------------


@pytest.fixture
def local_hub() -> Iterator[Callable[..., LocalHub]]:
    """A factory: ``local_hub(fail=(503,))``, a WebSub hub on loopback recording pings;
    every hub made is closed at the end of the test."""
    made: list[LocalHub] = []

    def make(**kwargs) -> LocalHub:
        made.append(LocalHub(**kwargs))
        return made[-1]

    yield make
    for hub in made:
        hub.close()
