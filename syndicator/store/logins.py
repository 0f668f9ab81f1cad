"""Failed logins, counted in the store so the login limit holds everywhere.

A limit kept in one process's memory resets with every worker restart
and is multiplied by the number of workers and instances; rows in the
shared store are counted the same by all of them. Keys name what is
limited: ``user:<name>`` (one account, whoever tries) and
``addr:<address>`` (one client, whichever names it tries).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .schema import login_failures

#: Longest key kept; a longer one (a name nobody has, typed to fill the table) is cut.
KEY_LENGTH = 200


def record_login_failure(conn: Connection, key: str, at: datetime) -> None:
    conn.execute(login_failures.insert().values(key=key[:KEY_LENGTH], at=at))


def login_failures_since(conn: Connection, key: str, since: datetime) -> list[datetime]:
    """When ``key`` failed after ``since``, oldest first (an indexed range)."""
    query = (
        sa.select(login_failures.c.at)
        .where(login_failures.c.key == key[:KEY_LENGTH], login_failures.c.at > since)
        .order_by(login_failures.c.at)
    )
    return list(conn.execute(query).scalars())


def count_login_failures(conn: Connection, key: str, since: datetime) -> int:
    query = (
        sa.select(sa.func.count())
        .select_from(login_failures)
        .where(login_failures.c.key == key[:KEY_LENGTH], login_failures.c.at > since)
    )
    return conn.execute(query).scalar_one()


def clear_login_failures(conn: Connection, key: str) -> None:
    """Forget a key's failures (a successful login clears its account's)."""
    conn.execute(login_failures.delete().where(login_failures.c.key == key[:KEY_LENGTH]))


def prune_login_failures(conn: Connection, before: datetime) -> int:
    """Drop failures older than ``before`` (outside every window); returns how many."""
    return conn.execute(login_failures.delete().where(login_failures.c.at < before)).rowcount
