"""A withdrawal moves its documents' time forward, the same on every instance.

The pass that takes an item out of a document records a floor under the
document's ``updated`` in the store (publish/floors.py); the HTTP side of
it (Last-Modified, lastBuildDate) is in tests/web/test_feeds_http.py.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import pytest
from support.sampledata import SHANGHAI

from syndicator import store
from syndicator.publish import run_pass

NOW = datetime(2021, 9, 2, 12, 0, tzinfo=SHANGHAI)


@pytest.fixture
def engine(store_engine):
    """Every test here runs on SQLite and on PostgreSQL."""
    return store_engine


def _mtime(path: Path) -> datetime:
    return datetime.fromtimestamp(int(os.stat(path).st_mtime), UTC)


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != ".syndicator.lock"
    }


def test_a_withdrawal_at_the_same_clock_still_moves_the_time_a_second(
    articles, engine, config
) -> None:
    """``publish --now`` names a clock no later than the feed's own time: the
    floor is one second past it, so Last-Modified still changes."""
    with engine.begin() as conn:
        store.save_articles(conn, articles, now=NOW)
    run_pass(engine, config, now=NOW)
    rss = config.output_dir / "all" / "rss.xml"
    assert _mtime(rss) == NOW
    with engine.begin() as conn:
        store.set_status(conn, "zjgrrb-20210902-01-01", "withdrawn")
    run_pass(engine, config, now=NOW)
    assert _mtime(rss) == NOW + timedelta(seconds=1)
    parsed = feedparser.parse(rss.read_bytes())
    assert parsed.feed.updated_parsed[:6] == (2021, 9, 2, 4, 0, 1)
    with engine.connect() as conn:
        floors = store.get_document_floors(conn)
    assert floors == {("all", "@current"): NOW + timedelta(seconds=1)}


def test_a_follower_renders_the_floor_the_publisher_recorded(
    articles, make_config, engine, tmp_path
) -> None:
    url = engine.url.render_as_string(hide_password=False)
    publisher = make_config(tmp_path / "a", feeds={"limit": 1}, store={"url": url})
    follower = make_config(tmp_path / "b", feeds={"limit": 1}, store={"url": url})
    with engine.begin() as conn:
        store.save_articles(conn, articles, now=NOW)
    run_pass(engine, publisher, now=NOW)
    for article_id in ("zjgrrb-20210902-01-01", "zjgrrb-20210901-01-01"):
        with engine.begin() as conn:
            store.set_status(conn, article_id, "withdrawn")
    later = NOW + timedelta(hours=2)
    run_pass(engine, publisher, now=later)
    with engine.connect() as conn:
        assert store.get_document_floors(conn) == {
            ("all", "@current"): later,
            ("all", "2021-09-01"): later,
        }
    # A fresh instance renders everything from the store, recording nothing.
    run_pass(engine, follower, now=later, force=True, record=False)
    assert _snapshot(follower.output_dir) == _snapshot(publisher.output_dir)
    assert _mtime(follower.output_dir / "all" / "atom.xml") == later


def test_a_back_dated_article_does_not_send_the_archive_start_page_back(
    articles, make_config, engine, tmp_path
) -> None:
    """archive/start/ is dated by the oldest archived day: a page for an older
    day would date it earlier than readers have seen it."""
    config = make_config(tmp_path / "site", feeds={"limit": 1})
    with engine.begin() as conn:
        store.save_articles(conn, articles, now=NOW)
    run_pass(engine, config, now=NOW)
    start = config.output_dir / "all" / "archive" / "start" / "atom.xml"
    before = _mtime(start)
    assert before == datetime(2021, 9, 1, tzinfo=SHANGHAI)
    old = articles[0]
    late = old.replace(
        id="zjgrrb-20210825-01-01",
        edition=old.edition.replace(day=25, month=8),
        published_at=old.published_at.replace(day=25, month=8),
        updated_at=old.published_at.replace(day=25, month=8),
    )
    later = NOW + timedelta(hours=1)
    with engine.begin() as conn:
        store.save_articles(conn, [late], now=later)
    run_pass(engine, config, now=later)
    assert (config.output_dir / "all" / "archive" / "2021-08-25" / "atom.xml").exists()
    assert _mtime(start) == later
    assert feedparser.parse(start.read_bytes()).feed.updated_parsed[:4] == (2021, 9, 2, 5)
