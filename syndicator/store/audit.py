"""The audit trail: who did what, when, to which article, before and after.

Entries are written by the use cases inside the transaction that makes
the change, so the trail and the store never disagree: a withdrawal
that rolled back left no entry, and no committed one lacks its entry.
Entries are only ever added; their id orders them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .schema import audit_log

#: Longest actor and action the table keeps (longer ones are cut, not refused:
#: a login attempt's name is whatever someone typed).
ACTOR_LENGTH = 120
ACTION_LENGTH = 32


@dataclass(frozen=True)
class AuditEntry:
    """One action: ``before`` and ``after`` hold only what it changed."""

    id: int
    at: datetime
    actor: str
    action: str
    article_id: str | None = None
    note: str | None = None
    before: Any = None
    after: Any = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (``syndicator audit --json``, the desk); ``at`` in ISO 8601."""
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "action": self.action,
            "article_id": self.article_id,
            "note": self.note,
            "before": self.before,
            "after": self.after,
        }


def record_audit(
    conn: Connection,
    *,
    at: datetime,
    actor: str,
    action: str,
    article_id: str | None = None,
    note: str | None = None,
    before: Any = None,
    after: Any = None,
) -> int:
    """Add one entry in the caller's transaction; returns its id."""
    result = conn.execute(
        audit_log.insert().values(
            at=at,
            actor=actor[:ACTOR_LENGTH],
            action=action[:ACTION_LENGTH],
            article_id=article_id,
            note=note,
            before=before,
            after=after,
        )
    )
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def list_audit(
    conn: Connection,
    *,
    article_id: str | None = None,
    limit: int = 100,
    before_id: int | None = None,
) -> list[AuditEntry]:
    """Entries newest first, of one article or of all; ``before_id`` pages back.

    An article's entries are a walk down the ``(article_id, id)`` index,
    the whole trail one down the primary key, however long it grows.
    """
    query = sa.select(audit_log)
    if article_id is not None:
        query = query.where(audit_log.c.article_id == article_id)
    if before_id is not None:
        query = query.where(audit_log.c.id < before_id)
    query = query.order_by(audit_log.c.id.desc()).limit(limit)
    return [
        AuditEntry(
            id=r.id,
            at=r.at,
            actor=r.actor,
            action=r.action,
            article_id=r.article_id,
            note=r.note,
            before=r.before,
            after=r.after,
        )
        for r in conn.execute(query)
    ]
