"""Page files uploaded to the desk, held between the dry run and the confirmation.

The desk shows what an upload would import and saves it only when an
editor confirms; the confirming request may reach another worker or
instance, so the files wait in the shared store rather than in one
process's memory or disk. A batch belongs to the user who uploaded it;
batches nobody confirmed are dropped after a day.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .schema import staged_files

#: How long an unconfirmed batch is kept.
STAGED_KEPT = timedelta(days=1)


def stage_files(
    conn: Connection,
    batch: str,
    owner: str,
    files: Sequence[tuple[str, bytes]],
    at: datetime,
) -> None:
    """Keep ``files`` (name, content) as ``batch`` of ``owner``, in order.

    Batches older than :data:`STAGED_KEPT` are dropped on the way, so
    abandoned uploads never pile up.
    """
    prune_staged(conn, at - STAGED_KEPT)
    if not files:
        return
    conn.execute(
        staged_files.insert(),
        [
            {
                "batch": batch,
                "position": position,
                "owner": owner,
                "name": name[:255],
                "created_at": at,
                "data": data,
            }
            for position, (name, data) in enumerate(files)
        ],
    )


def get_staged(conn: Connection, batch: str, owner: str) -> list[tuple[str, bytes]]:
    """The files of ``batch`` in upload order; [] when it is gone or someone else's."""
    query = (
        sa.select(staged_files.c.name, staged_files.c.data)
        .where(staged_files.c.batch == batch, staged_files.c.owner == owner)
        .order_by(staged_files.c.position)
    )
    return [(r.name, bytes(r.data)) for r in conn.execute(query)]


def drop_staged(conn: Connection, batch: str) -> None:
    conn.execute(staged_files.delete().where(staged_files.c.batch == batch))


def prune_staged(conn: Connection, before: datetime) -> int:
    """Drop every batch staged before ``before``; returns how many files went."""
    return conn.execute(staged_files.delete().where(staged_files.c.created_at < before)).rowcount
