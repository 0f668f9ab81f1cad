"""Every change to an article leaves an audit entry, written with the change itself."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from support.paths import DATA
from support.sampledata import SHANGHAI

from syndicator import store
from syndicator.actions import articles as actions
from syndicator.actions.audit import list_audit
from syndicator.errors import InputError, NotFoundError, StoreError

NOW = datetime(2021, 9, 1, 12, 0, tzinfo=SHANGHAI)
ECONOMY = "zjgrrb-20210901-02-01"


@pytest.fixture
def engine(store_engine):
    """Every test here runs on SQLite and on PostgreSQL."""
    return store_engine


def _save(engine, config, path: Path, *, actor: str = "wang", now: datetime = NOW):
    options = actions.import_options(config)
    parsed = actions.parse_files([path], options, "json")
    return actions.save_parsed(engine, parsed, now=now, actor=actor)


@pytest.fixture
def saved(engine, config) -> list[dict]:
    _save(engine, config, DATA / "articles.json")
    return json.loads((DATA / "articles.json").read_text(encoding="utf-8"))


def _corrected(tmp_path: Path, items: list[dict], **changes) -> Path:
    edited = [dict(items[0], **changes), *items[1:]]
    path = tmp_path / "corrected.json"
    path.write_text(json.dumps(edited, ensure_ascii=False), encoding="utf-8")
    return path


def test_an_import_records_one_entry_per_new_article(engine, saved) -> None:
    entries = list_audit(engine)
    assert len(entries) == len(saved)
    by_id = {e.article_id: e for e in entries}
    first = by_id[ECONOMY]
    assert (first.actor, first.action, first.at) == ("wang", "import", NOW)
    assert first.after == {"title": saved[0]["title"], "page": 2, "seq": 1}
    assert first.before is None and first.note and first.note.endswith("articles.json")


def test_a_reimport_records_nothing(engine, config, saved) -> None:
    _save(engine, config, DATA / "articles.json")
    assert len(list_audit(engine)) == len(saved)


def test_a_correction_records_only_the_fields_that_changed(engine, config, saved, tmp_path) -> None:
    body = [
        dict(saved[0]["body"][0], text=saved[0]["body"][0]["text"].replace("23", "24")),
        *saved[0]["body"][1:],
    ]
    path = _corrected(tmp_path, saved, title="杭州湾新区一批重大项目开工", body=body)
    [(_source, report)] = _save(engine, config, path, actor="li", now=NOW + timedelta(hours=1))
    assert report.changed == [ECONOMY]
    [entry] = list_audit(engine, article_id=ECONOMY, limit=1)
    assert (entry.actor, entry.action) == ("li", "correct")
    assert set(entry.before) == set(entry.after) == {"title", "body"}
    assert entry.before["title"] == saved[0]["title"]
    assert entry.after["title"] == "杭州湾新区一批重大项目开工"
    assert "23个项目" in entry.before["body"] and "24个项目" in entry.after["body"]
    assert len(entry.after["body"]) < 80  # the stretch that changed, not the article


def test_withdraw_and_restore_record_status_reason_and_who(engine, saved) -> None:
    actions.withdraw_article(engine, ECONOMY, actor="wang", reason=" 数据有误 ", now=NOW)
    actions.restore_article(engine, ECONOMY, actor="li", now=NOW + timedelta(minutes=5))
    restore, withdraw = list_audit(engine, article_id=ECONOMY, limit=2)
    assert (withdraw.action, withdraw.actor, withdraw.note) == ("withdraw", "wang", "数据有误")
    assert withdraw.before == {"status": "published"}
    assert withdraw.after == {"status": "withdrawn"}
    assert (restore.action, restore.actor, restore.note) == ("restore", "li", None)
    assert restore.before == {"status": "withdrawn"}
    assert restore.after == {"status": "published"}


def test_withdrawing_twice_records_once(engine, saved) -> None:
    actions.withdraw_article(engine, ECONOMY, actor="wang", now=NOW)
    actions.withdraw_article(engine, ECONOMY, actor="wang", now=NOW)
    assert [e.action for e in list_audit(engine, article_id=ECONOMY)] == ["withdraw", "import"]


def test_withdraw_keeps_its_old_callers_working(engine, saved) -> None:
    actions.withdraw_article(engine, ECONOMY)
    [entry] = list_audit(engine, article_id=ECONOMY, limit=1)
    assert entry.actor == "system" and entry.at.tzinfo is not None
    with pytest.raises(NotFoundError):
        actions.withdraw_article(engine, "nope")
    assert list_audit(engine, article_id="nope") == []


def test_the_entry_is_written_in_the_changes_transaction(engine, saved, monkeypatch) -> None:
    """An entry that cannot be written takes the withdrawal back with it."""

    def broken(*args, **kwargs):
        raise StoreError("store: disk full")

    monkeypatch.setattr(store, "record_audit", broken)
    with pytest.raises(StoreError):
        actions.withdraw_article(engine, ECONOMY, actor="wang", now=NOW)
    assert actions.get_article(engine, ECONOMY).status == "published"


def test_set_embargo_moves_the_time_keeps_the_id_and_wakes_the_scheduler(engine, saved) -> None:
    with engine.connect() as conn:
        revision = store.get_revision(conn)
    before = actions.get_article(engine, ECONOMY)
    later = NOW + timedelta(days=1)
    moved = actions.set_embargo(engine, ECONOMY, later, actor="wang", now=NOW)
    assert moved.id == ECONOMY and moved.published_at == later
    assert moved.updated_at >= later  # never updated before it is published
    assert moved.title == before.title and moved.status == before.status
    with engine.connect() as conn:
        assert store.get_revision(conn) > revision
        assert ECONOMY in store.changed_since(conn, revision)
        assert ECONOMY not in {a.id for a in store.list_due(conn, NOW)}
        assert ECONOMY in {a.id for a in store.list_due(conn, later)}
    [entry] = list_audit(engine, article_id=ECONOMY, limit=1)
    assert (entry.action, entry.actor) == ("embargo", "wang")
    assert entry.before == {"published_at": before.published_at.isoformat()}
    assert entry.after == {"published_at": later.isoformat()}


def test_set_embargo_to_the_same_time_changes_nothing(engine, saved) -> None:
    article = actions.get_article(engine, ECONOMY)
    same = article.published_at.astimezone(SHANGHAI)
    assert actions.set_embargo(engine, ECONOMY, same, actor="wang", now=NOW) == article
    assert [e.action for e in list_audit(engine, article_id=ECONOMY)] == ["import"]


def test_set_embargo_refuses_a_naive_time_and_an_unknown_id(engine, saved) -> None:
    with pytest.raises(InputError) as caught:
        actions.set_embargo(engine, ECONOMY, datetime(2021, 9, 2, 6), actor="wang", now=NOW)
    assert caught.value.field == "published_at"
    with pytest.raises(NotFoundError):
        actions.set_embargo(engine, "nope", NOW, actor="wang", now=NOW)
