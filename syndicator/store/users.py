"""Staff accounts: who may log in to the desk, with which role.

Rows only: the password rules, hashing and the login limit are the use
case's (``actions.accounts``). Users are disabled, never deleted, so a
name in the audit trail always means the same person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .schema import users


@dataclass(frozen=True)
class StoredUser:
    """A ``users`` row, password hash included (never shown to anyone)."""

    id: int
    name: str
    role: str
    disabled: bool
    created_at: datetime
    password_changed_at: datetime
    password_hash: str


def _user(row: sa.Row) -> StoredUser:
    return StoredUser(
        id=row.id,
        name=row.name,
        role=row.role,
        disabled=bool(row.disabled),
        created_at=row.created_at,
        password_changed_at=row.password_changed_at,
        password_hash=row.password_hash,
    )


def add_user(
    conn: Connection, name: str, role: str, password_hash: str, *, at: datetime
) -> StoredUser:
    """Insert a user; a name taken meanwhile raises :class:`StoreError` (``lost_race``)."""
    result = conn.execute(
        users.insert().values(
            name=name,
            role=role,
            password_hash=password_hash,
            disabled=False,
            created_at=at,
            password_changed_at=at,
        )
    )
    user_id = result.inserted_primary_key[0]  # type: ignore[index]
    made = get_user_by_id(conn, int(user_id))
    assert made is not None
    return made


def get_user(conn: Connection, name: str) -> StoredUser | None:
    """The user called ``name`` (names are unique)."""
    row = conn.execute(sa.select(users).where(users.c.name == name)).first()
    return _user(row) if row else None


def get_user_by_id(conn: Connection, user_id: int) -> StoredUser | None:
    row = conn.execute(sa.select(users).where(users.c.id == user_id)).first()
    return _user(row) if row else None


def list_users(conn: Connection) -> list[StoredUser]:
    """Every user, by name."""
    return [_user(r) for r in conn.execute(sa.select(users).order_by(users.c.name))]


def count_users(conn: Connection) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(users)).scalar_one()


def count_admins(conn: Connection) -> int:
    """Admins who can log in (not disabled): the ones who can manage users."""
    query = (
        sa.select(sa.func.count())
        .select_from(users)
        .where(users.c.role == "admin", users.c.disabled == sa.false())
    )
    return conn.execute(query).scalar_one()


def update_user(
    conn: Connection,
    user_id: int,
    *,
    role: str | None = None,
    disabled: bool | None = None,
    password_hash: str | None = None,
    password_changed_at: datetime | None = None,
) -> bool:
    """Change the given fields of one user; False when there is no such user."""
    values: dict[str, object] = {}
    if role is not None:
        values["role"] = role
    if disabled is not None:
        values["disabled"] = disabled
    if password_hash is not None:
        values["password_hash"] = password_hash
    if password_changed_at is not None:
        values["password_changed_at"] = password_changed_at
    if not values:
        return get_user_by_id(conn, user_id) is not None
    done = conn.execute(users.update().where(users.c.id == user_id).values(**values))
    return bool(done.rowcount)
