"""Schema migrations (Alembic), run by ``syndicator init`` and at every start.

The revisions under ``versions/`` ship inside the package and are
self-contained: they never import the live table definitions in
``store``, so an old revision keeps meaning what it meant. A store made
before migrations existed (its tables came from ``create_all``) is
recognised and stamped at the first revision, which describes exactly
that schema, and then upgraded like any other.

Two instances starting at once take turns: on PostgreSQL behind a
transaction-scoped advisory lock, on SQLite behind the store's file lock.
"""

from __future__ import annotations

import functools
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ..lock import lock_key, store_lock

HERE = Path(__file__).resolve().parent
#: The revision whose schema is the one ``create_all`` made before migrations.
BASELINE = "0001"


def alembic_config(connection: Connection | None = None):  # -> alembic.config.Config
    """An Alembic configuration pointing at the packaged revisions."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


#: The newest revision under ``versions/``; a test checks it against
#: Alembic's own answer. Every command checks the schema at start, and
#: knowing the head without loading Alembic (a tenth of a second) keeps
#: that check to one query when the schema is current.
HEAD = "0005"


def head_revision() -> str:
    return HEAD


@functools.cache
def alembic_head() -> str | None:
    """The head as Alembic reads it from the revision files."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(conn: Connection) -> str | None:
    """The store's revision, read as Alembic keeps it (``alembic_version``)."""
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the store's schema to ``revision``; a store already there costs one query.

    :raises StoreError: when the store cannot be reached or a migration fails.
    """
    with engine.connect() as conn:
        if current_revision(conn) == head_revision() and revision == "head":
            return
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            key = {"k": lock_key("migrate")}
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), key)
            _upgrade(conn, revision)
        return
    with store_lock(engine, "migrate", wait=60.0), engine.begin() as conn:
        _upgrade(conn, revision)


def _upgrade(conn: Connection, revision: str) -> None:
    from alembic import command

    cfg = alembic_config(conn)
    if current_revision(conn) is None and sa.inspect(conn).has_table("articles"):
        command.stamp(cfg, BASELINE)
    command.upgrade(cfg, revision)
