"""Reading the audit trail: what the desk's article page and ``syndicator audit`` show.

Entries are written by the use cases themselves (:mod:`.articles`,
:mod:`.accounts`), each in the transaction of the change it records.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine

from .. import store
from ..store import AuditEntry

__all__ = ["AuditEntry", "list_audit", "record"]


def list_audit(
    engine: Engine,
    *,
    article_id: str | None = None,
    limit: int = 100,
    before_id: int | None = None,
) -> list[AuditEntry]:
    """Entries newest first, of one article or of everything; ``before_id`` pages back."""
    with engine.connect() as conn:
        return store.list_audit(conn, article_id=article_id, limit=limit, before_id=before_id)


def record(
    engine: Engine,
    *,
    actor: str,
    action: str,
    now: datetime,
    article_id: str | None = None,
    note: str | None = None,
) -> int:
    """Record something done outside the store (a WeChat push) in a transaction of its own."""
    with store.transaction(engine) as conn:
        return store.record_audit(
            conn, at=now, actor=actor, action=action, article_id=article_id, note=note
        )
