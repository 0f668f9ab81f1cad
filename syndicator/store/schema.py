"""The store's tables, its engine and its schema upgrades.

SQLite is the embedded default; the SQL stays portable so PostgreSQL can
take over for a group of papers. The schema is made and changed by the
Alembic revisions in ``migrations/``; the tables below must match them (a
test compares).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from ..errors import StoreError


class AwareDateTime(sa.types.TypeDecorator[datetime]):
    """A timezone-aware timestamp on every backend.

    PostgreSQL keeps ``timestamptz``; SQLite has no zone support, so values
    are stored as naive UTC and come back marked UTC. A naive value is
    refused rather than guessed.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise StoreError(f"refusing to store a naive datetime: {value!r}")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


metadata = sa.MetaData()

meta = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.String(200), nullable=False),
)

editions = sa.Table(
    "editions",
    metadata,
    sa.Column("paper", sa.String(200), primary_key=True),
    sa.Column("date", sa.Date, primary_key=True),
    sa.Column("data", sa.JSON, nullable=False),
)

articles = sa.Table(
    "articles",
    metadata,
    sa.Column("id", sa.String(120), primary_key=True),
    sa.Column("edition", sa.Date, nullable=False),
    sa.Column("page", sa.Integer, nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("published_at", AwareDateTime, nullable=False),
    sa.Column("updated_at", AwareDateTime, nullable=False),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("data", sa.JSON, nullable=False),
    sa.Index("ix_articles_due", "status", "published_at"),
    sa.Index("ix_articles_edition", "edition", "page", "seq"),
)

published = sa.Table(
    "published",
    metadata,
    sa.Column("article_id", sa.String(120), primary_key=True),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("updated_at", AwareDateTime, nullable=False),
    sa.Column("channels", sa.JSON, nullable=False),
    sa.Column("first_published_at", AwareDateTime, nullable=False),
)

#: Which articles each store revision wrote (see :func:`bump_revision`): the
#: publish pass reads the rows past the revision it last covered, instead of
#: comparing every article with its bookkeeping.
changes = sa.Table(
    "changes",
    metadata,
    sa.Column("revision", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("article_id", sa.String(120), primary_key=True),
)

#: A feed document's ``updated`` never goes back, and moves when a pass takes
#: an item out of it (a withdrawal) or puts one back: the pass that does so
#: records its time here, per channel and document (``@current`` for the
#: subscription document, else an archive page's key), and every instance
#: renders ``updated`` as at least this (``publish/floors.py``).
document_floors = sa.Table(
    "document_floors",
    metadata,
    sa.Column("channel", sa.String(64), primary_key=True),
    sa.Column("document", sa.String(16), primary_key=True),
    sa.Column("modified_at", AwareDateTime, nullable=False),
)

passes = sa.Table(
    "passes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("started_at", AwareDateTime, nullable=False),
    sa.Column("finished_at", AwareDateTime, nullable=False),
    sa.Column("clock", AwareDateTime, nullable=False),
    sa.Column("added", sa.Integer, nullable=False),
    sa.Column("changed", sa.Integer, nullable=False),
    sa.Column("removed", sa.Integer, nullable=False),
    sa.Column("files", sa.Integer, nullable=False),
    sa.Column("instance", sa.String(200), nullable=True),
)


# -- the desk: staff, their actions, their logins, their uploads ----------------

#: Staff who log in to the desk. ``password_hash`` is an argon2id PHC string;
#: names are unique and never reused for someone else (users are disabled,
#: not deleted, so the audit trail keeps meaning who did what).
users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(64), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", AwareDateTime, nullable=False),
    sa.Column("password_changed_at", AwareDateTime, nullable=False),
    sa.UniqueConstraint("name", name="uq_users_name"),
)

#: The ``audit`` table (named ``audit_log`` here: ``store.audit`` is its module).
#: Who did what, when, to which article, with the values before and after.
#: Rows are only ever added; ``id`` orders them (newest last).
audit_log = sa.Table(
    "audit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", AwareDateTime, nullable=False),
    sa.Column("actor", sa.String(120), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("article_id", sa.String(120), nullable=True),
    sa.Column("note", sa.Text, nullable=True),
    # SQL NULL, not JSON null, for "nothing before" (a new article).
    sa.Column("before", sa.JSON(none_as_null=True), nullable=True),
    sa.Column("after", sa.JSON(none_as_null=True), nullable=True),
    sa.Index("ix_audit_article", "article_id", "id"),
)

#: Failed logins by key (``user:<name>``, ``addr:<address>``): the login
#: limit is counted here, so it holds across worker processes and instances.
login_failures = sa.Table(
    "login_failures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key", sa.String(200), nullable=False),
    sa.Column("at", AwareDateTime, nullable=False),
    sa.Index("ix_login_failures_key", "key", "at"),
)

#: Page files uploaded to the desk, kept between the dry run and the
#: confirmation (any worker or instance may answer the confirmation).
staged_files = sa.Table(
    "staged_files",
    metadata,
    sa.Column("batch", sa.String(64), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("owner", sa.String(64), nullable=False),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("created_at", AwareDateTime, nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
)


# -- engine ------------------------------------------------------------------


def create_store_engine(url: str, *, busy_timeout: float = 30.0) -> Engine:
    """An engine for ``url`` with the settings each backend needs.

    SQLite gets WAL (readers never block the publish pass) and foreign
    keys; ``busy_timeout`` seconds cover the CLI importing while ``run``
    publishes. Every driver error, reads included, comes out of the engine
    as a :class:`StoreError` (:func:`_as_store_error`), so no caller needs
    to know SQLAlchemy's exceptions.
    """
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": busy_timeout})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

    else:
        engine = sa.create_engine(url, pool_pre_ping=True)
    event.listen(engine, "handle_error", _as_store_error)
    return engine


def _as_store_error(context: sa.engine.ExceptionContext) -> None:
    """The store's one error boundary: a driver error becomes a :class:`StoreError`.

    A failed pre-ping is left alone: the pool reconnects on its own. An
    error of ours raised inside SQLAlchemy (a naive datetime refused by
    :class:`AwareDateTime`) goes out as it came in.
    """
    if context.is_pre_ping:
        return
    original = context.original_exception
    if isinstance(original, StoreError):
        raise original
    if context.connection is None and context.statement is None and context.engine is not None:
        error = StoreError(f"store: cannot open {context.engine.url!r}: {original}")
        error.unreachable = True
    else:
        error = StoreError(f"store: {original}")
    error.sqlstate = getattr(original, "sqlstate", None)
    error.lost_race = isinstance(context.sqlalchemy_exception, sa.exc.IntegrityError)
    raise error from original


def init_schema(engine: Engine) -> None:
    """Create or upgrade the schema (Alembic migrations); safe to run on every start."""
    from .migrations import upgrade

    upgrade(engine)


@contextlib.contextmanager
def transaction(engine: Engine) -> Iterator[Connection]:
    """A connection inside one transaction: committed when the block ends, else rolled back."""
    with engine.begin() as conn:
        yield conn
