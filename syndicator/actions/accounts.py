"""Staff accounts: add, disable, enable, change a password, log in.

The CLI and the desk call these; both record who did it in the audit
trail, in the transaction that makes the change. Passwords are hashed
with argon2id (argon2-cffi's defaults, RFC 9106's low-memory profile)
and re-hashed at the next login when those defaults move on.

Logging in is limited per account and per address, counted in the
store so the limit holds across worker processes and instances, and
checked before the password so someone who is limited learns nothing.
Every refusal says the same thing and takes the same time (an unknown
name is checked against a dummy hash), so the answer does not tell
which names exist.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Connection, Engine

from .. import store
from ..errors import InputError, NotFoundError, StoreError, SyndicatorError

log = logging.getLogger(__name__)

ROLES = ("editor", "admin")
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
PASSWORD_MIN = 10
#: Longer than any passphrase; a megabyte "password" would only cost hashing time.
PASSWORD_MAX = 1024

LOGIN_FAILURES_PER_ACCOUNT = 5
LOGIN_FAILURES_PER_ADDRESS = 20
LOGIN_WINDOW = timedelta(minutes=15)

#: The hasher of every password: argon2id with the library's defaults. Tests
#: swap in a cheaper one; a stored hash made with other parameters still
#: verifies (they are in the hash) and is re-hashed at the next login.
HASHER = PasswordHasher()

REFUSED = "用户名或密码不正确"


class LoginRefused(SyndicatorError):
    """Unknown name, wrong password or disabled account: one answer for all three."""

    def __init__(self) -> None:
        super().__init__(REFUSED)


class LoginLimited(SyndicatorError):
    """Too many failed logins for the account or the address: wait ``retry_after`` seconds."""

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, math.ceil(retry_after / 60))
        super().__init__(f"登录失败次数过多，请 {minutes} 分钟后再试")
        self.retry_after = retry_after


@dataclass(frozen=True)
class User:
    """A staff account as the doors see it: no password hash.

    :attr:`stamp` changes whenever the password does (it is derived from the
    hash), so a session that carries it ends when the password is changed.
    """

    id: int
    name: str
    role: str
    disabled: bool
    created_at: datetime
    password_changed_at: datetime
    stamp: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "role": self.role,
            "disabled": self.disabled,
            "created_at": self.created_at.isoformat(),
            "password_changed_at": self.password_changed_at.isoformat(),
        }


def _public(stored: store.StoredUser) -> User:
    return User(
        id=stored.id,
        name=stored.name,
        role=stored.role,
        disabled=stored.disabled,
        created_at=stored.created_at,
        password_changed_at=stored.password_changed_at,
        stamp=password_stamp(stored.password_hash),
    )


def password_stamp(password_hash: str) -> str:
    """A short value that changes with the password (the first 16 hex of its hash's sha256)."""
    return hashlib.sha256(password_hash.encode("utf-8")).hexdigest()[:16]


# -- checks ----------------------------------------------------------------------


def check_name(name: str) -> str:
    """:raises InputError: (field ``name``) unless ``name`` is a valid user name."""
    if not NAME_PATTERN.match(name):
        raise InputError(
            "must be 1-64 lowercase letters, digits, '.', '_' or '-', "
            "starting with a letter or digit",
            field="name",
        )
    return name


def check_role(role: str) -> str:
    """:raises InputError: (field ``role``) unless ``role`` is one of :data:`ROLES`."""
    if role not in ROLES:
        raise InputError(f"must be one of {', '.join(ROLES)}, not {role!r}", field="role")
    return role


def check_password(password: str) -> str:
    """:raises InputError: (field ``password``) when it is too short or absurdly long."""
    if len(password) < PASSWORD_MIN:
        raise InputError(f"must be at least {PASSWORD_MIN} characters", field="password")
    if len(password) > PASSWORD_MAX:
        raise InputError(f"must be at most {PASSWORD_MAX} characters", field="password")
    return password


# -- managing users ----------------------------------------------------------------


def add_user(
    engine: Engine, name: str, role: str, password: str, *, actor: str, now: datetime
) -> User:
    """Create a user who can log in at once.

    :raises InputError: for a bad name, role or password, or a name taken.
    """
    check_name(name)
    check_role(role)
    password_hash = HASHER.hash(check_password(password))
    try:
        with store.transaction(engine) as conn:
            if store.get_user(conn, name) is not None:
                raise _exists(name)
            made = store.add_user(conn, name, role, password_hash, at=now)
            store.record_audit(
                conn, at=now, actor=actor, action="user-add", note=name, after={"role": role}
            )
    except StoreError as exc:
        if exc.lost_race:  # someone added the same name meanwhile
            raise _exists(name) from None
        raise
    return _public(made)


def _exists(name: str) -> InputError:
    return InputError(f"user {name!r} exists", field="name")


def list_users(engine: Engine) -> list[User]:
    """Every user, by name, disabled ones included."""
    with engine.connect() as conn:
        return [_public(u) for u in store.list_users(conn)]


def get_user(engine: Engine, user_id: int) -> User | None:
    """The user a session names, or None when there is no longer one."""
    with engine.connect() as conn:
        found = store.get_user_by_id(conn, user_id)
    return _public(found) if found else None


def find_user(engine: Engine, name: str) -> User | None:
    """The user called ``name``, or None."""
    with engine.connect() as conn:
        found = store.get_user(conn, name)
    return _public(found) if found else None


def disable_user(engine: Engine, name: str, *, actor: str, now: datetime) -> User:
    """Stop a user logging in (their sessions end at their next request).

    :raises NotFoundError: when there is no such user.
    :raises InputError: for the last admin who can log in: nobody could manage users.
    """
    return _set_disabled(engine, name, True, actor=actor, now=now)


def enable_user(engine: Engine, name: str, *, actor: str, now: datetime) -> User:
    """Let a disabled user log in again.

    :raises NotFoundError: when there is no such user.
    """
    return _set_disabled(engine, name, False, actor=actor, now=now)


def _set_disabled(engine: Engine, name: str, disabled: bool, *, actor: str, now: datetime) -> User:
    with store.transaction(engine) as conn:
        user = _require(conn, name)
        if user.disabled == disabled:
            return _public(user)
        if disabled and user.role == "admin" and not user.disabled:
            _keep_an_admin(conn, name)
        return _change(
            conn,
            user,
            "user-disable" if disabled else "user-enable",
            actor=actor,
            now=now,
            before={"disabled": user.disabled},
            after={"disabled": disabled},
            disabled=disabled,
        )


def set_role(engine: Engine, name: str, role: str, *, actor: str, now: datetime) -> User:
    """Make a user an editor or an admin.

    :raises NotFoundError: when there is no such user.
    :raises InputError: for a bad role, or for demoting the last admin who can log in.
    """
    check_role(role)
    with store.transaction(engine) as conn:
        user = _require(conn, name)
        if user.role == role:
            return _public(user)
        if user.role == "admin" and not user.disabled:
            _keep_an_admin(conn, name)
        return _change(
            conn,
            user,
            "user-role",
            actor=actor,
            now=now,
            before={"role": user.role},
            after={"role": role},
            role=role,
        )


def set_password(engine: Engine, name: str, password: str, *, actor: str, now: datetime) -> User:
    """Give a user a new password; their sessions end, and so does a login lock on them.

    :raises NotFoundError: when there is no such user.
    :raises InputError: (field ``password``) for a password too short.
    """
    password_hash = HASHER.hash(check_password(password))
    with store.transaction(engine) as conn:
        user = _require(conn, name)
        store.clear_login_failures(conn, _account_key(name))
        return _change(
            conn,
            user,
            "user-passwd",
            actor=actor,
            now=now,
            password_hash=password_hash,
            password_changed_at=now,
        )


def _change(
    conn: Connection,
    user: store.StoredUser,
    action: str,
    *,
    actor: str,
    now: datetime,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    **updates: Any,
) -> User:
    """Apply ``updates`` to a user and audit it in the same transaction; the user as now stored.

    The audit names the user (never a password or its hash: pass those
    only as ``updates``, not as ``before``/``after``).
    """
    store.update_user(conn, user.id, **updates)
    store.record_audit(
        conn, at=now, actor=actor, action=action, note=user.name, before=before, after=after
    )
    changed = store.get_user_by_id(conn, user.id)
    assert changed is not None
    return _public(changed)


def _require(conn: Connection, name: str) -> store.StoredUser:
    user = store.get_user(conn, name)
    if user is None:
        raise NotFoundError(f"no user named {name!r}")
    return user


def _keep_an_admin(conn: Connection, name: str) -> None:
    if store.count_admins(conn) <= 1:
        raise InputError(
            f"{name!r} is the last admin who can log in; make another user admin first",
            field="name",
        )


def ensure_admin(engine: Engine, *, now: datetime) -> str | None:
    """On a store without users, create ``admin`` with a random password and return it.

    ``syndicator init`` (and so ``make run``) calls this, so a newcomer can
    log in to the desk; once anyone exists it does nothing and returns None.
    """
    with engine.connect() as conn:
        if store.count_users(conn):
            return None
    password = _readable_password()
    password_hash = HASHER.hash(password)
    try:
        with store.transaction(engine) as conn:
            if store.count_users(conn):
                return None
            store.add_user(conn, "admin", "admin", password_hash, at=now)
            store.record_audit(
                conn,
                at=now,
                actor="system",
                action="user-add",
                note="admin",
                after={"role": "admin"},
            )
    except StoreError as exc:
        if exc.lost_race:  # another instance's init made it meanwhile
            return None
        raise
    return password


#: Letters and digits nobody misreads (no 0/o, 1/l/i).
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def _readable_password() -> str:
    """Four groups of four (about 79 bits), easy to read off a terminal and type."""
    groups = ("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(4))
    return "-".join(groups)


# -- logging in ------------------------------------------------------------------------


def authenticate(engine: Engine, name: str, password: str, *, address: str, now: datetime) -> User:
    """The user ``name`` when ``password`` is theirs and they may log in.

    :param address: the client's address, for the per-address limit.
    :raises LoginLimited: when the account or the address failed too often
        within :data:`LOGIN_WINDOW`; checked before the password.
    :raises LoginRefused: for an unknown name, a wrong password or a
        disabled account alike. Each failure counts against the account
        and the address; a success clears the account's count.
    """
    name = name.strip().lower()
    keys = {
        _account_key(name): LOGIN_FAILURES_PER_ACCOUNT,
        _address_key(address): LOGIN_FAILURES_PER_ADDRESS,
    }
    with engine.connect() as conn:
        wait = _limited_for(conn, keys, now)
        stored = None if wait else _find(conn, name)
    if wait:
        log.warning("login limited: name %r from %s for %d s", name[:64], address, wait)
        raise LoginLimited(wait)
    matched = _verify(stored.password_hash if stored else _dummy_hash(), password)
    if stored is not None and matched and not stored.disabled:
        with store.transaction(engine) as conn:
            store.clear_login_failures(conn, _account_key(name))
            if HASHER.check_needs_rehash(stored.password_hash):
                store.update_user(conn, stored.id, password_hash=HASHER.hash(password))
            store.record_audit(conn, at=now, actor=name, action="login", note=address)
            stored = store.get_user_by_id(conn, stored.id)
        assert stored is not None
        return _public(stored)
    with store.transaction(engine) as conn:
        for key in keys:
            store.record_login_failure(conn, key, now)
        store.prune_login_failures(conn, now - LOGIN_WINDOW)
        store.record_audit(conn, at=now, actor=name, action="login-failed", note=address)
    raise LoginRefused()


def _account_key(name: str) -> str:
    return f"user:{name}"


def _address_key(address: str) -> str:
    return f"addr:{address}"


def _find(conn: Connection, name: str) -> store.StoredUser | None:
    return store.get_user(conn, name) if NAME_PATTERN.match(name) else None


def _limited_for(conn: Connection, keys: dict[str, int], now: datetime) -> int:
    """Seconds until every key is back under its limit; 0 when none is over it."""
    since = now - LOGIN_WINDOW
    wait = 0.0
    for key, limit in keys.items():
        times = store.login_failures_since(conn, key, since)
        if len(times) >= limit:
            # The count drops below the limit when this failure leaves the window.
            frees_at = times[len(times) - limit] + LOGIN_WINDOW
            wait = max(wait, (frees_at - now).total_seconds())
    return max(1, math.ceil(wait)) if wait > 0 else 0


def _verify(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


_dummy: tuple[PasswordHasher, str] | None = None


def _dummy_hash() -> str:
    """A hash of a random password made with :data:`HASHER`'s parameters.

    Verifying an unknown name's password against it costs what a real
    check costs, so the time of a refusal does not tell which names exist.
    """
    global _dummy
    if _dummy is None or _dummy[0] is not HASHER:
        _dummy = (HASHER, HASHER.hash(secrets.token_urlsafe(16)))
    return _dummy[1]
