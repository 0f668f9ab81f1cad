"""Staff accounts, failed logins and staged uploads in the store (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from support.sampledata import SHANGHAI

from syndicator import store
from syndicator.errors import StoreError

NOW = datetime(2021, 9, 1, 12, 0, tzinfo=SHANGHAI)


@pytest.fixture
def engine(store_engine):
    """Every test here runs on SQLite and on PostgreSQL."""
    return store_engine


def test_add_user_reads_back_by_name_and_id(engine) -> None:
    with engine.begin() as conn:
        made = store.add_user(conn, "wang.li", "editor", "$argon2id$x", at=NOW)
        assert store.get_user(conn, "wang.li") == made
        assert store.get_user_by_id(conn, made.id) == made
        assert store.get_user(conn, "nobody") is None
        assert store.get_user_by_id(conn, made.id + 100) is None
    assert made.name == "wang.li" and made.role == "editor" and not made.disabled
    assert made.created_at == made.password_changed_at == NOW
    assert made.password_hash == "$argon2id$x"


def test_user_names_are_unique(engine) -> None:
    with engine.begin() as conn:
        store.add_user(conn, "wang", "editor", "h", at=NOW)
    with pytest.raises(StoreError) as caught, engine.begin() as conn:
        store.add_user(conn, "wang", "admin", "h", at=NOW)
    assert caught.value.lost_race
    with engine.connect() as conn:
        assert store.count_users(conn) == 1


def test_update_user_changes_only_what_is_given(engine) -> None:
    later = NOW + timedelta(days=1)
    with engine.begin() as conn:
        made = store.add_user(conn, "wang", "editor", "old", at=NOW)
        assert store.update_user(conn, made.id, disabled=True)
        assert store.update_user(conn, made.id, password_hash="new", password_changed_at=later)
        assert not store.update_user(conn, made.id + 1, disabled=True)
        back = store.get_user_by_id(conn, made.id)
    assert back is not None
    assert back.disabled and back.role == "editor"
    assert back.password_hash == "new" and back.password_changed_at == later
    assert back.created_at == NOW


def test_list_users_by_name_and_count_admins_who_can_log_in(engine) -> None:
    with engine.begin() as conn:
        store.add_user(conn, "zhou", "admin", "h", at=NOW)
        chen = store.add_user(conn, "chen", "admin", "h", at=NOW)
        store.add_user(conn, "li", "editor", "h", at=NOW)
        assert store.count_admins(conn) == 2
        store.update_user(conn, chen.id, disabled=True)
        assert [u.name for u in store.list_users(conn)] == ["chen", "li", "zhou"]
        assert store.count_admins(conn) == 1
        assert store.count_users(conn) == 3


def test_login_failures_count_per_key_inside_the_window(engine) -> None:
    with engine.begin() as conn:
        for minutes in (20, 10, 5, 1):
            store.record_login_failure(conn, "user:wang", NOW - timedelta(minutes=minutes))
        store.record_login_failure(conn, "addr:127.0.0.1", NOW)
    since = NOW - timedelta(minutes=15)
    with engine.begin() as conn:
        assert store.count_login_failures(conn, "user:wang", since) == 3
        assert store.login_failures_since(conn, "user:wang", since) == [
            NOW - timedelta(minutes=m) for m in (10, 5, 1)
        ]
        assert store.count_login_failures(conn, "user:li", since) == 0
        assert store.prune_login_failures(conn, since) == 1
        assert store.count_login_failures(conn, "user:wang", NOW - timedelta(days=1)) == 3
        store.clear_login_failures(conn, "user:wang")
        assert store.count_login_failures(conn, "user:wang", since) == 0
        assert store.count_login_failures(conn, "addr:127.0.0.1", since) == 1


def test_a_key_longer_than_the_column_is_cut_the_same_way_everywhere(engine) -> None:
    key = "user:" + "x" * 500
    with engine.begin() as conn:
        store.record_login_failure(conn, key, NOW)
        assert store.count_login_failures(conn, key, NOW - timedelta(minutes=1)) == 1


def test_staged_files_come_back_in_order_for_their_owner_only(engine) -> None:
    files = [("p1.txt", b"\x00page one"), ("p2.json", "第二版".encode())]
    with engine.begin() as conn:
        store.stage_files(conn, "batch1", "wang", files, NOW)
    with engine.begin() as conn:
        assert store.get_staged(conn, "batch1", "wang") == files
        assert store.get_staged(conn, "batch1", "li") == []
        store.drop_staged(conn, "batch1")
        assert store.get_staged(conn, "batch1", "wang") == []


def test_staging_drops_batches_older_than_a_day(engine) -> None:
    with engine.begin() as conn:
        store.stage_files(conn, "old", "wang", [("a.txt", b"a")], NOW - timedelta(days=2))
        store.stage_files(conn, "new", "wang", [("b.txt", b"b")], NOW)
        assert store.get_staged(conn, "old", "wang") == []
        assert store.get_staged(conn, "new", "wang") == [("b.txt", b"b")]
        assert store.prune_staged(conn, NOW + timedelta(seconds=1)) == 1
