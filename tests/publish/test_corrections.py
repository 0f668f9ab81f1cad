"""Which saved changes readers are told of: a pass over the store's own times.

The note (更正) follows the store's rule for ``updated_at``: a correction of
an article readers could already see gets a fresh time and a note; one
corrected before it was due keeps its time, and nobody is told of a text
they never saw; a re-import that changes nothing changes no byte.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from support.sampledata import SHANGHAI

from syndicator import store
from syndicator.publish import run_pass

SEP1_NOON = datetime(2021, 9, 1, 12, 0, tzinfo=SHANGHAI)
TOMORROWS = "zjgrrb-20210902-01-01"  # due 2021-09-02 06:00


@pytest.fixture
def engine(store_engine):
    """Every test here runs on SQLite and on PostgreSQL."""
    return store_engine


def _save(engine, articles, now) -> None:
    with engine.begin() as conn:
        store.save_articles(conn, articles, now=now)


def _items(config) -> dict[str, dict]:
    doc = json.loads((config.output_dir / "all" / "feed.json").read_text(encoding="utf-8"))
    return {item["id"].rsplit(":", 1)[1]: item for item in doc["items"]}


def _output(config) -> dict[str, bytes]:
    root = config.output_dir
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.*"))}


def test_a_correction_before_the_article_was_due_gets_no_note(articles, engine, config) -> None:
    article = next(a for a in articles if a.id == TOMORROWS)
    _save(engine, [article], now=SEP1_NOON)
    _save(engine, [article.replace(title="改过的标题")], now=SEP1_NOON + timedelta(hours=1))
    run_pass(engine, config, now=article.published_at + timedelta(hours=1))
    item = _items(config)[TOMORROWS]
    assert item["title"] == "改过的标题"
    assert "更正" not in item["content_html"] + item["summary"]
    assert item["date_modified"] == item["date_published"]


def test_a_correction_after_it_was_due_is_noted_with_its_time(articles, engine, config) -> None:
    article = next(a for a in articles if a.id == TOMORROWS)
    due = article.published_at
    _save(engine, [article], now=SEP1_NOON)
    run_pass(engine, config, now=due + timedelta(hours=1))
    fixed_at = due + timedelta(hours=3, minutes=15)  # 09:15 on 2021-09-02
    _save(engine, [article.replace(title="改过的标题")], now=fixed_at)
    report = run_pass(engine, config, now=fixed_at + timedelta(minutes=1))
    assert report.changed == [TOMORROWS]
    item = _items(config)[TOMORROWS]
    assert item["content_html"].startswith("<p><strong>更正：本文于2021年9月2日 09:15更正")
    assert item["date_modified"] == "2021-09-02T09:15:00+08:00"
    assert item["date_published"] == "2021-09-02T06:00:00+08:00"


def test_a_re_import_of_what_is_stored_changes_no_byte(articles, engine, config) -> None:
    """The page-order rule is the renderer's: stored times and hashes stay as
    they were, so the same page imported again is no correction."""
    _save(engine, articles, now=SEP1_NOON)
    run_pass(engine, config, now=SEP1_NOON + timedelta(days=1))
    before = _output(config)
    with engine.begin() as conn:
        report = store.save_articles(conn, articles, now=SEP1_NOON + timedelta(days=2))
    assert report.changed == [] and len(report.unchanged) == len(articles)
    assert run_pass(engine, config, now=SEP1_NOON + timedelta(days=2)).changed == []
    assert _output(config) == before
