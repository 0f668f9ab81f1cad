"""Articles and editions: saving imports and corrections, reading what is due.

Each article row keeps its full dictionary form (``data``) plus the few
columns queries need, so reading an article back gives exactly what was
imported, offsets included. Every write bumps the store's revision and
names the articles it touched, which is how a pass knows what changed
without comparing the whole store.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..model import Article, Edition, article_from_dict, edition_from_dict
from .schema import articles, changes, editions, meta

# -- writing -----------------------------------------------------------------


@dataclass
class SaveReport:
    """What an import did to the store, article id by article id."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, list[str]]:
        return {"added": self.added, "changed": self.changed, "unchanged": self.unchanged}


#: What saving an article does: insert it, correct the stored one, or nothing.
Fate = Literal["new", "changed", "unchanged"]


def fate_of(
    article: Article, digest: str, stored: tuple[str, str] | None, stated: Collection[str] = ()
) -> tuple[Fate, Article]:
    """What :func:`save_articles` does with ``article``, and the article it would save.

    One rule for the save and for a dry run that shows its outcome (the
    desk's import preview), so the two cannot disagree.

    :param digest: ``article.content_hash()``, computed once by the caller.
    :param stored: the stored article's content hash and status, if any.
    :param stated: ids whose input names their status (see :func:`save_articles`).
    """
    if stored is None:
        return "new", article
    stored_hash, stored_status = stored
    if stored_status == "withdrawn" and article.status == "published" and article.id not in stated:
        article = article.replace(status="withdrawn")
    if stored_hash == digest and stored_status == article.status:
        return "unchanged", article
    return "changed", article


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


def save_articles(
    conn: Connection,
    items: Iterable[Article],
    *,
    now: datetime,
    stated: Collection[str] = (),
) -> SaveReport:
    """Insert new articles and apply corrections; re-imports change nothing.

    A withdrawn article stays withdrawn when an import brings it again as
    published (a page re-sent after a typo fix, ``make run`` re-importing
    the demo): withdrawing is an editor's decision, which only an input
    that says ``"status": "published"`` for it (its id in ``stated``)
    takes back. Its text is still corrected.

    A correction to an article readers have already seen gets a fresh
    ``updated_at`` (the later of the one supplied and ``now``) so feed
    readers notice it; one corrected before it was due keeps the supplied
    time, because nobody saw the earlier text.

    Rows are written in id order, whatever the order given: two writers
    saving overlapping batches then lock rows in the same order and wait
    for each other instead of deadlocking (PostgreSQL aborts one).
    """
    report = SaveReport()
    for article in sorted(items, key=lambda a: a.id):
        row = conn.execute(
            sa.select(
                articles.c.content_hash,
                articles.c.status,
                articles.c.updated_at,
                articles.c.published_at,
            ).where(articles.c.id == article.id)
        ).first()
        digest = article.content_hash()
        fate, article = fate_of(
            article, digest, (row.content_hash, row.status) if row else None, stated
        )
        if fate == "new":
            conn.execute(articles.insert().values(**_row(article, digest)))
            report.added.append(article.id)
            continue
        if fate == "unchanged":
            report.unchanged.append(article.id)
            continue
        assert row is not None  # "changed" means it was stored
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


def get_status(conn: Connection, article_id: str, *, lock: bool = False) -> str | None:
    """An article's status, or None when there is no such article.

    :param lock: hold the row until the transaction ends (PostgreSQL; SQLite's
        writers take turns anyway), so a use case that reads the status,
        changes it and records the change cannot interleave with another.
    """
    query = sa.select(articles.c.status).where(articles.c.id == article_id)
    if lock:
        query = query.with_for_update()
    return conn.execute(query).scalar()


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
    return article_from_dict(data)


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


def list_editions(
    conn: Connection,
    *,
    due_by: datetime | None = None,
    before: date | None = None,
    limit: int | None = None,
) -> list[tuple[date, int]]:
    """Edition dates with their number of articles, newest first.

    :param due_by: count only articles published and due by then (what the
        public may see); editions with none are left out.
    :param before: only editions older than this day (the next page of a
        long archive), and at most ``limit`` of them.
    """
    query = sa.select(articles.c.edition, sa.func.count())
    if due_by is not None:
        query = query.where(articles.c.status == "published", articles.c.published_at <= due_by)
    if before is not None:
        query = query.where(articles.c.edition < before)
    query = query.group_by(articles.c.edition).order_by(articles.c.edition.desc())
    if limit is not None:
        query = query.limit(limit)
    return [(r[0], r[1]) for r in conn.execute(query)]


def get_edition(conn: Connection, day: date) -> Edition | None:
    row = conn.execute(
        sa.select(editions.c.data).where(editions.c.date == day).order_by(editions.c.paper)
    ).first()
    return edition_from_dict(row.data) if row else None


def count_articles(conn: Connection) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(articles)).scalar_one()
