"""The audit trail in the store (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from support.sampledata import SHANGHAI

from syndicator import store

NOW = datetime(2021, 9, 1, 12, 0, tzinfo=SHANGHAI)


@pytest.fixture
def engine(store_engine):
    """Every test here runs on SQLite and on PostgreSQL."""
    return store_engine


def test_record_audit_keeps_every_field(engine) -> None:
    with engine.begin() as conn:
        entry_id = store.record_audit(
            conn,
            at=NOW,
            actor="wang",
            action="withdraw",
            article_id="zjgrrb-20210901-01-01",
            note="稿件有误",
            before={"status": "published"},
            after={"status": "withdrawn"},
        )
        [entry] = store.list_audit(conn)
    assert entry == store.AuditEntry(
        id=entry_id,
        at=NOW,
        actor="wang",
        action="withdraw",
        article_id="zjgrrb-20210901-01-01",
        note="稿件有误",
        before={"status": "published"},
        after={"status": "withdrawn"},
    )
    assert entry.to_dict()["at"] == NOW.astimezone(entry.at.tzinfo).isoformat()
    assert entry.to_dict()["before"] == {"status": "published"}


def test_missing_before_and_after_read_back_as_none(engine) -> None:
    with engine.begin() as conn:
        store.record_audit(conn, at=NOW, actor="cli:root", action="user-add")
        [entry] = store.list_audit(conn)
    assert entry.before is None and entry.after is None
    assert entry.article_id is None and entry.note is None


def test_list_audit_newest_first_by_article_and_paged(engine) -> None:
    with engine.begin() as conn:
        ids = [
            store.record_audit(
                conn,
                at=NOW + timedelta(minutes=i),
                actor="wang",
                action="correct",
                article_id="a" if i % 2 == 0 else "b",
            )
            for i in range(6)
        ]
    with engine.connect() as conn:
        assert [e.id for e in store.list_audit(conn)] == ids[::-1]
        assert [e.id for e in store.list_audit(conn, article_id="a")] == ids[4::-2]
        assert [e.id for e in store.list_audit(conn, limit=2)] == ids[:3:-1]
        page = store.list_audit(conn, limit=2, before_id=ids[4])
        assert [e.id for e in page] == [ids[3], ids[2]]
        assert store.list_audit(conn, article_id="none") == []


def test_long_actors_are_cut_not_refused(engine) -> None:
    """A failed login records the name someone typed, however long."""
    with engine.begin() as conn:
        store.record_audit(conn, at=NOW, actor="x" * 500, action="login-failed")
        [entry] = store.list_audit(conn)
    assert entry.actor == "x" * store.audit.ACTOR_LENGTH
