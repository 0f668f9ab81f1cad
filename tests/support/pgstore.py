"""PostgreSQL for the tests: databases of their own, created and dropped here.

The server is the one on 127.0.0.1:5432 (user postgres, trust), or the
one ``SYNDICATOR_TEST_POSTGRES`` names. Each test run makes databases
named ``syndicator_test_issue6_<random>`` and drops them at the end, so
runs never see each other's rows. When no server answers, the tests that
need one skip and say how to get one, so a laptop without PostgreSQL can
still run the rest. CI must never skip them silently: ``.ci/run`` sets
``SYNDICATOR_REQUIRE_POSTGRES=1``, under which an unreachable server fails
every test that needs it, naming the server and the variable.

Fixtures:

- ``store_engine``: parametrised over ``sqlite`` and ``postgres``; the
  store and publish tests use it as their ``engine`` so that every one of
  them runs on both backends.
- ``pg_database``: a factory of fresh, migrated databases (their URLs),
  for tests that start real processes on a shared store.
"""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from syndicator import store

ADMIN_URL = os.environ.get(
    "SYNDICATOR_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
PREFIX = "syndicator_test_issue6_"
#: Set (to anything but ``0``) where a skipped PostgreSQL test would hide a gap: CI.
REQUIRE_ENV = "SYNDICATOR_REQUIRE_POSTGRES"
HOW_TO = (
    "start PostgreSQL on 127.0.0.1:5432 with trust auth for user postgres "
    "(apt-get install postgresql), or set SYNDICATOR_TEST_POSTGRES to a server's URL"
)


@functools.cache
def _admin() -> Engine | str:
    """An autocommit engine on the maintenance database, or why there is none."""
    engine = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        return f"PostgreSQL is unreachable at {ADMIN_URL} ({exc.orig}): {HOW_TO}"
    return engine


def postgres_required() -> bool:
    return os.environ.get(REQUIRE_ENV, "") not in ("", "0")


def admin_engine() -> Engine:
    """The maintenance engine; without a server, skip, or fail where one is required.

    A skip is the right answer on a developer's machine without PostgreSQL,
    and the wrong one in CI, where it would turn "tested on PostgreSQL"
    into "not tested" with a green build.
    """
    admin = _admin()
    if isinstance(admin, str):
        if postgres_required():
            pytest.fail(f"{REQUIRE_ENV} is set, so this test must run, but {admin}", pytrace=False)
        pytest.skip(f"{admin}; CI sets {REQUIRE_ENV}=1 to make this a failure")
    return admin


def create_database(*, migrate: bool = True) -> str:
    """A new database, migrated unless asked not to; returns its SQLAlchemy URL."""
    admin = admin_engine()
    name = f"{PREFIX}{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    if not migrate:
        return url
    engine = store.create_store_engine(url)
    try:
        store.init_schema(engine)
    finally:
        engine.dispose()
    return url


def drop_database(url: str) -> None:
    name = make_url(url).database
    assert name and name.startswith(PREFIX), name
    with admin_engine().connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def pg_database() -> Iterator[Callable[[], str]]:
    """A factory: ``pg_database()`` returns the URL of a fresh migrated database
    (``pg_database(migrate=False)``: an empty one)."""
    made: list[str] = []

    def make(*, migrate: bool = True) -> str:
        url = create_database(migrate=migrate)
        made.append(url)
        return url

    yield make
    for url in made:
        drop_database(url)


@pytest.fixture(scope="session")
def _pg_shared_store() -> Iterator[Engine]:
    url = create_database()
    engine = store.create_store_engine(url)
    yield engine
    engine.dispose()
    drop_database(url)


def _empty(engine: Engine) -> None:
    with engine.begin() as conn:
        names = ", ".join(t.name for t in store.metadata.sorted_tables)
        conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_engine(request: pytest.FixtureRequest, config) -> Iterator[Engine]:
    """A migrated, empty store on each backend in turn."""
    if request.param == "sqlite":
        engine = store.create_store_engine(config.store_url)
        store.init_schema(engine)
        yield engine
        engine.dispose()
        return
    admin_engine()  # skips (or fails, in CI), saying how, when there is no server
    engine = request.getfixturevalue("_pg_shared_store")
    _empty(engine)
    yield engine
