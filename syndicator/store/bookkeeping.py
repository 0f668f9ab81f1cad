"""The publish pass's memory: what the feeds hold, past passes, the publish generation.

The ``published`` table records which articles are in the feeds and with
which content hash; comparing it with what is due now tells a pass what is
new, changed or gone. Several instances may share one PostgreSQL store:
the ``meta`` table's *publish generation* tells each of them whether its
own output dir is behind the store.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .schema import document_floors, meta, passes, published

# -- publish bookkeeping -------------------------------------------------------


@dataclass(frozen=True)
class PublishedState:
    article_id: str
    content_hash: str
    updated_at: datetime
    channels: tuple[str, ...]
    #: Read from the store; a pass writing new states leaves it to the pass's clock.
    first_published_at: datetime | None = None


def published_for(conn: Connection, ids: Iterable[str]) -> dict[str, PublishedState]:
    """The bookkeeping of some articles only (by primary key)."""
    out: dict[str, PublishedState] = {}
    ids = sorted(set(ids))
    for start in range(0, len(ids), 500):
        rows = conn.execute(
            sa.select(published).where(published.c.article_id.in_(ids[start : start + 500]))
        )
        for r in rows:
            out[r.article_id] = _state(r)
    return out


def published_states(conn: Connection) -> dict[str, PublishedState]:
    rows = conn.execute(sa.select(published))
    return {r.article_id: _state(r) for r in rows}


def _state(row: sa.Row) -> PublishedState:
    return PublishedState(
        row.article_id,
        row.content_hash,
        row.updated_at,
        tuple(row.channels),
        row.first_published_at,
    )


def first_published(conn: Connection, ids: Iterable[str]) -> dict[str, datetime]:
    """When each of ``ids`` that has been published was first published."""
    out: dict[str, datetime] = {}
    ids = sorted(set(ids))
    for start in range(0, len(ids), 500):
        query = sa.select(published.c.article_id, published.c.first_published_at).where(
            published.c.article_id.in_(ids[start : start + 500])
        )
        out.update({r.article_id: r.first_published_at for r in conn.execute(query)})
    return out


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


#: ``(channel, document)``: ``@current`` or an archive page's key (``2021-08-30``, ``start``).
DocumentKey = tuple[str, str]


def get_document_floors(conn: Connection) -> dict[DocumentKey, datetime]:
    """Every recorded floor under a feed document's ``updated``.

    Few rows: one per document a withdrawal or a restore ever touched.
    """
    rows = conn.execute(sa.select(document_floors))
    return {(r.channel, r.document): r.modified_at for r in rows}


def raise_document_floors(conn: Connection, floors: Mapping[DocumentKey, datetime]) -> None:
    """Record ``floors``; a floor only ever rises (a lower one is ignored)."""
    if not floors:
        return
    known = get_document_floors(conn)
    for (channel, document), at in sorted(floors.items()):
        old = known.get((channel, document))
        if old is None:
            conn.execute(
                document_floors.insert().values(channel=channel, document=document, modified_at=at)
            )
        elif at > old:
            conn.execute(
                document_floors.update()
                .where(
                    document_floors.c.channel == channel,
                    document_floors.c.document == document,
                )
                .values(modified_at=at)
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


def bump_generation(conn: Connection, *, clock: datetime, made_at: datetime | None = None) -> int:
    """Count one more change of the feeds' content, seen at pass clock ``clock``
    by a pass that ended at ``made_at``."""
    number = get_generation(conn).number + 1
    set_meta(conn, "generation", str(number))
    set_meta(conn, "generation_clock", clock.isoformat())
    if made_at is not None:
        set_meta(conn, f"{MADE_AT}{number}", made_at.astimezone(UTC).isoformat())
        conn.execute(meta.delete().where(meta.c.key == f"{MADE_AT}{number - KEPT_MADE_AT}"))
    return number


#: Each recent generation's make time, for how long a follower has been behind.
MADE_AT = "generation_made_at."
KEPT_MADE_AT = 64


def generation_made_at(conn: Connection, number: int) -> datetime | None:
    """When generation ``number`` was made, if it is one of the last 64."""
    stamp = get_meta(conn, f"{MADE_AT}{number}")
    return datetime.fromisoformat(stamp) if stamp else None


def record_last_pass(conn: Connection, *, finished_at: datetime, instance: str | None) -> None:
    """Remember when the last pass ended, changes or not (one row update: cheap)."""
    set_meta(conn, "last_pass_at", finished_at.astimezone(UTC).isoformat())
    set_meta(conn, "last_pass_by", (instance or "")[:200])


def last_pass_at(conn: Connection) -> tuple[datetime | None, str | None]:
    """When the last pass by any instance ended, and which instance ran it."""
    at = get_meta(conn, "last_pass_at")
    return (datetime.fromisoformat(at) if at else None), get_meta(conn, "last_pass_by")
