"""Several instances on one store: one publishes, the others follow, bytes agree."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from support.sampledata import SHANGHAI

from syndicator import store
from syndicator.publish import cluster
from syndicator.publish import output_files as files
from syndicator.store.lock import store_lock, wait_for_release

NOON = datetime(2021, 9, 2, 12, 0, tzinfo=SHANGHAI)


@pytest.fixture
def engine(store_engine):
    return store_engine


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


def _save(engine, articles, now=NOON) -> None:
    with engine.begin() as conn:
        store.save_articles(conn, articles, now=now)


def test_follower_serves_the_publishers_bytes(articles, make_config, engine, tmp_path) -> None:
    a = make_config(tmp_path / "a")
    b = make_config(tmp_path / "b")
    _save(engine, articles[:2])
    first = cluster.publish_or_follow(engine, a, now=NOON, instance="a")
    assert first.role == "published" and first.generation == 1
    followed = cluster.follow_store(engine, b, instance="b")
    assert followed.role == "synced" and followed.generation == 1
    assert _snapshot(b.output_dir) == _snapshot(a.output_dir)
    assert cluster.follow_store(engine, b).role == "current"

    # A pass with nothing new leaves the generation alone; the follower
    # renders nothing. A new article moves it; the follower catches up
    # to exactly the publisher's bytes, file times included.
    assert cluster.publish_or_follow(engine, a, now=NOON + timedelta(minutes=1)).generation == 1
    _save(engine, articles[2:], now=NOON + timedelta(days=1))
    later = NOON + timedelta(days=1)
    assert cluster.publish_or_follow(engine, a, now=later).generation == 2
    assert cluster.follow_store(engine, b).role == "synced"
    assert _snapshot(b.output_dir) == _snapshot(a.output_dir)
    for name in _snapshot(a.output_dir):
        assert (a.output_dir / name).stat().st_mtime == (b.output_dir / name).stat().st_mtime


def test_a_follower_drops_the_posts_of_a_withdrawn_article(
    articles, make_config, engine, tmp_path
) -> None:
    """The publisher deletes them in the pass that removes the article; a
    follower never sees that removal (the bookkeeping is already gone), so
    its full render looks for posts of articles that are not due."""
    a = make_config(tmp_path / "a")
    b = make_config(tmp_path / "b")
    _save(engine, articles)
    cluster.publish_or_follow(engine, a, now=NOON, instance="a")
    cluster.follow_store(engine, b, instance="b")
    gone = articles[0].id
    assert (b.output_dir / "wechat" / f"{gone}.html").exists()
    with engine.begin() as conn:
        store.set_status(conn, gone, "withdrawn")
    assert cluster.publish_or_follow(engine, a, now=NOON + timedelta(minutes=1)).generation == 2
    assert cluster.follow_store(engine, b).role == "synced"
    for root in (a.output_dir, b.output_dir):
        assert not list((root / "wechat").glob(f"{gone}.*")), root
    assert _snapshot(b.output_dir) == _snapshot(a.output_dir)


def test_new_publisher_whose_dir_is_behind_renders_everything(
    articles, make_config, engine, tmp_path
) -> None:
    a = make_config(tmp_path / "a")
    b = make_config(tmp_path / "b")
    _save(engine, articles[:1])
    cluster.publish_or_follow(engine, a, now=NOON, instance="a")
    _save(engine, articles[1:2])
    cluster.publish_or_follow(engine, a, now=NOON + timedelta(minutes=1), instance="a")
    # "a" dies; "b" never followed. The store's bookkeeping says nothing is
    # new, yet b's first pass must write every feed.
    outcome = cluster.publish_or_follow(engine, b, now=NOON + timedelta(minutes=2), instance="b")
    assert outcome.role == "published"
    assert outcome.report.added == [] and "all/atom.xml" in outcome.report.written
    assert _snapshot(b.output_dir) == _snapshot(a.output_dir)
    assert cluster.local_generation(b.output_dir) == outcome.generation


def test_busy_lock_skips_the_pass_then_follows(articles, make_config, engine, tmp_path) -> None:
    a = make_config(tmp_path / "a")
    b = make_config(tmp_path / "b")
    _save(engine, articles)
    cluster.publish_or_follow(engine, a, now=NOON, instance="a")
    held = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with store_lock(engine, cluster.PUBLISH_LOCK) as got:
            assert got
            held.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(5)
        busy = cluster.publish_or_follow(engine, b, now=NOON, follow=False)
        assert busy.role == "busy" and busy.report is None
        assert not wait_for_release(engine, cluster.PUBLISH_LOCK, timeout=0.2)
        threading.Timer(0.3, release.set).start()
        started = time.monotonic()
        outcome = cluster.publish_or_follow(engine, b, now=NOON)
        # It waited for the holder, then caught up instead of publishing.
        assert time.monotonic() - started >= 0.25
        assert outcome.role == "synced"
    finally:
        release.set()
        holder.join()
    assert _snapshot(b.output_dir) == _snapshot(a.output_dir)


def test_tick_removes_temp_files_a_killed_writer_left(articles, engine, config) -> None:
    _save(engine, articles)
    cluster.publish_or_follow(engine, config, now=NOON)
    orphan = config.output_dir / "all" / ".rss.xml.abc123.tmp"
    orphan.write_bytes(b"<rss")
    outcome = cluster.publish_or_follow(engine, config, now=NOON, clean=True)
    assert outcome.removed_temp == ["all/.rss.xml.abc123.tmp"]
    assert not orphan.exists()


def test_write_document_mends_a_gz_twin_from_an_interrupted_write(tmp_path) -> None:
    path = tmp_path / "rss.xml"
    files.write_document(path, b"<old/>")
    # Killed between the two renames: the new .gz is in place, the plain file is old.
    files.write_atomic(path.with_name("rss.xml.gz"), files.gzip_bytes(b"<new/>"))
    assert files.write_document(path, b"<old/>") is True
    assert files.gzip_bytes(b"<old/>") == path.with_name("rss.xml.gz").read_bytes()
    assert files.write_document(path, b"<old/>") is False


def test_publish_lock_is_per_store(tmp_path) -> None:
    first = store.create_store_engine(f"sqlite:///{tmp_path / 'one.db'}")
    second = store.create_store_engine(f"sqlite:///{tmp_path / 'two.db'}")
    with store_lock(first, "publish") as a, store_lock(second, "publish") as b:
        assert a and b
        with store_lock(first, "publish") as again:
            assert not again
