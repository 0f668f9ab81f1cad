"""Staff accounts: argon2id hashes, roles, the login limit, the audit of it all."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from argon2 import PasswordHasher, Type
from support.sampledata import SHANGHAI

from syndicator import store
from syndicator.actions import accounts
from syndicator.actions.accounts import LoginLimited, LoginRefused
from syndicator.errors import InputError, NotFoundError

NOW = datetime(2021, 9, 1, 12, 0, tzinfo=SHANGHAI)
PASSWORD = "correct horse battery"
ADDRESS = "203.0.113.7"


@pytest.fixture
def engine(store_engine):
    """Every test here runs on SQLite and on PostgreSQL (the limit is counted in the store)."""
    return store_engine


@pytest.fixture
def wang(engine) -> accounts.User:
    return accounts.add_user(engine, "wang", "editor", PASSWORD, actor="cli:root", now=NOW)


def _login(engine, name: str = "wang", password: str = PASSWORD, **kwargs) -> accounts.User:
    kwargs.setdefault("address", ADDRESS)
    kwargs.setdefault("now", NOW)
    return accounts.authenticate(engine, name, password, **kwargs)


def _fail(engine, times: int, name: str = "wang", **kwargs) -> None:
    for _ in range(times):
        with pytest.raises(LoginRefused):
            _login(engine, name, "wrong password", **kwargs)


def _stored(engine, name: str) -> store.StoredUser:
    with engine.connect() as conn:
        found = store.get_user(conn, name)
    assert found is not None
    return found


def _audit(engine) -> list[store.AuditEntry]:
    with engine.connect() as conn:
        return store.list_audit(conn)


def test_add_user_stores_an_argon2id_hash_and_shows_none(engine, wang) -> None:
    assert _stored(engine, "wang").password_hash.startswith("$argon2id$")
    assert not hasattr(wang, "password_hash")
    assert wang.name == "wang" and wang.role == "editor" and not wang.disabled
    assert wang.created_at == wang.password_changed_at == NOW
    assert accounts.get_user(engine, wang.id) == wang
    assert accounts.get_user(engine, wang.id + 1) is None
    [entry] = _audit(engine)
    assert (entry.actor, entry.action, entry.note) == ("cli:root", "user-add", "wang")
    assert entry.after == {"role": "editor"}


def test_the_real_hasher_is_argon2id_and_an_old_hash_is_upgraded_at_login(
    engine, wang, monkeypatch
) -> None:
    cheap_hash = _stored(engine, "wang").password_hash
    monkeypatch.undo()  # the real hasher, not the tests' cheap one
    assert isinstance(accounts.HASHER, PasswordHasher)
    assert accounts.HASHER.type is Type.ID
    assert accounts.HASHER.memory_cost >= 19 * 1024  # OWASP's floor for argon2id
    user = _login(engine)
    upgraded = _stored(engine, "wang").password_hash
    assert upgraded != cheap_hash and not accounts.HASHER.check_needs_rehash(upgraded)
    assert user.stamp == accounts.password_stamp(upgraded)
    assert _login(engine).id == wang.id


@pytest.mark.parametrize(
    ("name", "role", "password", "field"),
    [
        ("Wang", "editor", PASSWORD, "name"),
        ("-wang", "editor", PASSWORD, "name"),
        ("w" * 65, "editor", PASSWORD, "name"),
        ("wang", "boss", PASSWORD, "role"),
        ("wang", "editor", "short", "password"),
        ("wang", "editor", "123456789", "password"),
    ],
)
def test_add_user_checks_name_role_and_password(engine, name, role, password, field) -> None:
    with pytest.raises(InputError) as caught:
        accounts.add_user(engine, name, role, password, actor="t", now=NOW)
    assert caught.value.field == field
    assert accounts.list_users(engine) == []


def test_both_roles_are_accepted(engine) -> None:
    accounts.add_user(engine, "zhou.1", "admin", PASSWORD, actor="t", now=NOW)
    accounts.add_user(engine, "li_2", "editor", PASSWORD, actor="t", now=NOW)
    assert [(u.name, u.role) for u in accounts.list_users(engine)] == [
        ("li_2", "editor"),
        ("zhou.1", "admin"),
    ]
    assert accounts.ROLES == ("editor", "admin")


def test_a_name_is_taken_once(engine, wang) -> None:
    with pytest.raises(InputError, match="user 'wang' exists"):
        accounts.add_user(engine, "wang", "admin", PASSWORD, actor="t", now=NOW)


def test_a_good_password_logs_in_and_is_audited(engine, wang) -> None:
    user = _login(engine)
    assert user == wang
    entry = _audit(engine)[0]
    assert (entry.actor, entry.action, entry.note) == ("wang", "login", ADDRESS)


def test_unknown_name_wrong_password_and_disabled_user_get_one_answer(engine, wang) -> None:
    accounts.add_user(engine, "admin", "admin", PASSWORD, actor="t", now=NOW)
    accounts.disable_user(engine, "wang", actor="admin", now=NOW)
    messages = set()
    for name, password in [("nobody", PASSWORD), ("admin", "wrong password"), ("wang", PASSWORD)]:
        with pytest.raises(LoginRefused) as caught:
            _login(engine, name, password)
        messages.add(str(caught.value))
    assert messages == {"用户名或密码不正确"}
    failed = [e for e in _audit(engine) if e.action == "login-failed"]
    assert [e.actor for e in failed] == ["wang", "admin", "nobody"]
    assert {e.note for e in failed} == {ADDRESS}


def test_an_unknown_name_costs_a_hash_check_too(engine, wang, monkeypatch) -> None:
    """Refusing an unknown name as fast as a lookup would tell which names exist."""
    checked: list[str] = []

    class Counting(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> bool:
            checked.append(str(hash))
            return super().verify(hash, password)

    monkeypatch.setattr(accounts, "HASHER", Counting(time_cost=1, memory_cost=8, parallelism=1))
    for name in ("nobody", "Not A Name!"):
        with pytest.raises(LoginRefused):
            _login(engine, name)
    assert len(checked) == 2 and all(h.startswith("$argon2id$") for h in checked)


def test_the_account_limit_holds_and_is_checked_before_the_password(engine, wang) -> None:
    _fail(engine, accounts.LOGIN_FAILURES_PER_ACCOUNT - 1)
    later = NOW + timedelta(minutes=5)
    _fail(engine, 1, now=later)
    with pytest.raises(LoginLimited) as caught:
        _login(engine, now=later)  # the right password, from anywhere
    # The oldest of the five failures leaves the window 15 minutes after it.
    assert caught.value.retry_after == 10 * 60
    with pytest.raises(LoginLimited):
        _login(engine, address="198.51.100.1", now=later)
    assert _login(engine, now=NOW + timedelta(minutes=15, seconds=1)) == wang


def test_a_limited_attempt_is_not_counted(engine, wang) -> None:
    """Otherwise someone guessing would keep the account locked for ever."""
    _fail(engine, accounts.LOGIN_FAILURES_PER_ACCOUNT)
    for _ in range(3):
        with pytest.raises(LoginLimited):
            _login(engine, password="still wrong", now=NOW + timedelta(minutes=10))
    with engine.connect() as conn:
        assert store.count_login_failures(conn, "user:wang", NOW - timedelta(hours=1)) == 5
    assert _login(engine, now=NOW + timedelta(minutes=15, seconds=1)) == wang


def test_the_address_limit_holds_across_names(engine, wang) -> None:
    for i in range(accounts.LOGIN_FAILURES_PER_ADDRESS):
        _fail(engine, 1, name=f"guess{i}")
    with pytest.raises(LoginLimited) as caught:
        _login(engine)  # wang has no failures of his own
    assert 0 < caught.value.retry_after <= 15 * 60
    assert _login(engine, address="198.51.100.1") == wang


def test_a_success_clears_the_accounts_failures(engine, wang) -> None:
    limit = accounts.LOGIN_FAILURES_PER_ACCOUNT
    _fail(engine, limit - 1)
    _login(engine)
    _fail(engine, limit - 1)
    assert _login(engine) == wang


def test_passwd_changes_the_stamp_and_the_password(engine, wang) -> None:
    later = NOW + timedelta(days=1)
    changed = accounts.set_password(engine, "wang", "a new passphrase", actor="admin", now=later)
    assert changed.stamp != wang.stamp and len(changed.stamp) == 16
    assert changed.password_changed_at == later
    with pytest.raises(LoginRefused):
        _login(engine)
    assert _login(engine, password="a new passphrase").stamp == changed.stamp
    entry = next(e for e in _audit(engine) if e.action == "user-passwd")
    assert (entry.actor, entry.note, entry.before, entry.after) == ("admin", "wang", None, None)


def test_passwd_lifts_a_login_lock(engine, wang) -> None:
    _fail(engine, accounts.LOGIN_FAILURES_PER_ACCOUNT)
    accounts.set_password(engine, "wang", "a new passphrase", actor="admin", now=NOW)
    assert _login(engine, password="a new passphrase") == accounts.get_user(engine, wang.id)


def test_passwd_checks_the_password_and_the_name(engine, wang) -> None:
    with pytest.raises(InputError) as caught:
        accounts.set_password(engine, "wang", "short", actor="admin", now=NOW)
    assert caught.value.field == "password"
    with pytest.raises(NotFoundError, match="no user named 'li'"):
        accounts.set_password(engine, "li", PASSWORD, actor="admin", now=NOW)


def test_no_password_or_hash_reaches_the_audit_trail(engine, wang) -> None:
    accounts.set_password(engine, "wang", "a new passphrase", actor="admin", now=NOW)
    _fail(engine, 1)
    _login(engine, password="a new passphrase")
    text = json.dumps([e.to_dict() for e in _audit(engine)], ensure_ascii=False)
    assert PASSWORD not in text and "a new passphrase" not in text
    assert "wrong password" not in text and "$argon2" not in text


def test_disable_and_enable_are_audited_and_keep_an_admin(engine, wang) -> None:
    accounts.add_user(engine, "admin", "admin", PASSWORD, actor="t", now=NOW)
    assert accounts.disable_user(engine, "wang", actor="admin", now=NOW).disabled
    assert accounts.disable_user(engine, "wang", actor="admin", now=NOW).disabled  # no-op
    assert not accounts.enable_user(engine, "wang", actor="admin", now=NOW).disabled
    with pytest.raises(InputError, match="last admin"):
        accounts.disable_user(engine, "admin", actor="admin", now=NOW)
    with pytest.raises(InputError, match="last admin"):
        accounts.set_role(engine, "admin", "editor", actor="admin", now=NOW)
    assert accounts.set_role(engine, "wang", "admin", actor="admin", now=NOW).is_admin
    assert accounts.disable_user(engine, "admin", actor="wang", now=NOW).disabled
    actions = [(e.action, e.note) for e in _audit(engine)][::-1]
    assert actions[2:] == [
        ("user-disable", "wang"),
        ("user-enable", "wang"),
        ("user-role", "wang"),
        ("user-disable", "admin"),
    ]
    with pytest.raises(NotFoundError):
        accounts.enable_user(engine, "li", actor="admin", now=NOW)


def test_ensure_admin_makes_a_first_admin_once(engine) -> None:
    password = accounts.ensure_admin(engine, now=NOW)
    assert password is not None and len(password) >= accounts.PASSWORD_MIN
    user = _login(engine, "admin", password)
    assert user.role == "admin" and user.is_admin
    assert accounts.ensure_admin(engine, now=NOW) is None
    assert [u.name for u in accounts.list_users(engine)] == ["admin"]


def test_ensure_admin_leaves_a_store_with_users_alone(engine, wang) -> None:
    assert accounts.ensure_admin(engine, now=NOW) is None
    assert [u.name for u in accounts.list_users(engine)] == ["wang"]


def test_user_to_dict_has_no_secret(wang) -> None:
    assert set(wang.to_dict()) == {
        "id",
        "name",
        "role",
        "disabled",
        "created_at",
        "password_changed_at",
    }
