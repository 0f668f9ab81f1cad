"""The article store: SQLAlchemy Core tables and functions taking a Connection.

SQLite is the embedded default; the SQL stays portable so PostgreSQL can
take over for a group of papers. Each article row keeps its full
dictionary form (``data``) plus the few columns queries need, so reading
an article back gives exactly what was imported, offsets included.

The ``published`` table is the publish pass's memory: which articles are
in the feeds and with which content hash. Comparing it with what is due
now tells the pass what is new, changed or gone.

The schema is made and changed by the Alembic revisions in
``migrations/``; the tables below must match them (a test compares).
Several instances may share one PostgreSQL store: the ``meta`` table's
*publish generation* tells each of them whether its own output dir is
behind the store.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from .errors import StoreError
from .model import Article, Edition


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


# -- engine ------------------------------------------------------------------


def create_store_engine(url: str) -> Engine:
    """An engine for ``url`` with the settings each backend needs.

    SQLite gets WAL (readers never block the publish pass) and foreign
    keys; a busy timeout covers the CLI importing while ``run`` publishes.
    """
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def init_schema(engine: Engine) -> None:
    """Create or upgrade the schema (Alembic migrations); safe to run on every start."""
    from .migrations import upgrade

    upgrade(engine)


@contextlib.contextmanager
def transaction(engine: Engine) -> Iterator[Connection]:
    """A connection inside one transaction, with driver errors named as store errors."""
    try:
        with engine.begin() as conn:
            yield conn
    except sa.exc.OperationalError as exc:
        raise StoreError(f"store: {exc.orig}") from None


# -- writing -----------------------------------------------------------------


@dataclass
class SaveReport:
    """What an import did to the store, article id by article id."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, list[str]]:
        return {"added": self.added, "changed": self.changed, "unchanged": self.unchanged}


def save_edition(conn: Connection, edition: Edition) -> None:
    """Insert or replace an edition's masthead facts."""
    key = {"paper": edition.paper, "date": edition.date}
    data = edition.to_dict()
    exists = conn.execute(
        sa.select(editions.c.data).where(
            editions.c.paper == edition.paper, editions.c.date == edition.date
        )
    ).first()
    if exists is None:
        conn.execute(editions.insert().values(**key, data=data))
    elif exists.data != data:
        conn.execute(
            editions.update()
            .where(editions.c.paper == edition.paper, editions.c.date == edition.date)
            .values(data=data)
        )


def save_articles(conn: Connection, items: Iterable[Article], *, now: datetime) -> SaveReport:
    """Insert new articles and apply corrections; re-imports change nothing.

    A correction to an article readers have already seen gets a fresh
    ``updated_at`` (the later of the one supplied and ``now``) so feed
    readers notice it; one corrected before it was due keeps the supplied
    time, because nobody saw the earlier text.
    """
    report = SaveReport()
    for article in items:
        row = conn.execute(
            sa.select(
                articles.c.content_hash,
                articles.c.status,
                articles.c.updated_at,
                articles.c.published_at,
            ).where(articles.c.id == article.id)
        ).first()
        digest = article.content_hash()
        if row is None:
            conn.execute(articles.insert().values(**_row(article, digest)))
            report.added.append(article.id)
            continue
        if row.content_hash == digest and row.status == article.status:
            report.unchanged.append(article.id)
            continue
        if row.content_hash != digest:
            seen = row.published_at <= now and row.status == "published"
            if seen and article.updated_at <= row.updated_at:
                article = article.replace(updated_at=max(now, row.updated_at))
        else:
            # Only the status moved: keep the time readers last saw.
            article = article.replace(updated_at=max(row.updated_at, article.published_at))
        conn.execute(
            articles.update().where(articles.c.id == article.id).values(**_row(article, digest))
        )
        report.changed.append(article.id)
    if report.added or report.changed:
        bump_revision(conn, [*report.added, *report.changed])
    return report


def set_status(conn: Connection, article_id: str, status: str) -> bool:
    """Change an article's status (``withdrawn`` takes it out of every feed)."""
    row = conn.execute(sa.select(articles.c.data).where(articles.c.id == article_id)).first()
    if row is None:
        return False
    data = dict(row.data)
    data["status"] = status
    conn.execute(
        articles.update().where(articles.c.id == article_id).values(status=status, data=data)
    )
    bump_revision(conn, [article_id])
    return True


def get_revision(conn: Connection) -> int:
    """A number that grows with every write to the articles (0 for a new store).

    Cheap to read (one row), so a running scheduler can tell every few
    hundred milliseconds whether anyone (an import, the API, another
    instance) changed the store since its last pass.
    """
    value = conn.execute(sa.select(meta.c.value).where(meta.c.key == "revision")).scalar()
    return int(value) if value else 0


def bump_revision(conn: Connection, article_ids: Sequence[str]) -> int:
    """Count one more write of ``article_ids``, inside the writer's transaction.

    The counter's row stays locked until the writer commits, so revisions
    are committed in order: a pass that has seen revision *n* has seen
    every write numbered up to *n*.
    """
    updated = conn.execute(
        meta.update()
        .where(meta.c.key == "revision")
        .values(value=sa.cast(sa.cast(meta.c.value, sa.Integer) + 1, sa.String))
    ).rowcount
    if not updated:
        conn.execute(meta.insert().values(key="revision", value="1"))
    revision = get_revision(conn)
    conn.execute(
        changes.insert(),
        [{"revision": revision, "article_id": i} for i in sorted(set(article_ids))],
    )
    return revision


def changed_since(conn: Connection, revision: int) -> set[str]:
    """Ids written after ``revision`` (an indexed range of ``changes``)."""
    query = sa.select(changes.c.article_id).where(changes.c.revision > revision)
    return set(conn.execute(query).scalars())


def forget_changes(conn: Connection, revision: int) -> None:
    """Drop the change rows a pass has covered."""
    conn.execute(changes.delete().where(changes.c.revision <= revision))


def due_between(conn: Connection, after: datetime, until: datetime) -> set[str]:
    """Published articles that became due in ``(after, until]`` (indexed)."""
    query = sa.select(articles.c.id).where(
        articles.c.status == "published",
        articles.c.published_at > after,
        articles.c.published_at <= until,
    )
    return set(conn.execute(query).scalars())


@dataclass(frozen=True)
class StoredArticle:
    article: Article
    content_hash: str
    status: str
    published_at: datetime
    updated_at: datetime


def get_articles(conn: Connection, ids: Iterable[str]) -> dict[str, StoredArticle]:
    out: dict[str, StoredArticle] = {}
    ids = sorted(set(ids))
    for start in range(0, len(ids), 500):
        rows = conn.execute(
            sa.select(
                articles.c.id,
                articles.c.data,
                articles.c.content_hash,
                articles.c.status,
                articles.c.published_at,
                articles.c.updated_at,
            ).where(articles.c.id.in_(ids[start : start + 500]))
        )
        for r in rows:
            out[r.id] = StoredArticle(
                _article(r.data), r.content_hash, r.status, r.published_at, r.updated_at
            )
    return out


def due_in_edition(conn: Connection, now: datetime, edition: date) -> list[Article]:
    """An edition's due articles, newest first (the feeds' order).

    Only the edition is asked of the database, so the edition index is the
    one used whatever the planner's guess; the few rows are checked and
    sorted here.
    """
    query = sa.select(
        articles.c.data,
        articles.c.status,
        articles.c.published_at,
        articles.c.page,
        articles.c.seq,
        articles.c.id,
    ).where(articles.c.edition == edition)
    rows = [r for r in conn.execute(query) if r.status == "published" and r.published_at <= now]
    rows.sort(key=lambda r: (-r.published_at.timestamp(), r.page, r.seq, r.id))
    return [_article(r.data) for r in rows]


def iter_due(conn: Connection, now: datetime, *, chunk: int = 200) -> Iterator[Article]:
    """Due articles newest first, fetched ``chunk`` at a time while the caller reads.

    A channel's newest items are a short walk down the ``(status,
    published_at)`` index, however large the store.
    """
    offset = 0
    while True:
        page = list_due(conn, now, limit=chunk, offset=offset)
        yield from page
        if len(page) < chunk:
            return
        offset += chunk
        chunk = min(chunk * 2, 5000)


def _row(article: Article, digest: str) -> dict[str, Any]:
    return {
        "id": article.id,
        "edition": article.edition,
        "page": article.page,
        "seq": article.seq,
        "status": article.status,
        "published_at": article.published_at,
        "updated_at": article.updated_at,
        "content_hash": digest,
        "data": article.to_dict(),
    }


# -- reading -----------------------------------------------------------------


def _article(data: dict[str, Any]) -> Article:
    return Article.from_dict(data)


def get_article(conn: Connection, article_id: str) -> Article | None:
    row = conn.execute(sa.select(articles.c.data).where(articles.c.id == article_id)).first()
    return _article(row.data) if row else None


def list_due(
    conn: Connection, now: datetime, *, limit: int | None = None, offset: int = 0
) -> list[Article]:
    """Published articles whose time has come, newest first."""
    query = (
        sa.select(articles.c.data)
        .where(articles.c.status == "published", articles.c.published_at <= now)
        .order_by(articles.c.published_at.desc(), articles.c.page, articles.c.seq, articles.c.id)
    )
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return [_article(r.data) for r in conn.execute(query)]


@dataclass(frozen=True)
class DueState:
    """The fingerprint of one due article, enough to tell what changed."""

    id: str
    content_hash: str
    updated_at: datetime


def due_states(conn: Connection, now: datetime) -> dict[str, DueState]:
    rows = conn.execute(
        sa.select(articles.c.id, articles.c.content_hash, articles.c.updated_at).where(
            articles.c.status == "published", articles.c.published_at <= now
        )
    )
    return {r.id: DueState(r.id, r.content_hash, r.updated_at) for r in rows}


def next_due_at(conn: Connection, now: datetime) -> datetime | None:
    """When the next scheduled article becomes due (for planning a pass)."""
    return conn.execute(
        sa.select(sa.func.min(articles.c.published_at)).where(
            articles.c.status == "published", articles.c.published_at > now
        )
    ).scalar()


def list_edition(conn: Connection, edition: date) -> list[Article]:
    query = (
        sa.select(articles.c.data)
        .where(articles.c.edition == edition)
        .order_by(articles.c.page, articles.c.seq, articles.c.id)
    )
    return [_article(r.data) for r in conn.execute(query)]


def list_editions(conn: Connection) -> list[tuple[date, int]]:
    """Every edition date with its number of articles, newest first."""
    query = (
        sa.select(articles.c.edition, sa.func.count())
        .group_by(articles.c.edition)
        .order_by(articles.c.edition.desc())
    )
    return [(r[0], r[1]) for r in conn.execute(query)]


def get_edition(conn: Connection, day: date) -> Edition | None:
    row = conn.execute(
        sa.select(editions.c.data).where(editions.c.date == day).order_by(editions.c.paper)
    ).first()
    return Edition.from_dict(row.data) if row else None


def count_articles(conn: Connection) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(articles)).scalar_one()


# -- publish bookkeeping -------------------------------------------------------


@dataclass(frozen=True)
class PublishedState:
    article_id: str
    content_hash: str
    updated_at: datetime
    channels: tuple[str, ...]


def published_for(conn: Connection, ids: Iterable[str]) -> dict[str, PublishedState]:
    """The bookkeeping of some articles only (by primary key)."""
    out: dict[str, PublishedState] = {}
    ids = sorted(set(ids))
    for start in range(0, len(ids), 500):
        rows = conn.execute(
            sa.select(published).where(published.c.article_id.in_(ids[start : start + 500]))
        )
        for r in rows:
            out[r.article_id] = PublishedState(
                r.article_id, r.content_hash, r.updated_at, tuple(r.channels)
            )
    return out


def published_states(conn: Connection) -> dict[str, PublishedState]:
    rows = conn.execute(sa.select(published))
    return {
        r.article_id: PublishedState(r.article_id, r.content_hash, r.updated_at, tuple(r.channels))
        for r in rows
    }


def record_published(
    conn: Connection,
    states: Sequence[PublishedState],
    removed: Iterable[str],
    *,
    now: datetime,
) -> None:
    """Remember what the feeds now hold; called only after the files are written."""
    removed = list(removed)
    if removed:
        conn.execute(published.delete().where(published.c.article_id.in_(removed)))
    ids = [s.article_id for s in states]
    if not ids:
        return
    known = set(
        conn.execute(
            sa.select(published.c.article_id).where(published.c.article_id.in_(ids))
        ).scalars()
    )
    updates = [s for s in states if s.article_id in known]
    inserts = [s for s in states if s.article_id not in known]
    if updates:
        conn.execute(
            published.update()
            .where(published.c.article_id == sa.bindparam("key"))
            .values(
                content_hash=sa.bindparam("content_hash"),
                updated_at=sa.bindparam("updated_at"),
                channels=sa.bindparam("channels"),
            ),
            [
                {
                    "key": s.article_id,
                    "content_hash": s.content_hash,
                    "updated_at": s.updated_at,
                    "channels": list(s.channels),
                }
                for s in updates
            ],
        )
    if inserts:
        conn.execute(
            published.insert(),
            [
                {
                    "article_id": s.article_id,
                    "content_hash": s.content_hash,
                    "updated_at": s.updated_at,
                    "channels": list(s.channels),
                    "first_published_at": now,
                }
                for s in inserts
            ],
        )


def record_pass(
    conn: Connection,
    *,
    started_at: datetime,
    finished_at: datetime,
    clock: datetime,
    added: int,
    changed: int,
    removed: int,
    files: int,
    instance: str | None = None,
) -> None:
    conn.execute(
        passes.insert().values(
            started_at=started_at,
            finished_at=finished_at,
            clock=clock,
            added=added,
            changed=changed,
            removed=removed,
            files=files,
            instance=instance,
        )
    )


def last_pass(conn: Connection) -> dict[str, Any] | None:
    row = conn.execute(sa.select(passes).order_by(passes.c.id.desc()).limit(1)).first()
    return dict(row._mapping) if row else None


# -- the store's settings and the publish generation ----------------------------


def get_meta(conn: Connection, key: str) -> str | None:
    return conn.execute(sa.select(meta.c.value).where(meta.c.key == key)).scalar()


def set_meta(conn: Connection, key: str, value: str) -> None:
    """Insert or replace one setting (callers hold the publish lock)."""
    if not conn.execute(meta.update().where(meta.c.key == key).values(value=value)).rowcount:
        conn.execute(meta.insert().values(key=key, value=value))


@dataclass(frozen=True)
class Generation:
    """How many times the feeds' content has changed, and the pass clock of the last change.

    An instance whose output dir was written at an older generation is
    behind: rendering the store as of ``clock`` gives it exactly the bytes
    the publisher wrote.
    """

    number: int
    clock: datetime | None


def get_generation(conn: Connection) -> Generation:
    number = get_meta(conn, "generation")
    clock = get_meta(conn, "generation_clock")
    return Generation(
        int(number) if number else 0, datetime.fromisoformat(clock) if clock else None
    )


def bump_generation(conn: Connection, *, clock: datetime) -> int:
    """Count one more change of the feeds' content, seen at pass clock ``clock``."""
    number = get_generation(conn).number + 1
    set_meta(conn, "generation", str(number))
    set_meta(conn, "generation_clock", clock.isoformat())
    return number


def record_last_pass(conn: Connection, *, finished_at: datetime, instance: str | None) -> None:
    """Remember when the last pass ended, changes or not (one row update: cheap)."""
    set_meta(conn, "last_pass_at", finished_at.astimezone(UTC).isoformat())
    set_meta(conn, "last_pass_by", (instance or "")[:200])


def last_pass_at(conn: Connection) -> tuple[datetime | None, str | None]:
    """When the last pass by any instance ended, and which instance ran it."""
    at = get_meta(conn, "last_pass_at")
    return (datetime.fromisoformat(at) if at else None), get_meta(conn, "last_pass_by")
